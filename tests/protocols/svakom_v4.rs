//! Svakom v4: both motors in one 7-byte packet (larger level, motor select, on flag).

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::{play, sweep};

fn pair(select: u8, on: u8, level: u8) -> Op {
    w(Tx, &[0x55, 0x03, select, 0x00, on, level, 0x00])
}

#[tokio::test]
async fn two_motors() {
    let t = toy("ERICA").await;
    assert_eq!(t.name(), "Svakom Erica");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            pair(0, 0, 0x00),
            pair(1, 1, 0x01),
            pair(1, 1, 0x05),
            pair(1, 1, 0x0A),
            pair(0, 0, 0x00)
        ]
    );
    assert_eq!(
        play(
            &t,
            &[(0, Vibrate, 1.0), (1, Vibrate, 0.7), (0, Vibrate, 0.0)]
        )
        .await,
        vec![
            pair(1, 1, 0x0A),
            pair(0, 1, 0x0A),
            pair(2, 1, 0x07),
            pair(0, 0, 0x00)
        ]
    );
}

#[tokio::test]
async fn single_motor_selects_both() {
    let t = toy("VV468A").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            pair(0, 0, 0x00),
            pair(0, 1, 0x01),
            pair(0, 1, 0x05),
            pair(0, 1, 0x0A),
            pair(0, 0, 0x00)
        ]
    );
}
