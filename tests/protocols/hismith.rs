//! Hismith (legacy): the model code read from `rxblemodel` picks the configuration;
//! packets `[0xAA, id, v, v + id]`.

use std::sync::Arc;

use plugwire::OutputType::*;
use plugwire::device::DeviceError;
use plugwire::device::config::DeviceDefinition;
use plugwire::device::protocol::{Protocol, ProtocolHandler};
use plugwire::device::protocols::ProtocolRegistry;
use plugwire::hardware::Endpoint::{RxBleModel, Tx};
use plugwire::hardware::HardwareDevice;
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::settings::{play, sweep};

fn hismith(model: &str) -> SimulatedDeviceSpec {
    SimulatedDeviceSpec {
        name: "HISMITH".into(),
        model: Some(model.into()),
        ..Default::default()
    }
}

fn packet(id: u8, v: u8, sum: u8) -> Op {
    w(Tx, &[0xAA, id, v, sum])
}

#[tokio::test]
async fn sex_machine_oscillation() {
    let t = toy_with(hismith("1001")).await;
    assert_eq!(t.name(), "Hismith Sex Machine");
    assert_eq!(
        t.take(),
        vec![Op::Read(RxBleModel)],
        "the model read, no writes"
    );
    assert_eq!(
        sweep(&t, 0, Oscillate).await,
        vec![
            packet(0x04, 0x00, 0x04),
            packet(0x04, 0x05, 0x09),
            packet(0x04, 0x32, 0x36),
            packet(0x04, 0x64, 0x68),
            packet(0x04, 0x00, 0x04)
        ]
    );
}

#[tokio::test]
async fn thrusting_cup_vibrator_is_on_or_off() {
    let t = toy_with(hismith("2001")).await;
    assert_eq!(t.name(), "Hismith Thrusting Cup");
    assert_eq!(t.outputs(), vec![vec![Oscillate], vec![Vibrate]]);
    assert_eq!(
        play(
            &t,
            &[(1, Vibrate, 0.0), (1, Vibrate, 0.5), (0, Oscillate, 0.5)]
        )
        .await,
        vec![
            packet(0x06, 0xF0, 0xF6),
            packet(0x06, 0x01, 0x07),
            packet(0x04, 0x32, 0x36),
            packet(0x04, 0x00, 0x04),
            packet(0x06, 0xF0, 0xF6)
        ]
    );
}

#[tokio::test]
async fn wildolo_vibrates_on_the_main_channel() {
    let t = toy("Wildolo").await;
    assert_eq!(t.name(), "Wildolo Device");
    assert_eq!(
        play(&t, &[(0, Vibrate, 0.5)]).await,
        vec![packet(0x04, 0x32, 0x36), packet(0x04, 0x00, 0x04)]
    );
}

/// Stands in for the hismith-mini protocol, to see which protocol a model ends up with.
struct MiniStandIn;

struct NoOutputs;

impl ProtocolHandler for NoOutputs {}

#[async_trait::async_trait]
impl Protocol for MiniStandIn {
    fn name(&self) -> &'static str {
        "hismith-mini"
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        Ok(Arc::new(NoOutputs))
    }
}

const MINI_CONFIG: &str = r#"{"version": {"major": 4, "minor": 0}, "protocols": {"hismith-mini": {
  "communication": [{"btle": {"names": ["HISMITH S1"], "services": {
    "0000ff90-0000-1000-8000-00805f9b34fb": {"rxblemodel": "0000ff96-0000-1000-8000-00805f9b34fb"},
    "0000ffe5-0000-1000-8000-00805f9b34fb": {"tx": "0000ffe9-0000-1000-8000-00805f9b34fb"}}}}],
  "defaults": {"name": "Hismith mini device", "features": [{"index": 0, "output": {"oscillate": {"value": [0, 100]}}}]},
  "configurations": [{"identifier": ["1005"], "name": "Hismith Sex Machine (mini)"}]}}}"#;

#[tokio::test]
async fn newer_models_go_to_hismith_mini() {
    let mut protocols = ProtocolRegistry::builtin();
    protocols.register(Arc::new(MiniStandIn));
    let t = toy_configured(hismith("1005"), |b| {
        b.device_config_json(MINI_CONFIG)
            .unwrap()
            .protocols(protocols)
    })
    .await;
    assert_eq!(t.name(), "Hismith Sex Machine (mini)");
    assert_eq!(t.take(), vec![Op::Read(RxBleModel)]);
}
