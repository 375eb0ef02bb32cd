#!/usr/bin/env python3
"""plugwire quickstart: an embedded server with simulated Lovense toys, no hardware needed.

Scans, drives every output of each toy, reads the batteries, stops everything, and prints
the bytes each toy received.

    python examples/quickstart.py
"""

from __future__ import annotations

import asyncio

import plugwire
from plugwire import OutputType

TOYS = {
    "LVS-Lush": "AA:00:00:00:00:01",  # vibrate
    "LVS-Nora": "AA:00:00:00:00:02",  # vibrate + rotate (with direction)
    "LVS-Max": "AA:00:00:00:00:03",  # vibrate + constrict (air pump)
    "LVS-Solace Pro": "AA:00:00:00:00:04",  # oscillate + timed position moves
}


async def main() -> None:
    async with plugwire.Client("plugwire quickstart") as client:
        client.on_device_added = lambda event: print(f"found {event.device.name} (index {event.device.index})")

        await client.connect_embedded(simulated=[f"{name}@{address}" for name, address in TOYS.items()])
        await client.start_scanning()
        # Each simulated LVS-X identifies as "Lovense X"; wait until all are there.
        for name in TOYS:
            await client.wait_for_device(name.replace("LVS-", "Lovense "), timeout=10)
        devices = client.devices

        for device in devices:
            outputs = sorted({o.type.name.lower() for f in device.features for o in f.outputs})
            print(f"{device.name}: {', '.join(outputs)}")
            if device.has_output(OutputType.VIBRATE):
                await device.vibrate(0.5)
            if device.has_output(OutputType.ROTATE):
                await device.rotate(-0.3)  # counter-clockwise, 30 %
            if device.has_output(OutputType.CONSTRICT):
                await device.constrict(0.5)
            if device.has_output(OutputType.OSCILLATE):
                await device.oscillate(0.25)
            if device.has_output(OutputType.HW_POSITION_WITH_DURATION):
                await device.position(0.3, duration_ms=300)
            print(f"  battery: {await device.battery():.0%}")

        await asyncio.sleep(0.5)  # let the timed move finish
        await devices[0].stop()
        await client.stop_all()

        print("\nWhat each toy received:")
        for name, address in TOYS.items():
            writes = await client.simulation.writes(address)
            print(f"  {name}: {' '.join(w.decode() for w in writes)}")
    print("\ndone: the client is closed and every toy stopped")


if __name__ == "__main__":
    asyncio.run(main())
