"""Playback from Python on simulated Lovense toys: patterns and funscripts started on a
device's output, control (pause, seek, rate, sync, offset, latency, stop), events, a client
command refused while the output plays, and every way a playback ends early: a device
stop, stop_all, a disconnect (session end), closing the client, a failing write and a
hanging write; and playback over a websocket to `plugwire serve`."""

from __future__ import annotations

import asyncio
import json

import pytest

import plugwire
from plugwire import (
    Funscript,
    Pattern,
    PlaybackEnded,
    PlaybackPosition,
    PlaybackStarted,
    PlaybackStopped,
    PlaybackTrackStopped,
    StopReason,
    Track,
    WriteFault,
)

from conftest import EDGE, LUSH, NORA, eventually, texts, writes_text

#: 0 -> 100 in 250 ms is a full-speed stroke: a vibrator following its speed gets 20.
SHORT_SCRIPT = {"actions": [{"at": 0, "pos": 0}, {"at": 250, "pos": 100}, {"at": 300, "pos": 100}]}


async def connected(*specs: str, gap_ms: int = 20) -> plugwire.Client:
    client = plugwire.Client("pytest playback")
    await client.__aenter__()
    await client.connect_embedded(simulated=list(specs), default_message_gap_ms=gap_ms)
    await client.scan(timeout=10, count=len(specs))
    return client


async def writes_grow(client: plugwire.Client, address: str, n: int) -> list[str]:
    return await eventually(lambda: _at_least(client, address, n))  # type: ignore[no-any-return]


async def _at_least(client: plugwire.Client, address: str, n: int):  # type: ignore[no-untyped-def]
    w = await texts(client, address)
    return w if len(w) >= n else None


async def next_of(playback: plugwire.Playback, *kinds: type) -> plugwire.PlaybackEvent:
    """The next event of this playback of one of ``kinds`` (positions skipped)."""
    async for event in playback.events():
        if isinstance(event, kinds):
            return event
    raise AssertionError(f"the playback ended without a {kinds}")


async def test_a_pattern_plays_is_controlled_and_stops() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        lush = await client.wait_for_device("Lovense Lush")
        seen: list[plugwire.Event] = []
        client.on_playback = seen.append
        stream = client.events()
        playback = await lush.play(Pattern("saw", period_ms=400), output="vibrate", position_every_ms=50)
        started = await next_of(playback, PlaybackStarted)
        assert started == PlaybackStarted(playback.id, 0.0)
        await next_of(playback, PlaybackPosition)
        w = await writes_grow(client, LUSH, 5)
        # A saw climbs: the values the toy got are not all the same.
        assert len(set(w)) > 2, w

        # The played output refuses the client's commands; the device's stop still wins.
        with pytest.raises(plugwire.DeviceError, match="under playback"):
            await lush.vibrate(1.0)
        # A second playback of the same output is busy.
        with pytest.raises(plugwire.PlaybackError) as busy:
            await lush.play(Pattern("sine"), output="vibrate")
        assert busy.value.code == plugwire.ErrorCode.PLAYBACK_BUSY

        await playback.pause()
        # Paused, a vibrator rests at zero and nothing more is written.
        await eventually(lambda: _last_is(client, LUSH, "Vibrate:0;"))
        paused = len(await texts(client, LUSH))
        await asyncio.sleep(0.15)
        assert len(await texts(client, LUSH)) == paused
        await playback.seek(100)
        await playback.resume()
        await playback.set_rate(2.0)
        await playback.sync(500)
        await playback.set_offset(10)
        await playback.set_latency(lush, 30)
        await writes_grow(client, LUSH, paused + 3)
        assert not playback.finished

        await playback.stop()
        final = await playback.wait(timeout=10)
        assert isinstance(final, PlaybackStopped) and final.reason == StopReason.REQUESTED
        assert playback.result is final and playback.finished
        # A stopped playback stops the vibrator it drove, and writes nothing after.
        await eventually(lambda: _last_is(client, LUSH, "Vibrate:0;"))
        n = len(await texts(client, LUSH))
        await asyncio.sleep(0.15)
        assert len(await texts(client, LUSH)) == n
        # Over: the client drives the output again, and controls name the playback as unknown.
        await lush.vibrate(0.5)
        assert (await texts(client, LUSH))[-1] == "Vibrate:10;"
        with pytest.raises(plugwire.PlaybackError) as unknown:
            await playback.seek(0)
        assert unknown.value.code == plugwire.ErrorCode.PLAYBACK_UNKNOWN

        # The same events reached the client's stream and its on_playback callback.
        from_stream = []
        while True:
            event = await asyncio.wait_for(stream.__anext__(), 5)
            if isinstance(event, plugwire.PlaybackEvent):
                from_stream.append(event)
                if isinstance(event, PlaybackStopped):
                    break
        mine = [e for e in seen if e.playback_id == playback.id]  # type: ignore[attr-defined]
        assert from_stream == mine
        assert isinstance(mine[0], PlaybackStarted) and mine[-1] == final
    finally:
        client.close()


