//! Svakom Magic Suitcase / Coleur Dor VX236A: the 0..30 motor as band and speed.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::sweep::connect;

#[tokio::test]
async fn steps_become_band_and_speed() {
    let t = connect("VX357A-BLE-V1.0", "Svakom Magic Suitcase", &[]).await;
    // 0.05 of 30 is 2 (band 1, speed 2); 0.5 is 15 (band 2, speed 5); 1.0 is 30 (band 3,
    // speed 10).
    let mut expected = [(0, 0), (1, 2), (2, 5), (3, 10), (0, 0)]
        .map(|(band, speed)| w(Tx, &[0x55, 0x03, 0x00, 0x00, band, speed]))
        .to_vec();
    expected.push(w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x00, 0x00]));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
    t.steps(0, Vibrate, 10).await;
    t.steps(0, Vibrate, 11).await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0x55, 0x03, 0x00, 0x00, 0x01, 0x0A]),
            w(Tx, &[0x55, 0x03, 0x00, 0x00, 0x02, 0x01])
        ]
    );
}

#[tokio::test]
async fn second_motor_has_its_own_packet() {
    let t = connect("VX236A-BLE-V1.0", "Coleur Dor VX236A", &[]).await;
    let second = |s| w(Tx, &[0x55, 0x09, 0x00, 0x00, s, 0x00]);
    // 0..1: every non-zero value is step 1, sent once; the stop covers both motors.
    assert_eq!(
        sweep(&t, 1, Vibrate).await,
        vec![
            second(0),
            second(1),
            w(Tx, &[0x55, 0x03, 0x00, 0x00, 0x00, 0x00]),
            second(0)
        ]
    );
    assert_eq!(
        play(&t, &[(0, Vibrate, 0.5), (1, Vibrate, 1.0)]).await,
        vec![
            w(Tx, &[0x55, 0x03, 0x00, 0x00, 0x02, 0x05]),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x01, 0x00]),
            w(Tx, &[0x55, 0x03, 0x00, 0x00, 0x00, 0x00]),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x00, 0x00]),
        ]
    );
}
