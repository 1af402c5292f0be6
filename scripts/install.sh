#!/usr/bin/env bash
# Install the project's packages with the pinned toolchain. In CI the lock file must not change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bootstrap.sh
. scripts/bootstrap.sh
if [ -n "${CI:-}" ]; then
  yarn install --immutable
else
  yarn install
fi
