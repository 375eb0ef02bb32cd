"""Enums and dataclasses: devices, features, events, simulated-device records."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Union

from ._proto import plugwire_pb2 as pb

if TYPE_CHECKING:
    from .client import Device
    from .errors import PlugwireError


class OutputType(enum.IntEnum):
    """What an output feature does (``plugwire.v1.OutputType``)."""

    VIBRATE = 1
    ROTATE = 2
    OSCILLATE = 3
    CONSTRICT = 4
    SPRAY = 5
    TEMPERATURE = 6
    LED = 7
    POSITION = 8
    HW_POSITION_WITH_DURATION = 9


class InputType(enum.IntEnum):
    """What an input feature reads (``plugwire.v1.InputType``)."""

    BATTERY = 1
    RSSI = 2
    BUTTON = 3
    PRESSURE = 4
    DEPTH = 5
    POSITION = 6


class InputCommand(enum.IntEnum):
    """What can be done with an input (``plugwire.v1.InputCommand``)."""

    READ = 1
    SUBSCRIBE = 2
    UNSUBSCRIBE = 3


class RecordKind(enum.IntEnum):
    """What a simulated device saw (``plugwire.v1.RecordKind``)."""

    UNSPECIFIED = 0
    WRITE = 1
    READ = 2
    SUBSCRIBE = 3
    UNSUBSCRIBE = 4


class WriteFault(enum.IntEnum):
    """How a simulated device's writes misbehave (``plugwire.v1.WriteFault``)."""

    NONE = 0  #: writes succeed (heals a fault)
    FAIL = 1  #: every write fails; the toy receives nothing
    HANG = 2  #: every write never completes (the hardware timeout ends it)
    DELAY = 3  #: every write completes after ``delay_ms``


