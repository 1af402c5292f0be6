# shellcheck shell=bash
# Trino from Maven Central (io.trino:trino-server tar.gz) with a Hive catalog on a file metastore
# kept in MinIO (s3://kaml-warehouse/metastore, native S3 file system, path-style) whose tables lie
# over the seeded demo datasets, plus the tpch catalog. Only the hive and tpch plugins are unpacked.
#
# Version and JDK (KAML_RIG_TRINO_JAVA=auto|24|17, default auto):
#  - Trino 476 on the first JDK >= 24 found (KAML_RIG_JAVA24_HOME, then /usr/lib/jvm/*), e.g. the
#    Temurin 25 JDK of these machines; native S3 file system (config/trino/hive.properties.in).
#  - Fallback when no JDK >= 24 is found (or KAML_RIG_TRINO_JAVA=17, or KAML_RIG_JAVA24_HOME=none):
#    the Java-17 line on the first JDK >= 17 (KAML_RIG_JAVA17_HOME, the `java` on PATH, then
#    /usr/lib/jvm/*). Trino 435 (the last release on Java 17) is tried first; the Maven repository
#    reachable here does not serve 435 (nor 436-465), so the rig then uses 368, whose Hive connector
#    reads MinIO through the legacy hive.s3.* properties (config/trino/hive-legacy-s3.properties.in).
#    A failed 435 lookup is remembered in $RIG_CACHE/trino/435/.not-served (delete it to retry).
#  - KAML_RIG_TRINO_VERSION pins a version (>= 470 needs a JDK >= 24, older ones a JDK >= 17).

# The portal's query user: read-only on the dataset catalogs (config/trino/rules.json.in), and the
# rig's admin (seeding, test set-up), which may do anything. Without authentication Trino believes
# the X-Trino-User header, so production must authenticate the portal user (password or JWT).
TRINO_USER=kaml-d-reader
TRINO_ADMIN_USER=kaml-seed
TRINO_CATALOG=hive
TRINO_SCHEMA=kaml
# Trino's resource groups (config/trino/resource-groups.json.in) bound what the portal user runs
# across every backend replica: this many queries at once, this many more queued (the rest are
# refused with QUERY_QUEUE_FULL), no new one started while the group holds this much of the
# cluster's memory. Small on the rig so a test can fill the group; the admin has its own group.
TRINO_READER_MAX_RUNNING=2
TRINO_READER_MAX_QUEUED=2
TRINO_READER_MEMORY=50%

# _trino_java_major <java-home>: the JDK's major version (empty when it is not a JDK).
_trino_java_major() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] || return 1
  local v
  v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ -n "$v" ] && echo "${v%%.*}"
}

# _trino_find_jdk <min-major> <candidate>...: the first candidate JDK whose major is >= min-major.
_trino_find_jdk() {
  local min="$1" j v
  shift
  for j in "$@"; do
    v="$(_trino_java_major "$j")" || continue
    [ "$v" -ge "$min" ] 2>/dev/null && { echo "$j"; return 0; }
  done
  return 1
}

_trino_path_java_home() {
  local j
  j="$(command -v java 2>/dev/null)" || return 0
  j="$(readlink -f "$j")" && echo "${j%/bin/java}"
}

