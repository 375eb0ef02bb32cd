//! The Cowgirl Cone: `[0xAA, 0x56, 0x00, 0x00]` on connect, then 3 s before the toy listens;
//! vibrate is `[0xF1, 0x01, step, 0x00]`; all on `tx` without response.

use std::time::Duration;

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;
use crate::hardware::Endpoint;

const NAME: &str = "cowgirl-cone";
const WAKE: [u8; 4] = [0xAA, 0x56, 0x00, 0x00];

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let step = vibrate_level(NAME, change)?;
    Ok(vec![0xF1, 0x01, step, 0x00])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)))
    .handshake(&[(Endpoint::Tx, &WAKE, false)])
    .settle(Duration::from_secs(3));
