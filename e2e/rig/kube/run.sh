#!/usr/bin/env bash
# Supervisor of the rig's Kubernetes control plane (started by services/kube.sh through rig_spawn,
# so it and every component share one process group that rig_kill stops as a unit).
#
# Starts, in order and each only when the previous one answers: etcd, kube-apiserver, then
# kube-controller-manager, kube-scheduler and kwok. When any component exits, or on SIGTERM,
# it stops the others and exits (non-zero when a component died) so health fails loudly instead
# of a half-dead cluster lingering. Each component logs to $KUBE_LOGS/kube-<component>.log.
#
# Everything comes from the environment set by services/kube.sh: KUBE_BIN, KUBE_ETCD_BIN,
# KUBE_KWOK_BIN, KUBE_DIR (state: pki, etcd data, kubeconfigs), KUBE_LOGS, KUBE_CONF (this folder),
# and the ports KUBE_PORT_{APISERVER,ETCD,ETCD_PEER,CM,SCHED,KWOK}.
set -u

host=127.0.0.1
pki=$KUBE_DIR/pki
declare -A pids=()
stopping=0

log() { printf '%s kube/run.sh: %s\n' "$(date -u +%FT%TZ)" "$*"; }

stop_all() {
  stopping=1
  local rc=${1:-0} name
  trap - TERM INT
  # reverse order: simulator and controllers first, the apiserver, etcd last
  for name in kwok scheduler controller-manager apiserver etcd; do
    [ -n "${pids[$name]:-}" ] || continue
    kill -TERM "${pids[$name]}" 2>/dev/null || continue
    local i
    for ((i = 0; i < 100; i++)); do kill -0 "${pids[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[$name]}" 2>/dev/null || true
  done
  wait 2>/dev/null
  log "stopped (exit $rc)"
  exit "$rc"
}
trap 'stop_all 0' TERM INT

spawn() {
  local name=$1; shift
  local logf=$KUBE_LOGS/kube-$name.log
  printf '\n=== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logf"
  "$@" >>"$logf" 2>&1 </dev/null &
  pids[$name]=$!
  log "$name started (pid $!)"
}

alive() { kill -0 "${pids[$1]}" 2>/dev/null; }

# wait_for <name> <seconds> <probe command...>
wait_for() {
  local name=$1 secs=$2; shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then log "$name exited during start (see kube-$name.log)"; stop_all 1; fi
    if ((SECONDS - start >= secs)); then log "$name not answering after ${secs}s"; stop_all 1; fi
    sleep 0.3
  done
  log "$name answering after $((SECONDS - start))s"
}

mkdir -p "$KUBE_DIR/etcd" "$KUBE_DIR/certs-cm" "$KUBE_DIR/certs-sched" "$KUBE_DIR/kwok-home"

spawn etcd "$KUBE_ETCD_BIN" \
  --name=kaml-d-rig \
  --data-dir="$KUBE_DIR/etcd" \
  --listen-client-urls="http://$host:$KUBE_PORT_ETCD" \
  --advertise-client-urls="http://$host:$KUBE_PORT_ETCD" \
  --listen-peer-urls="http://$host:$KUBE_PORT_ETCD_PEER" \
  --initial-advertise-peer-urls="http://$host:$KUBE_PORT_ETCD_PEER" \
  --initial-cluster="kaml-d-rig=http://$host:$KUBE_PORT_ETCD_PEER" \
  --initial-cluster-state=new \
  --unsafe-no-fsync=true \
  --quota-backend-bytes=2147483648 \
  --log-level=warn
wait_for etcd 60 curl -fsS --max-time 2 "http://$host:$KUBE_PORT_ETCD/health"

spawn apiserver "$KUBE_BIN/kube-apiserver" \
  --etcd-servers="http://$host:$KUBE_PORT_ETCD" \
  --bind-address=$host \
  --advertise-address=$host \
  --secure-port="$KUBE_PORT_APISERVER" \
  --tls-cert-file="$pki/apiserver.crt" \
  --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP \
  --requestheader-client-ca-file="$pki/front-proxy-ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User \
  --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$pki/front-proxy-client.crt" \
  --proxy-client-key-file="$pki/front-proxy-client.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" \
  --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction \
  --endpoint-reconciler-type=none \
  --allow-privileged=false \
  --profiling=false \
  --event-ttl=1h \
  --cert-dir="$KUBE_DIR/certs-apiserver"
wait_for apiserver 180 curl -fsS --max-time 3 --cacert "$pki/ca.crt" \
  --cert "$pki/admin.crt" --key "$pki/admin.key" "https://$host:$KUBE_PORT_APISERVER/readyz"

spawn controller-manager "$KUBE_BIN/kube-controller-manager" \
  --kubeconfig="$KUBE_DIR/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$KUBE_DIR/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$KUBE_DIR/controller-manager.kubeconfig" \
  --bind-address=$host \
  --secure-port="$KUBE_PORT_CM" \
  --cert-dir="$KUBE_DIR/certs-cm" \
  --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" \
  --cluster-signing-key-file="$pki/ca.key" \
  --use-service-account-credentials=true \
  --leader-elect=false \
  --profiling=false

spawn scheduler "$KUBE_BIN/kube-scheduler" \
  --kubeconfig="$KUBE_DIR/scheduler.kubeconfig" \
  --authentication-kubeconfig="$KUBE_DIR/scheduler.kubeconfig" \
  --authorization-kubeconfig="$KUBE_DIR/scheduler.kubeconfig" \
  --bind-address=$host \
  --secure-port="$KUBE_PORT_SCHED" \
  --cert-dir="$KUBE_DIR/certs-sched" \
  --leader-elect=false \
  --profiling=false

# kwok reads ~/.kwok/kwok.yaml too when present: give it a HOME of its own.
spawn kwok env HOME="$KUBE_DIR/kwok-home" "$KUBE_KWOK_BIN" \
  --kubeconfig="$KUBE_DIR/kwok.kubeconfig" \
  --config="$KUBE_CONF/kwok.yaml" \
  --server-address="$host:$KUBE_PORT_KWOK" \
  --node-ip=$host \
  --node-port="$KUBE_PORT_KWOK" \
  --tls-cert-file="$pki/kwok-serving.crt" \
  --tls-private-key-file="$pki/kwok-serving.key"

log "all components started"
# Any component exiting brings the whole control plane down.
while :; do
  wait -n
  [ "$stopping" = 1 ] && break
  for name in "${!pids[@]}"; do
    if ! alive "$name"; then
      log "$name exited unexpectedly (see kube-$name.log); stopping the control plane"
      stop_all 1
    fi
  done
done
