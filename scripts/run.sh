#!/usr/bin/env bash
# Installs what KetaClinic needs, builds the release binary and starts the server on an embedded
# SQLite database with a demo clinic (200 synthetic patients with their histories, courses,
# sessions, vitals, scales, side effects and ledger). The first run creates the database
# build/demo-clinic.db and prints the administrator's generated password once; later runs reuse
# it. The API listens on 127.0.0.1:8080 (docs/API.md); Ctrl-C stops it gracefully.
# Extra arguments run another command instead: scripts/run.sh models
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
k=build/release/src/cli/ketaclinic
if (($#)); then
  exec "$k" "$@"
fi
db_file=build/demo-clinic.db
if [ ! -e "$db_file" ]; then
  "$k" init --db "sqlite:$db_file"
  "$k" demo --db "sqlite:$db_file" --patients 200 --seed 1
fi
exec "$k" serve --db "sqlite:$db_file"
