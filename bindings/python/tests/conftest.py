"""Test helpers: coroutine tests run under asyncio.run (no plugin needed), simulated toys
with known addresses, and a `plugwire serve` subprocess for the websocket tests."""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
REPO_ROOT = PACKAGE_ROOT.parent.parent

#: Seconds a coroutine test may take before it counts as a hang.
TEST_TIMEOUT = float(os.environ.get("PLUGWIRE_TEST_TIMEOUT", "120"))

LUSH = "AA:00:00:00:00:01"
NORA = "AA:00:00:00:00:02"
MAX = "AA:00:00:00:00:03"
SOLACE = "AA:00:00:00:00:04"
SOLACE_PRO = "AA:00:00:00:00:05"
EDGE = "AA:00:00:00:00:06"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Optional[bool]:
    """Runs `async def` tests in a fresh event loop, with a timeout."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

    async def run() -> None:
        await asyncio.wait_for(pyfuncitem.obj(**kwargs), TEST_TIMEOUT)

    asyncio.run(run())
    return True


def writes_text(writes: list[bytes]) -> list[str]:
    """Write payloads as text, without the Lovense identification write."""
    return [w.decode() for w in writes if w != b"DeviceType;"]


async def texts(client, address: str, clear: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    return writes_text(await client.simulation.writes(address, clear=clear))


async def eventually(predicate, timeout: float = 5.0, interval: float = 0.02):  # type: ignore[no-untyped-def]
    """Awaits until the (async) predicate returns a truthy value; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value {value!r})")
        await asyncio.sleep(interval)


def serve_binary() -> Path:
    env = os.environ.get("PLUGWIRE_SERVE")
    if env:
        path = Path(env)
        if not path.is_file():
            pytest.fail(f"PLUGWIRE_SERVE={env} does not exist")
        return path
    targets = [REPO_ROOT / "target"]
    if os.environ.get("CARGO_TARGET_DIR"):
        targets.insert(0, Path(os.environ["CARGO_TARGET_DIR"]))
    for target in targets:
        for profile in ("debug", "release"):
            path = target / profile / "plugwire"
            if path.is_file():
                return path
    pytest.fail("the plugwire binary is not built: run cargo build --bin plugwire, or set PLUGWIRE_SERVE")
    raise AssertionError  # unreachable


class Serve:
    """A `plugwire serve` subprocess with simulated toys; `log()` is what they received
    (written when the server exits)."""

    def __init__(self, *simulate: str, args: tuple[str, ...] = ()) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.log_path = Path(self.dir.name) / "simulated-log.json"
        self.stdout_path = Path(self.dir.name) / "serve.out"
        self.stderr_path = Path(self.dir.name) / "serve.err"
        cmd = [str(serve_binary()), "serve", "--websocket-port", "0", "--simulated-log", str(self.log_path)]
        for s in simulate:
            cmd += ["--simulate", s]
        if "--websocket-port" in args:
            cmd = [c for c in cmd if c not in ("--websocket-port", "0")]
        cmd += list(args)
        self.proc = subprocess.Popen(
            cmd, stdout=open(self.stdout_path, "w"), stderr=open(self.stderr_path, "w")
        )
        deadline = time.monotonic() + 30
        self.url = ""
        while time.monotonic() < deadline:
            m = re.search(r"listening on (ws://\S+)", self.stdout_path.read_text())
            if m:
                self.url = m.group(1)
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.url:
            self.proc.kill()
            raise AssertionError(f"plugwire serve did not start: {self.stderr_path.read_text()}")

    def stop(self) -> dict:  # type: ignore[type-arg]
        """SIGTERM, wait, and return the simulated log (address -> records)."""
        import json

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)
        return json.loads(self.log_path.read_text()) if self.log_path.exists() else {}

    def writes(self, address: str) -> list[str]:
        log = self.stop()
        return [r["text"] for r in log.get(address, []) if r["kind"] == "Write" and r["text"] != "DeviceType;"]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.dir.cleanup()


@pytest.fixture
def serve_nora() -> Iterator[Serve]:
    s = Serve(f"LVS-Nora@{NORA}")
    try:
        yield s
    finally:
        s.close()


def python_env() -> dict[str, str]:
    """Environment for Python subprocesses: the same interpreter and library."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


PYTHON = sys.executable


class BluezStandIn:
    """The BlueZ stand-in of the Rust tests (tests/bluez/bluez_stand_in.py): a private
    dbus-daemon running python3-dbusmock's bluez5 template with mock toys. Commands are
    JSON lines; see the script's docstring."""

    SCRIPT = REPO_ROOT / "tests" / "bluez" / "bluez_stand_in.py"

    def __init__(self) -> None:
        import json

        self._json = json
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", str(self.SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        ready = json.loads(self.proc.stdout.readline() or "{}")
        if not ready.get("ready"):
            self.close()
            pytest.fail(f"the BlueZ stand-in did not start ({ready}); apt install python3-dbusmock dbus")
        self.address: str = ready["address"]

    def cmd(self, **command: object) -> dict:  # type: ignore[type-arg]
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(self._json.dumps(command) + "\n")
        self.proc.stdin.flush()
        reply = self._json.loads(self.proc.stdout.readline())
        assert "error" not in reply, f"{command}: {reply}"
        return reply

    def written_text(self, address: str) -> list[str]:
        return [bytes.fromhex(w["data"]).decode("latin-1") for w in self.cmd(cmd="writes", address=address)["writes"]]

    def add_lovense(self, address: str, name: str = "LVS-A011") -> None:
        """A Lovense toy answering DeviceType; as a Nora and Battery; with 85 %."""
        service, tx, rx = (f"5a30000{i}-0024-4bd4-bbd5-a6920e4c5653" for i in (1, 2, 3))
        mac = address.replace(":", "")
        self.cmd(
            cmd="add_device",
            address=address,
            name=name,
            advertised=[service],
            services={service: {tx: {"flags": ["write-without-response"]}, rx: {"flags": ["notify"]}}},
            answers={"DeviceType;": f"A:11:{mac};", "Battery;": "85;"},
            answer_char=rx,
        )

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def bluez_session() -> Iterator[BluezStandIn]:
    # libdbus reads the system bus address once per process: every Bluetooth test of this
    # session talks to this one stand-in, and nothing else here uses D-Bus.
    stand_in = BluezStandIn()
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = stand_in.address
    try:
        yield stand_in
    finally:
        stand_in.close()


@pytest.fixture
def bluez(bluez_session: BluezStandIn) -> BluezStandIn:
    """The stand-in, reset: no adapter, no devices (add them with cmd/add_lovense)."""
    bluez_session.cmd(cmd="reset")
    return bluez_session
