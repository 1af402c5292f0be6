# shellcheck shell=bash
# A real Kubernetes control plane on loopback, built from the Go module proxy (no containers):
# etcd 3.6, kube-apiserver, kube-controller-manager, kube-scheduler (module k8s.io/kubernetes,
# scratch-module build, see kube/build.sh), kubectl, and kwok simulating two nodes (kwok-cpu-0
# and kwok-gpu-0 with nvidia.com/gpu: 2) whose pods run, become Ready and complete by the stages
# in kube/kwok.yaml. RBAC on. Kubeconfigs in $RIG_STATE/kube: admin.kubeconfig (system:masters)
# and portal.kubeconfig (the portal's least-privilege ServiceAccount, kube/rbac.yaml).
#
# All components run under one supervisor (kube/run.sh) in one process group: `kube` is one
# rig service. etcd data is KEPT across stop/start (like a real cluster restarting); delete
# $RIG_STATE/kube to start from scratch (the PKI and tokens are regenerated then).

KUBE_VERSION="${KAML_RIG_KUBE_VERSION:-v1.36.3}"
KUBE_ETCD_VERSION="${KAML_RIG_ETCD_VERSION:-v3.6.16}"
KUBE_KWOK_VERSION="${KAML_RIG_KWOK_VERSION:-v0.8.0}"

kube_version() { echo "$KUBE_VERSION"; }
kube_deps() { :; }
kube_start_timeout() { echo 240; }

_kube_dir() { rig_data_dir kube; }
_kube_bin() { echo "$RIG_CACHE/kubernetes/$KUBE_VERSION"; }
_kube_etcd_bin() { echo "$RIG_CACHE/etcd/$KUBE_ETCD_VERSION/etcd"; }
_kube_kwok_bin() { echo "$RIG_CACHE/kwok/$KUBE_KWOK_VERSION/kwok"; }
_kube_kubectl() { echo "$(_kube_bin)/kubectl"; }

# Ports: the apiserver is the rig's `kube` port; the others default to fixed loopback ports and
# can be overridden with KAML_RIG_PORT_KUBE_<PART>.
_kube_port() {
  local var="KAML_RIG_PORT_KUBE_$1" def
  case "$1" in
    ETCD) def=22379 ;; ETCD_PEER) def=22380 ;; CM) def=26257 ;; SCHED) def=26259 ;; KWOK) def=26250 ;;
  esac
  echo "${!var:-$def}"
}
_kube_all_ports() {
  echo "$(rig_port kube) $(_kube_port ETCD) $(_kube_port ETCD_PEER) $(_kube_port CM) $(_kube_port SCHED) $(_kube_port KWOK)"
}

# _kube_build <component> <version> <binary>: build into the cache unless already there.
_kube_build() {
  local what=$1 ver=$2 bin=$3 name=$1 dir
  [ "$what" = k8s ] && name=kubernetes
  dir="$RIG_CACHE/$name/$ver"
  if [ -x "$dir/$bin" ] && [ -s "$dir/BUILD_INFO" ]; then return 0; fi
  rig_need go "install Go >= 1.26 (https://go.dev/doc/install); $what $ver is built from the Go module proxy"
  rig_log "kube: building $what $ver from the Go module proxy (one-time; see $(rig_log_file kube-build))"
  mkdir -p "$RIG_CACHE/$name"
  bash "$RIG_DIR/kube/build.sh" "$what" "$ver" "$dir" >>"$(rig_log_file kube-build)" 2>&1 \
    || { tail -n 30 "$(rig_log_file kube-build)" >&2; rig_fail "kube: building $what $ver failed (log: $(rig_log_file kube-build))"; }
  rig_log "kube: $what $ver built ($(sed -n 's/^build_seconds=//p' "$dir/BUILD_INFO")s)"
}

kube_install() {
  rig_need openssl "apt-get install openssl (the cluster PKI is generated with it)"
  rig_need curl "apt-get install curl"
  _kube_build etcd "$KUBE_ETCD_VERSION" etcd
  _kube_build kwok "$KUBE_KWOK_VERSION" kwok
  _kube_build k8s "$KUBE_VERSION" kube-apiserver
}

