# shellcheck shell=bash
# KAML-D real-server rig: the framework every e2e/rig/services/<name>.sh builds on.
# Sourced by rig.sh (never run directly). Bash only.
#
# Contract of a service file e2e/rig/services/<name>.sh (sourced by rig.sh), functions:
#   <name>_version   echo the pinned version (keys the binary cache)
#   <name>_deps      echo the names of the services it needs (started first)
#   <name>_install   fetch/build into the cache; idempotent, a fast no-op when cached
#   <name>_start     start it (normally through rig_spawn) and return; rig.sh then polls health
#                    (services whose dependencies are healthy start concurrently)
#   <name>_healthy   exit 0 when healthy
#   <name>_stop      stop it (normally rig_kill <name>)
#   <name>_env       echo KEY=VALUE lines for $RIG_STATE/rig.env
# Optional:
#   <name>_start_timeout  echo seconds rig.sh waits for health after start (default 120)
#   <name>_post_start     run once the service is healthy (seeding buckets, tables, …)
#   <name>_daemon         return 1 for binary-only services (no process: helm)
# rig.sh runs every step in a subshell with `set -e`, so a failing command fails the step;
# call rig_fail for a clearer message.

RIG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RIG_DIR="$RIG_ROOT/e2e/rig"
RIG_STATE="${KAML_RIG_STATE:-$RIG_ROOT/e2e/.rig}"
RIG_CACHE="${KAML_RIG_CACHE:-$HOME/.cache/kaml-d-rig}"
RIG_ENV_FILE="$RIG_STATE/rig.env"
export RIG_ROOT RIG_DIR RIG_STATE RIG_CACHE RIG_ENV_FILE

mkdir -p "$RIG_STATE/logs" "$RIG_STATE/pids" "$RIG_CACHE"

# Default loopback ports, below the kernel's ephemeral range (32768-60999) so that no outgoing
# connection can hold one when a server starts; KAML_RIG_PORT_<NAME> overrides (NAME upper case).
declare -A RIG_DEFAULT_PORTS=(
  [postgres]=25432
  [prometheus]=29090
  [exporter]=29101
  [minio]=29000
  [trino]=28080
  [elasticsearch]=29200
  [oidc]=27080
  [kube]=26443
  [ldap]=26389
  [jupyterhub]=28000
  [jaeger]=26686
)
RIG_HOST=127.0.0.1

rig_log() { printf 'rig: %s\n' "$*" >&2; }

# rig_fail <message>: print an error naming the failed step and exit non-zero.
rig_fail() {
  printf 'rig: error: %s\n' "$*" >&2
  exit 1
}

# rig_need <tool> <how-to-install hint>
rig_need() {
  command -v "$1" >/dev/null 2>&1 || rig_fail "missing tool '$1': $2"
}

# rig_port <name>: the loopback port of a service (empty for services without one).
rig_port() {
  local var="KAML_RIG_PORT_$(printf '%s' "$1" | tr '[:lower:]-' '[:upper:]_')"
  if [ -n "${!var:-}" ]; then echo "${!var}"; else echo "${RIG_DEFAULT_PORTS[$1]:-}"; fi
}

# rig_cache_dir <name> <version>: echo (and create) the version-keyed cache folder.
rig_cache_dir() {
  local d="$RIG_CACHE/$1/$2"
  mkdir -p "$d" && echo "$d"
}

# rig_data_dir <name>: echo (and create) the service's state folder.
rig_data_dir() {
  local d="$RIG_STATE/$1"
  mkdir -p "$d" && echo "$d"
}

rig_log_file() { echo "$RIG_STATE/logs/$1.log"; }
rig_pid_file() { echo "$RIG_STATE/pids/$1.pid"; }

# rig_pid <name>: echo the pid (= process group id) of a running service; exit 1 when not running.
rig_pid() {
  local f pid
  f="$(rig_pid_file "$1")"
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] || return 1
  if kill -0 "$pid" 2>/dev/null || kill -0 -- "-$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  return 1
}

