"""The asyncio client: :class:`Client`, :class:`Device` and :class:`Simulation`."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import math
import os
import weakref
from pathlib import Path
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    cast,
)

from . import _native
from . import playback as _playback
from ._proto import plugwire_pb2 as pb
from .errors import (
    ClientClosedError,
    FeatureNotFoundError,
    PlugwireError,
    UnknownDeviceError,
    error_from_reply,
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
    InputCommand,
    InputReading,
    InputType,
    OutputType,
    PingTimeout,
    RecordKind,
    ScanningFinished,
    ServerDisconnected,
    SimulatedDevice,
    WriteFault,
    WriteRecord,
)

_log = logging.getLogger("plugwire")

#: A callback for events: a plain function or a coroutine function.
EventCallback = Callable[[Any], Union[None, Awaitable[None]]]
ConfigSource = Union[str, bytes, "os.PathLike[str]", Mapping[str, Any]]

_UINT32_MAX = 2**32 - 1


# ------------------------------------------------------------------------ argument checks


def _check_type(value: Any, types: Union[type, tuple[type, ...]], what: str) -> None:
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise TypeError(f"{what} must be {_type_names(types)}, not bool")
    if not isinstance(value, types):
        raise TypeError(f"{what} must be {_type_names(types)}, not {type(value).__name__}")


def _type_names(types: Union[type, tuple[type, ...]]) -> str:
    ts = types if isinstance(types, tuple) else (types,)
    return " or ".join(t.__name__ for t in ts)


def _index(value: Any, what: str) -> int:
    _check_type(value, int, what)
    if not 0 <= value <= _UINT32_MAX:
        raise ValueError(f"{what} must be between 0 and {_UINT32_MAX}, not {value}")
    return int(value)


def _fraction(value: Any, what: str = "value") -> float:
    _check_type(value, (int, float), what)
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return f


def _steps(value: Any) -> int:
    _check_type(value, int, "steps")
    if not -(2**31) <= value < 2**31:
        raise ValueError(f"steps must fit in 32 bits, not {value}")
    return int(value)


def _enum_arg(cls: Any, value: Any, what: str) -> Any:
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls[value.upper()]
        except KeyError:
            pass
        raise ValueError(
            f"unknown {what} {value!r}; one of: {', '.join(m.name.lower() for m in cls)}"
        )
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown {what} {value}") from None
    raise TypeError(f"{what} must be a {cls.__name__}, not {type(value).__name__}")


def _config_text(source: Optional[ConfigSource], what: str) -> str:
    """A configuration given as JSON text, a mapping, bytes, or a path to a file."""
    if source is None:
        return ""
    if isinstance(source, Mapping):
        return json.dumps(source)
    if isinstance(source, bytes):
        return source.decode("utf-8")
    if isinstance(source, os.PathLike):
        return Path(source).read_text(encoding="utf-8")
    if isinstance(source, str):
        if source.lstrip().startswith("{"):
            return source
        return Path(source).read_text(encoding="utf-8")
    raise TypeError(
        f"{what} must be JSON text, a mapping or a path, not {type(source).__name__}"
    )


# --------------------------------------------------------------------------- replies


def _settle(future: asyncio.Future[pb.Reply], payload: bytes) -> None:
    if future.done():
        return
    reply = pb.Reply()
    try:
        reply.ParseFromString(payload)
    except Exception as e:  # noqa: BLE001
        future.set_exception(PlugwireError(f"the library sent a reply that does not decode: {e}"))
        return
    if reply.WhichOneof("kind") == "error":
        future.set_exception(
            error_from_reply(reply.error.code, reply.error.category, reply.error.message)
        )
    else:
        future.set_result(reply)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


def _deliver_event(ref: weakref.ReferenceType[Client], payload: bytes) -> None:
    client = ref()
    if client is not None:
        client._on_native_event(payload)


_CLOSED = object()


def _finish_close(done: asyncio.Future[None]) -> None:
    if not done.done():
        done.set_result(None)


class Closing:
    """What :meth:`Client.close` returns: awaiting it waits until the library has
    released the client (the devices are stopped and no callback of it runs again).
    Cancelling the wait does not stop the close."""

    __slots__ = ("_future",)

    def __init__(self, future: Optional[asyncio.Future[None]]) -> None:
        self._future = future

    def done(self) -> bool:
        """True once the release is over."""
        return self._future is None or self._future.done()

    def __await__(self) -> Generator[Any, None, None]:
        if self._future is not None and not self._future.done():
            yield from asyncio.shield(self._future).__await__()


class EventStream(AsyncIterator[Event]):
    """Events of a client, from the moment ``Client.events()`` was called until the client
    is closed. Iterate with ``async for``; leaving the loop (or ``aclose()``) unsubscribes."""

    def __init__(self, client: Client) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._client: Optional[Client] = client
        self._done = False
        client._streams.add(self)
        if client._closed:
            self._queue.put_nowait(_CLOSED)

    def _push(self, item: Any) -> None:
        self._queue.put_nowait(item)

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> Event:
        if self._done:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is _CLOSED:
            await self.aclose()
            raise StopAsyncIteration
        return item  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        self._done = True
        if self._client is not None:
            self._client._streams.discard(self)
            self._client = None


class Client:
    """A plugwire client: connects to an embedded server (simulated toys and, when the
    library has them, Bluetooth LE / serial managers) or to a remote Buttplug server.

    Use it as an async context manager: leaving the block (normally, by an exception,
    by cancellation or Ctrl-C) closes the client, which disconnects and stops every
    device. A client is bound to the event loop it is first used on.

    Event callbacks may be plain functions or coroutine functions; each gets the event
    object (``on_device_added`` gets a :class:`DeviceAdded`, whose ``.device`` is the new
    :class:`Device`). They run on the event loop.
    """

    def __init__(self, name: str = "plugwire") -> None:
        _check_type(name, str, "the client name")
        self.name = name
        self._native: Optional[_native.NativeClient] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._finalizer: Optional[weakref.finalize[Any, Any]] = None
        self._closed = False
        # Completes when a close started on the loop is over (None: nothing to wait for).
        self._closing: Optional[asyncio.Future[None]] = None
        self._connected = False
        self._devices: dict[int, Device] = {}
        self._streams: weakref.WeakSet[EventStream] = weakref.WeakSet()
        self._device_waiters: list[tuple[Callable[[Device], bool], asyncio.Future[Device]]] = []
        self._scan_waiters: list[asyncio.Future[None]] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self.simulation = Simulation(self)

        #: Called with every event.
        self.on_event: Optional[EventCallback] = None
        #: Called with a :class:`DeviceAdded` event.
        self.on_device_added: Optional[EventCallback] = None
        #: Called with a :class:`DeviceRemoved` event.
        self.on_device_removed: Optional[EventCallback] = None
        #: Called with a :class:`ScanningFinished` event.
        self.on_scanning_finished: Optional[EventCallback] = None
        #: Called with an :class:`InputReading` event (subscribed inputs).
        self.on_input_reading: Optional[EventCallback] = None
        #: Called with a :class:`ServerDisconnected` event.
        self.on_server_disconnected: Optional[EventCallback] = None
        #: Called with a :class:`PingTimeout` event.
        self.on_ping_timeout: Optional[EventCallback] = None
        #: Called with a :class:`ConnectionLost` event (reconnecting websocket).
        self.on_connection_lost: Optional[EventCallback] = None
        #: Called with a :class:`Reconnected` event (reconnecting websocket).
        self.on_reconnected: Optional[EventCallback] = None
        #: Called with an :class:`ErrorEvent`.
        self.on_error: Optional[EventCallback] = None
        #: Called with every :class:`PlaybackEvent` (position events included).
        self.on_playback: Optional[EventCallback] = None

    # ----------------------------------------------------------------- life cycle

    async def __aenter__(self) -> Client:
        self._ensure_native()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    def _ensure_native(self) -> _native.NativeClient:
        loop = asyncio.get_running_loop()
        if self._closed:
            raise ClientClosedError("the client is closed")
        if self._native is None:
            self._loop = loop
            ref = weakref.ref(self)

            def on_event(payload: bytes) -> None:
                # On the library's callback thread: hand the event to the loop.
                try:
                    loop.call_soon_threadsafe(_deliver_event, ref, payload)
                except RuntimeError:  # the loop is closed
                    pass

            native = _native.NativeClient(on_event)
            self._native = native
            # Garbage collection (or interpreter exit) frees the native client too.
            self._finalizer = weakref.finalize(self, _native.free_soon, native)
        elif loop is not self._loop:
            raise RuntimeError("this Client is bound to another event loop")
        return self._native

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def connected(self) -> bool:
        """True between a successful connect and a disconnect (or the server going away)."""
        return self._connected and not self._closed

    def close(self) -> Closing:
        """Closes the client: disconnects (the server stops every device), releases the
        native client and ends event streams; requests in flight raise
        ClientClosedError, and any call on the client from now on raises
        ClientClosedError too. Idempotent.

        On the client's event loop it never blocks the loop: it returns at once and
        ``await client.close()`` waits until the library has stopped the devices and made
        its last callback (the release is ``plugwire_client_close``); without ``await``
        the close goes on by itself. From any other thread, or with no loop running, it
        blocks until the devices are stopped (``plugwire_client_free``) and the returned
        object is already done. Every call returns the completion of the first."""
        if self._closed:
            return Closing(self._closing)
        self._closed = True
        self._connected = False
        if self._finalizer is not None:
            self._finalizer.detach()
        native, self._native = self._native, None
        loop = self._loop
        try:
            running: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if native is not None and loop is not None and running is loop:
            done = loop.create_future()
            self._closing = done

            def on_closed() -> None:
                # On the library's close thread, after the client's last callback.
                try:
                    loop.call_soon_threadsafe(_finish_close, done)
                except RuntimeError:  # the loop is closed
                    pass

            native.close(on_closed)
        elif native is not None:
            native.free()
        if loop is None:
            return Closing(self._closing)
        if running is loop:
            self._after_close()
        elif not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._after_close)
            except RuntimeError:
                pass
        return Closing(self._closing)

    async def aclose(self) -> None:
        """``await close()``, for ``contextlib.aclosing`` and friends."""
        await self.close()

    def _after_close(self) -> None:
        _playback.registry(self).close()
        for stream in list(self._streams):
            stream._push(_CLOSED)
        for _, fut in self._device_waiters:
            _fail(fut, ClientClosedError("the client was closed"))
        self._device_waiters.clear()
        for scan in self._scan_waiters:
            _fail(scan, ClientClosedError("the client was closed"))
        self._scan_waiters.clear()

    # ------------------------------------------------------------------- requests

    async def _request(self, **kind: Any) -> pb.Reply:
        native = self._ensure_native()
        loop = self._loop
        assert loop is not None
        future: asyncio.Future[pb.Reply] = loop.create_future()

        def on_reply(payload: bytes) -> None:
            try:
                loop.call_soon_threadsafe(_settle, future, payload)
            except RuntimeError:
                pass

        def on_dropped(error: BaseException) -> None:
            try:
                loop.call_soon_threadsafe(_fail, future, error)
            except RuntimeError:
                pass

        native.request(pb.Request(**kind).SerializeToString(), on_reply, on_dropped)
        return await future

    async def connect_embedded(
        self,
        simulated: Union[None, bool, Iterable[Union[str, SimulatedDevice]]] = None,
        *,
        bluetooth: bool = False,
        serial: bool = False,
        device_websocket: bool = False,
        device_config: Optional[ConfigSource] = None,
        user_config: Optional[ConfigSource] = None,
        max_ping_time: int = 0,
        default_message_gap_ms: Optional[int] = None,
        server_name: str = "",
        hardware_timeout_ms: Optional[int] = None,
    ) -> None:
        """Starts a Buttplug server inside the library and connects to it.

        ``simulated``: True for simulated hardware, or simulated toys to create, as names
        (``"LVS-Lush"``), ``"NAME@ADDRESS"`` or :class:`SimulatedDevice`.
        ``bluetooth``/``serial``/``device_websocket``: hardware managers (the library
        answers :class:`UnsupportedError` for those it does not have yet).
        ``device_config``/``user_config``: ecosystem device configuration (v4/v5) and
        Intiface user configuration, as JSON text, a mapping, or a file path.
        ``max_ping_time``: the server's ping watchdog in milliseconds (0: off; the
        library pings for you). ``default_message_gap_ms``: gap between writes for
        devices whose configuration names none (75 ms when unset).
        ``hardware_timeout_ms``: bound on each hardware operation (3 s when unset); a
        command to a device whose write hangs fails within it.
        """
        for flag, what in ((bluetooth, "bluetooth"), (serial, "serial"), (device_websocket, "device_websocket")):
            _check_type(flag, bool, what)
        _check_type(server_name, str, "server_name")
        request = pb.ConnectEmbedded(
            client_name=self.name,
            server_name=server_name,
            max_ping_time_ms=_index(max_ping_time, "max_ping_time"),
            bluetooth_le=bluetooth,
            serial=serial,
            device_websocket=device_websocket,
            device_config_json=_config_text(device_config, "device_config"),
            user_config_json=_config_text(user_config, "user_config"),
        )
        if simulated is True:
            request.simulated = True
        elif simulated is not None and simulated is not False:
            if isinstance(simulated, (str, SimulatedDevice)):
                simulated = [simulated]
            request.simulated = True
            for spec in simulated:
                request.simulated_devices.append(SimulatedDevice.parse(spec)._to_pb())
        if default_message_gap_ms is not None:
            request.default_message_gap_ms = _index(default_message_gap_ms, "default_message_gap_ms")
        if hardware_timeout_ms is not None:
            request.hardware_timeout_ms = _index(hardware_timeout_ms, "hardware_timeout_ms")
        await self._request(connect_embedded=request)
        self._connected = True

    async def connect_websocket(
        self,
        url: str,
        *,
        ping: bool = True,
        ping_interval_ms: Optional[int] = None,
        reconnect: bool = False,
        reconnect_initial_delay_ms: Optional[int] = None,
        reconnect_max_delay_ms: Optional[int] = None,
        reconnect_max_attempts: Optional[int] = None,
    ) -> None:
        """Connects to a Buttplug server (Intiface Engine, ``plugwire serve``...) over
        websocket, e.g. ``"ws://127.0.0.1:12345"``.

        ``ping``: the client pings a server that asks for pings (``MaxPingTime`` > 0) by
        itself, every ``MaxPingTime / 2`` or every ``ping_interval_ms``. ``ping=False``
        turns that off: the application then calls :meth:`ping` itself, or the server
        stops every device at its deadline.

        ``reconnect=True``: a dropped connection is dialled again, after
        ``reconnect_initial_delay_ms`` (250), doubling up to ``reconnect_max_delay_ms``
        (10000), ``reconnect_max_attempts`` times at most (``None``: until ``disconnect``
        or ``close``). While the link is down a :class:`ConnectionLost` event has been
        sent and every request raises :class:`NotConnectedError` (nothing is queued or
        replayed); once back, the device list is fetched again (``DeviceRemoved`` /
        ``DeviceAdded`` for each difference) and a :class:`Reconnected` event follows.
        Giving up ends with :class:`ServerDisconnected`."""
        _check_type(url, str, "url")
        _check_type(ping, bool, "ping")
        _check_type(reconnect, bool, "reconnect")
        request = pb.ConnectWebsocket(
            client_name=self.name, url=url, no_ping=not ping, reconnect=reconnect
        )
        if ping_interval_ms is not None:
            request.ping_interval_ms = _index(ping_interval_ms, "ping_interval_ms")
        if reconnect_initial_delay_ms is not None:
            request.reconnect_initial_delay_ms = _index(
                reconnect_initial_delay_ms, "reconnect_initial_delay_ms"
            )
        if reconnect_max_delay_ms is not None:
            request.reconnect_max_delay_ms = _index(reconnect_max_delay_ms, "reconnect_max_delay_ms")
        if reconnect_max_attempts is not None:
            request.reconnect_max_attempts = _index(reconnect_max_attempts, "reconnect_max_attempts")
        await self._request(connect_websocket=request)
        self._connected = True

    async def disconnect(self) -> None:
        """Ends the session: the server stops every device. The finished session stays
        attached (simulated toys' logs remain readable), so connecting again takes a new
        Client."""
        await self._request(disconnect=pb.Disconnect())
        self._connected = False
        self._devices.clear()

    async def start_scanning(self) -> None:
        await self._request(start_scanning=pb.StartScanning())

    async def stop_scanning(self) -> None:
        await self._request(stop_scanning=pb.StopScanning())

    async def scan(self, timeout: float = 5.0, count: Optional[int] = None) -> list[Device]:
        """Scans for at most ``timeout`` seconds, then stops scanning; returns the devices
        then known. Ends sooner when the server finishes scanning by itself (only managers
        that scan in rounds do; simulated toys and devices on a websocket never finish a
        scan, as in the reference), or, with ``count``, once that many devices are known."""
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        self._scan_waiters.append(finished)

        def enough() -> bool:
            return count is not None and len(self._devices) >= count

        added: Optional[tuple[Callable[[Device], bool], asyncio.Future[Device]]] = None
        try:
            await self.start_scanning()
            deadline = loop.time() + timeout
            while not finished.done() and not enough():
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                # Wake at the next device added (or the end of the scan).
                added = (lambda _device: True, loop.create_future())
                self._device_waiters.append(added)
                await asyncio.wait([finished, added[1]], timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                if added in self._device_waiters:
                    self._device_waiters.remove(added)
                added = None
        finally:
            if finished in self._scan_waiters:
                self._scan_waiters.remove(finished)
            if added is not None and added in self._device_waiters:
                self._device_waiters.remove(added)
        if finished.done():
            finished.result()  # raises when the client was closed meanwhile
        else:
            await self.stop_scanning()
        return self.devices

    async def stop_all(self) -> None:
        """Stops every device."""
        await self._request(stop_all=pb.StopAll())

    async def ping(self) -> None:
        await self._request(ping=pb.Ping())

    async def server_info(self) -> ServerInfo:
        """The server's name and the ping interval it asks for, from the handshake (after a
        reconnect, the new one's). Raises :class:`NotConnectedError` when not connected."""
        reply = await self._request(get_server_info=pb.GetServerInfo())
        return ServerInfo(reply.server_info.server_name, reply.server_info.max_ping_time_ms)

    async def refresh_devices(self) -> list[Device]:
        """Asks the server for its device list and returns it."""
        reply = await self._request(request_device_list=pb.RequestDeviceList())
        seen = set()
        for d in reply.device_list.devices:
            seen.add(d.index)
            self._device_from_pb(d)
        for index in list(self._devices):
            if index not in seen:
                del self._devices[index]
        return self.devices

    # -------------------------------------------------------------------- devices

    @property
    def devices(self) -> list[Device]:
        """The devices connected now, by index."""
        return [self._devices[i] for i in sorted(self._devices)]

    def device(self, index: int) -> Device:
        """The device at ``index``; UnknownDeviceError if there is none."""
        _index(index, "device index")
        try:
            return self._devices[index]
        except KeyError:
            raise UnknownDeviceError(f"no device at index {index}") from None

    async def wait_for_device(
        self,
        name: Optional[str] = None,
        *,
        predicate: Optional[Callable[[Device], bool]] = None,
        timeout: Optional[float] = None,
    ) -> Device:
        """A connected device (the first by index) matching ``name`` (its name or display
        name) and ``predicate``, waiting for one to be added if there is none yet.
        Raises TimeoutError after ``timeout`` seconds."""
        if name is not None:
            _check_type(name, str, "name")

        def matches(d: Device) -> bool:
            if name is not None and name not in (d.name, d.display_name):
                return False
            return predicate is None or bool(predicate(d))

        for d in self.devices:
            if matches(d):
                return d
        if self._closed:
            raise ClientClosedError("the client is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Device] = loop.create_future()
        entry = (matches, future)
        self._device_waiters.append(entry)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        finally:
            if entry in self._device_waiters:
                self._device_waiters.remove(entry)

    def _device_from_pb(self, d: pb.Device) -> Device:
        info = DeviceInfo._from_pb(d)
        device = self._devices.get(info.index)
        if device is None:
            device = Device(self, info)
            self._devices[info.index] = device
        else:
            device._info = info
        return device

    # --------------------------------------------------------------------- events

    def events(self) -> EventStream:
        """An async iterator over the events from now on, ending when the client closes::

            async for event in client.events():
                if isinstance(event, plugwire.DeviceAdded): ...
        """
        return EventStream(self)

    def _on_native_event(self, payload: bytes) -> None:
        if self._closed:
            return
        message = pb.Event()
        try:
            message.ParseFromString(payload)
        except Exception:  # noqa: BLE001
            _log.error("the library sent an event that does not decode")
            return
        kind = message.WhichOneof("kind")
        event: Event
        callback: Optional[EventCallback]
        if kind == "device_added":
            device = self._device_from_pb(message.device_added)
            event, callback = DeviceAdded(device), self.on_device_added
            for matches, future in list(self._device_waiters):
                if not future.done() and self._safe_match(matches, device):
                    future.set_result(device)
        elif kind == "device_removed":
            r = message.device_removed
            removed = self._devices.pop(r.index, None)
            event, callback = DeviceRemoved(r.index, r.name, removed), self.on_device_removed
        elif kind == "scanning_finished":
            event, callback = ScanningFinished(), self.on_scanning_finished
            for fut in self._scan_waiters:
                if not fut.done():
                    fut.set_result(None)
        elif kind == "input_reading":
            r = message.input_reading
            event = InputReading(
                r.device_index,
                r.feature_index,
                _input_type(r.input),
                r.value,
                self._devices.get(r.device_index),
            )
            callback = self.on_input_reading
        elif kind == "server_disconnected":
            self._connected = False
            self._devices.clear()
            event, callback = ServerDisconnected(), self.on_server_disconnected
        elif kind == "ping_timeout":
            event, callback = PingTimeout(), self.on_ping_timeout
        elif kind == "connection_lost":
            self._connected = False
            event, callback = ConnectionLost(), self.on_connection_lost
        elif kind == "reconnected":
            r = message.reconnected
            self._connected = True
            devices = tuple(self._device_from_pb(d) for d in r.devices)
            event, callback = Reconnected(r.attempts, devices), self.on_reconnected
        elif kind == "error":
            e = message.error
            event, callback = ErrorEvent(error_from_reply(e.code, e.category, e.message)), self.on_error
        elif kind == "playback":
            played = _playback.event_from_pb(message.playback)
            if played is None:
                return
            _playback.registry(self).deliver(played)
            event, callback = played, self.on_playback
        else:
            return
        for stream in list(self._streams):
            stream._push(event)
        self._run_callback(self.on_event, event)
        self._run_callback(callback, event)

    @staticmethod
    def _safe_match(matches: Callable[[Device], bool], device: Device) -> bool:
        try:
            return matches(device)
        except Exception:  # noqa: BLE001
            _log.exception("wait_for_device predicate raised")
            return False

    def _run_callback(self, callback: Optional[EventCallback], event: Event) -> None:
        if callback is None:
            return
        loop = self._loop
        assert loop is not None
        try:
            result = callback(event)
        except Exception as e:  # noqa: BLE001
            loop.call_exception_handler(
                {"message": f"plugwire event callback {callback!r} raised", "exception": e}
            )
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._callback_done)

    def _callback_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self._loop is not None:
            self._loop.call_exception_handler(
                {"message": "plugwire async event callback raised", "exception": task.exception(), "task": task}
            )

    # ------------------------------------------------------------------- playback

    async def play(self, *tracks: _playback.Track, **options: Any) -> _playback.Playback:
        """Plays funscript axes and patterns on device outputs (see
        :mod:`plugwire.playback`). ``options``: ``start_ms``, ``rate``, ``paused``,
        ``offset_ms``, ``min_interval_ms``, ``position_every_ms``."""
        return await _playback.play(self, tracks, **options)

    async def play_funscript(
        self, script: Union[_playback.Funscript, _playback.FunscriptText], **options: Any
    ) -> _playback.Playback:
        """Plays a funscript on every connected output it has an axis for (positions get
        L0; vibrators V0, else the speed of L0; rotators R0, else the speed of L0;
        oscillators the speed of L0; constrictors A1). Options as for :meth:`play`."""
        return await _playback.play_funscript(self, script, **options)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "connected" if self._connected else "not connected"
        return f"<plugwire.Client {self.name!r} {state}, {len(self._devices)} devices>"


def _input_type(value: int) -> InputType:
    try:
        return InputType(value)
    except ValueError:
        return value  # type: ignore[return-value]


class Device:
    """A device the server announced. Commands go to the server by device index; a
    device that went away raises UnknownDeviceError."""

    def __init__(self, client: Client, info: DeviceInfo) -> None:
        self._client = client
        self._info = info

    @property
    def info(self) -> DeviceInfo:
        return self._info

    @property
    def index(self) -> int:
        return self._info.index

    @property
    def name(self) -> str:
        return self._info.name

    @property
    def display_name(self) -> Optional[str]:
        return self._info.display_name

    @property
    def message_gap_ms(self) -> int:
        return self._info.message_gap_ms

    @property
    def features(self) -> tuple[Feature, ...]:
        return self._info.features

    @property
    def client(self) -> Client:
        return self._client

    def features_with_output(self, output_type: OutputType) -> list[Feature]:
        output_type = _enum_arg(OutputType, output_type, "output type")
        return [f for f in self.features if f.output(output_type) is not None]

    def features_with_input(self, input_type: InputType) -> list[Feature]:
        input_type = _enum_arg(InputType, input_type, "input type")
        return [f for f in self.features if f.input(input_type) is not None]

    def has_output(self, output_type: OutputType) -> bool:
        return bool(self.features_with_output(output_type))

    def has_input(self, input_type: InputType) -> bool:
        return bool(self.features_with_input(input_type))

    def __repr__(self) -> str:
        return f"<plugwire.Device {self.index}: {self.name!r}>"

    async def play(
        self,
        source: _playback.Source,
        *,
        output: Optional[Union[OutputType, str]] = None,
        feature: Optional[int] = None,
        range: Tuple[float, float] = (0.0, 1.0),
        invert: bool = False,
        scale: float = 1.0,
        speed_mode: Union[_playback.SpeedMode, str] = _playback.SpeedMode.DIRECT,
        latency_ms: float = 0.0,
        **options: Any,
    ) -> _playback.Playback:
        """Plays one funscript axis or pattern on one output of this device (the first
        feature with ``output``, or the first output at all); ``options`` as for
        :meth:`Client.play`. For several outputs or devices at once use ``Client.play``."""
        track = _playback.Track(
            self, source, output=output, feature=feature, range=range, invert=invert,
            scale=scale, speed_mode=speed_mode, latency_ms=latency_ms,
        )
        return await self._client.play(track, **options)

    # ------------------------------------------------------------------- outputs

    async def output(
        self,
        output_type: Union[OutputType, str],
        value: Optional[float] = None,
        *,
        steps: Optional[int] = None,
        feature: Optional[int] = None,
        duration_ms: Optional[int] = None,
    ) -> None:
        """Sets an output: ``value`` is a fraction, 0..1 (-1..1 for outputs with a
        direction such as rotation), which becomes ``ceil(steps * value)``; or give the
        step itself with ``steps=``. Without ``feature`` every feature with that output is
        set (FeatureNotFoundError if there is none); ``duration_ms`` is for timed
        position moves."""
        kind: OutputType = _enum_arg(OutputType, output_type, "output type")
        if (value is None) == (steps is None):
            raise TypeError("give exactly one of value (a fraction) and steps=")
        message = pb.DeviceOutput(device_index=self.index, output=cast(Any, int(kind)))
        if value is not None:
            message.fraction = _fraction(value)
        else:
            message.steps = _steps(steps)
        if duration_ms is not None:
            message.duration_ms = _index(duration_ms, "duration_ms")
        if feature is not None:
            features = [_index(feature, "feature")]
        else:
            features = [f.index for f in self.features_with_output(kind)]
            if not features:
                raise FeatureNotFoundError(
                    f"{self.name} (device {self.index}) has no {kind.name.lower()} output"
                )
        await self._send_outputs([self._entry(message, f) for f in features])

    @staticmethod
    def _entry(template: pb.DeviceOutput, feature: int) -> pb.DeviceOutput:
        message = pb.DeviceOutput()
        message.CopyFrom(template)
        message.feature_index = feature
        return message

    async def _send_outputs(self, entries: Sequence[pb.DeviceOutput]) -> None:
        # Several features go as one DeviceOutputs request: one batch on the device.
        if len(entries) == 1:
            await self._client._request(device_output=entries[0])
        else:
            await self._client._request(
                device_outputs=pb.DeviceOutputs(device_index=self.index, outputs=list(entries))
            )

    async def outputs(self, *entries: Tuple[int, Union[OutputType, str], float]) -> None:
        """Sets several outputs of this device together, as one batch: each entry is
        ``(feature, output type, fraction)``. The device gets them at once (a protocol that
        packs motors into one packet writes one packet); nothing is sent if any entry is
        invalid. Example: ``await edge.outputs((0, "vibrate", 0.5), (1, "vibrate", 0.2))``."""
        if not entries:
            raise TypeError("give at least one (feature, output type, fraction) entry")
        messages = []
        for feature, output_type, value in entries:
            kind: OutputType = _enum_arg(OutputType, output_type, "output type")
            message = pb.DeviceOutput(
                device_index=self.index,
                feature_index=_index(feature, "feature"),
                output=cast(Any, int(kind)),
            )
            message.fraction = _fraction(value)
            messages.append(message)
        await self._send_outputs(messages)

    async def vibrate(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        """Vibrates (every vibrating feature unless ``feature`` is given), 0..1."""
        await self.output(OutputType.VIBRATE, value, steps=steps, feature=feature)

    async def rotate(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        """Rotates, -1..1: the sign is the direction where the device has one."""
        await self.output(OutputType.ROTATE, value, steps=steps, feature=feature)

    async def oscillate(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        """Oscillates (thrusts, strokes at a speed), 0..1."""
        await self.output(OutputType.OSCILLATE, value, steps=steps, feature=feature)

    async def constrict(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        """Constricts (air pump, suction), 0..1."""
        await self.output(OutputType.CONSTRICT, value, steps=steps, feature=feature)

    async def position(
        self,
        value: Optional[float] = None,
        *,
        duration_ms: Optional[int] = None,
        steps: Optional[int] = None,
        feature: Optional[int] = None,
    ) -> None:
        """Moves to a position, 0..1. With ``duration_ms`` it is a timed move (the device
        gets there in that time: OutputType.HW_POSITION_WITH_DURATION); without, the
        position output (OutputType.POSITION)."""
        if duration_ms is None:
            await self.output(OutputType.POSITION, value, steps=steps, feature=feature)
        else:
            await self.output(
                OutputType.HW_POSITION_WITH_DURATION,
                value,
                steps=steps,
                feature=feature,
                duration_ms=duration_ms,
            )

    async def stop(self, *, feature: Optional[int] = None) -> None:
        """Stops the device (every output to zero, except positions; input subscriptions
        end), or only one feature."""
        message = pb.StopDevice(device_index=self.index)
        if feature is not None:
            message.feature_index = _index(feature, "feature")
        await self._client._request(stop_device=message)

    # -------------------------------------------------------------------- inputs

    def _input_feature(self, input_type: InputType, feature: Optional[int]) -> int:
        if feature is not None:
            return _index(feature, "feature")
        found = self.features_with_input(input_type)
        if not found:
            raise FeatureNotFoundError(
                f"{self.name} (device {self.index}) has no {input_type.name.lower()} input"
            )
        return found[0].index

    async def _input(self, input_type: Any, command: InputCommand, feature: Optional[int]) -> pb.Reply:
        input_type = _enum_arg(InputType, input_type, "input type")
        message = pb.DeviceInput(
            device_index=self.index,
            feature_index=self._input_feature(input_type, feature),
            input=cast(Any, int(input_type)),
            command=cast(Any, int(command)),
        )
        return await self._client._request(device_input=message)

    async def read(self, input_type: Union[InputType, str], *, feature: Optional[int] = None) -> int:
        """Reads an input once and returns the raw value (in the input's range)."""
        reply = await self._input(input_type, InputCommand.READ, feature)
        if reply.WhichOneof("kind") != "input_reading":
            raise PlugwireError(f"expected an input reading, the library answered {reply.WhichOneof('kind')}")
        return int(reply.input_reading.value)

    async def battery(self) -> float:
        """The battery level, 0..1 (the reading divided by the top of its range)."""
        feature = self._input_feature(InputType.BATTERY, None)
        value = await self.read(InputType.BATTERY, feature=feature)
        spec = self.features[[f.index for f in self.features].index(feature)].input(InputType.BATTERY)
        top = spec.ranges[0].max if spec is not None and spec.ranges else 100
        return value / top if top > 0 else float(value)

    async def subscribe(self, input_type: Union[InputType, str], *, feature: Optional[int] = None) -> None:
        """Subscribes to an input: readings arrive as :class:`InputReading` events
        (``client.events()``, ``client.on_input_reading``)."""
        await self._input(input_type, InputCommand.SUBSCRIBE, feature)

    async def unsubscribe(self, input_type: Union[InputType, str], *, feature: Optional[int] = None) -> None:
        await self._input(input_type, InputCommand.UNSUBSCRIBE, feature)


class Simulation:
    """Simulated-device control (``client.simulation``), for tests and demos: add toys,
    make them notify, script reads, drop them and bring them back, and see the bytes
    they received. Needs a connection made with ``connect_embedded(simulated=...)``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    async def add_device(self, device: Union[str, SimulatedDevice]) -> str:
        """Adds a simulated toy (found at the next scan); returns its address."""
        spec = SimulatedDevice.parse(device)
        reply = await self._client._request(simulated_add_device=pb.SimulatedAddDevice(device=spec._to_pb()))
        return str(reply.simulated_device_added.address)

    async def notify(self, address: str, endpoint: str, data: bytes) -> None:
        """Makes the toy send a notification on ``endpoint`` (e.g. ``"rx"``); it must be
        subscribed there."""
        _check_type(address, str, "address")
        _check_type(endpoint, str, "endpoint")
        _check_type(data, (bytes, bytearray), "data")
        await self._client._request(
            simulated_notify=pb.SimulatedNotify(address=address, endpoint=endpoint, data=bytes(data))
        )

    async def queue_read(self, address: str, endpoint: str, data: bytes) -> None:
        """Scripts the answer to the next read of ``endpoint``."""
        _check_type(address, str, "address")
        _check_type(endpoint, str, "endpoint")
        _check_type(data, (bytes, bytearray), "data")
        await self._client._request(
            simulated_queue_read=pb.SimulatedQueueRead(address=address, endpoint=endpoint, data=bytes(data))
        )

    async def drop(self, address: str) -> None:
        """The toy drops out (as if switched off or out of range)."""
        _check_type(address, str, "address")
        await self._client._request(simulated_drop=pb.SimulatedDrop(address=address))

    async def restore(self, address: str) -> None:
        """A dropped toy comes back (the server reconnects it, keeping its index)."""
        _check_type(address, str, "address")
        await self._client._request(simulated_restore=pb.SimulatedRestore(address=address))

    async def set_write_fault(
        self, address: str, fault: Union[WriteFault, str, int], *, delay_ms: int = 0
    ) -> None:
        """Makes the toy's writes fail, hang or lag from now on (``WriteFault.NONE``
        heals it); ``delay_ms`` is the lag of ``WriteFault.DELAY``."""
        _check_type(address, str, "address")
        fault = _enum_arg(WriteFault, fault, "write fault")
        await self._client._request(
            simulated_set_write_fault=pb.SimulatedSetWriteFault(
                address=address, fault=int(fault), delay_ms=_index(delay_ms, "delay_ms")
            )
        )

    async def write_log(self, address: str, *, clear: bool = False) -> list[WriteRecord]:
        """Everything the toy saw (writes, reads, subscriptions); ``clear`` forgets it."""
        _check_type(address, str, "address")
        _check_type(clear, bool, "clear")
        reply = await self._client._request(simulated_write_log=pb.SimulatedWriteLog(address=address, clear=clear))
        return [WriteRecord._from_pb(r) for r in reply.write_log.records]

    async def writes(self, address: str, *, endpoint: Optional[str] = None, clear: bool = False) -> list[bytes]:
        """The bytes of each write the toy received (optionally on one endpoint only)."""
        return [
            r.data
            for r in await self.write_log(address, clear=clear)
            if r.kind == RecordKind.WRITE and (endpoint is None or r.endpoint == endpoint)
        ]


__all__ = ["Client", "Device", "EventStream", "Simulation"]
