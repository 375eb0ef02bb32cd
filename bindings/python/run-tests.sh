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
