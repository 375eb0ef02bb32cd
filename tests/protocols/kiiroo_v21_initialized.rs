//! Kiiroo v2.1 "initialized": two moves on connect, then `[0x03, 0x00, speed, position]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

fn handshake() -> [Op; 2] {
    [
        wr(Tx, &[0x03, 0x00, 0x64, 0x19]),
        wr(Tx, &[0x03, 0x00, 0x64, 0x00]),
    ]
}

#[tokio::test]
async fn two_moves_on_connect() {
    let t = connect("KEON", "Kiiroo Keon", &handshake()).await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration]]);
    connect("Realm1.1", "Kiiroo Onyx+ Realm Edition", &handshake()).await;
}

#[tokio::test]
async fn speed_comes_before_position() {
    let t = toy("Onyx+").await;
    t.take();
    let (written, moves) = launch_moves(&t).await;
    let expected: Vec<Op> = moves
        .iter()
        .map(|(p, s)| w(Tx, &[0x03, 0x00, *s, *p]))
        .collect();
    assert_eq!(written, expected);
}

#[tokio::test]
async fn vibration_where_a_configuration_adds_it() {
    let user = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {"kiiroo-v21-initialized": {
        "communication": [{"btle": {"names": ["Keon Vibe"], "services": {"00001900-0000-1000-8000-00805f9b34fb": {"tx": "00001902-0000-1000-8000-00805f9b34fb"}}}}],
        "configurations": [{"identifier": ["Keon Vibe"], "name": "Keon Vibe", "features": [
            {"index": 0, "output": {"vibrate": {"value": [0, 20]}}}]}]}}}}"#;
    let t = toy_configured(
        SimulatedDeviceSpec {
            name: "Keon Vibe".into(),
            ..Default::default()
        },
        |b| b.user_config_json(user).unwrap(),
    )
    .await;
    t.take();
    t.steps(0, Vibrate, 5).await;
    t.stop().await;
    assert_eq!(t.take(), vec![w(Tx, &[0x01, 0x05]), w(Tx, &[0x01, 0x00])]);
}
