//! Svakom Magic Suitcase and Coleur Dor VX236A: 6-byte packets on `tx` without response.
//! - feature 0 (0..30): `[0x55, 0x03, 0x00, 0x00, band, speed]`, the step split into an
//!   intensity band 1..3 and a speed 1..10 within it (0 is `0, 0`)
//! - feature 1: `[0x55, 0x09, 0x00, 0x00, s, 0x00]`

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-suitcase";

/// Step 1..10 is band 1, 11..20 band 2, 21..30 band 3; the speed is the step within its
/// band (1..10).
fn band_and_speed(step: u8) -> (u8, u8) {
    if step == 0 {
        return (0, 0);
    }
    let band = (step - 1) / 10 + 1;
    (band, step - (band - 1) * 10)
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    match (change.output, change.feature) {
        (OutputType::Vibrate, 0) => {
            let (band, speed) = band_and_speed(s);
            Ok(vec![0x55, 0x03, 0x00, 0x00, band, speed])
        }
        (OutputType::Vibrate, _) => Ok(vec![0x55, 0x09, 0x00, 0x00, s, 0x00]),
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));

#[cfg(test)]
mod tests {
    use super::band_and_speed;

    #[test]
    fn bands() {
        assert_eq!(band_and_speed(0), (0, 0));
        assert_eq!(band_and_speed(1), (1, 1));
        assert_eq!(band_and_speed(10), (1, 10));
        assert_eq!(band_and_speed(11), (2, 1));
        assert_eq!(band_and_speed(20), (2, 10));
        assert_eq!(band_and_speed(30), (3, 10));
    }
}
