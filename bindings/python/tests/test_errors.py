"""Errors: every ABI error code the tests can provoke comes back as its exception class;
malformed use (wrong types, unknown devices) raises clear errors before or after the
library sees it."""

from __future__ import annotations

import builtins
import math
from typing import Any

import pytest

import plugwire
from plugwire import ErrorCategory, ErrorCode, InputType, OutputType
from plugwire._proto import plugwire_pb2 as pb
from plugwire.errors import Status, error_from_reply, error_from_status

from conftest import LUSH, NORA, eventually


async def raises(exc: type[BaseException], awaitable: Any, match: str = "") -> BaseException:
    try:
        await awaitable
    except exc as e:
        assert match.lower() in str(e).lower(), f"{e!r} does not mention {match!r}"
        return e
    raise AssertionError(f"expected {exc.__name__}")


async def session(*specs: str) -> tuple[plugwire.Client, plugwire.Device]:
    client = plugwire.Client("errors")
    await client.__aenter__()
    await client.connect_embedded(simulated=list(specs), default_message_gap_ms=0)
    await client.scan(timeout=10, count=len(specs))
    return client, await client.wait_for_device()


def test_error_classes_by_code_and_category() -> None:
    expected = {
        ErrorCode.INVALID_REQUEST: plugwire.InvalidRequestError,
        ErrorCode.NOT_CONNECTED: plugwire.NotConnectedError,
        ErrorCode.ALREADY_CONNECTED: plugwire.AlreadyConnectedError,
        ErrorCode.CONNECTION_FAILED: plugwire.ConnectionFailedError,
        ErrorCode.INVALID_ARGUMENT: plugwire.InvalidArgumentError,
        ErrorCode.UNKNOWN_DEVICE: plugwire.UnknownDeviceError,
        ErrorCode.NO_SIMULATED_HARDWARE: plugwire.NoSimulatedHardwareError,
        ErrorCode.UNSUPPORTED: plugwire.UnsupportedError,
        ErrorCode.CONFIGURATION: plugwire.ConfigurationError,
        ErrorCode.SERVER_UNKNOWN: plugwire.ServerUnknownError,
        ErrorCode.SERVER_HANDSHAKE: plugwire.HandshakeError,
        ErrorCode.SERVER_PING: plugwire.PingError,
        ErrorCode.SERVER_MESSAGE: plugwire.MessageError,
        ErrorCode.SERVER_DEVICE: plugwire.DeviceError,
    }
    for code, cls in expected.items():
        e = error_from_reply(code, ErrorCategory.REQUEST, "boom")
        assert type(e) is cls and e.code is code and isinstance(e, plugwire.PlugwireError)
    for cls in (plugwire.ServerUnknownError, plugwire.HandshakeError, plugwire.PingError, plugwire.MessageError, plugwire.DeviceError):
        assert issubclass(cls, plugwire.ServerError)
    for cls in (plugwire.NotConnectedError, plugwire.ConnectionFailedError, plugwire.ClientClosedError):
        assert issubclass(cls, plugwire.ConnectionError)
    assert issubclass(plugwire.InvalidArgumentError, ValueError)
    assert issubclass(plugwire.UnknownDeviceError, LookupError)
    # A code this binding does not know yet still gets a class by its category.
    assert type(error_from_reply(99, ErrorCategory.DEVICE, "new")) is plugwire.DeviceError
    assert type(error_from_reply(99, ErrorCategory.CONNECTION, "new")) is plugwire.ConnectionError
    assert type(error_from_reply(99, 42, "new")) is plugwire.PlugwireError
    assert type(error_from_status(Status.CLIENT_CLOSED, "")) is plugwire.ClientClosedError
    e = error_from_status(Status.PANIC, "oops")
    assert type(e) is plugwire.NativeError and e.status is Status.PANIC and "PANIC" in str(e)
    assert "[UNKNOWN_DEVICE]" in str(error_from_reply(6, 1, "no device at index 9"))


async def test_not_connected() -> None:
    async with plugwire.Client() as client:
        e = await raises(plugwire.NotConnectedError, client.start_scanning())
        assert e.category is ErrorCategory.CONNECTION
        await raises(plugwire.NotConnectedError, client.stop_all())
        await raises(plugwire.NotConnectedError, client.simulation.write_log(LUSH))


async def test_connection_refusals() -> None:
    async with plugwire.Client() as client:
        await raises(plugwire.ConfigurationError, client.connect_embedded(simulated=True, device_config="{not json"))
        await raises(plugwire.ConfigurationError, client.connect_embedded(simulated=True, user_config="{oops"))
        await raises(plugwire.ConnectionFailedError, client.connect_websocket("ws://127.0.0.1:9"))
        assert not client.connected
        # Still usable after the refusals.
        await client.connect_embedded(simulated=True)
        assert client.connected
        await raises(plugwire.AlreadyConnectedError, client.connect_embedded(simulated=True), "already connected")
        await raises(plugwire.AlreadyConnectedError, client.connect_websocket("ws://127.0.0.1:9"))


