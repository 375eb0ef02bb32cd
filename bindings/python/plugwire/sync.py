"""A small synchronous facade for plain scripts::

    import plugwire.sync

    with plugwire.sync.Client("My Script") as client:
        client.connect_embedded(simulated=["LVS-Lush"])
        client.start_scanning()
        device = client.wait_for_device(timeout=10)
        device.vibrate(0.5)
        print(device.battery())

The asyncio :class:`plugwire.Client` runs on an event loop in a background thread; each
method here waits for its result (``timeout`` seconds at most, the client's default when
not given). Leaving the ``with`` block, also through Ctrl-C, closes the client and stops
its devices.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import threading
import weakref
from typing import Any, Awaitable, Coroutine, Iterable, Optional, Tuple, TypeVar, Union

from . import client as _client
from . import playback as _playback
from .client import ConfigSource
from .errors import ClientClosedError
from .types import (
    ServerInfo,
    DeviceInfo,
    Event,
    Feature,
    InputType,
    OutputType,
    SimulatedDevice,
    WriteFault,
    WriteRecord,
)

T = TypeVar("T")

#: Seconds a call waits by default.
DEFAULT_TIMEOUT = 30.0


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="plugwire-sync-loop", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        # Let callbacks scheduled by the close run, then release the loop.
        self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()

    def run(self, coro: Coroutine[Any, Any, T], timeout: Optional[float]) -> T:
        if self.loop.is_closed() or not self._thread.is_alive():
            coro.close()
            raise ClientClosedError("the client is closed")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def alive(self) -> bool:
        return self._thread.is_alive() and not self.loop.is_closed()

    def is_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def stop(self) -> None:
        if self._thread.is_alive() and not self.loop.is_closed():
            try:
                self.loop.call_soon_threadsafe(self.loop.stop)
            except RuntimeError:
                pass
            if threading.current_thread() is not self._thread:
                self._thread.join(timeout=10)


def _shutdown(loop_thread: _LoopThread, holder: list[Optional[_client.Client]]) -> None:
    client, holder[0] = holder[0], None
    if client is not None:
        # Close on the loop's thread when it runs (the client's asyncio state lives
        # there); the native free itself is safe from any thread.
        if loop_thread.is_loop_thread() or not loop_thread.alive():
            client.close()
        else:

            async def close() -> None:
                # Waits until the library has stopped the devices and made its last
                # callback, so the sync close blocks as documented.
                await client.close()

            try:
                loop_thread.run(close(), 30)
            except BaseException:  # noqa: BLE001 - interrupted: close from here
                client.close()
    loop_thread.stop()


class Client:
    """Synchronous wrapper of :class:`plugwire.Client` (same methods, blocking)."""

    def __init__(self, name: str = "plugwire", *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._thread = _LoopThread()
        self._holder: list[Optional[_client.Client]] = [None]

        async def create() -> tuple[_client.Client, _client.EventStream]:
            c = _client.Client(name)
            await c.__aenter__()
            return c, c.events()

        try:
            self._async, self._events = self._thread.run(create(), timeout)
        except BaseException:
            self._thread.stop()
            raise
        self._holder[0] = self._async
        self._finalizer = weakref.finalize(self, _shutdown, self._thread, self._holder)
        self.simulation = Simulation(self)

    def _run(self, awaitable: Awaitable[T], timeout: Optional[float] = None) -> T:
        if self._holder[0] is None or not self._thread.alive():
            if inspect.iscoroutine(awaitable):
                awaitable.close()
            raise ClientClosedError("the client is closed")

        async def wrapper() -> T:
            return await awaitable

        return self._thread.run(wrapper(), self.timeout if timeout is None else timeout)

    # ----------------------------------------------------------------- life cycle

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Closes the client (its devices stop) and ends the background thread."""
        self._finalizer()

    @property
    def closed(self) -> bool:
        return self._async.closed

    @property
    def connected(self) -> bool:
        return self._async.connected

    @property
    def asyncio_client(self) -> _client.Client:
        """The wrapped asyncio client (use it only from its loop: ``self.loop``)."""
        return self._async

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._thread.loop

    # ------------------------------------------------------------------- requests

    def connect_embedded(
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
        """See :meth:`plugwire.Client.connect_embedded`."""
        self._run(
            self._async.connect_embedded(
                simulated,
                bluetooth=bluetooth,
                serial=serial,
                device_websocket=device_websocket,
                device_config=device_config,
                user_config=user_config,
                max_ping_time=max_ping_time,
                default_message_gap_ms=default_message_gap_ms,
                server_name=server_name,
                hardware_timeout_ms=hardware_timeout_ms,
            )
        )

    def connect_websocket(self, url: str, **options: Any) -> None:
        """See :meth:`plugwire.Client.connect_websocket` for the keyword options (ping,
        ping_interval_ms, reconnect...)."""
        self._run(self._async.connect_websocket(url, **options))

    def server_info(self) -> ServerInfo:
        return self._run(self._async.server_info())

    def disconnect(self) -> None:
        self._run(self._async.disconnect())

    def start_scanning(self) -> None:
        self._run(self._async.start_scanning())

    def stop_scanning(self) -> None:
        self._run(self._async.stop_scanning())

    def scan(self, timeout: float = 5.0, count: Optional[int] = None) -> list[Device]:
        """Scans for at most ``timeout`` seconds (sooner once ``count`` devices are known, or
        when the server finishes scanning), then stops scanning; returns the devices."""
        devices = self._run(self._async.scan(timeout, count), timeout + self.timeout)
        return [Device(self, d) for d in devices]

    def stop_all(self) -> None:
        self._run(self._async.stop_all())

    def ping(self) -> None:
        self._run(self._async.ping())

    @property
    def devices(self) -> list[Device]:
        async def get() -> list[_client.Device]:
            return self._async.devices

        return [Device(self, d) for d in self._run(get())]

    def device(self, index: int) -> Device:
        async def get() -> _client.Device:
            return self._async.device(index)

        return Device(self, self._run(get()))

    def wait_for_device(self, name: Optional[str] = None, *, timeout: Optional[float] = None) -> Device:
        """A device (matching ``name``), waiting for one to be added; TimeoutError after
        ``timeout`` seconds."""
        wait = self.timeout if timeout is None else timeout
        return Device(self, self._run(self._async.wait_for_device(name, timeout=wait), wait + 1))

    def next_event(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event since the client was created, or None after ``timeout`` seconds
        (None at once when the client is closed)."""
        wait = self.timeout if timeout is None else timeout

        async def next_one() -> Optional[Event]:
            try:
                return await asyncio.wait_for(self._events.__anext__(), wait)
            except (asyncio.TimeoutError, StopAsyncIteration):
                return None

        if self.closed:
            return None
        return self._run(next_one(), wait + 1)

    def __repr__(self) -> str:
        return repr(self._async).replace("plugwire.Client", "plugwire.sync.Client")

    def play(self, *tracks: _playback.Track, **options: Any) -> Playback:
        """Plays tracks (their devices may be sync or asyncio devices); see
        :meth:`plugwire.Client.play`."""
        unwrapped = [
            dataclasses.replace(t, device=t.device._device) if isinstance(t.device, Device) else t
            for t in tracks
        ]
        return Playback(self, self._run(self._async.play(*unwrapped, **options)))

    def play_funscript(self, script: Union[_playback.Funscript, _playback.FunscriptText], **options: Any) -> Playback:
        return Playback(self, self._run(self._async.play_funscript(script, **options)))


class Device:
    """Synchronous wrapper of :class:`plugwire.Device`."""

    def __init__(self, client: Client, device: _client.Device) -> None:
        self._client = client
        self._device = device

    @property
    def index(self) -> int:
        return self._device.index

    @property
    def name(self) -> str:
        return self._device.name

    @property
    def display_name(self) -> Optional[str]:
        return self._device.display_name

    @property
    def features(self) -> tuple[Feature, ...]:
        return self._device.features

    @property
    def info(self) -> DeviceInfo:
        return self._device.info

    def has_output(self, output_type: OutputType) -> bool:
        return self._device.has_output(output_type)

    def has_input(self, input_type: InputType) -> bool:
        return self._device.has_input(input_type)

    def output(
        self,
        output_type: Union[OutputType, str],
        value: Optional[float] = None,
        *,
        steps: Optional[int] = None,
        feature: Optional[int] = None,
        duration_ms: Optional[int] = None,
    ) -> None:
        self._client._run(
            self._device.output(output_type, value, steps=steps, feature=feature, duration_ms=duration_ms)
        )

    def outputs(self, *entries: Tuple[int, Union[OutputType, str], float]) -> None:
        self._client._run(self._device.outputs(*entries))

    def vibrate(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        self._client._run(self._device.vibrate(value, steps=steps, feature=feature))

    def rotate(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        self._client._run(self._device.rotate(value, steps=steps, feature=feature))

    def oscillate(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        self._client._run(self._device.oscillate(value, steps=steps, feature=feature))

    def constrict(self, value: Optional[float] = None, *, steps: Optional[int] = None, feature: Optional[int] = None) -> None:
        self._client._run(self._device.constrict(value, steps=steps, feature=feature))

    def position(
        self,
        value: Optional[float] = None,
        *,
        duration_ms: Optional[int] = None,
        steps: Optional[int] = None,
        feature: Optional[int] = None,
    ) -> None:
        self._client._run(self._device.position(value, duration_ms=duration_ms, steps=steps, feature=feature))

    def stop(self, *, feature: Optional[int] = None) -> None:
        self._client._run(self._device.stop(feature=feature))

    def read(self, input_type: Union[InputType, str], *, feature: Optional[int] = None) -> int:
        return self._client._run(self._device.read(input_type, feature=feature))

    def battery(self) -> float:
        return self._client._run(self._device.battery())

    def subscribe(self, input_type: Union[InputType, str], *, feature: Optional[int] = None) -> None:
        self._client._run(self._device.subscribe(input_type, feature=feature))

    def unsubscribe(self, input_type: Union[InputType, str], *, feature: Optional[int] = None) -> None:
        self._client._run(self._device.unsubscribe(input_type, feature=feature))

    def play(self, source: _playback.Source, **kwargs: Any) -> Playback:
        """Plays one source on one output of this device; see :meth:`plugwire.Device.play`."""
        return Playback(self._client, self._client._run(self._device.play(source, **kwargs)))

    def __repr__(self) -> str:
        return f"<plugwire.sync.Device {self.index}: {self.name!r}>"


class Simulation:
    """Synchronous wrapper of :class:`plugwire.Simulation`."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _sim(self) -> _client.Simulation:
        return self._client._async.simulation

    def add_device(self, device: Union[str, SimulatedDevice]) -> str:
        return self._client._run(self._sim().add_device(device))

    def notify(self, address: str, endpoint: str, data: bytes) -> None:
        self._client._run(self._sim().notify(address, endpoint, data))

    def queue_read(self, address: str, endpoint: str, data: bytes) -> None:
        self._client._run(self._sim().queue_read(address, endpoint, data))

    def drop(self, address: str) -> None:
        self._client._run(self._sim().drop(address))

    def restore(self, address: str) -> None:
        self._client._run(self._sim().restore(address))

    def set_write_fault(self, address: str, fault: Union[WriteFault, str, int], *, delay_ms: int = 0) -> None:
        self._client._run(self._sim().set_write_fault(address, fault, delay_ms=delay_ms))

    def write_log(self, address: str, *, clear: bool = False) -> list[WriteRecord]:
        return self._client._run(self._sim().write_log(address, clear=clear))

    def writes(self, address: str, *, endpoint: Optional[str] = None, clear: bool = False) -> list[bytes]:
        return self._client._run(self._sim().writes(address, endpoint=endpoint, clear=clear))


class Playback:
    """Synchronous wrapper of :class:`plugwire.Playback`; its events also come from
    ``Client.next_event()``."""

    def __init__(self, client: Client, playback: _playback.Playback) -> None:
        self._client = client
        self._playback = playback
        self.id = playback.id

    @property
    def finished(self) -> bool:
        return self._playback.finished

    @property
    def result(self) -> Optional[Union[_playback.PlaybackEnded, _playback.PlaybackStopped]]:
        return self._playback.result

    def wait(self, timeout: Optional[float] = None) -> Union[_playback.PlaybackEnded, _playback.PlaybackStopped]:
        """Blocks until the playback ends or stops (TimeoutError after ``timeout``)."""
        wait = self._client.timeout if timeout is None else timeout
        return self._client._run(self._playback.wait(wait), wait + 1)

    def pause(self) -> None:
        self._client._run(self._playback.pause())

    def resume(self) -> None:
        self._client._run(self._playback.resume())

    def seek(self, media_ms: float) -> None:
        self._client._run(self._playback.seek(media_ms))

    def set_rate(self, rate: float) -> None:
        self._client._run(self._playback.set_rate(rate))

    def sync(self, media_ms: float) -> None:
        self._client._run(self._playback.sync(media_ms))

    def set_offset(self, offset_ms: float) -> None:
        self._client._run(self._playback.set_offset(offset_ms))

    def set_latency(self, device: Union[Device, _client.Device, int], latency_ms: float) -> None:
        target = device._device if isinstance(device, Device) else device
        self._client._run(self._playback.set_latency(target, latency_ms))

    def stop(self) -> None:
        self._client._run(self._playback.stop())

    def __repr__(self) -> str:
        return repr(self._playback).replace("plugwire.Playback", "plugwire.sync.Playback")


__all__ = ["Client", "Device", "Playback", "Simulation", "DEFAULT_TIMEOUT"]
