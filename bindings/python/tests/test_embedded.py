"""The asyncio client on an embedded server with simulated Lovense toys: scanning, device
events, every output kind down to the bytes the toy received, inputs, stopping."""

from __future__ import annotations

import asyncio
import time

import pytest

import plugwire
from plugwire import InputType, OutputType, ScriptRule, SimulatedDevice

from conftest import EDGE, LUSH, MAX, NORA, SOLACE, SOLACE_PRO, eventually, texts


async def connected(*specs: str, **kwargs) -> plugwire.Client:  # type: ignore[no-untyped-def]
    client = plugwire.Client("pytest")
    await client.__aenter__()
    await client.connect_embedded(simulated=list(specs), default_message_gap_ms=0, **kwargs)
    return client


async def test_connect_scan_and_device_added() -> None:
    added_sync: list[plugwire.Device] = []
    added_async: list[plugwire.Device] = []

    async with plugwire.Client("pytest") as client:
        assert not client.connected

        def on_added(event: plugwire.DeviceAdded) -> None:
            added_sync.append(event.device)

        async def on_added_async(event: plugwire.Event) -> None:
            await asyncio.sleep(0)
            if isinstance(event, plugwire.DeviceAdded):
                added_async.append(event.device)

        client.on_device_added = on_added
        client.on_event = on_added_async
        events = client.events()
        await client.connect_embedded(
            simulated=[f"LVS-Lush@{LUSH}", SimulatedDevice("LVS-Nora", address=NORA, battery_level=55)],
            default_message_gap_ms=0,
        )
        assert client.connected
        devices = await client.scan(timeout=10, count=2)
        assert sorted(d.name for d in devices) == ["Lovense Lush", "Lovense Nora"]

        seen = []
        async for event in events:
            # Simulated toys never finish a scan (as in the reference).
            assert not isinstance(event, plugwire.ScanningFinished)
            seen.append(event)
            if len(seen) == 2:
                break
        assert sorted(e.device.name for e in seen if isinstance(e, plugwire.DeviceAdded)) == [
            "Lovense Lush",
            "Lovense Nora",
        ]
        await eventually(lambda: len(added_async) == 2)
        assert sorted(d.name for d in added_sync) == ["Lovense Lush", "Lovense Nora"]

        nora = await client.wait_for_device("Lovense Nora")
        assert nora is client.device(nora.index)
        assert [f.index for f in nora.features] == [0, 1, 2]
        rotate = nora.features[1].output(OutputType.ROTATE)
        assert rotate is not None and (rotate.min, rotate.max) == (-20, 20)
        battery = nora.features[2].input(InputType.BATTERY)
        assert battery is not None and battery.can_read and not battery.can_subscribe
        assert nora.has_output(OutputType.VIBRATE) and not nora.has_output(OutputType.CONSTRICT)
        assert (await client.refresh_devices()) == client.devices
        assert "Lovense" in repr(nora)


async def test_wait_for_device_waits_for_a_device_added_later() -> None:
    client = await connected()
    try:
        waiter = asyncio.ensure_future(client.wait_for_device("Lovense Max", timeout=10))
        await asyncio.sleep(0.05)
        assert not waiter.done()
        address = await client.simulation.add_device(f"LVS-Max@{MAX}")
        assert address == MAX
        await client.start_scanning()
        device = await waiter
        assert device.name == "Lovense Max"
        try:
            await client.wait_for_device("no such toy", timeout=0.2)
        except asyncio.TimeoutError:
            pass
        else:
            raise AssertionError("expected a timeout")
    finally:
        client.close()


async def test_vibrate_reaches_the_toy() -> None:
    client = await connected(f"LVS-Lush@{LUSH}", f"LVS-Edge@{EDGE}")
    try:
        await client.scan(timeout=10, count=2)
        lush = await client.wait_for_device("Lovense Lush")
        await lush.vibrate(0.5)
        await lush.vibrate(steps=3)
        await lush.output(OutputType.VIBRATE, 1.0, feature=0)
        await lush.output("vibrate", 0.05)
        assert await texts(client, LUSH) == ["Vibrate:10;", "Vibrate:3;", "Vibrate:20;", "Vibrate:1;"]

        # Without a feature, every vibrating feature is set.
        edge = await client.wait_for_device("Lovense Edge")
        await edge.vibrate(0.25)
        assert sorted(await texts(client, EDGE, clear=True)) == ["Vibrate1:5;", "Vibrate2:5;"]
        await edge.vibrate(0.75, feature=1)
        assert await texts(client, EDGE) == ["Vibrate2:15;"]
    finally:
        client.close()


