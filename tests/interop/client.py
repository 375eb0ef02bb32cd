"""Interop: the official Buttplug Python client (PyPI `buttplug`, spec v4) against
`plugwire serve`. Usage: python client.py ws://127.0.0.1:PORT

Scans, finds the simulated Nora, vibrates and rotates it, reads its battery, stops it and
disconnects. Exits non-zero on any failure."""
import asyncio
import sys

from buttplug import ButtplugClient, DeviceOutputCommand, OutputType


async def main(url: str) -> None:
    client = ButtplugClient("plugwire interop (py)")
    await client.connect(url)
    found = asyncio.get_running_loop().create_future()
    client.on_device_added = lambda device: found.done() or found.set_result(device)
    await client.start_scanning()
    device = await asyncio.wait_for(found, 10)
    print(f"found {device.name} (index {device.index})")
    assert device.name == "Lovense Nora", device.name
    await device.run_output(DeviceOutputCommand(OutputType.VIBRATE, 0.5))
    await device.run_output(DeviceOutputCommand(OutputType.ROTATE, -5))
    battery = await device.battery()
    print(f"battery {battery}")
    assert abs(battery - 0.9) < 1e-6, battery
    await device.stop()
    await client.disconnect()
    print("python interop ok")


asyncio.run(asyncio.wait_for(main(sys.argv[1]), 20))
