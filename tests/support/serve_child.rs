//! A `plugwire serve` child process driven by hostile frames over loopback, with its
//! memory read from `/proc/<pid>/status`. Shared by `tests/serve_memory.rs` and
//! `benches/hostile_frames.rs`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message, WebSocket, stream::MaybeTlsStream};

pub type Client = WebSocket<MaybeTlsStream<TcpStream>>;

/// The server, killed when dropped.
pub struct Serve {
    pub child: Child,
    pub url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `exe serve` on a free loopback port with one simulated toy; `env` is added
    /// to the child's environment.
    pub fn start(exe: &str, env: &[(&str, &str)]) -> Serve {
        let mut child = Command::new(exe)
            .args([
                "serve",
                "--websocket-port",
                "0",
                "--log",
                "error",
                "--simulate",
                "LVS-Nora@AA:BB:CC:00:00:01",
            ])
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("plugwire serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("plugwire serve: listening on ")
            .unwrap_or_else(|| panic!("readiness line, got {line:?}"))
            .to_string();
        Serve { child, url }
    }

    /// `(VmHWM, VmRSS)` of the server in kB.
    pub fn memory_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/<pid>/status");
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or_else(|| panic!("{name} in {status}"))
        };
        (field("VmHWM:"), field("VmRSS:"))
    }

    /// A v4 client, handshaken and with the toy found.
    pub fn client(&self) -> Client {
        let (mut ws, _) = tungstenite::connect(&self.url).expect("connects");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        }
        let info = call(&mut ws, &json!([{"RequestServerInfo": {"Id": 1, "ClientName": "memory", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}]).to_string());
        assert!(info[0].get("ServerInfo").is_some(), "{info:?}");
        call(&mut ws, &json!([{"StartScanning": {"Id": 2}}]).to_string());
        // Simulated toys never finish a scan: ask until the toy is listed (its DeviceList
        // event may come before or after the scan's Ok, which `call` skips past).
        for id in 3.. {
            let list = call(
                &mut ws,
                &json!([{"RequestDeviceList": {"Id": id}}]).to_string(),
            );
            if list[0]["DeviceList"]["Devices"]
                .as_object()
                .is_some_and(|d| !d.is_empty())
            {
                break;
            }
            assert!(id < 1000, "the toy was never listed: {list:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
        ws
    }
}

/// The next text frame, as its messages.
pub fn next_frame(ws: &mut Client) -> Vec<Value> {
    loop {
        match ws.read().expect("the server answers") {
            Message::Text(t) => return serde_json::from_str(&t).expect("a JSON array"),
            Message::Close(c) => panic!("closed: {c:?}"),
            _ => {}
        }
    }
}

/// Sends a frame and returns the next frame that is not an event (Id 0) only.
pub fn call(ws: &mut Client, text: &str) -> Vec<Value> {
    ws.send(Message::text(text)).expect("sends");
    loop {
        let frame = next_frame(ws);
        let event = |m: &Value| {
            m.as_object()
                .and_then(|o| o.values().next())
                .is_some_and(|b| b["Id"] == 0 && m.get("Error").is_none())
        };
        if !frame.iter().all(event) {
            return frame;
        }
    }
}

/// 1 MiB of `{}`: 524,288 messages back to back.
pub fn empty_objects_frame() -> String {
    "{}".repeat((1 << 20) / 2)
}

/// Nearly 1 MiB of `RequestDeviceList` messages in one array.
pub fn device_list_frame() -> String {
    let one = json!({"RequestDeviceList": {"Id": 9}}).to_string();
    let count = (1 << 20) / (one.len() + 1) - 1;
    format!("[{}]", vec![one.as_str(); count].join(","))
}

/// Sends `frames` copies of `frame`, each answered before the next; returns the reply
/// bytes of the last one.
pub fn hammer(ws: &mut Client, frame: &str, frames: usize) -> usize {
    let mut bytes = 0;
    for _ in 0..frames {
        let reply = call(ws, frame);
        bytes = serde_json::to_string(&reply).unwrap().len();
    }
    bytes
}
