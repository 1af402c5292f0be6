# shellcheck shell=bash
# The rig's OpenID provider: e2e/rig/oidc/provider.ts around the npm package oidc-provider.
# Client kaml-d-portal (redirect http://localhost:7007/api/auth/oidc/handler/frame plus
# KAML_RIG_OIDC_REDIRECT_URIS), users alice/bob/carol/dave with a groups claim.

OIDC_CLIENT_ID=kaml-d-portal
OIDC_CLIENT_SECRET=kaml-d-portal-secret
OIDC_PASSWORD=kaml-rig-password

oidc_version() {
  node -p 'require(process.argv[1] + "/node_modules/oidc-provider/package.json").version' "$RIG_ROOT" 2>/dev/null || echo "npm"
}
oidc_deps() { :; }
oidc_install() { rig_node; rig_node_modules; }

oidc_start() {
  rig_node
  KAML_RIG_OIDC_CLIENT_ID="$OIDC_CLIENT_ID" KAML_RIG_OIDC_CLIENT_SECRET="$OIDC_CLIENT_SECRET" \
    KAML_RIG_OIDC_PASSWORD="$OIDC_PASSWORD" NODE_ENV=development \
    rig_spawn oidc node "$RIG_DIR/oidc/provider.ts" --host "$RIG_HOST" --port "$(rig_port oidc)" \
    --state "$(rig_data_dir oidc)"
}

oidc_start_timeout() { echo 30; }
oidc_healthy() { rig_http_ok "http://$RIG_HOST:$(rig_port oidc)/.well-known/openid-configuration"; }
oidc_stop() { rig_kill oidc 10; }

oidc_env() {
  echo "KAML_RIG_OIDC_ISSUER=http://$RIG_HOST:$(rig_port oidc)"
  echo "KAML_RIG_OIDC_METADATA_URL=http://$RIG_HOST:$(rig_port oidc)/.well-known/openid-configuration"
  echo "KAML_RIG_OIDC_CLIENT_ID=$OIDC_CLIENT_ID"
  echo "KAML_RIG_OIDC_CLIENT_SECRET=$OIDC_CLIENT_SECRET"
  echo "KAML_RIG_OIDC_PASSWORD=$OIDC_PASSWORD"
  echo "KAML_RIG_OIDC_USERS=alice,bob,carol,dave"
}