# _kube_kubeconfig <file> <user> (cert <crt> <key> | token <token>)
_kube_kubeconfig() {
  local file=$1 user=$2 kind=$3 dir tmp
  dir="$(_kube_dir)"
  tmp="$file.tmp"
  (
    umask 077
    {
      echo "apiVersion: v1"
      echo "kind: Config"
      echo "clusters:"
      echo "- name: kaml-d-rig"
      echo "  cluster:"
      echo "    server: https://$RIG_HOST:$(rig_port kube)"
      echo "    certificate-authority-data: $(base64 -w0 <"$dir/pki/ca.crt")"
      echo "users:"
      echo "- name: $user"
      echo "  user:"
      if [ "$kind" = cert ]; then
        echo "    client-certificate-data: $(base64 -w0 <"$4")"
        echo "    client-key-data: $(base64 -w0 <"$5")"
      else
        echo "    token: $4"
      fi
      echo "contexts:"
      echo "- name: $user@kaml-d-rig"
      echo "  context:"
      echo "    cluster: kaml-d-rig"
      echo "    user: $user"
      [ "$user" = kaml-d-portal ] && echo "    namespace: kaml-d-system"
      echo "current-context: $user@kaml-d-rig"
    } >"$tmp"
  )
  mv -f "$tmp" "$file"
}

# The CRI-format log every simulated container "prints" (kwok serves it for pods/log).
_kube_container_log() {
  local f=$1 now i loss
  mkdir -p "$(dirname "$f")"
  now=$(date -u +%Y-%m-%dT%H:%M:%S)
  {
    printf '%s.000000000Z stdout F kaml-d simulated container started on a kwok node\n' "$now"
    for i in 1 2 3 4 5; do
      loss=$(awk -v e="$i" 'BEGIN { printf "%.4f", 2.3 / (1 + e) }')
      printf '%s.%03d000000Z stdout F epoch=%d/5 loss=%s accuracy=%s\n' "$now" "$i" "$i" "$loss" \
        "$(awk -v e="$i" 'BEGIN { printf "%.3f", 0.5 + e * 0.09 }')"
    done
    printf '%s.900000000Z stdout F done\n' "$now"
  } >"$f"
}

kube_start() {
  local dir p
  dir="$(_kube_dir)"
  for p in $(_kube_all_ports); do
    rig_port_busy "$p" && rig_fail "kube: port $p on $RIG_HOST is already in use ($(rig_port_owner "$p")); stop it or set KAML_RIG_PORT_KUBE_* / KAML_RIG_PORT_KUBE"
  done
  bash "$RIG_DIR/kube/pki.sh" "$dir/pki" || rig_fail "kube: generating the PKI with openssl failed"
  _kube_kubeconfig "$dir/admin.kubeconfig" kaml-d-rig-admin cert "$dir/pki/admin.crt" "$dir/pki/admin.key"
  _kube_kubeconfig "$dir/controller-manager.kubeconfig" system:kube-controller-manager cert \
    "$dir/pki/controller-manager.crt" "$dir/pki/controller-manager.key"
  _kube_kubeconfig "$dir/scheduler.kubeconfig" system:kube-scheduler cert "$dir/pki/scheduler.crt" "$dir/pki/scheduler.key"
  _kube_kubeconfig "$dir/kwok.kubeconfig" kaml-d-rig-kwok cert "$dir/pki/kwok.crt" "$dir/pki/kwok.key"
  _kube_container_log "$dir/kwok-home/logs/container.log"
  rm -f "$dir/ready"
  KUBE_BIN="$(_kube_bin)" KUBE_ETCD_BIN="$(_kube_etcd_bin)" KUBE_KWOK_BIN="$(_kube_kwok_bin)" \
    KUBE_DIR="$dir" KUBE_LOGS="$RIG_STATE/logs" KUBE_CONF="$RIG_DIR/kube" \
    KUBE_PORT_APISERVER="$(rig_port kube)" KUBE_PORT_ETCD="$(_kube_port ETCD)" \
    KUBE_PORT_ETCD_PEER="$(_kube_port ETCD_PEER)" KUBE_PORT_CM="$(_kube_port CM)" \
    KUBE_PORT_SCHED="$(_kube_port SCHED)" KUBE_PORT_KWOK="$(_kube_port KWOK)" \
    rig_spawn kube bash "$RIG_DIR/kube/run.sh"
}

_kube_curl() {
  local dir
  dir="$(_kube_dir)"
  curl -fsS --max-time 3 --cacert "$dir/pki/ca.crt" --cert "$dir/pki/admin.crt" --key "$dir/pki/admin.key" "$@"
}

# Healthy: the apiserver is ready, controller-manager/scheduler/kwok answer their health checks.
kube_healthy() {
  _kube_curl -o /dev/null "https://$RIG_HOST:$(rig_port kube)/readyz" || return 1
  curl -fsSk --max-time 3 -o /dev/null "https://$RIG_HOST:$(_kube_port CM)/healthz" || return 1
  curl -fsSk --max-time 3 -o /dev/null "https://$RIG_HOST:$(_kube_port SCHED)/healthz" || return 1
  curl -fsS --max-time 3 -o /dev/null "http://$RIG_HOST:$(_kube_port KWOK)/healthz" || return 1
}