rig_running() { rig_pid "$1" >/dev/null; }

# rig_spawn <name> <cmd...>: start cmd in the background in its own session/process group,
# stdout+stderr appended to $RIG_STATE/logs/<name>.log, pid in $RIG_STATE/pids/<name>.pid.
rig_spawn() {
  local name="$1"; shift
  local log pidf
  log="$(rig_log_file "$name")"
  pidf="$(rig_pid_file "$name")"
  printf '\n=== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
  # A background child of a non-interactive shell is not a group leader, so setsid(1) calls
  # setsid(2) in place and execs: the pid we record is the session and process group id.
  setsid "$@" >>"$log" 2>&1 </dev/null &
  echo "$!" >"$pidf"
}

# rig_kill <name> [timeout-seconds]: SIGTERM the whole process group, wait, SIGKILL after timeout.
rig_kill() {
  local name="$1" timeout="${2:-30}" pid i
  pid="$(rig_pid "$name")" || { rm -f "$(rig_pid_file "$name")"; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; then
    rig_log "$name: still running after ${timeout}s, sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$(rig_pid_file "$name")"
}

# rig_wait <name> <seconds>: poll <name>_healthy until it succeeds; fail (with the log tail) on
# timeout or when the process died.
rig_wait() {
  local name="$1" secs="${2:-120}" start=$SECONDS
  while :; do
    # liveness first: a healthy answer from a foreign process on the port must not count
    if [ -e "$(rig_pid_file "$name")" ] && ! rig_running "$name"; then
      rig_log_tail "$name"
      rig_fail "$name: the process exited during start (log: $(rig_log_file "$name"))"
    fi
    if "${name}_healthy" >/dev/null 2>&1; then
      if [ ! -e "$(rig_pid_file "$name")" ] || rig_running "$name"; then return 0; fi
    fi
    if ((SECONDS - start >= secs)); then
      rig_log_tail "$name"
      rig_fail "$name: not healthy after ${secs}s (log: $(rig_log_file "$name"))"
    fi
    sleep 0.5
  done
}

rig_log_tail() {
  local log
  log="$(rig_log_file "$1")"
  [ -f "$log" ] || return 0
  echo "---- last lines of $log" >&2
  tail -n 25 "$log" >&2
  echo "----" >&2
}

# rig_port_busy <port>: exit 0 when something listens on the TCP port.
rig_port_busy() {
  [ -n "$1" ] || return 1
  ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# rig_port_owner <port>: describe the listener(s) of a port.
rig_port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:(\(.*\))/\1/p' | head -n 3
}

# rig_http_ok <url>: exit 0 when the URL answers 2xx within 3 s.
rig_http_ok() {
  curl -fsS -o /dev/null --max-time 3 "$@" 2>/dev/null
}

# --- system packages and users ----------------------------------------------------------------

_rig_apt_updated=0
# rig_apt <debian-packages...>: apt-get install the packages that are missing (apt-get update
# once). Services in the packages are not started: a policy-rc.d denies that during install.
rig_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || rig_fail "Debian packages missing: ${missing[*]} (install them: apt-get install ${missing[*]})"
    sudo="sudo -n"
  fi
  rig_need apt-get "this rig needs a Debian-based system (apt-get) for: ${missing[*]}"
  rig_log "installing Debian packages: ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then
    $sudo sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && made_policy=1
  fi
  if [ "$_rig_apt_updated" = 0 ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || { [ $made_policy = 1 ] && $sudo rm -f "$policy"; rig_fail "apt-get update failed"; }
    _rig_apt_updated=1
  fi
  local rc=0
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2 || rc=$?
  [ $made_policy = 1 ] && $sudo rm -f "$policy"
  [ $rc -eq 0 ] || rig_fail "apt-get install ${missing[*]} failed"
}

# rig_service_user <user>: the account a server runs as. Root: a system account (created when
# missing) because PostgreSQL and Elasticsearch refuse root. Otherwise: the current user.
rig_service_user() {
  if [ "$(id -u)" -ne 0 ]; then id -un; return 0; fi
  if ! id "$1" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$1" >&2 \
      || rig_fail "could not create the system user '$1' (useradd)"
  fi
  echo "$1"
}

# _rig_as_prefix <user>: the command prefix that runs a program as user (nothing when current).
# setpriv execs in place, so a pid recorded by rig_spawn is the server's own pid.
_rig_as_prefix() {
  RIG_AS=()
  [ "$(id -un)" = "$1" ] && return 0
  RIG_AS=(setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups
    env HOME="${RIG_AS_HOME:-/tmp}" USER="$1" LOGNAME="$1")
}

# rig_as <user> <cmd...>: run cmd (in the foreground) as user.
rig_as() {
  local user="$1"; shift
  _rig_as_prefix "$user"
  "${RIG_AS[@]}" "$@"
}

# rig_spawn_as <name> <user> <cmd...>: rig_spawn, running the command as user.
rig_spawn_as() {
  local name="$1" user="$2"; shift 2
  _rig_as_prefix "$user"
  rig_spawn "$name" "${RIG_AS[@]}" "$@"
}

# rig_chown <user> <paths...>: give the service user its folders (root only).
rig_chown() {
  local user="$1"; shift
  [ "$(id -u)" -eq 0 ] || return 0
  chown -R "$user:$(id -g "$user")" "$@"
}

# --- fetching from registries (hosts derived at run time, never written down) -------------------

# rig_maven_fetch <groupId:artifactId:version[:packaging[:classifier]]> <dest-dir>
# Copies one artifact from Maven's configured repositories (Maven Central by default).
rig_maven_fetch() {
  rig_need mvn "install Maven (apt-get install maven)"
  mkdir -p "$2"
  mvn -B -q -Dmaven.repo.local="$RIG_CACHE/m2" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.overWriteReleases=false >&2 \
    || rig_fail "mvn could not fetch $1"
  # the copy in dest-dir is what the caller keeps: drop Maven's own copy of the artifact
  local g a v
  IFS=: read -r g a v _ <<<"$1"
  rm -rf "${RIG_CACHE:?}/m2/${g//.//}/$a/$v"
}

# rig_go_install <module/path@version> <gobin-dir>: build a Go command into the cache.
rig_go_install() {
  rig_need go "install Go 1.22+ (https://go.dev/doc/install or apt-get install golang)"
  mkdir -p "$2"
  # No symbol table or DWARF (-s -w): the servers are never debugged here, and linking a large
  # command such as minio without them is markedly quicker on 2 cores.
  GOBIN="$2" GOFLAGS="${GOFLAGS:--trimpath}" CGO_ENABLED="${CGO_ENABLED:-0}" go install -ldflags="-s -w" "$1" >&2 \
    || rig_fail "go install $1 failed"
}

# rig_node: make sure Node >= 22.18 (type stripping) is first on PATH (scripts/bootstrap.sh).
rig_node() {
  if node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null; then
    return 0
  fi
  # shellcheck source=/dev/null
  . "$RIG_ROOT/scripts/bootstrap.sh" >&2 || rig_fail "scripts/bootstrap.sh could not provide Node 22"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)' \
    || rig_fail "Node >= 22.18 is needed (TypeScript type stripping); got $(node --version)"
}

# rig_node_modules: make sure the e2e workspace dependencies are installed.
rig_node_modules() {
  [ -d "$RIG_ROOT/node_modules/minio" ] && [ -d "$RIG_ROOT/node_modules/openid-client" ] && return 0
  rig_node
  rig_log "installing workspace dependencies (yarn install)"
  (cd "$RIG_ROOT" && yarn install >&2) || rig_fail "yarn install failed"
}
