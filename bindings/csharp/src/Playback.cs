using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire
{
    // Playback: funscripts and patterns played by the library (in an embedded server) on
    // device outputs. The player keeps time next to the device tasks; every stop of a
    // device (StopAsync, StopAllDevicesAsync, a disconnect, Dispose) ends the playback of
    // that device in the same step. A command to an output under playback is refused
    // (PlugwireDeviceException, "under playback") until the playback ends. Over a
    // websocket connection the player runs in the library and sends output commands to
    // the server, with the same API.

    /// <summary>What a track plays: one axis of a funscript, or a pattern.</summary>
    public sealed class PlaybackSource
    {
        private readonly PlaybackFunscriptAxis _funscript;
        private readonly PlaybackPattern _pattern;

        private PlaybackSource(PlaybackFunscriptAxis funscript, PlaybackPattern pattern)
        {
            _funscript = funscript;
            _pattern = pattern;
        }

        /// <summary>
        /// One axis of a funscript (its JSON text; parsed by the library, which names the place
        /// of anything unusable). <paramref name="axis"/>: a TCode axis (L0-L2, R0-R2, V0-V2,
        /// A0-A2) or alias (stroke, twist, vib...); null or empty for L0.
        /// </summary>
        public static PlaybackSource Funscript(string json, string axis = null, PlaybackInterpolation interpolation = PlaybackInterpolation.Linear)
        {
            if (json == null) throw new ArgumentNullException("json");
            return new PlaybackSource(new PlaybackFunscriptAxis { Json = json, Axis = axis ?? "", Interpolation = interpolation }, null);
        }

        /// <summary>
        /// A generated waveform of <paramref name="periodMs"/>, looped unless
        /// <paramref name="once"/>; amplitude and timeScale 1 keep it as it is (timeScale 2
        /// plays twice as fast). Pulse uses <paramref name="duty"/>; RandomWalk
        /// <paramref name="seed"/> and <paramref name="step"/>.
        /// </summary>
        public static PlaybackSource Pattern(PlaybackWaveform waveform, double periodMs, bool once = false, double amplitude = 1, double timeScale = 1,
            double duty = 0.5, ulong seed = 0, double step = 0)
        {
            return new PlaybackSource(null, new PlaybackPattern
            {
                Waveform = waveform, PeriodMs = periodMs, Once = once, Amplitude = amplitude, TimeScale = timeScale,
                Duty = duty, Seed = seed, Step = step,
            });
        }

        /// <summary>A keyframe pattern: each keyframe is reached from the previous one along its easing.</summary>
        public static PlaybackSource Keyframes(IEnumerable<PlaybackKeyframe> keyframes, bool once = false, double amplitude = 1, double timeScale = 1)
        {
            if (keyframes == null) throw new ArgumentNullException("keyframes");
            var p = new PlaybackPattern { Waveform = PlaybackWaveform.Keyframes, Once = once, Amplitude = amplitude, TimeScale = timeScale };
            p.Keyframes.AddRange(keyframes);
            return new PlaybackSource(null, p);
        }

        internal void SetOn(PlaybackTrack track)
        {
            if (_funscript != null) track.Funscript = _funscript;
            else track.Pattern = _pattern;
        }
    }

    /// <summary>
    /// One source on one output of a device, with its mapping: the part of the output's range
    /// used (fractions), invert, scale (gain), what speed-like outputs get, and how early the
    /// device is told.
    /// </summary>
    public sealed class PlaybackTrackOptions
    {
        public PlaybackTrackOptions(PlugwireDevice device, OutputType output, PlaybackSource source)
        {
            if (device == null) throw new ArgumentNullException("device");
            if (source == null) throw new ArgumentNullException("source");
            Device = device;
            Output = output;
            Source = source;
            RangeMin = 0;
            RangeMax = 1;
            Scale = 1;
        }

        public PlugwireDevice Device { get; private set; }
        public OutputType Output { get; private set; }
        public PlaybackSource Source { get; private set; }
        /// <summary>The feature; null: the device's first feature with <see cref="Output"/>.</summary>
        public uint? Feature { get; set; }
        public double RangeMin { get; set; }
        public double RangeMax { get; set; }
        public bool Invert { get; set; }
        public double Scale { get; set; }
        public PlaybackSpeedMode SpeedMode { get; set; }
        public double LatencyMs { get; set; }

        internal PlaybackTrack ToProto()
        {
            uint feature;
            if (Feature.HasValue) feature = Feature.Value;
            else
            {
                var f = Device.Features.FirstOrDefault(x => x.Outputs.Any(o => o.Type == Output));
                if (f == null)
                    throw new PlugwireRequestException(ErrorCode.Unsupported, ErrorCategory.Request,
                        "device " + Device.Index + " (" + Device.Name + ") has no " + Output + " output");
                feature = f.Index;
            }
            var t = new PlaybackTrack
            {
                DeviceIndex = Device.Index, FeatureIndex = feature, Output = Output,
                RangeMin = RangeMin, RangeMax = RangeMax, Invert = Invert, Scale = Scale,
                SpeedMode = SpeedMode, LatencyMs = LatencyMs,
            };
            Source.SetOn(t);
            return t;
        }
    }

    /// <summary>How a playback starts: media time, rate, paused, global offset, throttles.</summary>
    public sealed class PlaybackOptions
    {
        public PlaybackOptions() { Rate = 1; }
        public double StartMs { get; set; }
        public double Rate { get; set; }
        public bool Paused { get; set; }
        /// <summary>Global offset in ms (positive plays ahead).</summary>
        public double OffsetMs { get; set; }
        /// <summary>Shortest time between two writes of a track (0: 10 ms).</summary>
        public double MinIntervalMs { get; set; }
        /// <summary>Time between PositionChanged events (0: 250 ms).</summary>
        public double PositionEveryMs { get; set; }

        internal PlaybackStart ToProto()
        {
            return new PlaybackStart
            {
                StartMs = StartMs, Rate = Rate, Paused = Paused, OffsetMs = OffsetMs,
                MinIntervalMs = MinIntervalMs, PositionEveryMs = PositionEveryMs,
            };
        }
    }

    /// <summary>One event of a playback (also raised as PlugwireClient.PlaybackEventReceived).</summary>
    public sealed class PlaybackEventArgs : EventArgs
    {
        internal PlaybackEventArgs(PlaybackEvent e)
        {
            PlaybackId = e.PlaybackId;
            Kind = e.KindCase;
            switch (e.KindCase)
            {
                case PlaybackEvent.KindOneofCase.StartedMs: MediaMs = e.StartedMs ?? 0; break;
                case PlaybackEvent.KindOneofCase.PositionMs: MediaMs = e.PositionMs ?? 0; break;
                case PlaybackEvent.KindOneofCase.TrackStopped:
                    DeviceIndex = e.TrackStopped.DeviceIndex;
                    FeatureIndex = e.TrackStopped.FeatureIndex;
                    Output = e.TrackStopped.Output;
                    Reason = e.TrackStopped.Reason;
                    Message = e.TrackStopped.Message;
                    break;
                case PlaybackEvent.KindOneofCase.Stopped:
                    Reason = e.Stopped.Reason;
                    Message = e.Stopped.Message;
                    break;
            }
        }

        public ulong PlaybackId { get; private set; }
        /// <summary>StartedMs, PositionMs, TrackStopped, Ended or Stopped.</summary>
        public PlaybackEvent.KindOneofCase Kind { get; private set; }
        /// <summary>The media time (Started and Position).</summary>
        public double MediaMs { get; private set; }
        /// <summary>The track's device, feature and output (TrackStopped).</summary>
        public uint DeviceIndex { get; private set; }
        public uint FeatureIndex { get; private set; }
        public OutputType Output { get; private set; }
        /// <summary>Why a track or the playback stopped (TrackStopped, Stopped).</summary>
        public PlaybackStopReason Reason { get; private set; }
        public string Message { get; private set; }
        /// <summary>The playback is over (Ended or Stopped).</summary>
        public bool IsFinal { get { return Kind == PlaybackEvent.KindOneofCase.Ended || Kind == PlaybackEvent.KindOneofCase.Stopped; } }

        public override string ToString()
        {
            return "playback " + PlaybackId + " " + Kind + (Kind == PlaybackEvent.KindOneofCase.StartedMs || Kind == PlaybackEvent.KindOneofCase.PositionMs
                ? " " + MediaMs + " ms" : Reason != PlaybackStopReason.Unspecified ? " " + Reason : "");
        }
    }

    /// <summary>
    /// A running playback. Control it with its methods; follow it with its events (raised
    /// like the client's: on the SynchronizationContext, or by PollEvents in pull mode) or
    /// await <see cref="Completion"/>. Events that happened before PlayAsync returned
    /// (usually Started) are in <see cref="History"/>.
    /// </summary>
    public sealed class PlugwirePlayback
    {
        private readonly PlugwireClient _client;
        private readonly object _lock = new object();
        private readonly List<PlaybackEventArgs> _history = new List<PlaybackEventArgs>();
        private readonly TaskCompletionSource<PlaybackEventArgs> _completion =
            new TaskCompletionSource<PlaybackEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);

        internal PlugwirePlayback(PlugwireClient client, ulong id)
        {
            _client = client;
            Id = id;
        }

        public ulong Id { get; private set; }

        /// <summary>Every event of this playback so far, oldest first.</summary>
        public PlaybackEventArgs[] History { get { lock (_lock) return _history.ToArray(); } }

        /// <summary>
        /// Completes with the final event (Kind Ended, or Stopped with its Reason); fails with
        /// ObjectDisposedException if the client is disposed first.
        /// </summary>
        public Task<PlaybackEventArgs> Completion { get { return _completion.Task; } }

        public bool IsFinished { get { return _completion.Task.IsCompleted; } }

        public event EventHandler<PlaybackEventArgs> Started;
        public event EventHandler<PlaybackEventArgs> PositionChanged;
        public event EventHandler<PlaybackEventArgs> TrackStopped;
        /// <summary>The playback ended (Kind Ended) or stopped (Kind Stopped): it is over.</summary>
        public event EventHandler<PlaybackEventArgs> Finished;

        internal void Record(PlaybackEventArgs e)
        {
            lock (_lock) _history.Add(e);
            if (e.IsFinal) _completion.TrySetResult(e);
        }

        internal void Close()
        {
            _completion.TrySetException(new ObjectDisposedException("PlugwireClient", "the client was disposed before the playback finished"));
        }

        internal void Raise(PlaybackEventArgs e)
        {
            EventHandler<PlaybackEventArgs> handler;
            switch (e.Kind)
            {
                case PlaybackEvent.KindOneofCase.StartedMs: handler = Started; break;
                case PlaybackEvent.KindOneofCase.PositionMs: handler = PositionChanged; break;
                case PlaybackEvent.KindOneofCase.TrackStopped: handler = TrackStopped; break;
                default: handler = e.IsFinal ? Finished : null; break;
            }
            if (handler != null) handler(this, e);
        }

        private Task Control(PlaybackControl control, CancellationToken cancellationToken)
        {
            control.PlaybackId = Id;
            return _client.RequestAsync(new Request { PlaybackControl = control }, cancellationToken);
        }

        /// <summary>Pauses: speed-like outputs rest at zero, positions hold.</summary>
        public Task PauseAsync(CancellationToken cancellationToken = default(CancellationToken)) { return Control(new PlaybackControl { Pause = new PlaybackPause() }, cancellationToken); }
        public Task ResumeAsync(CancellationToken cancellationToken = default(CancellationToken)) { return Control(new PlaybackControl { Resume = new PlaybackResume() }, cancellationToken); }
        public Task SeekAsync(double mediaMs, CancellationToken cancellationToken = default(CancellationToken)) { return Control(new PlaybackControl { SeekMs = mediaMs }, cancellationToken); }
        public Task SetRateAsync(double rate, CancellationToken cancellationToken = default(CancellationToken)) { return Control(new PlaybackControl { Rate = rate }, cancellationToken); }
        /// <summary>An external player is at <paramref name="mediaMs"/> now: small errors are slewed away (at most 5 %), over 1 s followed at once.</summary>
        public Task SyncAsync(double mediaMs, CancellationToken cancellationToken = default(CancellationToken)) { return Control(new PlaybackControl { SyncMs = mediaMs }, cancellationToken); }
        /// <summary>The global offset in ms (positive plays ahead).</summary>
        public Task SetOffsetAsync(double offsetMs, CancellationToken cancellationToken = default(CancellationToken)) { return Control(new PlaybackControl { OffsetMs = offsetMs }, cancellationToken); }
        /// <summary>How early one device is told (ms).</summary>
        public Task SetLatencyAsync(PlugwireDevice device, double latencyMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (device == null) throw new ArgumentNullException("device");
            return Control(new PlaybackControl { Latency = new PlaybackLatency { DeviceIndex = device.Index, LatencyMs = latencyMs } }, cancellationToken);
        }
        /// <summary>Stops the playback and the speed-like outputs it drove (positions stay).</summary>
        public Task StopAsync(CancellationToken cancellationToken = default(CancellationToken)) { return Control(new PlaybackControl { Stop = new PlaybackStop() }, cancellationToken); }

        public override string ToString() { return "playback " + Id + (IsFinished ? " (finished)" : ""); }
    }

    /// <summary>A client's playbacks by id. Events and the start's reply arrive in either order,
    /// so events of an id not registered yet wait here (bounded).</summary>
    internal sealed class PlaybackRegistry
    {
        private const int PendingLimit = 1024;
        private readonly object _lock = new object();
        private readonly Dictionary<ulong, PlugwirePlayback> _running = new Dictionary<ulong, PlugwirePlayback>();
        private readonly Dictionary<ulong, List<PlaybackEventArgs>> _pending = new Dictionary<ulong, List<PlaybackEventArgs>>();
        private int _pendingCount;
        private bool _closed;

        /// <summary>Records the event; returns the playback to raise it on, if it is known.</summary>
        internal PlugwirePlayback Deliver(PlaybackEventArgs e)
        {
            PlugwirePlayback playback;
            lock (_lock)
            {
                if (!_running.TryGetValue(e.PlaybackId, out playback))
                {
                    if (!_closed && _pendingCount < PendingLimit)
                    {
                        List<PlaybackEventArgs> list;
                        if (!_pending.TryGetValue(e.PlaybackId, out list)) _pending[e.PlaybackId] = list = new List<PlaybackEventArgs>();
                        list.Add(e);
                        _pendingCount++;
                    }
                    return null;
                }
                if (e.IsFinal) _running.Remove(e.PlaybackId);
                // Under the lock: a Register on another thread records its pending
                // events first, so History keeps the library's order.
                playback.Record(e);
            }
            return playback;
        }

        internal PlugwirePlayback Register(PlugwirePlayback playback)
        {
            List<PlaybackEventArgs> pending;
            bool closed;
            lock (_lock)
            {
                closed = _closed;
                if (_pending.TryGetValue(playback.Id, out pending))
                {
                    _pending.Remove(playback.Id);
                    _pendingCount -= pending.Count;
                }
                if (pending != null) foreach (var e in pending) playback.Record(e);
                if (!closed && !playback.IsFinished) _running[playback.Id] = playback;
            }
            if (closed) playback.Close();
            return playback;
        }

        internal void Close()
        {
            PlugwirePlayback[] running;
            lock (_lock)
            {
                _closed = true;
                running = _running.Values.ToArray();
                _running.Clear();
                _pending.Clear();
                _pendingCount = 0;
            }
            foreach (var p in running) p.Close();
        }
    }

    /// <summary>Starting playbacks from a client or a device.</summary>
    public static class PlaybackExtensions
    {
        /// <summary>Plays tracks (sources on device outputs) together on one clock.</summary>
        public static async Task<PlugwirePlayback> PlayAsync(this PlugwireClient client, IEnumerable<PlaybackTrackOptions> tracks,
            PlaybackOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (client == null) throw new ArgumentNullException("client");
            if (tracks == null) throw new ArgumentNullException("tracks");
            var start = (options ?? new PlaybackOptions()).ToProto();
            start.Tracks.AddRange(tracks.Select(t =>
            {
                if (t == null) throw new ArgumentNullException("tracks", "a track is null");
                return t.ToProto();
            }));
            if (start.Tracks.Count == 0) throw new ArgumentException("give at least one track", "tracks");
            return await Start(client, start, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Plays a funscript on every connected output it has an axis for (positions get L0;
        /// vibrators V0, else the speed of L0; rotators R0, else the speed of L0; oscillators
        /// the speed of L0; constrictors A1).
        /// </summary>
        public static async Task<PlugwirePlayback> PlayFunscriptAsync(this PlugwireClient client, string json,
            PlaybackOptions options = null, PlaybackInterpolation interpolation = PlaybackInterpolation.Linear,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (client == null) throw new ArgumentNullException("client");
            if (json == null) throw new ArgumentNullException("json");
            var start = (options ?? new PlaybackOptions()).ToProto();
            start.FunscriptJson = json;
            start.Interpolation = interpolation;
            return await Start(client, start, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Plays one source on this device's first feature with <paramref name="output"/>.</summary>
        public static Task<PlugwirePlayback> PlayAsync(this PlugwireDevice device, OutputType output, PlaybackSource source,
            PlaybackOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (device == null) throw new ArgumentNullException("device");
            return device.Client.PlayAsync(new[] { new PlaybackTrackOptions(device, output, source) }, options, cancellationToken);
        }

        private static async Task<PlugwirePlayback> Start(PlugwireClient client, PlaybackStart start, CancellationToken cancellationToken)
        {
            Reply reply = await client.RequestAsync(new Request { PlaybackStart = start }, cancellationToken).ConfigureAwait(false);
            if (reply.KindCase != Reply.KindOneofCase.PlaybackStarted)
                throw new PlugwireException(ErrorCode.Internal, ErrorCategory.Unspecified, "expected PlaybackStarted, the library answered " + reply.KindCase);
            return client.Playbacks.Register(new PlugwirePlayback(client, reply.PlaybackStarted.PlaybackId));
        }
    }
}
