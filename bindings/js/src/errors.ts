// The error classes plugwire throws, mapped from the C ABI's error codes and statuses.
//
//   PlugwireError
//   ├── InvalidRequestError        ERROR_CODE_INVALID_REQUEST
//   ├── InvalidArgumentError       ERROR_CODE_INVALID_ARGUMENT (and values refused before sending)
//   │   └── UnknownDeviceError     ERROR_CODE_UNKNOWN_DEVICE
//   ├── AlreadyConnectedError      ERROR_CODE_ALREADY_CONNECTED
//   ├── NoSimulatedHardwareError   ERROR_CODE_NO_SIMULATED_HARDWARE
//   ├── UnsupportedError           ERROR_CODE_UNSUPPORTED (also: the device has no such feature)
//   ├── ConfigurationError         ERROR_CODE_CONFIGURATION
//   ├── EventsDroppedError         ERROR_CODE_EVENTS_DROPPED (an 'error' event)
//   ├── PlugwireConnectionError
//   │   ├── NotConnectedError      ERROR_CODE_NOT_CONNECTED
//   │   ├── ConnectionFailedError  ERROR_CODE_CONNECTION_FAILED
//   │   └── ClientClosedError      the client was closed (requests in flight end here)
//   ├── ServerError                errors the Buttplug server reported
//   │   ├── ServerUnknownError     ERROR_CODE_SERVER_UNKNOWN
//   │   ├── HandshakeError         ERROR_CODE_SERVER_HANDSHAKE
//   │   ├── PingError              ERROR_CODE_SERVER_PING
//   │   ├── MessageError           ERROR_CODE_SERVER_MESSAGE
//   │   └── DeviceError            ERROR_CODE_SERVER_DEVICE
//   ├── PlaybackError              ERROR_CODE_PLAYBACK_UNKNOWN / _BUSY
//   └── NativeError                a C function returned a non-OK status
//       └── LibraryNotFoundError   the shared library could not be found or loaded

import { ErrorCategory, ErrorCode } from "./gen/plugwire_pb.js";

export { ErrorCategory, ErrorCode };

/** `PlugwireStatus`: what a C function call itself did. */
export const Status = {
  OK: 0,
  NULL_ARGUMENT: 1,
  INVALID_ARGUMENT: 2,
  PANIC: 3,
  SHUT_DOWN: 4,
  TIMEOUT: 5,
  CLIENT_CLOSED: 6,
  RUNTIME_FAILED: 7,
  BUSY: 8,
  UNSUPPORTED: 9,
} as const;

export class PlugwireError extends Error {
  /** The ABI's error code (UNSPECIFIED for errors raised in JS). */
  readonly code: ErrorCode;
  readonly category: ErrorCategory;

  constructor(
    message: string,
    code: ErrorCode = ErrorCode.UNSPECIFIED,
    category: ErrorCategory = ErrorCategory.UNSPECIFIED,
  ) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.category = category;
  }
}

export class InvalidRequestError extends PlugwireError {}
export class InvalidArgumentError extends PlugwireError {}
export class UnknownDeviceError extends InvalidArgumentError {}
export class AlreadyConnectedError extends PlugwireError {}
export class NoSimulatedHardwareError extends PlugwireError {}
export class UnsupportedError extends PlugwireError {}
export class ConfigurationError extends PlugwireError {}
export class EventsDroppedError extends PlugwireError {}
export class PlugwireConnectionError extends PlugwireError {}
export class NotConnectedError extends PlugwireConnectionError {}
export class ConnectionFailedError extends PlugwireConnectionError {}
export class ClientClosedError extends PlugwireConnectionError {}
export class ServerError extends PlugwireError {}
export class ServerUnknownError extends ServerError {}
export class HandshakeError extends ServerError {}
export class PingError extends ServerError {}
export class MessageError extends ServerError {}
export class DeviceError extends ServerError {}
/**
 * A playback control to a playback that is over (ERROR_CODE_PLAYBACK_UNKNOWN), or an
 * output already under another playback (ERROR_CODE_PLAYBACK_BUSY). An unusable script,
 * pattern or mapping is an InvalidArgumentError (ERROR_CODE_PLAYBACK_INVALID); playback
 * over a websocket an UnsupportedError (ERROR_CODE_PLAYBACK_UNAVAILABLE).
 */
export class PlaybackError extends PlugwireError {}

export class NativeError extends PlugwireError {
  /** The `PlugwireStatus` the C function returned. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
export class LibraryNotFoundError extends NativeError {
  constructor(message: string) {
    super(-1, message);
  }
}

type ErrorClass = new (message: string, code?: ErrorCode, category?: ErrorCategory) => PlugwireError;

const BY_CODE: Partial<Record<ErrorCode, ErrorClass>> = {
  [ErrorCode.INVALID_REQUEST]: InvalidRequestError,
  [ErrorCode.NOT_CONNECTED]: NotConnectedError,
  [ErrorCode.ALREADY_CONNECTED]: AlreadyConnectedError,
  [ErrorCode.CONNECTION_FAILED]: ConnectionFailedError,
  [ErrorCode.INVALID_ARGUMENT]: InvalidArgumentError,
  [ErrorCode.UNKNOWN_DEVICE]: UnknownDeviceError,
  [ErrorCode.NO_SIMULATED_HARDWARE]: NoSimulatedHardwareError,
  [ErrorCode.UNSUPPORTED]: UnsupportedError,
  [ErrorCode.CONFIGURATION]: ConfigurationError,
  [ErrorCode.EVENTS_DROPPED]: EventsDroppedError,
  [ErrorCode.SERVER_UNKNOWN]: ServerUnknownError,
  [ErrorCode.SERVER_HANDSHAKE]: HandshakeError,
  [ErrorCode.SERVER_PING]: PingError,
  [ErrorCode.SERVER_MESSAGE]: MessageError,
  [ErrorCode.SERVER_DEVICE]: DeviceError,
  [ErrorCode.PLAYBACK_INVALID]: InvalidArgumentError,
  [ErrorCode.PLAYBACK_UNKNOWN]: PlaybackError,
  [ErrorCode.PLAYBACK_BUSY]: PlaybackError,
  [ErrorCode.PLAYBACK_UNAVAILABLE]: UnsupportedError,
};

/** The error for an `Error` reply or event of the ABI. */
export function errorFromCode(code: ErrorCode, category: ErrorCategory, message: string): PlugwireError {
  const cls = BY_CODE[code] ?? PlugwireError;
  return new cls(message, code, category);
}

/** The error for a non-OK `PlugwireStatus`. */
export function errorFromStatus(status: number, message: string): PlugwireError {
  if (status === Status.CLIENT_CLOSED || status === Status.SHUT_DOWN) return new ClientClosedError(message);
  if (status === Status.INVALID_ARGUMENT) return new InvalidRequestError(message);
  return new NativeError(status, message);
}
