#!/usr/bin/env bash
# One-off, end-to-end check that the API baseline catches an incompatible change, with the real plugin:
# copies the API module (with the root pom and bnd.bnd) into a temporary directory, deletes Provider.calls()
# there and runs `mvn verify` on the copy. Succeeds (exit 0) when that build FAILS with bnd's "Baseline problems
# detected"; prints the baseline report. Extra arguments go to Maven (e.g. -o).
# The same check runs cheaply in every build as bundles/api/src/test/java/io/pico/api/BaselineTest.java.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bundles"
cp "$repo/pom.xml" "$repo/bnd.bnd" "$tmp/"
cp -r "$repo/bundles/api" "$tmp/bundles/api"
rm -rf "$tmp/bundles/api/target"
sed -i '/<module>/{/bundles\/api</!d}' "$tmp/pom.xml"            # a reactor of the API module alone
provider="$tmp/bundles/api/src/main/java/io/pico/api/Provider.java"
grep -q 'List<CallInfo> calls();' "$provider" || { echo "Provider.calls() not found: update this script" >&2; exit 2; }
sed -i '/List<CallInfo> calls();/d' "$provider"                 # the incompatible change
echo "building a copy of the API without Provider.calls() (expecting the baseline to fail) ..."
if (cd "$tmp" && mvn -B -q -DskipTests "$@" verify) >"$tmp/build.log" 2>&1; then
  echo "FAILED: the build of the incompatible API passed the baseline" >&2
  exit 1
fi
if ! grep -q "Baseline problems detected" "$tmp/build.log"; then
  echo "FAILED: the build failed for another reason:" >&2
  tail -40 "$tmp/build.log" >&2
  exit 1
fi
grep -E "Baseline problems detected|io.pico.api +PACKAGE +MAJOR|REMOVED +METHOD +calls" "$tmp/build.log" | sed "s/ See the report.*//" | head -3
echo "OK: the baseline rejected the incompatible change"
