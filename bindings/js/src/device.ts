// PlugwireDevice: one device of a client, shaped like npm `buttplug`'s ButtplugClientDevice.

import { EventEmitter } from "node:events";
import { InvalidArgumentError, PlugwireError, UnsupportedError } from "./errors.js";
import {
  InputCommand,
  InputType,
  OutputType,
  type Device as DeviceMessage,
  type Feature,
} from "./gen/plugwire_pb.js";
import type { PlugwireClient, RequestOptions } from "./client.js";
import type { PlaybackOptions, PlaybackSource, PlugwirePlayback, TrackMapping } from "./playback.js";

export { InputCommand, InputType, OutputType };

/** An input reading (an 'inputreading' event). */
export interface InputReading {
  /** The device, if the client still knows it. */
  device: PlugwireDevice | undefined;
  deviceIndex: number;
  featureIndex: number;
  type: InputType;
  /** The raw value, in the input's range. */
  value: number;
  /** The feature the reading came from (npm buttplug's `feature`). */
  feature: Feature | undefined;
  /** The input's name as npm buttplug spells it: "Battery", "Rssi", "Button", "Pressure", "Depth", "Position". */
  inputType: string;
}

/** Events a device emits itself (as npm buttplug's devices do), besides the client's. */
export interface PlugwireDeviceEvents {
  /** This device went away (also emitted by the client as 'deviceremoved'). */
  deviceremoved: [];
  /** A subscribed input of this device reported. */
  inputreading: [reading: InputReading];
}

/** "BATTERY" -> "Battery": an input type's name as npm buttplug spells it. */
export function inputTypeName(type: InputType): string {
  const name = InputType[type] ?? "UNSPECIFIED";
  return name.charAt(0) + name.slice(1).toLowerCase();
}

/** One output command: a fraction (`value`) or a step (`steps`), exactly one of them. */
export interface OutputCommand {
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
  /** The device's features (outputs and inputs with their ranges). */
  readonly features: readonly Feature[];

  constructor(
    private readonly client: PlugwireClient,
    message: DeviceMessage,
  ) {
    super();
    this.index = message.index;
    this.name = message.name;
    this.displayName = message.displayName || undefined;
    this.messageTimingGap = message.messageGapMs;
    this.features = message.features;
  }

  /** Features that have an output of this type. */
  featuresWithOutput(type: OutputType): Feature[] {
    return this.features.filter((f) => f.outputs.some((o) => o.type === type));
  }

  /** Features that have an input of this type. */
  featuresWithInput(type: InputType): Feature[] {
    return this.features.filter((f) => f.inputs.some((i) => i.type === type));
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

  private outputMessages(command: OutputCommand) {
    const { type } = command;
    if (typeof type !== "number" || !(type in OutputType) || type === OutputType.UNSPECIFIED) {
      throw new InvalidArgumentError(`unknown output type ${String(type)}`);
    }
    if ((command.value === undefined) === (command.steps === undefined)) {
      throw new InvalidArgumentError("give exactly one of value (a fraction) and steps");
    }
    const value =
      command.value !== undefined
        ? { case: "fraction" as const, value: checkFraction(command.value) }
        : { case: "steps" as const, value: checkStep(command.steps) };
    const duration =
      command.durationMs === undefined
        ? undefined
        : { case: "durationMs" as const, value: checkIndex(command.durationMs, "durationMs") };
    let features: number[];
    if (command.featureIndex !== undefined) {
      features = [checkIndex(command.featureIndex, "featureIndex")];
    } else {
      features = this.featuresWithOutput(type).map((f) => f.index);
      if (features.length === 0) {
        throw new UnsupportedError(`${this.name} (device ${this.index}) has no ${OutputType[type].toLowerCase()} output`);
      }
    }
    return features.map((featureIndex) => ({
      deviceIndex: this.index,
      featureIndex,
      output: type,
      value,
      duration,
    }));
  }

  /** Sets one output (on every feature that has it, unless `featureIndex` is given). */
  async runOutput(command: OutputCommand, options?: RequestOptions): Promise<void> {
    const outputs = this.outputMessages(command);
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
  async runOutputs(commands: OutputCommand[], options?: RequestOptions): Promise<void> {
    if (!Array.isArray(commands) || commands.length === 0) {
      throw new InvalidArgumentError("runOutputs takes a non-empty array of output commands");
    }
    const outputs = commands.flatMap((c) => this.outputMessages(c));
    await this.client.request({ case: "deviceOutputs", value: { deviceIndex: this.index, outputs } }, options);
  }

  /** Vibrates every vibrating feature (or one), 0..1. */
  vibrate(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: OutputType.VIBRATE, value, featureIndex }, options);
  }

