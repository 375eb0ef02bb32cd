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
    let added = s.scan_expecting(2, 1).await;
    let list = &added.last().expect("device added")["DeviceList"]["Devices"]["0"];
    // Passive, as in the reference: the device websocket manager never finishes a scan.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), s.events.recv())
            .await
            .is_err(),
        "no ScanningFinished (nor anything else) after the device was added"
    );
    assert!(rig.server.device_manager().is_scanning());
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

/// The next close frame the listener sends, `None` if the connection just ends.
async fn close_of(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Option<(u16, String)> {
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("the listener ends the connection in time")
        {
            Some(Ok(Message::Close(Some(f)))) => {
                return Some((u16::from(f.code), f.reason.to_string()));
            }
            Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn the_device_listener_has_a_deadline_and_a_small_frame_limit_and_keeps_accepting() {
    use plugwire::hardware::websocket_devices::{DEVICE_MAX_FRAME_BYTES, DeviceWebsocketOptions};
    use tokio::io::AsyncReadExt;
    let devices = DeviceWebsocketManager::listen_with(
        "127.0.0.1:0".parse().unwrap(),
        DeviceWebsocketOptions {
            handshake_timeout: Duration::from_millis(300),
        },
    )
    .await
    .unwrap();
    let url = format!("ws://{}", devices.local_addr());
    let started = std::time::Instant::now();

    // A raw TCP connection that never upgrades is closed at the deadline.
    let mut raw = tokio::net::TcpStream::connect(devices.local_addr())
        .await
        .unwrap();
    // A websocket that never identifies is closed at the deadline, with a reason.
    let (mut silent, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(WAIT, raw.read(&mut buf))
        .await
        .expect("raw connection closed in time")
        .unwrap_or(0);
    assert_eq!(n, 0);
    let (code, reason) = close_of(&mut silent).await.expect("a close frame");
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("identification"), "{reason}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "{waited:?}"
    );

    // A frame over the limit is refused with 1009, before or after identification.
    let (mut big, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let _ = big
        .send(Message::text("x".repeat(DEVICE_MAX_FRAME_BYTES + 1)))
        .await;
    assert_eq!(close_of(&mut big).await.map(|c| c.0), Some(1009));
    let (mut big, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    big.send(Message::text(
        r#"{"identifier": "LVSDevice", "address": "ws-big", "version": 0}"#,
    ))
    .await
    .unwrap();
    let _ = big
        .send(Message::binary(vec![0u8; DEVICE_MAX_FRAME_BYTES + 1]))
        .await;
    assert_eq!(close_of(&mut big).await.map(|c| c.0), Some(1009));

    // The listener still takes devices, and one that identified in time stays past the
    // deadline.
    let (mut good, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    good.send(Message::text(
        r#"{"identifier": "LVSDevice", "address": "ws-good", "version": 0}"#,
    ))
    .await
    .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(600), good.next())
            .await
            .is_err(),
        "an identified device is not closed"
    );
}
