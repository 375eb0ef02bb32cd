#!/usr/bin/env bash
# Interop with real third-party clients from their registries: the official JS client
# (npm `buttplug`, spec v4) and Python client (PyPI `buttplug`, spec v4), and the spec v3
# Python client buttplug-py (PyPI `buttplug-py` 0.2.0, which needs scanning to run until it
# stops it, as the reference's passive managers do), each against
# `plugwire serve --simulate LVS-Nora`, with the bytes the simulated toy received asserted.
#
# INTEROP_SERVE, when set, is the server command to test instead of the debug build, split
# into words (scripts/test-windows passes "scripts/wine/run DIR/plugwire.exe"), and INTEROP_STOP_SIGNAL
# the signal that stops it (default TERM; Wine turns INT into the Ctrl+C a Windows
# program gets).
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
if [ -n "${INTEROP_SERVE:-}" ]; then
    read -ra serve <<< "$INTEROP_SERVE"
else
    (cd "$root" && cargo build --quiet --bin plugwire)
    serve=("$("$root/scripts/cargo-target-dir")/debug/plugwire")
fi
stop_signal="${INTEROP_STOP_SIGNAL:-TERM}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm ci --no-audit --no-fund --silent
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet buttplug==1.0.0
# The spec v3 client buttplug-py (its own venv: it installs a package also named `buttplug`).
python3 -m venv "$work/venv-v3"
"$work/venv-v3/bin/pip" install --quiet buttplug-py==0.2.0

# The stop turns the rotation back to the toy's power-on direction while it is stopped.
expected='["DeviceType;", "Vibrate:10;", "RotateChange;", "Rotate:5;", "Battery;", "Vibrate:0;", "Rotate:0;", "RotateChange;"]'

run_client() {
    local name="$1"; shift
    local log="$work/$name-log.json"
    "${serve[@]}" serve --websocket-port 0 --simulate LVS-Nora@AA:00:00:00:00:01 \
        --simulated-log "$log" > "$work/$name-serve.out" 2> "$work/$name-serve.err" &
    local pid=$!
    # Up to 60 s: a server under Wine may first have to set up its prefix.
    for _ in $(seq 1200); do
        grep -q "listening on" "$work/$name-serve.out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    local url
    url="$(awk '/listening on/ {print $NF}' "$work/$name-serve.out")"
    if ! "$@" "$url"; then
        kill -"$stop_signal" "$pid" || true
        echo "$name client failed; server said:" >&2
        cat "$work/$name-serve.err" >&2
        return 1
    fi
    kill -"$stop_signal" "$pid"
    wait "$pid"
    python3 - "$log" "$expected" "$name" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
writes = [r["text"] for r in log["AA:00:00:00:00:01"] if r["kind"] == "Write"]
expected = json.loads(sys.argv[2])
if writes != expected:
    sys.exit(f"{sys.argv[3]}: the toy got {writes}, expected {expected}")
print(f"{sys.argv[3]}: the toy got {writes}")
PY
}

run_client js node client.mjs
run_client python "$work/venv/bin/python" client.py
run_client python-v3 "$work/venv-v3/bin/python" client_v3.py
echo "3 passed, 0 failed"
