"""plugwire: the Buttplug intimate-hardware control standard, from Python.

An asyncio client over the plugwire C library (loaded with ctypes; everything heavy runs
in the Rust core)::

    import asyncio, plugwire

    async def main():
        async with plugwire.Client("My App") as client:
            await client.connect_embedded(simulated=["LVS-Lush"])
            await client.start_scanning()
            device = await client.wait_for_device()
            await device.vibrate(0.5)
            print(await device.battery())

    asyncio.run(main())

``plugwire.sync`` has a blocking facade for plain scripts. The library is looked up in
``$PLUGWIRE_LIBRARY``, then in this package, then in ``release`` and ``debug`` under
``$CARGO_TARGET_DIR`` and the source checkout's ``target``.
"""

from __future__ import annotations

from pathlib import Path

from . import _native
from .client import Client, Closing, Device, EventStream, Simulation
from .errors import (
    AlreadyConnectedError,
    ClientClosedError,
    ConfigurationError,
    ConnectionError,
    ConnectionFailedError,
    DeviceError,
    ErrorCategory,
    ErrorCode,
    FeatureNotFoundError,
    HandshakeError,
    InternalError,
    InvalidArgumentError,
    InvalidRequestError,
    LibraryNotFoundError,
    MessageError,
    NativeError,
    NoSimulatedHardwareError,
    NotConnectedError,
    PingError,
    PlaybackError,
    PlugwireError,
    ServerError,
    ServerUnknownError,
    Status,
    UnknownDeviceError,
    UnsupportedError,
)
from .playback import (
    Easing,
    Funscript,
    Interpolation,
    Keyframe,
    Pattern,
    Playback,
    PlaybackEnded,
    PlaybackEvent,
    PlaybackPosition,
    PlaybackStarted,
    PlaybackStopped,
    PlaybackTrackStopped,
    SpeedMode,
    StopReason,
    Track,
    Waveform,
)
from .types import (
    ConnectionLost,
    Reconnected,
    ServerInfo,
    DeviceAdded,
    DeviceInfo,
    DeviceRemoved,
    ErrorEvent,
    Event,
    Feature,
    Input,
    InputCommand,
    InputReading,
    InputType,
    Output,
    OutputType,
    PingTimeout,
    Range,
    RecordKind,
    ScanningFinished,
    ServerDisconnected,
    ScriptRule,
    SimulatedDevice,
    WriteFault,
    WriteRecord,
)

__version__ = "0.1.0"


def library_path() -> Path:
    """The path of the plugwire library in use (loading it if needed)."""
    return _native.library().path


def library_version() -> str:
    """The version the loaded library reports, e.g. "0.1.0"."""
    return _native.version()


def enable_native_logging(level: int = 20) -> None:
    """Sends the library's log lines to the ``plugwire.native`` logger (default INFO)."""
    _native.enable_native_logging(level)


def disable_native_logging() -> None:
    _native.disable_native_logging()


__all__ = [
    "AlreadyConnectedError",
    "Client",
    "ClientClosedError",
    "Closing",
    "ConfigurationError",
    "ConnectionError",
    "ConnectionFailedError",
    "Device",
    "DeviceAdded",
    "DeviceError",
    "DeviceInfo",
    "DeviceRemoved",
    "ErrorCategory",
    "ErrorCode",
    "ErrorEvent",
    "Event",
    "EventStream",
    "Feature",
    "FeatureNotFoundError",
    "HandshakeError",
    "Input",
    "InputCommand",
    "InputReading",
    "InputType",
    "InternalError",
    "InvalidArgumentError",
    "InvalidRequestError",
    "LibraryNotFoundError",
    "MessageError",
    "NativeError",
    "NoSimulatedHardwareError",
    "NotConnectedError",
    "Output",
    "OutputType",
    "PingError",
    "PingTimeout",
    # playback
    "Easing",
    "Funscript",
    "Interpolation",
    "Keyframe",
    "Pattern",
    "Playback",
    "PlaybackEnded",
    "PlaybackError",
    "PlaybackEvent",
    "PlaybackPosition",
    "PlaybackStarted",
    "PlaybackStopped",
    "PlaybackTrackStopped",
    "SpeedMode",
    "StopReason",
    "Track",
    "Waveform",
    "ConnectionLost",
    "Reconnected",
    "ServerInfo",
    "PlugwireError",
    "Range",
    "RecordKind",
    "ScanningFinished",
    "ServerDisconnected",
    "ServerError",
    "ServerUnknownError",
    "ScriptRule",
    "SimulatedDevice",
    "Simulation",
    "Status",
    "UnknownDeviceError",
    "UnsupportedError",
    "WriteFault",
    "WriteRecord",
    "disable_native_logging",
    "enable_native_logging",
    "library_path",
    "library_version",
]
