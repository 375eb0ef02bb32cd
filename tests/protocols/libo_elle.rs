//! Libo Elle: the defined motor on `txmode`; a second output (user definitions only) packs a
//! level and a mode into one byte on `tx`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Tx, TxMode};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn defined_motor_on_txmode() {
    let t = connect("PiPiJing", "LiBo Elle", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    let levels = [0x00, 0x01, 0x02, 0x03, 0x00];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        levels.map(|l| w(TxMode, &[l])).to_vec()
    );
    connect("Shuidi", "Libo Elle 2", &[]).await;
}

#[tokio::test]
async fn second_output_packs_level_and_mode() {
    let user = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {"libo-elle": {
        "communication": [{"btle": {"names": ["Elle Two"], "services": {"00006000-0000-1000-8000-00805f9b34fb": {
            "tx": "00006001-0000-1000-8000-00805f9b34fb", "txmode": "00006002-0000-1000-8000-00805f9b34fb"}}}}],
        "configurations": [{"identifier": ["Elle Two"], "name": "Elle Two", "features": [
            {"index": 0, "output": {"vibrate": {"value": [0, 3]}}},
            {"index": 1, "output": {"vibrate": {"value": [0, 15]}}}]}]}}}}"#;
    let t = toy_configured(
        SimulatedDeviceSpec {
            name: "Elle Two".into(),
            ..Default::default()
        },
        |b| b.user_config_json(user).unwrap(),
    )
    .await;
    t.take();
    for steps in [1, 7, 8, 10, 15, 0] {
        t.steps(1, Vibrate, steps).await;
    }
    let bytes = [0x01, 0x61, 0x04, 0x24, 0x74, 0x00];
    assert_eq!(t.take(), bytes.map(|b| w(Tx, &[b])).to_vec());
}
