using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>The client on an embedded server with simulated toys, down to the bytes each toy got.</summary>
    [TestFixture]
    public class EmbeddedTests
    {
        [Test]
        public async Task ConnectScanAndDeviceAdded()
        {
            using (var client = new PlugwireClient("csharp-tests"))
            {
                Assert.True(!client.Connected, "not connected before connecting");
                var added = new List<PlugwireDevice>();
                int scanningFinished = 0;
                client.DeviceAdded += (s, e) => { lock (added) added.Add(e.Device); };
                client.ScanningFinished += (s, e) => Interlocked.Increment(ref scanningFinished);
                var options = new EmbeddedOptions { DefaultMessageGapMs = 0 };
                options.SimulatedDevices.Add(Toys.Sim("LVS-Lush", Toys.Lush));
                options.SimulatedDevices.Add(Toys.Sim("LVS-Nora", Toys.Nora, 55));
                await client.ConnectEmbeddedAsync(options);
                Assert.True(client.Connected, "connected");
                await client.StartScanningAsync();
                await H.Eventually(() => { lock (added) return added.Count == 2; }, "two DeviceAdded events");
                await client.StopScanningAsync();
                // Simulated toys never finish a scan (as in the reference's passive managers)
                // and a stopped scan is answered by the stop alone: no ScanningFinished.
                await Task.Delay(300);
                Assert.Equal(0, Volatile.Read(ref scanningFinished), "ScanningFinished events");
                lock (added) Assert.Sequence(new[] { "Lovense Lush", "Lovense Nora" }, added.Select(d => d.Name).OrderBy(n => n));
                Assert.Sequence(new[] { "Lovense Lush", "Lovense Nora" }, client.Devices.Select(d => d.Name).OrderBy(n => n), "Devices");

                var nora = H.Device(client, "Lovense Nora");
                Assert.Sequence(new uint[] { 0, 1, 2 }, nora.Features.Select(f => f.Index), "Nora's features");
                var rotate = nora.Features[1].Outputs.Single(o => o.Type == OutputType.Rotate);
                Assert.Equal(-20, rotate.MinSteps, "rotate min");
                Assert.Equal(20, rotate.MaxSteps, "rotate max");
                Assert.True(nora.HasOutput(OutputType.Vibrate) && nora.HasOutput(OutputType.Rotate), "Nora vibrates and rotates");
                Assert.True(!nora.HasOutput(OutputType.Constrict), "Nora does not constrict");
                Assert.True(nora.HasInput(InputType.Battery) && !nora.HasInput(InputType.Pressure), "Nora has a battery only");
                Assert.True(nora.MessageTimingGap >= 0, "gap");
                Assert.Equal(null, nora.DisplayName, "no display name");
            }
        }

        [Test]
        public async Task VibrateReachesTheToy()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush), Toys.Sim("LVS-Edge", Toys.Edge)))
            {
                var lush = H.Device(client, "Lovense Lush");
                await lush.VibrateAsync(0.5);
                await lush.RunOutputAsync(new OutputCommand(0, OutputType.Vibrate, 0) { Steps = 3 });
                await lush.RunOutputAsync(0, OutputType.Vibrate, 1.0);
                await lush.VibrateAsync(0.05);
                Assert.Sequence(new[] { "Vibrate:10;", "Vibrate:3;", "Vibrate:20;", "Vibrate:1;" }, await H.Texts(client, Toys.Lush));

                // Every vibrator of the Edge, as one batch.
                var edge = H.Device(client, "Lovense Edge");
                await edge.VibrateAsync(0.25);
                Assert.Sequence(new[] { "Vibrate1:5;", "Vibrate2:5;" }, (await H.Texts(client, Toys.Edge, true)).OrderBy(t => t));
                await edge.RunOutputAsync(1, OutputType.Vibrate, 0.75);
                Assert.Sequence(new[] { "Vibrate2:15;" }, await H.Texts(client, Toys.Edge, true));
                // RunOutputsAsync: two different values in one request.
                await edge.RunOutputsAsync(new[] { new OutputCommand(0, OutputType.Vibrate, 1.0), new OutputCommand(1, OutputType.Vibrate, 0.5) });
                Assert.Sequence(new[] { "Vibrate1:20;", "Vibrate2:10;" }, (await H.Texts(client, Toys.Edge, true)).OrderBy(t => t));
            }
        }

        [Test]
        public async Task RotateWithDirection()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Nora", Toys.Nora)))
            {
                var nora = H.Device(client, "Lovense Nora");
                await nora.RotateAsync(-0.5);
                await nora.RotateAsync(-0.25);
                await nora.RunOutputAsync(1, OutputType.Rotate, 0.25);
                await nora.RotateAsync(0.0);
                Assert.Sequence(new[] { "RotateChange;", "Rotate:10;", "Rotate:5;", "RotateChange;", "Rotate:5;", "Rotate:0;" }, await H.Texts(client, Toys.Nora));
            }
        }

        [Test]
        public async Task ConstrictAndOscillate()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Max", Toys.Max), Toys.Sim("LVS-Solace", Toys.Solace)))
            {
                var max = H.Device(client, "Lovense Max");
                await max.ConstrictAsync(0.5);
                Assert.Sequence(new[] { "Air:Level:2;" }, await H.Texts(client, Toys.Max));
                var solace = H.Device(client, "Lovense Solace");
                await solace.OscillateAsync(0.5);
                await solace.OscillateAsync(0);
                Assert.Sequence(new[] { "Mply:10:20;", "Mply:0:0;" }, await H.Texts(client, Toys.Solace));
            }
        }

        [Test]
        public async Task TimedPosition()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Solace Pro", Toys.SolacePro)))
            {
                var pro = H.Device(client, "Lovense Solace Pro");
                var output = pro.Features.SelectMany(f => f.Outputs).Single(o => o.Type == OutputType.HwPositionWithDuration);
                Assert.Equal(100, output.MaxSteps, "position steps");
                Assert.True(output.MaxDurationMs.HasValue, "a duration range");
                await pro.PositionAsync(0.5, 500);
                var expected = new[] { 10, 20, 30, 40, 50 }.Select(p => "FSetSite:" + p + ";").ToArray();
                await H.EventuallyAsync(async () => (await H.Texts(client, Toys.SolacePro)).Where(t => t.StartsWith("FSetSite")).SequenceEqual(expected), "the move's steps", 5);
                var moves = (await client.Simulation.WriteLogAsync(Toys.SolacePro)).Where(r => r.Text.StartsWith("FSetSite")).ToArray();
                for (int i = 1; i < moves.Length; i++)
                {
                    double gap = (moves[i].At - moves[i - 1].At).TotalMilliseconds;
                    Assert.True(gap >= 50 && gap <= 500, "one step about every 100 ms, got " + gap + " ms");
                }
                // A timed position needs a duration.
                var e = Assert.Throws<PlugwireInvalidArgumentException>(() => pro.RunOutputAsync(0, OutputType.HwPositionWithDuration, 0.2), "position without duration");
                Assert.True(e.Message.Contains("duration"), "the error names the duration: " + e.Message);
            }
        }

        [Test]
        public async Task Battery()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush, 77)))
            {
                var lush = H.Device(client, "Lovense Lush");
                Assert.Equal(0.77, await lush.BatteryAsync(), "battery");
                var log = await client.Simulation.WriteLogAsync(Toys.Lush);
                Assert.Equal("Battery;", log.Where(r => r.Kind == RecordKind.Write).Last().Text, "last write");
            }
        }

        const string GalakuConfig = @"{""version"":{""major"":4,""minor"":0},""protocols"":{""galaku"":{""communication"":[{""btle"":{""names"":[""GX85""],""services"":{""00001000-0000-1000-8000-00805f9b34fb"":{""tx"":""00001001-0000-1000-8000-00805f9b34fb"",""rxblebattery"":""00001002-0000-1000-8000-00805f9b34fb""}}}}],""defaults"":{""id"":""c1766383-def6-4bd0-b6ce-1e8f993fa6ae"",""name"":""Galaku Device"",""features"":[{""id"":""f650b5a9-7413-4ac9-b25e-863180daa04c"",""index"":0,""description"":""vibrate"",""output"":{""vibrate"":{""value"":[0,100]}}},{""id"":""d9c34cf9-5645-4e04-bf92-51e5df708417"",""index"":1,""description"":""battery Level"",""input"":{""battery"":{""command"":[""Read"",""Subscribe""],""value"":[[0,100]]}}}]},""configurations"":[{""id"":""6c62e478-d684-4c3a-9d74-0860be907a8e"",""identifier"":[""GX85""],""name"":""Galaku Shana""}]}}}";

        /// <summary>An embedded server with a Galaku toy whose battery can be subscribed (see the Python binding's test_inputs).</summary>
        internal static EmbeddedOptions GalakuOptions()
        {
            var options = new EmbeddedOptions { DefaultMessageGapMs = 0, DeviceConfigJson = GalakuConfig };
            options.SimulatedDevices.Add(Toys.Sim("GX85", Toys.Galaku));
            return options;
        }

        [Test]
        public async Task SubscribeAndInputEvents()
        {
            using (var client = await H.Connected(GalakuOptions(), 1))
            {
                var readings = new List<InputReadingEventArgs>();
                client.InputReadingReceived += (s, e) => { lock (readings) readings.Add(e); };
                var toy = H.Device(client, "Galaku Shana");
                Assert.True(toy.Features[1].Inputs[0].Commands.Contains(InputCommand.Subscribe), "battery can be subscribed");
                await toy.SubscribeAsync(1, InputType.Battery);
                var log = await client.Simulation.WriteLogAsync(Toys.Galaku);
                Assert.True(log.Any(r => r.Kind == RecordKind.Subscribe && r.Endpoint == "rxblebattery"), "the toy got a subscribe");
                await client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new byte[] { 42 });
                await client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new byte[] { 41 });
                await H.Eventually(() => { lock (readings) return readings.Count == 2; }, "two readings");
                lock (readings)
                {
                    Assert.Sequence(new[] { 42, 41 }, readings.Select(r => r.Value), "readings");
                    Assert.Equal(toy.Index, readings[0].DeviceIndex, "device index");
                    Assert.Equal(1u, readings[0].FeatureIndex, "feature index");
                    Assert.Equal(InputType.Battery, readings[0].Input, "input type");
                }
                await toy.UnsubscribeAsync(1, InputType.Battery);
                log = await client.Simulation.WriteLogAsync(Toys.Galaku);
                Assert.True(log.Any(r => r.Kind == RecordKind.Unsubscribe && r.Endpoint == "rxblebattery"), "the toy got an unsubscribe");
                Assert.Throws<PlugwireInvalidArgumentException>(() => client.Simulation.NotifyAsync(Toys.Galaku, "rxblebattery", new byte[] { 40 }), "notify with nobody subscribed");
                await Task.Delay(50);
                lock (readings) Assert.Equal(2, readings.Count, "no reading after unsubscribe");
            }
        }

        [Test]
        public async Task StopDeviceAndStopAll()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush), Toys.Sim("LVS-Nora", Toys.Nora)))
            {
                var lush = H.Device(client, "Lovense Lush");
                var nora = H.Device(client, "Lovense Nora");
                await lush.VibrateAsync(0.5);
                await nora.VibrateAsync(0.5);
                await nora.RotateAsync(0.5);
                await lush.StopAsync();
                Assert.Sequence(new[] { "Vibrate:10;", "Vibrate:0;" }, await H.Texts(client, Toys.Lush));
                Assert.Sequence(new[] { "Vibrate:10;", "Rotate:10;" }, await H.Texts(client, Toys.Nora));
                await lush.VibrateAsync(1.0);
                await nora.RotateAsync(1.0);
                await client.StopAllDevicesAsync();
                Assert.Sequence(new[] { "Vibrate:20;", "Vibrate:0;" }, (await H.Texts(client, Toys.Lush)).Skip(2));
                Assert.Sequence(new[] { "Rotate:20;", "Vibrate:0;", "Rotate:0;" }, (await H.Texts(client, Toys.Nora)).Skip(2));
            }
        }

        [Test]
        public async Task DisconnectStopsDevices()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush)))
            {
                int disconnects = 0;
                client.ServerDisconnect += (s, e) => Interlocked.Increment(ref disconnects);
                await H.Device(client, "Lovense Lush").VibrateAsync(1.0);
                await client.DisconnectAsync();
                Assert.True(!client.Connected, "not connected");
                Assert.Equal(0, client.Devices.Length, "no devices");
                // The simulated hardware outlives the session: the zero is in its log.
                Assert.Sequence(new[] { "Vibrate:20;", "Vibrate:0;" }, await H.Texts(client, Toys.Lush));
                await H.Eventually(() => Volatile.Read(ref disconnects) == 1, "ServerDisconnect");
            }
        }

        [Test]
        public async Task DropAndRestore()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush)))
            {
                var removed = new List<PlugwireDevice>();
                client.DeviceRemoved += (s, e) => { lock (removed) removed.Add(e.Device); };
                var lush = H.Device(client, "Lovense Lush");
                await client.Simulation.DropAsync(Toys.Lush);
                await H.Eventually(() => { lock (removed) return removed.Count == 1; }, "DeviceRemoved");
                Assert.True(removed[0] == lush, "the removed device is the object the client handed out");
                Assert.Equal(0, client.Devices.Length, "no devices");
                var gone = Assert.Throws<PlugwireUnknownDeviceException>(() => lush.VibrateAsync(0.5), "vibrating a removed toy");
                Assert.True(gone.Message.Contains(lush.Index.ToString()), "the error names the index: " + gone.Message);
                await client.Simulation.RestoreAsync(Toys.Lush);
                await H.Eventually(() => client.Devices.Length == 1, "the toy back", 10);
                Assert.Equal(lush.Index, client.Devices[0].Index, "same index");
                await lush.VibrateAsync(0.5);
            }
        }

        [Test]
        public async Task AddDeviceGeneratesAnAddress()
        {
            using (var client = await H.Connected())
            {
                string address = await client.Simulation.AddDeviceAsync("LVS-Lush");
                Assert.True(address.Length > 0, "an address");
                await client.StartScanningAsync();
                await H.Eventually(() => client.Devices.Length == 1, "the added toy");
                await client.Devices[0].VibrateAsync(0.5);
                Assert.Sequence(new[] { "Vibrate:10;" }, await H.Texts(client, address));
            }
        }
    }
}