async def test_serial_manager_is_available() -> None:
    # Serial ports come from the device/user config; with none named, nothing is found.
    async with plugwire.Client() as client:
        await client.connect_embedded(serial=True)
        assert client.connected
        await client.scan(timeout=5)
        assert client.devices == []


async def test_no_simulated_hardware_and_unknown_simulated_device() -> None:
    async with plugwire.Client() as client:
        await client.connect_embedded()
        await raises(plugwire.NoSimulatedHardwareError, client.simulation.write_log(LUSH))
    async with plugwire.Client() as client:
        await client.connect_embedded(simulated=True)
        e = await raises(plugwire.UnknownDeviceError, client.simulation.notify("nope", "rx", b"\x01"), "nope")
        assert isinstance(e, LookupError)
        await raises(plugwire.UnknownDeviceError, client.simulation.drop("nope"))
        await raises(plugwire.UnknownDeviceError, client.simulation.restore("nope"))
        await client.simulation.add_device(f"LVS-Lush@{LUSH}")
        await raises(plugwire.InvalidArgumentError, client.simulation.notify(LUSH, "no-such-endpoint", b"x"), "endpoint")


async def test_server_side_errors() -> None:
    client, lush = await session(f"LVS-Lush@{LUSH}")
    try:
        # Out of range: refused before it reaches the toy.
        e = await raises(plugwire.InvalidArgumentError, lush.vibrate(1.5))
        assert e.code is ErrorCode.INVALID_ARGUMENT
        await raises(plugwire.InvalidArgumentError, lush.vibrate(steps=21))
        # A feature that has no such output or input: the server refuses.
        e = await raises(plugwire.ServerError, lush.read(InputType.BATTERY, feature=0))
        assert isinstance(e, plugwire.DeviceError) and e.code is ErrorCode.SERVER_DEVICE
        e = await raises(plugwire.PlugwireError, lush.output(OutputType.VIBRATE, 0.5, feature=7))
        assert isinstance(e, (plugwire.InvalidArgumentError, plugwire.ServerError)), repr(e)
        # The ping watchdog is off: the server refuses pings.
        e = await raises(plugwire.PingError, client.ping())
        assert e.code is ErrorCode.SERVER_PING
        # Nothing reached the toy.
        assert [w for w in await client.simulation.writes(LUSH) if w != b"DeviceType;"] == []
    finally:
        client.close()


async def test_subscribing_to_a_read_only_input_is_refused() -> None:
    client, lush = await session(f"LVS-Lush@{LUSH}")
    try:
        battery = lush.features_with_input(InputType.BATTERY)[0].input(InputType.BATTERY)
        assert battery is not None and not battery.can_subscribe
        e = await raises(plugwire.ServerError, lush.subscribe(InputType.BATTERY))
        assert e.code in (ErrorCode.SERVER_MESSAGE, ErrorCode.SERVER_DEVICE), repr(e)
        await raises(plugwire.ServerError, lush.unsubscribe(InputType.BATTERY))
    finally:
        client.close()


async def test_unknown_device() -> None:
    client, lush = await session(f"LVS-Lush@{LUSH}")
    try:
        with pytest.raises(plugwire.UnknownDeviceError, match="index 42"):
            client.device(42)
        await client.simulation.drop(LUSH)
        # Right after the drop the server may answer first (a DeviceError); once the
        # removal reached the client, the library itself says the device is unknown.
        await eventually(lambda: client.devices == [])
        await raises(plugwire.UnknownDeviceError, lush.vibrate(0.5), f"index {lush.index}")
        # Stop goes straight to the server, which names the device error.
        e = await raises(plugwire.PlugwireError, lush.stop(), "no device")
        assert isinstance(e, (plugwire.UnknownDeviceError, plugwire.DeviceError)), repr(e)
    finally:
        client.close()


async def test_missing_features_are_named() -> None:
    client, lush = await session(f"LVS-Lush@{LUSH}")
    try:
        e = await raises(plugwire.FeatureNotFoundError, lush.rotate(0.5), "no rotate output")
        assert isinstance(e, plugwire.InvalidArgumentError)
        await raises(plugwire.FeatureNotFoundError, lush.position(0.5, duration_ms=100), "hw_position_with_duration")
        await raises(plugwire.FeatureNotFoundError, lush.read(InputType.PRESSURE), "no pressure input")
    finally:
        client.close()


