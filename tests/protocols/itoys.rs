//! iToys: six-byte packets per output kind.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

fn vibrate(level: u8) -> Op {
    w(Tx, &[0xA0, 0x01, 0x00, 0x00, level, 0xFF])
}

fn oscillate(on: u8, level: u8) -> Op {
    w(Tx, &[0xA0, 0x06, on, 0x00, on, level])
}

#[tokio::test]
async fn vibration_levels() {
    let t = connect("26-021-B", "iToys Seagull", &[]).await;
    let levels = [0x00, 0x01, 0x02, 0x03, 0x00];
    assert_eq!(sweep(&t, 0, Vibrate).await, levels.map(vibrate).to_vec());
}

#[tokio::test]
async fn oscillation_levels() {
    let t = connect("ASF-001-BT-R", "Defyeah Horizontal Sex Machine ASFO16", &[]).await;
    assert_eq!(
        sweep(&t, 0, Oscillate).await,
        vec![
            oscillate(0, 0x00),
            oscillate(1, 0x0D),
            oscillate(1, 0x80),
            oscillate(1, 0xFF),
            oscillate(0, 0x00)
        ]
    );
}

#[tokio::test]
async fn two_kinds_on_one_toy() {
    let t = connect("SML-2310-SZ-B", "iToys Twinkling Stars", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    t.steps(0, Vibrate, 2).await;
    t.steps(1, Oscillate, 128).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            vibrate(0x02),
            oscillate(1, 0x80),
            vibrate(0x00),
            oscillate(0, 0x00)
        ]
    );
}

#[tokio::test]
async fn rotation_where_a_configuration_has_it() {
    // The Bestvibe of newer device files rotates; rotation speed only, no direction.
    let user = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {"itoys": {
        "communication": [{"btle": {"names": ["IJVB-W10-BT-RX"], "services": {"0000ffa0-0000-1000-8000-00805f9b34fb": {"tx": "0000ffa1-0000-1000-8000-00805f9b34fb"}}}}],
        "configurations": [{"identifier": ["IJVB-W10-BT-RX"], "name": "Bestvibe Rotational Vibration", "features": [
            {"index": 0, "output": {"vibrate": {"value": [0, 3]}}},
            {"index": 1, "output": {"rotate": {"value": [-3, 3]}}}]}]}}}}"#;
    let t = toy_configured(
        SimulatedDeviceSpec {
            name: "IJVB-W10-BT-RX".into(),
            ..Default::default()
        },
        |b| b.user_config_json(user).unwrap(),
    )
    .await;
    assert_eq!(t.name(), "Bestvibe Rotational Vibration");
    t.steps(1, Rotate, 2).await;
    t.steps(1, Rotate, -2).await;
    t.stop().await;
    let rotate_2 = w(Tx, &[0xA0, 0x08, 0x01, 0x00, 0x02, 0xFF]);
    assert_eq!(
        t.take(),
        vec![
            rotate_2.clone(),
            rotate_2,
            // Stop also zeroes the vibrator, which was never set.
            vibrate(0x00),
            w(Tx, &[0xA0, 0x08, 0x00, 0x00, 0x00, 0x00]),
        ]
    );
}
