#!/usr/bin/env bash
# The adopter test: KAML-D installed into a fresh Backstage app exactly as the README says.
#   scripts/adopter/run.sh [--legacy] [--latest] [--work <dir>] [--release <dir>]
# (--release: publish the tarballs already in <dir> instead of running scripts/release.sh)
# 1. builds and packs the packages (scripts/release.sh) and publishes them to a local Verdaccio
#    registry (installed from the package registry into ~/.cache/kaml-d-adopter);
# 2. creates an app with @backstage/create-app (the release whose templates pin this repository's
#    @backstage/cli, or with --latest the newest one; --legacy: the legacy frontend template);
# 3. runs the README's install section in it: the `adopter:install` commands, the
#    `adopter:backend` lines (and the allow-all policy removed), the `adopter:config` block as
#    app-config.local.yaml, and for --legacy the routes and entity page of the frontend README;
# 4. starts the app on free ports and runs e2e/adopter/*.spec.ts against it.
# Exits non-zero when any step fails; the app's log is printed on failure.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
. scripts/bootstrap.sh >/dev/null

legacy=false latest=false work= release=
while [ $# -gt 0 ]; do
  case "$1" in
    --legacy) legacy=true ;;
    --latest) latest=true ;;
    --work) work=$2; shift ;;
    --release) release=$2; shift ;;
    *) echo "usage: $0 [--legacy] [--latest] [--work <dir>] [--release <dir>]" >&2; exit 2 ;;
  esac
  shift
