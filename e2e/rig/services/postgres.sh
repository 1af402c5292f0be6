# shellcheck shell=bash
# PostgreSQL from Debian's `postgresql` package: the backend's database in full mode.
# A private cluster (initdb) in $RIG_STATE/postgres, listening on 127.0.0.1 only, with a
# password role for the portal that may create the per-plugin databases.

POSTGRES_MAJOR="${KAML_RIG_POSTGRES_MAJOR:-15}"
POSTGRES_USER_NAME=kaml
POSTGRES_PASSWORD=kaml-rig-password
POSTGRES_DB=kaml

postgres_version() { echo "$POSTGRES_MAJOR"; }
postgres_deps() { :; }
_postgres_bin() { echo "/usr/lib/postgresql/$POSTGRES_MAJOR/bin"; }
_postgres_os_user() { rig_service_user postgres; }

postgres_install() {
  if [ ! -x "$(_postgres_bin)/postgres" ]; then
    rig_apt "postgresql-$POSTGRES_MAJOR" postgresql-client-common
  fi
  [ -x "$(_postgres_bin)/postgres" ] || rig_fail "postgres: $(_postgres_bin)/postgres missing after installing postgresql-$POSTGRES_MAJOR"
}

_postgres_init() {
  local dir data user bin pwfile
  dir="$(rig_data_dir postgres)"
  data="$dir/data"
  bin="$(_postgres_bin)"
  user="$(_postgres_os_user)"
  mkdir -p "$dir/run"
  rig_chown "$user" "$dir"
  [ -f "$data/PG_VERSION" ] && return 0
  rig_log "postgres: initdb in $data"
  pwfile="$dir/.pw"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  rig_chown "$user" "$pwfile"
  rig_as "$user" "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >>"$(rig_log_file postgres)" 2>&1 \
    || { rm -rf "$data" "$pwfile"; rig_fail "postgres: initdb failed (log: $(rig_log_file postgres))"; }
  rm -f "$pwfile"
  # the portal's role and database, created in single-user mode before the server first listens
  printf "CREATE ROLE %s LOGIN CREATEDB PASSWORD '%s';\nCREATE DATABASE %s OWNER %s;\n" \
    "$POSTGRES_USER_NAME" "$POSTGRES_PASSWORD" "$POSTGRES_DB" "$POSTGRES_USER_NAME" |
    rig_as "$user" "$bin/postgres" --single -D "$data" postgres >>"$(rig_log_file postgres)" 2>&1 \
    || { rm -rf "$data"; rig_fail "postgres: creating role $POSTGRES_USER_NAME failed"; }
}

postgres_start() {
  _postgres_init
  local dir
  dir="$(rig_data_dir postgres)"
  rig_spawn_as postgres "$(_postgres_os_user)" "$(_postgres_bin)/postgres" -D "$dir/data" \
    -c listen_addresses="$RIG_HOST" -p "$(rig_port postgres)" -c unix_socket_directories="$dir/run" \
    -c shared_buffers=64MB -c max_connections=200 -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c logging_collector=off
}

postgres_healthy() {
  PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=3 psql -X -q -t -A -h "$RIG_HOST" -p "$(rig_port postgres)" \
    -U "$POSTGRES_USER_NAME" -d "$POSTGRES_DB" -c 'select 1' 2>/dev/null | grep -qx 1
}

postgres_stop() {
  local dir
  dir="$(rig_data_dir postgres)"
  if rig_running postgres; then
    rig_as "$(_postgres_os_user)" "$(_postgres_bin)/pg_ctl" -D "$dir/data" stop -m fast -w -t 20 >/dev/null 2>&1 || true
  fi
  rig_kill postgres 10
}

postgres_env() {
  local port
  port="$(rig_port postgres)"
  echo "KAML_RIG_PG_HOST=$RIG_HOST"
  echo "KAML_RIG_PG_PORT=$port"
  echo "KAML_RIG_PG_USER=$POSTGRES_USER_NAME"
  echo "KAML_RIG_PG_PASSWORD=$POSTGRES_PASSWORD"
  echo "KAML_RIG_PG_DATABASE=$POSTGRES_DB"
  echo "KAML_RIG_PG_URL=postgresql://$POSTGRES_USER_NAME:$POSTGRES_PASSWORD@$RIG_HOST:$port/$POSTGRES_DB"
}
