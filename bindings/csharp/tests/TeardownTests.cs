using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>
    /// Process teardown with a client open (issue #24): a child process connects an
    /// embedded client whose simulated toy sends readings (events) while commands are in
    /// flight, then (a) returns from Main with the client open (odd runs: a CloseAsync
    /// under way), (b) throws an unhandled
    /// exception from an (async void) event handler, or (c) is interrupted (SIGINT, SIGTERM).
    /// Each run must end on its own within a bound: no hang, no native crash. Each case
    /// runs PLUGWIRE_TEARDOWN_RUNS times (default 10).
    /// </summary>
    [TestFixture]
    public class TeardownTests
    {
        private static int Runs
        {
            get
            {
                int n;
                return int.TryParse(Environment.GetEnvironmentVariable("PLUGWIRE_TEARDOWN_RUNS"), out n) ? n : 10;
            }
        }

        private const int Parallel = 2;
        /// <summary>Seconds from the flood to the end of the child after which it counts as hung.</summary>
        private const int HangSeconds = 15;

        private sealed class Result
        {
            public int Run;
            public int ExitCode;
            public string Output;
            public double Seconds;
        }

        private static async Task<Result> RunChild(string mode, int run, string signal)
        {
            string exe = typeof(TeardownTests).Assembly.Location;
            var info = new ProcessStartInfo("mono", "--debug \"" + exe + "\" --child teardown-" + mode + " " + run)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var output = new StringBuilder();
            var flooding = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (var child = new Process { StartInfo = info })
            {
                DataReceivedEventHandler collect = (s, e) =>
                {
                    if (e.Data == null) return;
                    lock (output) output.AppendLine(e.Data);
                    if (e.Data == "flooding") flooding.TrySetResult(true);
                };
                child.OutputDataReceived += collect;
                child.ErrorDataReceived += collect;
                child.Start();
                child.BeginOutputReadLine();
                child.BeginErrorReadLine();
                var exited = Task.Run(() => child.WaitForExit(60000));
                await Task.WhenAny(flooding.Task, exited);
                if (!flooding.Task.IsCompleted)
                {
                    if (!child.HasExited) child.Kill();
                    child.WaitForExit(); // the output is all read
                    if (!flooding.Task.IsCompleted)
                        lock (output) throw new AssertionException(mode + " run " + run + " never started flooding: " + output);
                }
                var watch = Stopwatch.StartNew();
                if (signal != null)
                {
                    await Task.Delay(5 * (run % 10));
                    Process.Start(new ProcessStartInfo("kill", "-" + signal + " " + child.Id) { UseShellExecute = false }).WaitForExit();
                }
                bool ended = await Task.Run(() => child.WaitForExit(HangSeconds * 1000));
                if (!ended)
                {
                    child.Kill();
                    lock (output) throw new AssertionException(mode + " run " + run + " hung: " + Tail(output.ToString()));
                }
                child.WaitForExit(); // the output is all read
                lock (output) return new Result { Run = run, ExitCode = child.ExitCode, Output = output.ToString(), Seconds = watch.Elapsed.TotalSeconds };
            }
        }

        private static string Tail(string s)
        {
            return s.Length > 2000 ? s.Substring(s.Length - 2000) : s;
        }

        private static async Task Many(string mode, string signal, Action<Result> check)
        {
            var failures = new List<string>();
            int next = -1;
            Func<Task> worker = async () =>
            {
                int run;
                while ((run = Interlocked.Increment(ref next)) < Runs)
                {
                    try
                    {
                        var r = await RunChild(mode, run, signal);
                        Assert.True(!r.Output.Contains("Native stacktrace") && !r.Output.Contains("Got a SIG"),
                            "run " + run + " crashed in native code");
                        check(r);
                    }
                    catch (AssertionException e)
                    {
                        lock (failures) failures.Add(e.Message);
                    }
                }
            };
            await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => Task.Run(worker)));
            Assert.True(failures.Count == 0, failures.Count + " of " + Runs + " runs failed:\n" + string.Join("\n", failures));
        }

        [Test(TimeoutSeconds = 600)]
        public async Task MainReturnsWithTheClientOpen()
        {
            await Many("return", null, r =>
            {
                Assert.True(r.ExitCode == 0, "run " + r.Run + ": exit code " + r.ExitCode + ": " + Tail(r.Output));
                Assert.True(r.Output.Contains("returning from Main"), "run " + r.Run + " returned from Main");
            });
        }

        [Test(TimeoutSeconds = 600)]
        public async Task UnhandledExceptionFromAnEventHandler()
        {
            await Many("throw", null, r =>
            {
                Assert.True(r.ExitCode != 0, "run " + r.Run + ": exit code 0 after an unhandled exception");
                Assert.True(r.Output.Contains("handler failed " + r.Run), "run " + r.Run + ": the exception was reported: " + Tail(r.Output));
            });
        }

        [Test(TimeoutSeconds = 600)]
        public async Task InterruptedWithCommandsInFlight()
        {
            await Many("interrupt", "INT", r =>
                Assert.True(r.ExitCode != 0, "run " + r.Run + ": exit code " + r.ExitCode + ": " + Tail(r.Output)));
        }

        [Test(TimeoutSeconds = 600)]
        public async Task TerminatedWithCommandsInFlight()
        {
            await Many("interrupt", "TERM", r =>
                Assert.True(r.ExitCode != 0, "run " + r.Run + ": exit code " + r.ExitCode + ": " + Tail(r.Output)));
        }

        // ------------------------------------------------------------ the child

        private static bool s_announced;
        private static bool s_stopFlood;

        internal static int Child(string mode, int run)
        {
            var client = new PlugwireClient("teardown");
            int readings = 0;
            var flooding = new ManualResetEventSlim(false);
            client.InputReadingReceived += (s, e) =>
            {
                if (Interlocked.Increment(ref readings) == 20) flooding.Set();
            };
            if (mode == "throw")
            {
                client.InputReadingReceived += async (s, e) =>
                {
                    await Task.Yield();
                    if (Volatile.Read(ref s_announced) && Volatile.Read(ref readings) >= 20 + run % 10) throw new InvalidOperationException("handler failed " + run);
                };
            }
            client.ConnectEmbeddedAsync(EmbeddedTests.GalakuOptions()).Wait();
            client.StartScanningAsync().Wait();
            H.Eventually(() => client.Devices.Length == 1, "the toy").Wait();
            var toy = client.Devices[0];
            toy.SubscribeAsync(1, InputType.Battery).Wait();
            var flood = new Thread(() =>
            {
                for (int i = 0; !Volatile.Read(ref s_stopFlood); i++)
                {
                    try
                    {
                        for (int k = 0; k < 20; k++)
                        {
                            Observe(client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new[] { (byte)(i % 100) }));
                            Observe(toy.RunOutputAsync(0, OutputType.Vibrate, (k % 10) / 10.0));
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                    Thread.Sleep(1);
                }
            }) { IsBackground = true };
            flood.Start();
            flooding.Wait();
            Console.WriteLine("flooding");
            Console.Out.Flush();
            Volatile.Write(ref s_announced, true);
            if (mode == "return")
            {
                Thread.Sleep(5 * (run % 10));
                // The flooding thread stops sending (what it sent is still in flight, and
                // readings keep arriving): Mono itself may abort (SIGABRT in
                // mono_exception_new_by_name_domain) or hang at exit when a background
                // thread is throwing exceptions as the runtime shuts down, with or without
                // this library (4 of 40 runs of a six-line program did), so the flood must
                // not go on failing into the shutdown.
                Volatile.Write(ref s_stopFlood, true);
                flood.Join();
                if (run % 2 == 1) Observe(client.CloseAsync());
                Console.WriteLine("returning from Main");
                GC.KeepAlive(client);
                return 0;
            }
            // Wait for the exception or the signal.
            Thread.Sleep(30000);
            Console.WriteLine("still running");
            return 0;
        }

        private static void Observe(Task t)
        {
            t.ContinueWith(x => GC.KeepAlive(x.Exception), TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
