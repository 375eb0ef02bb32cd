//! Nobra: one byte, `0x60 + level` or `0x70` for off, over BLE or a serial port.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

async fn levels_and_stop(t: &Toy) {
    let bytes = [0x70, 0x61, 0x68, 0x6F, 0x70];
    assert_eq!(
        sweep(t, 0, Vibrate).await,
        bytes.map(|b| w(Tx, &[b])).to_vec()
    );
}

#[tokio::test]
async fn over_bluetooth() {
    let t = connect(
        "NobraControl 2",
        "Nobra's Silicone Dreams Toy",
        &[w(Tx, &[0x70])],
    )
    .await;
    levels_and_stop(&t).await;
}

#[tokio::test]
async fn over_a_serial_port() {
    let user = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {"nobra": {
        "communication": [{"serial": {"port": "/dev/ttyTEST", "baud_rate": 19200, "data_bits": 8, "parity": "N", "stop_bits": 1}}]}}}}"#;
    let t = toy_configured(
        SimulatedDeviceSpec {
            name: "Nobra".into(),
            serial_port: Some("/dev/ttyTEST".into()),
            ..Default::default()
        },
        |b| b.user_config_json(user).unwrap(),
    )
    .await;
    assert_eq!(t.take(), vec![w(Tx, &[0x70])]);
    levels_and_stop(&t).await;
}
