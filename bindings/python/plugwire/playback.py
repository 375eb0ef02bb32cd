"""Playback: funscripts and patterns played by the library on device outputs.

The player runs inside the library (next to the device tasks of an embedded server): it
keeps time, interpolates and writes each slot like any other command, and every stop of
a device (``Device.stop``, ``Client.stop_all``, a disconnect, closing the client) ends the
playback of that device in the same step. A command to an output under playback is refused
(:class:`plugwire.ServerError`, "under playback") until the playback ends::

    playback = await lush.play(plugwire.Pattern("sine", period_ms=2000), output="vibrate")
    await asyncio.sleep(5)
    await playback.set_rate(2.0)
    await playback.stop()

    script = plugwire.Funscript(Path("clip.funscript"))
    playback = await client.play(
        plugwire.Track(launch, script, output="hw_position_with_duration", latency_ms=40),
        plugwire.Track(lush, script, output="vibrate", speed_mode="movement"),
    )
    async for event in playback.events():
        print(event)        # PlaybackStarted, PlaybackPosition, ..., PlaybackEnded

Over ``connect_websocket`` the same player runs in the library and writes each slot as an
output command to the server; the stops this client sends, its disconnect and the link
dropping end the playback in the same step, and timing includes the network.
"""

from __future__ import annotations

import asyncio
import enum
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator, Mapping, Optional, Sequence, Union, cast

from . import client as _client  # partly initialised here: used at call time only
from ._proto import plugwire_pb2 as pb
from .errors import ClientClosedError, PlugwireError
from .types import Event, OutputType

if TYPE_CHECKING:
    from .client import Client, Device


class Interpolation(enum.IntEnum):
    """How a funscript is sampled between its actions."""

    LINEAR = 0
    PCHIP = 1  #: monotone cubic: never overshoots an action
    STEP = 2


class SpeedMode(enum.IntEnum):
    """What speed-like outputs (vibrate, rotate, oscillate, constrict) get."""

    DIRECT = 0  #: the value itself
    MOVEMENT = 1  #: the speed of the source's movement


class Waveform(enum.IntEnum):
    SINE = 1
    SQUARE = 2
    SAW = 3
    TRIANGLE = 4
    PULSE = 5
    RANDOM_WALK = 6
    KEYFRAMES = 7


class Easing(enum.IntEnum):
    """The curve from a keyframe to the next."""

    LINEAR = 0
    EASE_IN = 1
    EASE_OUT = 2
    EASE_IN_OUT = 3
    HOLD = 4


class StopReason(enum.IntEnum):
    UNSPECIFIED = 0
    REQUESTED = 1  #: ``Playback.stop()``, or the client went away
    DEVICE_STOPPED = 2  #: a stop of the device: stop, stop_all, a session ending
    DEVICE_REMOVED = 3
    WRITE_FAILED = 4


def _enum(cls: Any, value: Any, what: str) -> Any:
    return _client._enum_arg(cls, value, what)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a number, not bool")
    return _client._fraction(value, what)


def _reason(value: int) -> Union[StopReason, int]:
    try:
        return StopReason(value)
    except ValueError:
        return value


# ------------------------------------------------------------------------------ sources


FunscriptText = Union[str, bytes, "os.PathLike[str]", Mapping[str, Any]]


@dataclass(frozen=True)
class Funscript:
    """One axis of a funscript. ``script`` is the JSON text, a mapping, bytes or a path
    (a ``str`` not starting with ``{`` is a path); ``axis`` a TCode axis (L0-L2, R0-R2,
    V0-V2, A0-A2) or alias (stroke, twist, vib, ...), empty for L0. Parsing happens in
    the library: an unusable file fails the start with :class:`InvalidArgumentError`
    naming the place."""

    script: FunscriptText
    axis: str = ""
    interpolation: Union[Interpolation, str] = Interpolation.LINEAR

    def text(self) -> str:
        return _client._config_text(self.script, "a funscript")

    def _to_pb(self) -> pb.PlaybackFunscriptAxis:
        if not isinstance(self.axis, str):
            raise TypeError(f"axis must be a str, not {type(self.axis).__name__}")
        return pb.PlaybackFunscriptAxis(
            json=self.text(),
            axis=self.axis,
            interpolation=cast(Any, int(_enum(Interpolation, self.interpolation, "interpolation"))),
        )


