#!/usr/bin/env bash
# Refuses to pack a KAML-D package that is not built, or whose build is older than its source:
# without this, `yarn pack` exits 0 with a tarball whose "main" is src/index.ts.
# Runs as each package's prepack step, in the package's folder.
set -euo pipefail
name=$(node -p 'require("./package.json").name')
fail() {
  echo "error: cannot pack $name: $1" >&2
  echo "       build first: 'yarn release' from the repository root builds and packs every package," >&2
  echo "       or 'yarn tsc' at the root and then 'yarn build' in $(pwd)." >&2
  exit 1
}
[ -f dist/index.cjs.js ] || [ -f dist/index.esm.js ] || fail "dist/ has no build output"
# (type declarations are checked by scripts/release/check-tarballs.mts: the backend bundle of
# scripts/build-production.sh packs workspace packages built without them, which is fine there)
built=$(ls -t dist/index.cjs.js dist/index.esm.js 2>/dev/null | head -1 || true)
for entry in $(node -p 'require("./package.json").files.join(" ")'); do
  [ -e "$entry" ] || fail "\"files\" lists $entry, which does not exist"
done
newer=$(find src -type f -newer "$built" ! -name '*.test.ts' ! -name '*.test.tsx' ! -path '*/__*__/*' ! -name setupTests.ts | head -1)
[ -z "$newer" ] || fail "$newer changed after the last build"
