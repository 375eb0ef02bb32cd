using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire.Tests
{
    public static class Toys
    {
        public const string Lush = "AA:00:00:00:00:01";
        public const string Nora = "AA:00:00:00:00:02";
        public const string Max = "AA:00:00:00:00:03";
        public const string Solace = "AA:00:00:00:00:04";
        public const string SolacePro = "AA:00:00:00:00:05";
        public const string Edge = "AA:00:00:00:00:06";
        public const string Galaku = "AA:00:00:00:00:10";

        public static SimulatedDeviceOptions Sim(string name, string address, uint? battery = null)
        {
            return new SimulatedDeviceOptions(name) { Address = address, BatteryLevel = battery };
        }
    }

    public static class H
    {
        /// <summary>A client connected to an embedded server with these toys (gap 0), scanned, every toy added.</summary>
        public static async Task<PlugwireClient> Connected(params SimulatedDeviceOptions[] toys)
        {
            var options = new EmbeddedOptions { DefaultMessageGapMs = 0, Simulated = true };
            options.SimulatedDevices.AddRange(toys);
            return await Connected(options, toys.Length);
        }

        public static async Task<PlugwireClient> Connected(EmbeddedOptions options, int devices)
        {
            var client = new PlugwireClient("csharp-tests");
            try
            {
                await client.ConnectEmbeddedAsync(options);
                await client.StartScanningAsync();
                await Eventually(() => client.Devices.Length == devices, "devices added");
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        public static PlugwireDevice Device(PlugwireClient client, string name)
        {
            var d = client.Devices.FirstOrDefault(x => x.Name == name);
            if (d == null) throw new AssertionException("no device named " + name + " among [" + string.Join(", ", client.Devices.Select(x => x.Name)) + "]");
            return d;
        }

        /// <summary>What a toy was written, as text, without the Lovense identification write.</summary>
        public static async Task<List<string>> Texts(PlugwireClient client, string address, bool clear = false)
        {
            var log = await client.Simulation.WriteLogAsync(address, clear);
            return log.Where(r => r.Kind == RecordKind.Write && r.Text != "DeviceType;").Select(r => r.Text).ToList();
        }

        public static async Task Eventually(Func<bool> condition, string what, double seconds = 10)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed.TotalSeconds > seconds) throw new AssertionException("timed out waiting for " + what);
                await Task.Delay(10);
            }
        }

        public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, double seconds = 10)
        {
            var watch = Stopwatch.StartNew();
            while (!await condition())
            {
                if (watch.Elapsed.TotalSeconds > seconds) throw new AssertionException("timed out waiting for " + what);
                await Task.Delay(10);
            }
        }

        /// <summary>Connects to a `plugwire serve`, again while it refuses: it takes one client at a
        /// time and may still be ending the last one's session.</summary>
        public static async Task ConnectWhenFree(PlugwireClient client, Uri url, double seconds = 10)
        {
            var watch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await client.ConnectAsync(url);
                    return;
                }
                catch (PlugwireConnectionException) when (watch.Elapsed.TotalSeconds < seconds)
                {
                    await Task.Delay(50);
                }
            }
        }

        public static string RepoRoot
        {
            get { return Environment.GetEnvironmentVariable("PLUGWIRE_REPO") ?? Path.GetFullPath(Path.Combine(AppDomain.CurrentDomain.BaseDirectory, "..", "..", "..")); }
        }

        public static int ThreadCount()
        {
            return Directory.GetDirectories("/proc/self/task").Length;
        }

        public static int HandleCount()
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
    }

    /// <summary>A `plugwire serve` subprocess (PLUGWIRE_SERVE names the binary).</summary>
    public sealed class Serve : IDisposable
    {
        private readonly Process _process;
        public readonly Uri Url;
        public readonly string LogFile;
        private readonly List<string> _stderr = new List<string>();

        public Serve(params string[] simulate) : this(new string[0], simulate) { }

        /// <summary>With more command-line options (e.g. "--max-ping-time", "300").</summary>
        public Serve(string[] options, params string[] simulate)
        {
            string binary = Environment.GetEnvironmentVariable("PLUGWIRE_SERVE");
            if (string.IsNullOrEmpty(binary) || !File.Exists(binary)) throw new AssertionException("PLUGWIRE_SERVE must name the plugwire binary (cargo build --bin plugwire)");
            LogFile = Path.Combine(Path.GetTempPath(), "plugwire-cs-" + Guid.NewGuid().ToString("N") + ".json");
            var port = options.Contains("--websocket-port") ? "" : "--websocket-port 0 ";
            var args = "serve " + port + "--simulated-log " + LogFile + " " + string.Join(" ", simulate.Select(s => "--simulate \"" + s + "\"")) + " " + string.Join(" ", options);
            var info = new ProcessStartInfo(binary, args)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            _process = Process.Start(info);
            _process.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (_stderr) _stderr.Add(e.Data); };
            _process.BeginErrorReadLine();
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(TimeSpan.FromSeconds(30)) || read.Result == null)
            {
                Kill();
                throw new AssertionException("plugwire serve did not say where it listens; stderr: " + string.Join("\n", _stderr));
            }
            const string prefix = "plugwire serve: listening on ";
            string line = read.Result;
            if (!line.StartsWith(prefix)) throw new AssertionException("unexpected first line from plugwire serve: " + line);
            Url = new Uri(line.Substring(prefix.Length).Trim());
        }

        /// <summary>Stops the server (SIGTERM: it stops its devices and writes the log) and returns the texts each toy got.</summary>
        public string StopAndReadLog()
        {
            var kill = Process.Start(new ProcessStartInfo("kill", "-TERM " + _process.Id) { UseShellExecute = false });
            kill.WaitForExit();
            if (!_process.WaitForExit(10000)) throw new AssertionException("plugwire serve did not exit on SIGTERM");
            return File.ReadAllText(LogFile);
        }

        /// <summary>Stops the server (as <see cref="StopAndReadLog"/>) and returns what the toy at
        /// <paramref name="address"/> was written, as text, without the Lovense identification.</summary>
        public List<string> Writes(string address)
        {
            // The log is {"address":[{record},...],...}; a record holds no braces.
            string current = null;
            var texts = new List<string>();
            foreach (Match m in Regex.Matches(StopAndReadLog(), "\"(?<address>[^\"]+)\":\\[|\\{(?<record>[^{}]*)\\}"))
            {
                if (m.Groups["address"].Success)
                {
                    current = m.Groups["address"].Value;
                    continue;
                }
                string record = m.Groups["record"].Value;
                if (current != address || !record.Contains("\"kind\":\"Write\"")) continue;
                string text = Regex.Match(record, "\"text\":\"([^\"]*)\"").Groups[1].Value;
                if (text != "DeviceType;") texts.Add(text);
            }
            return texts;
        }

        /// <summary>Kills the server (SIGKILL: no stop, no log).</summary>
        public void Kill()
        {
            try { if (!_process.HasExited) _process.Kill(); } catch { }
        }

        public void Dispose()
        {
            Kill();
            try { File.Delete(LogFile); } catch { }
        }
    }
}
