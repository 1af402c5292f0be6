# shellcheck shell=bash
# The project's fixture Prometheus exporter (e2e/rig/exporter, TypeScript run by Node 22):
# evolving inference, GPU (DCGM-style), container and training series for the simulated models.

exporter_version() { echo "project"; }
exporter_deps() { :; }
exporter_install() { rig_node; }

exporter_start() {
  rig_node
  rig_spawn exporter node "$RIG_DIR/exporter/exporter.ts" --host "$RIG_HOST" --port "$(rig_port exporter)"
}

exporter_start_timeout() { echo 30; }
exporter_healthy() { rig_http_ok "http://$RIG_HOST:$(rig_port exporter)/healthz"; }
exporter_stop() { rig_kill exporter 10; }

exporter_env() {
  echo "KAML_RIG_EXPORTER_URL=http://$RIG_HOST:$(rig_port exporter)/metrics"
}
