//! ServeU: timed moves as `[0x01, position, speed]` on `tx`, without response. The toy
//! takes a speed, not a duration: the speed byte comes from the distance to travel from
//! the last commanded position (0 at first) per second of the move, in units of 1/100 of
//! the stroke.

use std::sync::Mutex;

use super::handler_kit::{duration_of, one_write, step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "serveu";
/// The byte for anything faster than 2000 units per second, or a move with no time.
const FASTEST: u8 = 0xFA;

/// The speed byte for `distance` units in `duration_ms`: the rate (units per second,
/// rounded up) in three linear pieces: up to 50/s in steps of 2, up to 750/s in steps of 4
/// from 25, up to 2000/s in steps of 25 from 200; 0 for no movement.
fn speed_byte(distance: u32, duration_ms: u32) -> u8 {
    if duration_ms == 0 {
        return FASTEST;
    }
    let rate = (f64::from(distance) * 1000.0 / f64::from(duration_ms)).ceil();
    let piece = |from: f64, step: f64, base: u8| ((rate - from) / step).ceil() as u8 + base;
    match rate {
        r if r <= 0.0 => 0,
        r if r <= 50.0 => piece(0.0, 2.0, 0),
        r if r <= 750.0 => piece(50.0, 4.0, 25),
        r if r <= 2000.0 => piece(750.0, 25.0, 200),
        _ => FASTEST,
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        let last = Mutex::new(0u8);
        Ok(PacketHandler::each(move |change| {
            if change.output != OutputType::HwPositionWithDuration {
                return Err(unsupported(NAME, change));
            }
            let position = step_byte(change)?;
            let duration = duration_of(change)?;
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            let speed = speed_byte(u32::from(position.abs_diff(*last)), duration);
            *last = position;
            one_write(Endpoint::Tx, [0x01, position, speed], false)
        })
        .shared())
    }),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_pieces() {
        assert_eq!(speed_byte(0, 500), 0);
        assert_eq!(speed_byte(50, 1000), 25);
        assert_eq!(speed_byte(51, 1000), 26);
        assert_eq!(speed_byte(50, 500), 38);
        assert_eq!(speed_byte(75, 100), 200);
        assert_eq!(speed_byte(100, 50), 250);
        assert_eq!(speed_byte(100, 49), FASTEST);
        assert_eq!(speed_byte(0, 0), FASTEST);
    }
}