async def test_rotate_with_direction_changes() -> None:
    client = await connected(f"LVS-Nora@{NORA}")
    try:
        await client.scan(timeout=10, count=1)
        nora = await client.wait_for_device("Lovense Nora")
        await nora.rotate(-0.5)
        await nora.rotate(-0.25)
        await nora.output(OutputType.ROTATE, 0.25, feature=1)
        await nora.rotate(0.0)
        assert await texts(client, NORA) == [
            "RotateChange;",
            "Rotate:10;",
            "Rotate:5;",
            "RotateChange;",
            "Rotate:5;",
            "Rotate:0;",
        ]
    finally:
        client.close()


async def test_constrict_and_oscillate() -> None:
    client = await connected(f"LVS-Max@{MAX}", f"LVS-Solace@{SOLACE}")
    try:
        await client.scan(timeout=10, count=2)
        max_ = await client.wait_for_device("Lovense Max")
        await max_.constrict(0.5)
        await max_.constrict(steps=3)
        assert await texts(client, MAX) == ["Air:Level:2;", "Air:Level:3;"]

        solace = await client.wait_for_device("Lovense Solace")
        await solace.oscillate(0.5)
        await solace.oscillate(0)
        assert await texts(client, SOLACE) == ["Mply:10:20;", "Mply:0:0;"]
    finally:
        client.close()


async def test_position_with_duration() -> None:
    client = await connected(f"LVS-Solace Pro@{SOLACE_PRO}")
    try:
        await client.scan(timeout=10, count=1)
        pro = await client.wait_for_device("Lovense Solace Pro")
        feature = pro.features_with_output(OutputType.HW_POSITION_WITH_DURATION)[0]
        output = feature.output(OutputType.HW_POSITION_WITH_DURATION)
        assert output is not None and output.duration is not None and output.max == 100
        await pro.position(0.5, duration_ms=500)
        expected = [f"FSetSite:{p};" for p in (10, 20, 30, 40, 50)]
        await eventually(lambda: _has(client, expected), timeout=5)
        log = await client.simulation.write_log(SOLACE_PRO)
        moves = [r for r in log if r.text.startswith("FSetSite")]
        assert [r.text for r in moves] == expected
        # One step every 100 ms.
        gaps = [b.at_us - a.at_us for a, b in zip(moves, moves[1:])]
        assert all(50_000 <= g <= 500_000 for g in gaps), gaps
        # A position without a duration needs a duration for this output.
        try:
            await pro.output(OutputType.HW_POSITION_WITH_DURATION, 0.2)
        except plugwire.InvalidArgumentError as e:
            assert "duration" in str(e)
        else:
            raise AssertionError("expected InvalidArgumentError")
    finally:
        client.close()


async def _positions(client: plugwire.Client) -> list[str]:
    return [t for t in await texts(client, SOLACE_PRO) if t.startswith("FSetSite")]


async def _has(client: plugwire.Client, expected: list[str]) -> bool:
    return await _positions(client) == expected


async def test_battery_and_read() -> None:
    client = await connected(SimulatedDevice("LVS-Lush", address=LUSH, battery_level=77))
    try:
        await client.scan(timeout=10, count=1)
        lush = await client.wait_for_device("Lovense Lush")
        assert await lush.battery() == 0.77
        assert await lush.read(InputType.BATTERY) == 77
        assert await lush.read("battery") == 77
        log = await client.simulation.write_log(LUSH)
        assert [r.text for r in log if r.kind == plugwire.RecordKind.WRITE][-1] == "Battery;"
        assert all(not r.with_response for r in log if r.kind == plugwire.RecordKind.WRITE)
    finally:
        client.close()


