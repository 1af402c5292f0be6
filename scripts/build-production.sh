#!/usr/bin/env bash
# Builds KAML-D's production artifact: the backend bundle that serves the built frontend.
#
#   scripts/build-production.sh            type-check, build the app and the backend bundle
#   scripts/build-production.sh --install  run `yarn install --immutable` first (CI, fresh clone)
#   scripts/build-production.sh --clean REV  build the committed tree REV (e.g. HEAD) in a temporary
#                                            git worktree (own install), then copy the artifacts
#                                            here: uncommitted edits in this checkout stay out
#
# Produces packages/backend/dist/skeleton.tar.gz (every workspace package.json, for a cached
# `yarn workspaces focus --all --production`) and packages/backend/dist/bundle.tar.gz (the built
# workspace packages, including packages/app/dist). packages/backend/Dockerfile copies both.
# The app's frontend configuration is read from app-config.yaml + app-config.production.yaml at
# build time and again at run time by @backstage/plugin-app-backend (which injects it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${1:-}" = "--clean" ]; then
  rev="$(git rev-parse --verify "${2:?--clean needs a revision, such as HEAD}^{commit}")"
  wt="$(mktemp -d "${TMPDIR:-/tmp}/kaml-d-build.XXXXXX")"
  cleanup() { git -C "$root" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"; git -C "$root" worktree prune; }
  trap cleanup EXIT
  echo "build-production: building $(git rev-parse --short "$rev") in a clean worktree" >&2
  git worktree add --detach "$wt" "$rev" >/dev/null
  # reuse this checkout's Node (scripts/bootstrap.sh) instead of fetching it again
  (cd "$wt" && KAML_TOOLS_DIR="${KAML_TOOLS_DIR:-$root/.tools}" bash scripts/build-production.sh --install)
  mkdir -p packages/backend/dist
  cp "$wt"/packages/backend/dist/bundle.tar.gz "$wt"/packages/backend/dist/skeleton.tar.gz packages/backend/dist/
  echo "build-production: copied the artifacts of $(git rev-parse --short "$rev") to packages/backend/dist" >&2
  exit 0
fi
# shellcheck source=./bootstrap.sh
. scripts/bootstrap.sh

step() { echo "build-production: $*" >&2; }
t0=$SECONDS

# A fresh clone needs an install; a working checkout (possibly shared) keeps its node_modules.
if [ "${1:-}" = "--install" ] || [ ! -d node_modules ]; then
  step "yarn install (immutable)"
  yarn install --immutable
fi

step "type check (yarn tsc)"
t=$SECONDS
yarn tsc
step "type check done in $((SECONDS - t))s"

# The backend build builds its local dependencies first, the frontend `app` included (the
# backend depends on it through `link:../app`), then packs the bundle and the skeleton.
step "backend bundle + app (yarn build:backend)"
t=$SECONDS
yarn build:backend --config ../../app-config.yaml --config ../../app-config.production.yaml
step "backend bundle done in $((SECONDS - t))s"

for f in packages/backend/dist/bundle.tar.gz packages/backend/dist/skeleton.tar.gz; do
  [ -s "$f" ] || { echo "build-production: $f was not produced" >&2; exit 1; }
done
# (the listing is read whole: `tar | grep -q` fails under pipefail when grep stops early)
entries="$(tar -tzf packages/backend/dist/bundle.tar.gz)"
if ! grep -Eq '^(\./)?packages/app/dist/index\.html$' <<<"$entries"; then
  echo "build-production: the bundle holds no packages/app/dist/index.html; its app entries:" >&2
  grep 'packages/app' <<<"$entries" | head -20 >&2
  exit 1
fi

step "done in $((SECONDS - t0))s:"
ls -l packages/backend/dist/bundle.tar.gz packages/backend/dist/skeleton.tar.gz >&2
