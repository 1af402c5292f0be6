#!/usr/bin/env bash
# Builds the KAML-D packages as Red Hat Developer Hub dynamic plugins and packs them:
#   scripts/release/dynamic-plugins.sh [--no-build] [--oci-tag <image>] [--export-to <dir>] [out-dir]
# (default out-dir: release/dynamic/; see docs/rhdh.md for installing what it writes)
#
# 1. the normal build: scripts/release.sh (tsc, each plugin's build, pack and tarball checks; its
#    tarballs go to the staging folder, not to release/). --no-build uses the builds
#    already in plugins/*/dist, refusing missing or stale ones (scripts/release/prepack-check.sh).
# 2. copies the plugins into a staging monorepo (release/.dynamic-work/) and runs
#    `rhdh-cli plugin export` there, so plugins/* is never written to: backends get
#    dist-dynamic/ with @kaml-d/plugin-kaml-d-common and -node embedded, @backstage/* as peer
#    dependencies and every other dependency (native @duckdb/node-api included) installed and
#    bundled; the frontend gets dist-scalprum/ (legacy RHDH app) and dist/ (module federation,
#    RHDH's new-frontend-system app-next).
# 3. checks each result (entry point, bundled dependencies, plugin manifests) and packs it with
#    `npm pack` into out-dir, one line per package: name@version, integrity, size.
# --oci-tag builds one OCI image with all six (`rhdh-cli plugin package`; needs podman, or
# CONTAINER_TOOL=docker|buildah); --export-to writes the same layout to a folder instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. scripts/bootstrap.sh >/dev/null

RHDH_CLI_VERSION=1.9.1
rhdh_cli() { npx -y "@red-hat-developer-hub/cli@$RHDH_CLI_VERSION" "$@"; }
# RHDH's install-dynamic-plugins refuses archive entries above MAX_ENTRY_SIZE (default 20 MB)
rhdh_max_entry_size=20000000
# backends first, then the frontend; kaml-d-common and kaml-d-node are embedded, not exported
dynamic_packages=(
  kaml-d-backend
  catalog-backend-module-kaml-d
  search-backend-module-kaml-d
  scaffolder-backend-module-kaml-d
  permission-backend-module-kaml-d
  kaml-d
)

build=true oci_tag= export_to= out_arg=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false ;;
    --oci-tag) oci_tag=${2:?--oci-tag needs an image name}; shift ;;
    --export-to) export_to=${2:?--export-to needs a folder}; shift ;;
    -*) echo "usage: $0 [--no-build] [--oci-tag <image>] [--export-to <dir>] [out-dir]" >&2; exit 2 ;;
    *) out_arg=$1 ;;
  esac
  shift
done
root=$(pwd)
out=$(mkdir -p "${out_arg:-release/dynamic}" && cd "${out_arg:-release/dynamic}" && pwd)
# inside the repository, so that Node resolves @backstage/* from its node_modules
work="$root/release/.dynamic-work"
fail() { echo "error: $*" >&2; exit 1; }

# the image needs a container tool: find out before the long part
tool=${CONTAINER_TOOL:-podman}
if [ -n "$oci_tag" ]; then
  command -v "$tool" >/dev/null || fail "--oci-tag needs $tool (set CONTAINER_TOOL=docker|buildah for another)"
  "$tool" info >/dev/null 2>&1 || fail "$tool is installed but does not answer ('$tool info'); is its daemon running?"
fi

rm -rf "$work"
mkdir -p "$work/plugins"
if $build; then
  echo "==> build (scripts/release.sh)"
  scripts/release.sh "$work/static"
fi
for dir in plugins/*/; do
  (cd "$dir" && ../../scripts/release/prepack-check.sh) || fail "build $dir first (or drop --no-build)"
done

echo "==> staging monorepo in $work"
cat >"$work/package.json" <<'JSON'
{
  "name": "kaml-d-dynamic-plugins-staging",
  "private": true,
  "workspaces": ["plugins/*"]
}
JSON
cp yarn.lock "$work/yarn.lock"
for dir in plugins/*/; do
  name=$(basename "$dir")
  mkdir -p "$work/plugins/$name"
  tar -C "$dir" --exclude=./node_modules --exclude=./dist-dynamic -cf - . | tar -C "$work/plugins/$name" -xf -
done

# A backend's dist-dynamic must load in Node and export a backend feature, and every dependency
# it lists must be bundled in its node_modules (embedded packages included, no workspace: left).
check_backend() {
  local dir=$1/dist-dynamic
  node - "$dir" <<'NODE'
const path = require('node:path');
const fs = require('node:fs');
const dir = path.resolve(process.argv[2]);
const pkg = require(path.join(dir, 'package.json'));
const problems = [];
for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
  if (range.startsWith('workspace:')) problems.push(`${dep} is still ${range}`);
  if (!fs.existsSync(path.join(dir, 'node_modules', dep, 'package.json')))
    problems.push(`dependency ${dep} is not bundled in node_modules`);
}
for (const dep of Object.keys(pkg.dependencies ?? {}).filter(d => d.startsWith('@kaml-d/'))) {
  const embedded = path.join(dir, 'embedded', dep.slice(1).replace('/', '-'), 'package.json');
  if (!fs.existsSync(embedded)) problems.push(`${dep} is not embedded (${embedded})`);
}
const entry = require(dir);
const types = ['@backstage/BackendFeature', '@backstage/BackendFeatureFactory'];
if (!types.includes(entry.default?.$$type) && entry.dynamicPluginInstaller?.kind !== 'new')
  problems.push('its entry exports neither a default backend feature nor dynamicPluginInstaller');
