//! MagicMotion V1: the fixed 12-byte packet, oscillation, battery.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::test_kit::*;

fn packet(level: u8) -> Op {
    w(
        Tx,
        &[
            0x0B, 0xFF, 0x04, 0x0A, 0x32, 0x32, 0x00, 0x04, 0x08, level, 0x64, 0x00,
        ],
    )
}

#[tokio::test]
async fn vibrator_values() {
    let t = toy("Smart Mini Vibe").await;
    assert_eq!(t.name(), "MagicMotion Smart Mini Vibe");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            packet(0x00),
            packet(0x05),
            packet(0x32),
            packet(0x64),
            packet(0x00)
        ]
    );
}

#[tokio::test]
async fn xone_oscillates_with_the_same_packet() {
    let t = toy("Xone").await;
    assert_eq!(t.name(), "MagicMotion Xone");
    t.take();
    t.set(0, Oscillate, 0.5).await;
    t.stop().await;
    assert_eq!(t.take(), vec![packet(0x32), packet(0x00)]);
}

#[tokio::test]
async fn battery_byte() {
    let t = toy_battery("Magic Wand", 42).await;
    t.take();
    assert!((t.battery().await - 0.42).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