async def _last_is(client: plugwire.Client, address: str, text: str) -> bool:
    w = await texts(client, address)
    return bool(w) and w[-1] == text


async def test_a_funscript_plays_on_whatever_is_connected_and_ends() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        await client.wait_for_device("Lovense Lush")
        playback = await client.play_funscript(SHORT_SCRIPT)
        final = await playback.wait(timeout=10)
        assert final == PlaybackEnded(playback.id)
        events = [e async for e in playback.events()]
        assert isinstance(events[0], PlaybackStarted) and events[-1] == final
        w = await texts(client, LUSH)
        assert "Vibrate:20;" in w, w
        await eventually(lambda: _last_is(client, LUSH, "Vibrate:0;"))
    finally:
        client.close()


async def test_tracks_map_a_funscript_axis_onto_several_outputs() -> None:
    # Two motors of an Edge: one follows V0 directly, the other the speed of L0, inverted.
    script = {
        "actions": [{"at": 0, "pos": 0}, {"at": 250, "pos": 100}, {"at": 400, "pos": 100}],
        "axes": [{"id": "V0", "actions": [{"at": 0, "pos": 50}, {"at": 400, "pos": 50}]}],
    }
    client = await connected(f"LVS-Edge@{EDGE}", gap_ms=0)
    try:
        edge = await client.wait_for_device("Lovense Edge")
        playback = await client.play(
            Track(edge, Funscript(script, axis="vib"), output="vibrate", feature=0),
            Track(edge, Funscript(json.dumps(script)), output="vibrate", feature=1,
                  speed_mode="movement", range=(0.0, 0.5)),
        )
        assert isinstance(await playback.wait(timeout=10), PlaybackEnded)
        w = await texts(client, EDGE)
        # V0 at 50 % of 20 steps; the stroke's full speed in half the range is 10.
        assert "Vibrate1:10;" in w, w
        assert "Vibrate2:10;" in w, w
        assert not any(t.startswith("Vibrate2:") and int(t[9:-1]) > 10 for t in w), w
    finally:
        client.close()


async def test_bad_playbacks_name_what_is_wrong_and_claim_nothing() -> None:
    client = await connected(f"LVS-Lush@{LUSH}", gap_ms=0)
    try:
        lush = await client.wait_for_device("Lovense Lush")
        with pytest.raises(plugwire.InvalidArgumentError, match=r"actions\[0\]\.pos") as bad:
            await lush.play(Funscript({"actions": [{"at": 0, "pos": 300}]}), output="vibrate")
        assert bad.value.code == plugwire.ErrorCode.PLAYBACK_INVALID
        with pytest.raises(plugwire.InvalidArgumentError, match="pattern"):
            await lush.play(Pattern("sine", period_ms=-1))
        with pytest.raises(plugwire.InvalidArgumentError, match="range"):
            await lush.play(Pattern("sine"), range=(0.9, 0.1))
        with pytest.raises(ValueError, match="unknown waveform"):
            await lush.play(Pattern("wobble"))
        with pytest.raises(plugwire.PlugwireError, match="no rotate output"):
            await lush.play(Pattern("sine"), output="rotate")
        with pytest.raises(plugwire.UnknownDeviceError):
            await client.play(Track(9, Pattern("sine"), output="vibrate", feature=0))
        with pytest.raises(TypeError):
            await client.play()
        # Nothing was claimed by the refused starts.
        await lush.vibrate(0.5)
        assert (await texts(client, LUSH))[-1] == "Vibrate:10;"
    finally:
        client.close()


async def test_a_device_stop_and_stop_all_end_the_playback() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        lush = await client.wait_for_device("Lovense Lush")
        for stop in (lush.stop, client.stop_all):
            playback = await lush.play(Pattern("square", period_ms=100))
            await writes_grow(client, LUSH, len(await texts(client, LUSH)) + 3)
            await stop()
            # The stop is the toy's last write: nothing of the playback follows it.
            w = await texts(client, LUSH)
            assert w[-1] == "Vibrate:0;", w
            track = await next_of(playback, PlaybackTrackStopped)
            assert track.reason == StopReason.DEVICE_STOPPED  # type: ignore[attr-defined]
            final = await playback.wait(timeout=10)
            assert isinstance(final, PlaybackStopped) and final.reason == StopReason.DEVICE_STOPPED
            await asyncio.sleep(0.15)
            assert await texts(client, LUSH) == w
    finally:
        client.close()


async def test_session_end_during_playback_stops_the_toy() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        lush = await client.wait_for_device("Lovense Lush")
        playback = await lush.play(Pattern("square", period_ms=100))
        await writes_grow(client, LUSH, 3)
        await client.disconnect()
        w = await texts(client, LUSH)
        assert w[-1] == "Vibrate:0;", w
        await asyncio.sleep(0.15)
        assert await texts(client, LUSH) == w, "nothing after the session's stop"
        # The playback is over, one way or the other, without waiting for its end.
        try:
            final = await playback.wait(timeout=5)
            assert isinstance(final, PlaybackStopped), final
        except plugwire.ClientClosedError:
            pass
    finally:
        client.close()


