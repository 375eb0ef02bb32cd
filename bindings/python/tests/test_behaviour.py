"""Python's row of bindings/README.md's behaviour table, and asyncio cancellation (#24)."""

from __future__ import annotations

import asyncio
import time

import plugwire
from plugwire import WriteFault

from conftest import LUSH
from test_errors import raises, session


async def test_disconnect_when_not_connected_is_not_connected_every_time() -> None:
    client = plugwire.Client("behaviour")
    try:
        await raises(plugwire.NotConnectedError, client.disconnect())
        await client.connect_embedded(simulated=True)
        await client.disconnect()
        await raises(plugwire.NotConnectedError, client.disconnect())
        await raises(plugwire.NotConnectedError, client.disconnect())
    finally:
        client.close()


async def test_an_unknown_simulated_toy_is_an_error_naming_it() -> None:
    client = plugwire.Client("behaviour")
    try:
        e = await raises(plugwire.InvalidArgumentError, client.connect_embedded(simulated=["NoSuchToy-9"]))
        assert "NoSuchToy-9" in str(e)
        assert not client.connected
    finally:
        client.close()


async def test_cancelling_a_slow_request_ends_the_wait_and_a_stop_after_it_wins() -> None:
    client, lush = await session(f"LVS-Lush@{LUSH}")
    try:
        await client.simulation.set_write_fault(LUSH, WriteFault.DELAY, delay_ms=1500)
        started = time.monotonic()
        task = asyncio.ensure_future(lush.vibrate(0.7))
        await asyncio.sleep(0.1)
        task.cancel()
        try:
            await task
            raise AssertionError("the cancelled request completed")
        except asyncio.CancelledError:
            pass
        assert time.monotonic() - started < 1.0
        await client.simulation.set_write_fault(LUSH, WriteFault.NONE)
        await lush.stop()
        await lush.vibrate(0.2)
        await lush.stop()
        writes = await client.simulation.writes(LUSH)
        assert writes[-1] == b"Vibrate:0;", writes
    finally:
        client.close()
