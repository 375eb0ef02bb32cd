using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>The generated classes against the shared vectors the Rust side encoded.</summary>
    [TestFixture]
    public class ProtoTests
    {
        static string VectorDir { get { return Path.Combine(H.RepoRoot, "protobuf", "test-vectors"); } }

        static IProtoMessage Parse(string type, byte[] bytes)
        {
            switch (type)
            {
                case "Request": return Request.Parse(bytes);
                case "Reply": return Reply.Parse(bytes);
                case "Event": return Event.Parse(bytes);
                default: throw new AssertionException("unknown message type " + type + " in the manifest");
            }
        }

        [Test]
        public void VectorsRoundTripByteForByte()
        {
            var lines = File.ReadAllLines(Path.Combine(VectorDir, "manifest.txt")).Where(l => l.Length > 0 && !l.StartsWith("#")).ToList();
            Assert.True(lines.Count >= 30, "the manifest lists the vectors (" + lines.Count + ")");
            foreach (var line in lines)
            {
                var parts = line.Split(new[] { ' ' }, 3);
                byte[] bytes = File.ReadAllBytes(Path.Combine(VectorDir, parts[0]));
                byte[] again = Parse(parts[1], bytes).ToByteArray();
                Assert.Sequence(bytes, again, parts[0] + " re-encoded");
            }
        }

        static Request Vector(string name) { return Request.Parse(File.ReadAllBytes(Path.Combine(VectorDir, name + ".bin"))); }

        [Test]
        public void VectorsDecodeToTheirValues()
        {
            var connect = Vector("request-connect-embedded").ConnectEmbedded;
            Assert.Equal("C# ✓", connect.ClientName, "client name (UTF-8)");
            Assert.Equal(4000000000u, connect.MaxPingTimeMs, "uint32 above int.MaxValue");
            Assert.Equal(0u, connect.DefaultMessageGapMs, "a set oneof member at zero");
            Assert.Equal(3, connect.SimulatedDevices.Count, "simulated devices");
            Assert.Equal(0u, connect.SimulatedDevices[0].BatteryLevel, "battery 0 is set");
            Assert.Equal(null, connect.SimulatedDevices[1].BatteryLevel, "battery unset");
            Assert.Equal(null, Vector("request-connect-embedded-empty").ConnectEmbedded.DefaultMessageGapMs, "unset oneof");

            var steps = Vector("request-output-negative-steps").DeviceOutput;
            Assert.Equal(-7, steps.Steps, "negative steps");
            Assert.Equal(DeviceOutput.ValueOneofCase.Steps, steps.ValueCase, "value case");
            Assert.Equal(null, steps.Fraction, "the other member");
            var zero = Vector("request-output-fraction-zero").DeviceOutput;
            Assert.Equal(0.0, zero.Fraction, "a zero fraction is set");
            Assert.Equal(500u, Vector("request-output-timed-position").DeviceOutput.DurationMs, "duration");

            var log = Reply.Parse(File.ReadAllBytes(Path.Combine(VectorDir, "reply-write-log.bin"))).WriteLog;
            Assert.Equal(ulong.MaxValue, log.Records[1].AtUs, "uint64 max");
            Assert.Equal("Vibrate:10;", System.Text.Encoding.ASCII.GetString(log.Records[0].Data), "bytes");
            Assert.True(log.Records[1].WithResponse, "bool");

            var device = Event.Parse(File.ReadAllBytes(Path.Combine(VectorDir, "event-device-added.bin"))).DeviceAdded;
            Assert.Equal("Édge ✓ 夜", device.DisplayName, "display name");
            Assert.Equal(-20, device.Features[1].Outputs[0].Min, "negative min");
            Assert.Sequence(new[] { InputCommand.Read, InputCommand.Subscribe, InputCommand.Unsubscribe }, device.Features[3].Inputs[0].Commands, "packed enums");
            Assert.Equal(int.MinValue, device.Features[4].Inputs[0].Ranges[0].Min, "int.MinValue");
            Assert.Equal(100000, device.Features[2].Outputs[0].Duration.Max, "duration range");
        }

        [Test]
        public void UnpackedRepeatedEnumsAndUnknownFieldsDecode()
        {
            // commands (field 3 of Input) written unpacked, then an unknown varint field 15.
            var bytes = new byte[] { 0x08, 0x01, 0x18, 0x01, 0x18, 0x02, 0x78, 0x05 };
            var input = new Input();
            input.MergeFrom(new ProtoReader(bytes, 0, bytes.Length));
            Assert.Equal(InputType.Battery, input.Type, "type");
            Assert.Sequence(new[] { InputCommand.Read, InputCommand.Subscribe }, input.Commands, "unpacked commands");
        }

        [Test]
        public void MalformedBytesThrowProtoException()
        {
            foreach (var bad in new[] { new byte[] { 0x0a, 0x05, 0x01 }, new byte[] { 0x80 }, new byte[] { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f } })
            {
                try
                {
                    Event.Parse(bad);
                }
                catch (ProtoException)
                {
                    continue;
                }
                throw new AssertionException("expected ProtoException for " + BitConverter.ToString(bad));
            }
        }

        [Test]
        public void GeneratedCodeEncodesLikeProst()
        {
            // The request the binding builds for a vibrate equals the Rust side's vector.
            var request = new Request { DeviceOutput = new DeviceOutput { DeviceIndex = 1, FeatureIndex = 2, Output = OutputType.Vibrate, Fraction = 0.5 } };
            Assert.Sequence(File.ReadAllBytes(Path.Combine(VectorDir, "request-output-fraction.bin")), request.ToByteArray(), "vibrate request");
        }
    }

    [TestFixture]
    public class WebsocketTests
    {
        [Test]
        public async Task ConnectToPlugwireServe()
        {
            using (var serve = new Serve("LVS-Lush@" + Toys.Lush))
            using (var client = new PlugwireClient("websocket"))
            {
                var added = new TaskCompletionSource<PlugwireDevice>();
                client.DeviceAdded += (s, e) => added.TrySetResult(e.Device);
                await client.ConnectAsync(serve.Url);
                Assert.True(client.Connected, "connected");
                await client.StartScanningAsync();
                Assert.True(await Task.WhenAny(added.Task, Task.Delay(10000)) == added.Task, "DeviceAdded over websocket");
                var lush = added.Task.Result;
                Assert.Equal("Lovense Lush", lush.Name, "name");
                await lush.VibrateAsync(0.5);
                double level = await lush.BatteryAsync();
                Assert.True(level > 0 && level <= 1, "battery level read over websocket: " + level);
                // No simulated hardware on a websocket connection.
                var noSim = Assert.ThrowsExactly<PlugwireRequestException>(() => client.Simulation.WriteLogAsync(Toys.Lush), "simulation over websocket");
                Assert.Equal(ErrorCode.NoSimulatedHardware, noSim.Code, "code");
                await client.DisconnectAsync();
                Assert.True(!client.Connected, "disconnected");
            }
        }
    }
}
