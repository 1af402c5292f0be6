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
case "${1:-}" in
  "") scripts/install.sh ;;
  --no-install) ;;
  *) echo "start-full: unknown option $1 (known: --no-install)" >&2; exit 2 ;;
esac

e2e/rig/rig.sh start
set -a
# shellcheck source=/dev/null
. "$(e2e/rig/rig.sh env)"
set +a
export KAML_DATA_DIR="${KAML_DATA_DIR:-$root/data/full}"
exec scripts/start.sh --no-install --config "$root/app-config.yaml" --config "$root/app-config.rig.yaml"
