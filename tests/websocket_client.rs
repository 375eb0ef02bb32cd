//! The client's websocket connector against plugwire's websocket server and against small
//! scripted servers, over real loopback sockets.

mod common;

use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use plugwire::transport::WebsocketServer;
use plugwire::{ButtplugClient, ClientError, ClientEvent, InputType, OutputType, OutputValue};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

async fn serve(rig: &Rig) -> (WebsocketServer, String) {
    let ws = WebsocketServer::start(rig.server.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("ws://{}", ws.local_addr());
    (ws, url)
}

#[tokio::test]
async fn drives_a_remote_server() {
    let rig = rig_with(&["LVS-Nora"], |b| {
        b.default_message_gap_ms(0).max_ping_time_ms(200)
    });
    let (_ws, url) = serve(&rig).await;
    let client = ButtplugClient::connect_websocket("remote test", &url)
        .await
        .unwrap();
    assert_eq!(client.server_name(), "test server");
    let mut events = client.events();
    client.start_scanning().await.unwrap();
    let nora = loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            ClientEvent::DeviceAdded(d) => break d,
            _ => continue,
        }
    };
    assert_eq!(nora.name(), "Lovense Nora");
    assert_eq!(
        nora.features()[1].outputs[&OutputType::Rotate].value,
        (-20, 20)
    );
    nora.vibrate(0.5).await.unwrap();
    nora.rotate(-0.25).await.unwrap();
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec!["Vibrate:10;", "RotateChange;", "Rotate:5;"]
    );
    assert!((nora.battery().await.unwrap() - 0.9).abs() < 1e-9);
    nora.output(0, OutputType::Vibrate, OutputValue::Steps(3))
        .await
        .unwrap();
    // The client pings at half of MaxPingTime, so the session outlives it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    nora.stop().await.unwrap();
    // The rotation ran the other way: the stop toggles it back while stopped.
    assert_eq!(
        commands(&rig.device("LVS-Nora"))[3..],
        ["Battery;", "Vibrate:3;", "Vibrate:0;", "Rotate:0;", "RotateChange;"]
    );
    // Server-side errors come back as errors.
    let err = nora.read_input(0, InputType::Battery).await.unwrap_err();
    assert!(matches!(err, ClientError::Server(_)), "{err:?}");
    // Devices leaving are events, from the pushed DeviceList.
    rig.device("LVS-Nora").drop_device();
    loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            ClientEvent::DeviceRemoved { index, .. } => {
                assert_eq!(index, nora.index());
                break;
            }
            _ => continue,
        }
    }
    client.disconnect().await.unwrap();
}

#[tokio::test]
async fn refused_connections_are_clear_errors() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = ButtplugClient::connect_websocket("t", &format!("ws://{addr}"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Connection(ref m) if m.contains(&addr.to_string())),
        "{err:?}"
    );
}

/// A server that answers the handshake with `answer` and then behaves as scripted.
async fn scripted(answer: &'static str, close_after: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Text(t) = msg {
                if t.contains("RequestServerInfo") {
                    ws.send(Message::text(answer)).await.unwrap();
                } else if t.contains("RequestDeviceList") {
                    let id: serde_json::Value = serde_json::from_str(&t).unwrap();
                    let id = &id[0]["RequestDeviceList"]["Id"];
                    ws.send(Message::text(format!(
                        r#"[{{"DeviceList":{{"Id":{id},"Devices":{{}}}}}}]"#
                    )))
                    .await
                    .unwrap();
                    if close_after {
                        // Later, the server goes away.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        ws.close(None).await.unwrap();
                        return;
                    }
                }
            }
        }
    });
    format!("ws://{addr}")
}

#[tokio::test]
async fn a_version_mismatch_is_a_handshake_error() {
    let url = scripted(
        r#"[{"Error":{"Id":1,"ErrorCode":1,"ErrorMessage":"client spec too new"}}]"#,
        false,
    )
    .await;
    let err = ButtplugClient::connect_websocket("t", &url)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Server(ref e) if e.code == plugwire::spec::ErrorCode::Handshake),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_server_going_away_is_an_event() {
    let url = scripted(
        r#"[{"ServerInfo":{"Id":1,"ServerName":"s","MaxPingTime":0,"ProtocolVersionMajor":4,"ProtocolVersionMinor":0}}]"#,
        true,
    )
    .await;
    let client = ButtplugClient::connect_websocket("t", &url).await.unwrap();
    let mut events = client.events();
    loop {
        match tokio::time::timeout(WAIT, events.recv()).await {
            Ok(Ok(ClientEvent::ServerDisconnected)) => break,
            Ok(Ok(_)) => continue,
            other => panic!("expected ServerDisconnected, got {other:?}"),
        }
    }
    assert!(!client.is_connected());
}
