//! Fredorch: Modbus frames with CRC-16/MODBUS; a five-frame handshake each acknowledged on
//! rx; timed moves program speed (from the travel-time table) and position x 10.

use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::harness::*;
use crate::sweep::*;

/// A move frame: speed at bytes 8 and 10, position x 10 at 12 and 14, then the CRC.
fn move_frame(speed: u8, position: u8, crc: [u8; 2]) -> Op {
    w(
        Tx,
        &[
            0x01, 0x10, 0x00, 0x6B, 0x00, 0x05, 0x0A, 0x00, speed, 0x00, speed, 0x00, position,
            0x00, position, 0x00, 0x01, crc[0], crc[1],
        ],
    )
}

#[tokio::test]
async fn handshake_then_timed_moves() {
    let handshake = [
        Op::Subscribe(Rx),
        w(Tx, &[0x01, 0x06, 0x00, 0x64, 0x00, 0x01, 0x09, 0xD5]),
        w(Tx, &[0x01, 0x06, 0x00, 0x69, 0x00, 0x00, 0x59, 0xD6]),
        move_frame(0x05, 0x00, [0xC0, 0xC3]),
        w(Tx, &[0x01, 0x06, 0x00, 0x69, 0x00, 0x01, 0x98, 0x16]),
        w(Tx, &[0x01, 0x06, 0x00, 0x6A, 0x00, 0x01, 0x68, 0x16]),
    ];
    let t = connect("YXlinksSPP", "Fredorch Device", &handshake).await;
    // 15 positions in 500 ms: the slowest speed faster than 500 ms is 11 (428 ms).
    t.move_to(1.0, 500).await;
    // 15 back in 5 s: speed 3 (4442 ms).
    t.move_to(0.0, 5000).await;
    // 7 in 300 ms: speed 11 (230 ms).
    t.move_to(0.5, 300).await;
    // No travel: speed 0.
    t.move_to(0.5, 400).await;
    // 4 in 20 ms: nothing is that fast, the top speed 20.
    t.move_to(0.2, 20).await;
    // Stop holds the position.
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            move_frame(0x0B, 0x96, [0xCB, 0x52]),
            move_frame(0x03, 0x00, [0x8D, 0x63]),
            move_frame(0x0B, 0x46, [0x0B, 0x79]),
            move_frame(0x00, 0x46, [0xC2, 0x89]),
            move_frame(0x14, 0x1E, [0xC9, 0x96]),
        ]
    );
}
