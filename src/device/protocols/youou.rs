//! Youou wand: 17 bytes on `tx` without response,
//! `[0xAA, 0x55, n, 0x02, 0x03, 0x01, s, on, x, 0xFF, 0 x 7]`, n a packet counter and x
//! the XOR of the eight bytes before it. Every toy is identified as `VX001_`.

use std::sync::atomic::{AtomicU8, Ordering};

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::hardware::Endpoint;

const NAME: &str = "youou";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        let counter = AtomicU8::new(0);
        Ok(PacketHandler::each(move |c| {
            let s = vibrate_level(NAME, c)?;
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let mut packet = vec![0xAA, 0x55, n, 0x02, 0x03, 0x01, s, u8::from(s > 0)];
            let check = packet.iter().fold(0, |x, b| x ^ b);
            packet.extend([check, 0xFF]);
            packet.resize(17, 0x00);
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }),
)
.identified_by(|_| Some("VX001_".to_string()));
