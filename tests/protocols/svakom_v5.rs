//! Svakom v5: both motors in one 6-byte packet; oscillation in a packet of its own.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::svakom_pair::{Fields, MOTOR_0_ALONE_SWEEP};

/// The motor-pair packet: (motor select, on flag, level).
fn pair((select, on, level): Fields) -> Op {
    w(Tx, &[0x55, 0x03, select, 0x00, on, level])
}

#[tokio::test]
async fn two_motors() {
    let t = toy("Chika").await;
    assert_eq!(t.name(), "Svakom Chika");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(sweep(&t, 0, Vibrate).await, MOTOR_0_ALONE_SWEEP.map(pair));
    assert_eq!(
        play(
            &t,
            &[
                (0, Vibrate, 1.0),
                (1, Vibrate, 0.3),
                (0, Vibrate, 0.0),
                (0, Vibrate, 0.4),
                (1, Vibrate, 0.4)
            ]
        )
        .await,
        [
            (1, 1, 0x0A),
            (0, 1, 0x0A),
            (2, 1, 0x03),
            (0, 1, 0x04),
            (0, 1, 0x04),
            (0, 0, 0x00)
        ]
        .map(pair)
    );
}

#[tokio::test]
async fn single_motor_still_selects_motor_0() {
    let t = toy("Mini Emma Neo").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(t.take(), [(1, 1, 0x05)].map(pair));
}

#[tokio::test]
async fn mora_neo_oscillation() {
    let t = toy("Mora Neo").await;
    assert_eq!(
        t.outputs(),
        vec![vec![Vibrate], vec![Vibrate], vec![Oscillate]]
    );
    assert_eq!(
        sweep(&t, 2, Oscillate).await,
        vec![
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x00, 0x00]),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x01, 0x00]),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x02, 0x00]),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x03, 0x00]),
            // The stop also zeroes the never-used motors, in one pair packet.
            pair((0, 0, 0x00)),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x00, 0x00]),
        ]
    );
}
