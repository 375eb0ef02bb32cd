//! Galaku: obfuscated single and dual motor packets, the pump's plain packet, battery.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::test_kit::*;

const OFF_SINGLE: [u8; 12] = [
    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0xEC, 0x3B, 0x23, 0xBB, 0xA3, 0x3B, 0x90,
];
const DUAL_0_0: [u8; 12] = [
    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0x7B, 0x44, 0x33, 0xBB, 0xA3, 0x3B, 0xF2,
];
const DUAL_50_0: [u8; 12] = [
    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0x7B, 0x44, 0x61, 0x3B, 0xA3, 0x3B, 0xE4,
];
const DUAL_0_50: [u8; 12] = [
    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0x7B, 0x44, 0x33, 0xED, 0x43, 0x3B, 0xE4,
];
const DUAL_50_100: [u8; 12] = [
    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0x7B, 0x44, 0x61, 0x97, 0xA3, 0x3B, 0x88,
];
const DUAL_100_100: [u8; 12] = [
    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0x7B, 0x44, 0x97, 0x97, 0xA3, 0x3B, 0xAA,
];

#[tokio::test]
async fn single_vibrator_values() {
    let t = toy("GX85").await;
    assert_eq!(t.name(), "Galaku Shana");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            w(Tx, &OFF_SINGLE),
            w(
                Tx,
                &[
                    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0xEC, 0x38, 0x33, 0xBB, 0xA3, 0x3B, 0xA7
                ]
            ),
            w(
                Tx,
                &[
                    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0xEC, 0x29, 0xC3, 0xBB, 0xA3, 0x3B, 0xD2
                ]
            ),
            w(
                Tx,
                &[
                    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0xEC, 0x57, 0x23, 0xBB, 0xA3, 0x3B, 0x44
                ]
            ),
            w(Tx, &OFF_SINGLE),
        ]
    );
}

#[tokio::test]
async fn two_motors_share_every_packet() {
    let t = toy("G302").await;
    assert_eq!(t.name(), "Galaku Little Devil");
    t.take();
    t.set(0, Vibrate, 0.0).await;
    t.set(0, Vibrate, 0.5).await;
    t.set(1, Vibrate, 1.0).await;
    t.set(0, Vibrate, 1.0).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &DUAL_0_0),
            w(Tx, &DUAL_50_0),
            w(Tx, &DUAL_50_100),
            w(Tx, &DUAL_100_100),
            w(Tx, &DUAL_0_0)
        ]
    );
    let t = toy("G302").await;
    t.take();
    t.set(1, Vibrate, 0.5).await;
    assert_eq!(t.take(), vec![w(Tx, &DUAL_0_50)]);
}

#[tokio::test]
async fn oscillator_constrictor_and_rotator_use_the_slots() {
    let t = toy("G317").await;
    t.take();
    t.set(0, Oscillate, 0.5).await;
    t.set(1, Vibrate, 1.0).await;
    assert_eq!(t.take(), vec![w(Tx, &DUAL_50_0), w(Tx, &DUAL_50_100)]);
    let t = toy("TFG1").await;
    t.take();
    t.set(1, Constrict, 0.5).await;
    assert_eq!(t.take(), vec![w(Tx, &DUAL_0_50)]);
    let t = toy("G339").await;
    t.take();
    t.set(1, Rotate, 0.5).await;
    assert_eq!(t.take(), vec![w(Tx, &DUAL_0_50)]);
}

#[tokio::test]
async fn pump_mode_is_not_obfuscated() {
    let t = toy("AC695X_1(BLE)").await;
    assert_eq!(t.name(), "Galaku Vision");
    t.take();
    t.set(0, Vibrate, 0.5).await;
    t.set(0, Vibrate, 0.0).await;
    let mut on = vec![0xAA, 0x01, 0x0A, 0x03, 0x32, 0x01];
    on.resize(16, 0);
    let mut off = vec![0xAA, 0x01, 0x0A, 0x03, 0x00, 0x00];
    off.resize(16, 0);
    assert_eq!(t.take(), vec![w(Tx, &on), w(Tx, &off)]);
}

#[tokio::test]
async fn battery_is_asked_for_and_notified() {
    let t = toy_battery("GX07", 64).await;
    t.take();
    assert!((t.battery().await - 0.64).abs() < 1e-9);
    assert_eq!(
        t.take(),
        vec![
            Op::Subscribe(RxBleBattery),
            wr(
                Tx,
                &[
                    0x23, 0x81, 0xBB, 0xAB, 0xD2, 0xCE, 0xD3, 0x23, 0xBB, 0xA3, 0x3B, 0xC2
                ]
            ),
        ]
    );
}
