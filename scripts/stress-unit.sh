#!/usr/bin/env bash
# Proof that the unit suite does not depend on machine speed: runs it several times in a row
# while CPU burners keep 2× the core count busy (like `stress --cpu $((2*nproc))`).
#   scripts/stress-unit.sh [runs]      (default 3)
# Prints one line per run (passed/failed/total, seconds, and whether jest warned about workers
# that did not exit), then `stress-unit: <passing runs>/<runs>`; exits non-zero unless all pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh >/dev/null
runs=${1:-3}
burners=$(( 2 * $(nproc) ))
out=$(mktemp -d "${TMPDIR:-/tmp}/kaml-d-stress.XXXXXX")
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
for _ in $(seq "$burners"); do
  node -e 'for (;;) {}' &
  pids+=($!)
done
echo "stress-unit: $burners CPU burners on $(nproc) cores, $runs runs, logs in $out"
passing=0
for run in $(seq "$runs"); do
  started=$SECONDS
  status=0
  yarn backstage-cli repo test --watchAll=false > "$out/run-$run.txt" 2>&1 || status=$?
  tests=$(grep -E '^Tests:' "$out/run-$run.txt" | tail -1)
  leaks=$(grep -c 'worker process has failed to exit gracefully\|did not exit one second after' "$out/run-$run.txt" || true)
  echo "run $run: exit $status, ${tests:-no summary}, $((SECONDS - started)) s, load $(cut -d' ' -f1 /proc/loadavg), workers not exiting: $leaks"
  if [ "$status" = 0 ] && [ "$leaks" = 0 ]; then passing=$((passing + 1)); else grep -E '✕|●.*›' "$out/run-$run.txt" | head -20 || true; fi
done
echo "stress-unit: $passing/$runs"
[ "$passing" = "$runs" ]
