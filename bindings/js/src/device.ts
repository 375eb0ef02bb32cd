// PlugwireDevice: one device of a client, shaped like npm `buttplug`'s ButtplugClientDevice.

import { EventEmitter } from "node:events";
import { InvalidArgumentError, PlugwireError, UnsupportedError } from "./errors.js";
import {
  InputCommand as SchemaInputCommand,
  InputType as SchemaInputType,
  OutputType as SchemaOutputType,
  type Device as DeviceMessage,
} from "./gen/plugwire_pb.js";
import {
  InputCommand,
  InputCommandType,
  InputType,
  OutputType,
  inputTypeName,
  inputTypeOf,
  outputTypeName,
  outputTypeOf,
  type InputTypeName,
} from "./names.js";
import { DeviceOutputCommand, PlugwireDeviceFeature } from "./feature.js";
import type { PlugwireClient, RequestOptions } from "./client.js";
import type { PlaybackOptions, PlaybackSource, PlugwirePlayback, TrackMapping } from "./playback.js";

export { InputCommand, InputCommandType, InputType, OutputType, inputTypeName };

/** An input reading (an 'inputreading' event, or what `feature.runInput(type, "Read")` resolves with). */
export interface InputReading {
  /** The device, if the client still knows it. */
  device: PlugwireDevice | undefined;
  /** The feature the reading came from (npm buttplug's `feature`). */
  feature: PlugwireDeviceFeature | undefined;
  /** The input's name as npm buttplug spells it: "Battery", "RSSI", "Button", "Pressure", "Depth", "Position". */
  inputType: InputTypeName;
  /** The raw value, in the input's range. */
  value: number;
  deviceIndex: number;
  featureIndex: number;
  /** The schema's number of the input type (InputType.BATTERY, ...). */
  type: SchemaInputType;
}

/** Events a device emits itself (as npm buttplug's devices do), besides the client's. */
export interface PlugwireDeviceEvents {
  /** This device went away (also emitted by the client as 'deviceremoved'). */
  deviceremoved: [];
  /** A subscribed input of this device reported. */
  inputreading: [reading: InputReading];
}

/** One output command: a fraction (`value`) or a step (`steps`), exactly one of them. */
export interface OutputCommand {
  /** `OutputType.Vibrate` ("Vibrate") or the schema's `OutputType.VIBRATE` (1). */
  type: OutputType;
  /** 0..1 (-1..1 for outputs with a direction such as rotation); becomes ceil(steps * value). */
  value?: number;
  /** The step itself, in the output's range. */
  steps?: number;
  /** The feature; every feature with this output when omitted. */
  featureIndex?: number;
  /** Timed position moves (OutputType.HW_POSITION_WITH_DURATION). */
  durationMs?: number;
}

// Ranges (0..1, -1..1) are checked by the library, whose refusal carries its error code.
function checkFraction(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`the value must be a finite number, not ${String(value)}`);
  }
  return value;
}

