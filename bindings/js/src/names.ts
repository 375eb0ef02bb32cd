// Enum values as npm buttplug 5 spells them (string-valued: OutputType.Vibrate ===
// "Vibrate"), with the schema's numeric enums kept on the same objects as aliases
// (OutputType.VIBRATE === 1), and the one parser every method uses to accept either.

import { InvalidArgumentError } from "./errors.js";
import {
  InputCommand as SchemaInputCommand,
  InputType as SchemaInputType,
  OutputType as SchemaOutputType,
} from "./gen/plugwire_pb.js";

/** An enum object as protobuf-es generates it: NAME -> number and number -> NAME. */
type SchemaEnum = Record<string, string | number>;

/** Output names as npm buttplug 5's `OutputType` has them (it also has "Inflate", which the schema lacks). */
const OUTPUT_NAMES = {
  Unknown: "Unknown",
  Vibrate: "Vibrate",
  Rotate: "Rotate",
  Oscillate: "Oscillate",
  Constrict: "Constrict",
  Spray: "Spray",
  Temperature: "Temperature",
  Led: "Led",
  Position: "Position",
  HwPositionWithDuration: "HwPositionWithDuration",
} as const;

/** Input names as npm buttplug 5's `InputType` has them, plus the schema's Depth and Position. */
const INPUT_NAMES = {
  Unknown: "Unknown",
  Battery: "Battery",
  RSSI: "RSSI",
  Button: "Button",
  Pressure: "Pressure",
  Depth: "Depth",
  Position: "Position",
} as const;

/** npm buttplug 5's `InputCommandType`. */
const INPUT_COMMAND_NAMES = { Read: "Read", Subscribe: "Subscribe", Unsubscribe: "Unsubscribe" } as const;

export type OutputTypeName = (typeof OUTPUT_NAMES)[keyof typeof OUTPUT_NAMES];
export type InputTypeName = (typeof INPUT_NAMES)[keyof typeof INPUT_NAMES];
export type InputCommandName = (typeof INPUT_COMMAND_NAMES)[keyof typeof INPUT_COMMAND_NAMES];

/**
 * An output type: the string name (`OutputType.Vibrate`, "Vibrate") or the schema's number
 * (`OutputType.VIBRATE`, 1); every method takes either.
 */
export type OutputType = OutputTypeName | SchemaOutputType;
/** An input type: `InputType.Battery` ("Battery") or the schema's `InputType.BATTERY` (1). */
export type InputType = InputTypeName | SchemaInputType;
/** An input command: `InputCommandType.Read` ("Read") or the schema's `InputCommand.READ` (1). */
export type InputCommandType = InputCommandName | SchemaInputCommand;
export type InputCommand = InputCommandType;

// The schema enum's own keys first, then the names: where both spell a key alike (RSSI)
// the name wins, as buttplug has it; that number stays at proto.InputType.RSSI.
function merged<S extends SchemaEnum, N extends Record<string, string>>(schema: S, names: N): Readonly<S & N> {
  return Object.freeze({ ...schema, ...names });
}

export const OutputType = merged(SchemaOutputType as typeof SchemaOutputType, OUTPUT_NAMES);
export const InputType = merged(SchemaInputType as typeof SchemaInputType, INPUT_NAMES) as Readonly<
  Omit<typeof SchemaInputType, "RSSI"> & typeof INPUT_NAMES
>;
export const InputCommandType = merged(SchemaInputCommand as typeof SchemaInputCommand, INPUT_COMMAND_NAMES);
export const InputCommand = InputCommandType;

const squash = (s: string) => s.replace(/[-_]/g, "").toUpperCase();

/**
 * The schema's number for an enum value given as that number or as a name in any of its
 * spellings ("Vibrate", "VIBRATE", "vibrate", "HwPositionWithDuration",
 * "hw_position_with_duration"). UNSPECIFIED and anything else: InvalidArgumentError naming
 * the value and the names it could be.
 */
export function schemaValue<E extends number>(schema: SchemaEnum, value: unknown, what: string, names?: Record<string, string>): E {
  // UNSPECIFIED is no value; a schema enum without it (the playback ones) has a real 0.
  if (typeof value === "number" && typeof schema[value] === "string" && schema[value] !== "UNSPECIFIED") return value as E;
  if (typeof value === "string") {
    const wanted = squash(value);
    for (const [key, v] of Object.entries(schema)) {
      if (typeof v === "number" && key !== "UNSPECIFIED" && squash(key) === wanted) return v as E;
    }
  }
  const known = names
    ? Object.values(names).filter((n) => n !== "Unknown")
    : Object.keys(schema).filter((k) => Number.isNaN(Number(k)) && k !== "UNSPECIFIED").map((k) => k.toLowerCase());
  throw new InvalidArgumentError(`unknown ${what} ${String(value)}; one of: ${known.join(", ")}`);
}

/** The schema's OutputType for `OutputType.Vibrate`, "Vibrate", `OutputType.VIBRATE`, 1, ... */
export function outputTypeOf(value: unknown): SchemaOutputType {
  return schemaValue<SchemaOutputType>(SchemaOutputType, value, "output type", OUTPUT_NAMES);
}

/** The schema's InputType for `InputType.Battery`, "Battery", `InputType.BATTERY`, 1, ... */
export function inputTypeOf(value: unknown): SchemaInputType {
  return schemaValue<SchemaInputType>(SchemaInputType, value, "input type", INPUT_NAMES);
}

/** The schema's InputCommand for `InputCommandType.Read`, "Read", `InputCommand.READ`, 1, ... */
export function inputCommandOf(value: unknown): SchemaInputCommand {
  return schemaValue<SchemaInputCommand>(SchemaInputCommand, value, "input command", INPUT_COMMAND_NAMES);
}

function nameIn<N extends Record<string, string>>(names: N, schema: SchemaEnum, value: number): N[keyof N] {
  const key = schema[value];
  if (typeof key === "string") {
    for (const name of Object.values(names)) if (squash(name) === squash(key)) return name as N[keyof N];
  }
  return "Unknown" as N[keyof N];
}

/** 1 -> "Vibrate": an output type's name as npm buttplug spells it ("Unknown" for others). */
export function outputTypeName(type: SchemaOutputType | OutputType): OutputTypeName {
  return nameIn(OUTPUT_NAMES, SchemaOutputType, outputTypeOrZero(type));
}

/** 1 -> "Battery", 2 -> "RSSI": an input type's name as npm buttplug spells it. */
export function inputTypeName(type: SchemaInputType | InputType): InputTypeName {
  return nameIn(INPUT_NAMES, SchemaInputType, typeof type === "number" ? type : safe(() => inputTypeOf(type)));
}

function outputTypeOrZero(type: unknown): number {
  return typeof type === "number" ? type : safe(() => outputTypeOf(type));
}

function safe(f: () => number): number {
  try {
    return f();
  } catch {
    return 0;
  }
}
