//! The Buttplug protocol: the internal message model, error codes, and the JSON of every
//! spec version (v0-v4) with conversion to and from the internal model.

mod device_messages;
pub mod error;
mod fields;
pub mod frame;
mod legacy;
pub mod message;
#[doc(hidden)]
pub mod typed;
pub mod v4;

use std::fmt;

pub use error::{ButtplugError, ErrorCode};
pub use frame::{JsonCodec, ReplyPlan};
pub use message::{DeviceInfo, OutputCommand, Request, Response, ServerEvent};

/// A Buttplug message spec version.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecVersion {
    V0 = 0,
    V1 = 1,
    V2 = 2,
    V3 = 3,
    V4 = 4,
}

impl SpecVersion {
    pub const LATEST: SpecVersion = SpecVersion::V4;

    pub fn from_number(n: u64) -> Option<SpecVersion> {
        Some(match n {
            0 => SpecVersion::V0,
            1 => SpecVersion::V1,
            2 => SpecVersion::V2,
            3 => SpecVersion::V3,
            4 => SpecVersion::V4,
            _ => return None,
        })
    }

    pub fn number(self) -> u32 {
        self as u32
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.number())
    }
}
