// One feature of a device (`device.features.get(index)`), shaped like npm buttplug 5's
// ButtplugClientDeviceFeature: its outputs and inputs by type name, with `runOutput` and
// `runInput` going through the device's own commands. Also buttplug 5's output command
// builders (`DeviceOutput.Vibrate.percent(0.5)`).

import { EventEmitter } from "node:events";

import { InvalidArgumentError, UnsupportedError } from "./errors.js";
import { InputCommand as SchemaInputCommand, type Feature as FeatureMessage } from "./gen/plugwire_pb.js";
import {
  inputCommandOf,
  inputTypeName,
  inputTypeOf,
  outputTypeName,
  outputTypeOf,
  type InputCommandName,
  type InputTypeName,
  type OutputType,
  type OutputTypeName,
  type InputType,
  type InputCommandType,
} from "./names.js";
import type { InputReading, OutputCommand, PlugwireDevice } from "./device.js";
import type { RequestOptions } from "./client.js";

export type ValueRange = readonly [min: number, max: number];

/** An output of a feature (npm buttplug's ButtplugClientDeviceFeatureOutput). */
export interface FeatureOutput {
  readonly type: OutputTypeName;
  /** The steps the device takes, e.g. [0, 20] or [-20, 20]. */
  readonly valueRange: ValueRange;
  /** Milliseconds a timed position move may take (HwPositionWithDuration only). */
  readonly durationRange?: ValueRange;
}

/** An input of a feature (npm buttplug's ButtplugClientDeviceFeatureInput). */
export interface FeatureInput {
  readonly type: InputTypeName;
  readonly valueRange: ValueRange;
  readonly commands: readonly InputCommandName[];
}

export interface PlugwireDeviceFeatureEvents {
  /** A subscribed input of this feature reported (the device and client emit it too). */
  inputreading: [reading: InputReading];
}

/** A device feature: `device.features.get(index)`. */
export class PlugwireDeviceFeature extends EventEmitter<PlugwireDeviceFeatureEvents> {
  readonly index: number;
  /** The feature's description from the device configuration ("" if none). */
  readonly descriptor: string;
  readonly outputs: ReadonlyMap<OutputTypeName, FeatureOutput>;
  readonly inputs: ReadonlyMap<InputTypeName, FeatureInput>;

  /** @internal */
  constructor(
    private readonly device: PlugwireDevice,
    message: FeatureMessage,
  ) {
    super();
    this.index = message.index;
    this.descriptor = message.description;
    this.outputs = new Map(
      message.outputs.map((o) => {
        const type = outputTypeName(o.type);
        const info: FeatureOutput = Object.freeze({
          type,
          valueRange: Object.freeze([o.min, o.max] as const),
          ...(o.duration ? { durationRange: Object.freeze([o.duration.min, o.duration.max] as const) } : {}),
        });
        return [type, info];
      }),
    );
    this.inputs = new Map(
      message.inputs.map((i) => {
        const type = inputTypeName(i.type);
        const info: FeatureInput = Object.freeze({
          type,
          valueRange: Object.freeze([i.ranges[0]?.min ?? 0, i.ranges[0]?.max ?? 0] as const),
          commands: Object.freeze(i.commands.map((c) => commandName(String(SchemaInputCommand[c])))),
        });
        return [type, info];
      }),
    );
  }

  /** Same as `descriptor` (npm buttplug has both). */
  get featureDescriptor(): string {
    return this.descriptor;
  }

  /** This feature's output of a type (any spelling: "Vibrate", OutputType.VIBRATE), if it has one. */
  output(type: OutputType): FeatureOutput | undefined {
    const name = lookup(() => outputTypeName(outputTypeOf(type)));
    return name === undefined ? undefined : this.outputs.get(name);
  }

  input(type: InputType): FeatureInput | undefined {
    const name = lookup(() => inputTypeName(inputTypeOf(type)));
    return name === undefined ? undefined : this.inputs.get(name);
  }

  hasOutput(type: OutputType): boolean {
    return this.output(type) !== undefined;
  }

  hasInput(type: InputType): boolean {
    return this.input(type) !== undefined;
  }

  /**
   * Sets this feature's output: a `DeviceOutput` command (`DeviceOutput.Vibrate.percent(0.5)`,
   * buttplug's) or `{ type, value | steps, durationMs? }` (the device's `runOutput` shape).
   */
  async runOutput(command: DeviceOutputCommand | Omit<OutputCommand, "featureIndex">, options?: RequestOptions): Promise<void> {
    const type = command instanceof DeviceOutputCommand ? command.outputType : command?.type;
    if (!this.hasOutput(outputTypeOf(type))) {
      throw new UnsupportedError(`feature ${this.index} of ${this.device.name} (device ${this.device.index}) has no ${outputTypeName(type)} output`);
    }
    await this.device.runOutputOn(command, this.index, options);
  }

