//! Buttplug error codes and the error every layer reports to clients.

use std::fmt;

use crate::device::error::DeviceError;
use crate::hardware::HardwareError;

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
    /// The device is gone: no device at that index, or its removal is under way (the
    /// command met the disconnected hardware or the ended device task).
    DeviceGone,
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
        ButtplugError {
            cause: Cause::DeviceGone,
            ..Self::device(format!("no device at index {index}"))
        }
    }

    /// The device this error is about is gone. A cause travels in-process only; an error
    /// that came over the wire is recognised by the exact messages plugwire's server
    /// gives for the device-gone cases.
    pub fn says_device_gone(&self, index: u32) -> bool {
        if self.cause == Cause::DeviceGone {
            return true;
        }
        let gone = [
            ButtplugError::no_device(index),
            DeviceError::Removed.into(),
            DeviceError::Hardware(HardwareError::Disconnected).into(),
        ];
        self.code == ErrorCode::Device && gone.iter().any(|g| g.message == self.message)
    }
}

impl From<DeviceError> for ButtplugError {
    fn from(e: DeviceError) -> Self {
        let cause = match e {
            DeviceError::UnderPlayback { .. } => Cause::UnderPlayback,
            DeviceError::Removed | DeviceError::Hardware(HardwareError::Disconnected) => {
                Cause::DeviceGone
            }
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
        let other = ButtplugError::from(DeviceError::Busy(3));
        assert_eq!((other.code, other.cause), (ErrorCode::Device, Cause::Other));
    }

    #[test]
    fn a_gone_device_is_recognised_in_process_and_from_the_wire() {
        for gone in [
            ButtplugError::no_device(7),
            DeviceError::Removed.into(),
            DeviceError::Hardware(HardwareError::Disconnected).into(),
        ] {
            assert_eq!(gone.cause, Cause::DeviceGone, "{gone}");
            assert!(gone.says_device_gone(7), "{gone}");
            // Over the wire only the code and the message arrive.
            let wired = ButtplugError::new(gone.code, gone.message.clone());
            assert!(wired.says_device_gone(7), "{gone}");
        }
        let wired = ButtplugError::new(ErrorCode::Device, "no device at index 8");
        assert!(!wired.says_device_gone(7));
        assert!(!ButtplugError::from(DeviceError::Busy(1)).says_device_gone(7));
        let timeout = ButtplugError::from(DeviceError::Hardware(HardwareError::Timeout));
        assert!(!timeout.says_device_gone(7), "{timeout}");
    }
}
