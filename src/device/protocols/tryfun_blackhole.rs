//! TryFun Black Hole Plus and Rock: `[n, 0x02, 0x00, 0x03, K, s, c]` on `tx` without
//! response, n a packet counter shared by all outputs, K = 0x0C oscillate / 0x09 vibrate.
//! The frame (counter, body, checksum) is shared with tryfun-meta2.

use std::sync::atomic::{AtomicU8, Ordering};

use super::handler_kit::{one_write, step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "tryfun-blackhole";

/// The frame of TryFun's counted protocols: the next counter value, the body, and a
/// checksum of 0xFF minus the body's bytes plus the frame's length before the checksum.
pub(super) fn counted_frame(counter: &AtomicU8, body: &[u8]) -> Vec<u8> {
    let mut frame = vec![counter.fetch_add(1, Ordering::Relaxed)];
    frame.extend_from_slice(body);
    let length = u8::try_from(frame.len()).unwrap_or(u8::MAX);
    let check = body
        .iter()
        .fold(0xFFu8, |sum, b| sum.wrapping_sub(*b))
        .wrapping_add(length);
    frame.push(check);
    frame
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        let counter = AtomicU8::new(0);
        Ok(PacketHandler::each(move |c| {
            let kind = match c.output {
                OutputType::Oscillate => 0x0C,
                OutputType::Vibrate => 0x09,
                _ => return Err(unsupported(NAME, c)),
            };
            let body = [0x02, 0x00, 0x03, kind, step_byte(c)?];
            one_write(Endpoint::Tx, counted_frame(&counter, &body), false)
        })
        .shared())
    }),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_count_and_check() {
        let counter = AtomicU8::new(0xFF);
        assert_eq!(
            counted_frame(&counter, &[0x02, 0x00, 0x03, 0x0C, 0x64]),
            [0xFF, 0x02, 0x00, 0x03, 0x0C, 0x64, 0x90]
        );
        assert_eq!(
            counted_frame(&counter, &[0x02, 0x00, 0x03, 0x09, 0x00]),
            [0x00, 0x02, 0x00, 0x03, 0x09, 0x00, 0xF7]
        );
    }
}
