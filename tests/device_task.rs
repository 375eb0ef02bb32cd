//! The per-device task: dedup, coalescing inside the message gap, stop, input
//! subscriptions and keepalive. A small test protocol makes the bytes easy to read.

mod common;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use common::*;
use plugwire::device::config::DeviceDefinition;
use plugwire::device::error::DeviceError;
use plugwire::device::feature::{DeviceFeature, InputType};
use plugwire::device::protocol::{
    HardwareCommand, Keepalive, OutputChange, Protocol, ProtocolHandler,
};
use plugwire::device::protocols::ProtocolRegistry;
use plugwire::hardware::simulated::RecordKind;
use plugwire::hardware::{Endpoint, HardwareDevice};
use plugwire::{ButtplugClient, ClientEvent, OutputType, OutputValue};

const CONFIG: &str = r#"{"version": {"major": 4, "minor": 0}, "protocols": {"testproto": {
  "communication": [{"btle": {"names": ["Test*"], "services": {"0000aaaa-0000-1000-8000-00805f9b34fb": {
     "tx": "0000aaab-0000-1000-8000-00805f9b34fb", "rx": "0000aaac-0000-1000-8000-00805f9b34fb"}}}}],
  "defaults": {"name": "Test Toy", "features": [
     {"index": 0, "output": {"vibrate": {"value": [0, 20]}}},
     {"index": 1, "output": {"rotate": {"value": [-20, 20]}}},
     {"index": 2, "input": {"pressure": {"value": [[0, 1000]], "command": ["Read", "Subscribe"]}}}]},
  "configurations": [{"name": "Test Toy Slow", "identifier": ["TestSlow"], "message_gap_ms": 75},
                     {"name": "Test Toy Awake", "identifier": ["TestAwake"]}]}}}"#;

struct TestProtocol;

struct TestHandler {
    keepalive: Keepalive,
}

#[async_trait]
impl Protocol for TestProtocol {
    fn name(&self) -> &'static str {
        "testproto"
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let keepalive = if definition.name == "Test Toy Awake" {
            Keepalive::RepeatLast(Duration::from_millis(40))
        } else {
            Keepalive::None
        };
        Ok(Arc::new(TestHandler { keepalive }))
    }
}

#[async_trait]
impl ProtocolHandler for TestHandler {
    fn encode_output(&self, c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        Ok(vec![HardwareCommand::write(
            Endpoint::Tx,
            vec![0xA0, c.feature as u8, c.value as i8 as u8],
            false,
        )])
    }

    fn keepalive(&self) -> Keepalive {
        self.keepalive.clone()
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _feature: &DeviceFeature,
        _input: InputType,
    ) -> Result<i32, DeviceError> {
        let data = hw.read(Endpoint::Rx, Duration::from_millis(100)).await?;
        Ok(i32::from(u16::from_be_bytes([data[0], data[1]])))
    }

    fn subscribe_commands(
        &self,
        _feature: &DeviceFeature,
        _input: InputType,
        subscribe: bool,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        Ok(vec![if subscribe {
            HardwareCommand::Subscribe(Endpoint::Rx)
        } else {
            HardwareCommand::Unsubscribe(Endpoint::Rx)
        }])
    }

    fn parse_notification(&self, endpoint: Endpoint, data: &[u8]) -> Vec<(u32, InputType, i32)> {
        match (endpoint, data) {
            (Endpoint::Rx, [0x50, hi, lo]) => {
                vec![(
                    2,
                    InputType::Pressure,
                    i32::from(u16::from_be_bytes([*hi, *lo])),
                )]
            }
            _ => Vec::new(),
        }
    }
}

fn test_rig(names: &[&str]) -> Rig {
    let mut registry = ProtocolRegistry::builtin();
    registry.register(Arc::new(TestProtocol));
    rig_with(names, |b| {
        b.default_message_gap_ms(0)
            .protocols(registry)
            .device_config_json(CONFIG)
            .expect("test config")
    })
}

async fn client_for(rig: &Rig) -> ButtplugClient {
    let client = ButtplugClient::connect_in_process("t", &rig.server)
        .await
        .unwrap();
    client
        .scan(WAIT, Some(rig.hw.devices().len()))
        .await
        .unwrap();
    client
}

