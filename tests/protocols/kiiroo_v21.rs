//! Kiiroo v2.1: vibration, the Titan's timed strokes, the Pearl 2.1 battery.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Tx, Whitelist};

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn vibrator_values() {
    let t = toy("Pearl3").await;
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            w(Tx, &[0x01, 0x00]),
            w(Tx, &[0x01, 0x05]),
            w(Tx, &[0x01, 0x32]),
            w(Tx, &[0x01, 0x64]),
            w(Tx, &[0x01, 0x00]),
        ]
    );
    let t = toy("Pulse Interactive").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    t.set(0, Vibrate, 0.05).await;
    assert_eq!(t.take(), vec![w(Tx, &[0x01, 0x03]), w(Tx, &[0x01, 0x01])]);
}

#[tokio::test]
async fn titan_strokes_take_a_launch_speed() {
    let t = toy("Titan1.1").await;
    assert_eq!(t.name(), "Kiiroo Titan 1.1");
    t.take();
    t.move_to(1.0, 500).await;
    t.move_to(0.0, 200).await;
    t.move_to(1.0, 1000).await;
    t.move_to(0.0, 100).await;
    t.move_to(1.0, 100).await;
    // Stop leaves the position alone and stops the vibrator.
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0x03, 0x00, 0x28, 0x63]),
            w(Tx, &[0x03, 0x00, 0x6A, 0x00]),
            w(Tx, &[0x03, 0x00, 0x13, 0x63]),
            w(Tx, &[0x03, 0x00, 0xDB, 0x00]),
            w(Tx, &[0x03, 0x00, 0xDB, 0x63]),
            w(Tx, &[0x01, 0x00]),
        ]
    );
    let t = toy("Titan1.1").await;
    t.take();
    t.move_to(50.5 / 99.0, 500).await;
    assert_eq!(t.take(), vec![w(Tx, &[0x03, 0x00, 0x13, 0x32])]);
}

#[tokio::test]
async fn pearl_battery_from_the_whitelist_read() {
    let t = toy_battery("Pearl2.1", 77).await;
    assert_eq!(t.name(), "Kiiroo Pearl 2.1");
    t.take();
    assert!((t.battery().await - 0.77).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(Whitelist)]);
}
