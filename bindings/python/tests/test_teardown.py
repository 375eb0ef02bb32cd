"""Process teardown with a client open (issue #24): a child process connects an embedded
client with a simulated toy whose readings keep arriving and commands in flight, then
(a) returns from main with the client open, (b) lets an exception escape from the code
handling events, or (c) is interrupted (SIGINT). Each run must end on its own within a
bound, never hang and never crash (no signal other than the SIGINT it was sent). Each
case runs RUNS times (``PLUGWIRE_TEARDOWN_RUNS``, default 10), alternating a client
inside ``async with`` and one left open."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import PYTHON, python_env
from test_inputs import DEVICE_CONFIG, GALAKU

RUNS = int(os.environ.get("PLUGWIRE_TEARDOWN_RUNS", "10"))
PARALLEL = 2
#: A run that takes longer than this (from the end of its setup) is a hang.
HANG_S = 15.0

CHILD = textwrap.dedent(
    """
    import asyncio, json, signal, sys
    import plugwire

    # A shell that starts the tests in the background hands SIGINT down ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    mode, run, config, address = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]

    async def flood(client, toy):
        i = 0
        while True:
            for _ in range(20):
                asyncio.ensure_future(client.simulation.notify(address, "rxblebattery", bytes([i % 100])))
                asyncio.ensure_future(toy.vibrate(steps=i % 20))
                i += 1
            await asyncio.sleep(0.001)

    async def session(client):
        await client.connect_embedded(simulated=[f"GX85@{address}"], device_config=config, default_message_gap_ms=0)
        await client.scan(timeout=10, count=1)
        toy = await client.wait_for_device()
        await toy.subscribe(plugwire.InputType.BATTERY)
        events = client.events()
        flooding = asyncio.ensure_future(flood(client, toy))
        seen = 0
        async for event in events:
            if isinstance(event, plugwire.InputReading):
                seen += 1
            if seen == 20:
                print("flooding", flush=True)
                if mode == "return":
                    await asyncio.sleep(0.005 * (run % 10))
                    return
            if mode == "raise" and seen == 20 + run % 10:
                raise RuntimeError(f"handler failed {run}")

    async def main():
        if run % 2:
            async with plugwire.Client("teardown") as client:
                await session(client)
        else:
            client = plugwire.Client("teardown")  # left open
            await session(client)

    asyncio.run(main())
    print("main returned", flush=True)
    """
)


def run_child(mode: str, i: int, tmp: Path) -> tuple[int, str, float]:
    """Runs the child; returns (returncode, output, seconds from the flood to its end)."""
    out = tmp / f"{mode}-{i}.out"
    with open(out, "w") as sink:
        proc = subprocess.Popen(
            [PYTHON, "-c", CHILD, mode, str(i), json.dumps(DEVICE_CONFIG), GALAKU],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=python_env(),
        )
        deadline = time.monotonic() + 60
        while "flooding" not in out.read_text() and proc.poll() is None:
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise AssertionError(f"{mode} run {i} never started flooding: {out.read_text()[-2000:]}")
            time.sleep(0.01)
        started = time.monotonic()
        if mode == "interrupt":
            time.sleep(0.005 * (i % 10))
            proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{mode} run {i} hung: {out.read_text()[-2000:]}") from None
    return code, out.read_text(), time.monotonic() - started


def many(mode: str, check) -> None:  # type: ignore[no-untyped-def]
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as d, ThreadPoolExecutor(PARALLEL) as pool:
        results = pool.map(lambda i: (i, *run_child(mode, i, Path(d))), range(RUNS))
        for i, code, output, seconds in results:
            try:
                check(i, code, output)
            except AssertionError as e:
                failures.append(f"run {i} ({seconds:.1f} s): {e}\n{output[-1500:]}")
    assert not failures, f"{len(failures)} of {RUNS} runs failed:\n" + "\n".join(failures)


def test_main_returns_with_the_client_open() -> None:
    def check(i: int, code: int, output: str) -> None:
        assert code == 0, f"exit status {code}"
        assert "main returned" in output

    many("return", check)


def test_an_exception_escapes_from_event_handling() -> None:
    def check(i: int, code: int, output: str) -> None:
        assert code == 1, f"exit status {code}"
        assert f"RuntimeError: handler failed {i}" in output

    many("raise", check)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_interrupted_with_commands_in_flight() -> None:
    def check(i: int, code: int, output: str) -> None:
        # Python ends an uncaught KeyboardInterrupt by SIGINT itself (or exit status 1).
        assert code in (1, -signal.SIGINT), f"exit status {code}"
        assert "KeyboardInterrupt" in output
        assert "Fatal Python error" not in output and "Segmentation" not in output

    many("interrupt", check)
