//! Buttplug error codes and the error every layer reports to clients.

use std::fmt;

use crate::device::error::DeviceError;

/// `ErrorCode` of a Buttplug `Error` message.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ErrorCode {
    Unknown = 0,
    Handshake = 1,
    Ping = 2,
    Message = 3,
    Device = 4,
}

impl ErrorCode {
    pub fn from_u8(code: u8) -> ErrorCode {
        match code {
            1 => ErrorCode::Handshake,
            2 => ErrorCode::Ping,
            3 => ErrorCode::Message,
            4 => ErrorCode::Device,
            _ => ErrorCode::Unknown,
        }
    }
}

/// What kind of refusal an error is, where a front end must tell kinds apart that share a
/// code (the REST API answers a device error 502, but an output under playback 409). Not
/// sent on the wire: a Buttplug client sees the code and the message only.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Cause {
    #[default]
    Other,
    /// The output is driven by a playback ([`DeviceError::UnderPlayback`]).
    UnderPlayback,
}

/// An error as a Buttplug client sees it: a code and a readable message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ButtplugError {
    pub code: ErrorCode,
    pub message: String,
    pub cause: Cause,
}

impl fmt::Display for ButtplugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} error: {}", self.code, self.message)
    }
}

impl ButtplugError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ButtplugError {
            code,
            message: message.into(),
            cause: Cause::Other,
        }
    }

    pub fn handshake(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Handshake, message)
    }

    pub fn ping(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Ping, message)
    }

    pub fn message(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Message, message)
    }

    pub fn device(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Device, message)
    }

    pub fn unknown(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unknown, message)
    }

    pub fn no_device(index: u32) -> Self {
        Self::device(format!("no device at index {index}"))
    }
}

impl From<DeviceError> for ButtplugError {
    fn from(e: DeviceError) -> Self {
        let cause = match e {
            DeviceError::UnderPlayback { .. } => Cause::UnderPlayback,
            _ => Cause::Other,
        };
        ButtplugError {
            cause,
            ..ButtplugError::device(e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::feature::OutputType;

    #[test]
    fn a_device_error_keeps_whether_the_output_is_under_playback() {
        let under = ButtplugError::from(DeviceError::UnderPlayback {
            feature: 1,
            output: OutputType::Vibrate,
        });
        assert_eq!(under.code, ErrorCode::Device);
        assert_eq!(under.cause, Cause::UnderPlayback);
        assert!(under.message.contains("feature 1"), "{under}");
        let other = ButtplugError::from(DeviceError::Removed);
        assert_eq!((other.code, other.cause), (ErrorCode::Device, Cause::Other));
    }
}