@dataclass(frozen=True)
class Keyframe:
    """A keyframe of a keyframe pattern: ``value`` (0..1) at ``at_ms``, reached from the
    previous keyframe along ``easing``."""

    at_ms: float
    value: float
    easing: Union[Easing, str] = Easing.LINEAR


@dataclass(frozen=True)
class Pattern:
    """A generated waveform (``sine``, ``square``, ``saw``, ``triangle``, ``pulse`` with
    ``duty``, ``random_walk`` with ``seed`` and ``step``) of ``period_ms``, or keyframes
    (``Pattern.from_keyframes``). Loops unless ``once``; ``amplitude`` scales the value,
    ``time_scale`` the speed (2 plays twice as fast)."""

    waveform: Union[Waveform, str]
    period_ms: float = 1000.0
    duty: float = 0.5
    seed: int = 0
    step: float = 0.0
    keyframes: Sequence[Keyframe] = ()
    once: bool = False
    amplitude: float = 1.0
    time_scale: float = 1.0

    @classmethod
    def from_keyframes(cls, *keyframes: Union[Keyframe, tuple[Any, ...]], once: bool = False, amplitude: float = 1.0, time_scale: float = 1.0) -> Pattern:
        """``Pattern.from_keyframes((0, 0.0), (500, 1.0, "ease_out"), (1000, 0.0))``."""
        frames = tuple(k if isinstance(k, Keyframe) else Keyframe(*k) for k in keyframes)
        return cls(Waveform.KEYFRAMES, keyframes=frames, once=once, amplitude=amplitude, time_scale=time_scale)

    def _to_pb(self) -> pb.PlaybackPattern:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**64:
            raise ValueError(f"seed must be an int in 0..2**64, not {self.seed!r}")
        return pb.PlaybackPattern(
            waveform=cast(Any, int(_enum(Waveform, self.waveform, "waveform"))),
            period_ms=_number(self.period_ms, "period_ms"),
            duty=_number(self.duty, "duty"),
            seed=self.seed,
            step=_number(self.step, "step"),
            keyframes=[
                pb.PlaybackKeyframe(
                    at_ms=_number(k.at_ms, "keyframe at_ms"),
                    value=_number(k.value, "keyframe value"),
                    easing=cast(Any, int(_enum(Easing, k.easing, "easing"))),
                )
                for k in self.keyframes
            ],
            once=bool(self.once),
            amplitude=_number(self.amplitude, "amplitude"),
            time_scale=_number(self.time_scale, "time_scale"),
        )


Source = Union[Funscript, Pattern]


