//! Adrien Lastic: `MotorValue:NN;` on tx with response; found by its advertised service.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

const SERVICE: &str = "00001320-0000-1000-8000-00805f9b34fb";

#[tokio::test]
async fn found_by_service_and_driven_in_text() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "Palpitation".into(),
        services: vec![SERVICE.into()],
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Adrien Lastic Device");
    assert_eq!(t.take(), vec![]);
    let texts = [
        "MotorValue:00;",
        "MotorValue:01;",
        "MotorValue:08;",
        "MotorValue:16;",
        "MotorValue:00;",
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        texts.map(|s| wr(Tx, s.as_bytes())).to_vec()
    );
}

#[tokio::test]
async fn a_clone_named_like_a_lovense_is_its_model_not_a_lovense() {
    // The real toys advertise the Lovense-style names LVS-S001 / LVS-S002 together with
    // their own service; the service decides, and the name picks the model.
    for (name, model) in [
        ("LVS-S001", "Adrien Lastic Palpitation"),
        ("LVS-S002", "Adrien Lastic Revelation"),
    ] {
        let t = toy_with(SimulatedDeviceSpec {
            name: name.into(),
            services: vec![SERVICE.into()],
            ..Default::default()
        })
        .await;
        assert_eq!(t.name(), model);
        t.set(0, Vibrate, 0.5).await;
        assert_eq!(t.take(), vec![wr(Tx, b"MotorValue:08;")]);
    }
    // Without the service the name is a Lovense's.
    let lush = toy("LVS-S001").await;
    assert!(lush.name().starts_with("Lovense"), "{}", lush.name());
}
