#!/usr/bin/env bash
# The Python binding's checks: builds the library (and `plugwire serve` for the websocket
# tests), installs the package with pip into a fresh venv (which builds the release
# library with cargo and bundles it in a platform wheel), checks the generated protobuf
# code is current, runs the pytest suite against the installed package, and runs the
# quickstart example.
#
#   bash bindings/python/run-tests.sh [PYTEST ARGS...]
#
# PYTHON picks the interpreter (default python3, 3.10 or newer).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

echo "-- building the library and plugwire serve"
(cd "$root" && cargo build --quiet --lib --bin plugwire)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "-- venv and pip install ./bindings/python"
"$python" -m venv "$work/venv"
venv_python="$work/venv/bin/python"
"$venv_python" -m pip install --quiet --upgrade pip
"$venv_python" -m pip install --quiet pytest grpcio-tools==1.85.1
"$venv_python" -m pip install --quiet "$here"
# The wheel is platform-specific and carries the library.
"$venv_python" - <<'PY'
import pathlib, plugwire
lib = plugwire.library_path()
assert lib.parent == pathlib.Path(plugwire.__file__).parent, f"{lib} is not bundled"
print(f"installed plugwire with its library {lib.name} ({plugwire.library_version()})")
PY

echo "-- wheels: linux_x86_64 and win_amd64 (the cross-built plugwire.dll), each with its library alone"
"$venv_python" -m pip wheel --quiet --no-deps -w "$work/wheels" "$here"
if [ "${PLUGWIRE_NO_WINDOWS:-}" != 1 ]; then
    windows_dir="$("$root/scripts/build-windows")"
    PLUGWIRE_BUNDLE_LIBRARY="$windows_dir/plugwire.dll" PLUGWIRE_WHEEL_PLATFORM=win_amd64 \
        "$venv_python" -m pip wheel --quiet --no-deps -w "$work/wheels" "$here"
fi
"$venv_python" - "$work/wheels" "${PLUGWIRE_NO_WINDOWS:-}" <<'PY'
import pathlib, sys, zipfile
wheels = {w.name.rsplit("-", 1)[1]: w for w in pathlib.Path(sys.argv[1]).glob("*.whl")}
expected = {"linux_x86_64.whl": "plugwire/libplugwire.so"}
if sys.argv[2] != "1":
    expected["win_amd64.whl"] = "plugwire/plugwire.dll"
for tag, lib in expected.items():
    assert tag in wheels, f"no *-{tag} wheel among {sorted(wheels)}"
    names = zipfile.ZipFile(wheels[tag]).namelist()
    libs = [n for n in names if n.rsplit("/", 1)[-1] in ("libplugwire.so", "plugwire.dll", "libplugwire.dylib")]
    assert libs == [lib], f"{wheels[tag].name} carries {libs}, expected [{lib}]"
    record = next(n for n in names if n.endswith(".dist-info/RECORD"))
    assert lib in zipfile.ZipFile(wheels[tag]).read(record).decode(), f"{lib} is not in {record}"
    assert "Root-Is-Purelib: false" in zipfile.ZipFile(wheels[tag]).read(record.replace("RECORD", "WHEEL")).decode()
PY
for wheel in "$work"/wheels/*.whl; do
    case "$wheel" in
        *-linux_x86_64.whl) python3 "$root/scripts/check-package-natives" "$wheel" plugwire/libplugwire.so=linux-x64 ;;
        *-win_amd64.whl) python3 "$root/scripts/check-package-natives" "$wheel" plugwire/plugwire.dll=win-x64 ;;
    esac
done

echo "-- generated protobuf code is current"
"$venv_python" "$here/scripts/regen_proto.py" --check

echo "-- pytest"
# The venv's pytest script does not put the working directory on sys.path, so the tests
# import the installed package (test_package checks its library is the bundled one).
cd "$here"
unset PLUGWIRE_LIBRARY
status=0
PLUGWIRE_EXPECT_BUNDLED=1 PLUGWIRE_SERVE="$("$root/scripts/cargo-target-dir")/debug/plugwire" \
    "$work/venv/bin/pytest" -p no:cacheprovider tests "$@" || status=$?
if [ "$status" -ne 0 ]; then
    # 5 is pytest's "no tests collected": a failure here too.
    echo "pytest failed (exit $status)" >&2
    exit "$status"
fi

echo "-- quickstart example"
"$venv_python" "$here/examples/quickstart.py" > "$work/quickstart.out"
grep -q "every toy stopped" "$work/quickstart.out"
tail -n 7 "$work/quickstart.out"
