#!/usr/bin/env bash
# Runs benchmarks: bench/run.sh [name...]. Each prints its figures and ends with `name: ratio`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bootstrap.sh
. scripts/bootstrap.sh
mkdir -p bench/.out
if [ $# -eq 0 ]; then
  set -- $(cd bench && ls *.bench.ts | sed 's/\.bench\.ts$//')
fi
summary=()
for name in "$@"; do
  [ -f "bench/$name.bench.ts" ] || { echo "bench: no bench/$name.bench.ts" >&2; exit 2; }
  echo "=== $name"
  node "bench/$name.bench.ts" | tee "bench/.out/$name.txt"
  summary+=("$(tail -n 1 "bench/.out/$name.txt")")
done
echo "=== summary"
printf '%s\n' "${summary[@]}"
