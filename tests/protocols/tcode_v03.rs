//! T-Code v0.3 over a serial port: timed moves, plain positions (main axis and twist),
//! and vibration where a user configuration adds it.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

const SERIAL: &str = r#""communication": [{"serial": {"port": "/dev/ttyTEST", "baud_rate": 115200, "data_bits": 8, "parity": "N", "stop_bits": 1}}]"#;

async fn stroker(name: &str, configurations: &str) -> Toy {
    let user = format!(
        r#"{{"version": {{"major": 4, "minor": 0}}, "user_configs": {{"protocols": {{"tcode-v03": {{{SERIAL}, "configurations": [{configurations}]}}}}}}}}"#
    );
    toy_configured(
        SimulatedDeviceSpec {
            name: name.into(),
            serial_port: Some("/dev/ttyTEST".into()),
            ..Default::default()
        },
        |b| b.user_config_json(&user).unwrap(),
    )
    .await
}

#[tokio::test]
async fn connects_without_a_handshake() {
    let t = stroker("OSR2", "").await;
    assert_eq!(t.name(), "TCode v0.3 (Single Linear Axis)");
    assert_eq!(t.outputs(), vec![vec![Position, HwPositionWithDuration]]);
    assert_eq!(t.take(), vec![]);
}

#[tokio::test]
async fn timed_moves_use_the_feature_axis_and_an_interval() {
    let t = stroker("OSR2", "").await;
    t.move_to(0.0, 500).await;
    t.move_to(0.05, 500).await;
    t.move_to(0.5, 1000).await;
    // T-Code reads the digits as a fraction of the travel: the top of 0..1000 is all
    // nines (four digits, `L01000`, would be 0.1000: a tenth of the way).
    t.move_to(1.0, 100).await;
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "L0000I500\n"),
            text(Tx, "L0050I500\n"),
            text(Tx, "L0500I1000\n"),
            text(Tx, "L0999I100\n"),
        ]
    );
    // Positions are not "stopped".
    t.stop().await;
    assert_eq!(t.take(), vec![]);
}

#[tokio::test]
async fn positions_move_the_stroke_and_twist_axes_together() {
    let t = stroker("OSR2", "").await;
    // Positions are not "stopped": the sweep's stop writes nothing.
    assert_eq!(
        sweep(&t, 0, Position).await,
        vec![
            text(Tx, "L0000\nR0000\n"),
            text(Tx, "L0050\nR0050\n"),
            text(Tx, "L0500\nR0500\n"),
            text(Tx, "L0999\nR0999\n"),
        ]
    );
}

#[tokio::test]
async fn vibration_is_two_digits_per_channel() {
    let t = stroker(
        "OSR2-V",
        r#"{"identifier": ["OSR2-V"], "name": "OSR2 with vibrators", "features": [
            {"index": 0, "output": {"vibrate": {"value": [0, 99]}}},
            {"index": 1, "output": {"vibrate": {"value": [0, 99]}}}]}"#,
    )
    .await;
    assert_eq!(t.name(), "OSR2 with vibrators");
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(0, Vibrate, v).await;
    }
    t.steps(1, Vibrate, 7).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            text(Tx, "V000\n"),
            text(Tx, "V005\n"),
            text(Tx, "V050\n"),
            text(Tx, "V099\n"),
            text(Tx, "V107\n"),
            text(Tx, "V000\n"),
            text(Tx, "V100\n"),
        ]
    );
}

/// The digit count follows the configured range, so the fraction T-Code reads is the one
/// the client asked for: 0.51 is `L051` on 0..100, `L0509` on 0..999, `L05099` on 0..9999.
#[tokio::test]
async fn digits_follow_the_configured_range() {
    for (max, expected) in [
        (100, ["L000I200\n", "L051I200\n", "L099I200\n"]),
        (999, ["L0000I200\n", "L0509I200\n", "L0999I200\n"]),
        (9999, ["L00000I200\n", "L05099I200\n", "L09999I200\n"]),
    ] {
        let t = stroker(
            "OSR2-R",
            &format!(
                r#"{{"identifier": ["OSR2-R"], "name": "OSR2 0..{max}", "features": [
                    {{"index": 0, "output": {{"hw_position_with_duration": {{"value": [0, {max}], "duration": [0, 10000]}}}}}}]}}"#
            ),
        )
        .await;
        t.take();
        for v in [0.0, 0.51, 1.0] {
            t.move_to(v, 200).await;
        }
        assert_eq!(
            t.take(),
            expected.map(|e| text(Tx, e)).to_vec(),
            "range 0..{max}"
        );
    }
}