function checkIndex(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, not ${String(value)}`);
  }
  return value;
}

export class PlugwireDevice extends EventEmitter<PlugwireDeviceEvents> {
  readonly index: number;
  readonly name: string;
  /** The name a user config gave, if any. */
  readonly displayName: string | undefined;
  /** Minimum gap between writes the device takes, ms. */
  readonly messageTimingGap: number;
  /**
   * The device's features by feature index (as npm buttplug 5's `features`), each with its
   * outputs and inputs and its own `runOutput` / `runInput`.
   */
  readonly features: ReadonlyMap<number, PlugwireDeviceFeature>;

  constructor(
    private readonly client: PlugwireClient,
    message: DeviceMessage,
  ) {
    super();
    this.index = message.index;
    this.name = message.name;
    this.displayName = message.displayName || undefined;
    this.messageTimingGap = message.messageGapMs;
    this.features = new Map(message.features.map((f) => [f.index, new PlugwireDeviceFeature(this, f)]));
  }

  /** Features that have an output of this type (any spelling: "Vibrate", OutputType.VIBRATE). */
  featuresWithOutput(type: OutputType): PlugwireDeviceFeature[] {
    return [...this.features.values()].filter((f) => f.hasOutput(type));
  }

  /** Features that have an input of this type. */
  featuresWithInput(type: InputType): PlugwireDeviceFeature[] {
    return [...this.features.values()].filter((f) => f.hasInput(type));
  }

  hasOutput(type: OutputType): boolean {
    return this.featuresWithOutput(type).length > 0;
  }

  hasInput(type: InputType): boolean {
    return this.featuresWithInput(type).length > 0;
  }

  /**
   * Plays one funscript axis or pattern on one output of this device (its first feature
   * with that output unless `featureIndex`); see `client.play` for several at once.
   */
  play(
    output: OutputType | Lowercase<string>,
    source: PlaybackSource,
    options: TrackMapping & PlaybackOptions = {},
  ): Promise<PlugwirePlayback> {
    const { featureIndex, range, invert, scale, speedMode, latencyMs, ...playbackOptions } = options;
    return this.client.play(
      [{ device: this, output, source, featureIndex, range, invert, scale, speedMode, latencyMs }],
      playbackOptions,
    );
  }

  /** The DeviceOutput messages of one command: on `only`, its own feature, or every feature with the output. */
  private outputMessages(command: OutputCommand | DeviceOutputCommand, only?: number) {
    if (!command || typeof command !== "object") {
      throw new InvalidArgumentError("an output command is { type, value | steps, ... } or a DeviceOutput command");
    }
    const built = command instanceof DeviceOutputCommand ? command : undefined;
    const plain = built ? undefined : (command as OutputCommand);
    const type = outputTypeOf(built ? built.outputType : plain!.type);
    let fixed: { case: "fraction" | "steps"; value: number } | undefined;
    if (plain) {
      if ((plain.value === undefined) === (plain.steps === undefined)) {
        throw new InvalidArgumentError("give exactly one of value (a fraction) and steps");
      }
      fixed =
        plain.value !== undefined
          ? { case: "fraction", value: checkFraction(plain.value) }
          : { case: "steps", value: checkStep(plain.steps) };
    }
    const durationMs = built ? built.duration : plain!.durationMs;
    const duration =
      durationMs === undefined ? undefined : { case: "durationMs" as const, value: checkIndex(durationMs, "durationMs") };
    const featureIndex = only ?? plain?.featureIndex;
    let features: number[];
    if (featureIndex !== undefined) {
      features = [checkIndex(featureIndex, "featureIndex")];
    } else {
      features = this.featuresWithOutput(type).map((f) => f.index);
      if (features.length === 0) {
        throw new UnsupportedError(`${this.name} (device ${this.index}) has no ${outputTypeName(type)} output`);
      }
    }
    return features.map((featureIndex) => {
      let value = fixed;
      if (!value) {
        // A buttplug command: its step from this feature's range.
        const spec = this.features.get(featureIndex)?.output(type);
        if (!spec) {
          throw new UnsupportedError(`feature ${featureIndex} of ${this.name} (device ${this.index}) has no ${outputTypeName(type)} output`);
        }
        value = { case: "steps", value: checkStep(built!.stepFor(spec.valueRange)) };
      }
      return { deviceIndex: this.index, featureIndex, output: type, value, duration };
    });
  }

  /**
   * Sets one output (on every feature that has it, unless `featureIndex` is given): either
   * `{ type, value | steps, featureIndex?, durationMs? }` or an npm buttplug 5 command
   * (`DeviceOutput.Vibrate.percent(0.5)`).
   */
  runOutput(command: OutputCommand | DeviceOutputCommand, options?: RequestOptions): Promise<void> {
    return this.runOutputOn(command, undefined, options);
  }

  /** @internal `runOutput` on one feature (`feature.runOutput`), or as given when undefined. */
  async runOutputOn(command: OutputCommand | DeviceOutputCommand, featureIndex: number | undefined, options?: RequestOptions): Promise<void> {
    const outputs = this.outputMessages(command, featureIndex);
    if (outputs.length === 1) {
      await this.client.request({ case: "deviceOutput", value: outputs[0] }, options);
    } else {
      await this.client.request({ case: "deviceOutputs", value: { deviceIndex: this.index, outputs } }, options);
    }
  }

  /**
   * Sets several outputs as one batch (the ABI's DeviceOutputs): they reach the device
   * together (a protocol that packs motors into one packet writes one packet), and
   * nothing is sent if any entry is invalid.
   */
  async runOutputs(commands: Array<OutputCommand | DeviceOutputCommand>, options?: RequestOptions): Promise<void> {
    if (!Array.isArray(commands) || commands.length === 0) {
      throw new InvalidArgumentError("runOutputs takes a non-empty array of output commands");
    }
    const outputs = commands.flatMap((c) => this.outputMessages(c));
    await this.client.request({ case: "deviceOutputs", value: { deviceIndex: this.index, outputs } }, options);
  }

  /** Vibrates every vibrating feature (or one), 0..1. */
  vibrate(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: SchemaOutputType.VIBRATE, value, featureIndex }, options);
  }

  /** Rotates, -1..1: the sign is the direction where the device has one. */
  rotate(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: SchemaOutputType.ROTATE, value, featureIndex }, options);
  }

  /** Oscillates (thrusts, strokes at a speed), 0..1. */
  oscillate(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: SchemaOutputType.OSCILLATE, value, featureIndex }, options);
  }

  /** Constricts (air pump, suction), 0..1. */
  constrict(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: SchemaOutputType.CONSTRICT, value, featureIndex }, options);
  }

  /**
   * Moves to a position, 0..1. With `durationMs` it is a timed move (the device gets
   * there in that time: OutputType.HwPositionWithDuration); without, the position output.
   */
  position(value: number, durationMs?: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return durationMs === undefined
      ? this.runOutput({ type: SchemaOutputType.POSITION, value, featureIndex }, options)
      : this.runOutput({ type: SchemaOutputType.HW_POSITION_WITH_DURATION, value, durationMs, featureIndex }, options);
  }

  /** Stops the device (every output to zero except positions; subscriptions end), or one feature. */
  async stop(featureIndex?: number, options?: RequestOptions): Promise<void> {
    await this.client.request({
      case: "stopDevice",
      value: {
        deviceIndex: this.index,
        feature:
          featureIndex === undefined
            ? undefined
            : { case: "featureIndex", value: checkIndex(featureIndex, "featureIndex") },
      },
    }, options);
  }

  private inputFeature(type: SchemaInputType, featureIndex: number | undefined): number {
    if (featureIndex !== undefined) return checkIndex(featureIndex, "featureIndex");
    const found = this.featuresWithInput(type);
    if (found.length === 0) {
      throw new UnsupportedError(`${this.name} (device ${this.index}) has no ${inputTypeName(type)} input`);
    }
    return found[0].index;
  }

  /** @internal One input command; a read resolves with the raw value, the others with undefined. */
  async runInputOn(
    type: SchemaInputType,
    command: SchemaInputCommand,
    featureIndex: number | undefined,
    options?: RequestOptions,
  ): Promise<number | undefined> {
    const reply = await this.client.request({
      case: "deviceInput",
      value: { deviceIndex: this.index, featureIndex: this.inputFeature(type, featureIndex), input: type, command },
    }, options);
    if (command !== SchemaInputCommand.READ) return undefined;
    if (reply.kind.case !== "inputReading") {
      throw new PlugwireError(`expected an input reading, the library answered ${String(reply.kind.case)}`);
    }
    return reply.kind.value.value;
  }

  /** @internal A reading of this device, shaped as the 'inputreading' events are. */
  reading(featureIndex: number, type: SchemaInputType, value: number): InputReading {
    return {
      device: this,
      feature: this.features.get(featureIndex),
      inputType: inputTypeName(type),
      value,
      deviceIndex: this.index,
      featureIndex,
      type,
    };
  }

  /** Reads an input once ("Battery", InputType.BATTERY, ...): the raw value, in the input's range. */
  async read(type: InputType, featureIndex?: number, options?: RequestOptions): Promise<number> {
    return (await this.runInputOn(inputTypeOf(type), SchemaInputCommand.READ, featureIndex, options)) as number;
  }

  /** The battery level, 0..1 (the reading divided by the top of its range). */
  async battery(options?: RequestOptions): Promise<number> {
    const featureIndex = this.inputFeature(SchemaInputType.BATTERY, undefined);
    const value = await this.read(SchemaInputType.BATTERY, featureIndex, options);
    const top = this.features.get(featureIndex)?.input(SchemaInputType.BATTERY)?.valueRange[1] ?? 100;
    return top > 0 ? value / top : value;
  }

  /** Subscribes to an input: readings arrive as 'inputreading' events (client, device, feature). */
  async subscribe(type: InputType, featureIndex?: number, options?: RequestOptions): Promise<void> {
    await this.runInputOn(inputTypeOf(type), SchemaInputCommand.SUBSCRIBE, featureIndex, options);
  }

  async unsubscribe(type: InputType, featureIndex?: number, options?: RequestOptions): Promise<void> {
    await this.runInputOn(inputTypeOf(type), SchemaInputCommand.UNSUBSCRIBE, featureIndex, options);
  }
}

function checkStep(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 0x7fffffff) {
    throw new InvalidArgumentError(`steps must be an integer, not ${String(value)}`);
  }
  return value;
}
