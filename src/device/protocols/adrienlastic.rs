//! Adrien Lastic (Palpitation, Revelation): ASCII `MotorValue:NN;` on `tx` with response,
//! NN the step 0..16 as two decimal digits.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "adrienlastic";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let step = vibrate_level(NAME, change)?;
    Ok(format!("MotorValue:{step:02};").into_bytes())
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
