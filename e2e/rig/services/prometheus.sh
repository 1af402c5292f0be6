# shellcheck shell=bash
# Prometheus from Debian's `prometheus` package, scraping the fixture exporter every 2 s with the
# rules in e2e/rig/config/prometheus/rules. The package's own system service is never used: the
# rig runs its own process on loopback with its own data folder.

prometheus_version() {
  dpkg-query -W -f='${Version}' prometheus 2>/dev/null || echo "debian"
}
prometheus_deps() { echo exporter; }

prometheus_install() {
  if [ ! -x /usr/bin/prometheus ]; then
    rig_apt prometheus
  fi
  [ -x /usr/bin/prometheus ] || rig_fail "prometheus: /usr/bin/prometheus missing after apt-get install prometheus"
  # Debian's package may start its system service when an init system runs: stop it, it is not ours
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl disable --now prometheus >/dev/null 2>&1 || rig_log "prometheus: could not stop the system service"
  fi
}

_prometheus_config() {
  local dir="$1"
  sed -e "s#@RULES_DIR@#$RIG_DIR/config/prometheus/rules#g" \
    -e "s#@EXPORTER_TARGET@#$RIG_HOST:$(rig_port exporter)#g" \
    -e "s#@PROMETHEUS_TARGET@#$RIG_HOST:$(rig_port prometheus)#g" \
    "$RIG_DIR/config/prometheus/prometheus.yml.in" >"$dir/prometheus.yml"
  if command -v promtool >/dev/null 2>&1; then
    promtool check config "$dir/prometheus.yml" >>"$(rig_log_file prometheus)" 2>&1 \
      || rig_fail "prometheus: invalid configuration or rules (promtool check config; log: $(rig_log_file prometheus))"
  fi
}

prometheus_start() {
  local dir
  dir="$(rig_data_dir prometheus)"
  mkdir -p "$dir/data"
  _prometheus_config "$dir"
  rig_spawn prometheus /usr/bin/prometheus --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=2d \
    --web.listen-address="$RIG_HOST:$(rig_port prometheus)" --web.enable-lifecycle \
    --web.console.templates=/usr/share/prometheus/consoles --web.console.libraries=/usr/share/prometheus/console_libraries
}

prometheus_start_timeout() { echo 60; }
prometheus_healthy() { rig_http_ok "http://$RIG_HOST:$(rig_port prometheus)/-/ready"; }
prometheus_stop() { rig_kill prometheus 20; }

prometheus_env() {
  echo "KAML_RIG_PROMETHEUS_URL=http://$RIG_HOST:$(rig_port prometheus)"
}