  /**
   * Runs an input command on this feature: "Read" resolves with the reading
   * (`{ device, feature, inputType, value }`), "Subscribe"/"Unsubscribe" with undefined
   * (readings then arrive as 'inputreading' events of this feature, its device and the client).
   */
  async runInput(inputType: InputType, inputCommand: InputCommandType, options?: RequestOptions): Promise<InputReading | undefined> {
    const type = inputTypeOf(inputType);
    const command = inputCommandOf(inputCommand);
    if (!this.hasInput(type)) {
      throw new UnsupportedError(`feature ${this.index} of ${this.device.name} (device ${this.device.index}) has no ${inputTypeName(type)} input`);
    }
    const value = await this.device.runInputOn(type, command, this.index, options);
    return value === undefined ? undefined : this.device.reading(this.index, type, value);
  }
}

/** "READ" -> "Read". */
function commandName(key: string): InputCommandName {
  return (key.charAt(0) + key.slice(1).toLowerCase()) as InputCommandName;
}

function lookup<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ buttplug 5's command builders

/**
 * An output command as npm buttplug 5 builds it: `DeviceOutput.Vibrate.percent(0.5)`,
 * `DeviceOutput.Rotate.value(10)`, `DeviceOutput.PositionWithDuration.percent(1, 500)`.
 * A percent becomes ceil(min + (max - min) * percent) of each feature's range (as in
 * buttplug: for a -20..20 rotation 0 is full speed one way); a value is the step itself.
 */
export class DeviceOutputCommand {
  private constructor(
    readonly outputType: OutputType,
    readonly value: number | undefined,
    readonly percent: number | undefined,
    readonly duration: number | undefined,
  ) {}

  static createValue(outputType: OutputType, value: number, duration?: number): DeviceOutputCommand {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`output value ${String(value)} is not finite`);
    }
    return new DeviceOutputCommand(outputType, value, undefined, duration);
  }

  static createPercent(outputType: OutputType, percent: number, duration?: number): DeviceOutputCommand {
    if (typeof percent !== "number" || !(percent >= 0 && percent <= 1)) {
      throw new InvalidArgumentError(`percent value ${String(percent)} is not in the range 0.0 <= x <= 1.0`);
    }
    return new DeviceOutputCommand(outputType, undefined, percent, duration);
  }

  /** @internal The step for an output whose range is `range`. */
  stepFor(range: ValueRange): number {
    if (this.percent === undefined) return this.value as number;
    return Math.ceil(range[0] + (range[1] - range[0]) * this.percent);
  }
}

export class DeviceOutputValueConstructor {
  constructor(private readonly outputType: OutputType) {}
  value(value: number): DeviceOutputCommand {
    return DeviceOutputCommand.createValue(this.outputType, value);
  }
  /** @deprecated as in buttplug: use value(). */
  steps(steps: number): DeviceOutputCommand {
    return this.value(steps);
  }
  percent(percent: number): DeviceOutputCommand {
    return DeviceOutputCommand.createPercent(this.outputType, percent);
  }
}

export class DeviceOutputPositionWithDurationConstructor {
  value(value: number, duration: number): DeviceOutputCommand {
    return DeviceOutputCommand.createValue("HwPositionWithDuration", value, duration);
  }
  /** @deprecated as in buttplug: use value(). */
  steps(steps: number, duration: number): DeviceOutputCommand {
    return this.value(steps, duration);
  }
  percent(percent: number, duration: number): DeviceOutputCommand {
    return DeviceOutputCommand.createPercent("HwPositionWithDuration", percent, duration);
  }
}

/** npm buttplug 5's command builders (`DeviceOutput.Vibrate.percent(0.5)`). */
export class DeviceOutput {
  private constructor() {}
  static get Vibrate() {
    return new DeviceOutputValueConstructor("Vibrate");
  }
  static get Rotate() {
    return new DeviceOutputValueConstructor("Rotate");
  }
  static get Oscillate() {
    return new DeviceOutputValueConstructor("Oscillate");
  }
  static get Constrict() {
    return new DeviceOutputValueConstructor("Constrict");
  }
  static get Temperature() {
    return new DeviceOutputValueConstructor("Temperature");
  }
  static get Led() {
    return new DeviceOutputValueConstructor("Led");
  }
  static get Spray() {
    return new DeviceOutputValueConstructor("Spray");
  }
  static get Position() {
    return new DeviceOutputValueConstructor("Position");
  }
  static get PositionWithDuration() {
    return new DeviceOutputPositionWithDurationConstructor();
  }
  static get HwPositionWithDuration() {
    return new DeviceOutputPositionWithDurationConstructor();
  }
}
