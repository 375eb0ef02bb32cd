// npm buttplug 5's class and type names, as aliases of plugwire's own, for apps that port
// from it (README, "Compared with npm buttplug 5"). Names whose buttplug meaning differs
// from anything here are left out rather than aliased to something else.

import { PlugwireClient, type ServerInfo } from "./client.js";
import { PlugwireDevice, type InputReading } from "./device.js";
import { PlugwireDeviceFeature, type FeatureInput, type FeatureOutput, type ValueRange } from "./feature.js";
import { LogLevel, PlugwireLogger } from "./logging.js";
import {
  HandshakeError,
  MessageError,
  PingError,
  PlugwireConnectionError,
  PlugwireError,
  DeviceError,
  ServerUnknownError,
} from "./errors.js";

export const ButtplugClient = PlugwireClient;
export type ButtplugClient = PlugwireClient;
export const ButtplugClientDevice = PlugwireDevice;
export type ButtplugClientDevice = PlugwireDevice;
export const ButtplugClientDeviceFeature = PlugwireDeviceFeature;
export type ButtplugClientDeviceFeature = PlugwireDeviceFeature;
export type IButtplugClientDeviceFeature = PlugwireDeviceFeature;
export type ButtplugClientInputReading = InputReading;
export type ButtplugClientServerInfo = ServerInfo;
export type ButtplugClientDeviceFeatureOutput = FeatureOutput;
export type ButtplugClientDeviceFeatureInput = FeatureInput;
export type ButtplugClientDeviceFeatureValueRange = ValueRange;

/** Every error plugwire throws (buttplug's base class). */
export const ButtplugError = PlugwireError;
export type ButtplugError = PlugwireError;
/** The server refused a device command (buttplug's ERROR_DEVICE). */
export const ButtplugDeviceError = DeviceError;
export type ButtplugDeviceError = DeviceError;
/** The handshake failed (buttplug's ERROR_INIT). */
export const ButtplugInitError = HandshakeError;
export type ButtplugInitError = HandshakeError;
export const ButtplugMessageError = MessageError;
export type ButtplugMessageError = MessageError;
export const ButtplugPingError = PingError;
export type ButtplugPingError = PingError;
export const ButtplugUnknownError = ServerUnknownError;
export type ButtplugUnknownError = ServerUnknownError;
/** Connecting failed or the connection is gone. */
export const ButtplugClientConnectorException = PlugwireConnectionError;
export type ButtplugClientConnectorException = PlugwireConnectionError;

/** The library's log (buttplug's `ButtplugLogger.Logger`, 'log' events with a LogMessage). */
export const ButtplugLogger = PlugwireLogger;
export type ButtplugLogger = PlugwireLogger;
export const ButtplugLogLevel = LogLevel;
export type ButtplugLogLevel = LogLevel;
