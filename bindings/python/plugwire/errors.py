"""The exceptions plugwire raises, mapped from the C ABI's error codes and statuses.

Every exception the library raises derives from :class:`PlugwireError`. Errors a request
gets back from the library carry the ABI's :class:`ErrorCode` and :class:`ErrorCategory`::

    PlugwireError
    ├── InvalidRequestError          ERROR_CODE_INVALID_REQUEST (malformed request)
    ├── InvalidArgumentError         ERROR_CODE_INVALID_ARGUMENT (also a ValueError)
    │   ├── UnknownDeviceError       ERROR_CODE_UNKNOWN_DEVICE (also a LookupError)
    │   └── FeatureNotFoundError     the device has no feature for that output/input
    ├── AlreadyConnectedError        ERROR_CODE_ALREADY_CONNECTED
    ├── NoSimulatedHardwareError     ERROR_CODE_NO_SIMULATED_HARDWARE
    ├── UnsupportedError             ERROR_CODE_UNSUPPORTED (not in this build of the library)
    ├── ConfigurationError           ERROR_CODE_CONFIGURATION (bad device/user config JSON)
    ├── ConnectionError              the connection failed or is gone (also the built-in
    │   │                            ConnectionError, so ``except ConnectionError`` catches it)
    │   ├── NotConnectedError        ERROR_CODE_NOT_CONNECTED
    │   ├── ConnectionFailedError    ERROR_CODE_CONNECTION_FAILED
    │   └── ClientClosedError        the client was closed (requests in flight end here)
    ├── ServerError                  the Buttplug server refused or failed the request
    │   ├── ServerUnknownError       ERROR_CODE_SERVER_UNKNOWN
    │   ├── HandshakeError           ERROR_CODE_SERVER_HANDSHAKE
    │   ├── PingError                ERROR_CODE_SERVER_PING
    │   ├── MessageError             ERROR_CODE_SERVER_MESSAGE
    │   └── DeviceError              ERROR_CODE_SERVER_DEVICE (a device failed or refused)
    ├── InternalError                ERROR_CODE_INTERNAL (a bug inside the library)
    ├── PlaybackError                ERROR_CODE_PLAYBACK_UNKNOWN / _BUSY
    └── NativeError                  a C function returned a non-OK status
        └── LibraryNotFoundError     the shared library could not be found or loaded

``plugwire.ConnectionError`` subclasses the built-in :class:`ConnectionError` (and so
:class:`OSError`): reconnect loops that catch the built-in catch plugwire's too.

An error the binding raises itself, before asking the library (an unknown device index,
a feature the device does not have), carries the same ``code`` and ``category`` as the
library's error for the same condition.
"""

from __future__ import annotations

import builtins
import enum
from typing import Optional


class ErrorCode(enum.IntEnum):
    """Stable error codes of ``plugwire.v1.ErrorCode``."""

    UNSPECIFIED = 0
    INVALID_REQUEST = 1
    NOT_CONNECTED = 2
    ALREADY_CONNECTED = 3
    CONNECTION_FAILED = 4
    INVALID_ARGUMENT = 5
    UNKNOWN_DEVICE = 6
    NO_SIMULATED_HARDWARE = 7
    UNSUPPORTED = 8
    CONFIGURATION = 9
    EVENTS_DROPPED = 10
    INTERNAL = 11
    SERVER_UNKNOWN = 20
    SERVER_HANDSHAKE = 21
    SERVER_PING = 22
    SERVER_MESSAGE = 23
    SERVER_DEVICE = 24
    PLAYBACK_INVALID = 30
    PLAYBACK_UNKNOWN = 31
    PLAYBACK_BUSY = 32
    PLAYBACK_UNAVAILABLE = 33


class ErrorCategory(enum.IntEnum):
    """Who is to blame, from ``plugwire.v1.ErrorCategory``."""

    UNSPECIFIED = 0
    REQUEST = 1
    CONNECTION = 2
    SERVER = 3
    DEVICE = 4


class Status(enum.IntEnum):
    """``PlugwireStatus``: what a C function call itself did."""

    OK = 0
    NULL_ARGUMENT = 1
    INVALID_ARGUMENT = 2
    PANIC = 3
    SHUT_DOWN = 4
    TIMEOUT = 5
    CLIENT_CLOSED = 6
    RUNTIME_FAILED = 7


