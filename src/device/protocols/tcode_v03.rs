//! T-Code v0.3 over a serial port: ASCII axis commands ending in a line feed. Values are
//! written as the digits of a decimal fraction of the axis range (`L0500` is half way).

use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::packet_shapes::{Fixed, Shape, duration_of, one_write, unsupported};

pub(super) const TCODE_V03: Fixed = Fixed::new("tcode-v03", Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let text = match c.output {
        // The feature index is the linear axis channel.
        OutputType::HwPositionWithDuration => {
            format!("L{}{:03}I{}\n", c.feature, c.value, duration_of(c)?)
        }
        // The main stroke and the twist axis move together.
        OutputType::Position => format!("L0{0:03}\nR0{0:03}\n", c.value),
        OutputType::Vibrate => format!("V{}{:02}\n", c.feature, c.value),
        _ => return Err(unsupported("tcode-v03", c)),
    };
    one_write(Endpoint::Tx, text.into_bytes(), false)
}