async def test_stop_device_and_stop_all() -> None:
    client = await connected(f"LVS-Lush@{LUSH}", f"LVS-Nora@{NORA}")
    try:
        await client.scan(timeout=10, count=2)
        lush = await client.wait_for_device("Lovense Lush")
        nora = await client.wait_for_device("Lovense Nora")
        await lush.vibrate(0.5)
        await nora.vibrate(0.5)
        await nora.rotate(0.5)
        await lush.stop()
        assert await texts(client, LUSH) == ["Vibrate:10;", "Vibrate:0;"]
        assert await texts(client, NORA) == ["Vibrate:10;", "Rotate:10;"]
        await nora.stop(feature=1)
        assert (await texts(client, NORA))[-1] == "Rotate:0;"
        await lush.vibrate(1.0)
        await nora.rotate(1.0)
        await client.stop_all()
        assert (await texts(client, LUSH))[-2:] == ["Vibrate:20;", "Vibrate:0;"]
        assert (await texts(client, NORA))[-3:] == ["Rotate:20;", "Vibrate:0;", "Rotate:0;"]
    finally:
        client.close()


async def test_disconnect_stops_devices() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        events = client.events()
        await client.scan(timeout=10, count=1)
        lush = await client.wait_for_device()
        await lush.vibrate(1.0)
        await client.disconnect()
        assert not client.connected
        assert client.devices == []
        # The simulated hardware outlives the session: the zero is in its log.
        assert await texts(client, LUSH) == ["Vibrate:20;", "Vibrate:0;"]
        async for event in events:
            if isinstance(event, plugwire.ServerDisconnected):
                break
        # The finished session stays (its simulated toys' logs readable): connecting
        # again takes a new Client.
        try:
            await client.connect_embedded(simulated=True)
        except plugwire.AlreadyConnectedError:
            pass
    finally:
        client.close()


async def test_drop_and_restore() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        removed: list[plugwire.DeviceRemoved] = []
        client.on_device_removed = removed.append
        await client.scan(timeout=10, count=1)
        lush = await client.wait_for_device()
        index = lush.index
        await client.simulation.drop(LUSH)
        await eventually(lambda: removed)
        assert removed[0].index == index and removed[0].device is lush
        assert client.devices == []
        try:
            await lush.vibrate(0.5)
        except plugwire.UnknownDeviceError as e:
            assert str(index) in str(e)
        else:
            raise AssertionError("expected UnknownDeviceError")
        await client.simulation.restore(LUSH)
        again = await client.wait_for_device(timeout=10)
        assert again.index == index
        await lush.vibrate(0.5)  # the old object talks to the same index
    finally:
        client.close()


async def test_simulated_add_device_generates_an_address() -> None:
    client = await connected()
    try:
        address = await client.simulation.add_device("LVS-Lush")
        assert address
        await client.scan(timeout=10, count=1)
        lush = await client.wait_for_device()
        await lush.vibrate(0.5)
        assert await texts(client, address) == ["Vibrate:10;"]
    finally:
        client.close()


async def test_queue_read_and_notify_reach_the_toy() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        await client.scan(timeout=10, count=1)
        await client.simulation.queue_read(LUSH, "rx", b"queued")
        # rx is subscribed since identification: a notification is accepted.
        await client.simulation.notify(LUSH, "rx", b"OK;")
        log = await client.simulation.write_log(LUSH)
        assert any(r.kind == plugwire.RecordKind.SUBSCRIBE and r.endpoint == "rx" for r in log)
    finally:
        client.close()


async def test_ping_watchdog_kept_alive_by_the_library() -> None:
    async with plugwire.Client("pings") as client:
        disconnected: list[plugwire.Event] = []
        client.on_ping_timeout = disconnected.append
        client.on_server_disconnected = disconnected.append
        await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"], max_ping_time=300)
        await client.ping()
        await asyncio.sleep(1.0)  # several watchdog periods: the library pings for us
        await client.ping()
        assert client.connected and disconnected == []


