//! Svakom Fatima Pro ("SL278B"): one packet per change on `tx`, without response.
//! - vibrate (function 0x03) and constrict / suction (0x09): `[0x55, f, 0x00, 0x00, 0x01, s]`
//!   (steady mode 1 at intensity s), off as `[0x55, f, 0, 0, 0, 0]`
//! - oscillate / thrust (0x08, the firmware's patterns 1..7): `[0x55, 0x08, 0x00, 0x00, s,
//!   0xFF]`, off as `[0x55, 0x08, 0, 0, 0, 0]`
//! - temperature / heat (0x05), on or off: `[0x55, 0x05, 0x01, 0x37, 0x02, 0x00, 0x00]` /
//!   `[0x55, 0x05, 0x00, 0x00, 0x02, 0x00, 0x00]`

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-fatima";
const STEADY: u8 = 0x01;

fn steady(function: u8, s: u8) -> Vec<u8> {
    match s {
        0 => vec![0x55, function, 0x00, 0x00, 0x00, 0x00],
        s => vec![0x55, function, 0x00, 0x00, STEADY, s],
    }
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    Ok(match change.output {
        OutputType::Vibrate => steady(0x03, s),
        OutputType::Constrict => steady(0x09, s),
        OutputType::Oscillate => match s {
            0 => vec![0x55, 0x08, 0x00, 0x00, 0x00, 0x00],
            pattern => vec![0x55, 0x08, 0x00, 0x00, pattern, 0xFF],
        },
        OutputType::Temperature => match s {
            0 => vec![0x55, 0x05, 0x00, 0x00, 0x02, 0x00, 0x00],
            _ => vec![0x55, 0x05, 0x01, 0x37, 0x02, 0x00, 0x00],
        },
        _ => return Err(unsupported(NAME, change)),
    })
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
