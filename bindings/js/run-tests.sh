#!/usr/bin/env bash
# The JS binding's checks: builds the library (debug, for `plugwire serve` and development)
# and the package's TypeScript, checks the generated protobuf code is current, packs the
# package with `npm pack` (which builds the release library with cargo and bundles it),
# installs the tarball into a fresh project, and there runs the node:test suite against
# the installed package, type-checks the examples with strict on (`tsc --noEmit`) and runs
# the quickstarts (TypeScript, ES module, CommonJS).
#
#   bash bindings/js/run-tests.sh [NODE --test ARGS...]
#
# Needs Node 20+ with npm, and cargo. PLUGWIRE_CARGO_PROFILE picks the bundled library's
# cargo profile (default release).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
started=$SECONDS

echo "-- building the library and plugwire serve"
(cd "$root" && cargo build --quiet --lib --bin plugwire)
target_dir="$("$root/scripts/cargo-target-dir")"

cd "$here"
echo "-- npm ci"
npm ci --ignore-scripts --no-audit --no-fund --silent

echo "-- generated protobuf code is current"
node scripts/regen-proto.cjs --check

echo "-- shared protobuf test vectors are current"
(cd "$root" && cargo run --quiet --example protobuf_test_vectors -- --check)

echo "-- tsc (package) and tsc --noEmit (examples, strict)"
npm run --silent build
npx tsc -p examples --noEmit
rm -rf examples/build
npx tsc -p examples    # emits examples/build/quickstart-ts.mjs, run below

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "-- npm pack (bundles the ${PLUGWIRE_CARGO_PROFILE:-release} library, and the cross-built Windows one)"
rm -rf native
natives=("package/native/linux-x64/libplugwire.so=linux-x64")
if [ "${PLUGWIRE_NO_WINDOWS:-}" != 1 ]; then
    export PLUGWIRE_BUNDLE_OTHER="win32-x64=$("$root/scripts/build-windows")/plugwire.dll"
    natives+=("package/native/win32-x64/plugwire.dll=win-x64")
fi
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
unset PLUGWIRE_BUNDLE_OTHER
tar -tzf "$work/$tarball" > "$work/contents"
grep -q "package/native/$(node -p 'process.platform + "-" + process.arch')/" "$work/contents" || {
    echo "the tarball $tarball has no library for this platform" >&2
    exit 1
}
# Each bundled library is the right binary for its platform; the Windows one loads under Wine.
python3 "$root/scripts/check-package-natives" "$work/$tarball" "${natives[@]}"
echo "   $tarball: $(du -h "$work/$tarball" | cut -f1)"

echo "-- npm install of the tarball into a fresh project"
mkdir "$work/app"
cd "$work/app"
echo '{ "name": "plugwire-js-tests", "private": true }' > package.json
unset PLUGWIRE_LIBRARY
npm install --no-audit --no-fund --silent "$work/$tarball"
cp -r "$here/test" "$here/examples" .

echo "-- node --test"
status=0
PLUGWIRE_EXPECT_BUNDLED=1 \
PLUGWIRE_SERVE="$target_dir/debug/plugwire" \
PLUGWIRE_TEST_VECTORS="$root/protobuf/test-vectors" \
    node --test --test-concurrency=1 --test-timeout=120000 "$@" test/*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
    echo "node --test failed (exit $status)" >&2
    exit "$status"
fi

echo "-- quickstart examples"
node examples/build/quickstart-ts.mjs > quickstart.out
grep -q "every toy stopped" quickstart.out
tail -n 3 quickstart.out
node examples/quickstart.mjs | grep "Vibrate:10; Vibrate:0;"
node examples/quickstart.cjs | grep "Vibrate:5; Vibrate:0;"
echo "-- JS binding: all passed in $((SECONDS - started)) s"
