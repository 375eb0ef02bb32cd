//! Lovense: identification, each command family, battery, stop.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;

#[tokio::test]
async fn identification_picks_the_model() {
    let t = toy("LVS-Hush").await;
    assert_eq!(t.name(), "Lovense Hush");
    assert_eq!(t.take(), vec![Op::Subscribe(Rx), text(Tx, "DeviceType;")]);
    // A toy whose name says nothing still identifies by its answer.
    let t = toy_with(SimulatedDeviceSpec {
        name: "LVS-A011".into(),
        model: Some("C".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Lovense Nora");
    let flexer = toy_with(SimulatedDeviceSpec {
        name: "LVS-Flexer".into(),
        model: Some("EI-FW3".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        flexer.outputs(),
        vec![vec![Vibrate], vec![Vibrate], vec![Rotate], vec![]]
    );
}

#[tokio::test]
async fn single_vibrator_values() {
    let t = toy("LVS-Lush").await;
    t.take();
    for v in [0.05, 0.5, 1.0, 0.0] {
        t.set(0, Vibrate, v).await;
    }
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "Vibrate:1;"),
            text(Tx, "Vibrate:10;"),
            text(Tx, "Vibrate:20;"),
            text(Tx, "Vibrate:0;")
        ]
    );
}

#[tokio::test]
async fn dual_vibrators_address_each_motor() {
    let t = toy("LVS-Edge").await;
    t.take();
    t.set(0, Vibrate, 0.25).await;
    t.set(1, Vibrate, 0.75).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "Vibrate1:5;"),
            text(Tx, "Vibrate2:15;"),
            text(Tx, "Vibrate1:0;"),
            text(Tx, "Vibrate2:0;")
        ]
    );
}

#[tokio::test]
async fn nora_rotation_toggles_direction_only_when_it_changes() {
    let t = toy("LVS-Nora").await;
    t.take();
    t.set(1, Rotate, -0.5).await;
    t.set(1, Rotate, -0.25).await;
    t.set(1, Rotate, 0.25).await;
    t.set(1, Rotate, 0.0).await;
    t.set(1, Rotate, 1.0).await;
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "RotateChange;"),
            text(Tx, "Rotate:10;"),
            text(Tx, "Rotate:5;"),
            text(Tx, "RotateChange;"),
            text(Tx, "Rotate:5;"),
            text(Tx, "Rotate:0;"),
            text(Tx, "Rotate:20;"),
        ]
    );
}

/// A stop returns the toy to its power-on direction (while stopped), so the next turn the
/// other way toggles again, as the reference sends: `rotate(-1)`, `stop()`, `rotate(-0.5)`.
#[tokio::test]
async fn nora_direction_across_a_stop() {
    let t = toy("LVS-Nora").await;
    t.take();
    t.set(1, Rotate, -1.0).await;
    t.stop().await;
    t.set(1, Rotate, -0.5).await;
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "RotateChange;"),
            text(Tx, "Rotate:20;"),
            text(Tx, "Vibrate:0;"),
            text(Tx, "Rotate:0;"),
            text(Tx, "RotateChange;"),
            text(Tx, "RotateChange;"),
            text(Tx, "Rotate:10;"),
        ]
    );
}

#[tokio::test]
async fn max_air_pump() {
    let t = toy("LVS-Max").await;
    t.take();
    t.set(1, Constrict, 0.5).await;
    t.set(0, Vibrate, 0.05).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "Air:Level:2;"),
            text(Tx, "Vibrate:1;"),
            text(Tx, "Vibrate:0;"),
            text(Tx, "Air:Level:0;")
        ]
    );
}

#[tokio::test]
async fn lapis_packs_every_motor_into_mply() {
    let t = toy("LVS-Lapis").await;
    t.take();
    t.set(1, Vibrate, 0.5).await;
    t.set(2, Vibrate, 1.0).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "Mply:0:10:0;"),
            text(Tx, "Mply:0:10:20;"),
            text(Tx, "Mply:0:0:0;")
        ]
    );
}

#[tokio::test]
async fn solace_oscillation_and_positions() {
    let t = toy("LVS-Solace").await;
    t.take();
    t.set(0, Oscillate, 0.5).await;
    t.set(0, Oscillate, 0.0).await;
    assert_eq!(
        t.take(),
        vec![text(Tx, "Mply:10:20;"), text(Tx, "Mply:0:0;")]
    );
    let pro = toy("LVS-Solace Pro").await;
    pro.take();
    pro.set(0, Oscillate, 0.0).await;
    assert_eq!(pro.take(), vec![text(Tx, "Mply:0:20;")]);
    pro.move_to(0.5, 500).await;
    let ops = pro.wait_ops(5).await;
    assert_eq!(
        ops,
        [
            "FSetSite:10;",
            "FSetSite:20;",
            "FSetSite:30;",
            "FSetSite:40;",
            "FSetSite:50;"
        ]
        .map(|s| text(Tx, s))
        .to_vec()
    );
}

#[tokio::test]
async fn battery_is_read_from_the_answer() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "LVS-Domi".into(),
        battery_level: Some(64),
        ..Default::default()
    })
    .await;
    t.take();
    assert!((t.battery().await - 0.64).abs() < 1e-9);
    assert_eq!(t.take(), vec![text(Tx, "Battery;")]);
}

/// A stop never waits behind queued protocol queries: 100 battery reads are queued on a
/// 75 ms-gap Lush, then a stop. The stop jumps the reads (`Vibrate:0;` is written before
/// them) and is answered within a few gaps, not after 100 of them.
#[tokio::test]
async fn a_stop_jumps_queued_battery_reads() {
    let t = toy_configured(
        SimulatedDeviceSpec {
            name: "LVS-Lush".into(),
            ..Default::default()
        },
        |b| b.default_message_gap_ms(75),
    )
    .await;
    t.set(0, Vibrate, 0.5).await;
    t.take();
    let reads: Vec<_> = (0..100)
        .map(|_| {
            let device = t.device.clone();
            tokio::spawn(async move { device.battery().await })
        })
        .collect();
    // Let the reads reach the device's queue.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let started = std::time::Instant::now();
    t.stop().await;
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1000), "the stop took {took:?}");
    let ops = t.take();
    let stop_at = ops
        .iter()
        .position(|op| *op == text(Tx, "Vibrate:0;"))
        .unwrap_or_else(|| panic!("no Vibrate:0; in {ops:?}"));
    let reads_before = ops[..stop_at]
        .iter()
        .filter(|op| **op == text(Tx, "Battery;"))
        .count();
    assert!(
        reads_before <= 3,
        "{reads_before} reads went before the stop"
    );
    for read in reads {
        let _ = read.await;
    }
}
