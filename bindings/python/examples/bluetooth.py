#!/usr/bin/env python3
"""plugwire with real Bluetooth LE toys: scan, then gently vibrate each toy found.

    python examples/bluetooth.py [SECONDS_TO_SCAN]

The library's Bluetooth LE manager uses the system's Bluetooth service (BlueZ over D-Bus
on Linux, CoreBluetooth on macOS, WinRT on Windows). Without a Bluetooth adapter (or
service) scanning fails with a clear reason; this example prints it and exits with
status 2.

Ctrl-C at any time stops every toy: leaving ``async with`` closes the client, and closing
stops its devices.
"""

from __future__ import annotations

import asyncio
import sys

import plugwire


async def main(scan_seconds: float) -> int:
    async with plugwire.Client("plugwire bluetooth example") as client:
        await client.connect_embedded(bluetooth=True)
        client.on_device_added = lambda event: print(f"found {event.device.name}")
        try:
            await client.start_scanning()
        except plugwire.DeviceError as e:
            print(
                f"Scanning failed: {e.message}\n"
                "Try examples/quickstart.py (simulated toys).",
                file=sys.stderr,
            )
            return 2
        print(f"scanning for {scan_seconds:.0f} s... (switch your toys on)")
        await asyncio.sleep(scan_seconds)
        await client.stop_scanning()

        if not client.devices:
            print("no toys found")
            return 1
        for device in client.devices:
            if device.has_output(plugwire.OutputType.VIBRATE):
                print(f"vibrating {device.name} at 25 % for one second")
                await device.vibrate(0.25)
                await asyncio.sleep(1)
                await device.stop()
            if device.has_input(plugwire.InputType.BATTERY):
                try:
                    print(f"{device.name} battery: {await device.battery():.0%}")
                except plugwire.PlugwireError as e:
                    print(f"{device.name} battery: unavailable ({e})")
        await client.stop_all()
    return 0


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    try:
        sys.exit(asyncio.run(main(seconds)))
    except KeyboardInterrupt:
        print("interrupted: every toy was stopped")
        sys.exit(130)
