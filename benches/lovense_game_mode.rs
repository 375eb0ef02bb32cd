//! Latency the Lovense Game Mode front end adds over the websocket path: from sending a
//! command to the simulated toy's write, on loopback, one command at a time, gap disabled.
//! Compares Buttplug JSON over websocket (`OutputCmd`) with Game Mode (`Function`) over one
//! kept-alive HTTP connection and over a new connection per command (as many games do).
//! Run with `cargo bench --bench lovense_game_mode`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use plugwire::ButtplugServer;
use plugwire::frontends::lovense_game_mode::{GameModeOptions, LovenseGameMode};
use plugwire::hardware::simulated::{SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::transport::WebsocketServer;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const WARMUP: u32 = 500;
const SAMPLES: u32 = 5_000;

/// Waits (spinning) until the toy has logged more than `before` records.
async fn written(toy: &SimulatedDevice, before: u64) {
    while toy.record_count() <= before {
        tokio::task::yield_now().await;
    }
}

fn report(what: &str, mut times: Vec<Duration>) -> f64 {
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6;
    println!(
        "{what}: command -> toy write p50 {:.1} us, p99 {:.1} us",
        pct(0.5),
        pct(0.99)
    );
    pct(0.5)
}

fn request(body: &str, keep_alive: bool) -> Vec<u8> {
    format!(
        "POST /command HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n{body}",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    )
    .into_bytes()
}

/// Reads one HTTP answer (headers and a Content-Length body) from a kept-alive connection.
async fn read_answer(stream: &mut TcpStream, buffer: &mut Vec<u8>) {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                buffer.drain(..end + 4 + length);
                return;
            }
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed");
        buffer.extend_from_slice(&chunk[..n]);
    }
}

async fn game_mode(address: SocketAddr, toy: &SimulatedDevice, keep_alive: bool) -> f64 {
    let mut times = Vec::new();
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut buffer = Vec::new();
    for i in 0..WARMUP + SAMPLES {
        let body = json!({"command": "Function", "action": format!("Vibrate:{}", i % 20 + 1),
            "timeSec": 0, "apiVer": 1})
        .to_string();
        let before = toy.record_count();
        let start = Instant::now();
        if !keep_alive {
            stream = TcpStream::connect(address).await.unwrap();
            buffer.clear();
        }
        stream.write_all(&request(&body, keep_alive)).await.unwrap();
        written(toy, before).await;
        if i >= WARMUP {
            times.push(start.elapsed());
        }
        read_answer(&mut stream, &mut buffer).await;
    }
    report(
        if keep_alive {
            "Game Mode, one kept-alive HTTP connection"
        } else {
            "Game Mode, a new HTTP connection per command"
        },
        times,
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
        let toy = hw.add_device(SimulatedDeviceSpec {
            name: "LVS-Lush".into(),
            ..Default::default()
        });
        let server = ButtplugServer::builder()
            .simulated(hw)
            .default_message_gap_ms(0)
            .build()
            .expect("server");
        let ws = WebsocketServer::start(server.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .expect("listen");

        // The websocket path.
        let (mut client, _) = tokio_tungstenite::connect_async(format!("ws://{}", ws.local_addr()))
            .await
            .expect("connect");
        let hello = json!([{"RequestServerInfo": {"Id": 1, "ClientName": "bench",
            "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}]);
        client.send(Message::text(hello.to_string())).await.unwrap();
        client.next().await.unwrap().unwrap();
        client
            .send(Message::text(json!([{"StartScanning": {"Id": 2}}]).to_string()))
            .await
            .unwrap();
        while server.device_manager().devices().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut times = Vec::new();
        for i in 0..WARMUP + SAMPLES {
            let command = json!([{"OutputCmd": {"Id": 10 + i, "DeviceIndex": 0, "FeatureIndex": 0,
                "Command": {"Vibrate": {"Value": i % 20 + 1}}}}]);
            let before = toy.record_count();
            let start = Instant::now();
            client.send(Message::text(command.to_string())).await.unwrap();
            written(&toy, before).await;
            if i >= WARMUP {
                times.push(start.elapsed());
            }
            loop {
                if let Message::Text(t) = client.next().await.unwrap().unwrap()
                    && t.contains("\"Ok\"")
                {
                    break;
                }
            }
        }
        let websocket = report("websocket (Buttplug JSON)", times);
        client.close(None).await.unwrap();
        drop(client);
        while server.has_session() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }

        // The Game Mode path, on the same server and toy.
        let gm = LovenseGameMode::start(
            server.clone(),
            "127.0.0.1:0".parse().unwrap(),
            GameModeOptions::default(),
        )
        .await
        .expect("listen");
        let kept = game_mode(gm.local_addr(), &toy, true).await;
        let fresh = game_mode(gm.local_addr(), &toy, false).await;
        println!(
            "added by Game Mode over the websocket path (p50): {:+.1} us kept-alive, {:+.1} us new connections",
            kept - websocket,
            fresh - websocket
        );
        gm.shutdown().await;
        ws.shutdown().await;
    });
}
