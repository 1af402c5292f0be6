#!/usr/bin/env bash
# Builds and packs every KAML-D package into one folder, ready for `npm publish <tarball>`:
#   scripts/release.sh [out-dir]        (default: release/)
# Steps: type declarations (tsc), each plugin's build, `yarn pack` (which refuses a missing or
# stale build, see release/prepack-check.sh), then a check of every tarball: entry points exist
# and every package its code or its .d.ts imports is a declared dependency.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh >/dev/null
out=$(mkdir -p "${1:-release}" && cd "${1:-release}" && pwd)
rm -f "$out"/*.tgz

echo "==> type declarations"
NODE_OPTIONS=--max-old-space-size=6144 yarn tsc
for dir in plugins/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  echo "==> build $name"
  (cd "$dir" && yarn backstage-cli package build)
done
for dir in plugins/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  version=$(node -p "require('./${dir}package.json').version")
  tarball="$out/$(echo "${name#@}" | tr / -)-$version.tgz"
  (cd "$dir" && yarn pack --out "$tarball" >/dev/null) || {
    echo "error: packing $name failed; its prepack log says:" >&2
    (cd "$dir" && ../../scripts/release/prepack-check.sh) >&2 || true
    exit 1
  }
done
node scripts/release/check-tarballs.mts "$out"
echo "==> $(ls "$out"/*.tgz | wc -l) packages in $out; publish each with: npm publish <tarball>"