done
work=${work:-$(mktemp -d "${TMPDIR:-/tmp}/kaml-d-adopter.XXXXXX")}
mkdir -p "$work"
cache=${KAML_ADOPTER_CACHE:-$HOME/.cache/kaml-d-adopter}
mkdir -p "$cache"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { # url, what, seconds
  local deadline=$((SECONDS + $3))
  until curl -fs -o /dev/null "$1"; do
    if [ $SECONDS -ge $deadline ]; then echo "error: $2 did not answer at $1 within $3 s" >&2; return 1; fi
    sleep 2
  done
}
# the fenced block after the marker <!-- $2 --> in markdown file $1
readme_block() { awk -v marker="<!-- $2 -->" '
  $0 == marker { found = 1; next }
  found && /^```/ { if (inside) exit; inside = 1; next }
  inside { print }' "$1"; }

# 1. packages into a local registry
if [ -z "$release" ]; then
  echo "==> release"
  release="$work/release"
  scripts/release.sh "$release" > "$work/release.log" 2>&1 || { tail -30 "$work/release.log"; exit 1; }
fi
release=$(cd "$release" && pwd)
ls "$release"/*.tgz > /dev/null || { echo "error: no tarballs in $release" >&2; exit 1; }
if [ ! -x "$cache/verdaccio/node_modules/.bin/verdaccio" ]; then
  echo "==> installing Verdaccio into $cache/verdaccio"
  mkdir -p "$cache/verdaccio"
  (cd "$cache/verdaccio" && npm install --no-audit --no-fund --silent verdaccio@6 >/dev/null)
fi
registry_port=$(free_port)
registry="http://127.0.0.1:$registry_port"
mkdir -p "$work/registry"
cat > "$work/registry/config.yaml" <<EOF
storage: $work/registry/storage
auth:
  htpasswd:
    file: $work/registry/htpasswd
    max_users: 10
# no uplinks: this registry serves only the @kaml-d packages published to it
uplinks: {}
packages:
  '@kaml-d/*':
    access: \$all
    publish: \$authenticated
listen: 127.0.0.1:$registry_port
log: { type: stdout, format: pretty, level: warn }
EOF
setsid "$cache/verdaccio/node_modules/.bin/verdaccio" --config "$work/registry/config.yaml" \
  > "$work/registry.log" 2>&1 &
pids+=($!)
wait_for "$registry/-/ping" "Verdaccio" 60
token=$(curl -fs -X PUT -H 'content-type: application/json' \
  -d '{"name":"kaml-d-release","password":"release-only-here"}' \
  "$registry/-/user/org.couchdb.user:kaml-d-release" | node -p 'JSON.parse(require("fs").readFileSync(0)).token')
printf '//127.0.0.1:%s/:_authToken=%s\n' "$registry_port" "$token" > "$work/registry/npmrc"
for tarball in "$release"/*.tgz; do
  npm publish "$tarball" --registry "$registry" --userconfig "$work/registry/npmrc" --access public \
    > /dev/null 2>> "$work/publish.log" || { cat "$work/publish.log"; exit 1; }
done
echo "==> published $(ls "$release"/*.tgz | wc -l) packages to $registry"

# 2. a fresh app
pinned_cli=$(node -p 'require("./package.json").devDependencies["@backstage/cli"]')
if $latest; then
  create_app=$(npm view @backstage/create-app version)
else
  create_app=$(cat scripts/adopter/create-app-version)
fi
template=default; $legacy && template=legacy
echo "==> @backstage/create-app@$create_app ($template app)"
app="$work/app-$template"
rm -rf "$app"
(cd "$work" && BACKSTAGE_APP_NAME=kaml-d-adopter npx -y "@backstage/create-app@$create_app" \
  --path "$app" --skip-install $($legacy && echo --legacy) > "$work/create-app.log" 2>&1) ||
  { cat "$work/create-app.log"; exit 1; }
app_cli=$(node -p "require('$app/package.json').devDependencies['@backstage/cli']")
app_cli=${app_cli#[~^]}
if ! $latest && [ "$app_cli" != "$pinned_cli" ]; then
  echo "error: create-app $create_app pins @backstage/cli $app_cli, this repository $pinned_cli;" >&2
  echo "       update scripts/adopter/create-app-version to the create-app of the pinned line" >&2
  exit 1
fi
if ! $latest; then
  # create-app pins the Backstage release of its templates through a yarn.lock seed it downloads
  # from GitHub; where that download fails (it does on machines that reach only the package
  # registries), caret ranges resolve to newer packages and a plain app does not start
  # (signals-backend needs a newer backend-defaults). Stand in for the seed: pin the app's
  # @backstage/* to the same release line, which is this repository's resolutions. KAML-D's own
  # packages get no resolutions: their caret ranges must fit the app's line by themselves.
  if grep -q 'Failed to fetch the yarn.lock seed' "$work/create-app.log"; then
    node "$repo/scripts/adopter/edit-app.mts" pin-line "$app/package.json" "$repo/package.json"
    echo "    (yarn.lock seed unreachable: @backstage/* pinned to the $pinned_cli line, as the seed does)"
  fi
fi

# 3. the README's install section
cd "$app"
# a plain-http registry on this machine only; an adopter's registry is https
yarn config set unsafeHttpWhitelist --json '["127.0.0.1"]' > /dev/null
# every run publishes version 0.1.0 with new content, which a real registry never does: drop
# Yarn's cached copies of the @kaml-d packages so the install takes what was just published
rm -f "$(yarn config get cacheFolder)"/@kaml-d-*-npm-*.zip
echo "==> install (README: adopter:install)"
readme_block "$repo/README.md" adopter:install > "$work/install.sh"
KAML_D_REGISTRY=$registry bash -euo pipefail "$work/install.sh" > "$work/install.log" 2>&1 ||
  { tail -40 "$work/install.log"; exit 1; }
# the reason adopters could not install KAML-D before: second copies of the Backstage libraries
# plugins share state through. One version of each must be installed.
for shared in plugin-catalog-node plugin-scaffolder-node plugin-catalog-react backend-plugin-api \
  frontend-plugin-api core-plugin-api plugin-permission-node catalog-model; do
  versions=$(find . -path "*/node_modules/@backstage/$shared/package.json" -not -path '*/.cache/*' \
    -exec node -p 'require(process.argv[1]).version' {} \; | sort -u | tr '\n' ' ')
  if [ "$(echo "$versions" | wc -w)" -gt 1 ]; then
    echo "error: @backstage/$shared is installed in several versions: $versions" >&2
    exit 1
  fi
done
echo "    one copy each of catalog-node, scaffolder-node, catalog-react, backend-/frontend-/core-plugin-api, permission-node, catalog-model"
echo "==> backend (README: adopter:backend)"
node "$repo/scripts/adopter/edit-app.mts" backend packages/backend/src/index.ts \
  "$(readme_block "$repo/README.md" adopter:backend)"
readme_block "$repo/README.md" adopter:config > app-config.local.yaml
if $legacy; then
  echo "==> legacy frontend (plugins/kaml-d/README.md)"
  node "$repo/scripts/adopter/edit-app.mts" legacy-app packages/app/src \
    "$(readme_block "$repo/plugins/kaml-d/README.md" adopter:legacy-app)" \
    "$(readme_block "$repo/plugins/kaml-d/README.md" adopter:legacy-entity-page)"
fi
# demo content the test looks for: one CSV dataset in the store, KAML-D's templates
mkdir -p packages/backend/kaml-d-data/kaml-datasets/adopter-weather
printf 'day,station,temperature_c\n2026-01-01,oslo,-3.5\n2026-01-02,oslo,-1.0\n2026-01-03,bergen,4.25\n' \
  > packages/backend/kaml-d-data/kaml-datasets/adopter-weather/readings.csv
cp -r "$repo/catalog/templates" kaml-d-templates
app_port=$(free_port) backend_port=$(free_port)
cat > app-config.ports.yaml <<EOF
app:
  baseUrl: http://127.0.0.1:$app_port
backend:
  baseUrl: http://127.0.0.1:$backend_port
  listen: { port: $backend_port }
  cors: { origin: http://127.0.0.1:$app_port }
catalog:
  locations:
    - type: file
      target: ../../examples/entities.yaml
    - type: file
      target: ../../examples/org.yaml
      rules: [{ allow: [User, Group] }]
    - type: file
      target: ../../kaml-d-templates/train-model.yaml
      rules: [{ allow: [Template] }]
EOF

# 4. start and test
echo "==> yarn start (app :$app_port, backend :$backend_port)"
BROWSER=none setsid yarn start --config "$app/app-config.yaml" --config "$app/app-config.local.yaml" \
  --config "$app/app-config.ports.yaml" > "$work/app.log" 2>&1 &
pids+=($!)
started=true
wait_for "http://127.0.0.1:$backend_port/.backstage/health/v1/readiness" "the backend" 600 || started=false
$started && wait_for "http://127.0.0.1:$app_port" "the frontend" 600 || started=false
if ! $started; then tail -60 "$work/app.log"; exit 1; fi
cd "$repo/e2e"
ADOPTER_APP_URL=http://127.0.0.1:$app_port ADOPTER_BACKEND_URL=http://127.0.0.1:$backend_port \
ADOPTER_FRONTEND=$template \
  yarn playwright test -c playwright.adopter.config.ts || { tail -40 "$work/app.log"; exit 1; }
echo "==> adopter test passed: create-app $create_app, $template frontend"