@dataclass(frozen=True)
class Track:
    """One source played on one output of a device. ``feature`` defaults to the device's
    first feature with ``output``; ``output`` defaults to the device's first output when
    the device object is given. ``range`` is the part of the output used, as fractions;
    ``scale`` a gain; ``latency_ms`` how early this device is told."""

    device: Union[Device, int]
    source: Source
    output: Optional[Union[OutputType, str]] = None
    feature: Optional[int] = None
    range: tuple[float, float] = (0.0, 1.0)
    invert: bool = False
    scale: float = 1.0
    speed_mode: Union[SpeedMode, str] = SpeedMode.DIRECT
    latency_ms: float = 0.0

    def _to_pb(self) -> pb.PlaybackTrack:
        device = self.device
        if isinstance(device, int) and not isinstance(device, bool):
            index, known = device, None
        elif hasattr(device, "features") and hasattr(device, "index"):
            index, known = device.index, device
        else:
            raise TypeError(f"a track's device must be a Device or an index, not {type(device).__name__}")
        output: Optional[OutputType] = None
        if self.output is not None:
            output = _enum(OutputType, self.output, "output type")
        feature = self.feature
        if known is not None and (output is None or feature is None):
            candidates = [
                (f.index, o.type)
                for f in known.features
                for o in f.outputs
                if (output is None or o.type == output) and (feature is None or f.index == feature)
            ]
            if not candidates:
                what = output.name.lower() if output is not None else "playable"
                raise PlugwireError(f"{known.name} (device {index}) has no {what} output")
            feature, output = candidates[0][0], OutputType(candidates[0][1])
        if output is None or feature is None:
            raise TypeError("a track on a device index needs output= and feature=")
        if isinstance(self.source, Funscript):
            source: dict[str, Any] = {"funscript": self.source._to_pb()}
        elif isinstance(self.source, Pattern):
            source = {"pattern": self.source._to_pb()}
        else:
            raise TypeError(f"a track's source must be a Funscript or a Pattern, not {type(self.source).__name__}")
        low, high = self.range
        return pb.PlaybackTrack(
            device_index=index,
            feature_index=feature,
            output=cast(Any, int(output)),
            range_min=_number(low, "range min"),
            range_max=_number(high, "range max"),
            invert=bool(self.invert),
            scale=_number(self.scale, "scale"),
            speed_mode=cast(Any, int(_enum(SpeedMode, self.speed_mode, "speed mode"))),
            latency_ms=_number(self.latency_ms, "latency_ms"),
            **source,
        )


# ------------------------------------------------------------------------------- events


@dataclass(frozen=True)
class PlaybackEvent(Event):
    """Base class of a playback's events (also yielded by ``Client.events()``)."""

    playback_id: int


@dataclass(frozen=True)
class PlaybackStarted(PlaybackEvent):
    media_ms: float


@dataclass(frozen=True)
class PlaybackPosition(PlaybackEvent):
    """The media time, every ``position_every_ms`` (250 ms by default)."""

    media_ms: float


@dataclass(frozen=True)
class PlaybackTrackStopped(PlaybackEvent):
    """One track ended early (its device stopped, went away or failed)."""

    device_index: int
    feature_index: int
    output: Union[OutputType, int]
    reason: Union[StopReason, int]
    message: str


@dataclass(frozen=True)
class PlaybackEnded(PlaybackEvent):
    """Every track reached its end: the playback is over."""


@dataclass(frozen=True)
class PlaybackStopped(PlaybackEvent):
    """The playback stopped before its end: it is over."""

    reason: Union[StopReason, int]
    message: str


def event_from_pb(message: pb.PlaybackEvent) -> Optional[PlaybackEvent]:
    pid = message.playback_id
    kind = message.WhichOneof("kind")
    if kind == "started_ms":
        return PlaybackStarted(pid, message.started_ms)
    if kind == "position_ms":
        return PlaybackPosition(pid, message.position_ms)
    if kind == "track_stopped":
        t = message.track_stopped
        try:
            output: Union[OutputType, int] = OutputType(t.output)
        except ValueError:
            output = t.output
        return PlaybackTrackStopped(pid, t.device_index, t.feature_index, output, _reason(t.reason), t.message)
    if kind == "ended":
        return PlaybackEnded(pid)
    if kind == "stopped":
        return PlaybackStopped(pid, _reason(message.stopped.reason), message.stopped.message)
    return None


# ----------------------------------------------------------------------------- playback

_END = object()
#: Events of playbacks whose start reply has not arrived yet are kept (events and replies
#: reach the loop in either order); a bound keeps a misbehaving library from growing it.
_PENDING_LIMIT = 1024


