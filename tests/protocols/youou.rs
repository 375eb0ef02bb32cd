//! Youou: counted 17-byte packets with an XOR check byte.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

fn packet(n: u8, s: u8, on: u8, x: u8) -> Op {
    let mut p = vec![0xAA, 0x55, n, 0x02, 0x03, 0x01, s, on, x, 0xFF];
    p.resize(17, 0x00);
    w(Tx, &p)
}

#[tokio::test]
async fn counted_packets() {
    let t = connect("VX001_AB12", "Youou Wand Vibrator", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            packet(0, 0x00, 0, 0xFF),
            packet(1, 0x0D, 1, 0xF2),
            packet(2, 0x80, 1, 0x7C),
            packet(3, 0xFF, 1, 0x02),
            packet(4, 0x00, 0, 0xFB),
        ]
    );
}
