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
    for profile in ("debug", "release"):
        path = REPO_ROOT / "target" / profile / "plugwire"
        if path.is_file():
            return path
    pytest.fail("the plugwire binary is not built: run cargo build --bin plugwire, or set PLUGWIRE_SERVE")
    raise AssertionError  # unreachable


class Serve:
    """A `plugwire serve` subprocess with simulated toys; `log()` is what they received
    (written when the server exits)."""

    def __init__(self, *simulate: str) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.log_path = Path(self.dir.name) / "simulated-log.json"
        self.stdout_path = Path(self.dir.name) / "serve.out"
        self.stderr_path = Path(self.dir.name) / "serve.err"
        cmd = [str(serve_binary()), "serve", "--websocket-port", "0", "--simulated-log", str(self.log_path)]
        for s in simulate:
            cmd += ["--simulate", s]
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
