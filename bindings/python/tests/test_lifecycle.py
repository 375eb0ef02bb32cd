"""Concurrency and life cycle: many commands at once, many clients, closing with requests
in flight, garbage collection, cancellation; no callback context or native client leaks."""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import threading
import time

import plugwire
from plugwire import _native

from conftest import LUSH, NORA, eventually, texts


def native_threads() -> int:
    return len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else threading.active_count()


def rss_kib() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def test_100_concurrent_commands() -> None:
    async with plugwire.Client("concurrent") as client:
        await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}", f"LVS-Nora@{NORA}"], default_message_gap_ms=0)
        await client.scan(timeout=10, count=2)
        lush = await client.wait_for_device("Lovense Lush")
        nora = await client.wait_for_device("Lovense Nora")

        async def command(i: int) -> None:
            if i % 2:
                await lush.vibrate(steps=i % 20 + 1)
            else:
                await nora.rotate(steps=(i % 40) - 20)

        await asyncio.gather(*(asyncio.create_task(command(i)) for i in range(100)))
        assert _native.pending_contexts()[0] == 0
        # Every command was answered after its value (or a newer one) was written; the toy
        # ends with a value from the last batch.
        lush_writes = await texts(client, LUSH)
        assert lush_writes and all(w.startswith("Vibrate:") for w in lush_writes)
        await lush.vibrate(steps=7)
        assert (await texts(client, LUSH))[-1] == "Vibrate:7;"


async def test_open_and_close_200_clients() -> None:
    assert _native.live_clients() == 0
    base_threads = native_threads()
    rss_after_warmup = 0
    for i in range(200):
        async with plugwire.Client(f"client {i}") as client:
            await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"], default_message_gap_ms=0)
            if i % 10 == 0:
                await client.scan(timeout=10, count=1)
                lush = await client.wait_for_device()
                await lush.vibrate(0.5)
        assert client.closed
        if i == 49:
            gc.collect()
            rss_after_warmup = rss_kib()
    gc.collect()
    assert _native.live_clients() == 0
    assert _native.pending_contexts() == (0, 0)
    # The library's runtime stops with its last client: no thread is left behind.
    await eventually(lambda: native_threads() <= base_threads + 1, timeout=10)
    growth = rss_kib() - rss_after_warmup
    assert growth < 32 * 1024, f"RSS grew by {growth} KiB over 150 clients"


async def test_many_clients_at_once() -> None:
    clients = [plugwire.Client(f"c{i}") for i in range(20)]
    try:
        await asyncio.gather(*(c.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"]) for c in clients))
        assert _native.live_clients() == 20
    finally:
        for c in clients:
            c.close()
    assert _native.live_clients() == 0


async def test_close_with_requests_in_flight() -> None:
    client = plugwire.Client("in flight")
    await client.__aenter__()
    await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"])
    await client.scan(timeout=10, count=1)
    lush = await client.wait_for_device()
    # Each write takes a second, so the commands are still waiting for theirs at close
    # however long this process is held up (the toy's 75 ms gap alone was not enough on a
    # loaded machine).
    await client.simulation.set_write_fault(LUSH, plugwire.WriteFault.DELAY, delay_ms=1000)
    tasks = [asyncio.create_task(lush.vibrate(steps=i % 20)) for i in range(200)]
    await asyncio.sleep(0.01)
    # Behind the slow write the commands coalesce: most are still waiting for the write.
    assert sum(t.done() for t in tasks) < len(tasks), "requests were in flight at close"
    started = time.monotonic()
    client.close()
    # Requests of one client run one after the other in the library, and the free waits
    # for them at most 5 s (its disconnect timeout): bounded, never a hang.
    assert time.monotonic() - started < 10
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)
    # Each got its answer: done (the closing stop supersedes a pending value, which counts
    # as written) or ClientClosedError; none is left hanging.
    failures = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, plugwire.ClientClosedError) for r in failures), failures[:3]
    assert len(results) == 200
    assert _native.pending_contexts() == (0, 0)
    assert _native.live_clients() == 0


async def test_garbage_collection_frees_the_native_client() -> None:
    async def session() -> None:
        client = plugwire.Client("forgotten")
        await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"])
        await client.scan(timeout=10, count=1)
        assert _native.live_clients() == 1

    await session()
    gc.collect()
    await eventually(lambda: _native.live_clients() == 0)
    assert _native.pending_contexts() == (0, 0)


async def test_cancellation_closes_the_client() -> None:
    started = asyncio.Event()
    holder: list[plugwire.Client] = []

    async def session() -> None:
        async with plugwire.Client("cancelled") as client:
            holder.append(client)
            await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"])
            await client.scan(timeout=10, count=1)
            await (await client.wait_for_device()).vibrate(1.0)
            started.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(session())
    await asyncio.wait_for(started.wait(), 10)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert holder[0].closed
    assert _native.live_clients() == 0


async def test_event_stream_ends_when_the_client_closes() -> None:
    client = plugwire.Client("stream")
    await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"])
    seen: list[plugwire.Event] = []

    async def consume() -> None:
        async for event in client.events():
            seen.append(event)

    consumer = asyncio.create_task(consume())
    await client.scan(timeout=10, count=1)
    await eventually(lambda: any(isinstance(e, plugwire.DeviceAdded) for e in seen))
    client.close()
    await asyncio.wait_for(consumer, 5)
    assert isinstance(seen[0], plugwire.DeviceAdded)


async def test_callback_exceptions_do_not_break_the_client() -> None:
    errors: list[dict] = []  # type: ignore[type-arg]
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: errors.append(ctx))
    async with plugwire.Client("bad callbacks") as client:

        def bad(_event: plugwire.Event) -> None:
            raise RuntimeError("callback bug")

        async def bad_async(_event: plugwire.Event) -> None:
            raise RuntimeError("async callback bug")

        client.on_device_added = bad
        client.on_event = bad_async
        await client.connect_embedded(simulated=[f"LVS-Lush@{LUSH}"], default_message_gap_ms=0)
        await client.scan(timeout=10, count=1)
        lush = await client.wait_for_device()
        await lush.vibrate(0.5)
        await eventually(lambda: len(errors) >= 2)
        assert {str(e["exception"]) for e in errors} == {"callback bug", "async callback bug"}


async def test_a_client_belongs_to_one_loop() -> None:
    client = plugwire.Client("loop bound")
    await client.connect_embedded(simulated=True)
    result: list[BaseException] = []

    def other_thread() -> None:
        async def use() -> None:
            await client.stop_all()

        try:
            asyncio.run(use())
        except BaseException as e:  # noqa: BLE001
            result.append(e)

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    client.close()
    assert isinstance(result[0], RuntimeError) and "another event loop" in str(result[0])
