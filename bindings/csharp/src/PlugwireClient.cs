using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire
{
    /// <summary>A simulated toy to create with the embedded server.</summary>
    public sealed class SimulatedDeviceOptions
    {
        public SimulatedDeviceOptions(string name) { Name = name; }
        /// <summary>Advertised name, e.g. "LVS-Nora".</summary>
        public string Name { get; set; }
        /// <summary>Address; null or empty: generated.</summary>
        public string Address { get; set; }
        /// <summary>Model the toy reports when identified; null: from the name.</summary>
        public string Model { get; set; }
        /// <summary>Battery level 0-100 the toy reports; null: the simulator's default.</summary>
        public uint? BatteryLevel { get; set; }
        /// <summary>Present as a serial port of this name instead of a BLE advertisement.</summary>
        public string SerialPort { get; set; }

        internal SimulatedDevice ToProto()
        {
            return new SimulatedDevice
            {
                Name = Name ?? "",
                Address = Address ?? "",
                Model = Model ?? "",
                BatteryLevel = BatteryLevel,
                SerialPort = SerialPort ?? "",
            };
        }
    }

    /// <summary>How the embedded server (inside the native library) is set up.</summary>
    public sealed class EmbeddedOptions
    {
        public string ClientName { get; set; }
        public string ServerName { get; set; }
        /// <summary>Milliseconds; 0 (the default) turns the ping watchdog off. The library pings for you.</summary>
        public uint MaxPingTimeMs { get; set; }
        /// <summary>Simulated hardware (implied by <see cref="SimulatedDevices"/>).</summary>
        public bool Simulated { get; set; }
        public List<SimulatedDeviceOptions> SimulatedDevices { get; private set; }
        public bool BluetoothLE { get; set; }
        public bool Serial { get; set; }
        public bool DeviceWebsocket { get; set; }
        /// <summary>Ecosystem device configuration JSON (v4 or v5); null keeps the built-in one.</summary>
        public string DeviceConfigJson { get; set; }
        /// <summary>Intiface user device configuration JSON; null for none.</summary>
        public string UserConfigJson { get; set; }
        /// <summary>Gap between writes for devices whose configuration names none; null keeps 75 ms.</summary>
        public uint? DefaultMessageGapMs { get; set; }

        public EmbeddedOptions() { SimulatedDevices = new List<SimulatedDeviceOptions>(); }

        /// <summary>Adds simulated toys by advertised name (e.g. "LVS-Lush").</summary>
        public EmbeddedOptions WithSimulatedDevices(params string[] names)
        {
            foreach (var n in names) SimulatedDevices.Add(new SimulatedDeviceOptions(n));
            return this;
        }

        internal ConnectEmbedded ToProto(string fallbackName)
        {
            var c = new ConnectEmbedded
            {
                ClientName = ClientName ?? fallbackName,
                ServerName = ServerName ?? "",
                MaxPingTimeMs = MaxPingTimeMs,
                Simulated = Simulated,
                BluetoothLe = BluetoothLE,
                Serial = Serial,
                DeviceWebsocket = DeviceWebsocket,
                DeviceConfigJson = DeviceConfigJson ?? "",
                UserConfigJson = UserConfigJson ?? "",
                DefaultMessageGapMs = DefaultMessageGapMs,
            };
            foreach (var d in SimulatedDevices) c.SimulatedDevices.Add(d.ToProto());
            return c;
        }
    }

    /// <summary>Options of a websocket connection (<see cref="PlugwireClient.ConnectAsync(Uri, WebsocketOptions, CancellationToken)"/>).</summary>
    public sealed class WebsocketOptions
    {
        /// <summary>The client pings a server that asks for pings (MaxPingTime &gt; 0) by
        /// itself (the default). False turns that off: the application then calls
        /// <see cref="PlugwireClient.PingAsync"/> itself, or the server stops every device
        /// at its deadline.</summary>
        public bool Ping { get; set; }
        /// <summary>Milliseconds between the client's pings; null (the default): MaxPingTime / 2.</summary>
        public uint? PingIntervalMs { get; set; }
        /// <summary>Dial a dropped connection again (false, the default: a drop is final).
        /// While the link is down <see cref="PlugwireClient.ConnectionLost"/> has been raised
        /// and every request throws PlugwireNotConnectedException (nothing is queued or
        /// replayed); once back the device list is fetched again (DeviceRemoved/DeviceAdded
        /// for each difference) and <see cref="PlugwireClient.Reconnected"/> follows. Giving
        /// up ends with ServerDisconnect.</summary>
        public bool Reconnect { get; set; }
        /// <summary>Delay before the first attempt in ms; null: 250. It doubles after each failure.</summary>
        public uint? ReconnectInitialDelayMs { get; set; }
        /// <summary>Longest delay between attempts in ms; null: 10000.</summary>
        public uint? ReconnectMaxDelayMs { get; set; }
        /// <summary>Attempts before giving up; null: no limit (until Disconnect or Dispose).</summary>
        public uint? ReconnectMaxAttempts { get; set; }

        public WebsocketOptions() { Ping = true; }

        internal ConnectWebsocket ToProto(string clientName, Uri server)
        {
            return new ConnectWebsocket
            {
                ClientName = clientName,
                Url = server.ToString(),
                NoPing = !Ping,
                PingIntervalMs = PingIntervalMs ?? 0,
                Reconnect = Reconnect,
                ReconnectInitialDelayMs = ReconnectInitialDelayMs ?? 0,
                ReconnectMaxDelayMs = ReconnectMaxDelayMs ?? 0,
                ReconnectMaxAttempts = ReconnectMaxAttempts ?? 0,
            };
        }
    }

    public sealed class ReconnectedEventArgs : EventArgs
    {
        public ReconnectedEventArgs(int attempts, PlugwireDevice[] devices) { Attempts = attempts; Devices = devices; }
        /// <summary>Attempts it took.</summary>
        public int Attempts { get; private set; }
        /// <summary>The device list after the resync.</summary>
        public PlugwireDevice[] Devices { get; private set; }
    }

    public sealed class DeviceAddedEventArgs : EventArgs
    {
        public DeviceAddedEventArgs(PlugwireDevice device) { Device = device; }
        public PlugwireDevice Device { get; private set; }
    }

    public sealed class DeviceRemovedEventArgs : EventArgs
    {
        public DeviceRemovedEventArgs(PlugwireDevice device) { Device = device; }
        /// <summary>The device as it was (its commands now fail).</summary>
        public PlugwireDevice Device { get; private set; }
    }

    public sealed class InputReadingEventArgs : EventArgs
    {
        public InputReadingEventArgs(uint deviceIndex, uint featureIndex, InputType input, int value)
        {
            DeviceIndex = deviceIndex;
            FeatureIndex = featureIndex;
            Input = input;
            Value = value;
        }
        public uint DeviceIndex { get; private set; }
        public uint FeatureIndex { get; private set; }
        public InputType Input { get; private set; }
        public int Value { get; private set; }
    }

    public sealed class ErrorEventArgs : EventArgs
    {
        public ErrorEventArgs(Exception exception) { Exception = exception; }
        /// <summary>A <see cref="PlugwireException"/> from the library, or an exception an event handler threw.</summary>
        public Exception Exception { get; private set; }
    }

    /// <summary>An exception thrown by one of your event handlers, reported through ErrorReceived.</summary>
    public sealed class PlugwireHandlerException : Exception
    {
        public PlugwireHandlerException(string eventName, Exception inner)
            : base("a handler of " + eventName + " threw: " + inner.Message, inner) { }
    }

    /// <summary>
    /// A Buttplug client backed by the native plugwire library: connect to the embedded
    /// server (simulated toys, Bluetooth LE, serial...) or to any Buttplug server over
    /// websocket, find devices and drive them.
    ///
    /// Events are raised on the SynchronizationContext current when the client was created
    /// (Unity's main thread, a UI thread), else on the thread pool, one at a time and in
    /// order; with <c>pullMode: true</c> they are raised only by <see cref="PollEvents"/>, on
    /// its caller's thread. Dispose stops every toy and returns when no callback can run.
    /// </summary>
    public sealed class PlugwireClient : IDisposable
    {
        private readonly string _name;
        private readonly ClientCore _core;
        private readonly EventDispatcher _dispatcher;
        private readonly object _devicesLock = new object();
        private readonly Dictionary<uint, PlugwireDevice> _devices = new Dictionary<uint, PlugwireDevice>();
        private readonly object _raiseLock = new object();
        private volatile bool _disposed;
        private int _disposeState;
        private readonly ManualResetEventSlim _disposeDone = new ManualResetEventSlim(false);
        private readonly TaskCompletionSource<bool> _closed =
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The client whose handler the current thread is running, if any.
        [ThreadStatic] private static PlugwireClient t_inHandlerOf;
        private volatile bool _connected;
        private readonly Simulation _simulation;
        internal readonly PlaybackRegistry Playbacks = new PlaybackRegistry();

        /// <param name="name">Client name sent to the server.</param>
        /// <param name="pullMode">Queue events for <see cref="PollEvents"/> instead of raising them by themselves.</param>
        public PlugwireClient(string name = "plugwire C#", bool pullMode = false)
        {
            _name = name ?? "plugwire C#";
            _dispatcher = new EventDispatcher(SynchronizationContext.Current);
            _core = new ClientCore(this, pullMode);
            _simulation = new Simulation(this);
        }

        ~PlugwireClient()
        {
            // Never block the finalizer thread on native work: close elsewhere.
            if (!_disposed && _core != null) _core.CloseInBackground();
        }

        public string Name { get { return _name; } }
        public bool Connected { get { return _connected && !_disposed; } }
        public bool PullMode { get { return _core.PullMode; } }

        /// <summary>The devices currently known, by index order.</summary>
        public PlugwireDevice[] Devices
        {
            get
            {
                lock (_devicesLock) return _devices.Values.OrderBy(d => d.Index).ToArray();
            }
        }

        /// <summary>Simulated-hardware control (embedded connections with simulated toys).</summary>
        public Simulation Simulation { get { return _simulation; } }

        public event EventHandler<DeviceAddedEventArgs> DeviceAdded;
        public event EventHandler<DeviceRemovedEventArgs> DeviceRemoved;
        public event EventHandler ScanningFinished;
        public event EventHandler<InputReadingEventArgs> InputReadingReceived;
        public event EventHandler ServerDisconnect;
        public event EventHandler PingTimeout;
        /// <summary>The websocket link dropped and the client is reconnecting (<see cref="WebsocketOptions.Reconnect"/>).</summary>
        public event EventHandler ConnectionLost;
        /// <summary>The link is back and the device list re-synced.</summary>
        public event EventHandler<ReconnectedEventArgs> Reconnected;
        public event EventHandler<ErrorEventArgs> ErrorReceived;
        /// <summary>Every event of every playback of this client (see <see cref="PlugwirePlayback"/>).</summary>
        public event EventHandler<PlaybackEventArgs> PlaybackEventReceived;

        // ------------------------------------------------------------ requests

        /// <summary>
        /// Sends a request and waits for its reply. Cancelling (the token) before the call
        /// sends nothing; cancelling later stops the wait (OperationCanceledException) while
        /// the request goes on: the command may still reach the toy, or may not. Requests
        /// keep their order, so a command sent after a cancelled one (a stop) always acts
        /// after it: a stop sent after a cancel leaves the toy stopped.
        /// </summary>
        internal async Task<Reply> RequestAsync(Request request, CancellationToken cancellationToken = default(CancellationToken))
        {
            ThrowIfDisposed();
            cancellationToken.ThrowIfCancellationRequested();
            Reply reply = await Cancellation.Wait(_core.SendAsync(request), cancellationToken).ConfigureAwait(false);
            if (reply.KindCase == Reply.KindOneofCase.Error) throw PlugwireException.FromError(reply.Error);
            return reply;
        }

        public async Task ConnectEmbeddedAsync(EmbeddedOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            options = options ?? new EmbeddedOptions();
            await RequestAsync(new Request { ConnectEmbedded = options.ToProto(_name) }, cancellationToken).ConfigureAwait(false);
            _connected = true;
        }

        /// <summary>Connects to a Buttplug server over websocket, e.g. ws://127.0.0.1:12345.</summary>
        public Task ConnectAsync(Uri server, CancellationToken cancellationToken = default(CancellationToken))
        {
            return ConnectAsync(server, null, cancellationToken);
        }

        /// <summary>Connects to a Buttplug server over websocket with options (pinging); null options are the defaults.</summary>
        public async Task ConnectAsync(Uri server, WebsocketOptions options, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (server == null) throw new ArgumentNullException("server");
            options = options ?? new WebsocketOptions();
            await RequestAsync(new Request { ConnectWebsocket = options.ToProto(_name, server) }, cancellationToken).ConfigureAwait(false);
            _connected = true;
        }

        /// <summary>The server's name and the ping interval it asks for (MaxPingTimeMs, 0: none),
        /// from the handshake (after a reconnect, the new one's). Not connected:
        /// PlugwireNotConnectedException.</summary>
        public async Task<ServerInfo> GetServerInfoAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            Reply reply = await RequestAsync(new Request { GetServerInfo = new GetServerInfo() }, cancellationToken).ConfigureAwait(false);
            return reply.ServerInfo;
        }

        /// <summary>Asks the server for its device list (RequestDeviceList on the wire) and
        /// brings <see cref="Devices"/> in line with it: DeviceAdded/DeviceRemoved are raised
        /// for the differences. Returns the list as the server gave it.</summary>
        public async Task<PlugwireDevice[]> RefreshDevicesAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            Reply reply = await RequestAsync(new Request { RequestDeviceList = new RequestDeviceList() }, cancellationToken).ConfigureAwait(false);
            var list = new List<PlugwireDevice>();
            lock (_devicesLock)
            {
                foreach (var d in reply.DeviceList.Devices)
                {
                    PlugwireDevice known;
                    if (!_devices.TryGetValue(d.Index, out known) || known.Name != d.Name) _devices[d.Index] = known = new PlugwireDevice(this, d);
                    list.Add(known);
                }
            }
            return list.ToArray();
        }

        public Task StartScanningAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RequestAsync(new Request { StartScanning = new StartScanning() }, cancellationToken);
        }

        public Task StopScanningAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RequestAsync(new Request { StopScanning = new StopScanning() }, cancellationToken);
        }

        public Task StopAllDevicesAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RequestAsync(new Request { StopAll = new StopAll() }, cancellationToken);
        }

        public Task PingAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RequestAsync(new Request { Ping = new Ping() }, cancellationToken);
        }

        /// <summary>
        /// Disconnects (the server stops every toy). When not connected (never connected, or
        /// already disconnected) it throws PlugwireConnectionException (NotConnected), every time.
        /// </summary>
        public async Task DisconnectAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            await RequestAsync(new Request { Disconnect = new Disconnect() }, cancellationToken).ConfigureAwait(false);
            _connected = false;
            lock (_devicesLock) _devices.Clear();
        }

        // ------------------------------------------------------------ events

        /// <summary>
        /// Pull mode: raises every queued event on the calling thread (call it from a game
        /// loop's Update) and returns how many were raised. Waits up to
        /// <paramref name="timeoutMs"/> for the first one (0: never waits).
        /// </summary>
        public int PollEvents(uint timeoutMs = 0)
        {
            ThrowIfDisposed();
            if (!_core.PullMode) throw new InvalidOperationException("PollEvents needs a client created with pullMode: true");
            int count = 0;
            uint wait = timeoutMs;
            while (!_disposed)
            {
                Event e = _core.NextEvent(wait);
                if (e == null) break;
                wait = 0;
                OnEvent(e, true);
                count++;
            }
            return count;
        }

        /// <summary>An event from native code (callback thread) or from PollEvents (caller's thread).</summary>
        internal void OnEvent(Event e, bool raiseHere)
        {
            if (_disposed) return;
            Action raise = null;
            switch (e.KindCase)
            {
                case Event.KindOneofCase.DeviceAdded:
                {
                    var device = new PlugwireDevice(this, e.DeviceAdded);
                    lock (_devicesLock) _devices[device.Index] = device;
                    raise = () => Invoke("DeviceAdded", DeviceAdded, new DeviceAddedEventArgs(device));
                    break;
                }
                case Event.KindOneofCase.DeviceRemoved:
                {
                    PlugwireDevice device;
                    lock (_devicesLock)
                    {
                        if (_devices.TryGetValue(e.DeviceRemoved.Index, out device)) _devices.Remove(e.DeviceRemoved.Index);
                    }
                    if (device == null) device = new PlugwireDevice(this, new Device { Index = e.DeviceRemoved.Index, Name = e.DeviceRemoved.Name });
                    var d = device;
                    raise = () => Invoke("DeviceRemoved", DeviceRemoved, new DeviceRemovedEventArgs(d));
                    break;
                }
                case Event.KindOneofCase.ScanningFinished:
                    raise = () => Invoke("ScanningFinished", ScanningFinished, EventArgs.Empty);
                    break;
                case Event.KindOneofCase.InputReading:
                {
                    var r = e.InputReading;
                    var args = new InputReadingEventArgs(r.DeviceIndex, r.FeatureIndex, r.Input, r.Value);
                    raise = () => Invoke("InputReadingReceived", InputReadingReceived, args);
                    break;
                }
                case Event.KindOneofCase.ServerDisconnected:
                    _connected = false;
                    lock (_devicesLock) _devices.Clear();
                    raise = () => Invoke("ServerDisconnect", ServerDisconnect, EventArgs.Empty);
                    break;
                case Event.KindOneofCase.PingTimeout:
                    raise = () => Invoke("PingTimeout", PingTimeout, EventArgs.Empty);
                    break;
                case Event.KindOneofCase.ConnectionLost:
                    _connected = false;
                    raise = () => Invoke("ConnectionLost", ConnectionLost, EventArgs.Empty);
                    break;
                case Event.KindOneofCase.Reconnected:
                {
                    var list = new List<PlugwireDevice>();
                    lock (_devicesLock)
                    {
                        foreach (var d in e.Reconnected.Devices)
                        {
                            PlugwireDevice known;
                            if (!_devices.TryGetValue(d.Index, out known)) _devices[d.Index] = known = new PlugwireDevice(this, d);
                            list.Add(known);
                        }
                    }
                    _connected = true;
                    var args = new ReconnectedEventArgs((int)e.Reconnected.Attempts, list.ToArray());
                    raise = () => Invoke("Reconnected", Reconnected, args);
                    break;
                }
                case Event.KindOneofCase.Error:
                {
                    var args = new ErrorEventArgs(PlugwireException.FromError(e.Error));
                    raise = () => Invoke("ErrorReceived", ErrorReceived, args);
                    break;
                }
                case Event.KindOneofCase.Playback:
                {
                    var args = new PlaybackEventArgs(e.Playback);
                    raise = () =>
                    {
                        var playback = Playbacks.Deliver(args);
                        if (playback != null) Invoke("playback", () => playback.Raise(args));
                        Invoke("PlaybackEventReceived", PlaybackEventReceived, args);
                    };
                    break;
                }
                default:
                    return; // An event kind newer than this binding.
            }
            if (raiseHere) raise();
            else _dispatcher.Post(raise);
        }

        private void Invoke<T>(string name, EventHandler<T> handler, T args) where T : EventArgs
        {
            Invoke(name, handler == null ? (Action)null : () => handler(this, args));
        }

        private void Invoke(string name, EventHandler handler, EventArgs args)
        {
            Invoke(name, handler == null ? (Action)null : () => handler(this, args));
        }

        // Handlers run under _raiseLock so Dispose can wait for one running elsewhere;
        // exceptions they throw go to ErrorReceived, never further.
        private void Invoke(string name, Action call)
        {
            if (call == null || _disposed) return;
            lock (_raiseLock)
            {
                if (_disposed) return;
                var outer = t_inHandlerOf;
                t_inHandlerOf = this;
                try
                {
                    call();
                }
                catch (Exception ex)
                {
                    if (name == "ErrorReceived")
                    {
                        Diagnostics.Report("an ErrorReceived handler", ex);
                        return;
                    }
                    var errors = ErrorReceived;
                    if (errors == null)
                    {
                        Diagnostics.Report("a " + name + " handler", ex);
                        return;
                    }
                    try
                    {
                        errors(this, new ErrorEventArgs(new PlugwireHandlerException(name, ex)));
                    }
                    catch (Exception inner)
                    {
                        Diagnostics.Report("an ErrorReceived handler", inner);
                    }
                }
                finally
                {
                    t_inHandlerOf = outer;
                }
            }
        }

        // ------------------------------------------------------------ lifetime

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException("PlugwireClient");
        }

        /// <summary>
        /// Stops every toy (the server stops them as the client disconnects), frees the
        /// native client and returns when no callback or event handler of this client can
        /// run any more (except the handler that called Dispose, if any). Safe to call
        /// twice and from inside an event handler. A thread that must never block (a Unity
        /// main thread, a UI thread) uses <see cref="CloseAsync"/> instead.
        /// </summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposeState, 1) != 0)
            {
                // Another thread is disposing: return when it is done, unless this thread
                // runs one of our handlers (the first Dispose may be waiting for it).
                if (t_inHandlerOf != this) _disposeDone.Wait();
                return;
            }
            try
            {
                _disposed = true;
                _connected = false;
                // Wait for a handler running on another thread (re-entrant from inside one).
                lock (_raiseLock) { }
                _core.Close();
                Playbacks.Close();
                GC.SuppressFinalize(this);
            }
            finally
            {
                _disposeDone.Set();
                _closed.TrySetResult(true);
            }
        }

        /// <summary>
        /// Closes the client without blocking the calling thread (the library's
        /// plugwire_client_close): from the moment it returns, requests throw
        /// ObjectDisposedException, requests in flight fail with it, and no event handler
        /// starts. The task completes, on the thread pool, once the toys are stopped (the
        /// server stops them as the client disconnects, at most 5 s), the library has made
        /// its last callback of this client and no handler of it is running. Safe to call
        /// any number of times (every call returns the same completion), from any thread
        /// and from inside an event handler (await it there, don't Wait() on it: it
        /// completes after that handler returns). Dispose after CloseAsync waits for it.
        /// </summary>
        public Task CloseAsync()
        {
            if (Interlocked.Exchange(ref _disposeState, 1) != 0) return _closed.Task;
            _disposed = true;
            _connected = false;
            GC.SuppressFinalize(this);
            Playbacks.Close();
            Task native;
            try
            {
                native = _core.CloseAsync();
            }
            catch (Exception e)
            {
                _disposeDone.Set();
                _closed.TrySetException(e);
                return _closed.Task;
            }
            if (native == null) native = Task.FromResult(true);
            native.ContinueWith(FinishClose, this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return _closed.Task;
        }

        /// <summary>
        /// <see cref="CloseAsync"/> under the name of .NET's IAsyncDisposable (which
        /// netstandard2.0 and Unity's profile lack, so the class does not implement it).
        /// </summary>
        public Task DisposeAsync()
        {
            return CloseAsync();
        }

        // On the thread pool once the native client is closed: waits for a handler still
        // running elsewhere (it finishes, none starts), then completes the close.
        private static void FinishClose(Task native, object state)
        {
            var client = (PlugwireClient)state;
            lock (client._raiseLock) { }
            if (native.IsFaulted) client._closed.TrySetException(native.Exception.InnerExceptions);
            else client._closed.TrySetResult(true);
            client._disposeDone.Set();
        }
    }
}
