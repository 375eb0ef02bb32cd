using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire
{
    /// <summary>One output of a feature: its type and the step range the device accepts.</summary>
    public sealed class FeatureOutput
    {
        internal FeatureOutput(Output o)
        {
            Type = o.Type;
            MinSteps = o.Min;
            MaxSteps = o.Max;
            if (o.Duration != null)
            {
                MinDurationMs = o.Duration.Min;
                MaxDurationMs = o.Duration.Max;
            }
        }
        public OutputType Type { get; private set; }
        public int MinSteps { get; private set; }
        public int MaxSteps { get; private set; }
        /// <summary>Duration range of timed position moves; null for other outputs.</summary>
        public int? MinDurationMs { get; private set; }
        public int? MaxDurationMs { get; private set; }
    }

    /// <summary>One input of a feature (battery, button, pressure...).</summary>
    public sealed class FeatureInput
    {
        internal FeatureInput(Input i)
        {
            Type = i.Type;
            Ranges = i.Ranges.Select(r => new KeyValuePair<int, int>(r.Min, r.Max)).ToArray();
            Commands = i.Commands.ToArray();
        }
        public InputType Type { get; private set; }
        /// <summary>Value ranges (min, max) the input reports.</summary>
        public KeyValuePair<int, int>[] Ranges { get; private set; }
        public InputCommand[] Commands { get; private set; }
    }

    public sealed class DeviceFeature
    {
        internal DeviceFeature(Feature f)
        {
            Index = f.Index;
            Description = f.Description;
            Outputs = f.Outputs.Select(o => new FeatureOutput(o)).ToArray();
            Inputs = f.Inputs.Select(i => new FeatureInput(i)).ToArray();
        }
        public uint Index { get; private set; }
        public string Description { get; private set; }
        public FeatureOutput[] Outputs { get; private set; }
        public FeatureInput[] Inputs { get; private set; }
    }

    /// <summary>One entry of a multi-feature command (<see cref="PlugwireDevice.RunOutputsAsync"/>).</summary>
    public struct OutputCommand
    {
        public uint FeatureIndex;
        public OutputType Type;
        /// <summary>0..1 (-1..1 for rotation); becomes ceil(steps * value). Ignored when <see cref="Steps"/> is set.</summary>
        public double Value;
        /// <summary>Exact steps instead of a fraction.</summary>
        public int? Steps;
        /// <summary>For OutputType.HwPositionWithDuration.</summary>
        public uint? DurationMs;

        public OutputCommand(uint featureIndex, OutputType type, double value, uint? durationMs = null)
        {
            FeatureIndex = featureIndex;
            Type = type;
            Value = value;
            Steps = null;
            DurationMs = durationMs;
        }

        internal DeviceOutput ToProto(uint device)
        {
            var o = new DeviceOutput { DeviceIndex = device, FeatureIndex = FeatureIndex, Output = Type, DurationMs = DurationMs };
            if (Steps.HasValue) o.Steps = Steps.Value;
            else o.Fraction = Value;
            return o;
        }
    }

    /// <summary>A device of a connected client. Commands return when the value (or a newer one) reached the device.</summary>
    public sealed class PlugwireDevice
    {
        private readonly PlugwireClient _client;

        internal PlugwireDevice(PlugwireClient client, Device d)
        {
            _client = client;
            Index = d.Index;
            Name = d.Name;
            DisplayName = string.IsNullOrEmpty(d.DisplayName) ? null : d.DisplayName;
            MessageTimingGap = d.MessageGapMs;
            Features = d.Features.Select(f => new DeviceFeature(f)).ToArray();
        }

        internal PlugwireClient Client { get { return _client; } }
        public uint Index { get; private set; }
        public string Name { get; private set; }
        /// <summary>The name the user gave the device, or null.</summary>
        public string DisplayName { get; private set; }
        /// <summary>Minimum milliseconds between writes to the device.</summary>
        public uint MessageTimingGap { get; private set; }
        public DeviceFeature[] Features { get; private set; }

        public bool HasOutput(OutputType type) { return Features.Any(f => f.Outputs.Any(o => o.Type == type)); }
        public bool HasInput(InputType type) { return Features.Any(f => f.Inputs.Any(i => i.Type == type)); }

        public override string ToString() { return Index + ": " + (DisplayName ?? Name); }

        /// <summary>Sets every output of this type to the same value, as one batch.</summary>
        private Task AllOutputs(OutputType type, double value, uint? durationMs, CancellationToken cancellationToken)
        {
            var features = Features.Where(f => f.Outputs.Any(o => o.Type == type)).ToArray();
            if (features.Length == 0)
            {
                var error = new PlugwireRequestException(ErrorCode.Unsupported, ErrorCategory.Request,
                    "device " + Index + " (" + Name + ") has no " + type + " output");
                var tcs = new TaskCompletionSource<bool>();
                tcs.SetException(error);
                return tcs.Task;
            }
            return RunOutputsAsync(features.Select(f => new OutputCommand(f.Index, type, value, durationMs)), cancellationToken);
        }

        public Task VibrateAsync(double speed, CancellationToken cancellationToken = default(CancellationToken)) { return AllOutputs(OutputType.Vibrate, speed, null, cancellationToken); }
        /// <summary>-1..1: the sign is the direction.</summary>
        public Task RotateAsync(double speed, CancellationToken cancellationToken = default(CancellationToken)) { return AllOutputs(OutputType.Rotate, speed, null, cancellationToken); }
        public Task OscillateAsync(double speed, CancellationToken cancellationToken = default(CancellationToken)) { return AllOutputs(OutputType.Oscillate, speed, null, cancellationToken); }
        public Task ConstrictAsync(double level, CancellationToken cancellationToken = default(CancellationToken)) { return AllOutputs(OutputType.Constrict, level, null, cancellationToken); }
        /// <summary>Moves to a position (0..1) over <paramref name="durationMs"/> (timed position outputs).</summary>
        public Task PositionAsync(double position, uint durationMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            return AllOutputs(OutputType.HwPositionWithDuration, position, durationMs, cancellationToken);
        }

        /// <summary>Sets one output of one feature.</summary>
        public Task RunOutputAsync(uint featureIndex, OutputType type, double value, uint? durationMs = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunOutputAsync(new OutputCommand(featureIndex, type, value, durationMs), cancellationToken);
        }

        public Task RunOutputAsync(OutputCommand command, CancellationToken cancellationToken = default(CancellationToken))
        {
            return _client.RequestAsync(new Request { DeviceOutput = command.ToProto(Index) }, cancellationToken);
        }

        /// <summary>Sets several outputs as one batch (DeviceOutputs): a protocol that packs motors into one packet writes one packet. Nothing is sent if any entry is invalid.</summary>
        public Task RunOutputsAsync(IEnumerable<OutputCommand> commands, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (commands == null) throw new ArgumentNullException("commands");
            var request = new DeviceOutputs { DeviceIndex = Index };
            foreach (var c in commands) request.Outputs.Add(c.ToProto(Index));
            return _client.RequestAsync(new Request { DeviceOutputs = request }, cancellationToken);
        }

        /// <summary>Reads an input once; the raw value in the input's range.</summary>
        public async Task<int> ReadInputAsync(uint featureIndex, InputType type, CancellationToken cancellationToken = default(CancellationToken))
        {
            var reply = await _client.RequestAsync(new Request
            {
                DeviceInput = new DeviceInput { DeviceIndex = Index, FeatureIndex = featureIndex, Input = type, Command = InputCommand.Read },
            }, cancellationToken).ConfigureAwait(false);
            if (reply.KindCase != Reply.KindOneofCase.InputReading)
                throw new PlugwireServerException(ErrorCode.ServerUnknown, ErrorCategory.Server, "expected an input reading, got " + reply.KindCase);
            return reply.InputReading.Value;
        }

        /// <summary>The battery level, 0..1.</summary>
        public async Task<double> BatteryAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            var feature = Features.FirstOrDefault(f => f.Inputs.Any(i => i.Type == InputType.Battery));
            if (feature == null)
                throw new PlugwireRequestException(ErrorCode.Unsupported, ErrorCategory.Request, "device " + Index + " (" + Name + ") has no battery input");
            var input = feature.Inputs.First(i => i.Type == InputType.Battery);
            int max = input.Ranges.Length > 0 && input.Ranges[0].Value > 0 ? input.Ranges[0].Value : 100;
            int value = await ReadInputAsync(feature.Index, InputType.Battery, cancellationToken).ConfigureAwait(false);
            return (double)value / max;
        }

        /// <summary>Readings then arrive as <see cref="PlugwireClient.InputReadingReceived"/>.</summary>
        public Task SubscribeAsync(uint featureIndex, InputType type, CancellationToken cancellationToken = default(CancellationToken))
        {
            return _client.RequestAsync(new Request
            {
                DeviceInput = new DeviceInput { DeviceIndex = Index, FeatureIndex = featureIndex, Input = type, Command = InputCommand.Subscribe },
            }, cancellationToken);
        }

        public Task UnsubscribeAsync(uint featureIndex, InputType type, CancellationToken cancellationToken = default(CancellationToken))
        {
            return _client.RequestAsync(new Request
            {
                DeviceInput = new DeviceInput { DeviceIndex = Index, FeatureIndex = featureIndex, Input = type, Command = InputCommand.Unsubscribe },
            }, cancellationToken);
        }

        /// <summary>Stops every output (and input subscription) of this device.</summary>
        public Task StopAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return _client.RequestAsync(new Request { StopDevice = new StopDevice { DeviceIndex = Index } }, cancellationToken);
        }
    }
}
