using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire
{
    /// <summary>What a simulated toy received (or was asked): a write, read or (un)subscribe.</summary>
    public sealed class SimulatedRecord
    {
        internal SimulatedRecord(WriteRecord r)
        {
            Kind = r.Kind;
            Endpoint = r.Endpoint;
            Data = r.Data;
            WithResponse = r.WithResponse;
            At = TimeSpan.FromTicks((long)Math.Min(r.AtUs, (ulong)(long.MaxValue / 10)) * 10);
        }
        public RecordKind Kind { get; private set; }
        public string Endpoint { get; private set; }
        public byte[] Data { get; private set; }
        public bool WithResponse { get; private set; }
        /// <summary>Time since the simulated device was created.</summary>
        public TimeSpan At { get; private set; }
        /// <summary>The data as text (Lovense and other ASCII protocols).</summary>
        public string Text { get { return System.Text.Encoding.ASCII.GetString(Data); } }
        public override string ToString() { return Kind + " " + Endpoint + " " + BitConverter.ToString(Data); }
    }

    /// <summary>Control of the embedded server's simulated hardware, for tests and development without a toy.</summary>
    public sealed class Simulation
    {
        private readonly PlugwireClient _client;
        internal Simulation(PlugwireClient client) { _client = client; }

        /// <summary>Adds a toy; returns its address.</summary>
        public async Task<string> AddDeviceAsync(SimulatedDeviceOptions device, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (device == null) throw new ArgumentNullException("device");
            var reply = await _client.RequestAsync(new Request { SimulatedAddDevice = new SimulatedAddDevice { Device = device.ToProto() } }, cancellationToken).ConfigureAwait(false);
            return reply.SimulatedDeviceAdded != null ? reply.SimulatedDeviceAdded.Address : "";
        }

        public Task<string> AddDeviceAsync(string name, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (name == null) throw new ArgumentNullException("name");
            return AddDeviceAsync(new SimulatedDeviceOptions(name), cancellationToken);
        }

        /// <summary>The toy drops out (the client sees it removed).</summary>
        public Task DropAsync(string address, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (address == null) throw new ArgumentNullException("address");
            return _client.RequestAsync(new Request { SimulatedDrop = new SimulatedDrop { Address = address } }, cancellationToken);
        }

        /// <summary>A dropped toy comes back (with its index).</summary>
        public Task RestoreAsync(string address, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (address == null) throw new ArgumentNullException("address");
            return _client.RequestAsync(new Request { SimulatedRestore = new SimulatedRestore { Address = address } }, cancellationToken);
        }

        /// <summary>The toy sends a notification on an endpoint someone subscribed to (e.g. "rx").</summary>
        public Task NotifyAsync(string address, string endpoint, byte[] data, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (address == null) throw new ArgumentNullException("address");
            if (endpoint == null) throw new ArgumentNullException("endpoint");
            if (data == null) throw new ArgumentNullException("data");
            return _client.RequestAsync(new Request { SimulatedNotify = new SimulatedNotify { Address = address, Endpoint = endpoint, Data = data } }, cancellationToken);
        }

        /// <summary>The next read of an endpoint answers these bytes.</summary>
        public Task QueueReadAsync(string address, string endpoint, byte[] data, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (address == null) throw new ArgumentNullException("address");
            if (endpoint == null) throw new ArgumentNullException("endpoint");
            if (data == null) throw new ArgumentNullException("data");
            return _client.RequestAsync(new Request { SimulatedQueueRead = new SimulatedQueueRead { Address = address, Endpoint = endpoint, Data = data } }, cancellationToken);
        }

        /// <summary>
        /// Makes the toy's writes fail, hang or lag (<paramref name="delayMs"/> for
        /// <see cref="WriteFault.Delay"/>); <see cref="WriteFault.None"/> heals it.
        /// </summary>
        public Task SetWriteFaultAsync(string address, WriteFault fault, uint delayMs = 0, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (address == null) throw new ArgumentNullException("address");
            return _client.RequestAsync(new Request { SimulatedSetWriteFault = new SimulatedSetWriteFault { Address = address, Fault = fault, DelayMs = delayMs } }, cancellationToken);
        }

        /// <summary>Everything the toy received, oldest first; <paramref name="clear"/> forgets it afterwards.</summary>
        public async Task<SimulatedRecord[]> WriteLogAsync(string address, bool clear = false, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (address == null) throw new ArgumentNullException("address");
            var reply = await _client.RequestAsync(new Request { SimulatedWriteLog = new SimulatedWriteLog { Address = address, Clear = clear } }, cancellationToken).ConfigureAwait(false);
            if (reply.WriteLog == null) return new SimulatedRecord[0];
            return reply.WriteLog.Records.Select(r => new SimulatedRecord(r)).ToArray();
        }
    }

    /// <summary>Process-wide control of the native library.</summary>
    public static class PlugwireLibrary
    {
        /// <summary>The native library's version, e.g. "0.1.0".</summary>
        public static string Version
        {
            get
            {
                Native.EnsureLoaded();
                return Native.Utf8(Native.plugwire_version());
            }
        }

        /// <summary>
        /// Stops every client's toys, closes every client and ends the library's threads
        /// within <paramref name="timeoutMs"/>. Clients must still be disposed; other calls
        /// on them fail. A client created afterwards starts afresh. Call it when a host
        /// unloads code (Unity leaving play mode, a domain reload). Not from a callback.
        /// </summary>
        public static void Shutdown(uint timeoutMs = 2000)
        {
            try
            {
                Native.EnsureLoaded();
            }
            catch (DllNotFoundException)
            {
                return; // Never loaded: nothing runs.
            }
            Native.plugwire_shutdown(timeoutMs);
            // A CloseAsync still under way makes one more callback (its completion):
            // let it run before the host unloads the code it would enter.
            Native.WaitForCloses(timeoutMs);
        }

        /// <summary>GCHandles the binding holds for native code right now (for leak tests).</summary>
        public static int LiveNativeContexts { get { return System.Threading.Volatile.Read(ref Native.LiveContexts); } }
    }
}
