//! Svakom v4: both motors in one 7-byte packet (larger level, motor select, on flag).

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::svakom_pair::{BOTH_SELECTED_SWEEP, Fields, MOTOR_0_ALONE_SWEEP};

/// The motor-pair packet: (motor select, on flag, level).
fn pair((select, on, level): Fields) -> Op {
    w(Tx, &[0x55, 0x03, select, 0x00, on, level, 0x00])
}

#[tokio::test]
async fn two_motors() {
    let t = toy("ERICA").await;
    assert_eq!(t.name(), "Svakom Erica");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(sweep(&t, 0, Vibrate).await, MOTOR_0_ALONE_SWEEP.map(pair));
    assert_eq!(
        play(
            &t,
            &[(0, Vibrate, 1.0), (1, Vibrate, 0.7), (0, Vibrate, 0.0)]
        )
        .await,
        [(1, 1, 0x0A), (0, 1, 0x0A), (2, 1, 0x07), (0, 0, 0x00)].map(pair)
    );
}

#[tokio::test]
async fn single_motor_selects_both() {
    let t = toy("VV468A").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(sweep(&t, 0, Vibrate).await, BOTH_SELECTED_SWEEP.map(pair));
}
