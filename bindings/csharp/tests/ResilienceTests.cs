using System;
using System.Linq;
using System.Threading.Tasks;

namespace Plugwire.Tests
{
    /// <summary>
    /// Issue #24, client resilience: the websocket connector's ping options, against a
    /// `plugwire serve` that asks for a ping every 300 ms.
    /// </summary>
    [TestFixture]
    public class ResilienceTests
    {
        private static readonly string[] PingEvery300 = { "--max-ping-time", "300" };

        /// <summary>Connects with these options and says whether the session lived 1.2 s
        /// without the server timing the client out (PingTimeout: it stops every device).</summary>
        private static async Task<bool> Survives(Serve serve, WebsocketOptions options)
        {
            bool alive;
            using (var client = new PlugwireClient("ping"))
            {
                var timedOut = new TaskCompletionSource<bool>();
                client.PingTimeout += (s, e) => timedOut.TrySetResult(true);
                client.ServerDisconnect += (s, e) => timedOut.TrySetResult(true);
                await client.ConnectAsync(serve.Url, options);
                alive = await Task.WhenAny(timedOut.Task, Task.Delay(1200)) != timedOut.Task;
            }
            // The server takes the next client once this one is gone.
            await Task.Delay(200);
            return alive;
        }

        [Test]
        public async Task PingOptionsReachTheConnection()
        {
            using (var serve = new Serve(PingEvery300, "LVS-Lush@" + Toys.Lush))
            {
                Assert.True(await Survives(serve, null), "the default pinging keeps the session");
                Assert.True(await Survives(serve, new WebsocketOptions { PingIntervalMs = 50 }), "pinging every 50 ms keeps it");
                Assert.True(!await Survives(serve, new WebsocketOptions { Ping = false }), "without pings the server times the client out");
                Assert.True(!await Survives(serve, new WebsocketOptions { PingIntervalMs = 5000 }), "pinging every 5 s misses the 300 ms deadline");
            }
        }

        [Test]
        public async Task ServerInfoAndRefreshDevices()
        {
            using (var client = new PlugwireClient("info"))
            {
                Assert.Throws<PlugwireNotConnectedException>(() => client.GetServerInfoAsync(), "server info before connecting");
                var options = new EmbeddedOptions { ServerName = "info test", MaxPingTimeMs = 4000 }.WithSimulatedDevices("LVS-Lush");
                await client.ConnectEmbeddedAsync(options);
                var info = await client.GetServerInfoAsync();
                Assert.Equal("info test", info.ServerName, "server name");
                Assert.Equal(4000u, info.MaxPingTimeMs, "max ping time");
                await client.StartScanningAsync();
                await H.Eventually(() => client.Devices.Length == 1, "the toy");
                var listed = await client.RefreshDevicesAsync();
                Assert.Equal(1, listed.Length, "devices listed");
                Assert.Equal("Lovense Lush", listed[0].Name, "device name");
                Assert.True(listed[0] == client.Devices[0], "the known device object");
            }
        }

        private static int FreePort()
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        [Test]
        public async Task ReconnectAfterTheServerRestarts()
        {
            // plugwire serve is killed and restarted on the same port: the client says the
            // link is lost, refuses requests meanwhile, dials again, re-syncs its devices
            // (the new server has found none yet: the toy is removed) and says so; nothing
            // sent before the drop reaches the new server.
            var port = new[] { "--websocket-port", FreePort().ToString() };
            var first = new Serve(port, "LVS-Lush@" + Toys.Lush);
            Serve second = null;
            try
            {
                using (var client = new PlugwireClient("reconnect"))
                {
                    var lost = new TaskCompletionSource<bool>();
                    var removed = new TaskCompletionSource<string>();
                    var back = new TaskCompletionSource<ReconnectedEventArgs>();
                    client.ConnectionLost += (s, e) => lost.TrySetResult(true);
                    client.DeviceRemoved += (s, e) => removed.TrySetResult(e.Device.Name);
                    client.Reconnected += (s, e) => back.TrySetResult(e);
                    await client.ConnectAsync(first.Url, new WebsocketOptions { Reconnect = true, ReconnectInitialDelayMs = 50, ReconnectMaxDelayMs = 200 });
                    await client.StartScanningAsync();
                    await H.Eventually(() => client.Devices.Length == 1, "the served toy");
                    await client.Devices[0].VibrateAsync(0.5);
                    var lush = client.Devices[0];
                    first.Dispose();
                    Assert.True(await Task.WhenAny(lost.Task, Task.Delay(10000)) == lost.Task, "ConnectionLost");
                    Assert.True(!client.Connected, "not connected while the link is down");
                    var e1 = Assert.Throws<PlugwireNotConnectedException>(() => lush.VibrateAsync(0.75), "vibrate while the link is down");
                    Assert.True(e1.Message.Contains("re-established"), e1.Message);
                    second = new Serve(port, "LVS-Lush@" + Toys.Lush);
                    Assert.True(await Task.WhenAny(back.Task, Task.Delay(10000)) == back.Task, "Reconnected");
                    Assert.Equal("Lovense Lush", await removed.Task, "the toy the new server has not found is removed");
                    Assert.Equal(0, back.Task.Result.Devices.Length, "devices after the resync");
                    Assert.True(back.Task.Result.Attempts >= 1, "attempts");
                    Assert.True(client.Connected, "connected again");
                    await client.StartScanningAsync();
                    await H.Eventually(() => client.Devices.Length == 1, "the served toy again");
                    await client.Devices[0].VibrateAsync(0.25);
                    await client.DisconnectAsync();
                }
                var texts = second.Writes(Toys.Lush).Where(t => t.StartsWith("Vibrate")).ToList();
                Assert.True(texts.Contains("Vibrate:5;"), string.Join(" ", texts));
                Assert.True(!texts.Contains("Vibrate:10;") && !texts.Contains("Vibrate:15;"), "nothing replayed: " + string.Join(" ", texts));
            }
            finally
            {
                first.Dispose();
                if (second != null) second.Dispose();
            }
        }
    }
}
