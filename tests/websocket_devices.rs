//! Devices that connect over websocket, matched through a user config's `websocket`
//! specifier, driven by a client; a real socket on loopback plays the toy.

mod common;

use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use plugwire::hardware::websocket_devices::DeviceWebsocketManager;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

const USER: &str = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {
    "lovense": {"communication": [{"websocket": {"name": "LVSDevice"}}]}}}}"#;

/// A Lovense Nora on the other end of a websocket: answers identification and battery,
/// and reports every other command it gets.
async fn fake_nora(url: String, got: mpsc::UnboundedSender<String>) {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::text(
        r#"{"identifier": "LVSDevice", "address": "ws-nora-1", "version": 0}"#,
    ))
    .await
    .unwrap();
    while let Some(Ok(msg)) = ws.next().await {
        if let Message::Binary(data) = msg {
            let text = String::from_utf8_lossy(&data).into_owned();
            let answer = match text.as_str() {
                "DeviceType;" => Some("A:11:0082059AD3BD;".to_string()),
                "Battery;" => Some("66;".to_string()),
                _ => None,
            };
            if let Some(a) = answer {
                ws.send(Message::binary(a.into_bytes())).await.unwrap();
            }
            let _ = got.send(text);
        }
    }
}

#[tokio::test]
async fn a_websocket_device_is_found_identified_and_driven() {
    let devices = DeviceWebsocketManager::listen("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("ws://{}", devices.local_addr());
    // The default gap is for radio links: a device on a websocket gets none unless its
    // configuration sets one (as in the reference).
    let rig = rig_with(&[], |b| {
        b.default_message_gap_ms(75)
            .user_config_json(USER)
            .unwrap()
            .manager(devices)
    });
    let (tx, mut got) = mpsc::unbounded_channel();
    tokio::spawn(fake_nora(url, tx));
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut s = Json::open(&rig);
    s.handshake(4).await;
    let added = s.scan(2).await;
    let list = &added.last().expect("device added")["DeviceList"]["Devices"]["0"];
    assert_eq!(list["DeviceName"], "Lovense Nora");
    assert_eq!(list["DeviceMessageTimingGap"], 0);
    s.one(json!({"OutputCmd": {"Id": 3, "DeviceIndex": 0, "FeatureIndex": 1, "Command": {"Rotate": {"Value": -7}}}})).await;
    let battery = s.one(json!({"InputCmd": {"Id": 4, "DeviceIndex": 0, "FeatureIndex": 2, "Type": "Battery", "Command": "Read"}})).await;
    assert_eq!(battery["InputReading"]["Reading"]["Battery"]["Value"], 66);
    let mut received = Vec::new();
    while received.len() < 4 {
        received.push(
            tokio::time::timeout(WAIT, got.recv())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert_eq!(
        received,
        vec!["DeviceType;", "RotateChange;", "Rotate:7;", "Battery;"]
    );
}
