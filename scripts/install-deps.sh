#!/usr/bin/env bash
# Installs every Debian package KetaClinic needs to build, test and benchmark (Debian 12).
# Idempotent; run as root (or with sudo). See ../shared/reference/dependencies.md for choices.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # libraries (base, pk, clinical, cli)
  libeigen3-dev nlohmann-json3-dev libcli11-dev libfmt-dev libexpected-dev libhowardhinnant-date-dev
  # storage: SQLite (default), PostgreSQL client and a server for the contract tests; libsodium
  libsqlite3-dev libpqxx-dev libpq-dev postgresql-15 libsodium-dev tzdata
  # tests and benchmarks
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev libboost-dev
  # checks: formatting, static analysis; SciPy as an independent oracle
  clang-format clang-tidy-19 python3 python3-scipy python3-numpy
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "installing: ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
