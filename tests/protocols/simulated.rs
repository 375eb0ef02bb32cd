//! The device config v5 `simulated` protocol: software archetypes matched by name through
//! the `simulated` communication type, each command logged as `Output:feature:value;`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn every_archetype_connects_with_its_features() {
    for (name, model, outputs) in [
        (
            "simulated-1vibe",
            "Simulated 1-Motor Vibrator",
            vec![vec![Vibrate]],
        ),
        (
            "simulated-2vibe",
            "Simulated 2-Motor Vibrator",
            vec![vec![Vibrate], vec![Vibrate]],
        ),
        ("simulated-rotator", "Simulated Rotator", vec![vec![Rotate]]),
        (
            "simulated-oscillator",
            "Simulated Oscillator",
            vec![vec![Oscillate]],
        ),
        (
            "simulated-stroker",
            "Simulated Stroker",
            vec![vec![Position, HwPositionWithDuration]],
        ),
    ] {
        let t = connect(name, model, &[]).await;
        assert_eq!(t.outputs(), outputs, "{name}");
    }
}

#[tokio::test]
async fn commands_are_logged_readably() {
    let t = connect("simulated-2vibe", "Simulated 2-Motor Vibrator", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            text(Tx, "Vibrate:0:0;"),
            text(Tx, "Vibrate:0:5;"),
            text(Tx, "Vibrate:0:50;"),
            text(Tx, "Vibrate:0:100;"),
            text(Tx, "Vibrate:0:0;"),
            text(Tx, "Vibrate:1:0;"),
        ]
    );
    let r = connect("simulated-rotator", "Simulated Rotator", &[]).await;
    r.set(0, Rotate, -0.5).await;
    let s = connect("simulated-stroker", "Simulated Stroker", &[]).await;
    s.move_to(0.8, 500).await;
    assert_eq!(r.take(), vec![text(Tx, "Rotate:0:-50;")]);
    assert_eq!(
        s.take(),
        vec![text(Tx, "HwPositionWithDuration:0:800:500;")]
    );
}

/// A user who points plugwire at Intiface's v5 config gets the archetypes it defines.
#[tokio::test]
async fn a_loaded_v5_config_defines_them() {
    let config = r#"{"version": {"major": 5, "minor": 1}, "protocols": {"simulated": {
        "communication": [{"simulated": {"names": ["simulated-tri"]}}],
        "defaults": {"name": "Simulated Device", "features": [
            {"index": 0, "output": {"vibrate": {"value": [0, 10]}}}]},
        "configurations": [{"identifier": ["simulated-tri"], "name": "Simulated Three", "features": [
            {"index": 0, "output": {"vibrate": {"value": [0, 10]}}},
            {"index": 1, "output": {"vibrate": {"value": [0, 10]}}},
            {"index": 2, "output": {"constrict": {"value": [0, 5]}}}]}]}}}"#;
    let t = toy_configured(
        SimulatedDeviceSpec {
            name: "simulated-tri".into(),
            ..Default::default()
        },
        |b| b.device_config_json(config).unwrap(),
    )
    .await;
    assert_eq!(t.name(), "Simulated Three");
    t.take();
    t.set(2, Constrict, 1.0).await;
    assert_eq!(t.take(), vec![text(Tx, "Constrict:2:5;")]);
}