class Playback:
    """A running playback; control it with its coroutines, follow it with ``events()``
    or ``wait()``. Obtain one from ``Client.play``, ``Client.play_funscript`` or
    ``Device.play``."""

    def __init__(self, client: Client, playback_id: int) -> None:
        self._client = client
        self.id = playback_id
        self._history: list[PlaybackEvent] = []
        self._queues: list[asyncio.Queue[Any]] = []
        self._final: Optional[Union[PlaybackEnded, PlaybackStopped]] = None
        self._closed_error: Optional[BaseException] = None
        self._waiters: list[asyncio.Future[Union[PlaybackEnded, PlaybackStopped]]] = []

    def __repr__(self) -> str:
        state = "running" if self._final is None else type(self._final).__name__
        return f"<plugwire.Playback {self.id} {state}>"

    @property
    def finished(self) -> bool:
        """True once the playback ended or stopped (or its client closed)."""
        return self._final is not None or self._closed_error is not None

    @property
    def result(self) -> Optional[Union[PlaybackEnded, PlaybackStopped]]:
        """The final event, once there is one."""
        return self._final

    def _deliver(self, event: PlaybackEvent) -> None:
        self._history.append(event)
        for q in self._queues:
            q.put_nowait(event)
        if isinstance(event, (PlaybackEnded, PlaybackStopped)):
            self._final = event
            self._finish()

    def _close(self, error: BaseException) -> None:
        if self._final is None and self._closed_error is None:
            self._closed_error = error
            self._finish()

    def _finish(self) -> None:
        for q in self._queues:
            q.put_nowait(_END)
        for fut in self._waiters:
            if fut.done():
                continue
            if self._final is not None:
                fut.set_result(self._final)
            else:
                fut.set_exception(cast(BaseException, self._closed_error))
        self._waiters.clear()

    async def events(self) -> AsyncIterator[PlaybackEvent]:
        """This playback's events from its start (position events included), ending
        after the final PlaybackEnded or PlaybackStopped, or when the client closes."""
        queue: asyncio.Queue[Any] = asyncio.Queue()
        for event in self._history:
            queue.put_nowait(event)
        if self.finished:
            queue.put_nowait(_END)
        self._queues.append(queue)
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                yield item
        finally:
            self._queues.remove(queue)

    async def wait(self, timeout: Optional[float] = None) -> Union[PlaybackEnded, PlaybackStopped]:
        """Waits for the end: returns the PlaybackEnded or PlaybackStopped event; raises
        ClientClosedError if the client closed first, TimeoutError after ``timeout``."""
        if self._final is not None:
            return self._final
        if self._closed_error is not None:
            raise self._closed_error
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Union[PlaybackEnded, PlaybackStopped]] = loop.create_future()
        self._waiters.append(fut)
        return await asyncio.wait_for(asyncio.shield(fut), timeout)

    async def _control(self, **action: Any) -> None:
        await self._client._request(playback_control=pb.PlaybackControl(playback_id=self.id, **action))

    async def pause(self) -> None:
        """Pauses: speed-like outputs rest at zero, positions hold."""
        await self._control(pause=pb.PlaybackPause())

    async def resume(self) -> None:
        await self._control(resume=pb.PlaybackResume())

    async def seek(self, media_ms: float) -> None:
        await self._control(seek_ms=_number(media_ms, "media_ms"))

    async def set_rate(self, rate: float) -> None:
        await self._control(rate=_number(rate, "rate"))

    async def sync(self, media_ms: float) -> None:
        """An external player is at ``media_ms`` now: small errors are slewed away (at
        most 5 % faster or slower), an error over 1 s is followed at once."""
        await self._control(sync_ms=_number(media_ms, "media_ms"))

    async def set_offset(self, offset_ms: float) -> None:
        """The global offset (positive plays ahead)."""
        await self._control(offset_ms=_number(offset_ms, "offset_ms"))

    async def set_latency(self, device: Union[Device, int], latency_ms: float) -> None:
        """How early one device is told."""
        index = device if isinstance(device, int) else device.index
        await self._control(
            latency=pb.PlaybackLatency(device_index=index, latency_ms=_number(latency_ms, "latency_ms"))
        )

    async def stop(self) -> None:
        """Stops the playback and the speed-like outputs it drove (positions stay)."""
        await self._control(stop=pb.PlaybackStop())


