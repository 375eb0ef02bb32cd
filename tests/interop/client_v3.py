"""Interop: the spec v3 Python client buttplug-py (PyPI `buttplug-py` 0.2.0) against
`plugwire serve`. Usage: python client_v3.py ws://127.0.0.1:PORT

Starts scanning, finds the simulated Nora, stops scanning (which this client refuses when
it has seen ScanningFinished: a scan of simulated toys must not finish by itself, as with
the reference's passive managers), vibrates and rotates it, reads its battery, stops it
and disconnects. Exits non-zero on any failure."""
import asyncio
import sys

from buttplug import Client, ProtocolSpec, WebsocketConnector


async def main(url: str) -> None:
    client = Client("plugwire interop (py v3)", ProtocolSpec.v3)
    await client.connect(WebsocketConnector(url))
    await client.start_scanning()
    for _ in range(200):
        if client.devices:
            break
        await asyncio.sleep(0.05)
    device = next(iter(client.devices.values()))
    print(f"found {device.name} (index {device.index})")
    assert device.name == "Lovense Nora", device.name
    await client.stop_scanning()
    await device.actuators[0].command(0.5)
    await device.rotatory_actuators[0].command(0.25, False)
    battery = await device.sensors[0].read()
    print(f"battery {battery}")
    assert battery == [90], battery
    await device.stop()
    await client.disconnect()
    print("python v3 interop ok")


asyncio.run(asyncio.wait_for(main(sys.argv[1]), 20))
