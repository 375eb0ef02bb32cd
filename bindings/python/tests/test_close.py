"""``close()`` on the event loop: the release that never blocks the loop
(``plugwire_client_close``). Awaiting it waits for the library's last callback."""

from __future__ import annotations

import asyncio

import plugwire
from plugwire import _native

from conftest import LUSH, NORA, Serve, eventually
from test_inputs import DEVICE_CONFIG, GALAKU


async def reading_client(readings: list[plugwire.InputReading]) -> tuple[plugwire.Client, plugwire.Device]:
    """A Galaku whose battery notifications arrive as InputReading events."""
    client = plugwire.Client("close")
    client.on_input_reading = readings.append
    await client.connect_embedded(
        simulated=[f"GX85@{GALAKU}"], device_config=DEVICE_CONFIG, default_message_gap_ms=0
    )
    await client.scan(timeout=10, count=1)
    toy = await client.wait_for_device()
    await toy.subscribe(plugwire.InputType.BATTERY)
    return client, toy


async def test_close_with_requests_in_flight_and_events_arriving() -> None:
    for _ in range(10):
        readings: list[plugwire.InputReading] = []
        client, toy = await reading_client(readings)
        tasks = []
        for i in range(100):
            tasks.append(asyncio.ensure_future(client.simulation.notify(GALAKU, "rxblebattery", bytes([i]))))
            tasks.append(asyncio.ensure_future(toy.vibrate(steps=i % 20)))
        await eventually(lambda: readings)
        closing = client.close()
        # close() returned without waiting for the library: the completion can only come
        # through this loop, which has not run since.
        assert not closing.done()
        assert client.close() is not None and client.closed
        try:
            await toy.vibrate(0.5)
        except plugwire.ClientClosedError:
            pass
        else:
            raise AssertionError("a command after close() was accepted")
        await asyncio.wait_for(closing, 10)
        assert closing.done()
        seen = len(readings)
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)
        failures = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(r, plugwire.ClientClosedError) for r in failures), failures[:3]
        await asyncio.sleep(0.1)
        assert len(readings) == seen, "an event was delivered after the close completed"
        assert _native.pending_contexts() == (0, 0)
        assert _native.live_clients() == 0
        assert _native._closing == 0


async def test_the_loop_keeps_running_while_the_client_closes() -> None:
    readings: list[plugwire.InputReading] = []
    client, toy = await reading_client(readings)
    for i in range(50):
        await client.simulation.notify(GALAKU, "rxblebattery", bytes([i]))
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    beat = asyncio.ensure_future(heartbeat())
    await asyncio.sleep(0)
    before = ticks
    await client.close()
    beat.cancel()
    assert ticks > before, "the loop ran other work while the client closed"


async def test_close_inside_an_event_callback_twice() -> None:
    closings: list[plugwire.Closing] = []
    client = plugwire.Client("close in callback")

    def on_device_added(_event: plugwire.DeviceAdded) -> None:
        if not closings:
            closings.append(client.close())
            closings.append(client.close())

    client.on_device_added = on_device_added
    await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}", f"LVS-Nora@{NORA}"], default_message_gap_ms=0)
    try:
        await client.start_scanning()
    except plugwire.ClientClosedError:
        pass  # the callback closed the client before the scan's reply
    await eventually(lambda: closings)
    await asyncio.wait_for(closings[0], 10)
    await asyncio.wait_for(closings[1], 10)
    await client.close()  # a third time, after it is over
    await client.aclose()
    assert client.closed and not client.connected
    assert _native.live_clients() == 0


async def test_calls_after_close_raise_client_closed_error() -> None:
    client = plugwire.Client("after close")
    await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"], default_message_gap_ms=0)
    await client.scan(timeout=10, count=1)
    lush = await client.wait_for_device()
    await client.close()
    for call in (
        client.start_scanning,
        client.disconnect,
        client.ping,
        client.refresh_devices,
        lambda: lush.vibrate(0.5),
        lambda: client.connect_embedded(simulated=True),
    ):
        try:
            await call()
        except plugwire.ClientClosedError:
            pass
        else:
            raise AssertionError(f"{call} after close() did not raise ClientClosedError")
    # An event stream of a closed client ends at once.
    assert [e async for e in client.events()] == []


async def test_awaited_close_stops_the_toys() -> None:
    serve = Serve(f"LVS-Nora@{NORA}")
    try:
        client = plugwire.Client("close stops")
        await client.connect_websocket(serve.url)
        await client.start_scanning()
        nora = await client.wait_for_device(timeout=10)
        await nora.vibrate(1.0)
        await client.close()
        # The server takes one client at a time: once the close is over, a second one
        # gets in at once, so the stop it finds was the close's.
        async with plugwire.Client("second") as second:
            await second.connect_websocket(serve.url)
        assert serve.writes(NORA)[:2] == ["Vibrate:20;", "Vibrate:0;"]
    finally:
        serve.close()


def test_the_sync_facade_close_waits_for_the_release() -> None:
    import plugwire.sync

    client = plugwire.sync.Client("sync close")
    client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"], default_message_gap_ms=0)
    client.close()
    # Blocking, as documented: the library's last callback has run when close returns.
    assert _native._closing == 0
    assert _native.live_clients() == 0
