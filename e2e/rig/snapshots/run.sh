#!/usr/bin/env bash
# Supervisor of the rig's volume snapshot parts (started by services/snapshots.sh through
# rig_spawn, one process group): the upstream snapshot-controller and the CSI driver stand-in
# (csi-standin.ts). When either exits, or on SIGTERM, it stops the other and exits.
# Environment: SNAP_CONTROLLER (binary), SNAP_KUBECONFIG (admin kubeconfig), SNAP_DIR (state),
# SNAP_LOGS (log folder), SNAP_CONF (this folder).
set -u
declare -A pids=()
log() { printf '%s snapshots/run.sh: %s\n' "$(date -u +%FT%TZ)" "$*"; }
stop_all() {
  local rc=${1:-0} name i
  trap - TERM INT
  for name in standin controller; do
    [ -n "${pids[$name]:-}" ] || continue
    kill -TERM "${pids[$name]}" 2>/dev/null || continue
    for ((i = 0; i < 50; i++)); do kill -0 "${pids[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[$name]}" 2>/dev/null || true
  done
  wait 2>/dev/null
  rm -f "$SNAP_DIR/ready"
  log "stopped (exit $rc)"
  exit "$rc"
}
trap 'stop_all 0' TERM INT

rm -f "$SNAP_DIR/ready"
# metrics/health HTTP endpoint off (no port), no leader election (one replica)
"$SNAP_CONTROLLER" --kubeconfig="$SNAP_KUBECONFIG" --leader-election=false --worker-threads=2 \
  --retry-interval-max=10s --v=2 >>"$SNAP_LOGS/snapshots-controller.log" 2>&1 </dev/null &
pids[controller]=$!
log "snapshot-controller started (pid $!)"
node "$SNAP_CONF/csi-standin.ts" --kubeconfig "$SNAP_KUBECONFIG" --ready "$SNAP_DIR/ready" \
  >>"$SNAP_LOGS/snapshots-standin.log" 2>&1 </dev/null &
pids[standin]=$!
log "csi-standin started (pid $!)"
wait -n
log "a component exited"
stop_all 1
