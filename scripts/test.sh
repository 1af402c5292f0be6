#!/usr/bin/env bash
# The full KAML-D test suite, as CI runs it:
#   bootstrap → install → type check → lint → unit tests → real-server rig + integration tests
#   → browser tests → packages (release, API reports) → adopter tests (a fresh create-app app,
#   new and legacy frontend, KAML-D installed from a local registry as the README says).
#   Exits non-zero on the first failing stage.
#
#   scripts/test.sh                 everything
#   KAML_TEST_SKIP_RIG=1 scripts/test.sh   everything but the real-server rig (local iteration only)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bootstrap.sh
. scripts/bootstrap.sh

out="$root/.test-summary"  # outside e2e/test-results, which Playwright empties
rm -rf "$out" && mkdir -p "$out"
started=$(date +%s)
stage() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

stage "install"
scripts/install.sh

stage "browser"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "test: installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends chromium >/dev/null \
    || { echo "test: could not install chromium (apt-get install chromium)" >&2; exit 1; }
fi

stage "type check"
yarn tsc

stage "lint"
yarn backstage-cli repo lint

stage "unit tests"
yarn backstage-cli repo test --watchAll=false 2>&1 | tee "$out/unit.txt"

stage "portal tests (embedded backend restarts)"
node --test e2e/portal/*.test.ts 2>&1 | tee "$out/portal.txt"
portal_passed=$(grep -E '^# pass ' "$out/portal.txt" | awk '{s+=$3} END {print s+0}')

rig_passed=0
rig_failed=0
if [ -z "${KAML_TEST_SKIP_RIG:-}" ] && [ -x e2e/rig/rig.sh ]; then
  stage "production build (backend bundle serving the app; proven against the rig)"
  scripts/build-production.sh
  stage "real-server rig"
  trap 'e2e/rig/rig.sh stop >/dev/null 2>&1 || true' EXIT
  e2e/rig/rig.sh start
  stage "integration tests (real servers)"
  # the production bundle's first start installs its production dependencies: allow 15 min a file
  KAML_RIG_TEST_TIMEOUT="${KAML_RIG_TEST_TIMEOUT:-900000}" e2e/rig/rig.sh test 2>&1 | tee "$out/rig.txt"
  rig_passed=$(grep -E '^# pass ' "$out/rig.txt" | awk '{s+=$3} END {print s+0}')
  rig_failed=$(grep -E '^# fail ' "$out/rig.txt" | awk '{s+=$3} END {print s+0}')
  [ "$rig_failed" = 0 ] || { echo "test: $rig_failed rig integration test(s) failed" >&2; exit 1; }
  stage "plugin tests against the rig (test:rig scripts)"
  set -a
  # shellcheck source=/dev/null
  . "$(e2e/rig/rig.sh env)"
  set +a
  yarn workspaces foreach --all run test:rig 2>&1 | tee "$out/plugin-rig.txt"
  rig_passed=$(( rig_passed + $(awk '/^Tests:/ { for (i = 2; i <= NF; i++) if ($i ~ /^passed,?$/) s += $(i - 1) } END { print s + 0 }' "$out/plugin-rig.txt") ))
  stage "browser tests, full mode (the portal against the rig, OpenID sign-in)"
  (cd e2e && PLAYWRIGHT_JSON_OUTPUT_NAME="$out/browser-rig.json" yarn playwright test -c playwright.rig.config.ts --reporter=list,json)
  e2e/rig/rig.sh stop
  trap - EXIT
fi

stage "browser tests"
(cd e2e && PLAYWRIGHT_JSON_OUTPUT_NAME="$out/browser.json" yarn playwright test -c playwright.config.ts --reporter=list,json)

stage "packages: release tarballs and their check"
scripts/release.sh "$out/release"

stage "packages: Red Hat Developer Hub dynamic plugins (export, check, pack)"
scripts/release/dynamic-plugins.sh --no-build "$out/release/dynamic"

stage "packages: API reports match the source"
scripts/check-api-reports.sh

stage "packages: every configuration key is documented (docs/configuration.md)"
node scripts/release/check-config-docs.mts

stage "adopter test: fresh create-app app, new frontend system"
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/adopter-new.json" \
  scripts/adopter/run.sh --release "$out/release" --work "$out/adopter-new"

stage "adopter test: fresh create-app app, legacy frontend system"
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/adopter-legacy.json" \
  scripts/adopter/run.sh --legacy --release "$out/release" --work "$out/adopter-legacy"

stage "adopter test: newest Backstage release on the registry (informational)"
newest=$(npm view @backstage/create-app version 2>/dev/null || echo unknown)
if [ "$newest" = "$(cat scripts/adopter/create-app-version)" ]; then
  echo "informational: the newest @backstage/create-app ($newest) is the pinned one, tested above"
elif scripts/adopter/run.sh --latest --release "$out/release" --work "$out/adopter-latest" \
  > "$out/adopter-latest.txt" 2>&1; then
  echo "informational: KAML-D installs and passes in an app from create-app $newest"
else
  echo "informational (not a failure): KAML-D in an app from create-app $newest failed; the end of its log:"
  tail -25 "$out/adopter-latest.txt"
fi

stage "done"
node -e '
const fs = require("fs");
const [dir, rigPassed, rigFailed, portalPassed] = process.argv.slice(1);
// jest: "Tests:       3 failed, 195 passed, 198 total"
const testsLine = fs.readFileSync(dir + "/unit.txt", "utf8").split("\n").filter(l => l.startsWith("Tests:")).pop() ?? "";
const count = word => Number((new RegExp("(\\d+) " + word).exec(testsLine) ?? [0, 0])[1]);
const unit = { numPassedTests: count("passed"), numFailedTests: count("failed"), numTotalTests: count("total") };
// embedded-mode browser tests, the full-mode ones when the rig ran, and the adopter tests
let bp = 0, bf = 0;
for (const file of ["browser.json", "browser-rig.json", "adopter-new.json", "adopter-legacy.json"]) {
  if (!fs.existsSync(dir + "/" + file)) continue;
  const { stats } = JSON.parse(fs.readFileSync(dir + "/" + file, "utf8"));
  bp += stats.expected;
  bf += stats.unexpected + stats.flaky;
}
console.log(`unit ${unit.numPassedTests}/${unit.numTotalTests}, portal ${portalPassed}, integration ${rigPassed}, browser ${bp}`);
console.log(`${unit.numPassedTests + Number(portalPassed) + Number(rigPassed) + bp} passed, ${unit.numFailedTests + Number(rigFailed) + bf} failed`);
' "$out" "$rig_passed" "$rig_failed" "$portal_passed"
