//! In-process latency and throughput: client command -> simulated device write.
//!
//! Prints p50/p99 latency of a single command (the reply comes after the device write)
//! and sustained commands per second, with the message gap disabled, for 1 and 100
//! devices. Run with `cargo bench --bench inprocess_latency`.

use std::time::{Duration, Instant};

use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::{ButtplugClient, ButtplugServer, OutputType, OutputValue};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn setup(devices: usize) -> (SimulatedHardware, ButtplugClient) {
    let hw = SimulatedHardware::new();
    for i in 0..devices {
        hw.add_device(SimulatedDeviceSpec {
            name: "LVS-Lush".into(),
            address: format!("BE:00:00:00:{:02X}:{:02X}", i >> 8, i & 0xff),
            ..Default::default()
        });
    }
    let server = ButtplugServer::builder()
        .simulated(hw.clone())
        .default_message_gap_ms(0)
        .build()
        .expect("server");
    let client = ButtplugClient::connect_in_process("bench", &server)
        .await
        .expect("client");
    client
        .scan(Duration::from_secs(30), Some(devices))
        .await
        .expect("scan");
    assert_eq!(client.devices().len(), devices);
    (hw, client)
}

/// Measured from a task on the runtime, as an async application would call the client.
async fn latency(client: &ButtplugClient, samples: usize) -> (Duration, Duration) {
    let device = client.devices().remove(0);
    tokio::spawn(async move { latency_of(device, samples).await })
        .await
        .expect("latency task")
}

async fn latency_of(device: plugwire::ClientDevice, samples: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples + 1000 {
        // Alternate values so no command is deduplicated.
        let value = OutputValue::Steps((i % 20 + 1) as i32);
        let start = Instant::now();
        device
            .output(0, OutputType::Vibrate, value)
            .await
            .expect("command");
        if i >= 1000 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

async fn throughput(client: &ButtplugClient, per_device: usize) -> f64 {
    let devices = client.devices();
    let start = Instant::now();
    let tasks: Vec<_> = devices
        .into_iter()
        .map(|d| {
            tokio::spawn(async move {
                for i in 0..per_device {
                    let value = OutputValue::Steps((i % 20 + 1) as i32);
                    d.output(0, OutputType::Vibrate, value)
                        .await
                        .expect("command");
                }
            })
        })
        .collect();
    let count = tasks.len() * per_device;
    for t in tasks {
        t.await.expect("task");
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("in-process client -> simulated device write, message gap disabled");
        for devices in [1usize, 100] {
            let (hw, client) = setup(devices).await;
            let (p50, p99) = latency(&client, 20_000).await;
            let (o50, o99) = latency_of(client.devices().remove(0), 20_000).await;
            let per_device = 200_000 / devices;
            let rate = throughput(&client, per_device).await;
            let writes: usize = hw.devices().iter().map(|d| d.writes().len()).sum();
            let us = |d: Duration| d.as_secs_f64() * 1e6;
            println!(
                "{devices:>3} device(s): latency p50 {:>5.1} us p99 {:>5.1} us (from a runtime task), \
                 p50 {:>5.1} us p99 {:>5.1} us (from a thread outside it); \
                 throughput {:>9.0} commands/s ({writes} writes logged)",
                us(p50),
                us(p99),
                us(o50),
                us(o99),
                rate
            );
            client.disconnect().await.expect("disconnect");
        }
    });
}
