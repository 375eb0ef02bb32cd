//! Over loopback websocket: command -> device write -> reply latency (p50/p99), and
//! messages per second with many commands in flight. Run with
//! `cargo bench --bench websocket_latency`.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use plugwire::ButtplugServer;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::transport::WebsocketServer;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

fn command(id: u32, value: u32) -> Message {
    Message::text(
        json!([{"OutputCmd": {"Id": id, "DeviceIndex": 0, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": value}}}}])
            .to_string(),
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let hw = SimulatedHardware::new();
        let toy = hw.add_device(SimulatedDeviceSpec { name: "LVS-Lush".into(), ..Default::default() });
        let server = ButtplugServer::builder().simulated(hw).default_message_gap_ms(0).build().expect("server");
        let ws = WebsocketServer::start(server, "127.0.0.1:0".parse().unwrap()).await.expect("listen");
        let (mut client, _) = tokio_tungstenite::connect_async(format!("ws://{}", ws.local_addr())).await.expect("connect");
        let hello = json!([{"RequestServerInfo": {"Id": 1, "ClientName": "bench", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}]);
        client.send(Message::text(hello.to_string())).await.unwrap();
        client.next().await.unwrap().unwrap();
        client.send(Message::text(json!([{"StartScanning": {"Id": 2}}]).to_string())).await.unwrap();
        // Wait until the toy is connected (spec v4's DeviceList event; simulated toys never
        // finish a scan).
        loop {
            if let Message::Text(t) = client.next().await.unwrap().unwrap() {
                if t.contains("DeviceList") {
                    break;
                }
            }
        }
        // Latency: one command at a time; the reply comes after the device write.
        let mut times = Vec::new();
        for i in 0..11_000u32 {
            let start = Instant::now();
            client.send(command(10 + i, i % 20 + 1)).await.unwrap();
            loop {
                if let Message::Text(t) = client.next().await.unwrap().unwrap() {
                    if t.contains("\"Ok\"") {
                        break;
                    }
                }
            }
            if i >= 1000 {
                times.push(start.elapsed());
            }
        }
        times.sort();
        let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6;
        println!("websocket command -> device write -> reply: p50 {:.1} us, p99 {:.1} us", pct(0.5), pct(0.99));
        // Throughput: 100 commands in flight.
        let (mut sink, mut source) = client.split();
        let total = 50_000u32;
        let start = Instant::now();
        let writer = tokio::spawn(async move {
            for i in 0..total {
                sink.send(command(100_000 + i, i % 20 + 1)).await.unwrap();
            }
            sink
        });
        let mut replies = 0;
        while replies < total {
            match tokio::time::timeout(Duration::from_secs(30), source.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => replies += t.matches("\"Ok\"").count() as u32,
                Ok(Some(Ok(_))) => {}
                _ => break,
            }
        }
        let _ = writer.await;
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "websocket throughput: {replies} commands in {:.2} s = {:.0} messages/s ({} device writes logged)",
            elapsed,
            f64::from(replies) / elapsed,
            toy.writes().len()
        );
    });
}
