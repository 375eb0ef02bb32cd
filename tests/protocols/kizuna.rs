//! Kizuna Smart over a serial port: the rotation step as one ASCII digit and CR LF.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn digits_and_crlf() {
    let user = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {"kizuna": {
        "communication": [{"serial": {"port": "/dev/ttyKIZUNA", "baud_rate": 19200, "data_bits": 8, "parity": "N", "stop_bits": 1}}]}}}}"#;
    let t = toy_configured(
        SimulatedDeviceSpec {
            name: "Kizuna".into(),
            serial_port: Some("/dev/ttyKIZUNA".into()),
            ..Default::default()
        },
        |b| b.user_config_json(user).unwrap(),
    )
    .await;
    assert_eq!(t.name(), "Kizuna Smart");
    assert_eq!(t.outputs(), vec![vec![Rotate]]);
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Rotate).await,
        ["0\r\n", "1\r\n", "5\r\n", "9\r\n", "0\r\n"]
            .map(|s| text(Tx, s))
            .to_vec()
    );
    // One direction only: the range has no negative half.
    assert!(
        t.device
            .output(0, Rotate, plugwire::OutputValue::Float(-0.5))
            .await
            .is_err()
    );
}