fn bytes(rig: &Rig, name: &str) -> Vec<Vec<u8>> {
    rig.device(name)
        .writes()
        .into_iter()
        .map(|w| w.data)
        .collect()
}

#[tokio::test]
async fn equal_commands_write_once() {
    let rig = test_rig(&["Test-1"]);
    let client = client_for(&rig).await;
    let d = client.device(rig.index_of("Test-1")).unwrap();
    for v in [5, 5, 5, 6, 6, 5] {
        d.output(0, OutputType::Vibrate, OutputValue::Steps(v))
            .await
            .unwrap();
    }
    assert_eq!(
        bytes(&rig, "Test-1"),
        vec![vec![0xA0, 0, 5], vec![0xA0, 0, 6], vec![0xA0, 0, 5]]
    );
    // Each feature keeps its own last value.
    d.output(1, OutputType::Rotate, OutputValue::Steps(5))
        .await
        .unwrap();
    assert_eq!(bytes(&rig, "Test-1").last().unwrap(), &vec![0xA0, 1, 5]);
    d.output(1, OutputType::Rotate, OutputValue::Steps(-5))
        .await
        .unwrap();
    assert_eq!(bytes(&rig, "Test-1").last().unwrap(), &vec![0xA0, 1, 0xFB]);
}

#[tokio::test]
async fn a_burst_inside_the_gap_coalesces_and_the_last_value_wins() {
    let rig = test_rig(&["TestSlow"]);
    let client = client_for(&rig).await;
    let d = client.device(rig.index_of("TestSlow")).unwrap();
    assert_eq!(d.message_gap_ms(), 75);
    // 1000 commands within ~100 ms, none awaited before the next is sent.
    let mut pending = Vec::new();
    let start = tokio::time::Instant::now();
    for i in 0..1000u32 {
        let d = d.clone();
        let value = (i % 19 + 1) as i32;
        pending.push(tokio::spawn(async move {
            d.output(0, OutputType::Vibrate, OutputValue::Steps(value))
                .await
        }));
        if i % 10 == 9 {
            tokio::time::sleep_until(start + Duration::from_micros(100 * u64::from(i))).await;
        }
    }
    let last_value = (999 % 19 + 1) as u8;
    for p in pending {
        p.await.unwrap().unwrap();
    }
    let writes = bytes(&rig, "TestSlow");
    assert!(
        (1..=4).contains(&writes.len()),
        "a 100 ms burst through a 75 ms gap should take a few writes, got {}: {writes:?}",
        writes.len()
    );
    assert_eq!(writes.last().unwrap(), &vec![0xA0, 0, last_value]);
    // Writes respect the gap.
    let log = rig.device("TestSlow").writes();
    for pair in log.windows(2) {
        assert!(
            pair[1].at - pair[0].at >= Duration::from_millis(70),
            "{:?}",
            log
        );
    }
}

#[tokio::test]
async fn changes_to_several_features_inside_the_gap_go_out_together() {
    let rig = test_rig(&["TestSlow"]);
    let client = client_for(&rig).await;
    let d = client.device(rig.index_of("TestSlow")).unwrap();
    d.output(0, OutputType::Vibrate, OutputValue::Steps(1))
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        d.output(0, OutputType::Vibrate, OutputValue::Steps(9)),
        d.output(1, OutputType::Rotate, OutputValue::Steps(-3))
    );
    a.unwrap();
    b.unwrap();
    let log = rig.device("TestSlow").writes();
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(log[1].data, vec![0xA0, 0, 9]);
    assert_eq!(log[2].data, vec![0xA0, 1, 0xFD]);
    assert!(
        log[2].at - log[1].at < Duration::from_millis(20),
        "one flush carries both"
    );
}

