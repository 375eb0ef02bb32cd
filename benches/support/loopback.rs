#![allow(dead_code)] // each bench uses a part
//! The loopback load generator shared by the websocket benches: a server in its own
//! process (so its CPU time can be read from /proc), pre-built client frames written on a
//! raw socket, and replies counted by scanning bytes, so the generator is not the ceiling.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio_tungstenite::tungstenite::{self, Message};

/// The environment variable naming the role a bench's child process plays.
pub const ROLE: &str = "PLUGWIRE_BENCH_ROLE";

/// One `OutputCmd` frame: a Vibrate command to device 0's first feature.
pub fn command(id: u32, value: u32) -> String {
    json!([{"OutputCmd": {"Id": id, "DeviceIndex": 0, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": value}}}}])
        .to_string()
}

/// A command the server process runs under, words separated by spaces (a profiler:
/// `PLUGWIRE_BENCH_WRAP="valgrind --tool=callgrind"` counts its instructions).
pub const WRAP: &str = "PLUGWIRE_BENCH_WRAP";

/// Starts this bench's executable again as `role` (under [`WRAP`] if set); it prints its
/// listening address on its first line and serves until its stdin closes.
pub fn spawn_server(role: &str) -> (Child, String) {
    let exe = std::env::current_exe().expect("bench exe");
    let wrap = std::env::var(WRAP).unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut command = match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    let mut child = command
        .env(ROLE, role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("server process");
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("address");
    (child, line.trim().to_string())
}

/// In a child process: blocks until the parent closes stdin.
pub fn wait_for_stdin_close() {
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

/// Stops a child started by [`spawn_server`].
pub fn stop_server(mut child: Child) {
    drop(child.stdin.take());
    let _ = child.wait();
}

/// A websocket client on a plain socket; with `buttplug`, it has made the v4 handshake
/// and scanned until the server's toy is added.
pub fn connect(addr: &str, buttplug: bool) -> tungstenite::WebSocket<TcpStream> {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).ok();
    let (mut ws, _) = tungstenite::client(format!("ws://{addr}"), stream).expect("handshake");
    if buttplug {
        let hello = json!([{"RequestServerInfo": {"Id": 1, "ClientName": "bench", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}]);
        ws.send(Message::text(hello.to_string())).unwrap();
        ws.read().unwrap();
        ws.send(Message::text(
            json!([{"StartScanning": {"Id": 2}}]).to_string(),
        ))
        .unwrap();
        loop {
            if let Message::Text(t) = ws.read().unwrap() {
                // The toy added (a v4 DeviceList event): simulated toys never finish a
                // scan, as in the reference.
                if t.contains("DeviceList") {
                    break;
                }
            }
        }
    }
    ws
}

/// CPU seconds (user + system) a process has used so far, from /proc.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|u| u.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
    // Linux reports CPU time in clock ticks of 1/100 s.
    ticks / 100.0
}

/// One client websocket text frame, masked with the all-zero key (which leaves the payload
/// as it is, so frames can be built once and written as plain bytes).
pub fn masked_frame(text: &str) -> Vec<u8> {
    let payload = text.as_bytes();
    let mut frame = vec![0x81];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= 0xFFFF => {
            frame.push(0x80 | 126);
            frame.extend((n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend((n as u64).to_be_bytes());
        }
    }
    frame.extend([0, 0, 0, 0]);
    frame.extend(payload);
    frame
}

/// Counts `"Ok"` in a byte stream, across read boundaries.
struct OkCounter {
    carry: Vec<u8>,
}

impl OkCounter {
    fn feed(&mut self, bytes: &[u8]) -> u64 {
        self.carry.extend_from_slice(bytes);
        let mut count = 0;
        let mut i = 0;
        while i + 4 <= self.carry.len() {
            if &self.carry[i..i + 4] == b"\"Ok\"" {
                count += 1;
                i += 4;
            } else {
                i += 1;
            }
        }
        let keep = self.carry.len().saturating_sub(3);
        self.carry.drain(..keep);
        count
    }
}

/// Pipelined commands/s and the server's CPU use.
pub struct Throughput {
    pub commands: u64,
    pub per_second: f64,
    pub cpu_share: f64,
    pub cpu_us_each: f64,
}

impl std::fmt::Display for Throughput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} commands = {:.0} commands/s; server CPU {:.0}% of one core ({:.2} us CPU per command)",
            self.commands,
            self.per_second,
            self.cpu_share * 100.0,
            self.cpu_us_each
        )
    }
}

/// Writes `total` commands in batches of 250, at most 2,000 unanswered, and counts the
/// `"Ok"` replies; the server is process `pid`.
pub fn pipelined(stream: &TcpStream, pid: u32, total: u64) -> Throughput {
    let window: u64 = 2_000;
    let chunk: u64 = 250;
    // Pre-built frames: values cycle so each command changes the toy.
    let batch: Vec<u8> = (0..chunk)
        .flat_map(|i| masked_frame(&command(1000 + i as u32, (i % 20 + 1) as u32)))
        .collect();
    let received = Arc::new(AtomicU64::new(0));
    let mut reader = stream.try_clone().expect("clone");
    let counted = received.clone();
    let counter = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut oks = OkCounter { carry: Vec::new() };
        let mut seen = 0;
        while seen < total {
            let n = match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            seen += oks.feed(&buf[..n]);
            counted.store(seen, Ordering::Release);
        }
        seen
    });
    let mut writer = stream.try_clone().expect("clone");
    let cpu_before = cpu_seconds(pid);
    let start = Instant::now();
    let mut sent: u64 = 0;
    while sent < total {
        while sent - received.load(Ordering::Acquire) > window {
            std::thread::yield_now();
        }
        writer.write_all(&batch).expect("write");
        sent += chunk;
    }
    let commands = counter.join().expect("counter");
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu_before;
    Throughput {
        commands,
        per_second: commands as f64 / elapsed,
        cpu_share: cpu / elapsed,
        cpu_us_each: cpu / commands as f64 * 1e6,
    }
}

/// p50 and p99 of one command at a time: sent, then its `"Ok"` reply read.
pub fn one_at_a_time(stream: &TcpStream, count: usize) -> (Duration, Duration) {
    let mut stream = stream.try_clone().expect("clone");
    let frames: Vec<Vec<u8>> = (0..20u32)
        .map(|i| masked_frame(&command(1000 + i, i + 1)))
        .collect();
    let mut buf = vec![0u8; 4096];
    let mut oks = OkCounter { carry: Vec::new() };
    let mut times = Vec::with_capacity(count);
    for i in 0..count + count / 10 {
        let start = Instant::now();
        stream.write_all(&frames[i % frames.len()]).expect("write");
        loop {
            let n = stream.read(&mut buf).expect("read");
            assert!(n > 0, "the server closed the connection");
            if oks.feed(&buf[..n]) > 0 {
                break;
            }
        }
        // The first tenth warms up.
        if i >= count / 10 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    (pct(0.5), pct(0.99))
}
