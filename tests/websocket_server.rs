//! The websocket server with real sockets on loopback.

mod common;

use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use plugwire::transport::WebsocketServer;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

async fn listen(rig: &Rig) -> WebsocketServer {
    WebsocketServer::start(rig.server.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

async fn handshake(ws: &mut Ws, version: u32) -> Value {
    let body = match version {
        4 => {
            json!({"Id": 1, "ClientName": "ws test", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0})
        }
        v => json!({"Id": 1, "ClientName": "ws test", "MessageVersion": v}),
    };
    ws_send(ws, json!([{"RequestServerInfo": body}]))
        .await
        .remove(0)
}

async fn scan(ws: &mut Ws) -> Vec<Value> {
    assert_eq!(
        ws_send(ws, json!([{"StartScanning": {"Id": 2}}])).await,
        vec![json!({"Ok": {"Id": 2}})]
    );
    let mut seen = Vec::new();
    loop {
        for m in ws_recv(ws).await {
            if m.get("ScanningFinished").is_some() {
                return seen;
            }
            seen.push(m);
        }
    }
}

#[tokio::test]
async fn every_version_over_the_wire() {
    for version in 0..=4u32 {
        let rig = rig(&["LVS-Nora"]);
        let server = listen(&rig).await;
        let mut ws = ws_connect(&server).await;
        let info = handshake(&mut ws, version).await;
        assert!(info.get("ServerInfo").is_some(), "v{version}: {info}");
        let added = scan(&mut ws).await;
        assert_eq!(added.len(), 1, "v{version}: {added:?}");
        let nora = rig.index_of("LVS-Nora");
        let command = match version {
            0 => json!({"SingleMotorVibrateCmd": {"Id": 3, "DeviceIndex": nora, "Speed": 0.5}}),
            1 | 2 => {
                json!({"VibrateCmd": {"Id": 3, "DeviceIndex": nora, "Speeds": [{"Index": 0, "Speed": 0.5}]}})
            }
            3 => {
                json!({"ScalarCmd": {"Id": 3, "DeviceIndex": nora, "Scalars": [{"Index": 0, "Scalar": 0.5, "ActuatorType": "Vibrate"}]}})
            }
            _ => {
                json!({"OutputCmd": {"Id": 3, "DeviceIndex": nora, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 10}}}})
            }
        };
        assert_eq!(
            ws_send(&mut ws, json!([command])).await,
            vec![json!({"Ok": {"Id": 3}})],
            "v{version}"
        );
        assert_eq!(
            commands(&rig.device("LVS-Nora")),
            vec!["Vibrate:10;"],
            "v{version}"
        );
    }
}

#[tokio::test]
async fn malformed_frames_get_errors_and_the_connection_stays() {
    let rig = rig(&[]);
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    ws.send(Message::text("this is not json")).await.unwrap();
    let reply = ws_recv(&mut ws).await;
    assert_eq!(error_code(&reply[0]), Some(3), "{reply:?}");
    ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    let reply = ws_recv(&mut ws).await;
    assert_eq!(error_code(&reply[0]), Some(3), "{reply:?}");
    assert_eq!(
        ws_send(&mut ws, json!([{"RequestDeviceList": {"Id": 5}}])).await[0]["DeviceList"]["Id"],
        5
    );
}

#[tokio::test]
async fn oversized_frames_are_refused() {
    let rig = rig(&[]);
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    let huge = "x".repeat(plugwire::transport::MAX_FRAME_BYTES + 10);
    let _ = ws.send(Message::text(huge)).await;
    // The server refuses to buffer it and says why: close code 1009 (message too big).
    let next = tokio::time::timeout(WAIT, ws.next())
        .await
        .expect("answer in time");
    match next {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), 1009);
            assert!(frame.reason.contains("too big"), "{frame:?}");
        }
        other => panic!("expected close 1009, got {other:?}"),
    }
}

#[tokio::test]
async fn a_second_client_is_refused_and_a_leaving_client_stops_its_devices() {
    let rig = rig(&["LVS-Lush"]);
    let server = listen(&rig).await;
    let mut first = ws_connect(&server).await;
    handshake(&mut first, 3).await;
    scan(&mut first).await;
    let lush = rig.index_of("LVS-Lush");
    ws_send(&mut first, json!([{"ScalarCmd": {"Id": 3, "DeviceIndex": lush, "Scalars": [{"Index": 0, "Scalar": 1.0, "ActuatorType": "Vibrate"}]}}])).await;

    // A second client's RequestServerInfo is answered with a handshake Error carrying its
    // Id and the reason, then the connection closes with 1013 (try again later).
    let mut second = ws_connect(&server).await;
    second
        .send(Message::text(
            json!([{"RequestServerInfo": {"Id": 7, "ClientName": "second", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])
                .to_string(),
        ))
        .await
        .unwrap();
    let refusal = ws_recv(&mut second).await;
    assert_eq!(error_code(&refusal[0]), Some(1), "{refusal:?}");
    assert_eq!(refusal[0]["Error"]["Id"], 7);
    assert!(
        refusal[0]["Error"]["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("another client is connected"),
        "{refusal:?}"
    );
    match tokio::time::timeout(WAIT, second.next())
        .await
        .expect("close in time")
    {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), 1013);
            assert!(frame.reason.contains("another client is connected"));
        }
        other => panic!("expected a close frame, got {other:?}"),
    }

    first.close(None).await.unwrap();
    drop(first);
    assert_eq!(
        wait_commands(&rig.device("LVS-Lush"), 2).await,
        vec!["Vibrate:20;", "Vibrate:0;"]
    );

    // The next client sees the same device at the same index.
    let mut third = loop {
        let mut ws = ws_connect(&server).await;
        let info = handshake(&mut ws, 4).await;
        if info.get("ServerInfo").is_some() {
            break ws;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let list = ws_send(&mut third, json!([{"RequestDeviceList": {"Id": 2}}])).await;
    assert_eq!(
        list[0]["DeviceList"]["Devices"][lush.to_string()]["DeviceName"],
        "Lovense Lush"
    );
}

#[tokio::test]
async fn ping_timeout_over_the_wire() {
    let rig = rig_with(&["LVS-Lush"], |b| {
        b.default_message_gap_ms(0).max_ping_time_ms(150)
    });
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    scan(&mut ws).await;
    ws_send(&mut ws, json!([{"OutputCmd": {"Id": 3, "DeviceIndex": 0, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 4}}}}])).await;
    let event = ws_recv(&mut ws).await;
    assert_eq!(event[0]["Error"]["ErrorCode"], 2, "{event:?}");
    assert_eq!(
        commands(&rig.device("LVS-Lush")),
        vec!["Vibrate:4;", "Vibrate:0;"]
    );
}