# Once healthy: namespaces, RBAC and the portal identity, the simulated nodes, the Kubeflow Trainer
# CRDs (kube/trainer.sh); wait until both
# nodes are Ready and the portal's token exists, then write portal.kubeconfig. Idempotent.
kube_post_start() {
  local dir kubectl token i
  dir="$(_kube_dir)"
  kubectl=(env KUBECONFIG="$dir/admin.kubeconfig" "$(_kube_kubectl)")
  "${kubectl[@]}" apply -f "$RIG_DIR/kube/rbac.yaml" -f "$RIG_DIR/kube/nodes.yaml" >>"$(rig_log_file kube)" 2>&1 \
    || rig_fail "kube: kubectl apply of kube/rbac.yaml and kube/nodes.yaml failed (log: $(rig_log_file kube))"
  "${kubectl[@]}" wait --for=condition=Ready --timeout=90s node/kwok-cpu-0 node/kwok-gpu-0 >>"$(rig_log_file kube)" 2>&1 \
    || rig_fail "kube: the kwok nodes did not become Ready within 90s (log: $RIG_STATE/logs/kube-kwok.log)"
  # Kubeflow Trainer v2 CRDs and the torch-distributed runtime (upstream module, cached; no controller)
  KAML_RIG_KUBECTL="$(_kube_kubectl)" KAML_RIG_KUBECONFIG_ADMIN="$dir/admin.kubeconfig" KAML_RIG_CACHE="$RIG_CACHE" \
    bash "$RIG_DIR/kube/trainer.sh" >>"$(rig_log_file kube)" 2>&1 \
    || rig_fail "kube: installing the Kubeflow Trainer CRDs failed (kube/trainer.sh; log: $(rig_log_file kube))"
  token=""
  for ((i = 0; i < 120; i++)); do
    token="$("${kubectl[@]}" -n kaml-d-system get secret kaml-d-portal-token -o 'jsonpath={.data.token}' 2>/dev/null || true)"
    [ -n "$token" ] && break
    sleep 0.5
  done
  [ -n "$token" ] || rig_fail "kube: the token of ServiceAccount kaml-d-portal was not issued within 60s (controller-manager log: $RIG_STATE/logs/kube-controller-manager.log)"
  token="$(printf '%s' "$token" | base64 -d)"
  _kube_kubeconfig "$dir/portal.kubeconfig" kaml-d-portal token "$token"
  (umask 077; printf '%s' "$token" >"$dir/portal.token")
  # the default ServiceAccount of the workload namespaces must exist before pods can be created
  for i in kaml-d-training kaml-d-models kaml-d-project-demo default; do
    local n
    for ((n = 0; n < 60; n++)); do
      "${kubectl[@]}" -n "$i" get serviceaccount default >/dev/null 2>&1 && break
      sleep 0.5
    done
  done
  touch "$dir/ready"
}

kube_stop() {
  local p n
  rig_kill kube 40
  # the supervisor stops its children; make sure none outlived it (e.g. after a SIGKILL)
  for p in $(_kube_all_ports); do
    n=0
    while rig_port_busy "$p" && ((n++ < 50)); do sleep 0.2; done
    rig_port_busy "$p" && rig_log "kube: warning: port $p still bound after stop ($(rig_port_owner "$p"))"
  done
  rm -f "$(_kube_dir)/ready"
  return 0
}

kube_env() {
  local dir
  dir="$(_kube_dir)"
  echo "KAML_RIG_KUBE_URL=https://$RIG_HOST:$(rig_port kube)"
  echo "KAML_RIG_KUBE_VERSION=$KUBE_VERSION"
  echo "KAML_RIG_KUBE_CA=$dir/pki/ca.crt"
  echo "KAML_RIG_KUBECONFIG_ADMIN=$dir/admin.kubeconfig"
  echo "KAML_RIG_KUBECONFIG_PORTAL=$dir/portal.kubeconfig"
  echo "KAML_RIG_KUBECTL=$(_kube_kubectl)"
  # for app-config (Backstage's kubernetes plugin: url + serviceAccountToken + caFile)
  [ -s "$dir/portal.token" ] && echo "KAML_RIG_KUBE_PORTAL_TOKEN=$(cat "$dir/portal.token")"
  return 0
}