class Registry:
    """The playbacks of one client, by id (events are routed here by the client)."""

    def __init__(self) -> None:
        self._playbacks: dict[int, Playback] = {}
        self._pending: dict[int, list[PlaybackEvent]] = {}
        self._pending_count = 0
        self._closed: Optional[BaseException] = None

    def deliver(self, event: PlaybackEvent) -> None:
        playback = self._playbacks.get(event.playback_id)
        if playback is not None:
            playback._deliver(event)
            if playback.finished:
                del self._playbacks[event.playback_id]
        elif self._pending_count < _PENDING_LIMIT:
            self._pending.setdefault(event.playback_id, []).append(event)
            self._pending_count += 1

    def register(self, playback: Playback) -> Playback:
        if self._closed is not None:
            playback._close(self._closed)
            return playback
        self._playbacks[playback.id] = playback
        pending = self._pending.pop(playback.id, [])
        self._pending_count -= len(pending)
        for event in pending:
            self.deliver(event)
        return playback

    def close(self, error: Optional[BaseException] = None) -> None:
        self._closed = error or ClientClosedError("the client was closed")
        for playback in self._playbacks.values():
            playback._close(self._closed)
        self._playbacks.clear()
        self._pending.clear()
        self._pending_count = 0


def registry(client: Client) -> Registry:
    reg = client.__dict__.get("_playback_registry")
    if reg is None:
        reg = client.__dict__["_playback_registry"] = Registry()
    return cast(Registry, reg)


def _options(
    start_ms: float = 0.0,
    rate: float = 1.0,
    paused: bool = False,
    offset_ms: float = 0.0,
    min_interval_ms: float = 0.0,
    position_every_ms: float = 0.0,
) -> dict[str, Any]:
    """PlaybackStart's options: ``start_ms``, ``rate``, ``paused``, ``offset_ms``,
    ``min_interval_ms`` (shortest time between two writes of a track, 10 ms when 0),
    ``position_every_ms`` (time between position events, 250 ms when 0)."""
    return {
        "start_ms": _number(start_ms, "start_ms"),
        "rate": _number(rate, "rate"),
        "paused": bool(paused),
        "offset_ms": _number(offset_ms, "offset_ms"),
        "min_interval_ms": _number(min_interval_ms, "min_interval_ms"),
        "position_every_ms": _number(position_every_ms, "position_every_ms"),
    }


async def start(client: Client, message: pb.PlaybackStart) -> Playback:
    reply = await client._request(playback_start=message)
    if reply.WhichOneof("kind") != "playback_started":
        raise PlugwireError(f"expected PlaybackStarted, the library answered {reply.WhichOneof('kind')}")
    return registry(client).register(Playback(client, reply.playback_started.playback_id))


async def play(client: Client, tracks: Sequence[Track], **options: Any) -> Playback:
    if not tracks:
        raise TypeError("give at least one Track")
    for t in tracks:
        if not isinstance(t, Track):
            raise TypeError(f"tracks must be Track objects, not {type(t).__name__}")
    message = pb.PlaybackStart(
        tracks=[t._to_pb() for t in tracks],
        **_options(**options),
    )
    return await start(client, message)


async def play_funscript(client: Client, script: Union[Funscript, FunscriptText], **options: Any) -> Playback:
    funscript = script if isinstance(script, Funscript) else Funscript(script)
    message = pb.PlaybackStart(
        funscript_json=funscript.text(),
        interpolation=cast(Any, int(_enum(Interpolation, funscript.interpolation, "interpolation"))),
        **_options(**options),
    )
    return await start(client, message)


__all__ = [
    "Easing",
    "Funscript",
    "Interpolation",
    "Keyframe",
    "Pattern",
    "Playback",
    "PlaybackEnded",
    "PlaybackEvent",
    "PlaybackPosition",
    "PlaybackStarted",
    "PlaybackStopped",
    "PlaybackTrackStopped",
    "SpeedMode",
    "StopReason",
    "Track",
    "Waveform",
]
