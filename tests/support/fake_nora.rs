//! A Lovense Nora on the other end of `plugwire serve --use-device-websocket-server`, on
//! its own thread: it identifies itself, answers identification and battery, reports
//! every command it gets, and leaves (closes its socket) when told.
#![allow(dead_code)]

use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use tokio_tungstenite::tungstenite::{self, Message, stream::MaybeTlsStream};

/// The user configuration that makes a device websocket named `LVSDevice` a Lovense toy.
pub const USER_CONFIG: &str = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {
    "lovense": {"communication": [{"websocket": {"name": "LVSDevice"}}]}}}}"#;

pub struct FakeNora {
    /// Every command the toy received, as text.
    pub got: mpsc::Receiver<String>,
    leave: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeNora {
    /// Connects to the device websocket at `url` as toy `address`.
    pub fn connect(url: &str, address: &str) -> FakeNora {
        let (mut ws, _) = tungstenite::connect(url).expect("the device websocket accepts");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        }
        let hello =
            format!(r#"{{"identifier": "LVSDevice", "address": "{address}", "version": 0}}"#);
        ws.send(Message::text(hello)).unwrap();
        let (tx, got) = mpsc::channel();
        let leave = Arc::new(AtomicBool::new(false));
        let leaving = leave.clone();
        let thread = std::thread::spawn(move || serve(ws, tx, leaving));
        FakeNora {
            got,
            leave,
            thread: Some(thread),
        }
    }

    /// Commands received until none came for `quiet`.
    pub fn drain(&self, quiet: Duration) -> Vec<String> {
        let mut all = Vec::new();
        while let Ok(c) = self.got.recv_timeout(quiet) {
            all.push(c);
        }
        all
    }

    /// Waits for a command equal to `want` (skipping others); returns those skipped.
    pub fn wait_for(&self, want: &str, within: Duration) -> Vec<String> {
        let deadline = std::time::Instant::now() + within;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.got.recv_timeout(left) {
                Ok(c) if c == want => return seen,
                Ok(c) => seen.push(c),
                Err(_) => panic!("the toy never got {want:?}; it got {seen:?}"),
            }
        }
    }

    /// The toy leaves: its socket closes.
    pub fn leave(mut self) {
        self.leave.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FakeNora {
    fn drop(&mut self) {
        self.leave.store(true, Ordering::Release);
    }
}

fn serve(
    mut ws: tungstenite::WebSocket<MaybeTlsStream<TcpStream>>,
    got: mpsc::Sender<String>,
    leave: Arc<AtomicBool>,
) {
    while !leave.load(Ordering::Acquire) {
        match ws.read() {
            Ok(Message::Binary(data)) => {
                let text = String::from_utf8_lossy(&data).into_owned();
                let answer = match text.as_str() {
                    "DeviceType;" => Some("A:11:0082059AD3BD;"),
                    "Battery;" => Some("66;"),
                    _ => None,
                };
                if let Some(a) = answer {
                    let _ = ws.send(Message::binary(a.as_bytes().to_vec()));
                }
                let _ = got.send(text);
            }
            Ok(Message::Close(_)) => return,
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
    let _ = ws.close(None);
    let _ = ws.flush();
}

/// `plugwire serve` with a device websocket server that takes fake Noras (the user
/// configuration written into `dir`), plus `extra` arguments; the server and the URL
/// devices connect on.
pub fn serve_for_fake_noras(
    dir: &std::path::Path,
    extra: &[&str],
) -> (super::serve_process::Serve, String) {
    let user = dir.join("user.json");
    std::fs::write(&user, USER_CONFIG).unwrap();
    let mut args = vec![
        "--use-device-websocket-server",
        "--device-websocket-server-port",
        "0",
        "--user-device-config-file",
        user.to_str().unwrap(),
        "--log",
        "warn",
    ];
    args.extend_from_slice(extra);
    let serve = super::serve_process::Serve::start(&args);
    let devices = serve.line_after("plugwire serve: devices connect on ");
    (serve, devices)
}
