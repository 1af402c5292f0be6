# shellcheck shell=bash
# The rig's OpenID provider: Keycloak from Maven Central (org.keycloak:keycloak-quarkus-dist tar.gz)
# on a JDK >= 21 (KAML_RIG_KEYCLOAK_JAVA_HOME, then /usr/lib/jvm/*, e.g. the Temurin 25 JDK), its
# embedded H2 database in $RIG_STATE/oidc. Realm kaml-d (config/keycloak/kaml-d-realm.json.in,
# imported on each start: a restart resets the realm) federates the rig's directory (service
# ldap) read-only: users alice/bob/carol/dave/erin (password kaml-rig-password) sign in with
# their directory account, and the groups claim (scope groups) lists their directory groups.
# Clients: kaml-d-portal (redirect http://localhost:7007/api/auth/oidc/handler/frame, any
# loopback port, plus KAML_RIG_OIDC_REDIRECT_URIS) and kaml-d-jupyterhub
# (http://{127.0.0.1,localhost}:<jupyterhub port>/hub/oauth_callback).

OIDC_KEYCLOAK_VERSION="${KAML_RIG_KEYCLOAK_VERSION:-26.7.3}"
OIDC_REALM=kaml-d
OIDC_CLIENT_ID=kaml-d-portal
OIDC_CLIENT_SECRET=kaml-d-portal-secret
OIDC_JUPYTERHUB_CLIENT_ID=kaml-d-jupyterhub
OIDC_JUPYTERHUB_CLIENT_SECRET=kaml-d-jupyterhub-secret
# the directory's user password (services/ldap.sh); Keycloak checks it by binding to slapd
OIDC_PASSWORD=kaml-rig-password

_oidc_java_major() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] || return 1
  local v
  v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ -n "$v" ] && echo "${v%%.*}"
}

