//! Amorelie Joy (Shimmer, Move, Grow, ...): `[0x03]` to `tx` on connect, then vibrate as
//! `[0x01, 0x01, s]` (header, steady pattern, step 0..100), all without response.

use super::packet_kit::{FixedPacketProtocol, PacketPerOutput, step_byte, unsupported};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;
use crate::hardware::Endpoint;

const STEADY_PATTERN: u8 = 0x01;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Vibrate => Ok(vec![0x01, STEADY_PATTERN, step_byte(change)?]),
        _ => Err(unsupported(change)),
    }
}

pub(super) const PROTOCOL: FixedPacketProtocol = FixedPacketProtocol {
    name: "amorelie-joy",
    handshake: &[(Endpoint::Tx, &[0x03], false)],
    handler: PacketPerOutput::tx(encode),
};
