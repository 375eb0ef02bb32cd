//! Coleur Dor DT250A: `[0x55, function, 0x00, 0x00, s, on]` per change on `tx`, without
//! response. Function 0x03 is the vibrator of feature 0, 0x08 the other vibrator, 0x09
//! constriction; `on` is 0x01 for a running vibrator, else (and always for constriction)
//! 0x00.

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-dt250a";
const CONSTRICT: u8 = 0x09;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let function = match (change.output, change.feature) {
        (OutputType::Vibrate, 0) => 0x03,
        (OutputType::Vibrate, _) => 0x08,
        (OutputType::Constrict, _) => CONSTRICT,
        _ => return Err(unsupported(NAME, change)),
    };
    let s = step_byte(change)?;
    let on = u8::from(s != 0 && function != CONSTRICT);
    Ok(vec![0x55, function, 0x00, 0x00, s, on])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
