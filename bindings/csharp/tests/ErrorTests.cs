using System;
using System.Linq;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>Errors of the ABI arrive as the exception type their code maps to.</summary>
    [TestFixture]
    public class ErrorTests
    {
        [Test]
        public void NotConnected()
        {
            using (var client = new PlugwireClient())
            {
                var e = Assert.ThrowsExactly<PlugwireNotConnectedException>(() => client.StartScanningAsync(), "scanning unconnected");
                Assert.Equal(ErrorCode.NotConnected, e.Code, "code");
                Assert.Equal(ErrorCategory.Connection, e.Category, "category");
                Assert.True(e is PlugwireConnectionException, "a connection exception");
            }
        }

        [Test]
        public async Task AlreadyConnected()
        {
            using (var client = await H.Connected())
            {
                var e = Assert.ThrowsExactly<PlugwireRequestException>(() => client.ConnectEmbeddedAsync(new EmbeddedOptions()), "connecting twice");
                Assert.Equal(ErrorCode.AlreadyConnected, e.Code, "code");
            }
        }

        [Test]
        public async Task UnknownDeviceAndFeature()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush)))
            {
                var lush = H.Device(client, "Lovense Lush");
                Assert.ThrowsExactly<PlugwireInvalidArgumentException>(() => lush.RunOutputAsync(9, OutputType.Vibrate, 0.5), "a feature the toy lacks");
                Assert.ThrowsExactly<PlugwireInvalidArgumentException>(() => lush.VibrateAsync(1.5), "a value out of range");
                var e = Assert.ThrowsExactly<PlugwireRequestException>(() => lush.RotateAsync(0.5), "an output the toy lacks");
                Assert.Equal(ErrorCode.Unsupported, e.Code, "code");
                // Lovense battery is read-only: the server refuses a subscription.
                var sub = Assert.Throws<PlugwireException>(() => lush.SubscribeAsync(1, InputType.Battery), "subscribing a read-only input");
                Assert.True(sub is PlugwireDeviceException || sub is PlugwireServerException || sub is PlugwireRequestException, "a refusal: " + sub.GetType().Name);
                Assert.ThrowsExactly<PlugwireUnknownDeviceException>(() => client.Simulation.WriteLogAsync("no-such-address"), "an unknown simulated toy");
            }
        }

        [Test]
        public void BadConfiguration()
        {
            using (var client = new PlugwireClient())
            {
                var e = Assert.ThrowsExactly<PlugwireRequestException>(() => client.ConnectEmbeddedAsync(new EmbeddedOptions { DeviceConfigJson = "{ not json" }), "a broken device config");
                Assert.Equal(ErrorCode.Configuration, e.Code, "code");
                Assert.True(!client.Connected, "not connected");
            }
        }

        [Test]
        public void ConnectionRefused()
        {
            using (var client = new PlugwireClient())
            {
                var e = Assert.ThrowsExactly<PlugwireConnectionException>(() => client.ConnectAsync(new Uri("ws://127.0.0.1:1")), "nobody listens");
                Assert.Equal(ErrorCode.ConnectionFailed, e.Code, "code");
            }
        }

        [Test]
        public async Task NoSimulatedHardware()
        {
            using (var client = new PlugwireClient())
            {
                await client.ConnectEmbeddedAsync(new EmbeddedOptions());
                var e = Assert.ThrowsExactly<PlugwireRequestException>(() => client.Simulation.AddDeviceAsync("LVS-Lush"), "no simulated hardware");
                Assert.Equal(ErrorCode.NoSimulatedHardware, e.Code, "code");
            }
        }

        [Test]
        public void DisposedClientThrowsObjectDisposed()
        {
            var client = new PlugwireClient();
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => client.StartScanningAsync(), "a request after Dispose");
        }

        [Test]
        public void ErrorCodesMapToTypes()
        {
            Func<ErrorCode, Type> map = code => PlugwireException.FromError(new Error { Code = code, Category = ErrorCategory.Request, Message = "m" }).GetType();
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.InvalidRequest), "InvalidRequest");
            Assert.Equal(typeof(PlugwireNotConnectedException), map(ErrorCode.NotConnected), "NotConnected");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.AlreadyConnected), "AlreadyConnected");
            Assert.Equal(typeof(PlugwireConnectionException), map(ErrorCode.ConnectionFailed), "ConnectionFailed");
            Assert.Equal(typeof(PlugwireInvalidArgumentException), map(ErrorCode.InvalidArgument), "InvalidArgument");
            Assert.Equal(typeof(PlugwireUnknownDeviceException), map(ErrorCode.UnknownDevice), "UnknownDevice");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.NoSimulatedHardware), "NoSimulatedHardware");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.Unsupported), "Unsupported");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.Configuration), "Configuration");
            Assert.Equal(typeof(PlugwireConnectionException), map(ErrorCode.EventsDropped), "EventsDropped");
            Assert.Equal(typeof(PlugwireServerException), map(ErrorCode.ServerUnknown), "ServerUnknown");
            Assert.Equal(typeof(PlugwireServerException), map(ErrorCode.ServerHandshake), "ServerHandshake");
            Assert.Equal(typeof(PlugwirePingException), map(ErrorCode.ServerPing), "ServerPing");
            Assert.Equal(typeof(PlugwireServerException), map(ErrorCode.ServerMessage), "ServerMessage");
            Assert.Equal(typeof(PlugwireDeviceException), map(ErrorCode.ServerDevice), "ServerDevice");
            Assert.Equal(typeof(PlugwireInternalException), map(ErrorCode.Internal), "Internal");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.PlaybackInvalid), "PlaybackInvalid");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.PlaybackUnknown), "PlaybackUnknown");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.PlaybackBusy), "PlaybackBusy");
            Assert.Equal(typeof(PlugwireRequestException), map(ErrorCode.PlaybackUnavailable), "PlaybackUnavailable");
            // Every code of the schema has a mapping more specific than the base class.
            foreach (ErrorCode code in Enum.GetValues(typeof(ErrorCode)))
            {
                if (code == ErrorCode.Unspecified) continue;
                Assert.True(map(code) != typeof(PlugwireException), code + " maps to a specific exception");
            }
        }
    }
}
