using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>
    /// Playback from C# on simulated toys: a pattern started on a device's output, controlled
    /// and stopped, events (per playback and on the client), a client command refused while
    /// the output plays, a funscript on whatever is connected, bad starts named, and the
    /// playback ending early through a device stop, a disconnect (session end), Dispose, a
    /// failing write and a hanging write; and playback over a websocket to `plugwire serve`,
    /// ended by a device stop, the client's disconnect and the server being killed.
    /// </summary>
    [TestFixture]
    public class PlaybackTests
    {
        private const string ShortScript = "{\"actions\": [{\"at\": 0, \"pos\": 0}, {\"at\": 250, \"pos\": 100}, {\"at\": 300, \"pos\": 100}]}";

        private static async Task<PlugwireClient> Connected(uint gapMs = 20)
        {
            var options = new EmbeddedOptions { DefaultMessageGapMs = gapMs, Simulated = true };
            options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
            return await H.Connected(options, 1);
        }

        private static async Task<List<string>> AtLeast(PlugwireClient client, int n)
        {
            List<string> w = null;
            await H.EventuallyAsync(async () => (w = await H.Texts(client, Toys.Lush)).Count >= n, n + " writes");
            return w;
        }

        private static async Task LastIsZero(PlugwireClient client)
        {
            await H.EventuallyAsync(async () => (await H.Texts(client, Toys.Lush)).LastOrDefault() == "Vibrate:0;", "Vibrate:0; last");
        }

        private static async Task NothingMore(PlugwireClient client)
        {
            var w = await H.Texts(client, Toys.Lush);
            await Task.Delay(150);
            Assert.Sequence(w, await H.Texts(client, Toys.Lush), "writes after the end");
        }

        private static async Task<PlaybackEventArgs> Final(PlugwirePlayback playback)
        {
            var done = await Task.WhenAny(playback.Completion, Task.Delay(10000));
            Assert.True(done == playback.Completion, "the playback finished");
            return await playback.Completion;
        }

        [Test]
        public async Task APatternPlaysIsControlledAndStops()
        {
            using (var client = await Connected())
            {
                var lush = H.Device(client, "Lovense Lush");
                var onClient = new List<PlaybackEventArgs>();
                client.PlaybackEventReceived += (s, e) => { lock (onClient) onClient.Add(e); };
                var playback = await lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Saw, 400), new PlaybackOptions { PositionEveryMs = 50 });
                int positions = 0;
                playback.PositionChanged += (s, e) => Interlocked.Increment(ref positions);
                await H.Eventually(() => Volatile.Read(ref positions) > 0, "a position event");
                Assert.Equal(PlaybackEvent.KindOneofCase.StartedMs, playback.History[0].Kind, "first event");
                var w = await AtLeast(client, 5);
                Assert.True(w.Distinct().Count() > 2, "a saw climbs: " + string.Join(" ", w));

                var refused = Assert.Throws<PlugwireDeviceException>(() => lush.VibrateAsync(1.0), "a command to the played output");
                Assert.True(refused.Message.Contains("under playback"), refused.Message);
                var busy = Assert.Throws<PlugwireRequestException>(() => lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Sine, 1000)), "a second playback");
                Assert.Equal(ErrorCode.PlaybackBusy, busy.Code, "busy code");

                await playback.PauseAsync();
                await LastIsZero(client);
                await NothingMore(client);
                int paused = (await H.Texts(client, Toys.Lush)).Count;
                await playback.SeekAsync(100);
                await playback.ResumeAsync();
                await playback.SetRateAsync(2);
                await playback.SyncAsync(500);
                await playback.SetOffsetAsync(10);
                await playback.SetLatencyAsync(lush, 30);
                await AtLeast(client, paused + 3);
                Assert.True(!playback.IsFinished, "still running");

                PlaybackEventArgs finished = null;
                playback.Finished += (s, e) => finished = e;
                await playback.StopAsync();
                var final = await Final(playback);
                Assert.Equal(PlaybackEvent.KindOneofCase.Stopped, final.Kind, "final kind");
                Assert.Equal(PlaybackStopReason.Requested, final.Reason, "reason");
                await H.Eventually(() => finished != null, "Finished raised");
                await LastIsZero(client);
                await NothingMore(client);
                await lush.VibrateAsync(0.5);
                Assert.Equal("Vibrate:10;", (await H.Texts(client, Toys.Lush)).Last(), "the client drives the output again");
                var unknown = Assert.Throws<PlugwireRequestException>(() => playback.SeekAsync(0), "a seek after the end");
                Assert.Equal(ErrorCode.PlaybackUnknown, unknown.Code, "unknown code");
                await H.Eventually(() => { lock (onClient) return onClient.Any(e => e.IsFinal); }, "the client saw the end");
                lock (onClient) Assert.Sequence(playback.History.Select(e => e.ToString()), onClient.Where(e => e.PlaybackId == playback.Id).Select(e => e.ToString()), "client events");
            }
        }

        [Test]
        public async Task AFunscriptPlaysOnWhateverIsConnectedAndEnds()
        {
            using (var client = await Connected())
            {
                var playback = await client.PlayFunscriptAsync(ShortScript);
                var final = await Final(playback);
                Assert.Equal(PlaybackEvent.KindOneofCase.Ended, final.Kind, "ended");
                Assert.True((await H.Texts(client, Toys.Lush)).Contains("Vibrate:20;"), "a full-speed stroke is full vibration");
                await LastIsZero(client);
            }
        }

        [Test]
        public async Task TracksMapAFunscriptOntoOutputs()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Edge", Toys.Edge)))
            {
                var edge = H.Device(client, "Lovense Edge");
                var tracks = new[]
                {
                    new PlaybackTrackOptions(edge, OutputType.Vibrate, PlaybackSource.Funscript(ShortScript)) { Feature = 0, SpeedMode = PlaybackSpeedMode.Movement, RangeMax = 0.5 },
                    new PlaybackTrackOptions(edge, OutputType.Vibrate, PlaybackSource.Keyframes(new[]
                    {
                        new PlaybackKeyframe { AtMs = 0, Value = 0.25 },
                        new PlaybackKeyframe { AtMs = 300, Value = 0.25, Easing = PlaybackEasing.Hold },
                    }, once: true)) { Feature = 1 },
                };
                var playback = await client.PlayAsync(tracks);
                Assert.Equal(PlaybackEvent.KindOneofCase.Ended, (await Final(playback)).Kind, "ended");
                var w = await H.Texts(client, Toys.Edge);
                Assert.True(w.Contains("Vibrate1:10;"), "full speed in half the range: " + string.Join(" ", w));
                Assert.True(w.Contains("Vibrate2:5;"), "a quarter: " + string.Join(" ", w));
            }
        }

        [Test]
        public async Task BadPlaybacksNameWhatIsWrong()
        {
            using (var client = await Connected(0))
            {
                var lush = H.Device(client, "Lovense Lush");
                var bad = Assert.Throws<PlugwireRequestException>(() => lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Funscript("{\"actions\": [{\"at\": 0, \"pos\": 300}]}")), "pos 300");
                Assert.Equal(ErrorCode.PlaybackInvalid, bad.Code, "code");
                Assert.True(bad.Message.Contains("actions[0].pos"), bad.Message);
                var period = Assert.Throws<PlugwireRequestException>(() => lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Sine, -1)), "period -1");
                Assert.True(period.Message.Contains("pattern"), period.Message);
                Assert.Throws<PlugwireRequestException>(() => lush.PlayAsync(OutputType.Rotate, PlaybackSource.Pattern(PlaybackWaveform.Sine, 1000)), "no rotate output");
                Assert.Throws<ArgumentException>(() => client.PlayAsync(new PlaybackTrackOptions[0]), "no tracks");
                await lush.VibrateAsync(0.5);
                Assert.Equal("Vibrate:10;", (await H.Texts(client, Toys.Lush)).Last(), "nothing claimed");
            }
        }

        [Test]
        public async Task ADeviceStopEndsThePlayback()
        {
            using (var client = await Connected())
            {
                var lush = H.Device(client, "Lovense Lush");
                var playback = await lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Square, 100));
                await AtLeast(client, 3);
                await lush.StopAsync();
                Assert.Equal("Vibrate:0;", (await H.Texts(client, Toys.Lush)).Last(), "the stop is the last write");
                var final = await Final(playback);
                Assert.Equal(PlaybackStopReason.DeviceStopped, final.Reason, "reason");
                Assert.True(playback.History.Any(e => e.Kind == PlaybackEvent.KindOneofCase.TrackStopped && e.Reason == PlaybackStopReason.DeviceStopped), "track stopped");
                await NothingMore(client);
            }
        }

        [Test]
        public async Task SessionEndDuringPlaybackStopsTheToy()
        {
            using (var client = await Connected())
            {
                var lush = H.Device(client, "Lovense Lush");
                var playback = await lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Square, 100));
                await AtLeast(client, 3);
                await client.DisconnectAsync();
                Assert.Equal("Vibrate:0;", (await H.Texts(client, Toys.Lush)).Last(), "the session's stop is the last write");
                await NothingMore(client);
                var final = await Final(playback);
                Assert.Equal(PlaybackEvent.KindOneofCase.Stopped, final.Kind, "stopped by the session's end");
            }
        }

        [Test]
        public async Task DisposingDuringPlaybackFailsItsCompletion()
        {
            var client = await Connected();
            var lush = H.Device(client, "Lovense Lush");
            var playback = await lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Sine, 200));
            await AtLeast(client, 3);
            client.Dispose();
            var done = await Task.WhenAny(playback.Completion, Task.Delay(5000));
            Assert.True(done == playback.Completion && playback.Completion.IsFaulted, "Completion fails on Dispose");
            Assert.True(playback.Completion.Exception.InnerException is ObjectDisposedException, "ObjectDisposedException");
        }

        [Test]
        public async Task PullModeRaisesPlaybackEventsOnThePollingThread()
        {
            // A game loop: events (playback ones too) are raised by PollEvents, on its thread.
            using (var client = new PlugwireClient("pull playback", pullMode: true))
            {
                var options = new EmbeddedOptions { DefaultMessageGapMs = 20 };
                options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                await client.ConnectEmbeddedAsync(options);
                await client.StartScanningAsync();
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (client.Devices.Length == 0 && watch.Elapsed.TotalSeconds < 10) client.PollEvents(50);
                var playback = await client.PlayFunscriptAsync(ShortScript);
                int thread = Thread.CurrentThread.ManagedThreadId;
                bool sameThread = true;
                int finished = 0;
                playback.Finished += (s, e) => { sameThread &= Thread.CurrentThread.ManagedThreadId == thread; finished++; };
                client.PlaybackEventReceived += (s, e) => sameThread &= Thread.CurrentThread.ManagedThreadId == thread;
                Thread.Sleep(500);
                Assert.True(!playback.IsFinished, "nothing is raised or recorded before PollEvents");
                watch.Restart();
                while (finished == 0 && watch.Elapsed.TotalSeconds < 10) client.PollEvents(50);
                Assert.Equal(1, finished, "Finished raised once");
                Assert.True(sameThread, "raised on the polling thread");
                Assert.Equal(PlaybackEvent.KindOneofCase.Ended, playback.Completion.Result.Kind, "ended");
            }
        }

        [Test(TimeoutSeconds = 90)]
        public async Task AFailingWriteIsRetriedAndAHangingWriteEndsThePlayback()
        {
            using (var client = await Connected())
            {
                var lush = H.Device(client, "Lovense Lush");
                var playback = await lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Saw, 300));
                await AtLeast(client, 3);
                await client.Simulation.SetWriteFaultAsync(Toys.Lush, WriteFault.Fail);
                await Task.Delay(200);
                Assert.True(!playback.IsFinished, "failing writes do not end the playback");
                int before = (await H.Texts(client, Toys.Lush)).Count;
                await client.Simulation.SetWriteFaultAsync(Toys.Lush, WriteFault.None);
                await AtLeast(client, before + 3);
                await client.Simulation.SetWriteFaultAsync(Toys.Lush, WriteFault.Hang);
                var done = await Task.WhenAny(playback.Completion, Task.Delay(30000));
                Assert.True(done == playback.Completion, "a hanging write ends the playback");
                var final = await playback.Completion;
                Assert.Equal(PlaybackEvent.KindOneofCase.Stopped, final.Kind, "stopped");
                Assert.True(playback.History.Any(e => e.Kind == PlaybackEvent.KindOneofCase.TrackStopped
                    && (e.Reason == PlaybackStopReason.DeviceRemoved || e.Reason == PlaybackStopReason.WriteFailed)), "track stopped: device removed");
            }
        }

        // ------------------------------------------------------------ over a websocket
        // The player runs in the library and writes output commands to `plugwire serve`;
        // what the served toy got comes from the log the server writes when it exits.

        /// <summary>What the client itself sends between two parts of a test: a level no playback here writes.</summary>
        private const string Mark = "Vibrate:1;";
        private const double MarkLevel = 0.05;

        /// <summary>A saw in the middle half of the range: a Lush gets levels 5 to 15 of 20, never a stop.</summary>
        private static PlaybackTrackOptions[] Saw(PlugwireDevice lush, bool once = false)
        {
            var source = PlaybackSource.Pattern(PlaybackWaveform.Saw, 300, once);
            return new[] { new PlaybackTrackOptions(lush, OutputType.Vibrate, source) { RangeMin = 0.25, RangeMax = 0.75 } };
        }

        /// <summary>Connects to the server and waits for its Lush.</summary>
        private static async Task<PlugwireDevice> ServedLush(PlugwireClient client, Uri url)
        {
            await H.ConnectWhenFree(client, url);
            await client.StartScanningAsync();
            await H.Eventually(() => client.Devices.Length == 1, "the served toy");
            return H.Device(client, "Lovense Lush");
        }

        /// <summary>Plays the saw and waits until it reports a position.</summary>
        private static async Task<PlugwirePlayback> PlayingSaw(PlugwireClient client, PlugwireDevice lush)
        {
            var playback = await client.PlayAsync(Saw(lush), new PlaybackOptions { PositionEveryMs = 50 });
            await APosition(playback);
            return playback;
        }

        private static async Task APosition(PlugwirePlayback playback)
        {
            var position = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            EventHandler<PlaybackEventArgs> seen = (s, e) => position.TrySetResult(true);
            playback.PositionChanged += seen;
            try
            {
                Assert.True(await Task.WhenAny(position.Task, Task.Delay(5000)) == position.Task, "a position event");
            }
            finally
            {
                playback.PositionChanged -= seen;
            }
        }

        /// <summary>The playback stopped with this reason, its track too.</summary>
        private static async Task<PlaybackEventArgs> StoppedWith(PlugwirePlayback playback, PlaybackStopReason reason)
        {
            var final = await Final(playback);
            Assert.Equal(PlaybackEvent.KindOneofCase.Stopped, final.Kind, "final kind");
            Assert.Equal(reason, final.Reason, "stop reason (" + final.Message + ")");
            var track = playback.History.FirstOrDefault(e => e.Kind == PlaybackEvent.KindOneofCase.TrackStopped);
            Assert.True(track != null && track.Reason == reason, "the track stopped with the same reason: " + track);
            return final;
        }

        /// <summary>The served Lush's writes up to the client's mark, and after it.</summary>
        private static void SplitAtMark(List<string> w, out List<string> played, out List<string> after)
        {
            int at = w.IndexOf(Mark);
            Assert.True(at > 0, "the mark " + Mark + " follows the playback: " + string.Join(" ", w));
            played = w.Take(at).ToList();
            after = w.Skip(at + 1).ToList();
        }

        /// <summary>The saw reached the toy: several levels, all of the middle half, or stops.</summary>
        private static void SawPlayed(List<string> w)
        {
            var levels = w.Where(x => x != "Vibrate:0;").Select(x =>
            {
                var m = System.Text.RegularExpressions.Regex.Match(x, "^Vibrate:([0-9]+);$");
                return m.Success ? int.Parse(m.Groups[1].Value) : -1;
            }).ToList();
            Assert.True(levels.Distinct().Count() > 2, "a saw climbs: " + string.Join(" ", w));
            Assert.True(levels.All(l => l >= 5 && l <= 15), "only the saw's levels: " + string.Join(" ", w));
        }

        [Test]
        public async Task OverAWebsocketAPatternPlaysAndADeviceStopEndsIt()
        {
            using (var serve = new Serve("LVS-Lush@" + Toys.Lush))
            {
                using (var client = new PlugwireClient("ws playback"))
                {
                    var lush = await ServedLush(client, serve.Url);
                    var playback = await PlayingSaw(client, lush);
                    Assert.Equal(PlaybackEvent.KindOneofCase.StartedMs, playback.History[0].Kind, "first event");
                    var refused = Assert.Throws<PlugwireDeviceException>(() => lush.VibrateAsync(1.0), "a command to the played output");
                    Assert.True(refused.Message.Contains("under playback"), refused.Message);
                    var busy = Assert.Throws<PlugwireRequestException>(() => lush.PlayAsync(OutputType.Vibrate, PlaybackSource.Pattern(PlaybackWaveform.Sine, 1000)), "a second playback");
                    Assert.Equal(ErrorCode.PlaybackBusy, busy.Code, "busy code");
                    await playback.PauseAsync();
                    await playback.SeekAsync(100);
                    await playback.ResumeAsync();
                    await playback.SetRateAsync(2);
                    await playback.SyncAsync(500);
                    await APosition(playback);
                    // Long enough for several slots to reach the toy.
                    await Task.Delay(500);
                    Assert.True(!playback.IsFinished, "still running");

                    PlaybackEventArgs finished = null;
                    playback.Finished += (s, e) => finished = e;
                    await lush.StopAsync();
                    await StoppedWith(playback, PlaybackStopReason.DeviceStopped);
                    await H.Eventually(() => finished != null, "Finished raised");
                    // Quiet for a while, then the output is the client's again.
                    await Task.Delay(300);
                    await lush.VibrateAsync(MarkLevel);
                    var once = await client.PlayFunscriptAsync(ShortScript);
                    Assert.Equal(PlaybackEvent.KindOneofCase.Ended, (await Final(once)).Kind, "the funscript ended");
                }
                List<string> played, after;
                SplitAtMark(serve.Writes(Toys.Lush), out played, out after);
                SawPlayed(played);
                // The device stop was the last write before the mark: nothing of the playback followed it.
                Assert.Equal("Vibrate:0;", played.Last(), "the last write before the mark: " + string.Join(" ", played));
                // The funscript's stroke is full speed; its end stops the vibrator.
                Assert.True(after.Contains("Vibrate:20;"), "a full-speed stroke: " + string.Join(" ", after));
                Assert.Equal("Vibrate:0;", after.Last(), "the funscript's end: " + string.Join(" ", after));
            }
        }

        [Test]
        public async Task OverAWebsocketTheClientDisconnectingEndsThePlaybackAndTheClientPlaysAgain()
        {
            using (var serve = new Serve("LVS-Lush@" + Toys.Lush))
            {
                using (var client = new PlugwireClient("ws playback"))
                {
                    var lush = await ServedLush(client, serve.Url);
                    var playback = await PlayingSaw(client, lush);
                    await Task.Delay(300);
                    int disconnects = 0;
                    client.ServerDisconnect += (s, e) => Interlocked.Increment(ref disconnects);
                    await client.DisconnectAsync();
                    await StoppedWith(playback, PlaybackStopReason.DeviceStopped);
                    await H.Eventually(() => Volatile.Read(ref disconnects) == 1, "ServerDisconnect");
                    Assert.True(!client.Connected, "disconnected");
                    Assert.Throws<PlugwireNotConnectedException>(() => lush.VibrateAsync(0.5), "a command after the disconnect");

                    lush = await ServedLush(client, serve.Url);
                    await lush.VibrateAsync(MarkLevel);
                    var again = await client.PlayFunscriptAsync(ShortScript);
                    Assert.Equal(PlaybackEvent.KindOneofCase.Ended, (await Final(again)).Kind, "the funscript ended");
                    Assert.Equal(1, Volatile.Read(ref disconnects), "ServerDisconnect raised once");
                }
                List<string> played, after;
                SplitAtMark(serve.Writes(Toys.Lush), out played, out after);
                SawPlayed(played);
                // The session's end stopped the toy before the next session's first command.
                Assert.Equal("Vibrate:0;", played.Last(), "the last write before the mark: " + string.Join(" ", played));
                Assert.True(after.Contains("Vibrate:20;"), "the second session played: " + string.Join(" ", after));
            }
        }

        [Test]
        public async Task OverAWebsocketTheServerKilledEndsThePlaybackAndTheClientPlaysOnAnotherServer()
        {
            // Faulted tasks nobody observed (the binding's own, too) are reported when
            // collected: flush those of earlier tests, then count this test's.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var unobserved = new List<Exception>();
            EventHandler<UnobservedTaskExceptionEventArgs> record = (s, e) => { lock (unobserved) unobserved.Add(e.Exception); };
            TaskScheduler.UnobservedTaskException += record;
            try
            {
                using (var first = new Serve("LVS-Lush@" + Toys.Lush))
                using (var second = new Serve("LVS-Lush@" + Toys.Lush))
                {
                    using (var client = new PlugwireClient("ws playback"))
                    {
                        var lush = await ServedLush(client, first.Url);
                        var playback = await PlayingSaw(client, lush);
                        var gone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        client.ServerDisconnect += (s, e) => gone.TrySetResult(true);
                        PlaybackEventArgs finished = null;
                        playback.Finished += (s, e) => finished = e;
                        first.Kill();

                        var final = await StoppedWith(playback, PlaybackStopReason.DeviceStopped);
                        Assert.True(final.Message.Contains("connection to the server was lost"), "the message says why: " + final.Message);
                        var track = playback.History.First(e => e.Kind == PlaybackEvent.KindOneofCase.TrackStopped);
                        Assert.True(track.Message.Contains("connection to the server was lost"), "the track's message: " + track.Message);
                        await H.Eventually(() => finished != null, "Finished raised");
                        Assert.True(await Task.WhenAny(gone.Task, Task.Delay(10000)) == gone.Task, "ServerDisconnect");
                        Assert.True(!client.Connected, "disconnected");
                        Assert.Throws<PlugwireNotConnectedException>(() => lush.VibrateAsync(0.5), "a command after the server went");
                        var unknown = Assert.Throws<PlugwireRequestException>(() => playback.StopAsync(), "a stop of the ended playback");
                        Assert.Equal(ErrorCode.PlaybackUnknown, unknown.Code, "unknown code");

                        // The same client connects to another server and plays there.
                        lush = await ServedLush(client, second.Url);
                        var once = await client.PlayAsync(Saw(lush, once: true));
                        Assert.Equal(PlaybackEvent.KindOneofCase.Ended, (await Final(once)).Kind, "the saw played once ended");
                    }
                    var w = second.Writes(Toys.Lush);
                    SawPlayed(w);
                    Assert.Equal("Vibrate:0;", w.Last(), "the end stops the vibrator: " + string.Join(" ", w));
                }
                GC.Collect();
                GC.WaitForPendingFinalizers();
                lock (unobserved) Assert.True(unobserved.Count == 0, "unobserved task exceptions: " + string.Join("; ", unobserved.Select(e => e.InnerException != null ? e.InnerException.Message : e.Message)));
            }
            finally
            {
                TaskScheduler.UnobservedTaskException -= record;
            }
        }
    }
}
