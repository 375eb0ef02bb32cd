//! The websocket server with real sockets on loopback.

mod common;

use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use plugwire::transport::{WebsocketOptions, WebsocketServer};
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
    ws_scan(ws, 2, 1).await
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

async fn listen_with(rig: &Rig, options: WebsocketOptions) -> WebsocketServer {
    WebsocketServer::start_with(rig.server.clone(), "127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap()
}

/// A client that completes the handshake in time gets the slot; retries while the slot is
/// still held by a connection the server is about to drop.
async fn connect_and_handshake(server: &WebsocketServer) -> Ws {
    let until = std::time::Instant::now() + WAIT;
    loop {
        let mut ws = ws_connect(server).await;
        let info = handshake(&mut ws, 4).await;
        if info.get("ServerInfo").is_some() {
            return ws;
        }
        assert!(
            std::time::Instant::now() < until,
            "the slot stayed taken: {info}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn short_handshake() -> WebsocketOptions {
    WebsocketOptions {
        handshake_timeout: Duration::from_millis(300),
        ..WebsocketOptions::default()
    }
}

#[tokio::test]
async fn a_silent_websocket_client_is_closed_at_the_deadline_and_the_next_client_connects() {
    let rig = rig(&[]);
    let server = listen_with(&rig, short_handshake()).await;
    let started = std::time::Instant::now();
    let mut silent = ws_connect(&server).await;
    // Its websocket stack answers the server's pings, but it never says RequestServerInfo.
    let mut said = Vec::new();
    let close = loop {
        match tokio::time::timeout(WAIT, silent.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(Message::Text(t))) => said.push(t.to_string()),
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
    assert_eq!(said.len(), 1, "{said:?}");
    let error: Vec<Value> = serde_json::from_str(&said[0]).unwrap();
    assert_eq!(error_code(&error[0]), Some(1), "{error:?}");
    let close = close.expect("a close frame with a reason");
    assert_eq!(u16::from(close.code), 1008);
    assert!(close.reason.contains("RequestServerInfo"), "{close:?}");
    // The slot is free: the next client is served.
    let mut next = connect_and_handshake(&server).await;
    assert_eq!(
        ws_send(&mut next, json!([{"RequestDeviceList": {"Id": 2}}])).await[0]["DeviceList"]["Id"],
        2
    );
}

#[tokio::test]
async fn raw_tcp_connections_that_never_upgrade_are_closed_at_the_deadline() {
    use tokio::io::AsyncReadExt;
    let rig = rig(&[]);
    let server = listen_with(&rig, short_handshake()).await;
    let started = std::time::Instant::now();
    let mut raw = Vec::new();
    for _ in 0..20 {
        raw.push(
            tokio::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap(),
        );
    }
    // One sends half an HTTP request and stops.
    use tokio::io::AsyncWriteExt;
    raw[0]
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // A client connecting meanwhile is served at once.
    let mut client = connect_and_handshake(&server).await;
    for mut stream in raw {
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(WAIT, stream.read(&mut buf))
            .await
            .expect("the server closes the raw connection in time")
            .unwrap_or(0);
        assert_eq!(n, 0, "no bytes, just the close");
    }
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
    // The served client is unaffected by the deadline.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        ws_send(&mut client, json!([{"RequestDeviceList": {"Id": 2}}])).await[0]["DeviceList"]["Id"],
        2
    );
    drop(client);
    // And after it leaves, the next one gets the slot.
    connect_and_handshake(&server).await;
}

#[tokio::test]
async fn a_frame_of_half_a_million_messages_gets_one_error() {
    let rig = rig(&[]);
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    // 1 MiB of `{}`: 524,288 messages back to back.
    let frame = "{}".repeat(plugwire::transport::MAX_FRAME_BYTES / 2);
    ws.send(Message::text(frame)).await.unwrap();
    let reply = ws_recv(&mut ws).await;
    assert_eq!(reply.len(), 1, "one Error for the whole frame");
    assert_eq!(error_code(&reply[0]), Some(3), "{reply:?}");
    let text = reply[0]["Error"]["ErrorMessage"].as_str().unwrap();
    assert!(text.contains("at most 256 messages"), "{text}");
    // The session goes on.
    assert_eq!(
        ws_send(&mut ws, json!([{"RequestDeviceList": {"Id": 5}}])).await[0]["DeviceList"]["Id"],
        5
    );
}

#[tokio::test]
async fn a_frame_of_device_list_requests_over_the_bound_runs_none_of_them() {
    let rig = rig(&["LVS-Lush"]);
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    scan(&mut ws).await;
    let one = json!({"RequestDeviceList": {"Id": 9}}).to_string();
    let count = plugwire::transport::MAX_FRAME_BYTES / (one.len() + 1) - 1;
    let frame = format!("[{}]", vec![one.as_str(); count].join(","));
    assert!(frame.len() <= plugwire::transport::MAX_FRAME_BYTES);
    ws.send(Message::text(frame)).await.unwrap();
    let reply = ws_recv(&mut ws).await;
    assert_eq!(reply.len(), 1, "one Error for the whole frame");
    assert_eq!(error_code(&reply[0]), Some(3), "{reply:?}");
    // Several arrays back to back count together.
    let frame = format!("[{one}]").repeat(plugwire::transport::MAX_MESSAGES_PER_FRAME + 1);
    ws.send(Message::text(frame)).await.unwrap();
    let reply = ws_recv(&mut ws).await;
    assert_eq!(reply.len(), 1, "{reply:?}");
    assert_eq!(error_code(&reply[0]), Some(3), "{reply:?}");
}

#[tokio::test]
async fn a_frame_at_the_bound_is_answered_whole() {
    let rig = rig(&[]);
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    let max = plugwire::transport::MAX_MESSAGES_PER_FRAME;
    let messages: Vec<Value> = (0..max)
        .map(|i| json!({"RequestDeviceList": {"Id": i + 10}}))
        .collect();
    let reply = ws_send(&mut ws, Value::Array(messages)).await;
    assert_eq!(reply.len(), max);
    for (i, r) in reply.iter().enumerate() {
        assert_eq!(r["DeviceList"]["Id"], i + 10, "{r}");
    }
}

fn idle_after(ms: u64) -> WebsocketOptions {
    WebsocketOptions {
        idle_timeout: Some(Duration::from_millis(ms)),
        ..WebsocketOptions::default()
    }
}

/// Reads frames until the server closes; returns the close code and reason.
async fn close_of(ws: &mut Ws, within: Duration) -> Option<(u16, String)> {
    let read = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(Some(f)))) => {
                    return Some((u16::from(f.code), f.reason.to_string()));
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    };
    tokio::time::timeout(within, read)
        .await
        .expect("closed in time")
}

#[tokio::test]
async fn an_idle_client_with_no_device_running_is_closed_and_the_next_one_connects() {
    let rig = rig(&["LVS-Lush"]);
    let server = listen_with(&rig, idle_after(300)).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    scan(&mut ws).await;
    let started = std::time::Instant::now();
    // Its websocket stack keeps answering pings; it just sends no message.
    let (code, reason) = close_of(&mut ws, WAIT).await.expect("a close frame");
    let waited = started.elapsed();
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("idle"), "{reason}");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    connect_and_handshake(&server).await;
}

