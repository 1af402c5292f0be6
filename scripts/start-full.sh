#!/usr/bin/env bash
# KAML-D full local mode: start the real-server rig (PostgreSQL, MinIO, Trino, Elasticsearch,
# Prometheus, Kubernetes, OpenID provider) and run the portal against it.
#
#   scripts/start-full.sh              bootstrap, install, rig start, portal
#   scripts/start-full.sh --no-install
# Stop the portal with Ctrl-C, then the rig with `e2e/rig/rig.sh stop`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bootstrap.sh
. scripts/bootstrap.sh

install=1
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    *) echo "start-full: unknown option $arg (known: --no-install)" >&2; exit 2 ;;
  esac
done
[ "$install" = 1 ] && scripts/install.sh

e2e/rig/rig.sh start
set -a
# shellcheck source=/dev/null
. "$(e2e/rig/rig.sh env)"
set +a
# the portal's least-privilege service-account token, from the rig's kubeconfig
KAML_RIG_KUBE_PORTAL_TOKEN="$(sed -n 's/^ *token: *//p' "$KAML_RIG_KUBECONFIG_PORTAL" | head -n 1)"
[ -n "$KAML_RIG_KUBE_PORTAL_TOKEN" ] || { echo "start-full: no token in $KAML_RIG_KUBECONFIG_PORTAL" >&2; exit 1; }
export KAML_RIG_KUBE_PORTAL_TOKEN

export KAML_DATA_DIR="${KAML_DATA_DIR:-$root/data/full}"
export KAML_APP_PORT="${KAML_APP_PORT:-3000}"
export KAML_BACKEND_PORT="${KAML_BACKEND_PORT:-7007}"
mkdir -p "$KAML_DATA_DIR"
echo "KAML-D portal (full mode, rig): http://localhost:$KAML_APP_PORT (backend http://localhost:$KAML_BACKEND_PORT)"
exec yarn backstage-cli repo start --config "$root/app-config.yaml" --config "$root/app-config.rig.yaml"
