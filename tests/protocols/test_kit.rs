//! Helpers several protocol tests share: the usual value sweep, and toys that report a
//! model or battery level.

use plugwire::OutputType;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::{Op, Toy, toy_with};

/// Sets `output` of `feature` to 0, 0.05, 0.5 and 1.0, stops the toy, and returns what it
/// received meanwhile.
pub async fn sweep_then_stop(t: &Toy, feature: u32, output: OutputType) -> Vec<Op> {
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(feature, output, v).await;
    }
    t.stop().await;
    t.take()
}

/// A toy advertising `name` that reports `model` when the protocol asks.
pub async fn toy_model(name: &str, model: &str) -> Toy {
    toy_with(SimulatedDeviceSpec {
        name: name.into(),
        model: Some(model.into()),
        ..Default::default()
    })
    .await
}

/// A toy advertising `name` whose battery is at `level` percent.
pub async fn toy_battery(name: &str, level: u8) -> Toy {
    toy_with(SimulatedDeviceSpec {
        name: name.into(),
        battery_level: Some(level),
        ..Default::default()
    })
    .await
}

/// The next input reading the client receives, as (feature, input, value).
pub async fn next_reading(
    events: &mut tokio::sync::broadcast::Receiver<plugwire::ClientEvent>,
) -> (u32, plugwire::InputType, i32) {
    loop {
        let event = tokio::time::timeout(crate::harness::WAIT, events.recv())
            .await
            .expect("an input reading in time")
            .expect("client events");
        if let plugwire::ClientEvent::InputReading {
            feature,
            input,
            value,
            ..
        } = event
        {
            return (feature, input, value);
        }
    }
}
