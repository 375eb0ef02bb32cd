using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>CloseAsync: the release that never blocks its caller (plugwire_client_close).</summary>
    [TestFixture]
    public class CloseTests
    {
        /// <summary>A Galaku whose battery notifications arrive as InputReading events.</summary>
        private static async Task<PlugwireClient> Reading(Action<InputReadingEventArgs> onReading)
        {
            var client = await H.Connected(EmbeddedTests.GalakuOptions(), 1);
            client.InputReadingReceived += (s, e) => onReading(e);
            await client.Devices[0].SubscribeAsync(1, InputType.Battery);
            return client;
        }

        [Test]
        public async Task CloseWithRequestsInFlightAndEventsArriving()
        {
            int contexts = PlugwireLibrary.LiveNativeContexts;
            for (int round = 0; round < 10; round++)
            {
                int readings = 0;
                var closeTask = new TaskCompletionSource<Task>();
                int afterClose = 0;
                PlugwireClient client = null;
                client = await Reading(e =>
                {
                    Interlocked.Increment(ref readings);
                    if (closeTask.Task.IsCompleted && closeTask.Task.Result.IsCompleted) Interlocked.Increment(ref afterClose);
                });
                var toy = client.Devices[0];
                // Readings keep coming and 200 commands wait for replies as the client closes.
                var inFlight = new List<Task>();
                for (int i = 0; i < 100; i++)
                {
                    inFlight.Add(client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new[] { (byte)i }));
                    inFlight.Add(toy.RunOutputAsync(0, OutputType.Vibrate, (i % 10) / 10.0));
                }
                await H.Eventually(() => Volatile.Read(ref readings) > 0, "readings arriving");
                Task closed = client.CloseAsync();
                closeTask.SetResult(closed);
                Assert.Throws<ObjectDisposedException>(() => toy.RunOutputAsync(0, OutputType.Vibrate, 0.5), "a command after CloseAsync returned");
                Assert.True(await Task.WhenAny(closed, Task.Delay(10000)) == closed, "the close completed (round " + round + ")");
                foreach (var t in inFlight)
                {
                    try { await t; }
                    catch (ObjectDisposedException) { }
                }
                await Task.Delay(100);
                Assert.Equal(0, Volatile.Read(ref afterClose), "no handler after the close completed");
                Assert.Equal(contexts, PlugwireLibrary.LiveNativeContexts, "every GCHandle freed when the close completed");
            }
        }

        [Test]
        public async Task CloseReturnsAtOnceOnASingleThreadedHost()
        {
            // A Unity-like main thread raises the events; it closes the client while they
            // keep coming and stays free to run its loop (here: the handlers themselves).
            using (var context = new SingleThreadContext())
            {
                var client = context.Run(() => new PlugwireClient("main thread"));
                int readings = 0;
                client.InputReadingReceived += (s, e) => Interlocked.Increment(ref readings);
                await client.ConnectEmbeddedAsync(EmbeddedTests.GalakuOptions());
                await client.StartScanningAsync();
                await H.Eventually(() => client.Devices.Length == 1, "the toy");
                await client.Devices[0].SubscribeAsync(1, InputType.Battery);
                var notes = Enumerable.Range(0, 50).Select(i => client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new[] { (byte)i })).ToList();
                await H.Eventually(() => Volatile.Read(ref readings) > 0, "readings arriving");
                Task closed = context.Run(() => client.CloseAsync());
                Assert.Equal(7, context.Run(() => 7), "the main thread runs on while the client closes");
                Assert.True(await Task.WhenAny(closed, Task.Delay(10000)) == closed, "the close completed");
                foreach (var t in notes)
                {
                    try { await t; }
                    catch (ObjectDisposedException) { }
                }
                Assert.True(!client.Connected, "not connected");
            }
        }

        [Test]
        public async Task CloseInsideHandlerTwiceAndCallsAfterClose()
        {
            var client = new PlugwireClient("close-in-handler");
            var closedInside = new TaskCompletionSource<Task>();
            int after = 0;
            client.DeviceAdded += (s, e) =>
            {
                if (closedInside.Task.IsCompleted) { Interlocked.Increment(ref after); return; }
                Task first = client.CloseAsync();
                Task second = client.CloseAsync();
                // The handler is still running, so the close cannot have completed.
                closedInside.TrySetResult(first == second && !first.IsCompleted ? first : null);
            };
            var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
            options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
            options.SimulatedDevices.Add(Toys.Sim("LVS-Nora", Toys.Nora));
            await client.ConnectEmbeddedAsync(options);
            try { await client.StartScanningAsync(); }
            catch (ObjectDisposedException) { }
            Assert.True(await Task.WhenAny(closedInside.Task, Task.Delay(10000)) == closedInside.Task, "closed inside the handler");
            Task closed = closedInside.Task.Result;
            Assert.True(closed != null, "both calls in the handler returned the same pending completion");
            Assert.True(await Task.WhenAny(closed, Task.Delay(10000)) == closed, "the close completed after the handler returned");
            Assert.True(client.CloseAsync() == closed, "a third call: the same completion");
            Assert.True(client.DisposeAsync() == closed, "DisposeAsync: the same completion");
            client.Dispose(); // returns at once: already closed
            await Task.Delay(200);
            Assert.Equal(0, Volatile.Read(ref after), "no handler after CloseAsync");
            Assert.True(!client.Connected, "not connected");
            Assert.Throws<ObjectDisposedException>(() => client.StartScanningAsync(), "requests after CloseAsync");
            Assert.Throws<ObjectDisposedException>(() => client.DisconnectAsync(), "disconnect after CloseAsync");
        }

        [Test]
        public async Task PollEventsAfterCloseThrows()
        {
            var client = new PlugwireClient("pull close", pullMode: true);
            var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
            options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
            await client.ConnectEmbeddedAsync(options);
            await client.StartScanningAsync();
            // Events are queued, and a PollEvents blocked on another thread, as the client closes.
            var poller = Task.Run(() => { try { while (true) client.PollEvents(50); } catch (ObjectDisposedException) { return true; } });
            await Task.Delay(50);
            await client.CloseAsync();
            Assert.True(await Task.WhenAny(poller, Task.Delay(10000)) == poller && poller.Result, "the polling thread got ObjectDisposedException");
            Assert.Throws<ObjectDisposedException>(() => Task.FromResult(client.PollEvents()), "PollEvents after CloseAsync");
            await client.CloseAsync();
        }

        [Test]
        public async Task DisposeAfterCloseWaitsForIt()
        {
            int contexts = PlugwireLibrary.LiveNativeContexts;
            var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush));
            var pending = Enumerable.Range(0, 100).Select(i => client.Devices[0].VibrateAsync((i % 10) / 10.0)).ToList();
            Task closed = client.CloseAsync();
            client.Dispose();
            Assert.True(closed.IsCompleted, "Dispose returned after the close completed");
            Assert.Equal(contexts, PlugwireLibrary.LiveNativeContexts, "every GCHandle freed");
            foreach (var t in pending)
            {
                try { await t; }
                catch (ObjectDisposedException) { }
            }
        }

        [Test]
        public async Task ShutdownWaitsForTheCompletionOfACloseUnderWay()
        {
            // Unity leaving play mode: OnDestroy calls CloseAsync, then the lifecycle helper
            // shuts the library down before the domain reloads; the close's completion (a
            // callback into managed code) must have run by then.
            int contexts = PlugwireLibrary.LiveNativeContexts;
            for (int round = 0; round < 10; round++)
            {
                var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush));
                var pending = Enumerable.Range(0, 50).Select(i => client.Devices[0].VibrateAsync((i % 10) / 10.0)).ToList();
                Task closed = client.CloseAsync();
                PlugwireLibrary.Shutdown();
                Assert.Equal(contexts, PlugwireLibrary.LiveNativeContexts, "the close's completion ran before Shutdown returned (round " + round + ")");
                await closed;
                foreach (var t in pending)
                {
                    try { await t; }
                    catch (ObjectDisposedException) { }
                }
            }
        }
    }
}
