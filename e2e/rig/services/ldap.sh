# shellcheck shell=bash
# The rig's directory: OpenLDAP slapd from Debian's `slapd` package (mdb database in
# $RIG_STATE/ldap, listening on 127.0.0.1 only) holding the demo organisation of catalog/org.yaml
# (config/ldap/directory.ldif.in: people alice/bob/carol/dave/erin/guest, groups data-science,
# data-engineering, ml-platform-sre, admins under kaml-d-org). Each start reloads the directory
# from that file, so a test that changes a membership leaves nothing behind after a restart.
# Keycloak (service oidc) federates it; the portal's catalog syncs its users and groups from it.

LDAP_BASE_DN="dc=kaml-d,dc=example"
LDAP_ADMIN_DN="cn=admin,$LDAP_BASE_DN"
LDAP_ADMIN_PASSWORD=kaml-rig-ldap-admin
LDAP_READER_CN=kaml-d-reader
LDAP_READER_DN="cn=$LDAP_READER_CN,$LDAP_BASE_DN"
LDAP_READER_PASSWORD=kaml-rig-ldap-reader
# every person's password (the same as the rig's OpenID provider's, KAML_RIG_OIDC_PASSWORD)
LDAP_USER_PASSWORD=kaml-rig-password

ldap_version() {
  dpkg-query -W -f='${Version}' slapd 2>/dev/null || echo debian
}
ldap_deps() { :; }
_ldap_os_user() { rig_service_user openldap; }

ldap_install() {
  [ -x /usr/sbin/slapd ] && command -v ldapmodify >/dev/null 2>&1 && return 0
  rig_apt slapd ldap-utils
  [ -x /usr/sbin/slapd ] || rig_fail "ldap: /usr/sbin/slapd missing after installing slapd"
}

# _ldap_render <template> <output>: fill in the DNs and password hashes.
_ldap_render() {
  local state
  state="$(rig_data_dir ldap)"
  sed -e "s#@STATE@#$state#g" -e "s#@BASE_DN@#$LDAP_BASE_DN#g" -e "s#@ADMIN_DN@#$LDAP_ADMIN_DN#g" \
    -e "s#@READER_DN@#$LDAP_READER_DN#g" -e "s#@READER_CN@#$LDAP_READER_CN#g" \
    -e "s#@ADMIN_PASSWORD_HASH@#$(slappasswd -s "$LDAP_ADMIN_PASSWORD")#" \
    -e "s#@READER_PASSWORD_HASH@#$(slappasswd -s "$LDAP_READER_PASSWORD")#" \
    -e "s#@PASSWORD_HASH@#$(slappasswd -s "$LDAP_USER_PASSWORD")#g" \
    "$1" >"$2"
}

ldap_start() {
  local state user log
  state="$(rig_data_dir ldap)"
  user="$(_ldap_os_user)"
  log="$(rig_log_file ldap)"
  rm -rf "$state/data" "$state/run"
  mkdir -p "$state/data" "$state/run"
  _ldap_render "$RIG_DIR/config/ldap/slapd.conf.in" "$state/slapd.conf"
  _ldap_render "$RIG_DIR/config/ldap/directory.ldif.in" "$state/directory.ldif"
  chmod 600 "$state/slapd.conf" "$state/directory.ldif"
  rig_chown "$user" "$state"
  rig_as "$user" /usr/sbin/slapadd -q -f "$state/slapd.conf" -l "$state/directory.ldif" >>"$log" 2>&1 \
    || rig_fail "ldap: loading the directory with slapadd failed (log: $log)"
  # -d keeps slapd in the foreground (rig_spawn records its pid); stats lines go to the log
  rig_spawn_as ldap "$user" /usr/sbin/slapd -d stats -f "$state/slapd.conf" \
    -h "ldap://$RIG_HOST:$(rig_port ldap)/"
}

ldap_start_timeout() { echo 30; }

ldap_healthy() {
  ldapsearch -x -LLL -o nettimeout=3 -H "ldap://$RIG_HOST:$(rig_port ldap)" -D "$LDAP_READER_DN" \
    -w "$LDAP_READER_PASSWORD" -b "cn=kaml-d-org,ou=groups,$LDAP_BASE_DN" -s base dn 2>/dev/null | grep -q '^dn:'
}

ldap_stop() { rig_kill ldap 10; }

ldap_env() {
  echo "KAML_RIG_LDAP_URL=ldap://$RIG_HOST:$(rig_port ldap)"
  echo "KAML_RIG_LDAP_BASE_DN=$LDAP_BASE_DN"
  echo "KAML_RIG_LDAP_USERS_DN=ou=people,$LDAP_BASE_DN"
  echo "KAML_RIG_LDAP_GROUPS_DN=ou=groups,$LDAP_BASE_DN"
  echo "KAML_RIG_LDAP_BIND_DN=$LDAP_READER_DN"
  echo "KAML_RIG_LDAP_BIND_PASSWORD=$LDAP_READER_PASSWORD"
  echo "KAML_RIG_LDAP_ADMIN_DN=$LDAP_ADMIN_DN"
  echo "KAML_RIG_LDAP_ADMIN_PASSWORD=$LDAP_ADMIN_PASSWORD"
}
