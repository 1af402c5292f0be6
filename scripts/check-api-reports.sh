#!/usr/bin/env bash
# Fails when the public API of a plugins/* package no longer matches its committed
# report.api.md (an export added, removed or changed without the report being updated), or
# when a report gains warnings (such as an exported symbol without a release tag).
#   scripts/check-api-reports.sh
# The type declarations are compiled in full (--incremental false): an incremental compile
# re-checks only some files, which can reorder the members of inferred union types (the zod
# inputs of the scaffolder actions) and make the reports differ with no API change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh >/dev/null
update='NODE_OPTIONS=--max-old-space-size=6144 yarn tsc --incremental false && yarn api-reports'

echo "==> type declarations (dist-types, full compile)"
NODE_OPTIONS=--max-old-space-size=6144 yarn tsc --incremental false
echo "==> API reports of plugins/* (check only)"
# same packages and options as the root "api-reports" script; --ci compares instead of writing
if ! yarn api-reports --ci; then
  echo "error: the API reports do not match the source (see above)." >&2
  echo "       If the API change is intended, update the reports with" >&2
  echo "         $update" >&2
  echo "       and commit the changed plugins/*/report*.api.md with a changeset (yarn changeset)." >&2
  exit 1
fi
echo "==> API reports match the source"