# _oidc_java: the first JDK >= 21 (Keycloak 26's minimum).
_oidc_java() {
  local j v
  for j in "${KAML_RIG_KEYCLOAK_JAVA_HOME:-}" /usr/lib/jvm/*; do
    v="$(_oidc_java_major "$j")" || continue
    [ "$v" -ge 21 ] 2>/dev/null && { echo "$j"; return 0; }
  done
  rig_fail "oidc: Keycloak $OIDC_KEYCLOAK_VERSION needs a JDK 21 or newer (none in /usr/lib/jvm; set KAML_RIG_KEYCLOAK_JAVA_HOME)"
}

oidc_version() { echo "keycloak $OIDC_KEYCLOAK_VERSION"; }
oidc_deps() { echo ldap; }
_oidc_dist() { echo "$RIG_CACHE/keycloak/$OIDC_KEYCLOAK_VERSION/keycloak-$OIDC_KEYCLOAK_VERSION"; }

oidc_install() {
  local dir dist archive java
  dist="$(_oidc_dist)"
  [ -f "$dist/.rig-installed" ] && return 0
  java="$(_oidc_java)"
  dir="$(rig_cache_dir keycloak "$OIDC_KEYCLOAK_VERSION")"
  archive="$dir/keycloak-quarkus-dist-$OIDC_KEYCLOAK_VERSION.tar.gz"
  if [ ! -s "$archive" ]; then
    rig_log "oidc: fetching org.keycloak:keycloak-quarkus-dist:$OIDC_KEYCLOAK_VERSION:tar.gz with mvn (≈ 170 MB)"
    rig_maven_fetch "org.keycloak:keycloak-quarkus-dist:$OIDC_KEYCLOAK_VERSION:tar.gz" "$dir"
  fi
  rm -rf "$dist"
  tar -xzf "$archive" -C "$dir" || rig_fail "oidc: could not unpack $archive"
  [ -x "$dist/bin/kc.sh" ] || rig_fail "oidc: bin/kc.sh missing after unpacking $archive"
  # build once (Quarkus augmentation) for the embedded H2 database: each start then runs
  # `start --optimized`, which skips the build (tens of seconds on 2 cores)
  rig_log "oidc: building Keycloak $OIDC_KEYCLOAK_VERSION for the embedded database (Java $(_oidc_java_major "$java"))"
  JAVA_HOME="$java" "$dist/bin/kc.sh" build --db=dev-file >"$dir/.build.log" 2>&1 \
    || rig_fail "oidc: kc.sh build failed (log: $dir/.build.log)"
  rm -f "$archive"
  touch "$dist/.rig-installed"
}

# _oidc_home: Keycloak's home for this state folder: its own bin, conf and data (H2 database,
# realm import), the distribution's lib, providers and themes shared from the cache.
_oidc_home() {
  local home dist d
  home="$(rig_data_dir oidc)/home"
  dist="$(_oidc_dist)"
  mkdir -p "$home"
  for d in lib providers themes; do ln -sfn "$dist/$d" "$home/$d"; done
  rm -rf "$home/bin" "$home/conf"
  cp -r "$dist/bin" "$dist/conf" "$home/"
  echo "$home"
}

# _oidc_redirects: the portal client's redirect URIs as JSON strings, comma-separated.
_oidc_redirects() {
  local uris=(
    "http://localhost:7007/api/auth/oidc/handler/frame"
    "http://127.0.0.1:7007/api/auth/oidc/handler/frame"
    # portals on other loopback ports (the browser tests pick free ports); loopback rig only
    "http://localhost:*"
    "http://127.0.0.1:*"
  ) u out=""
  IFS=, read -r -a extra <<<"${KAML_RIG_OIDC_REDIRECT_URIS:-}"
  for u in "${uris[@]}" "${extra[@]}"; do
    u="$(printf '%s' "$u" | tr -d '[:space:]"\\')"
    [ -n "$u" ] && out="$out${out:+, }\"$u\""
  done
  echo "$out"
}

oidc_start() {
  local home java port
  java="$(_oidc_java)"
  [ -f "$(_oidc_dist)/.rig-installed" ] || rig_fail "oidc: Keycloak is not installed (run e2e/rig/rig.sh install oidc)"
  home="$(_oidc_home)"
  port="$(rig_port oidc)"
  # a fresh database on each start: the realm is imported again from the committed file
  rm -rf "$home/data"
  mkdir -p "$home/data/import"
  sed -e "s#@PORTAL_CLIENT_ID@#$OIDC_CLIENT_ID#" -e "s#@PORTAL_CLIENT_SECRET@#$OIDC_CLIENT_SECRET#" \
    -e "s#@PORTAL_REDIRECTS@#$(_oidc_redirects)#" \
    -e "s#@JUPYTERHUB_CLIENT_ID@#$OIDC_JUPYTERHUB_CLIENT_ID#" \
    -e "s#@JUPYTERHUB_CLIENT_SECRET@#$OIDC_JUPYTERHUB_CLIENT_SECRET#" \
    -e "s#@JUPYTERHUB_PORT@#$(rig_port jupyterhub)#g" \
    -e "s#@LDAP_URL@#ldap://$RIG_HOST:$(rig_port ldap)#" \
    -e "s#@LDAP_BIND_DN@#$LDAP_READER_DN#" -e "s#@LDAP_BIND_PASSWORD@#$LDAP_READER_PASSWORD#" \
    -e "s#@LDAP_USERS_DN@#ou=people,$LDAP_BASE_DN#" -e "s#@LDAP_GROUPS_DN@#ou=groups,$LDAP_BASE_DN#" \
    "$RIG_DIR/config/keycloak/kaml-d-realm.json.in" >"$home/data/import/kaml-d-realm.json"
  chmod 600 "$home/data/import/kaml-d-realm.json"
  JAVA_HOME="$java" JAVA_OPTS_KC_HEAP="${KAML_RIG_KEYCLOAK_HEAP:--Xms64m -Xmx512m}" \
    rig_spawn oidc "$home/bin/kc.sh" start --optimized --import-realm \
    --http-enabled=true --http-host="$RIG_HOST" --http-port="$port" \
    --hostname="http://$RIG_HOST:$port" --hostname-strict=false \
    --cache=local --log-level=info
}

# on 2 busy cores Keycloak takes ≈ 20-60 s to start and import the realm
oidc_start_timeout() { echo 240; }
oidc_healthy() { rig_http_ok "http://$RIG_HOST:$(rig_port oidc)/realms/$OIDC_REALM/.well-known/openid-configuration"; }
oidc_stop() { rig_kill oidc 30; }

oidc_env() {
  local issuer
  issuer="http://$RIG_HOST:$(rig_port oidc)/realms/$OIDC_REALM"
  echo "KAML_RIG_OIDC_ISSUER=$issuer"
  echo "KAML_RIG_OIDC_METADATA_URL=$issuer/.well-known/openid-configuration"
  echo "KAML_RIG_OIDC_CLIENT_ID=$OIDC_CLIENT_ID"
  echo "KAML_RIG_OIDC_CLIENT_SECRET=$OIDC_CLIENT_SECRET"
  echo "KAML_RIG_OIDC_JUPYTERHUB_CLIENT_ID=$OIDC_JUPYTERHUB_CLIENT_ID"
  echo "KAML_RIG_OIDC_JUPYTERHUB_CLIENT_SECRET=$OIDC_JUPYTERHUB_CLIENT_SECRET"
  echo "KAML_RIG_OIDC_PASSWORD=$OIDC_PASSWORD"
  echo "KAML_RIG_OIDC_USERS=alice,bob,carol,dave"
}
