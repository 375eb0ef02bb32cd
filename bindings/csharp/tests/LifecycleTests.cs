using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>A SynchronizationContext with one thread of its own, like a UI or Unity main thread.</summary>
    public sealed class SingleThreadContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<KeyValuePair<SendOrPostCallback, object>> _queue = new BlockingCollection<KeyValuePair<SendOrPostCallback, object>>();
        public readonly Thread Thread;
        public int Posted;

        public SingleThreadContext()
        {
            Thread = new Thread(() =>
            {
                SetSynchronizationContext(this);
                foreach (var item in _queue.GetConsumingEnumerable()) item.Key(item.Value);
            }) { IsBackground = true, Name = "test main thread" };
            Thread.Start();
        }

        public override void Post(SendOrPostCallback d, object state)
        {
            Interlocked.Increment(ref Posted);
            _queue.Add(new KeyValuePair<SendOrPostCallback, object>(d, state));
        }

        /// <summary>Runs a function on the context's thread and returns its result.</summary>
        public T Run<T>(Func<T> f)
        {
            var tcs = new TaskCompletionSource<T>();
            _queue.Add(new KeyValuePair<SendOrPostCallback, object>(_ => { try { tcs.SetResult(f()); } catch (Exception e) { tcs.SetException(e); } }, null));
            return tcs.Task.Result;
        }

        public void Dispose() { _queue.CompleteAdding(); }
    }

    [TestFixture]
    public class ThreadTests
    {
        [Test]
        public async Task EventsRaisedOnCapturedSynchronizationContext()
        {
            using (var context = new SingleThreadContext())
            {
                var client = context.Run(() => new PlugwireClient("context"));
                try
                {
                    var threads = new ConcurrentBag<int>();
                    client.DeviceAdded += (s, e) => threads.Add(Thread.CurrentThread.ManagedThreadId);
                    client.ScanningFinished += (s, e) => threads.Add(Thread.CurrentThread.ManagedThreadId);
                    var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
                    options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                    options.SimulatedDevices.Add(Toys.Sim("LVS-Nora", Toys.Nora));
                    await client.ConnectEmbeddedAsync(options);
                    await client.StartScanningAsync();
                    await client.StopScanningAsync();
                    await H.Eventually(() => threads.Count == 2, "two DeviceAdded (a stopped scan sends no ScanningFinished)");
                    Assert.True(threads.All(id => id == context.Thread.ManagedThreadId), "every event on the context's thread");
                    Assert.True(context.Posted >= 2, "posted through the context");
                }
                finally
                {
                    client.Dispose();
                }
            }
        }

        [Test]
        public async Task EventsWithoutContextRunOnThreadPoolInOrder()
        {
            SynchronizationContext.SetSynchronizationContext(null);
            using (var client = await H.Connected(EmbeddedTests.GalakuOptions(), 1))
            {
                var values = new List<int>();
                bool onPool = true;
                client.InputReadingReceived += (s, e) =>
                {
                    onPool &= Thread.CurrentThread.IsThreadPoolThread;
                    lock (values) values.Add(e.Value);
                };
                var toy = H.Device(client, "Galaku Shana");
                await toy.SubscribeAsync(1, InputType.Battery);
                for (int i = 0; i < 50; i++) await client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new[] { (byte)i });
                await H.Eventually(() => { lock (values) return values.Count == 50; }, "50 readings");
                lock (values) Assert.Sequence(Enumerable.Range(0, 50), values, "readings in order");
                Assert.True(onPool, "handlers ran on the thread pool");
            }
        }

        [Test]
        public async Task PullModeRaisesOnCallerThread()
        {
            using (var client = new PlugwireClient("pull", pullMode: true))
            {
                var seen = new List<string>();
                int thread = Thread.CurrentThread.ManagedThreadId;
                bool sameThread = true;
                client.DeviceAdded += (s, e) => { sameThread &= Thread.CurrentThread.ManagedThreadId == thread; seen.Add(e.Device.Name); };
                client.ScanningFinished += (s, e) => { sameThread &= Thread.CurrentThread.ManagedThreadId == thread; seen.Add("finished"); };
                var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
                options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                client.ConnectEmbeddedAsync(options).Wait();
                client.StartScanningAsync().Wait();
                client.StopScanningAsync().Wait();
                // Nothing is raised until the host polls.
                Thread.Sleep(200);
                Assert.Equal(0, seen.Count, "nothing raised before PollEvents");
                var watch = Stopwatch.StartNew();
                while (!seen.Contains("Lovense Lush") && watch.Elapsed.TotalSeconds < 10)
                {
                    client.PollEvents(50);
                }
                Assert.True(sameThread, "raised on the polling thread");
                // A stopped scan sends no ScanningFinished (as in the reference).
                Assert.Sequence(new[] { "Lovense Lush" }, seen, "events");
                Assert.Equal(1, client.Devices.Length, "Devices filled by PollEvents");
                Assert.Equal(0, client.PollEvents(0), "nothing left");
                await client.Devices[0].VibrateAsync(0.5);
                Assert.Sequence(new[] { "Vibrate:10;" }, await H.Texts(client, Toys.Lush));
            }
        }

        [Test]
        public void PollEventsNeedsPullMode()
        {
            using (var client = new PlugwireClient())
            {
                try
                {
                    client.PollEvents();
                }
                catch (InvalidOperationException)
                {
                    return;
                }
                throw new AssertionException("expected InvalidOperationException");
            }
        }

        [Test]
        public async Task HandlerExceptionsGoToErrorReceived()
        {
            using (var client = new PlugwireClient())
            {
                var errors = new List<Exception>();
                client.DeviceAdded += (s, e) => { throw new InvalidOperationException("handler bug"); };
                client.ErrorReceived += (s, e) => { lock (errors) errors.Add(e.Exception); };
                var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
                options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                await client.ConnectEmbeddedAsync(options);
                await client.StartScanningAsync();
                await H.Eventually(() => { lock (errors) return errors.Count == 1; }, "the handler's exception reported");
                lock (errors)
                {
                    Assert.True(errors[0] is PlugwireHandlerException, "wrapped");
                    Assert.True(errors[0].InnerException is InvalidOperationException, "the handler's exception inside");
                }
                // The client still works.
                await client.Devices[0].VibrateAsync(0.5);
            }
        }
    }

    [TestFixture]
    public class LifecycleTests
    {
        [Test]
        public async Task DisposeInsideHandlerAndTwice()
        {
            var client = new PlugwireClient("dispose-in-handler");
            var disposedInside = new TaskCompletionSource<bool>();
            int after = 0;
            client.DeviceAdded += (s, e) =>
            {
                if (disposedInside.Task.IsCompleted) { Interlocked.Increment(ref after); return; }
                client.Dispose();
                client.Dispose();
                disposedInside.TrySetResult(true);
            };
            client.InputReadingReceived += (s, e) => Interlocked.Increment(ref after);
            var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
            options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
            options.SimulatedDevices.Add(Toys.Sim("LVS-Nora", Toys.Nora));
            await client.ConnectEmbeddedAsync(options);
            // The toys are offered as soon as the scan starts, so the handler may dispose the
            // client before the scan's own reply arrives: a request pending at Dispose fails
            // with ObjectDisposedException (ClientCore.Close), the one other allowed outcome.
            try { await client.StartScanningAsync(); }
            catch (ObjectDisposedException) { }
            Assert.True(await Task.WhenAny(disposedInside.Task, Task.Delay(10000)) == disposedInside.Task, "disposed inside the handler");
            client.Dispose();
            await Task.Delay(200);
            Assert.Equal(0, Volatile.Read(ref after), "no handler after Dispose");
            Assert.True(!client.Connected, "not connected");
            Assert.Throws<ObjectDisposedException>(() => client.StartScanningAsync(), "requests after Dispose");
        }

        [Test]
        public async Task ConcurrentDisposeReturnsWhenClosed()
        {
            int contexts = PlugwireLibrary.LiveNativeContexts;
            for (int round = 0; round < 20; round++)
            {
                var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush));
                await client.Devices[0].VibrateAsync(0.5);
                var start = new ManualResetEventSlim(false);
                var closedWhenReturned = new bool[4];
                var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
                {
                    start.Wait();
                    client.Dispose();
                    closedWhenReturned[i] = PlugwireLibrary.LiveNativeContexts == contexts;
                })).ToList();
                threads.ForEach(t => t.Start());
                start.Set();
                threads.ForEach(t => t.Join());
                Assert.True(closedWhenReturned.All(c => c), "every Dispose returned after the native client was closed (round " + round + ")");
            }
        }

        [Test]
        public async Task DisposeWithRequestsInFlight()
        {
            var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush));
            var lush = client.Devices[0];
            int before = PlugwireLibrary.LiveNativeContexts;
            var tasks = Enumerable.Range(0, 200).Select(i => lush.VibrateAsync((i % 20) / 20.0)).ToArray();
            client.Dispose();
            foreach (var t in tasks)
            {
                try { await t; }
                catch (ObjectDisposedException) { }
            }
            Assert.Equal(0, PlugwireLibrary.LiveNativeContexts, "every GCHandle freed (had " + before + ")");
        }

        [Test]
        public void DisposeStopsToys()
        {
            ReleaseStopsToys(c => c.Dispose());
        }

        [Test]
        public void CloseAsyncStopsToys()
        {
            ReleaseStopsToys(c => c.CloseAsync().Wait());
        }

        internal static void ReleaseStopsToys(Action<PlugwireClient> release)
        {
            // The toy lives in a `plugwire serve` process so its log outlives the client:
            // the zero written when the first client is disposed comes before what a second
            // client sends, so it is the Dispose's stop and not the server's shutdown stop.
            using (var serve = new Serve("LVS-Lush@" + Toys.Lush))
            {
                var first = new PlugwireClient("first");
                try
                {
                    first.ConnectAsync(serve.Url).Wait();
                    first.StartScanningAsync().Wait();
                    H.Eventually(() => first.Devices.Length == 1, "the served toy").Wait();
                    first.Devices[0].VibrateAsync(1.0).Wait();
                }
                finally
                {
                    release(first);
                }

                using (var second = new PlugwireClient("second"))
                {
                    H.ConnectWhenFree(second, serve.Url).Wait();
                    second.StartScanningAsync().Wait();
                    H.Eventually(() => second.Devices.Length == 1, "the served toy again").Wait();
                    second.Devices[0].VibrateAsync(0.25).Wait();
                }
                var texts = serve.Writes(Toys.Lush).Where(t => t.StartsWith("Vibrate"));
                Assert.Sequence(new[] { "Vibrate:20;", "Vibrate:0;", "Vibrate:5;", "Vibrate:0;" }, texts, "what the served toy got");
            }
        }

        [Test(TimeoutSeconds = 600)]
        public async Task ThousandCyclesLeakNothing()
        {
            // Warm up (the thread pool and the runtime's first start), then measure.
            for (int i = 0; i < 20; i++) await Cycle(i);
            Collect();
            int contexts = PlugwireLibrary.LiveNativeContexts;
            int threads = H.ThreadCount();
            int handles = H.HandleCount();
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 1000; i++)
            {
                await Cycle(i);
                if (i % 100 == 99) Collect();
            }
            Collect();
            await Task.Delay(200);
            int threadsAfter = H.ThreadCount();
            int handlesAfter = H.HandleCount();
            Console.WriteLine("    1000 cycles in " + watch.Elapsed.TotalSeconds.ToString("F1") + " s; threads " + threads + " -> " + threadsAfter + ", fds " + handles + " -> " + handlesAfter);
            Assert.True(threadsAfter <= threads + 2, "threads did not grow: " + threads + " -> " + threadsAfter);
            Assert.True(handlesAfter <= handles + 2, "file handles did not grow: " + handles + " -> " + handlesAfter);
            Assert.Equal(contexts, PlugwireLibrary.LiveNativeContexts, "no GCHandle left");
        }

        private static async Task Cycle(int i)
        {
            var client = new PlugwireClient("cycle");
            try
            {
                var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
                options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                await client.ConnectEmbeddedAsync(options);
                if (i % 10 == 0)
                {
                    await client.StartScanningAsync();
                    await H.Eventually(() => client.Devices.Length == 1, "the toy");
                    await client.Devices[0].VibrateAsync(0.5);
                }
            }
            finally
            {
                client.Dispose();
            }
        }

        private static void Collect()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        [Test]
        public async Task FinalizerClosesInTheBackground()
        {
            // The finalizer itself, called directly (deterministic): it must return at once
            // and leave closing the native client (which stops the toys) to another thread.
            int contexts = PlugwireLibrary.LiveNativeContexts;
            var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush));
            var finalize = typeof(PlugwireClient).GetMethod("Finalize", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
            int thread = Thread.CurrentThread.ManagedThreadId;
            finalize.Invoke(client, null);
            await H.Eventually(() => PlugwireLibrary.LiveNativeContexts == contexts, "the native client closed in the background");
            Assert.Throws<ObjectDisposedException>(() => client.StartScanningAsync(), "the closed client refuses requests");
            client.Dispose();
            GC.SuppressFinalize(client);
        }

        [Test(TimeoutSeconds = 180)]
        public async Task AbandonedClientIsCollectedAndClosed()
        {
            // In a fresh process, up to five times: Mono scans thread stacks conservatively,
            // so a stale stack slot can keep an abandoned client reachable now and then;
            // that is Mono's GC, not a reference the binding holds (the deterministic
            // FinalizerClosesInTheBackground checks the finalizer itself). Before replies
            // and events left the library's callback thread at once, that thread's stack
            // kept the client reachable in every run.
            string result = "";
            for (int attempt = 0; attempt < 5; attempt++)
            {
                result = await ChildProcesses.Start("abandoned");
                if (result.Contains("collected and closed")) return;
                Assert.True(result.Contains("still alive"), "the child ran: " + result);
            }
            throw new AssertionException("an abandoned client was never collected in five fresh processes: " + result);
        }

        [Test]
        public async Task ProcessExitsPromptlyWithoutDispose()
        {
            // A client left open when Main returns: the library is shut down at exit (toys
            // stopped, threads ended) instead of the process hanging in finalization.
            var watch = Stopwatch.StartNew();
            string result = await ChildProcesses.Start("exit-without-dispose");
            Assert.True(result.Contains("returning from Main") && result.Contains("(exit 0)"), "the child ran: " + result);
            Assert.True(watch.Elapsed.TotalSeconds < 10, "the child exited promptly (" + watch.Elapsed.TotalSeconds.ToString("F1") + " s including mono's start)");
        }

        [Test(TimeoutSeconds = 120)]
        public async Task GcStormWhileCallbacksFire()
        {
            int contexts = PlugwireLibrary.LiveNativeContexts;
            using (var client = await H.Connected(EmbeddedTests.GalakuOptions(), 1))
            {
                int readings = 0;
                client.InputReadingReceived += (s, e) => Interlocked.Increment(ref readings);
                var toy = client.Devices[0];
                await toy.SubscribeAsync(1, InputType.Battery);
                var stop = new CancellationTokenSource();
                int collections = 0;
                var storm = Task.Run(() =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        Interlocked.Increment(ref collections);
                        var garbage = new byte[1000][];
                        for (int i = 0; i < garbage.Length; i++) garbage[i] = new byte[100];
                    }
                });
                // Commands and notifications (each an InputReading event) until the GC has run
                // at least 20 times under them, and at least 400 rounds.
                int rounds = 0;
                var replies = new List<Task>();
                var watch = Stopwatch.StartNew();
                while ((rounds < 400 || Volatile.Read(ref collections) < 20) && watch.Elapsed.TotalSeconds < 60)
                {
                    replies.Add(client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new[] { (byte)(rounds % 100) }));
                    replies.Add(toy.RunOutputAsync(0, OutputType.Vibrate, (rounds % 10) / 10.0));
                    rounds++;
                    if (rounds % 50 == 0) await Task.WhenAll(replies);
                }
                await Task.WhenAll(replies);
                await H.Eventually(() => Volatile.Read(ref readings) == rounds, "every reading", 30);
                stop.Cancel();
                await storm;
                Assert.True(collections >= 20, "the GC ran during the test (" + collections + " times in " + rounds + " rounds)");
            }
            Assert.Equal(contexts, PlugwireLibrary.LiveNativeContexts, "no GCHandle left");
        }

        [Test]
        public async Task ProcessExitsPromptlyAfterLastDispose()
        {
            string exe = typeof(LifecycleTests).Assembly.Location;
            var info = new ProcessStartInfo("mono", "\"" + exe + "\" --child exit-after-dispose")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (var child = Process.Start(info))
            {
                string line;
                while ((line = await child.StandardOutput.ReadLineAsync()) != null && line != "disposed") { }
                Assert.Equal("disposed", line, "the child disposed its client");
                var watch = Stopwatch.StartNew();
                bool exited = child.WaitForExit(10000);
                double seconds = watch.Elapsed.TotalSeconds;
                if (!exited) child.Kill();
                Assert.True(exited && seconds < 2.0, "exited within 2 s after the last Dispose (took " + seconds.ToString("F2") + " s, exited: " + exited + "; stderr: " + child.StandardError.ReadToEnd() + ")");
                Assert.Equal(0, child.ExitCode, "exit code");
            }
        }
    }

    public static class ChildProcesses
    {
        /// <summary>Runs this test program in a child mode; returns its output (stdout and stderr).</summary>
        public static async Task<string> Start(string mode)
        {
            string exe = typeof(ChildProcesses).Assembly.Location;
            var info = new ProcessStartInfo("mono", "--debug \"" + exe + "\" --child " + mode)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (var child = Process.Start(info))
            {
                var stdout = child.StandardOutput.ReadToEndAsync();
                var stderr = child.StandardError.ReadToEndAsync();
                if (!await Task.Run(() => child.WaitForExit(30000)))
                {
                    child.Kill();
                    throw new AssertionException("child " + mode + " hung");
                }
                return await stdout + await stderr + " (exit " + child.ExitCode + ")";
            }
        }

        static WeakReference MakeAbandoned()
        {
            var client = new PlugwireClient("abandoned");
            client.DeviceAdded += (s, e) => { };
            var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
            options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
            client.ConnectEmbeddedAsync(options).Wait();
            client.StartScanningAsync().Wait();
            H.Eventually(() => client.Devices.Length == 1, "the toy").Wait();
            client.Devices[0].VibrateAsync(0.5).Wait();
            return new WeakReference(client);
        }

        public static int Run(string[] args)
        {
            if (args.Length == 1 && args[0] == "exit-without-dispose")
            {
                var client = new PlugwireClient("left open");
                var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
                options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                client.ConnectEmbeddedAsync(options).Wait();
                client.StartScanningAsync().Wait();
                H.Eventually(() => client.Devices.Length == 1, "the toy").Wait();
                client.Devices[0].VibrateAsync(0.5).Wait();
                GC.KeepAlive(client);
                Console.WriteLine("returning from Main");
                return 0;
            }
            if (args.Length == 1 && args[0] == "abandoned")
            {
                WeakReference weak = null;
                var maker = new Thread(() => { weak = MakeAbandoned(); });
                maker.Start();
                maker.Join();
                // Up to 10 s: on a loaded machine queued event dispatches (which hold the
                // client until they run) can take seconds to drain.
                for (int i = 0; i < 500 && weak.IsAlive; i++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Thread.Sleep(20);
                }
                if (weak.IsAlive)
                {
                    Console.WriteLine("still alive");
                    return 1;
                }
                H.Eventually(() => PlugwireLibrary.LiveNativeContexts == 0, "the background close").Wait();
                Console.WriteLine("collected and closed");
                return 0;
            }
            if (args.Length == 1 && args[0] == "exit-after-dispose")
            {
                var client = new PlugwireClient("child");
                client.DeviceAdded += (s, e) => { };
                var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
                options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                client.ConnectEmbeddedAsync(options).Wait();
                client.StartScanningAsync().Wait();
                H.Eventually(() => client.Devices.Length == 1, "the toy").Wait();
                client.Devices[0].VibrateAsync(0.5).Wait();
                client.Dispose();
                Console.WriteLine("disposed");
                Console.Out.Flush();
                return 0;
            }
            if (args.Length == 2 && args[0].StartsWith("teardown-"))
                return TeardownTests.Child(args[0].Substring("teardown-".Length), int.Parse(args[1]));
            Console.Error.WriteLine("unknown child mode");
            return 2;
        }
    }
}