def _enum(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Range:
    """An inclusive ``[min, max]`` range."""

    min: int
    max: int

    @classmethod
    def _from_pb(cls, r: pb.Range) -> Range:
        return cls(r.min, r.max)


@dataclass(frozen=True)
class Output:
    """One output of a feature: its type and the step range the device accepts
    (e.g. 0..20, or -20..20 for a rotation with direction)."""

    type: OutputType
    min: int
    max: int
    #: For timed position moves, the duration range in milliseconds.
    duration: Optional[Range] = None

    @property
    def steps(self) -> int:
        """How many steps the output has above zero (``max``)."""
        return self.max

    @classmethod
    def _from_pb(cls, o: pb.Output) -> Output:
        return cls(
            type=_enum(OutputType, o.type),
            min=o.min,
            max=o.max,
            duration=Range._from_pb(o.duration) if o.HasField("duration") else None,
        )


@dataclass(frozen=True)
class Input:
    """One input of a feature: its type, value ranges and the commands it accepts."""

    type: InputType
    ranges: tuple[Range, ...]
    commands: frozenset[InputCommand]

    @property
    def can_read(self) -> bool:
        return InputCommand.READ in self.commands

    @property
    def can_subscribe(self) -> bool:
        return InputCommand.SUBSCRIBE in self.commands

    @classmethod
    def _from_pb(cls, i: pb.Input) -> Input:
        return cls(
            type=_enum(InputType, i.type),
            ranges=tuple(Range._from_pb(r) for r in i.ranges),
            commands=frozenset(_enum(InputCommand, c) for c in i.commands),
        )


@dataclass(frozen=True)
class Feature:
    """A feature of a device: an index, a description, its outputs and inputs."""

    index: int
    description: str
    outputs: tuple[Output, ...]
    inputs: tuple[Input, ...]

    def output(self, output_type: OutputType) -> Optional[Output]:
        """This feature's output of that type, if any."""
        return next((o for o in self.outputs if o.type == output_type), None)

    def input(self, input_type: InputType) -> Optional[Input]:
        """This feature's input of that type, if any."""
        return next((i for i in self.inputs if i.type == input_type), None)

    @classmethod
    def _from_pb(cls, f: pb.Feature) -> Feature:
        return cls(
            index=f.index,
            description=f.description,
            outputs=tuple(Output._from_pb(o) for o in f.outputs),
            inputs=tuple(Input._from_pb(i) for i in f.inputs),
        )


@dataclass(frozen=True)
class DeviceInfo:
    """What the server says about a device."""

    index: int
    name: str
    #: The name a user configuration gave the device, or None.
    display_name: Optional[str]
    message_gap_ms: int
    features: tuple[Feature, ...]

    @classmethod
    def _from_pb(cls, d: pb.Device) -> DeviceInfo:
        return cls(
            index=d.index,
            name=d.name,
            display_name=d.display_name or None,
            message_gap_ms=d.message_gap_ms,
            features=tuple(Feature._from_pb(f) for f in d.features),
        )


def _script_bytes(value: Union[bytes, str]) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


@dataclass(frozen=True)
class ScriptRule:
    """A rule a simulated toy answers by: when the host writes ``write`` (bytes or text)
    to ``endpoint`` (or bytes starting with it, with ``prefix=True``), or subscribes to
    ``endpoint`` (``on_subscribe=True``), the toy sends ``notify`` on ``reply_endpoint``
    (delivered when subscribed, as on BLE) and/or queues ``queue_read`` for the next read
    of ``reply_endpoint``."""

    endpoint: str
    write: Union[bytes, str] = b""
    prefix: bool = False
    on_subscribe: bool = False
    reply_endpoint: str = "rx"
    notify: Optional[Union[bytes, str]] = None
    queue_read: Optional[Union[bytes, str]] = None

    def _to_pb(self) -> pb.ScriptRule:
        rule = pb.ScriptRule()
        if self.on_subscribe:
            rule.subscribe = self.endpoint
        else:
            rule.write.CopyFrom(
                pb.ScriptWrite(endpoint=self.endpoint, bytes=_script_bytes(self.write), prefix=self.prefix)
            )
        if self.notify is not None:
            rule.then.add().notify.CopyFrom(
                pb.EndpointBytes(endpoint=self.reply_endpoint, bytes=_script_bytes(self.notify))
            )
        if self.queue_read is not None:
            rule.then.add().queue_read.CopyFrom(
                pb.EndpointBytes(endpoint=self.reply_endpoint, bytes=_script_bytes(self.queue_read))
            )
        return rule


@dataclass(frozen=True)
class SimulatedDevice:
    """A simulated toy to create (``connect_embedded(simulated=[...])`` also takes plain
    names, and ``"NAME@ADDRESS"``)."""

    #: Advertised name, e.g. ``"LVS-Nora"``.
    name: str
    #: BLE-like address; generated when empty.
    address: str = ""
    #: Model identifier the toy reports during identification; from the name when empty.
    model: str = ""
    #: Battery level in percent the toy reports, or None for the protocol's default.
    battery_level: Optional[int] = None
    #: Present as a serial port of this name instead of a BLE advertisement.
    serial_port: str = ""
    #: Firmware version the toy reports where its protocol asks (Lovense), or None.
    firmware: Optional[int] = None
    #: A secret the toy hands out or expects in its handshake (Lelo pairing token,
    #: HoneyPlayBox key); empty: the protocol's default.
    key: bytes = b""
    #: Rules the toy answers by, checked before its built-in answers.
    script: tuple[ScriptRule, ...] = ()
    #: Switches the built-in answers off: only ``script`` speaks for the toy.
    builtin_responder: bool = True

    @classmethod
    def parse(cls, spec: Union[str, SimulatedDevice]) -> SimulatedDevice:
        """``"LVS-Lush"`` or ``"LVS-Lush@AA:BB:CC:DD:EE:FF"`` (or a SimulatedDevice)."""
        if isinstance(spec, SimulatedDevice):
            return spec
        if not isinstance(spec, str):
            raise TypeError(
                f"a simulated device is a name string or a SimulatedDevice, not {type(spec).__name__}"
            )
        name, sep, address = spec.partition("@")
        if not name:
            raise ValueError(f"simulated device {spec!r} has no name")
        return cls(name=name, address=address if sep else "")

    def _to_pb(self) -> pb.SimulatedDevice:
        d = pb.SimulatedDevice(
            name=self.name, address=self.address, model=self.model, serial_port=self.serial_port
        )
        if self.battery_level is not None:
            d.battery_level = self.battery_level
        if self.firmware is not None:
            d.firmware = self.firmware
        d.key = bytes(self.key)
        d.script.extend(rule._to_pb() for rule in self.script)
        d.no_builtin_responder = not self.builtin_responder
        return d


@dataclass(frozen=True)
class WriteRecord:
    """One thing a simulated device saw: a write, read, subscribe or unsubscribe."""

    kind: RecordKind
    endpoint: str
    data: bytes
    with_response: bool
    #: Microseconds since the simulated device was created.
    at_us: int

    @property
    def text(self) -> str:
        """The data as text (Lovense and other text protocols)."""
        return self.data.decode("utf-8", errors="replace")

    @classmethod
    def _from_pb(cls, r: pb.WriteRecord) -> WriteRecord:
        return cls(
            kind=_enum(RecordKind, r.kind),
            endpoint=r.endpoint,
            data=bytes(r.data),
            with_response=r.with_response,
            at_us=r.at_us,
        )


# ------------------------------------------------------------------------------ events


@dataclass(frozen=True)
class Event:
    """Base class of the events ``Client.events()`` yields."""


@dataclass(frozen=True)
class DeviceAdded(Event):
    device: Device


@dataclass(frozen=True)
class DeviceRemoved(Event):
    index: int
    name: str
    #: The device object that was removed, if the client knew it.
    device: Optional[Device] = None


@dataclass(frozen=True)
class ScanningFinished(Event):
    """Every manager that scans in rounds (serial) finished its round. Never sent for
    simulated toys or devices on a websocket, nor after ``stop_scanning`` (as in the
    reference server)."""


@dataclass(frozen=True)
class InputReading(Event):
    """A reading from a subscribed input (also the result of ``Device.read``)."""

    device_index: int
    feature_index: int
    input: InputType
    value: int
    device: Optional[Device] = field(default=None, compare=False)


@dataclass(frozen=True)
class ServerDisconnected(Event):
    pass


@dataclass(frozen=True)
class PingTimeout(Event):
    pass


@dataclass(frozen=True)
class ErrorEvent(Event):
    """An error the server sent outside any request."""

    error: PlugwireError


__all__ = [
    "DeviceAdded",
    "DeviceInfo",
    "DeviceRemoved",
    "ErrorEvent",
    "Event",
    "Feature",
    "Input",
    "InputCommand",
    "InputReading",
    "InputType",
    "Output",
    "OutputType",
    "PingTimeout",
    "Range",
    "RecordKind",
    "ScanningFinished",
    "ServerDisconnected",
    "SimulatedDevice",
    "WriteRecord",
]
