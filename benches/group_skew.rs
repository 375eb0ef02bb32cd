//! Group fan-out skew, as figures (not a timed test): a "Sync all" group of three simulated
//! Lovense toys, each with the default 75 ms message gap.
//! - idle: one group command at a time (toys idle); how far apart in time the three toys
//!   received it (max - min), over many commands;
//! - burst: 1,000 group commands/s for 1 s without waiting for replies; how long after the
//!   last command each toy had the newest value, and the spread between the toys.
//!
//! The promise: one batch per member per gap, so members are at most one gap apart.
//! Run with `cargo bench --bench group_skew`.

use std::time::{Duration, Instant};

use plugwire::hardware::simulated::{SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::server::OutputMap;
use plugwire::spec::{OutputCommand, Request, SpecVersion};
use plugwire::{ButtplugServer, OutputType};

const GROUP: u32 = 100;
const GAP_MS: u32 = 75;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

fn vibrate(value: i32) -> Request {
    Request::Output {
        device: GROUP,
        feature: 0,
        command: OutputCommand {
            output: OutputType::Vibrate,
            value,
            duration: None,
        },
    }
}

/// When each toy first logged `text` (from its creation), if it did.
fn received(toy: &SimulatedDevice, text: &str) -> Option<Duration> {
    toy.writes()
        .into_iter()
        .find(|w| w.data == text.as_bytes())
        .map(|w| w.at)
}

async fn run() {
    let hw = SimulatedHardware::new();
    let toys: Vec<SimulatedDevice> = (0..3)
        .map(|i| {
            hw.add_device(SimulatedDeviceSpec {
                name: "LVS-Lush".into(),
                address: format!("AA:00:00:00:00:0{i}"),
                ..Default::default()
            })
        })
        .collect();
    let map = OutputMap::from_json(
        r#"{"version": 1, "groups": [{"name": "Sync all", "index": 100, "outputs": ["vibrate"],
            "members": [{"protocol": "lovense"}]}]}"#,
    )
    .expect("map");
    let server = ButtplugServer::builder()
        .simulated(hw.clone())
        .default_message_gap_ms(GAP_MS)
        .output_map(map)
        .build()
        .expect("server");
    let session = server.connect().expect("session");
    session
        .handle(Request::RequestServerInfo {
            client_name: "bench".into(),
            version: SpecVersion::V3,
        })
        .await
        .expect("handshake");
    let mut events = session.take_events().expect("events");
    session.handle(Request::StartScanning).await.expect("scan");
    // The three members and the group (simulated toys never finish a scan).
    let mut added = 0;
    while let Some(e) = events.recv().await {
        if matches!(e, plugwire::spec::ServerEvent::DeviceAdded(_)) {
            added += 1;
            if added == 4 {
                break;
            }
        }
    }
    assert_eq!(server.device_manager().devices().len(), 3, "three members");
    println!("group of 3 Lovense toys, {GAP_MS} ms gap each");

    // Idle: one command at a time, values alternating so none is a duplicate.
    let mut skews = Vec::new();
    for i in 0..40 {
        let value = 1 + (i % 19);
        for t in &toys {
            t.clear_log();
        }
        session.submit(vibrate(value)).await.expect("group command");
        let text = format!("Vibrate:{value};");
        let times: Vec<Duration> = toys.iter().filter_map(|t| received(t, &text)).collect();
        assert_eq!(times.len(), 3, "every member got {text}");
        let spread = *times.iter().max().unwrap() - *times.iter().min().unwrap();
        skews.push(spread);
        tokio::time::sleep(Duration::from_millis(u64::from(GAP_MS) + 10)).await;
    }
    skews.sort();
    println!(
        "  idle:  skew between members p50 {:.3} ms, max {:.3} ms over {} commands",
        skews[skews.len() / 2].as_secs_f64() * 1e3,
        skews.last().unwrap().as_secs_f64() * 1e3,
        skews.len()
    );

    // Burst: 1 kHz for 1 s, not waiting; the last value is 20.
    for round in 0..3 {
        for t in &toys {
            t.clear_log();
        }
        let mut tick = tokio::time::interval(Duration::from_millis(1));
        for i in 0..1000 {
            tick.tick().await;
            let value = if i == 999 { 20 } else { 1 + (i % 19) };
            drop(session.submit(vibrate(value)));
        }
        let sent = Instant::now();
        let deadline = sent + Duration::from_secs(2);
        let mut arrived = [None; 3];
        while arrived.iter().any(Option::is_none) && Instant::now() < deadline {
            for (k, t) in toys.iter().enumerate() {
                if arrived[k].is_none()
                    && t.writes().last().is_some_and(|w| w.data == b"Vibrate:20;")
                {
                    arrived[k] = Some(sent.elapsed());
                }
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let got: Vec<f64> = arrived
            .iter()
            .map(|a| a.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3))
            .collect();
        let max = got.iter().cloned().fold(f64::MIN, f64::max);
        let min = got.iter().cloned().fold(f64::MAX, f64::min);
        let writes: Vec<usize> = toys.iter().map(|t| t.writes().len()).collect();
        println!(
            "  burst {round}: newest value on each member after {:.1} / {:.1} / {:.1} ms; skew {:.1} ms (gap {GAP_MS} ms); writes per member {writes:?}",
            got[0],
            got[1],
            got[2],
            max - min
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    session.disconnect().await;
}