async def test_wrong_types_and_values() -> None:
    client, lush = await session(f"LVS-Lush@{LUSH}")
    try:
        bad_calls = [
            (TypeError, lambda: lush.vibrate("0.5"), "must be int or float, not str"),  # type: ignore[arg-type]
            (TypeError, lambda: lush.vibrate(True), "not bool"),
            (TypeError, lambda: lush.vibrate(None), "exactly one"),
            (TypeError, lambda: lush.vibrate(0.5, steps=3), "exactly one"),
            (TypeError, lambda: lush.vibrate(steps=2.5), "steps must be int"),  # type: ignore[arg-type]
            (ValueError, lambda: lush.vibrate(math.nan), "finite"),
            (ValueError, lambda: lush.vibrate(math.inf), "finite"),
            (TypeError, lambda: lush.vibrate(0.5, feature="0"), "feature must be int"),  # type: ignore[arg-type]
            (ValueError, lambda: lush.vibrate(0.5, feature=-1), "feature must be between"),
            (ValueError, lambda: lush.output("wiggle", 0.5), "unknown output type 'wiggle'"),
            (ValueError, lambda: lush.output(99, 0.5), "unknown output type 99"),
            (TypeError, lambda: lush.output(1.5, 0.5), "must be a OutputType"),  # type: ignore[arg-type]
            (ValueError, lambda: lush.read("smell"), "unknown input type"),
            (TypeError, lambda: lush.position(0.5, duration_ms="fast"), "duration_ms must be int"),  # type: ignore[arg-type]
            (TypeError, lambda: client.simulation.notify(LUSH, "rx", "text"), "data must be bytes"),  # type: ignore[arg-type]
            (TypeError, lambda: client.simulation.add_device(42), "simulated device"),  # type: ignore[arg-type]
            (TypeError, lambda: client.connect_websocket(b"ws://x"), "url must be str"),  # type: ignore[arg-type]
            (TypeError, lambda: client.connect_embedded(simulated=[1]), "simulated device"),  # type: ignore[list-item]
            (TypeError, lambda: client.connect_embedded(bluetooth="yes"), "bluetooth must be bool"),  # type: ignore[arg-type]
            (TypeError, lambda: client.connect_embedded(device_config=42), "device_config"),  # type: ignore[arg-type]
            (TypeError, lambda: client.wait_for_device(3), "name must be str"),  # type: ignore[arg-type]
        ]
        for exc, call, message in bad_calls:
            try:
                await call()
            except exc as e:
                assert message in str(e), f"{e!r} should mention {message!r}"
            else:
                raise AssertionError(f"{message}: no {exc.__name__}")
        with pytest.raises(TypeError, match="device index must be int"):
            client.device("0")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="client name must be str"):
            plugwire.Client(3)  # type: ignore[arg-type]
        # None of that reached the toy, and the session still works.
        await lush.vibrate(0.5)
        assert [w for w in await client.simulation.writes(LUSH) if w != b"DeviceType;"] == [b"Vibrate:10;"]
    finally:
        client.close()


async def test_closed_client_refuses_requests() -> None:
    client, lush = await session(f"LVS-Nora@{NORA}")
    client.close()
    assert client.closed and not client.connected
    await raises(plugwire.ClientClosedError, lush.vibrate(0.5))
    await raises(plugwire.ClientClosedError, client.connect_embedded())
    client.close()  # idempotent


def test_connection_error_is_the_builtin_connection_error() -> None:
    # Reconnect loops written against the built-in catch plugwire's connection errors.
    assert plugwire.ConnectionError is not builtins.ConnectionError
    for cls in (plugwire.ConnectionError, plugwire.NotConnectedError, plugwire.ConnectionFailedError, plugwire.ClientClosedError):
        assert issubclass(cls, builtins.ConnectionError) and issubclass(cls, plugwire.PlugwireError)
    try:
        raise error_from_reply(ErrorCode.NOT_CONNECTED, ErrorCategory.CONNECTION, "not connected")
    except builtins.ConnectionError as e:
        assert isinstance(e, plugwire.NotConnectedError)
        assert e.code is ErrorCode.NOT_CONNECTED and e.category is ErrorCategory.CONNECTION
        assert str(e) == "not connected [NOT_CONNECTED]"
    assert type(error_from_reply(ErrorCode.INTERNAL, ErrorCategory.SERVER, "bug")) is plugwire.InternalError


async def test_errors_raised_by_the_binding_carry_the_library_codes() -> None:
    client, lush = await session(f"LVS-Lush@{LUSH}")
    try:
        # An unknown device: the binding's own check and the library agree.
        with pytest.raises(plugwire.UnknownDeviceError) as own:
            client.device(42)
        library = await raises(
            plugwire.UnknownDeviceError,
            client._request(device_output=pb.DeviceOutput(device_index=42, feature_index=0, output=OutputType.VIBRATE, fraction=0.5)),
        )
        assert own.value.code is library.code is ErrorCode.UNKNOWN_DEVICE
        assert own.value.category is library.category is ErrorCategory.REQUEST
        # A feature the device does not have: the same again.
        own_feature = await raises(plugwire.FeatureNotFoundError, lush.rotate(0.5))
        library = await raises(
            plugwire.InvalidArgumentError,
            client._request(device_input=pb.DeviceInput(device_index=lush.index, feature_index=9, input=InputType.BATTERY, command=1)),
        )
        assert own_feature.code is library.code is ErrorCode.INVALID_ARGUMENT
        assert own_feature.category is library.category
        # After disconnecting, device requests are "not connected", a built-in ConnectionError.
        await client.disconnect()
        for request in (lush.vibrate(0.5), lush.stop(), lush.battery()):
            e = await raises(builtins.ConnectionError, request)
            assert isinstance(e, plugwire.NotConnectedError) and e.code is ErrorCode.NOT_CONNECTED, repr(e)
    finally:
        client.close()
