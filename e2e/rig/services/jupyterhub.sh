# shellcheck shell=bash
# JupyterHub with JupyterLab from PyPI (a Python 3.11 venv in the cache) and configurable-http-proxy
# from npm (installed with the project's Node into the cache). Config: config/jupyterhub/
# jupyterhub_config.py — SimpleLocalProcessSpawner (one folder per hub user under the state
# folder, no system users), GenericOAuthenticator against the rig's OpenID provider (whatever
# `oidc_env` says at start: the Node provider or Keycloak), and a service `kaml-d` whose API token
# (KAML_RIG_JUPYTERHUB_TOKEN) may create users, start/stop their servers and reach them.

JUPYTERHUB_VERSION=5.5.4
JUPYTERHUB_PY_PACKAGES=(
  "jupyterhub==$JUPYTERHUB_VERSION" jupyterlab==4.4.10 oauthenticator==17.4.0
  pandas==2.3.3 pyarrow==21.0.0
)
JUPYTERHUB_CHP_VERSION=5.3.0
# The rig's service token (like the other rig credentials: a test server on loopback only).
JUPYTERHUB_SERVICE_TOKEN=kaml-rig-jupyterhub-service-token-0123456789abcdef

jupyterhub_version() { echo "$JUPYTERHUB_VERSION"; }
jupyterhub_deps() { echo oidc; }
_jupyterhub_home() { echo "$RIG_CACHE/jupyterhub/$JUPYTERHUB_VERSION"; }

_jupyterhub_python() {
  local p
  for p in "${KAML_RIG_PYTHON:-}" python3.11 python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null 2>&1 \
      && "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null \
      && { echo "$p"; return 0; }
  done
  rig_fail "jupyterhub: needs Python >= 3.9 with venv (python3.11; set KAML_RIG_PYTHON)"
}

jupyterhub_install() {
  local home
  home="$(rig_cache_dir jupyterhub "$JUPYTERHUB_VERSION")"
  if [ ! -f "$home/venv/.rig-installed" ]; then
    rig_log "jupyterhub: creating the venv ($home/venv) and installing ${JUPYTERHUB_PY_PACKAGES[*]}"
    rm -rf "$home/venv"
    "$(_jupyterhub_python)" -m venv "$home/venv" || rig_fail "jupyterhub: python -m venv failed"
    "$home/venv/bin/pip" install -q --disable-pip-version-check "${JUPYTERHUB_PY_PACKAGES[@]}" >&2 \
      || rig_fail "jupyterhub: pip install failed"
    touch "$home/venv/.rig-installed"
  fi
  if [ ! -x "$home/chp/node_modules/.bin/configurable-http-proxy" ]; then
    rig_node
    rig_log "jupyterhub: installing configurable-http-proxy@$JUPYTERHUB_CHP_VERSION with npm"
    mkdir -p "$home/chp"
    (cd "$home/chp" && npm install --no-audit --no-fund --no-save --prefix "$home/chp" \
      "configurable-http-proxy@$JUPYTERHUB_CHP_VERSION" >&2) \
      || rig_fail "jupyterhub: npm install configurable-http-proxy failed"
  fi
}

jupyterhub_start() {
  local home state line key value
  home="$(_jupyterhub_home)"
  [ -f "$home/venv/.rig-installed" ] || rig_fail "jupyterhub is not installed (run e2e/rig/rig.sh install jupyterhub)"
  state="$(rig_data_dir jupyterhub)"
  mkdir -p "$state/users"
  # the provider's current settings (either implementation of the oidc service)
  local -A oidc=()
  while IFS= read -r line; do
    key="${line%%=*}"; value="${line#*=}"
    oidc[$key]="$value"
  done < <(oidc_env)
  rig_node
  PATH="$home/venv/bin:$home/chp/node_modules/.bin:$PATH" \
    KAML_RIG_JUPYTERHUB_PORT="$(rig_port jupyterhub)" KAML_RIG_JUPYTERHUB_HOST="$RIG_HOST" \
    KAML_RIG_JUPYTERHUB_STATE="$state" KAML_RIG_JUPYTERHUB_TOKEN="$JUPYTERHUB_SERVICE_TOKEN" \
    KAML_RIG_OIDC_ISSUER="${oidc[KAML_RIG_OIDC_ISSUER]:-}" \
    KAML_RIG_OIDC_METADATA_URL="${oidc[KAML_RIG_OIDC_METADATA_URL]:-}" \
    KAML_RIG_OIDC_JUPYTERHUB_CLIENT_ID="${oidc[KAML_RIG_OIDC_JUPYTERHUB_CLIENT_ID]:-${oidc[KAML_RIG_OIDC_CLIENT_ID]:-}}" \
    KAML_RIG_OIDC_JUPYTERHUB_CLIENT_SECRET="${oidc[KAML_RIG_OIDC_JUPYTERHUB_CLIENT_SECRET]:-${oidc[KAML_RIG_OIDC_CLIENT_SECRET]:-}}" \
    rig_spawn jupyterhub "$home/venv/bin/jupyterhub" -f "$RIG_DIR/config/jupyterhub/jupyterhub_config.py"
}

jupyterhub_start_timeout() { echo 90; }
jupyterhub_healthy() { rig_http_ok "http://$RIG_HOST:$(rig_port jupyterhub)/hub/api/"; }
jupyterhub_stop() { rig_kill jupyterhub 30; }

jupyterhub_env() {
  echo "KAML_RIG_JUPYTERHUB_URL=http://$RIG_HOST:$(rig_port jupyterhub)"
  echo "KAML_RIG_JUPYTERHUB_TOKEN=$JUPYTERHUB_SERVICE_TOKEN"
  echo "KAML_RIG_JUPYTERHUB_VENV=$(_jupyterhub_home)/venv"
}
