using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    /// <summary>
    /// Issue #24: every async method takes a CancellationToken; argument errors are .NET's
    /// own; the behaviour table of bindings/README.md (disconnect twice, calls after
    /// Dispose) holds.
    /// </summary>
    [TestFixture]
    public class CancellationTests
    {
        [Test]
        public async Task CancelledBeforeTheCallSendsNothing()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush)))
            {
                var lush = H.Device(client, "Lovense Lush");
                await client.Simulation.WriteLogAsync(Toys.Lush, true);
                var cts = new CancellationTokenSource();
                cts.Cancel();
                Assert.Throws<OperationCanceledException>(() => lush.VibrateAsync(0.5, cts.Token), "vibrate with a cancelled token");
                Assert.Throws<OperationCanceledException>(() => client.StartScanningAsync(cts.Token), "scan with a cancelled token");
                Assert.Throws<OperationCanceledException>(() => client.Simulation.WriteLogAsync(Toys.Lush, false, cts.Token), "write log");
                await lush.StopAsync();
                var texts = await H.Texts(client, Toys.Lush);
                Assert.True(!texts.Any(t => t.StartsWith("Vibrate:1")), "the cancelled vibrate never reached the toy: " + string.Join(" ", texts));
            }
        }

        [Test]
        public async Task CancellingAHungRequestStopsTheWaitAndAStopAfterItWins()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush)))
            {
                var lush = H.Device(client, "Lovense Lush");
                // Every write of the toy takes 1.5 s: the vibrate's reply would come after that.
                await client.Simulation.SetWriteFaultAsync(Toys.Lush, WriteFault.Delay, 1500);
                var cts = new CancellationTokenSource();
                var started = DateTime.UtcNow;
                var pending = lush.VibrateAsync(0.7, cts.Token);
                cts.CancelAfter(100);
                Assert.Throws<OperationCanceledException>(() => pending, "the cancelled vibrate");
                var waited = (DateTime.UtcNow - started).TotalMilliseconds;
                Assert.True(waited < 1000, "cancel ended the wait at once, not after the slow write: " + waited + " ms");
                // Heal the toy: a stop sent after the cancel acts after the cancelled command.
                await client.Simulation.SetWriteFaultAsync(Toys.Lush, WriteFault.None);
                await client.Simulation.WriteLogAsync(Toys.Lush, true);
                await lush.StopAsync();
                await lush.VibrateAsync(0.2);
                await lush.StopAsync();
                var texts = await H.Texts(client, Toys.Lush);
                Assert.Equal("Vibrate:0;", texts.Last(), "the toy ends stopped");
            }
        }

        [Test]
        public async Task CancelConnect()
        {
            using (var client = new PlugwireClient())
            {
                var cts = new CancellationTokenSource();
                cts.Cancel();
                Assert.Throws<OperationCanceledException>(() => client.ConnectEmbeddedAsync(new EmbeddedOptions(), cts.Token), "a cancelled connect");
                Assert.True(!client.Connected, "not connected");
                // A client that cancelled may connect again.
                await client.ConnectEmbeddedAsync(new EmbeddedOptions(), CancellationToken.None);
                Assert.True(client.Connected, "connected");
            }
        }

        [Test]
        public async Task ArgumentErrorsAreDotNets()
        {
            using (var client = await H.Connected(Toys.Sim("LVS-Lush", Toys.Lush)))
            {
                var lush = H.Device(client, "Lovense Lush");
                Assert.ThrowsExactly<ArgumentNullException>(() => lush.RunOutputsAsync(null), "RunOutputsAsync(null)");
                Assert.ThrowsExactly<ArgumentNullException>(() => client.ConnectAsync(null), "ConnectAsync(null)");
                Assert.ThrowsExactly<ArgumentNullException>(() => client.Simulation.AddDeviceAsync((string)null), "AddDeviceAsync(null)");
                Assert.ThrowsExactly<ArgumentNullException>(() => client.Simulation.WriteLogAsync(null), "WriteLogAsync(null)");
                Assert.ThrowsExactly<ArgumentNullException>(() => client.Simulation.NotifyAsync(Toys.Lush, "rx", null), "NotifyAsync(data: null)");
            }
        }

        [Test]
        public void PollEventsAfterDisposeThrows()
        {
            var client = new PlugwireClient("pull", true);
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => { client.PollEvents(0); return Task.CompletedTask; }, "PollEvents after Dispose");
        }

        [Test]
        public async Task DisconnectWhenNotConnectedIsNotConnectedEveryTime()
        {
            using (var client = new PlugwireClient())
            {
                Assert.ThrowsExactly<PlugwireNotConnectedException>(() => client.DisconnectAsync(), "never connected");
                await client.ConnectEmbeddedAsync(new EmbeddedOptions());
                await client.DisconnectAsync();
                Assert.ThrowsExactly<PlugwireNotConnectedException>(() => client.DisconnectAsync(), "second disconnect");
                Assert.ThrowsExactly<PlugwireNotConnectedException>(() => client.DisconnectAsync(), "third disconnect");
            }
        }

        [Test]
        public void CallsAfterDisposeThrowObjectDisposed()
        {
            var client = new PlugwireClient();
            client.Dispose();
            client.Dispose();
            Assert.ThrowsExactly<ObjectDisposedException>(() => client.StartScanningAsync(), "a request after Dispose");
            Assert.ThrowsExactly<ObjectDisposedException>(() => client.DisconnectAsync(), "disconnect after Dispose");
        }

        [Test]
        public void UnknownSimulatedToyNamesTheName()
        {
            using (var client = new PlugwireClient())
            {
                var options = new EmbeddedOptions();
                options.SimulatedDevices.Add(new SimulatedDeviceOptions("NoSuchToy-9"));
                var e = Assert.ThrowsExactly<PlugwireInvalidArgumentException>(() => client.ConnectEmbeddedAsync(options), "a misspelt toy");
                Assert.True(e.Message.Contains("NoSuchToy-9"), "the message names the toy: " + e.Message);
                Assert.True(!client.Connected, "not connected");
            }
        }
    }
}
