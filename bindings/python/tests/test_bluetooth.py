"""Bluetooth LE through the binding: the library's btleplug manager talks BlueZ's D-Bus API
to a stand-in (python3-dbusmock's bluez5 template with mock toys, see conftest.py)."""

from __future__ import annotations

import subprocess

import plugwire
import plugwire.sync

import pytest

from conftest import PACKAGE_ROOT, PYTHON, BluezStandIn, eventually, python_env

TOY = "C4:4F:33:00:00:11"


async def test_a_bluetooth_toy_is_found_and_driven(bluez: BluezStandIn) -> None:
    bluez.cmd(cmd="adapter")
    bluez.add_lovense(TOY)
    async with plugwire.Client("ble") as client:
        await client.connect_embedded(bluetooth=True)
        await client.start_scanning()
        nora = await client.wait_for_device("Lovense Nora", timeout=15)
        await client.stop_scanning()
        await nora.vibrate(0.5)
        await eventually(lambda: "Vibrate:10;" in bluez.written_text(TOY))
        assert await nora.battery() == 0.85
    # Closing the client stopped the toy (both motors).
    def stopped() -> bool:
        written = bluez.written_text(TOY)
        after = written[written.index("Vibrate:10;") + 1 :]
        return {"Vibrate:0;", "Rotate:0;"} <= set(after)

    await eventually(stopped)


async def test_scanning_without_an_adapter_says_so(bluez: BluezStandIn) -> None:
    async with plugwire.Client("ble") as client:
        await client.connect_embedded(bluetooth=True)
        with pytest.raises(plugwire.DeviceError, match="no Bluetooth adapter"):
            await client.start_scanning()
        # The client goes on working.
        await client.stop_all()


def test_sync_client_with_bluetooth(bluez: BluezStandIn) -> None:
    bluez.cmd(cmd="adapter")
    bluez.add_lovense(TOY)
    with plugwire.sync.Client("ble sync") as client:
        client.connect_embedded(bluetooth=True)
        client.start_scanning()
        nora = client.wait_for_device("Lovense Nora", timeout=15)
        nora.vibrate(0.25)
        assert "Vibrate:5;" in bluez.written_text(TOY)
    # Leaving the with-block closed the client, which stopped the toy.
    assert bluez.written_text(TOY)[-2:] in (["Vibrate:0;", "Rotate:0;"], ["Rotate:0;", "Vibrate:0;"])


def test_bluetooth_example_finds_and_vibrates_a_toy(bluez: BluezStandIn) -> None:
    bluez.cmd(cmd="adapter")
    bluez.add_lovense(TOY)
    result = subprocess.run(
        [PYTHON, str(PACKAGE_ROOT / "examples" / "bluetooth.py"), "2"],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "found Lovense Nora" in result.stdout
    assert "vibrating Lovense Nora at 25 %" in result.stdout
    assert "Lovense Nora battery: 85%" in result.stdout
    written = bluez.written_text(TOY)
    assert written.index("Vibrate:5;") < written.index("Vibrate:0;") < written.index("Battery;"), written


def test_bluetooth_example_without_an_adapter(bluez: BluezStandIn) -> None:
    result = subprocess.run(
        [PYTHON, str(PACKAGE_ROOT / "examples" / "bluetooth.py"), "1"],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Bluetooth LE is not available" in result.stderr
    assert "no Bluetooth adapter" in result.stderr
