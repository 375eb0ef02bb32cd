//! Pink Punch (Sunset Mushroom, Peachu, Dream Bunny, Peacaron): vibrate as `[0x09, s]`
//! to `tx`, written with response.

use super::packet_kit::{FixedPacketProtocol, PacketPerOutput, step_byte, unsupported};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Vibrate => Ok(vec![0x09, step_byte(change)?]),
        _ => Err(unsupported(change)),
    }
}

pub(super) const PROTOCOL: FixedPacketProtocol = FixedPacketProtocol {
    name: "pink_punch",
    handshake: &[],
    handler: PacketPerOutput::tx(encode).with_response(),
};