#[tokio::test]
async fn an_idle_client_keeps_its_slot_while_a_toy_runs_on_its_commands() {
    let rig = rig(&["LVS-Lush"]);
    let server = listen_with(&rig, idle_after(300)).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    scan(&mut ws).await;
    let lush = rig.index_of("LVS-Lush");
    ws_send(&mut ws, json!([{"OutputCmd": {"Id": 3, "DeviceIndex": lush, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 7}}}}])).await;
    // Quiet for five idle periods: the toy runs, so the connection stays.
    let quiet = tokio::time::timeout(Duration::from_millis(1500), ws.next()).await;
    assert!(quiet.is_err(), "closed while a toy runs: {quiet:?}");
    assert_eq!(commands(&rig.device("LVS-Lush")), vec!["Vibrate:7;"]);
    // Once it stops the toy, the idle clock runs again.
    ws_send(&mut ws, json!([{"StopCmd": {"Id": 4}}])).await;
    let (code, _) = close_of(&mut ws, WAIT).await.expect("a close frame");
    assert_eq!(code, 1008);
}

#[tokio::test]
async fn with_max_ping_time_on_the_ping_watchdog_decides_not_the_idle_policy() {
    let rig = rig_with(&[], |b| {
        b.default_message_gap_ms(0).max_ping_time_ms(60_000)
    });
    let server = listen_with(&rig, idle_after(200)).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    let quiet = tokio::time::timeout(Duration::from_millis(1000), ws.next()).await;
    assert!(quiet.is_err(), "closed: {quiet:?}");
    assert_eq!(
        ws_send(&mut ws, json!([{"Ping": {"Id": 2}}])).await,
        vec![json!({"Ok": {"Id": 2}})]
    );
}

