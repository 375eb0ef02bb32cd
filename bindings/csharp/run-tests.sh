#!/usr/bin/env bash
# The C# binding's checks, on Mono from Debian's packages (mono-mcs, mono-runtime):
# builds the Rust library and `plugwire serve`, checks the generated C# protobuf code and
# the shared test vectors are current, compiles the library, the tests and the example
# with mcs (C# 7.2, netstandard2.0 API surface), runs the tests (a self-contained runner
# printing "N passed, N failed") with the library found through LD_LIBRARY_PATH, runs the
# console example, and builds and checks the NuGet and Unity package layouts.
#
#   bash bindings/csharp/run-tests.sh [TEST-NAME-SUBSTRING...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
start=$(date +%s)

for tool in mcs mono; do
    command -v "$tool" >/dev/null || {
        echo "$tool is missing: apt-get install mono-mcs mono-runtime (scripts/install-deps does)" >&2
        exit 1
    }
done

echo "-- building the library and plugwire serve"
(cd "$root" && cargo build --quiet --lib --bin plugwire)
target="$("$root/scripts/cargo-target-dir")"
lib_dir="$target/debug"
out="$target/csharp"
mkdir -p "$out"

echo "-- generated C# protobuf code is current"
venv="$target/csharp-venv"
if ! "$venv/bin/python" -c 'import grpc_tools' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet grpcio-tools==1.85.1
fi
"$venv/bin/python" "$here/scripts/gen_proto.py" --check

echo "-- shared protobuf test vectors are current"
(cd "$root" && cargo run --quiet --example protobuf_test_vectors -- --check)

echo "-- compiling with mcs"
mcs_flags=(-langversion:7.2 -nologo -warnaserror+ -debug -r:System.Core.dll)
mcs "${mcs_flags[@]}" -target:library -doc:"$out/Plugwire.xml" -nowarn:1591 -out:"$out/Plugwire.dll" "$here"/src/*.cs "$here"/src/Unity/*.cs
mcs "${mcs_flags[@]}" -target:exe -out:"$out/Plugwire.Tests.exe" -r:"$out/Plugwire.dll" "$here"/tests/*.cs
# The Unity lifecycle helper and the example component compile against stand-ins of the
# Unity APIs they use.
mcs "${mcs_flags[@]}" -define:UNITY_5_3_OR_NEWER -define:UNITY_EDITOR -target:library -out:"$out/unity-check.dll" \
    "$here"/src/*.cs "$here"/src/Unity/*.cs "$here"/tests/unity-stubs/*.cs "$here"/examples/Unity/*.cs
mcs "${mcs_flags[@]}" -target:exe -out:"$out/Quickstart.exe" -r:"$out/Plugwire.dll" "$here"/examples/Quickstart.cs

echo "-- tests"
export LD_LIBRARY_PATH="$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PLUGWIRE_SERVE="$lib_dir/plugwire"
export PLUGWIRE_REPO="$root"
mono --debug "$out/Plugwire.Tests.exe" "$@" | tee "$out/tests.out"
grep -qE '^[0-9]+ passed, 0 failed$' "$out/tests.out"

echo "-- console example"
(cd "$out" && mono Quickstart.exe) > "$out/quickstart.out"
grep -q "every toy stopped" "$out/quickstart.out"
grep -q "lush-1: DeviceType; Vibrate:10; Battery; Vibrate:0;" "$out/quickstart.out" || {
    cat "$out/quickstart.out" >&2
    echo "the example's Lush did not get what it was sent" >&2
    exit 1
}
tail -n 4 "$out/quickstart.out"

echo "-- packages: NuGet (.nupkg) and Unity (UPM folder), linux-x64 and win-x64"
pkg="$out/packages"
rm -rf "$pkg"
natives=(--native "linux-x64=$lib_dir/libplugwire.so")
if [ "${PLUGWIRE_NO_WINDOWS:-}" != 1 ]; then
    # The cross-built Windows library (scripts/build-windows; cargo rebuilds what changed).
    natives+=(--native "win-x64=$("$root/scripts/build-windows")/plugwire.dll")
fi
python3 "$here/scripts/package.py" --dll "$out/Plugwire.dll" "${natives[@]}" --out "$pkg"
python3 "$here/scripts/package.py" --check "${natives[@]}" --out "$pkg"
# Each native library is the right binary for its platform; the Windows one loads under Wine.
nupkg_natives=(runtimes/linux-x64/native/libplugwire.so=linux-x64)
upm_natives=(Plugins/Linux/x86_64/libplugwire.so=linux-x64)
if [ "${PLUGWIRE_NO_WINDOWS:-}" != 1 ]; then
    nupkg_natives+=(runtimes/win-x64/native/plugwire.dll=win-x64)
    upm_natives+=(Plugins/Windows/x86_64/plugwire.dll=win-x64)
fi
python3 "$root/scripts/check-package-natives" "$pkg/Plugwire.0.1.0.nupkg" "${nupkg_natives[@]}"
python3 "$root/scripts/check-package-natives" "$pkg/com.plugwire.client" "${upm_natives[@]}"
# The Unity package's sources compile on their own (outside Unity the helper is left out).
mcs "${mcs_flags[@]}" -target:library -out:"$out/upm-check.dll" "$pkg/com.plugwire.client/Runtime"/*.cs
# The NuGet layout works as installed: the example next to the package's managed and
# native libraries, with no LD_LIBRARY_PATH (Mono finds the library beside the assembly).
installed="$out/installed"
rm -rf "$installed" && mkdir -p "$installed"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$pkg/Plugwire.0.1.0.nupkg" "$installed/nupkg"
cp "$installed/nupkg/lib/netstandard2.0/Plugwire.dll" "$installed/nupkg/runtimes/linux-x64/native/libplugwire.so" "$out/Quickstart.exe" "$installed/"
(cd "$installed" && env -u LD_LIBRARY_PATH mono Quickstart.exe) > "$out/installed.out"
grep -q "every toy stopped" "$out/installed.out"
echo "the example runs from the NuGet package's files"
# Without the native library the binding says what it searched.
rm "$installed/libplugwire.so"
if (cd "$installed" && env -u LD_LIBRARY_PATH mono Quickstart.exe) > "$out/missing.out" 2>&1; then
    echo "the example ran without its native library" >&2
    exit 1
fi
grep -q "PlugwireLibraryNotFoundException: The native plugwire library could not be loaded. Searched for libplugwire.so" "$out/missing.out" || {
    cat "$out/missing.out" >&2
    exit 1
}
echo "a missing native library is named in a PlugwireLibraryNotFoundException"

echo "-- C# suite took $(( $(date +%s) - start )) s"
