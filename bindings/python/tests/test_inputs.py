"""Input subscriptions and InputReading events.

No built-in protocol's configuration lists an input as subscribable (Lovense battery is
read-only, and the server refuses a subscription: see test_errors). The Galaku protocol
handler does implement battery subscriptions (notifications on `rxblebattery`), so this
test loads a device configuration on top of the built-in one that marks Galaku's battery
as `Read` + `Subscribe` (what a user or a newer ecosystem file could do), then makes the
simulated toy notify and checks the reading arrives as an event."""

from __future__ import annotations

import asyncio

import plugwire
from plugwire import InputType

from conftest import eventually

GALAKU = "AA:00:00:00:00:10"

DEVICE_CONFIG = {
    "version": {"major": 4, "minor": 0},
    "protocols": {
        "galaku": {
            "communication": [
                {
                    "btle": {
                        "names": ["GX85"],
                        "services": {
                            "00001000-0000-1000-8000-00805f9b34fb": {
                                "tx": "00001001-0000-1000-8000-00805f9b34fb",
                                "rxblebattery": "00001002-0000-1000-8000-00805f9b34fb",
                            }
                        },
                    }
                }
            ],
            "defaults": {
                "id": "c1766383-def6-4bd0-b6ce-1e8f993fa6ae",
                "name": "Galaku Device",
                "features": [
                    {
                        "id": "f650b5a9-7413-4ac9-b25e-863180daa04c",
                        "index": 0,
                        "description": "vibrate",
                        "output": {"vibrate": {"value": [0, 100]}},
                    },
                    {
                        "id": "d9c34cf9-5645-4e04-bf92-51e5df708417",
                        "index": 1,
                        "description": "battery Level",
                        "input": {"battery": {"command": ["Read", "Subscribe"], "value": [[0, 100]]}},
                    },
                ],
            },
            "configurations": [
                {"id": "6c62e478-d684-4c3a-9d74-0860be907a8e", "identifier": ["GX85"], "name": "Galaku Shana"}
            ],
        }
    },
}


async def test_subscribe_and_input_reading_events() -> None:
    async with plugwire.Client("inputs") as client:
        readings: list[plugwire.InputReading] = []
        client.on_input_reading = readings.append
        events = client.events()
        await client.connect_embedded(
            simulated=[f"GX85@{GALAKU}"], device_config=DEVICE_CONFIG, default_message_gap_ms=0
        )
        await client.scan(timeout=10, count=1)
        toy = await client.wait_for_device("Galaku Shana")
        battery = toy.features[1].input(InputType.BATTERY)
        assert battery is not None and battery.can_subscribe

        await toy.subscribe(InputType.BATTERY)
        log = await client.simulation.write_log(GALAKU)
        assert any(r.kind == plugwire.RecordKind.SUBSCRIBE and r.endpoint == "rxblebattery" for r in log)

        await client.simulation.notify(GALAKU, "rxblebattery", bytes([42]))
        await client.simulation.notify(GALAKU, "rxblebattery", bytes([41]))
        async for event in events:
            if isinstance(event, plugwire.InputReading):
                assert (event.device_index, event.feature_index, event.input, event.value) == (
                    toy.index,
                    1,
                    InputType.BATTERY,
                    42,
                )
                assert event.device is toy
                break
        await eventually(lambda: [r.value for r in readings] == [42, 41])

        await toy.unsubscribe(InputType.BATTERY)
        log = await client.simulation.write_log(GALAKU)
        assert any(r.kind == plugwire.RecordKind.UNSUBSCRIBE and r.endpoint == "rxblebattery" for r in log)
        # Nobody listens any more: the simulated toy refuses to notify.
        try:
            await client.simulation.notify(GALAKU, "rxblebattery", bytes([40]))
        except plugwire.InvalidArgumentError as e:
            assert "subscribed" in str(e)
        await asyncio.sleep(0.05)
        assert [r.value for r in readings] == [42, 41]

        # A stop ends subscriptions too.
        await toy.subscribe("battery")
        await toy.stop()
        log = await client.simulation.write_log(GALAKU)
        assert [r.kind for r in log if r.endpoint == "rxblebattery"][-1] == plugwire.RecordKind.UNSUBSCRIBE