/// Connections still in their handshake (or being refused) are capped: one beyond the cap
/// is closed at once, before the handshake deadline, and the ones within it are served as
/// before; once they are gone a client connects.
#[tokio::test]
async fn waiting_connections_beyond_the_cap_are_closed_at_once() {
    use tokio::io::AsyncReadExt;
    let rig = rig(&[]);
    let server = listen_with(
        &rig,
        WebsocketOptions {
            handshake_timeout: Duration::from_secs(2),
            max_waiting_connections: 2,
            ..WebsocketOptions::default()
        },
    )
    .await;
    let mut within = Vec::new();
    for _ in 0..2 {
        within.push(
            tokio::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap(),
        );
    }
    // The server has taken both before the next one knocks.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut beyond = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(1), beyond.read(&mut buf))
        .await
        .expect("a connection beyond the cap is closed long before the handshake deadline")
        .unwrap_or(0);
    assert_eq!(n, 0);
    // The two within the cap are still open (their deadline has not come).
    for stream in &mut within {
        let mut buf = [0u8; 16];
        assert!(
            tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf))
                .await
                .is_err(),
            "a connection within the cap was closed early"
        );
    }
    drop(within);
    connect_and_handshake(&server).await;
}

/// A hardware manager whose scan takes a while to start, as a Bluetooth adapter's does.
struct SlowScanner {
    scanning: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

#[async_trait::async_trait]
impl plugwire::hardware::HardwareManager for SlowScanner {
    fn name(&self) -> &'static str {
        "slow"
    }

    fn attach(&self, _sink: plugwire::hardware::ManagerSink) {}

