#!/usr/bin/env bash
# Installs what KetaClinic needs, builds the release binary and runs the main job. Until the
# server exists (issue 5), the main job is the prediction of the standard antidepressant
# regimen: 0.5 mg/kg over 40 minutes for a 70-kg patient, with a plot in build/standard.svg.
# Extra arguments replace the default ones: scripts/run.sh models
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
if (($#)); then
  exec build/release/src/cli/ketaclinic "$@"
fi
exec build/release/src/cli/ketaclinic simulate --model kamp --weight-kg 70 \
  --dose-mg-per-kg 0.5 --over-min 40 --until-min 240 --step-min 10 --plot build/standard.svg
