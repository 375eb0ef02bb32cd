"""connect_websocket to a `plugwire serve` subprocess, and Ctrl-C in a script stopping the
toys: the simulated toys live in the server, which writes what they received at exit."""

from __future__ import annotations

import builtins
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

import plugwire
from plugwire import InputType

from conftest import NORA, PYTHON, Serve, eventually, python_env


async def test_connect_websocket(serve_nora: Serve) -> None:
    async with plugwire.Client("websocket test") as client:
        await client.connect_websocket(serve_nora.url)
        assert client.connected
        await client.start_scanning()
        nora = await client.wait_for_device("Lovense Nora", timeout=10)
        await nora.vibrate(0.5)
        await nora.rotate(-0.25)
        assert await nora.read(InputType.BATTERY) == 90
        assert 0 < await nora.battery() <= 1
        await nora.stop()
        try:
            await client.simulation.writes(NORA)
        except plugwire.NoSimulatedHardwareError:
            pass
        else:
            raise AssertionError("a websocket connection has no simulated hardware")
        await nora.vibrate(1.0)
    # Closing the client ended the session: the server stopped the toy.
    assert serve_nora.writes(NORA) == [
        "Vibrate:10;",
        "RotateChange;",
        "Rotate:5;",
        "Battery;",
        "Battery;",
        "Vibrate:0;",
        "Rotate:0;",
        "RotateChange;",
        "Vibrate:20;",
        "Vibrate:0;",
    ]


async def test_websocket_errors(serve_nora: Serve) -> None:
    async with plugwire.Client("first") as first:
        await first.connect_websocket(serve_nora.url)
        # One client at a time: the server refuses a second session.
        async with plugwire.Client("second") as second:
            try:
                await second.connect_websocket(serve_nora.url)
            except plugwire.PlugwireError as e:
                assert isinstance(e, (plugwire.ConnectionError, plugwire.ServerError)), repr(e)
            else:
                raise AssertionError("the second session should be refused")
    async with plugwire.Client("bad url") as client:
        try:
            await client.connect_websocket("not a url")
        except plugwire.ConnectionFailedError:
            pass
        else:
            raise AssertionError("expected ConnectionFailedError")


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import asyncio, signal, sys, time
    import plugwire
    from plugwire import _native

    # A shell that starts the tests in the background (nohup, `cmd &`) hands SIGINT down
    # ignored, and Python then installs no KeyboardInterrupt handler: restore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    async def main(url):
        async with plugwire.Client("ctrl-c") as client:
            await client.connect_websocket(url)
            await client.start_scanning()
            device = await client.wait_for_device(timeout=10)
            await device.vibrate(1.0)
            print("vibrating", flush=True)
            await asyncio.sleep(60)

    try:
        asyncio.run(main(sys.argv[1]))
    except KeyboardInterrupt:
        print(f"interrupted; open clients: {_native.live_clients()}", flush=True)
        time.sleep(30)  # stay alive: only the client's close can have ended the session
    """
)


CTRL_C_SYNC_SCRIPT = textwrap.dedent(
    """
    import signal, sys, time
    import plugwire.sync
    from plugwire import _native

    signal.signal(signal.SIGINT, signal.default_int_handler)  # see CTRL_C_SCRIPT

    try:
        with plugwire.sync.Client("ctrl-c sync") as client:
            client.connect_websocket(sys.argv[1])
            client.start_scanning()
            client.wait_for_device(timeout=10).vibrate(1.0)
            print("vibrating", flush=True)
            time.sleep(60)
    except KeyboardInterrupt:
        print(f"interrupted; open clients: {_native.live_clients()}", flush=True)
        time.sleep(30)
    """
)


@pytest.mark.parametrize("script_text", [CTRL_C_SCRIPT, CTRL_C_SYNC_SCRIPT], ids=["asyncio", "sync"])
def test_ctrl_c_stops_devices(serve_nora: Serve, tmp_path: Path, script_text: str) -> None:
    script = tmp_path / "ctrl_c.py"
    script.write_text(script_text)
    out = tmp_path / "out.txt"
    proc = subprocess.Popen(
        [PYTHON, str(script), serve_nora.url], stdout=open(out, "w"), stderr=subprocess.STDOUT, env=python_env()
    )
    try:
        wait_for_text(out, "vibrating", proc)
        proc.send_signal(signal.SIGINT)
        wait_for_text(out, "interrupted; open clients: 0", proc)
        assert proc.poll() is None, "the script is still running: its process did not end the session"
        writes = serve_nora.writes(NORA)
        assert writes[:2] == ["Vibrate:20;", "Vibrate:0;"], writes
    finally:
        proc.kill()
        proc.wait()


def wait_for_text(path: Path, text: str, proc: subprocess.Popen, timeout: float = 20) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not printed; output: {path.read_text()!r}")


async def test_refused_and_lost_server_are_connection_errors(serve_nora: Serve) -> None:
    # One error vocabulary: a refusal carries the server's reason as a connection error,
    # and after the server went away device requests are "not connected"; both are the
    # built-in ConnectionError that reconnect loops catch.
    async with plugwire.Client("first") as first:
        await first.connect_websocket(serve_nora.url)
        await first.scan(timeout=10, count=1)
        nora = await first.wait_for_device()
        async with plugwire.Client("second") as second:
            try:
                await second.connect_websocket(serve_nora.url)
            except builtins.ConnectionError as e:
                assert isinstance(e, plugwire.ConnectionFailedError), repr(e)
                assert e.code is plugwire.ErrorCode.CONNECTION_FAILED
                assert "another client is connected" in str(e)
            else:
                raise AssertionError("the second session should be refused")
        serve_nora.stop()
        await eventually(lambda: not first.connected, timeout=10)
        for request in (nora.vibrate(0.5), nora.stop(), nora.battery()):
            try:
                await request
            except builtins.ConnectionError as e:
                assert isinstance(e, plugwire.NotConnectedError) and e.code is plugwire.ErrorCode.NOT_CONNECTED, repr(e)
            else:
                raise AssertionError("a request after the server went away should fail")
