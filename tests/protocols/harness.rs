//! Drives one simulated toy through the server and reads back exactly what it received.
#![allow(dead_code)]

use std::time::Duration;

use plugwire::hardware::Endpoint;
use plugwire::hardware::simulated::{
    RecordKind, SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware,
};
use plugwire::{
    ButtplugClient, ButtplugServer, ClientDevice, OutputType, OutputValue, ServerBuilder,
};

pub const WAIT: Duration = Duration::from_secs(5);

/// One logged operation, in a form easy to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// endpoint, bytes, write-with-response
    Write(Endpoint, Vec<u8>, bool),
    Read(Endpoint),
    Subscribe(Endpoint),
    Unsubscribe(Endpoint),
}

/// A write without response.
pub fn w(endpoint: Endpoint, data: &[u8]) -> Op {
    Op::Write(endpoint, data.to_vec(), false)
}

/// A write with response.
pub fn wr(endpoint: Endpoint, data: &[u8]) -> Op {
    Op::Write(endpoint, data.to_vec(), true)
}

/// An ASCII write without response (text protocols such as Lovense or T-Code).
pub fn text(endpoint: Endpoint, s: &str) -> Op {
    Op::Write(endpoint, s.as_bytes().to_vec(), false)
}

pub struct Toy {
    pub hw: SimulatedHardware,
    pub server: std::sync::Arc<ButtplugServer>,
    pub client: ButtplugClient,
    pub device: ClientDevice,
    pub sim: SimulatedDevice,
}

/// A toy advertising `name`, connected through the server with no message gap beyond
/// what its configuration sets.
pub async fn toy(name: &str) -> Toy {
    toy_with(SimulatedDeviceSpec {
        name: name.to_string(),
        ..Default::default()
    })
    .await
}

pub async fn toy_with(spec: SimulatedDeviceSpec) -> Toy {
    toy_configured(spec, |b| b).await
}

/// A toy on a server the caller configures further (a user config naming a serial port,
/// say).
pub async fn toy_configured(
    spec: SimulatedDeviceSpec,
    configure: impl FnOnce(ServerBuilder) -> ServerBuilder,
) -> Toy {
    let hw = SimulatedHardware::new();
    let sim = hw.add_device(spec);
    let server = configure(
        ButtplugServer::builder()
            .simulated(hw.clone())
            .default_message_gap_ms(0),
    )
    .build()
    .expect("server");
    let client = ButtplugClient::connect_in_process("protocol test", &server)
        .await
        .expect("client");
    client.scan(WAIT, Some(1)).await.expect("scan");
    let device = client
        .devices()
        .pop()
        .unwrap_or_else(|| panic!("{} was not recognised: {:?}", sim.name(), ops_of(&sim)));
    Toy {
        hw,
        server,
        client,
        device,
        sim,
    }
}

fn ops_of(sim: &SimulatedDevice) -> Vec<Op> {
    sim.log()
        .into_iter()
        .map(|r| match r.kind {
            RecordKind::Write => Op::Write(r.endpoint, r.data, r.with_response),
            RecordKind::Read => Op::Read(r.endpoint),
            RecordKind::Subscribe => Op::Subscribe(r.endpoint),
            RecordKind::Unsubscribe => Op::Unsubscribe(r.endpoint),
        })
        .collect()
}

impl Toy {
    /// Everything logged so far (handshake included), then forgets it.
    pub fn take(&self) -> Vec<Op> {
        let ops = ops_of(&self.sim);
        self.sim.clear_log();
        ops
    }

    /// Waits for at least `n` records in the log (for protocols with timed writes).
    pub async fn wait_ops(&self, n: usize) -> Vec<Op> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let ops = ops_of(&self.sim);
            if ops.len() >= n || tokio::time::Instant::now() > deadline {
                return ops;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    pub fn name(&self) -> &str {
        self.device.name()
    }

    /// Sets one output to a fraction of its range (`ceil(steps * v)`).
    pub async fn set(&self, feature: u32, output: OutputType, v: f64) {
        self.device
            .output(feature, output, OutputValue::Float(v))
            .await
            .unwrap_or_else(|e| panic!("{} feature {feature} {output} {v}: {e}", self.name()));
    }

    /// Sets one output to raw steps.
    pub async fn steps(&self, feature: u32, output: OutputType, steps: i32) {
        self.device
            .output(feature, output, OutputValue::Steps(steps))
            .await
            .unwrap_or_else(|e| panic!("{} feature {feature} {output} {steps}: {e}", self.name()));
    }

    pub async fn move_to(&self, position: f64, duration_ms: u32) {
        self.device
            .position_with_duration(position, duration_ms)
            .await
            .expect("position with duration");
    }

    pub async fn stop(&self) {
        self.device.stop().await.expect("stop");
    }

    pub async fn battery(&self) -> f64 {
        self.device.battery().await.expect("battery")
    }

    /// The output kinds of each feature, for checking a model's definition.
    pub fn outputs(&self) -> Vec<Vec<OutputType>> {
        self.device
            .features()
            .iter()
            .map(|f| f.outputs.keys().copied().collect())
            .collect()
    }
}
