# shellcheck shell=bash
# Trino from Maven Central (io.trino:trino-server tar.gz) with a Hive catalog on a file metastore
# kept in MinIO (s3://kaml-warehouse/metastore, native S3 file system, path-style) whose tables lie
# over the seeded demo datasets, plus the tpch catalog. Only the hive and tpch plugins are unpacked.
#
# Version: the Maven repository reachable here serves trino-server 352, 356, 368, 470 and 476 (not
# 435, the last release on Java 17). 476 needs Java 24+: the rig uses the first JDK >= 24 it finds
# (KAML_RIG_JAVA24_HOME, then /usr/lib/jvm/*), e.g. the Temurin 25 JDK of these machines.

TRINO_VERSION="${KAML_RIG_TRINO_VERSION:-476}"
TRINO_USER=kaml
TRINO_CATALOG=hive
TRINO_SCHEMA=kaml

trino_version() { echo "$TRINO_VERSION"; }
trino_deps() { echo minio; }
_trino_home() { echo "$RIG_CACHE/trino/$TRINO_VERSION/trino-server-$TRINO_VERSION"; }

# _trino_java_home: a JDK whose major version is >= 24.
_trino_java_home() {
  local j v
  for j in "${KAML_RIG_JAVA24_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$j" ] && [ -x "$j/bin/java" ] || continue
    v="$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    [ -n "$v" ] && [ "${v%%.*}" -ge 24 ] 2>/dev/null && { echo "$j"; return 0; }
  done
  return 1
}

trino_install() {
  _trino_java_home >/dev/null || rig_fail "trino $TRINO_VERSION needs a JDK 24 or newer (none found in /usr/lib/jvm; set KAML_RIG_JAVA24_HOME, e.g. to a Temurin 25 JDK)"
  [ -f "$(_trino_home)/.rig-installed" ] && return 0
  local dir archive
  dir="$(rig_cache_dir trino "$TRINO_VERSION")"
  archive="$dir/trino-server-$TRINO_VERSION.tar.gz"
  if [ ! -s "$archive" ]; then
    rig_log "trino: fetching io.trino:trino-server:$TRINO_VERSION:tar.gz with mvn (≈ 800 MB)"
    rig_maven_fetch "io.trino:trino-server:$TRINO_VERSION:tar.gz" "$dir"
  fi
  rig_log "trino: unpacking (hive and tpch plugins only)"
  rm -rf "$(_trino_home)"
  # the archive hard-links jars across plugin folders: unpack all, then drop the unused plugins
  tar -xzf "$archive" -C "$dir" || rig_fail "trino: could not unpack $archive"
  find "$(_trino_home)/plugin" -mindepth 1 -maxdepth 1 -type d ! -name hive ! -name tpch -exec rm -rf {} +
  [ -x "$(_trino_home)/bin/launcher" ] && [ -d "$(_trino_home)/plugin/hive" ] \
    || rig_fail "trino: bin/launcher or plugin/hive missing after unpacking"
  rm -f "$archive"
  touch "$(_trino_home)/.rig-installed"
}

_trino_config() {
  local state etc port s3
  state="$(rig_data_dir trino)"
  etc="$state/etc"
  port="$(rig_port trino)"
  s3="http://$RIG_HOST:$(rig_port minio)"
  mkdir -p "$etc/catalog" "$state/data"
  cat >"$etc/node.properties" <<EOF
node.environment=kaml_d_rig
node.id=kaml-d-rig-trino-1
node.data-dir=$state/data
node.bind-ip=$RIG_HOST
node.internal-address=$RIG_HOST
EOF
  cat >"$etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=http://$RIG_HOST:$port
query.max-memory=600MB
query.max-memory-per-node=300MB
task.concurrency=2
task.max-worker-threads=4
EOF
  sed -e "s#@HEAP@#${KAML_RIG_TRINO_HEAP:-1G}#" "$RIG_DIR/config/trino/jvm.config.in" >"$etc/jvm.config"
  cp -f "$RIG_DIR/config/trino/log.properties" "$etc/log.properties"
  echo "connector.name=tpch" >"$etc/catalog/tpch.properties"
  sed -e "s#@S3_ENDPOINT@#$s3#" -e "s#@S3_ACCESS_KEY@#$MINIO_ACCESS_KEY#" -e "s#@S3_SECRET_KEY@#$MINIO_SECRET_KEY#" \
    -e "s#@WAREHOUSE_BUCKET@#$MINIO_BUCKET_WAREHOUSE#" \
    "$RIG_DIR/config/trino/hive.properties.in" >"$etc/catalog/hive.properties"
  chmod 600 "$etc/catalog/hive.properties"
}

trino_start() {
  local java state
  java="$(_trino_java_home)" || rig_fail "trino: no JDK 24+"
  _trino_config
  state="$(rig_data_dir trino)"
  JAVA_HOME="$java" PATH="$java/bin:$PATH" \
    rig_spawn trino "$(_trino_home)/bin/launcher" run --etc-dir="$state/etc" --data-dir="$state/data"
}

trino_start_timeout() { echo 240; }

trino_healthy() {
  curl -fsS --max-time 3 "http://$RIG_HOST:$(rig_port trino)/v1/info" 2>/dev/null | grep -q '"starting":false'
}

# Tables over the seeded datasets (hive.kaml.*), recreated on each start so they follow datasets.ts.
trino_post_start() {
  rig_node
  rig_node_modules
  KAML_RIG_TRINO_URL="http://$RIG_HOST:$(rig_port trino)" \
    node "$RIG_ROOT/scripts/demo-data/seed-trino.ts" "$TRINO_CATALOG" "$TRINO_SCHEMA" \
    "s3://$MINIO_BUCKET_DATASETS" "s3://$MINIO_BUCKET_WAREHOUSE/$TRINO_SCHEMA" >>"$(rig_log_file trino)" 2>&1 \
    || rig_fail "trino: creating the tables failed (log: $(rig_log_file trino))"
}

trino_stop() { rig_kill trino 40; }

trino_env() {
  echo "KAML_RIG_TRINO_URL=http://$RIG_HOST:$(rig_port trino)"
  echo "KAML_RIG_TRINO_HOST=$RIG_HOST"
  echo "KAML_RIG_TRINO_PORT=$(rig_port trino)"
  echo "KAML_RIG_TRINO_USER=$TRINO_USER"
  echo "KAML_RIG_TRINO_CATALOG=$TRINO_CATALOG"
  echo "KAML_RIG_TRINO_SCHEMA=$TRINO_SCHEMA"
  echo "KAML_RIG_TRINO_VERSION=$TRINO_VERSION"
}