class PlugwireError(Exception):
    """Base class of every plugwire exception.

    ``code`` and ``category`` are set when the error came back from the library as an
    ``Error`` reply (or event); they are ``UNSPECIFIED`` for errors raised in Python.
    """

    code: ErrorCode
    category: ErrorCategory

    #: The code and category an instance raised by the binding itself gets: those the
    #: library gives for the same condition.
    default_code: ErrorCode = ErrorCode.UNSPECIFIED
    default_category: ErrorCategory = ErrorCategory.UNSPECIFIED

    def __init__(
        self,
        message: str,
        *,
        code: Optional[ErrorCode] = None,
        category: Optional[ErrorCategory] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code
        self.category = self.default_category if category is None else category

    def __str__(self) -> str:
        if self.code is ErrorCode.UNSPECIFIED:
            return self.message
        return f"{self.message} [{self.code.name}]"


class InvalidRequestError(PlugwireError):
    """The request could not be decoded or misses a required field."""

    default_code = ErrorCode.INVALID_REQUEST
    default_category = ErrorCategory.REQUEST


class InvalidArgumentError(PlugwireError, ValueError):
    """A value, index or name was refused (e.g. a vibration of 1.5)."""

    default_code = ErrorCode.INVALID_ARGUMENT
    default_category = ErrorCategory.REQUEST


class UnknownDeviceError(InvalidArgumentError, LookupError):
    """No device (or simulated device) at that index or address."""

    default_code = ErrorCode.UNKNOWN_DEVICE
    default_category = ErrorCategory.REQUEST


class FeatureNotFoundError(InvalidArgumentError):
    """The device has no feature with the requested output or input."""


class AlreadyConnectedError(PlugwireError):
    """The client is already connected; disconnect first."""

    default_code = ErrorCode.ALREADY_CONNECTED
    default_category = ErrorCategory.REQUEST


class NoSimulatedHardwareError(PlugwireError):
    """A simulated-device request on a connection without simulated hardware."""

    default_code = ErrorCode.NO_SIMULATED_HARDWARE
    default_category = ErrorCategory.REQUEST


class UnsupportedError(PlugwireError):
    """Not available in this build of the library."""

    default_code = ErrorCode.UNSUPPORTED
    default_category = ErrorCategory.REQUEST


class ConfigurationError(PlugwireError):
    """A device or user configuration could not be loaded."""

    default_code = ErrorCode.CONFIGURATION
    default_category = ErrorCategory.REQUEST


class ConnectionError(PlugwireError, builtins.ConnectionError):  # noqa: A001
    """The connection (embedded or remote) failed or is gone. Also the built-in
    :class:`ConnectionError`, so code that catches the built-in catches this."""

    default_category = ErrorCategory.CONNECTION

    def __str__(self) -> str:
        return PlugwireError.__str__(self)


class NotConnectedError(ConnectionError):
    """The client is not connected: call ``connect_embedded`` or ``connect_websocket``."""

    default_code = ErrorCode.NOT_CONNECTED
    default_category = ErrorCategory.CONNECTION


class ConnectionFailedError(ConnectionError):
    """Connecting failed, or the connection broke."""

    default_code = ErrorCode.CONNECTION_FAILED
    default_category = ErrorCategory.CONNECTION


class ClientClosedError(ConnectionError):
    """The client was closed; requests still in flight end with this error."""


class ServerError(PlugwireError):
    """The Buttplug server refused or failed the request."""


class ServerUnknownError(ServerError):
    """The server reported an error of class Unknown."""

    default_code = ErrorCode.SERVER_UNKNOWN
    default_category = ErrorCategory.SERVER


class HandshakeError(ServerError):
    """The server reported a handshake error."""

    default_code = ErrorCode.SERVER_HANDSHAKE
    default_category = ErrorCategory.SERVER


class PingError(ServerError):
    """The server reported a ping error (watchdog)."""

    default_code = ErrorCode.SERVER_PING
    default_category = ErrorCategory.CONNECTION


class MessageError(ServerError):
    """The server refused the message (wrong for the device, out of range...)."""

    default_code = ErrorCode.SERVER_MESSAGE
    default_category = ErrorCategory.SERVER


class DeviceError(ServerError):
    """A device failed or refused the command, or scanning is impossible (for example
    no Bluetooth adapter and no other hardware manager)."""

    default_code = ErrorCode.SERVER_DEVICE
    default_category = ErrorCategory.DEVICE


class InternalError(PlugwireError):
    """A bug inside the library (it caught a panic); the request may not have run."""

    default_code = ErrorCode.INTERNAL
    default_category = ErrorCategory.SERVER


class NativeError(PlugwireError):
    """A C function of the library returned a non-OK status."""

    def __init__(self, message: str, status: Optional[Status] = None) -> None:
        super().__init__(message)
        self.status = status

    def __str__(self) -> str:
        if self.status is None:
            return self.message
        return f"{self.message} [PLUGWIRE_STATUS_{self.status.name}]"


class LibraryNotFoundError(NativeError, ImportError):
    """The plugwire shared library could not be found or loaded."""


class PlaybackError(PlugwireError):
    """A playback control to a playback that is over (ERROR_CODE_PLAYBACK_UNKNOWN), or
    an output already under another playback (ERROR_CODE_PLAYBACK_BUSY). An unusable
    script, pattern or mapping is an InvalidArgumentError (ERROR_CODE_PLAYBACK_INVALID).
    ERROR_CODE_PLAYBACK_UNAVAILABLE is no longer sent (playback works over a websocket)."""


_BY_CODE: dict[ErrorCode, type[PlugwireError]] = {
    ErrorCode.INVALID_REQUEST: InvalidRequestError,
    ErrorCode.NOT_CONNECTED: NotConnectedError,
    ErrorCode.ALREADY_CONNECTED: AlreadyConnectedError,
    ErrorCode.CONNECTION_FAILED: ConnectionFailedError,
    ErrorCode.INVALID_ARGUMENT: InvalidArgumentError,
    ErrorCode.UNKNOWN_DEVICE: UnknownDeviceError,
    ErrorCode.NO_SIMULATED_HARDWARE: NoSimulatedHardwareError,
    ErrorCode.UNSUPPORTED: UnsupportedError,
    ErrorCode.CONFIGURATION: ConfigurationError,
    ErrorCode.SERVER_UNKNOWN: ServerUnknownError,
    ErrorCode.SERVER_HANDSHAKE: HandshakeError,
    ErrorCode.SERVER_PING: PingError,
    ErrorCode.SERVER_MESSAGE: MessageError,
    ErrorCode.SERVER_DEVICE: DeviceError,
    ErrorCode.INTERNAL: InternalError,
    ErrorCode.PLAYBACK_INVALID: InvalidArgumentError,
    ErrorCode.PLAYBACK_UNKNOWN: PlaybackError,
    ErrorCode.PLAYBACK_BUSY: PlaybackError,
    ErrorCode.PLAYBACK_UNAVAILABLE: UnsupportedError,
}

_BY_CATEGORY: dict[ErrorCategory, type[PlugwireError]] = {
    ErrorCategory.REQUEST: InvalidRequestError,
    ErrorCategory.CONNECTION: ConnectionError,
    ErrorCategory.SERVER: ServerError,
    ErrorCategory.DEVICE: DeviceError,
}


def _enum_or(cls: type, value: int, default: enum.IntEnum):  # type: ignore[no-untyped-def]
    try:
        return cls(value)
    except ValueError:
        return default


def error_from_reply(code: int, category: int, message: str) -> PlugwireError:
    """The exception for an ``Error`` reply: by code, else by category (codes added to the
    ABI later still get a sensible class)."""
    code_e = _enum_or(ErrorCode, code, ErrorCode.UNSPECIFIED)
    category_e = _enum_or(ErrorCategory, category, ErrorCategory.UNSPECIFIED)
    cls = _BY_CODE.get(code_e) or _BY_CATEGORY.get(category_e) or PlugwireError
    return cls(message or code_e.name.lower().replace("_", " "), code=code_e, category=category_e)


def error_from_status(status: int, message: str) -> PlugwireError:
    """The exception for a non-OK ``PlugwireStatus``."""
    status_e = _enum_or(Status, status, None)  # type: ignore[arg-type]
    if status_e in (Status.CLIENT_CLOSED, Status.SHUT_DOWN):
        return ClientClosedError(message or "the client is closed")
    return NativeError(message or f"plugwire call failed with status {status}", status_e)


# Keep the built-in reachable for code that star-imports this module.
BuiltinConnectionError = builtins.ConnectionError

__all__ = [
    "AlreadyConnectedError",
    "ClientClosedError",
    "ConfigurationError",
    "ConnectionError",
    "ConnectionFailedError",
    "DeviceError",
    "ErrorCategory",
    "ErrorCode",
    "FeatureNotFoundError",
    "HandshakeError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidRequestError",
    "LibraryNotFoundError",
    "MessageError",
    "NativeError",
    "NoSimulatedHardwareError",
    "NotConnectedError",
    "PingError",
    "PlaybackError",
    "PlugwireError",
    "ServerError",
    "ServerUnknownError",
    "Status",
    "UnknownDeviceError",
    "UnsupportedError",
]
