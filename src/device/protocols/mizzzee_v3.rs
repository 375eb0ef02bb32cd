//! Mizz Zee v3 (XHTKJ): a 20-byte packet to `tx` with response carrying the step as a
//! 10-bit level lifted into the top 70 % of the range (the toy barely moves below); the
//! toy only runs while it hears from the host, so the last packet is repeated every 200 ms.

use std::time::Duration;

use super::handler_kit::unsupported;
use super::packet_shapes::{Fixed, PacketHandler, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Keepalive, OutputChange};

const NAME: &str = "mizzzee-v3";
const KEEPALIVE: Duration = Duration::from_millis(200);
const STEPS: i64 = 1000;
const FILL: [u8; 6] = [0x00, 0xFC, 0x00, 0xFE, 0x40, 0x01];

/// The 10-bit level of step `s` (1..=1000): floor((0.3 + 0.7 * s / 1000) * 1023), in exact
/// arithmetic.
fn level(s: i64) -> u16 {
    let level = (300 * STEPS + 700 * s) * 1023 / (1000 * STEPS);
    level.clamp(0, 1023) as u16
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Vibrate {
        return Err(unsupported(NAME, change));
    }
    if !(0..=STEPS as i32).contains(&change.value) {
        return Err(DeviceError::ValueOutOfRange {
            feature: change.feature,
            output: change.output,
            value: change.value,
            lo: 0,
            hi: STEPS as i32,
        });
    }
    let mut packet = vec![0x03, 0x12];
    if change.value == 0 {
        packet.resize(20, 0x00);
        return Ok(packet);
    }
    let word = ((level(i64::from(change.value)) << 6) | 0x3C).to_le_bytes();
    packet.push(0xF3);
    for _ in 0..2 {
        packet.extend(FILL);
        packet.extend(word);
    }
    packet.push(0x00);
    Ok(packet)
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(
            PacketHandler::packets(PacketPerOutput::tx(encode).with_response())
                .keepalive(Keepalive::RepeatLast(KEEPALIVE))
                .shared(),
        )
    }),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(level(1), 307);
        assert_eq!(level(50), 342);
        assert_eq!(level(500), 664);
        assert_eq!(level(1000), 1023);
    }
}