  /** Rotates, -1..1: the sign is the direction where the device has one. */
  rotate(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: OutputType.ROTATE, value, featureIndex }, options);
  }

  /** Oscillates (thrusts, strokes at a speed), 0..1. */
  oscillate(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: OutputType.OSCILLATE, value, featureIndex }, options);
  }

  /** Constricts (air pump, suction), 0..1. */
  constrict(value: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return this.runOutput({ type: OutputType.CONSTRICT, value, featureIndex }, options);
  }

  /**
   * Moves to a position, 0..1. With `durationMs` it is a timed move (the device gets
   * there in that time: OutputType.HW_POSITION_WITH_DURATION); without, the position output.
   */
  position(value: number, durationMs?: number, featureIndex?: number, options?: RequestOptions): Promise<void> {
    return durationMs === undefined
      ? this.runOutput({ type: OutputType.POSITION, value, featureIndex }, options)
      : this.runOutput({ type: OutputType.HW_POSITION_WITH_DURATION, value, durationMs, featureIndex }, options);
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

  private inputFeature(type: InputType, featureIndex: number | undefined): number {
    if (featureIndex !== undefined) return checkIndex(featureIndex, "featureIndex");
    const found = this.featuresWithInput(type);
    if (found.length === 0) {
      throw new UnsupportedError(`${this.name} (device ${this.index}) has no ${String(InputType[type]).toLowerCase()} input`);
    }
    return found[0].index;
  }

  private async input(type: InputType, command: InputCommand, featureIndex?: number, options?: RequestOptions) {
    return this.client.request({
      case: "deviceInput",
      value: { deviceIndex: this.index, featureIndex: this.inputFeature(type, featureIndex), input: type, command },
    }, options);
  }

  /** Reads an input once: the raw value, in the input's range. */
  async read(type: InputType, featureIndex?: number, options?: RequestOptions): Promise<number> {
    const reply = await this.input(type, InputCommand.READ, featureIndex, options);
    if (reply.kind.case !== "inputReading") {
      throw new PlugwireError(`expected an input reading, the library answered ${String(reply.kind.case)}`);
    }
    return reply.kind.value.value;
  }

  /** The battery level, 0..1 (the reading divided by the top of its range). */
  async battery(options?: RequestOptions): Promise<number> {
    const featureIndex = this.inputFeature(InputType.BATTERY, undefined);
    const value = await this.read(InputType.BATTERY, featureIndex, options);
    const spec = this.features.find((f) => f.index === featureIndex)?.inputs.find((i) => i.type === InputType.BATTERY);
    const top = spec?.ranges[0]?.max ?? 100;
    return top > 0 ? value / top : value;
  }

  /** Subscribes to an input: readings arrive as the client's 'inputreading' events. */
  async subscribe(type: InputType, featureIndex?: number, options?: RequestOptions): Promise<void> {
    await this.input(type, InputCommand.SUBSCRIBE, featureIndex, options);
  }

  async unsubscribe(type: InputType, featureIndex?: number, options?: RequestOptions): Promise<void> {
    await this.input(type, InputCommand.UNSUBSCRIBE, featureIndex, options);
  }
}

function checkStep(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 0x7fffffff) {
    throw new InvalidArgumentError(`steps must be an integer, not ${String(value)}`);
  }
  return value;
}