async def test_a_hanging_write_fails_within_the_hardware_timeout() -> None:
    async with plugwire.Client() as client:
        await client.connect_embedded(
            simulated=[f"LVS-Lush@{LUSH}"], default_message_gap_ms=0, hardware_timeout_ms=300
        )
        await client.scan(timeout=10, count=1)
        lush = await client.wait_for_device()
        await lush.vibrate(0.1)
        await client.simulation.set_write_fault(LUSH, plugwire.WriteFault.HANG)
        start = time.monotonic()
        with pytest.raises(plugwire.PlugwireError):
            await lush.vibrate(0.5)
        assert time.monotonic() - start < 2.5
        # Nothing reached the toy after the fault.
        assert await texts(client, LUSH) == ["Vibrate:2;"]
        # Faults by name or value; unknown ones are refused before the library sees them.
        await client.simulation.set_write_fault(LUSH, "none")
        await client.simulation.set_write_fault(LUSH, plugwire.WriteFault.DELAY, delay_ms=10)
        with pytest.raises(ValueError, match="write fault"):
            await client.simulation.set_write_fault(LUSH, "wobble")
        with pytest.raises(plugwire.UnknownDeviceError):
            await client.simulation.set_write_fault("nope", plugwire.WriteFault.FAIL)
        with pytest.raises(ValueError):
            await client.connect_embedded(hardware_timeout_ms=-1)


async def test_several_outputs_are_one_batch() -> None:
    # A Lovehoney Desire with two motors packs equal levels into one packet for both: it
    # can do that only when it gets both changes at once.
    client = await connected("PROSTATE VIBE@FF:00:00:00:00:41")
    try:
        await client.scan(timeout=10, count=1)
        toy = await client.wait_for_device("Lovehoney Desire Prostate Vibrator")
        await client.simulation.writes("FF:00:00:00:00:41", clear=True)
        await toy.outputs((0, "vibrate", 0.5), (1, OutputType.VIBRATE, 0.5))
        assert await client.simulation.writes("FF:00:00:00:00:41", clear=True) == [bytes([0xF3, 0x00, 0x40])]
        # vibrate() on every motor is one batch too.
        await toy.vibrate(1.0)
        assert await client.simulation.writes("FF:00:00:00:00:41", clear=True) == [bytes([0xF3, 0x00, 0x7F])]
        # One bad entry sends nothing.
        with pytest.raises(plugwire.InvalidArgumentError):
            await toy.outputs((0, "vibrate", 0.1), (7, "vibrate", 0.1))
        assert await client.simulation.writes("FF:00:00:00:00:41") == []
    finally:
        client.close()


async def test_scripted_simulated_toys() -> None:
    # An identity for the built-in answers (a firmware-2 Flexer), a Lelo that hands out a
    # chosen pairing token, and a toy spoken for by its script alone.
    token = bytes(range(1, 9))
    mystery = SimulatedDevice(
        name="LVS-Mystery",
        address="FF:00:00:00:00:63",
        builtin_responder=False,
        script=(
            ScriptRule(endpoint="tx", write="DeviceType;", notify="P:240:0082059AD3BD;"),
            ScriptRule(endpoint="tx", write="Battery;", notify="42;"),
        ),
    )
    client = await connected(
        SimulatedDevice(name="LVS-Flexer", address="FF:00:00:00:00:61", model="EI", firmware=2),
        SimulatedDevice(name="F1SV2A", address="FF:00:00:00:00:62", key=token),
        mystery,
    )
    try:
        await client.scan(timeout=10, count=3)
        await client.wait_for_device("Lovense Flexer (Firmware update needed)")
        await client.wait_for_device("Lelo F1s V2")
        assert token in await client.simulation.writes("FF:00:00:00:00:62")
        edge = await client.wait_for_device("Lovense Edge")
        assert await edge.battery() == 0.42
    finally:
        client.close()


async def test_scan_ends_at_its_timeout_or_count_and_stops_scanning() -> None:
    # Simulated toys never finish a scan (as in the reference): scan() ends it itself.
    client = await connected(f"LVS-Lush@{LUSH}", f"LVS-Nora@{NORA}")
    try:
        started = time.monotonic()
        devices = await client.scan(timeout=10, count=2)
        assert len(devices) == 2 and time.monotonic() - started < 10
        devices = await client.scan(timeout=0.3)
        assert time.monotonic() - started >= 0.3 and len(devices) == 2
        # Scanning stopped: a toy switched on now is not connected.
        await client.simulation.add_device(f"LVS-Edge@{EDGE}")
        await asyncio.sleep(0.3)
        assert len(client.devices) == 2
    finally:
        client.close()