#[tokio::test]
async fn stop_zeroes_outputs_and_ends_subscriptions() {
    let rig = test_rig(&["Test-1"]);
    let client = client_for(&rig).await;
    let mut events = client.events();
    let d = client.device(rig.index_of("Test-1")).unwrap();
    d.output(0, OutputType::Vibrate, OutputValue::Steps(5))
        .await
        .unwrap();
    d.output(1, OutputType::Rotate, OutputValue::Steps(-7))
        .await
        .unwrap();
    d.subscribe(2, InputType::Pressure).await.unwrap();
    let sim = rig.device("Test-1");
    assert!(sim.notify(Endpoint::Rx, vec![0x50, 0x01, 0x02]));
    let reading = loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            ClientEvent::InputReading {
                feature,
                input,
                value,
                ..
            } => break (feature, input, value),
            _ => continue,
        }
    };
    assert_eq!(reading, (2, InputType::Pressure, 258));
    d.stop().await.unwrap();
    let log = sim.log();
    let tail: Vec<(RecordKind, Vec<u8>)> = log[log.len() - 3..]
        .iter()
        .map(|r| (r.kind, r.data.clone()))
        .collect();
    assert_eq!(
        tail,
        vec![
            (RecordKind::Write, vec![0xA0, 0, 0]),
            (RecordKind::Write, vec![0xA0, 1, 0]),
            (RecordKind::Unsubscribe, vec![]),
        ]
    );
    // Unsubscribed: notifications no longer reach the server.
    assert!(!sim.notify(Endpoint::Rx, vec![0x50, 0, 1]));
    // A second stop writes nothing: both outputs are already at zero.
    let count = sim.record_count();
    d.stop().await.unwrap();
    assert_eq!(sim.record_count(), count);
}

#[tokio::test]
async fn input_reads_use_the_protocol() {
    let rig = test_rig(&["Test-1"]);
    let client = client_for(&rig).await;
    let d = client.device(rig.index_of("Test-1")).unwrap();
    rig.device("Test-1")
        .queue_read(Endpoint::Rx, vec![0x03, 0xE8]);
    assert_eq!(d.read_input(2, InputType::Pressure).await.unwrap(), 1000);
    // Nothing queued: the read times out with a device error, and the device still works.
    let err = d.read_input(2, InputType::Pressure).await.unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    d.output(0, OutputType::Vibrate, OutputValue::Steps(2))
        .await
        .unwrap();
}

#[tokio::test]
async fn keepalive_repeats_the_last_packet_and_starts_with_a_stop_packet() {
    let rig = test_rig(&["TestAwake"]);
    let client = client_for(&rig).await;
    let sim = rig.device("TestAwake");
    // Before any command the keepalive sends stop packets.
    assert!(sim.wait_for_records(2, WAIT).await);
    assert_eq!(sim.writes()[0].data, vec![0xA0, 0, 0]);
    let d = client.device(rig.index_of("TestAwake")).unwrap();
    d.output(0, OutputType::Vibrate, OutputValue::Steps(4))
        .await
        .unwrap();
    let before = sim.writes().len();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let after = sim.writes();
    assert!(after.len() >= before + 2, "keepalive repeats: {after:?}");
    assert_eq!(after.last().unwrap().data, vec![0xA0, 0, 4]);
}

/// A stop never waits behind a flood of notifications (the device task once served
/// notifications first, so a chatty toy could hold a stop back), and the readings that
/// flood the client are bounded, not queued without limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_is_not_held_back_by_a_notification_flood() {
    let rig = test_rig(&["Test-1"]);
    let client = client_for(&rig).await;
    let d = client.device(rig.index_of("Test-1")).unwrap();
    d.output(0, OutputType::Vibrate, OutputValue::Steps(9))
        .await
        .unwrap();
    d.subscribe(2, InputType::Pressure).await.unwrap();
    let sim = rig.device("Test-1");
    let flooding = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flood = {
        let sim = sim.clone();
        let flooding = flooding.clone();
        std::thread::spawn(move || {
            let mut sent = 0u64;
            while flooding.load(std::sync::atomic::Ordering::Relaxed) && sent < 2_000_000 {
                sim.notify(Endpoint::Rx, vec![0x50, 0x00, (sent % 250) as u8]);
                sent += 1;
            }
            sent
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(2), d.stop())
        .await
        .expect("the stop got through the flood")
        .unwrap();
    let took = started.elapsed();
    flooding.store(false, std::sync::atomic::Ordering::Relaxed);
    let sent = flood.join().unwrap();
    assert!(sent > 1000, "the flood ran ({sent} notifications)");
    assert!(took < Duration::from_secs(1), "the stop took {took:?}");
    let written = bytes(&rig, "Test-1");
    assert_eq!(
        written[written.len() - 2..].to_vec(),
        vec![vec![0xA0, 0, 0], vec![0xA0, 1, 0]],
        "the toy ended stopped"
    );
}
