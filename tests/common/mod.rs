//! Shared set-up for integration tests: a server with simulated toys, JSON sessions, and
//! helpers to read what devices received.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use plugwire::hardware::simulated::{SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::server::{ButtplugServer, JsonSession, ServerBuilder};
use plugwire::spec::ServerEvent;
use plugwire::transport::WebsocketServer;
use plugwire::{ButtplugClient, ClientDevice};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const WAIT: Duration = Duration::from_secs(5);

pub struct Rig {
    pub hw: SimulatedHardware,
    pub server: Arc<ButtplugServer>,
}

/// A server with the given simulated toys and no message gap (tests about the gap set it).
pub fn rig(names: &[&str]) -> Rig {
    rig_with(names, |b| b.default_message_gap_ms(0))
}

pub fn rig_with(names: &[&str], configure: impl FnOnce(ServerBuilder) -> ServerBuilder) -> Rig {
    let hw = SimulatedHardware::new();
    for (i, name) in names.iter().enumerate() {
        hw.add_device(SimulatedDeviceSpec {
            name: name.to_string(),
            address: format!("AA:00:00:00:00:{i:02X}"),
            ..Default::default()
        });
    }
    let server = configure(
        ButtplugServer::builder()
            .name("test server")
            .simulated(hw.clone()),
    )
    .build()
    .expect("server builds");
    Rig { hw, server }
}

impl Rig {
    pub fn device(&self, name: &str) -> SimulatedDevice {
        self.hw
            .device_by_name(name)
            .expect("simulated device exists")
    }

    /// Index the server gave a simulated device.
    pub fn index_of(&self, name: &str) -> u32 {
        let address = self.device(name).address().to_string();
        self.server
            .device_manager()
            .devices()
            .iter()
            .find(|d| d.address() == address)
            .map(|d| d.index())
            .expect("device connected")
    }
}

/// A JSON client session plus its event stream.
pub struct Json {
    pub session: JsonSession,
    pub events: mpsc::Receiver<ServerEvent>,
    hw: SimulatedHardware,
}

impl Json {
    pub fn open(rig: &Rig) -> Json {
        Json::on(&rig.server, &rig.hw)
    }

    /// A session on any server whose simulated toys are `hw`'s.
    pub fn on(server: &Arc<ButtplugServer>, hw: &SimulatedHardware) -> Json {
        let session = server.connect_json().expect("session opens");
        let events = session.take_events().expect("events");
        Json {
            session,
            events,
            hw: hw.clone(),
        }
    }

    /// Sends one frame; returns the reply messages.
    pub async fn send(&mut self, frame: Value) -> Vec<Value> {
        self.session.handle_text(&frame.to_string()).await
    }

    pub async fn send_text(&mut self, text: &str) -> Vec<Value> {
        self.session.handle_text(text).await
    }

    /// Sends one message; returns its single reply.
    pub async fn one(&mut self, message: Value) -> Value {
        let mut replies = self.send(json!([message])).await;
        assert_eq!(replies.len(), 1, "one reply expected: {replies:?}");
        replies.remove(0)
    }

    /// Handshake in a spec version (0-4).
    pub async fn handshake(&mut self, version: u32) -> Value {
        let body = match version {
            0 => json!({"Id": 1, "ClientName": "test"}),
            4 => {
                json!({"Id": 1, "ClientName": "test", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0})
            }
            v => json!({"Id": 1, "ClientName": "test", "MessageVersion": v}),
        };
        self.one(json!({"RequestServerInfo": body})).await
    }

    /// Waits for the next event the session renders, as JSON.
    pub async fn next_event(&mut self) -> Value {
        loop {
            let event = tokio::time::timeout(WAIT, self.events.recv())
                .await
                .expect("event in time")
                .expect("event stream open");
            if let Some(v) = self.session.encode_event(&event) {
                return v;
            }
        }
    }

    /// Starts scanning and waits until every simulated toy that is present and not yet
    /// connected has been added (simulated toys never finish a scan, as in the
    /// reference); returns the events seen until then.
    pub async fn scan(&mut self, id: u32) -> Vec<Value> {
        let waiting = self
            .hw
            .devices()
            .iter()
            .filter(|d| d.is_present() && !d.is_connected())
            .count();
        self.scan_expecting(id, waiting).await
    }