    async fn start_scanning(&self) -> Result<(), plugwire::hardware::HardwareError> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.scanning
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    async fn stop_scanning(&self) -> Result<(), plugwire::hardware::HardwareError> {
        self.scanning
            .store(false, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

/// StartScanning in one frame and StopScanning in the next act in that order: scanning is
/// off once both are answered, however long the start takes.
#[tokio::test]
async fn start_then_stop_scanning_in_consecutive_frames_leaves_scanning_off() {
    let scanning = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let manager = std::sync::Arc::new(SlowScanner {
        scanning: scanning.clone(),
    });
    let rig = rig_with(&[], |b| b.manager(manager));
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    for round in 0..5u32 {
        let id = 10 + round * 2;
        ws.send(Message::text(
            json!([{"StartScanning": {"Id": id}}]).to_string(),
        ))
        .await
        .unwrap();
        ws.send(Message::text(
            json!([{"StopScanning": {"Id": id + 1}}]).to_string(),
        ))
        .await
        .unwrap();
        let mut answered = 0;
        while answered < 2 {
            for m in ws_recv(&mut ws).await {
                if m.get("Ok").is_some() {
                    answered += 1;
                }
            }
        }
        assert!(
            !scanning.load(std::sync::atomic::Ordering::SeqCst),
            "round {round}: StopScanning ran before the StartScanning sent before it"
        );
    }
}

/// Replies go out in frame order and only the oldest is awaited, but a read behind a
/// reply that takes long still goes on at once: its answer arrives while an earlier
/// frame's command hangs, and notifications flooding in after it (more than the
/// device's event buffer holds) must not cost the read its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_behind_a_hanging_reply_keeps_its_answer() {
    let rig = rig_with(&["LVS-Lush", "LVS-Nora"], |b| {
        b.default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(1500))
    });
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    ws_scan(&mut ws, 2, 2).await;
    let (lush, nora) = (rig.index_of("LVS-Lush"), rig.index_of("LVS-Nora"));
    rig.device("LVS-Lush")
        .set_write_fault(plugwire::hardware::simulated::WriteFault::Hang);
    let nora_toy = rig.device("LVS-Nora");
    nora_toy.clear_log();
    // Frame 1: a command whose write hangs (its reply comes at the hardware bound).
    // Frame 2: a battery read of the other toy.
    ws.send(Message::text(
        json!([{"OutputCmd": {"Id": 3, "DeviceIndex": lush, "FeatureIndex": 0,
            "Command": {"Vibrate": {"Value": 10}}}}])
        .to_string(),
    ))
    .await
    .unwrap();
    ws.send(Message::text(
        json!([{"InputCmd": {"Id": 4, "DeviceIndex": nora, "FeatureIndex": 2,
            "Type": "Battery", "Command": "Read"}}])
        .to_string(),
    ))
    .await
    .unwrap();
    // The query is written and answered; then the toy floods its answer endpoint.
    wait_commands(&nora_toy, 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..600 {
        nora_toy.notify(plugwire::hardware::Endpoint::Rx, b"noise;".to_vec());
    }
    // The replies to frames 1 and 2, in that order (the hung toy's removal is pushed too).
    let mut replies = Vec::new();
    while replies.len() < 2 {
        replies.extend(ws_recv(&mut ws).await.into_iter().filter(|m| {
            m.as_object()
                .and_then(|o| o.values().next())
                .is_some_and(|body| body["Id"] == 3 || body["Id"] == 4)
        }));
    }
    assert!(
        replies[0].get("Error").is_some_and(|e| e["Id"] == 3),
        "{replies:?}"
    );
    assert_eq!(
        replies[1],
        json!({"InputReading": {"Id": 4, "DeviceIndex": nora, "FeatureIndex": 2,
            "Reading": {"Battery": {"Value": 90}}}})
    );
}

/// Frames whose replies wait are bounded: with `max_frames_in_flight` (or
/// `max_messages_in_flight`) reached, the server reads no further frame, even one that
/// came in the same read as the others, until a reply goes out. Seen from a second toy:
/// a command to it, sent after the bound, reaches it only once the first toy's slow write
/// lets the replies before it leave; then every reply comes, in frame order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_at_the_in_flight_bound_is_not_read_until_replies_leave() {
    for (frames, messages_per_frame) in [(8, 1), (1, 8)] {
        let rig = rig_with(&["LVS-Lush", "LVS-Nora"], |b| b.default_message_gap_ms(0));
        let server = listen_with(
            &rig,
            WebsocketOptions {
                max_frames_in_flight: 8,
                max_messages_in_flight: 8,
                ..WebsocketOptions::default()
            },
        )
        .await;
        let mut ws = ws_connect(&server).await;
        handshake(&mut ws, 4).await;
        ws_scan(&mut ws, 2, 2).await;
        let (lush, nora) = (rig.index_of("LVS-Lush"), rig.index_of("LVS-Nora"));
        let slow = Duration::from_millis(700);
        rig.device("LVS-Lush")
            .set_write_fault(plugwire::hardware::simulated::WriteFault::Delay(slow));
        let nora_toy = rig.device("LVS-Nora");
        nora_toy.clear_log();
        let vibrate = |id: u32, device: u32, value: u32| {
            json!({"OutputCmd": {"Id": id, "DeviceIndex": device, "FeatureIndex": 0,
                "Command": {"Vibrate": {"Value": value}}}})
        };
        // The bound's worth of commands to the slow toy, then one to the other, in one
        // write.
        let mut id = 10;
        for _ in 0..frames {
            let messages: Vec<Value> = (0..messages_per_frame)
                .map(|_| {
                    id += 1;
                    vibrate(id, lush, id % 20 + 1)
                })
                .collect();
            ws.feed(Message::text(Value::Array(messages).to_string()))
                .await
                .unwrap();
        }
        let last = id + 1;
        ws.feed(Message::text(json!([vibrate(last, nora, 7)]).to_string()))
            .await
            .unwrap();
        ws.flush().await.unwrap();
        tokio::time::sleep(slow / 2).await;
        assert_eq!(
            commands(&nora_toy),
            Vec::<String>::new(),
            "{frames} frames of {messages_per_frame}: the frame after the bound was read"
        );
        wait_commands(&nora_toy, 1).await;
        let mut ids = Vec::new();
        while ids.len() < (last - 10) as usize {
            for reply in ws_recv(&mut ws).await {
                if let Some(ok) = reply.get("Ok") {
                    ids.push(ok["Id"].as_u64().unwrap());
                }
            }
        }
        assert_eq!(ids, (11..=u64::from(last)).collect::<Vec<_>>());
    }
}

/// A pipelined burst at a toy whose writes fail gets an error for every command, in frame
/// order (the frames of one batch share its outcome); once writes work again, the next
/// burst gets `Ok` for every command: an earlier batch's outcome is never reused for a
/// later one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_fails_each_of_its_frames_and_the_next_batch_has_its_own_outcome() {
    let rig = rig_with(&["LVS-Lush"], |b| b.default_message_gap_ms(0));
    let server = listen(&rig).await;
    let mut ws = ws_connect(&server).await;
    handshake(&mut ws, 4).await;
    ws_scan(&mut ws, 2, 1).await;
    let lush = rig.index_of("LVS-Lush");
    let toy = rig.device("LVS-Lush");
    toy.set_write_fault(plugwire::hardware::simulated::WriteFault::Fail);
    burst(&mut ws, lush, 100).await;
    let failed = command_replies(&mut ws, 50).await;
    let ids: Vec<u64> = failed.iter().filter_map(error_id).collect();
    assert_eq!(ids, (100..150).collect::<Vec<_>>(), "{failed:?}");
    toy.set_write_fault(plugwire::hardware::simulated::WriteFault::None);
    burst(&mut ws, lush, 200).await;
    let ok = command_replies(&mut ws, 50).await;
    let ids: Vec<u64> = ok
        .iter()
        .filter_map(|m| m.get("Ok")?.get("Id")?.as_u64())
        .collect();
    assert_eq!(ids, (200..250).collect::<Vec<_>>(), "{ok:?}");
}

/// Fifty one-command frames with Ids from `first`, in one write.
async fn burst(ws: &mut Ws, device: u32, first: u32) {
    for id in first..first + 50 {
        let frame = json!([{"OutputCmd": {"Id": id, "DeviceIndex": device, "FeatureIndex": 0,
            "Command": {"Vibrate": {"Value": id % 20 + 1}}}}]);
        ws.feed(Message::text(frame.to_string())).await.unwrap();
    }
    ws.flush().await.unwrap();
}

/// The next `n` replies to commands (`Ok`, or an `Error` with a message's Id).
async fn command_replies(ws: &mut Ws, n: usize) -> Vec<Value> {
    let mut got = Vec::new();
    while got.len() < n {
        got.extend(
            ws_recv(ws)
                .await
                .into_iter()
                .filter(|m| m.get("Ok").is_some() || error_id(m).is_some_and(|id| id != 0)),
        );
    }
    got
}
