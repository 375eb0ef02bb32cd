"""The synchronous facade (plugwire.sync) for plain scripts."""

from __future__ import annotations

import gc
import threading

import pytest

import plugwire
import plugwire.sync
from plugwire import _native

from conftest import LUSH, NORA, writes_text


def test_sync_session() -> None:
    with plugwire.sync.Client("sync test", timeout=20) as client:
        client.connect_embedded(
            simulated=[plugwire.SimulatedDevice("LVS-Nora", address=NORA, battery_level=64), f"LVS-Lush@{LUSH}"],
            default_message_gap_ms=0,
        )
        assert client.connected
        client.start_scanning()
        nora = client.wait_for_device("Lovense Nora", timeout=10)
        assert nora.name == "Lovense Nora" and nora.has_output(plugwire.OutputType.ROTATE)
        nora.vibrate(0.5)
        nora.rotate(-0.25)
        nora.output(plugwire.OutputType.ROTATE, 0.5, feature=1)
        assert nora.battery() == 0.64
        assert nora.read(plugwire.InputType.BATTERY) == 64
        nora.stop()
        assert writes_text(client.simulation.writes(NORA)) == [
            "Vibrate:10;",
            "RotateChange;",
            "Rotate:5;",
            "RotateChange;",
            "Rotate:10;",
            "Battery;",
            "Battery;",
            "Vibrate:0;",
            "Rotate:0;",
        ]

        lush = client.wait_for_device("Lovense Lush", timeout=10)
        lush.vibrate(1.0)
        client.stop_all()
        assert writes_text(client.simulation.writes(LUSH)) == ["Vibrate:20;", "Vibrate:0;"]
        assert sorted(d.name for d in client.devices) == ["Lovense Lush", "Lovense Nora"]
        assert client.device(lush.index).name == "Lovense Lush"

        # Events since the client was created, in order.
        kinds = []
        while (event := client.next_event(timeout=0.5)) is not None:
            kinds.append(type(event).__name__)
        # Simulated toys never finish a scan (as in the reference): no ScanningFinished.
        assert kinds.count("DeviceAdded") == 2 and "ScanningFinished" not in kinds

        with pytest.raises(plugwire.InvalidArgumentError):
            lush.vibrate(2.0)
        with pytest.raises(TypeError):
            lush.vibrate("fast")  # type: ignore[arg-type]
        with pytest.raises(plugwire.ServerError):
            lush.subscribe(plugwire.InputType.BATTERY)
        with pytest.raises(TimeoutError):
            client.wait_for_device("Lovense Max", timeout=0.2)

        address = client.simulation.add_device("LVS-Max")
        devices = client.scan(timeout=10, count=3)
        max_ = next(d for d in devices if d.name == "Lovense Max")
        max_.constrict(1.0)
        assert writes_text(client.simulation.writes(address)) == ["Air:Level:3;"]
        client.disconnect()
        assert not client.connected
    assert client.closed
    assert client.next_event(timeout=0.1) is None
    with pytest.raises(plugwire.ClientClosedError):
        lush.vibrate(0.5)
    assert _native.live_clients() == 0


def test_sync_errors_before_connecting() -> None:
    with plugwire.sync.Client() as client:
        with pytest.raises(plugwire.NotConnectedError):
            client.start_scanning()


def test_sync_client_garbage_collected() -> None:
    before = threading.active_count()

    def forget() -> None:
        client = plugwire.sync.Client("forgotten")
        client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"])
        assert _native.live_clients() == 1

    forget()
    gc.collect()
    assert _native.live_clients() == 0
    assert threading.active_count() <= before


def test_many_sync_clients() -> None:
    for i in range(20):
        with plugwire.sync.Client(f"sync {i}") as client:
            client.connect_embedded(simulated=True)
    assert _native.live_clients() == 0