if (problems.length) {
  console.error(`${pkg.name}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
NODE
}

# The frontend's dist-dynamic must hold the Scalprum manifest and the module federation manifest.
check_frontend() {
  local dir=$1/dist-dynamic
  node - "$dir" <<'NODE'
const path = require('node:path');
const fs = require('node:fs');
const dir = path.resolve(process.argv[2]);
const problems = [];
const scalprum = path.join(dir, 'dist-scalprum', 'plugin-manifest.json');
if (!fs.existsSync(scalprum)) problems.push(`${scalprum} is missing`);
else {
  const manifest = require(scalprum);
  if (manifest.name !== 'kaml-d.plugin-kaml-d')
    problems.push(`Scalprum name is ${manifest.name}, docs/rhdh.md configures kaml-d.plugin-kaml-d`);
  for (const script of manifest.loadScripts ?? [])
    if (!fs.existsSync(path.join(dir, 'dist-scalprum', script))) problems.push(`${script} is missing`);
  const exposed = fs.readdirSync(path.join(dir, 'dist-scalprum', 'static'));
  if (!exposed.some(f => /^exposed-PluginRoot\..*\.js$/.test(f)))
    problems.push('dist-scalprum exposes no PluginRoot module');
}
if (!fs.existsSync(path.join(dir, 'dist', 'mf-manifest.json')))
  problems.push('dist/mf-manifest.json (module federation) is missing');
if (problems.length) {
  console.error(`frontend dynamic package:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
NODE
}

rm -f "$out"/*.tgz "$out/integrity.txt"
summary=()
for name in "${dynamic_packages[@]}"; do
  pkg_dir="$work/plugins/$name"
  role=$(node -p "require('$pkg_dir/package.json').backstage.role")
  echo "==> export $name ($role)"
  args=(plugin export --clean)
  if [ "$role" != frontend-plugin ]; then
    # already built above; the CLI's own `yarn build` would need an installed workspace
    args+=(--no-build)
    embed=$(node -p "Object.keys(require('$pkg_dir/package.json').dependencies).filter(d => d.startsWith('@kaml-d/')).join(' ')")
    # shellcheck disable=SC2206 # package names, no spaces
    [ -z "$embed" ] || args+=(--embed-package $embed)
  fi
  log="$work/$name.export.log"
  if ! (cd "$pkg_dir" && rhdh_cli "${args[@]}") >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "rhdh-cli ${args[*]} failed for $name (full log: $log)"
  fi
  if [ "$role" = frontend-plugin ]; then
    check_frontend "$pkg_dir" || fail "the export of $name is incomplete (log: $log)"
  else
    check_backend "$pkg_dir" || fail "the export of $name is incomplete (log: $log)"
  fi
  # npm's JSON lists every file: too long for an argument, read it from a file
  packed="$work/$name.pack.json"
  (cd "$pkg_dir/dist-dynamic" && npm pack --json --ignore-scripts --pack-destination "$out") >"$packed" 2>>"$log" \
    || fail "npm pack failed for $name (log: $log)"
  read -r tarball line < <(node -e '
    const [p] = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const mb = n => (n / 1e6).toFixed(1) + " MB";
    console.log(`${p.filename} ${p.id}  ${p.integrity}  ${mb(p.size)} (unpacked ${mb(p.unpackedSize)})  ${p.filename}`);
  ' "$packed")
  summary+=("$line")
  tarball="$out/$tarball"
  [ -f "$tarball" ] || fail "npm pack reported $tarball, which does not exist"
  # `tar -tv` prints: mode owner size date time path
  big=$(tar -tvzf "$tarball" | awk -v max="$rhdh_max_entry_size" '$3 > max { print $6 " (" $3 " bytes)" }')
  if [ -n "$big" ]; then
    echo "warning: $name has entries above $rhdh_max_entry_size bytes; raise MAX_ENTRY_SIZE of RHDH's" >&2
    echo "         install-dynamic-plugins init container (docs/rhdh.md): $big" >&2
  fi
done

if [ -n "$oci_tag" ] || [ -n "$export_to" ]; then
  # `plugin package` reports its errors but exits 0: check the tool and the result here
  if [ -n "$oci_tag" ]; then
    echo "==> OCI image $oci_tag ($tool)"
    log="$work/package.log"
    (cd "$work" && rhdh_cli plugin package --tag "$oci_tag" --container-tool "$tool") 2>&1 | tee "$log"
    grep -q "Successfully built image" "$log" || fail "rhdh-cli plugin package did not build $oci_tag (log: $log)"
  fi
  if [ -n "$export_to" ]; then
    mkdir -p "$export_to"
    export_to=$(cd "$export_to" && pwd)
    rm -f "$export_to/index.json"
    echo "==> plugin folders in $export_to"
    (cd "$work" && rhdh_cli plugin package --export-to "$export_to") >"$work/export-to.log" 2>&1
    [ -f "$export_to/index.json" ] || fail "rhdh-cli plugin package --export-to wrote nothing (log: $work/export-to.log)"
  fi
fi

echo "==> ${#summary[@]} dynamic plugin packages in $out (rhdh-cli $RHDH_CLI_VERSION)"
printf '%s\n' "${summary[@]}" | tee "$out/integrity.txt"
