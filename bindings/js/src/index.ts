// plugwire for Node.js: a Buttplug client (embedded server or websocket) over plugwire's
// C library. See README.md.

export { PlugwireClient, Simulation, ButtplugNodeWebsocketClientConnector } from "./client.js";
export type { EmbeddedOptions, PlugwireClientEvents, RequestOptions, ServerInfo, SimulatedDeviceOptions, WebsocketOptions, WriteRecord } from "./client.js";
export { PlugwireDevice } from "./device.js";
export { InputCommand, InputCommandType, InputType, OutputType, inputTypeName, outputTypeName } from "./names.js";
export type { InputCommandName, InputTypeName, OutputTypeName } from "./names.js";
export {
  PlugwireDeviceFeature,
  DeviceOutput,
  DeviceOutputCommand,
  DeviceOutputPositionWithDurationConstructor,
  DeviceOutputValueConstructor,
} from "./feature.js";
export type { FeatureInput, FeatureOutput, PlugwireDeviceFeatureEvents, ValueRange } from "./feature.js";
export { WriteFault } from "./gen/plugwire_pb.js";
export type { InputReading, OutputCommand, PlugwireDeviceEvents } from "./device.js";
export * from "./errors.js";
export { LogLevel, LogMessage, PlugwireLogger, setLogCallback } from "./logging.js";
export type { LogLevelName, PlugwireLoggerEvents } from "./logging.js";
export * from "./buttplug-names.js";
export {
  PlugwirePlayback,
  PlaybackEasing,
  PlaybackInterpolation,
  PlaybackSpeedMode,
  PlaybackStopReason,
  PlaybackWaveform,
} from "./playback.js";
export type {
  FunscriptSource,
  Keyframe,
  PatternSource,
  PlaybackEventInfo,
  PlaybackOptions,
  PlaybackResult,
  PlaybackSource,
  PlaybackTrack,
  PlugwirePlaybackEvents,
  TrackMapping,
} from "./playback.js";
export { ABI_VERSION, callbacksRegistered, nativeClientsOpen, candidatePaths, library, libraryFileName, platformTag } from "./native.js";

import { library } from "./native.js";

/** The loaded library's version, e.g. "0.1.0". */
export function libraryVersion(): string {
  return library().version();
}

/** The path of the loaded library. */
export function libraryPath(): string {
  return library().path;
}

/** The generated protobuf-es code of protobuf/plugwire.proto (schemas, message types, enums). */
export * as proto from "./gen/plugwire_pb.js";
