//! Sexverse v1: the all-motor packet with its XOR checksum, motor kinds, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn single_vibrator_values() {
    let t = toy("Rex").await;
    assert_eq!(t.name(), "Sexverse Rex");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            w(Tx, &[0x23, 0x07, 0x03, 0x81, 0x03, 0x00, 0xA5]),
            w(Tx, &[0x23, 0x07, 0x03, 0x81, 0x03, 0x0D, 0xA8]),
            w(Tx, &[0x23, 0x07, 0x03, 0x81, 0x03, 0x80, 0x25]),
            w(Tx, &[0x23, 0x07, 0x03, 0x81, 0x03, 0xFF, 0x5A]),
            w(Tx, &[0x23, 0x07, 0x03, 0x81, 0x03, 0x00, 0xA5]),
        ]
    );
}

#[tokio::test]
async fn vibrator_and_pump() {
    let t = toy("Cali").await;
    assert_eq!(t.name(), "Sexverse Cali");
    t.take();
    t.steps(0, Vibrate, 100).await;
    t.steps(1, Constrict, 50).await;
    assert_eq!(
        t.take()[1],
        w(
            Tx,
            &[0x23, 0x07, 0x06, 0x81, 0x03, 0x64, 0x82, 0x04, 0x32, 0x70]
        )
    );
}

#[tokio::test]
async fn two_vibrators_and_rotation() {
    let t = toy("Olis").await;
    assert_eq!(t.name(), "Sexverse Olis");
    t.take();
    t.steps(2, Rotate, 0x10).await;
    t.stop().await;
    // 0x23^0x07^0x09^0x81^0x03^0x82^0x03^0x83^0x06^0x10 = 0xBB
    assert_eq!(
        t.take(),
        vec![
            w(
                Tx,
                &[
                    0x23, 0x07, 0x09, 0x81, 0x03, 0x00, 0x82, 0x03, 0x00, 0x83, 0x06, 0x10, 0xBB
                ]
            ),
            w(
                Tx,
                &[
                    0x23, 0x07, 0x09, 0x81, 0x03, 0x00, 0x82, 0x03, 0x00, 0x83, 0x06, 0x00, 0xAB
                ]
            ),
        ]
    );
}

#[tokio::test]
async fn thrust_uses_the_pump_kind() {
    let t = toy("LY213A01").await;
    assert_eq!(t.name(), "Sexverse BuCUE");
    t.take();
    t.steps(0, Oscillate, 1).await;
    // 0x23^0x07^0x06^0x81^0x04^0x01^0x82^0x03^0x00 = 0x27
    assert_eq!(
        t.take(),
        vec![w(
            Tx,
            &[0x23, 0x07, 0x06, 0x81, 0x04, 0x01, 0x82, 0x03, 0x00, 0x27]
        )]
    );
}
