//! Shared by the fuzz targets that run a whole server: a runtime with paused time (timeouts
//! and gaps pass at once when nothing else can run, so an input costs no wall-clock wait),
//! and a JSON client that checks every reply it gets.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use plugwire::ButtplugServer;
use plugwire::server::JsonSession;
use plugwire::spec::ServerEvent;
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

/// A current-thread runtime whose clock only moves when every task waits on it.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("runtime")
    })
}

/// Longer than anything a reply may legitimately wait for (virtual time): a reply that
/// takes this long is a hang, and a finding.
const REPLY_BOUND: Duration = Duration::from_secs(60);

/// Checks one reply message: an object with one key (the message name) whose body is an
/// object with a numeric Id, and which survives a JSON round trip.
pub fn check_reply(reply: &Value) {
    let object = reply
        .as_object()
        .unwrap_or_else(|| panic!("reply is not an object: {reply}"));
    assert_eq!(object.len(), 1, "reply has not exactly one key: {reply}");
    let (_, body) = object.iter().next().unwrap();
    assert!(
        body.get("Id").is_some_and(Value::is_u64),
        "reply without a numeric Id: {reply}"
    );
    let text = serde_json::to_string(reply).expect("reply serialises");
    let back: Value = serde_json::from_str(&text).expect("reply is valid JSON");
    assert_eq!(&back, reply);
}

pub struct Client {
    pub session: JsonSession,
    pub events: mpsc::Receiver<ServerEvent>,
}

impl Client {
    pub fn open(server: &Arc<ButtplugServer>) -> Client {
        let session = server
            .connect_json()
            .expect("the previous session has ended");
        let events = session.take_events().expect("events");
        Client { session, events }
    }

    /// Sends one frame; every reply is checked, one reply per message (or one Error for a
    /// frame that is not a list of messages).
    pub async fn frame(&mut self, text: &str) -> Vec<Value> {
        let replies = tokio::time::timeout(REPLY_BOUND, self.session.handle_text(text))
            .await
            .unwrap_or_else(|_| panic!("no reply to {text:?}"));
        assert!(!replies.is_empty(), "no reply at all to {text:?}");
        for r in &replies {
            check_reply(r);
        }
        // Events rendered for this client must be valid too.
        while let Ok(event) = self.events.try_recv() {
            if let Some(v) = self.session.encode_event(&event) {
                check_reply(&v);
            }
        }
        replies
    }

    pub async fn one(&mut self, message: Value) -> Value {
        let mut replies = self.frame(&json!([message]).to_string()).await;
        assert_eq!(replies.len(), 1, "{replies:?}");
        replies.remove(0)
    }

    /// The handshake in spec version 0-4.
    pub async fn handshake(&mut self, version: u8) {
        let body = match version {
            0 => json!({"Id": 1, "ClientName": "fuzz"}),
            4 => {
                json!({"Id": 1, "ClientName": "fuzz", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0})
            }
            v => json!({"Id": 1, "ClientName": "fuzz", "MessageVersion": v}),
        };
        let info = self.one(json!({"RequestServerInfo": body})).await;
        assert!(info.get("ServerInfo").is_some(), "v{version}: {info}");
    }

    /// Scans, then waits (virtual time) until `devices` devices are connected or a while
    /// has passed (identification and initialisation may fail, and then none comes).
    pub async fn scan_for(&mut self, server: &ButtplugServer, devices: usize) {
        let ok = self.one(json!({"StartScanning": {"Id": 2}})).await;
        assert!(ok.get("Ok").is_some(), "{ok}");
        for _ in 0..200 {
            if server.device_manager().devices().len() >= devices {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The session still answers: a device list comes back for its Id.
    pub async fn still_answers(&mut self) {
        let list = self.one(json!({"RequestDeviceList": {"Id": 4000}})).await;
        assert_eq!(list["DeviceList"]["Id"], 4000, "{list}");
    }

    /// (v4 sessions) Drives every output of every device to values taken from `bytes`,
    /// reads every input, then stops everything.
    pub async fn exercise(&mut self, bytes: &mut impl Iterator<Item = u8>) {
        let list = self.one(json!({"RequestDeviceList": {"Id": 3}})).await;
        let devices = list["DeviceList"]["Devices"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut id = 10u32;
        for device in devices.values() {
            let index = &device["DeviceIndex"];
            let features = device["DeviceFeatures"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for feature in features.values() {
                let fi = &feature["FeatureIndex"];
                for (output, limits) in feature["Output"].as_object().cloned().unwrap_or_default() {
                    let range = &limits["Value"];
                    let (lo, hi) = (
                        range[0].as_i64().unwrap_or(0),
                        range[1].as_i64().unwrap_or(0),
                    );
                    let pick = i64::from(bytes.next().unwrap_or(255));
                    let value = if hi > lo {
                        lo + (hi - lo) * pick / 255
                    } else {
                        lo
                    };
                    let mut command = json!({"Value": value});
                    if let Some(d) = limits.get("Duration") {
                        command["Duration"] = d[1].clone();
                    }
                    id += 1;
                    self.one(
                        json!({"OutputCmd": {"Id": id, "DeviceIndex": index, "FeatureIndex": fi,
                        "Command": {output: command}}}),
                    )
                    .await;
                }
                for (input, _) in feature["Input"].as_object().cloned().unwrap_or_default() {
                    id += 1;
                    self.one(
                        json!({"InputCmd": {"Id": id, "DeviceIndex": index, "FeatureIndex": fi,
                        "Type": input, "Command": "Read"}}),
                    )
                    .await;
                }
            }
        }
        let stopped = self.one(json!({"StopCmd": {"Id": 5}})).await;
        assert!(
            stopped.get("Ok").is_some() || stopped.get("Error").is_some(),
            "{stopped}"
        );
    }

    pub async fn disconnect(self) {
        self.session.disconnect().await;
    }
}

/// Drives every output of the `devices` devices a v4 client finds to values from `values`,
/// reads and stops them, then lists them to a client of spec version `legacy % 4` and
/// shuts the server down.
pub async fn serve_every_version(
    server: &Arc<ButtplugServer>,
    devices: usize,
    values: &mut impl Iterator<Item = u8>,
    legacy: u8,
) {
    let mut client = Client::open(server);
    client.handshake(4).await;
    client.scan_for(server, devices).await;
    client.exercise(values).await;
    client.still_answers().await;
    client.disconnect().await;
    // The same devices as older clients see them.
    let mut older = Client::open(server);
    older.handshake(legacy % 4).await;
    older.still_answers().await;
    older.disconnect().await;
    server.shutdown().await;
}