async def test_closing_the_client_during_playback_ends_it() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    lush = await client.wait_for_device("Lovense Lush")
    playback = await lush.play(Pattern("sine", period_ms=200))
    await writes_grow(client, LUSH, 3)
    waiter = asyncio.ensure_future(playback.wait())
    events = [e async for e in _drain_after(playback, client)]
    assert events, "the event iterator ended"
    with pytest.raises(plugwire.ClientClosedError):
        await waiter
    assert playback.finished


async def _drain_after(playback: plugwire.Playback, client: plugwire.Client):  # type: ignore[no-untyped-def]
    closed = False
    async for event in playback.events():
        yield event
        if not closed:
            closed = True
            client.close()


async def test_a_failing_write_is_retried_and_a_hanging_write_ends_the_playback() -> None:
    client = await connected(f"LVS-Lush@{LUSH}")
    try:
        lush = await client.wait_for_device("Lovense Lush")
        playback = await lush.play(Pattern("saw", period_ms=300))
        await writes_grow(client, LUSH, 3)
        # Failing writes reach nothing, but the playback goes on and writes again once
        # the toy heals.
        await client.simulation.set_write_fault(LUSH, WriteFault.FAIL)
        await asyncio.sleep(0.2)
        assert not playback.finished
        before = len(await texts(client, LUSH))
        await client.simulation.set_write_fault(LUSH, WriteFault.NONE)
        await writes_grow(client, LUSH, before + 3)
        assert not playback.finished
        # A hanging write loses the device after the hardware timeout: its track ends.
        await client.simulation.set_write_fault(LUSH, WriteFault.HANG)
        track = await asyncio.wait_for(next_of(playback, PlaybackTrackStopped), 30)
        assert track.reason in (StopReason.DEVICE_REMOVED, StopReason.WRITE_FAILED), track  # type: ignore[attr-defined]
        final = await playback.wait(timeout=10)
        assert isinstance(final, PlaybackStopped), final
    finally:
        client.close()


async def test_playback_over_a_websocket_plays_and_a_device_stop_ends_it(serve_nora) -> None:  # type: ignore[no-untyped-def]
    # Over a websocket the player runs in the library and writes output commands to the
    # server: the same API, with the claims kept in the client.
    async with plugwire.Client("pytest playback ws") as client:
        await client.connect_websocket(serve_nora.url)
        await client.start_scanning()
        nora = await client.wait_for_device("Lovense Nora", timeout=10)
        playback = await nora.play(Pattern("saw", period_ms=300), output="vibrate", position_every_ms=50)
        assert isinstance(await next_of(playback, PlaybackStarted), PlaybackStarted)
        await next_of(playback, PlaybackPosition)
        with pytest.raises(plugwire.DeviceError, match="under playback"):
            await nora.vibrate(1.0)
        await playback.pause()
        await playback.seek(100)
        await playback.resume()
        await playback.set_rate(2.0)
        await playback.sync(500)
        await next_of(playback, PlaybackPosition)
        # Long enough for several slots to reach the toy (its log is read at the end).
        await asyncio.sleep(0.5)
        assert not playback.finished
        await nora.stop()
        final = await playback.wait(timeout=10)
        assert isinstance(final, PlaybackStopped) and final.reason == StopReason.DEVICE_STOPPED, final
        await nora.vibrate(0.5)
        await nora.stop()
    w = serve_nora.writes(NORA)
    # The saw reached the toy, the device stop came after its last value, and then only
    # the client's own commands.
    assert len({x for x in w if x.startswith("Vibrate:")}) > 2, w
    assert w[-4:] == ["Vibrate:0;", "Rotate:0;", "Vibrate:10;", "Vibrate:0;"], w


def test_sync_playback() -> None:
    import plugwire.sync

    with plugwire.sync.Client("sync playback", timeout=20) as client:
        client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}", f"LVS-Edge@{EDGE}"], default_message_gap_ms=20)
        client.start_scanning()
        lush = client.wait_for_device("Lovense Lush", timeout=10)
        edge = client.wait_for_device("Lovense Edge", timeout=10)
        playback = lush.play(Pattern("square", period_ms=100), output="vibrate")
        playback.set_rate(2.0)
        both = client.play(
            Track(edge, Pattern("sine", period_ms=200), output="vibrate", feature=0),
            Track(edge, Funscript(SHORT_SCRIPT), output="vibrate", feature=1, speed_mode="movement"),
        )
        lush.stop()
        final = playback.wait(timeout=10)
        assert isinstance(final, PlaybackStopped) and final.reason == StopReason.DEVICE_STOPPED
        assert playback.finished and playback.result is final
        both.stop()
        assert isinstance(both.wait(timeout=10), PlaybackStopped)
        w = writes_text(client.simulation.writes(LUSH))
        assert w[-1] == "Vibrate:0;", w