_trino_jdk24() {
  [ "${KAML_RIG_JAVA24_HOME:-}" = none ] && return 1
  # shellcheck disable=SC2046
  _trino_find_jdk 24 "${KAML_RIG_JAVA24_HOME:-}" /usr/lib/jvm/*
}

_trino_jdk17() {
  _trino_find_jdk 17 "${KAML_RIG_JAVA17_HOME:-}" "$(_trino_path_java_home)" /usr/lib/jvm/*
}

# Selection, once per shell: TRINO_LINE (24 or 17), TRINO_JAVA (JDK home or empty), TRINO_WHY.
_trino_select() {
  [ -n "${TRINO_LINE:-}" ] && return 0
  local want="${KAML_RIG_TRINO_JAVA:-auto}"
  if [ -n "${KAML_RIG_TRINO_VERSION:-}" ]; then
    if [ "${KAML_RIG_TRINO_VERSION%%.*}" -ge 470 ] 2>/dev/null; then want=24; else want=17; fi
  fi
  case "$want" in
    auto)
      if TRINO_JAVA="$(_trino_jdk24)"; then
        TRINO_LINE=24
      else
        TRINO_LINE=17
        TRINO_JAVA="$(_trino_jdk17)" || TRINO_JAVA=
        TRINO_WHY="no JDK >= 24 found"
      fi
      ;;
    24) TRINO_LINE=24; TRINO_JAVA="$(_trino_jdk24)" || TRINO_JAVA= ;;
    17) TRINO_LINE=17; TRINO_JAVA="$(_trino_jdk17)" || TRINO_JAVA=; TRINO_WHY="KAML_RIG_TRINO_JAVA=17" ;;
    *) rig_fail "KAML_RIG_TRINO_JAVA must be auto, 24 or 17 (got '$want')" ;;
  esac
  [ -n "${KAML_RIG_TRINO_VERSION:-}" ] && TRINO_WHY="KAML_RIG_TRINO_VERSION=$KAML_RIG_TRINO_VERSION"
  [ "${KAML_RIG_JAVA24_HOME:-}" = none ] && [ "$TRINO_LINE" = 17 ] && TRINO_WHY="KAML_RIG_JAVA24_HOME=none"
  return 0
}

# _trino_ver: the version to run (computed each call: an install may have ruled 435 out meanwhile).
_trino_ver() {
  _trino_select
  if [ -n "${KAML_RIG_TRINO_VERSION:-}" ]; then echo "$KAML_RIG_TRINO_VERSION"
  elif [ "$TRINO_LINE" = 24 ]; then echo 476
  elif [ -f "$RIG_CACHE/trino/435/trino-server-435/.rig-installed" ] || [ ! -f "$RIG_CACHE/trino/435/.not-served" ]; then echo 435
  else echo 368
  fi
}

_trino_java_desc() {
  _trino_select
  [ -n "$TRINO_JAVA" ] && echo "Java $(_trino_java_major "$TRINO_JAVA") ($TRINO_JAVA)"
}

trino_version() {
  local v
  _trino_select
  v="$(_trino_ver)"
  if [ -n "$TRINO_JAVA" ]; then echo "$v on Java $(_trino_java_major "$TRINO_JAVA")"; else echo "$v"; fi
}
trino_deps() { echo minio; }
_trino_home() { echo "$RIG_CACHE/trino/$1/trino-server-$1"; }

_trino_need_java() {
  _trino_select
  [ -n "$TRINO_JAVA" ] && return 0
  if [ "$TRINO_LINE" = 24 ]; then
    local where="none found in /usr/lib/jvm"
    [ "${KAML_RIG_JAVA24_HOME:-}" = none ] && where="KAML_RIG_JAVA24_HOME=none"
    rig_fail "trino $(_trino_ver) needs a JDK 24 or newer ($where; set KAML_RIG_JAVA24_HOME, e.g. to a Temurin 25 JDK, or use KAML_RIG_TRINO_JAVA=17 for the Java-17 fallback)"
  fi
  rig_fail "trino: no JDK >= 24 and no JDK >= 17 found (java on PATH: $(command -v java || echo none); set KAML_RIG_JAVA17_HOME or KAML_RIG_JAVA24_HOME)"
}

# _trino_fetch <version>: download and unpack one release into the cache; non-zero when the Maven
# repositories do not serve it.
_trino_fetch() {
  local v="$1" dir archive home
  home="$(_trino_home "$v")"
  [ -f "$home/.rig-installed" ] && return 0
  dir="$(rig_cache_dir trino "$v")"
  archive="$dir/trino-server-$v.tar.gz"
  if [ ! -s "$archive" ]; then
    rig_need mvn "install Maven (apt-get install maven)"
    rig_log "trino: fetching io.trino:trino-server:$v:tar.gz with mvn (≈ 650-800 MB)"
    if ! mvn -B -q -Dmaven.repo.local="$RIG_CACHE/m2" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="io.trino:trino-server:$v:tar.gz" -DoutputDirectory="$dir" -Dmdep.overWriteReleases=false >"$dir/.mvn.log" 2>&1; then
      rm -rf "${RIG_CACHE:?}/m2/io/trino/trino-server/$v"
      return 1
    fi
    rm -rf "${RIG_CACHE:?}/m2/io/trino/trino-server/$v"
  fi
  rig_log "trino: unpacking $v (hive, tpch and resource-group-managers plugins only)"
  rm -rf "$home"
  # the archive hard-links jars across plugin folders: unpack all, then drop the unused plugins
  tar -xzf "$archive" -C "$dir" || rig_fail "trino: could not unpack $archive"
  find "$home/plugin" -mindepth 1 -maxdepth 1 -type d ! -name hive ! -name tpch ! -name resource-group-managers -exec rm -rf {} +
  [ -x "$home/bin/launcher" ] && [ -d "$home/plugin/hive" ] \
    || rig_fail "trino: bin/launcher or plugin/hive missing after unpacking"
  rm -f "$archive"
  touch "$home/.rig-installed"
}

# _trino_resource_groups_plugin <version>: the file-based resource group manager (plugin folder
# resource-group-managers) for an install unpacked before the rig kept that plugin, from the
# plugin's own Maven zip (≈ 30 MB) rather than the whole server archive again.
_trino_resource_groups_plugin() {
  local v="$1" home dir zip
  home="$(_trino_home "$v")"
  [ -d "$home/plugin/resource-group-managers" ] && return 0
  dir="$(rig_cache_dir trino "$v")"
  zip="$dir/trino-resource-group-managers-$v.zip"
  rig_need mvn "install Maven (apt-get install maven)"
  rig_need unzip "install unzip (apt-get install unzip)"
  rig_log "trino: fetching io.trino:trino-resource-group-managers:$v:zip with mvn (≈ 30 MB)"
  mvn -B -q -Dmaven.repo.local="$RIG_CACHE/m2" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="io.trino:trino-resource-group-managers:$v:zip" -DoutputDirectory="$dir" >"$dir/.mvn-resource-groups.log" 2>&1 \
    || rig_fail "trino: mvn could not fetch io.trino:trino-resource-group-managers:$v:zip (log: $dir/.mvn-resource-groups.log)"
  rm -rf "${RIG_CACHE:?}/m2/io/trino/trino-resource-group-managers/$v" "$dir/trino-resource-group-managers-$v"
  unzip -q "$zip" -d "$dir" || rig_fail "trino: could not unpack $zip"
  mv "$dir/trino-resource-group-managers-$v" "$home/plugin/resource-group-managers"
  rm -f "$zip"
}

trino_install() {
  _trino_need_java
  local v
  v="$(_trino_ver)"
  if [ -f "$(_trino_home "$v")/.rig-installed" ]; then
    _trino_resource_groups_plugin "$v"
    return 0
  fi
  [ "$TRINO_LINE" = 17 ] && rig_log "trino: ${TRINO_WHY:-Java-17 line}, installing Trino $v for $(_trino_java_desc)"
  if [ "$v" = 435 ] && [ -z "${KAML_RIG_TRINO_VERSION:-}" ]; then
    _trino_fetch 435 && return 0
    touch "$RIG_CACHE/trino/435/.not-served"
    rig_log "trino: io.trino:trino-server:435 is not served by the configured Maven repositories ($RIG_CACHE/trino/435/.mvn.log), falling back to Trino 368 on $(_trino_java_desc)"
    v=368
  fi
  _trino_fetch "$v" || rig_fail "trino: mvn could not fetch io.trino:trino-server:$v:tar.gz (log: $RIG_CACHE/trino/$v/.mvn.log)"
}

_trino_config() {
  local state etc port s3 major hive=hive.properties.in
  major="$(_trino_java_major "$TRINO_JAVA")"
  [ "$(_trino_ver)" -lt 470 ] 2>/dev/null && hive='hive-legacy-s3.properties.in'
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
  # -XX:+EnableDynamicAgentLoading exists from JDK 21 on: older JVMs refuse to start with it
  sed -e "s#@HEAP@#${KAML_RIG_TRINO_HEAP:-1G}#" "$RIG_DIR/config/trino/jvm.config.in" \
    | if [ "$major" -lt 21 ]; then sed -e '/EnableDynamicAgentLoading/d'; else cat; fi >"$etc/jvm.config"
  cp -f "$RIG_DIR/config/trino/log.properties" "$etc/log.properties"
  echo "connector.name=tpch" >"$etc/catalog/tpch.properties"
  # a catalog the portal user is not given: the sandbox rig tests prove it is refused
  echo "connector.name=tpch" >"$etc/catalog/restricted.properties"
  # file-based system access control: who may read and write what (see rules.json.in)
  # Trino 368 (the Java-17 fallback) knows no functions, procedures or authorization rules and
  # refuses a file with them: they are left out there (untested line; 476 is what the rig runs)
  sed -e "s#@ADMIN_USER@#$TRINO_ADMIN_USER#g" -e "s#@READER_USER@#$TRINO_USER#g" \
    "$RIG_DIR/config/trino/rules.json.in" \
    | if [ "$(_trino_ver)" -lt 470 ] 2>/dev/null; then
        awk '/^  "(functions|procedures|authorization)": \[/ { skip = 1 } !skip { print } skip && /^  \],?$/ { skip = 0 }'
      else cat; fi >"$etc/rules.json"
  printf 'access-control.name=file\nsecurity.config-file=%s\n' "$etc/rules.json" >"$etc/access-control.properties"
  # file-based resource groups: the portal user's queries share one bounded group (see above)
  sed -e "s#@ADMIN_USER@#$TRINO_ADMIN_USER#g" -e "s#@READER_USER@#$TRINO_USER#g" \
    -e "s#@READER_RUNNING@#$TRINO_READER_MAX_RUNNING#" -e "s#@READER_QUEUED@#$TRINO_READER_MAX_QUEUED#" \
    -e "s#@READER_MEMORY@#$TRINO_READER_MEMORY#" \
    "$RIG_DIR/config/trino/resource-groups.json.in" >"$etc/resource-groups.json"
  printf 'resource-groups.configuration-manager=file\nresource-groups.config-file=%s\n' "$etc/resource-groups.json" \
    >"$etc/resource-groups.properties"
  sed -e "s#@S3_ENDPOINT@#$s3#" -e "s#@S3_ACCESS_KEY@#$MINIO_ACCESS_KEY#" -e "s#@S3_SECRET_KEY@#$MINIO_SECRET_KEY#" \
    -e "s#@WAREHOUSE_BUCKET@#$MINIO_BUCKET_WAREHOUSE#" \
    "$RIG_DIR/config/trino/$hive" >"$etc/catalog/hive.properties"
  chmod 600 "$etc/catalog/hive.properties"
}

trino_start() {
  local state v
  _trino_need_java
  v="$(_trino_ver)"
  [ -f "$(_trino_home "$v")/.rig-installed" ] || rig_fail "trino $v is not installed (run e2e/rig/rig.sh install trino)"
  [ "$TRINO_LINE" = 17 ] && rig_log "trino: ${TRINO_WHY:-Java-17 line}, using Trino $v on $(_trino_java_desc)"
  _trino_config
  state="$(rig_data_dir trino)"
  JAVA_HOME="$TRINO_JAVA" PATH="$TRINO_JAVA/bin:$PATH" \
    rig_spawn trino "$(_trino_home "$v")/bin/launcher" run --etc-dir="$state/etc" --data-dir="$state/data"
}

trino_start_timeout() { echo 240; }

trino_healthy() {
  curl -fsS --max-time 3 "http://$RIG_HOST:$(rig_port trino)/v1/info" 2>/dev/null | grep -q '"starting":false'
}

# Tables over the seeded datasets (hive.kaml.*), recreated on each start so they follow datasets.ts.
trino_post_start() {
  local location="s3://$MINIO_BUCKET_WAREHOUSE/$TRINO_SCHEMA"
  # Trino 368's file metastore refuses a schema location: the schema then lies under the metastore
  [ "$(_trino_ver)" -lt 470 ] 2>/dev/null && location=-
  rig_node
  rig_node_modules
  KAML_RIG_TRINO_URL="http://$RIG_HOST:$(rig_port trino)" \
    node "$RIG_ROOT/scripts/demo-data/seed-trino.ts" "$TRINO_CATALOG" "$TRINO_SCHEMA" \
    "s3://$MINIO_BUCKET_DATASETS" "$location" >>"$(rig_log_file trino)" 2>&1 \
    || rig_fail "trino: creating the tables failed (log: $(rig_log_file trino))"
}

trino_stop() { rig_kill trino 40; }

trino_env() {
  echo "KAML_RIG_TRINO_URL=http://$RIG_HOST:$(rig_port trino)"
  echo "KAML_RIG_TRINO_HOST=$RIG_HOST"
  echo "KAML_RIG_TRINO_PORT=$(rig_port trino)"
  echo "KAML_RIG_TRINO_USER=$TRINO_USER"
  echo "KAML_RIG_TRINO_ADMIN_USER=$TRINO_ADMIN_USER"
  echo "KAML_RIG_TRINO_READER_MAX_RUNNING=$TRINO_READER_MAX_RUNNING"
  echo "KAML_RIG_TRINO_READER_MAX_QUEUED=$TRINO_READER_MAX_QUEUED"
  echo "KAML_RIG_TRINO_CATALOG=$TRINO_CATALOG"
  echo "KAML_RIG_TRINO_SCHEMA=$TRINO_SCHEMA"
  _trino_select
  echo "KAML_RIG_TRINO_VERSION=$(_trino_ver)"
  echo "KAML_RIG_TRINO_JAVA_VERSION=$(_trino_java_major "$TRINO_JAVA")"
  echo "KAML_RIG_TRINO_JAVA_HOME=$TRINO_JAVA"
}
