//! Libo Elle: the first output's level goes alone to `txmode`; a second output (only a user
//! definition has one) packs its level and a mode into one byte on `tx`.

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

const NAME: &str = "libo-elle";

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = vibrate_level(NAME, c)?;
    if c.feature != 1 {
        return one_write(Endpoint::TxMode, [level], false);
    }
    // 1..7 in mode 1, 8..15 in mode 4, the level (less the mode's first) in the high nibble.
    let byte = match level {
        0 => 0x00,
        1..=7 => ((level - 1) << 4) | 0x01,
        8..=15 => ((level - 8) << 4) | 0x04,
        _ => {
            return Err(DeviceError::ValueOutOfRange {
                feature: c.feature,
                output: c.output,
                value: c.value,
                lo: 0,
                hi: 15,
            });
        }
    };
    one_write(Endpoint::Tx, [byte], false)
}
