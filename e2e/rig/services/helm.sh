# shellcheck shell=bash
# helm, built from the Go module proxy (helm.sh/helm/v3/cmd/helm) into the version-keyed cache.
# A binary, not a daemon: healthy = the binary runs. Tests point it at the rig cluster with
# KAML_RIG_KUBECONFIG_ADMIN (services/kube.sh).

HELM_VERSION="${KAML_RIG_HELM_VERSION:-v3.22.0}"

helm_version() { echo "$HELM_VERSION"; }
helm_deps() { :; }
helm_daemon() { return 1; }
_helm_bin() { echo "$RIG_CACHE/helm/$HELM_VERSION/helm"; }

helm_install() {
  local dir="$RIG_CACHE/helm/$HELM_VERSION"
  if [ -x "$dir/helm" ] && [ -s "$dir/BUILD_INFO" ]; then return 0; fi
  rig_need go "install Go >= 1.26 (https://go.dev/doc/install); helm $HELM_VERSION is built from the Go module proxy"
  rig_log "helm: building $HELM_VERSION from the Go module proxy (one-time; see $(rig_log_file helm-build))"
  mkdir -p "$RIG_CACHE/helm"
  bash "$RIG_DIR/kube/build.sh" helm "$HELM_VERSION" "$dir" >>"$(rig_log_file helm-build)" 2>&1 \
    || { tail -n 30 "$(rig_log_file helm-build)" >&2; rig_fail "helm: building $HELM_VERSION failed (log: $(rig_log_file helm-build))"; }
}

helm_start() { :; }
helm_healthy() { "$(_helm_bin)" version --short >/dev/null 2>&1; }
helm_stop() { :; }
helm_env() { echo "KAML_RIG_HELM=$(_helm_bin)"; }
