using System;
using System.Collections.Generic;
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
                case "plugwire.v1.Request": return Request.Parse(bytes);
                case "plugwire.v1.Reply": return Reply.Parse(bytes);
                case "plugwire.v1.Event": return Event.Parse(bytes);
                default: throw new AssertionException("unknown message type " + type + " in index.json");
            }
        }

        /// <summary>index.json: {"file.bin": "plugwire.v1.Type", ...} (flat, written by examples/protobuf_test_vectors.rs).</summary>
        static List<KeyValuePair<string, string>> Index()
        {
            string json = File.ReadAllText(Path.Combine(VectorDir, "index.json"));
            return System.Text.RegularExpressions.Regex.Matches(json, "\"([^\"]+)\"\\s*:\\s*\"([^\"]+)\"")
                .Cast<System.Text.RegularExpressions.Match>()
                .Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, m.Groups[2].Value)).ToList();
        }

        [Test]
        public void VectorsRoundTripByteForByte()
        {
            var entries = Index();
            Assert.True(entries.Count >= 15, "index.json lists the vectors (" + entries.Count + ")");
            Assert.Equal(Directory.GetFiles(VectorDir, "*.bin").Length, entries.Count, "every .bin file is listed");
            foreach (var entry in entries)
            {
                byte[] bytes = File.ReadAllBytes(Path.Combine(VectorDir, entry.Key));
                byte[] again = Parse(entry.Value, bytes).ToByteArray();
                Assert.Sequence(bytes, again, entry.Key + " re-encoded");
            }
        }

        static byte[] Bytes(string name) { return File.ReadAllBytes(Path.Combine(VectorDir, name + ".bin")); }

        [Test]
        public void VectorsDecodeToTheirValues()
        {
            var connect = Request.Parse(Bytes("request_connect_embedded")).ConnectEmbedded;
            Assert.Equal("vectors", connect.ClientName, "client name");
            Assert.Equal("plugwire ✓", connect.ServerName, "server name (UTF-8)");
            var timed = Request.Parse(Bytes("request_device_output_steps_duration")).DeviceOutput;
            Assert.Equal(-7, timed.Steps, "negative steps");
            Assert.Equal(DeviceOutput.ValueOneofCase.Steps, timed.ValueCase, "value case");
            Assert.Equal(null, timed.Fraction, "the other member");
            Assert.Equal(500u, timed.DurationMs, "duration");
            Assert.Equal(OutputType.HwPositionWithDuration, timed.Output, "output type");
            Assert.Equal(-0.25, Request.Parse(Bytes("request_device_output_fraction")).DeviceOutput.Fraction, "negative fraction");
            var batch = Request.Parse(Bytes("request_device_outputs")).DeviceOutputs;
            Assert.Equal(2, batch.Outputs.Count, "two outputs");
            Assert.Equal(20, batch.Outputs[1].Steps, "steps");
            Assert.Equal(-123456, Reply.Parse(Bytes("reply_input_reading")).InputReading.Value, "negative reading");
            var log = Reply.Parse(Bytes("reply_write_log")).WriteLog;
            Assert.True(log.Records.Any(r => r.AtUs == 18000000000000000000UL), "a uint64 above long.MaxValue");
            var list = Reply.Parse(Bytes("reply_device_list")).DeviceList;
            var device = list.Devices[0];
            Assert.Equal("my toy", device.DisplayName, "display name");
            var battery = device.Features.SelectMany(f => f.Inputs).First(i => i.Type == InputType.Battery);
            Assert.Sequence(new[] { InputCommand.Read, InputCommand.Subscribe }, battery.Commands, "packed enums");
            Assert.Equal(-5, battery.Ranges[1].Min, "negative range");
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
            // The request the binding builds for a rotation equals the Rust side's vector.
            var request = new Request { DeviceOutput = new DeviceOutput { DeviceIndex = 3, FeatureIndex = 1, Output = OutputType.Rotate, Fraction = -0.25 } };
            Assert.Sequence(Bytes("request_device_output_fraction"), request.ToByteArray(), "rotate request");
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
