#!/usr/bin/env bash
# The C binding's suite against the Windows build, under Wine: builds plugwire.dll
# (scripts/build-windows), protobuf-c's runtime and the suite with mingw-w64, and runs the
# tests, the lifetime tests and the example as Windows programs. Left out there: the
# sanitizer and valgrind runs (Linux tools; run-tests.sh has them) and the serial-port
# lifetime test (it needs socat PTY pairs). Bluetooth is not exercised: Wine has no WinRT
# Bluetooth, so the suite uses simulated toys, as on Linux.
# Needs: scripts/install-deps (mingw-w64, Wine, the Windows Rust toolchain, protobuf-c).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
windows_dir="$("$root/scripts/build-windows")"
source "$root/scripts/wine/env.sh"
build="$here/build/windows"
run="$build/run"
mkdir -p "$build/gen"
wine_stage "$run"

cc=x86_64-w64-mingw32-gcc
pbc="$("$root/scripts/protobuf-c-source")"
protoc-c --c_out="$build/gen" -I"$root/protobuf" "$root/protobuf/plugwire.proto"
cflags=(-g -O1 -Wall -Wextra -Werror -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
        -I"$root/include" -I"$build/gen" -I"$here/tests" -I"$pbc")
"$cc" -O2 -I"$pbc" -c "$pbc/protobuf-c/protobuf-c.c" -o "$build/protobuf-c.o"
# Linked against the import library; -static takes mingw's own runtime (winpthreads,
# libgcc) into the programs, so only plugwire.dll and Windows' DLLs are needed beside them.
libs=("$build/protobuf-c.o" "$windows_dir/libplugwire.dll.a" -static -lpthread)
for prog in tests/test_plugwire tests/test_lifetimes examples/vibrate; do
    "$cc" "${cflags[@]}" -o "$run/$(basename "$prog").exe" "$here/$prog.c" "$build/gen/plugwire.pb-c.c" "${libs[@]}"
done

cd "$run"
echo "-- C tests (Windows build, Wine)"
wine ./test_plugwire.exe
echo "-- C tests with reduced stress (Windows build, Wine)"
PLUGWIRE_STRESS_SCALE=20 wine ./test_plugwire.exe --stress
echo "-- lifetime tests (Windows build, Wine)"
PLUGWIRE_SLOW=2 wine ./test_lifetimes.exe
echo "-- example (Windows build, Wine)"
wine ./vibrate.exe > example.out
grep -q "Vibrate:10;" example.out
