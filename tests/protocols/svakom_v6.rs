//! Svakom v6: both main motors in one 7-byte packet; Iker Neo's third motor on its own.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::svakom_pair::{BOTH_SELECTED_SWEEP, Fields};

/// The motor-pair packet: (motor select, on flag, level).
fn pair((select, on, level): Fields) -> Op {
    w(Tx, &[0x55, 0x03, select, 0x00, on, level, 0x00])
}

#[tokio::test]
async fn single_motor_selects_both() {
    let t = toy("CocoPro").await;
    assert_eq!(t.name(), "Svakom Coco Pro");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(sweep(&t, 0, Vibrate).await, BOTH_SELECTED_SWEEP.map(pair));
}

#[tokio::test]
async fn vick_neo_two_motors() {
    let t = toy("Vick Neo 2").await;
    assert_eq!(
        play(
            &t,
            &[(0, Vibrate, 0.5), (1, Vibrate, 0.8), (0, Vibrate, 0.0)]
        )
        .await,
        [(1, 1, 0x05), (0, 1, 0x08), (2, 1, 0x08), (0, 0, 0x00)].map(pair)
    );
}

#[tokio::test]
async fn iker_neo_third_motor() {
    let t = toy("Iker Neo").await;
    assert_eq!(
        t.outputs(),
        vec![vec![Vibrate], vec![Vibrate], vec![Vibrate]]
    );
    assert_eq!(
        sweep(&t, 2, Vibrate).await,
        vec![
            w(Tx, &[0x55, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00]),
            w(Tx, &[0x55, 0x07, 0x00, 0x00, 0x01, 0x01, 0x00]),
            w(Tx, &[0x55, 0x07, 0x00, 0x00, 0x01, 0x03, 0x00]),
            w(Tx, &[0x55, 0x07, 0x00, 0x00, 0x01, 0x05, 0x00]),
            pair((0, 0, 0x00)),
            w(Tx, &[0x55, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00]),
        ]
    );
}
