//! Next Level Racing HF8 over a serial port: `M`, motor index, speed in decimal, CR.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::settings::play;

async fn pad() -> Toy {
    let user = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {"nextlevelracing": {
        "communication": [{"serial": {"port": "/dev/ttyHF8", "baud_rate": 115200, "data_bits": 8, "parity": "N", "stop_bits": 1}}]}}}}"#;
    toy_configured(
        SimulatedDeviceSpec {
            name: "HF8".into(),
            serial_port: Some("/dev/ttyHF8".into()),
            ..Default::default()
        },
        |b| b.user_config_json(user).unwrap(),
    )
    .await
}

fn stop_of_others(except: u32) -> Vec<Op> {
    (0..8)
        .filter(|i| *i != except)
        .map(|i| text(Tx, &format!("M{i}0\r")))
        .collect()
}

#[tokio::test]
async fn eight_motors_in_decimal() {
    let t = pad().await;
    assert_eq!(t.name(), "Next Level Racing HF8 Haptic Gaming Pad");
    assert_eq!(t.outputs(), vec![vec![Vibrate]; 8]);
    assert_eq!(t.take(), vec![], "no handshake");
    let mut expected = vec![
        text(Tx, "M00\r"),
        text(Tx, "M013\r"),
        text(Tx, "M0128\r"),
        text(Tx, "M0255\r"),
        text(Tx, "M00\r"),
    ];
    // The stop zeroes the motors never set, in index order.
    expected.extend(stop_of_others(0));
    assert_eq!(
        play(
            &t,
            &[
                (0, Vibrate, 0.0),
                (0, Vibrate, 0.05),
                (0, Vibrate, 0.5),
                (0, Vibrate, 1.0)
            ]
        )
        .await,
        expected
    );
}

#[tokio::test]
async fn each_motor_has_its_index() {
    let t = pad().await;
    t.take();
    for i in 0..8 {
        t.steps(i, Vibrate, 100 + i as i32).await;
    }
    let expected: Vec<Op> = (0..8)
        .map(|i| text(Tx, &format!("M{i}{}\r", 100 + i)))
        .collect();
    assert_eq!(t.take(), expected);
    t.stop().await;
    let zeros: Vec<Op> = (0..8).map(|i| text(Tx, &format!("M{i}0\r"))).collect();
    assert_eq!(t.take(), zeros);
}
