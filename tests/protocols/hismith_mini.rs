//! Hismith mini: identification by model bytes, channels per output, rotation direction,
//! spray.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleModel, Tx};

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn identification_and_oscillation_values() {
    let t = toy_model("HISMITH S1", "1005").await;
    assert_eq!(t.name(), "Hismith Sex Machine");
    assert_eq!(t.take(), vec![Op::Read(RxBleModel)]);
    assert_eq!(
        sweep_then_stop(&t, 0, Oscillate).await,
        vec![
            w(Tx, &[0xCC, 0x03, 0x00, 0x03]),
            w(Tx, &[0xCC, 0x03, 0x05, 0x08]),
            w(Tx, &[0xCC, 0x03, 0x32, 0x35]),
            w(Tx, &[0xCC, 0x03, 0x64, 0x67]),
            w(Tx, &[0xCC, 0x03, 0x00, 0x03]),
        ]
    );
}

#[tokio::test]
async fn two_vibrators_use_two_channels() {
    let t = toy_model("Eropair Rabbit", "3101").await;
    assert_eq!(t.name(), "Eropair Rabbit Vibrator");
    t.take();
    t.set(0, Vibrate, 0.3).await;
    t.set(1, Vibrate, 0.7).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xCC, 0x03, 0x1E, 0x21]),
            w(Tx, &[0xCC, 0x05, 0x46, 0x4B]),
            w(Tx, &[0xCC, 0x03, 0x00, 0x03]),
            w(Tx, &[0xCC, 0x05, 0x00, 0x05]),
        ]
    );
}

#[tokio::test]
async fn single_vibrator_and_pumps() {
    let t = toy_model("Sinloli-Ethel", "2202").await;
    t.take();
    t.set(1, Vibrate, 0.5).await;
    t.set(0, Oscillate, 0.05).await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xCC, 0x05, 0x32, 0x37]),
            w(Tx, &[0xCC, 0x03, 0x05, 0x08])
        ]
    );
    // Pump first: channel 3; pump second: channel 5.
    let t = toy_model("Sinloli", "2201").await;
    t.take();
    t.set(0, Constrict, 1.0).await;
    t.set(1, Vibrate, 1.0).await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xCC, 0x03, 0x64, 0x67]),
            w(Tx, &[0xCC, 0x05, 0x64, 0x69])
        ]
    );
    let t = toy_model("Sinloli Cosima", "2204").await;
    t.take();
    t.set(1, Constrict, 0.5).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xCC, 0x05, 0x32, 0x37]),
            w(Tx, &[0xCC, 0x03, 0x00, 0x03]),
            w(Tx, &[0xCC, 0x05, 0x00, 0x05])
        ]
    );
}

#[tokio::test]
async fn rotation_sends_its_direction_every_time() {
    let t = toy_model("Sinloli Aston", "2205").await;
    assert_eq!(t.name(), "Sinloli Aston");
    t.take();
    t.set(0, Rotate, -0.5).await;
    t.set(0, Rotate, 1.0).await;
    t.set(0, Rotate, 0.05).await;
    t.stop().await;
    let cw = w(Tx, &[0xCC, 0x01, 0xC0, 0xC1]);
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xCC, 0x03, 0x32, 0x35]),
            w(Tx, &[0xCC, 0x01, 0xC1, 0xC2]),
            w(Tx, &[0xCC, 0x03, 0x64, 0x67]),
            cw.clone(),
            w(Tx, &[0xCC, 0x03, 0x05, 0x08]),
            cw.clone(),
            w(Tx, &[0xCC, 0x03, 0x00, 0x03]),
            cw,
        ]
    );
}

#[tokio::test]
async fn spray_fires_but_not_on_stop() {
    let t = toy_model("Hismith Piupiu", "4002").await;
    assert_eq!(t.name(), "Sinloli Piupiu");
    t.take();
    t.set(0, Spray, 1.0).await;
    t.stop().await;
    assert_eq!(t.take(), vec![w(Tx, &[0xCC, 0x0B, 0x01, 0x0C])]);
}