    /// Starts scanning and returns the events seen until `added` devices were added.
    pub async fn scan_expecting(&mut self, id: u32, added: usize) -> Vec<Value> {
        let reply = self.one(json!({"StartScanning": {"Id": id}})).await;
        assert_eq!(reply, json!({"Ok": {"Id": id}}));
        let mut seen: Vec<Value> = Vec::new();
        while seen.iter().filter(|e| is_device_added(e)).count() < added {
            let e = self.next_event().await;
            assert!(
                e.get("ScanningFinished").is_none(),
                "a scan of simulated toys never finishes: {seen:?}"
            );
            seen.push(e);
        }
        seen
    }
}

/// Whether an event (as a session renders it) says a device was added: `DeviceAdded`, or
/// in spec v4 a `DeviceList` sent as an event.
pub fn is_device_added(event: &Value) -> bool {
    event.get("DeviceAdded").is_some() || event.get("DeviceList").is_some()
}

/// The text of every write a device got, in order.
pub fn writes(device: &SimulatedDevice) -> Vec<String> {
    device
        .writes()
        .iter()
        .map(|w| String::from_utf8_lossy(&w.data).into_owned())
        .collect()
}

/// Writes after the identification handshake (drops `DeviceType;`).
pub fn commands(device: &SimulatedDevice) -> Vec<String> {
    writes(device)
        .into_iter()
        .filter(|w| w != "DeviceType;")
        .collect()
}

/// Waits until a device has logged at least `n` records in total.
pub async fn wait_records(device: &SimulatedDevice, n: u64) {
    assert!(
        device.wait_for_records(n, WAIT).await,
        "device {} logged {} records, waited for {n}: {:?}",
        device.name(),
        device.record_count(),
        writes(device)
    );
}

pub fn error_code(reply: &Value) -> Option<u64> {
    reply.get("Error")?.get("ErrorCode")?.as_u64()
}

pub fn error_id(reply: &Value) -> Option<u64> {
    reply.get("Error")?.get("Id")?.as_u64()
}

/// Waits until a device's log (after `DeviceType;`) holds at least `n` writes.
pub async fn wait_commands(device: &SimulatedDevice, n: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let got = commands(device);
        if got.len() >= n {
            return got;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "device {} got {got:?}, waited for {n} writes",
            device.name()
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// An in-process client that has scanned, and the device it got for a simulated toy.
pub async fn client_with(rig: &Rig, name: &str) -> (ButtplugClient, ClientDevice) {
    let client = ButtplugClient::connect_in_process("test", &rig.server)
        .await
        .expect("client connects");
    client
        .scan(WAIT, Some(rig.hw.devices().len()))
        .await
        .expect("scan");
    let device = client
        .device(rig.index_of(name))
        .expect("device known to the client");
    (client, device)
}

/// A websocket client of a test server.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn ws_connect(server: &WebsocketServer) -> Ws {
    tokio_tungstenite::connect_async(format!("ws://{}", server.local_addr()))
        .await
        .expect("connects")
        .0
}

/// Next JSON text frame as its array of messages.
pub async fn ws_recv(ws: &mut Ws) -> Vec<Value> {
    loop {
        let msg = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("frame in time")
            .expect("open")
            .expect("ok");
        if let Message::Text(t) = msg {
            return serde_json::from_str::<Vec<Value>>(&t).expect("JSON array");
        }
    }
}

/// Sends a frame and returns the next frame.
pub async fn ws_send(ws: &mut Ws, v: Value) -> Vec<Value> {
    ws.send(Message::text(v.to_string())).await.unwrap();
    ws_recv(ws).await
}

/// Starts scanning over a websocket; returns the messages other than the scan's `Ok`
/// until `added` devices were added (simulated toys never finish a scan).
pub async fn ws_scan(ws: &mut Ws, id: u32, added: usize) -> Vec<Value> {
    ws.send(Message::text(
        json!([{"StartScanning": {"Id": id}}]).to_string(),
    ))
    .await
    .unwrap();
    let ok = json!({"Ok": {"Id": id}});
    let (mut answered, mut seen) = (false, Vec::new());
    while !answered || seen.iter().filter(|m| is_device_added(m)).count() < added {
        for m in ws_recv(ws).await {
            assert!(m.get("ScanningFinished").is_none(), "{m}: {seen:?}");
            if m == ok {
                answered = true;
            } else {
                seen.push(m);
            }
        }
    }
    seen
}
