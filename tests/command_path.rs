//! The command path contract under load and faults: a toy does what the last command said
//! and stops when told or when its client goes away, whatever the client or the hardware
//! does. Each test reproduces a measured failure of an earlier design.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use plugwire::hardware::simulated::{SimulatedDevice, WriteFault};
use plugwire::server::ButtplugServer;
use plugwire::transport::{WebsocketOptions, WebsocketServer};
use plugwire::{ButtplugClient, ClientEvent, OutputType, OutputValue};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const GAP_MS: u64 = 75;

async fn listen(server: &Arc<ButtplugServer>, options: WebsocketOptions) -> WebsocketServer {
    WebsocketServer::start_with(server.clone(), "127.0.0.1:0".parse().unwrap(), options)
        .await
        .expect("listens")
}

/// Handshake (spec v4) and a scan; returns when the one toy was added.
async fn open_v4(ws: &mut Ws) {
    let info = ws_send(
        ws,
        json!([{"RequestServerInfo": {"Id": 1, "ClientName": "t",
        "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}]),
    )
    .await;
    assert!(info[0].get("ServerInfo").is_some(), "{info:?}");
    ws_scan(ws, 2, 1).await;
}

fn vibrate(id: u32, device: u32, value: i32) -> Value {
    json!([{"OutputCmd": {"Id": id, "DeviceIndex": device, "FeatureIndex": 0,
        "Command": {"Vibrate": {"Value": value}}}}])
}

fn stop(id: u32, device: u32) -> Value {
    json!([{"StopCmd": {"Id": id, "DeviceIndex": device}}])
}

fn last_write(device: &SimulatedDevice) -> Option<String> {
    writes(device).last().cloned()
}

/// Waits until the device's last write is `expected`; returns when it was seen.
async fn until_last_write(device: &SimulatedDevice, expected: &str, within: Duration) -> Instant {
    let deadline = Instant::now() + within;
    loop {
        if last_write(device).as_deref() == Some(expected) {
            return Instant::now();
        }
        assert!(
            Instant::now() < deadline,
            "toy never got {expected}; last writes {:?}",
            writes(device).iter().rev().take(5).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Measured: a client sending 1,000 commands/s for 2 s to a 75 ms-gap toy over websocket
/// without waiting for replies (games and video sync do this) made the toy take every
/// command, one per gap, and the newest value arrived 150 s late. Now commands coalesce:
/// about one write per gap, and the newest value within two gaps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_burst_builds_no_queue() {
    let rig = rig_with(&["LVS-Lush"], |b| b.default_message_gap_ms(GAP_MS as u32));
    let server = listen(&rig.server, WebsocketOptions::default()).await;
    let mut ws = ws_connect(&server).await;
    open_v4(&mut ws).await;
    let lush = rig.index_of("LVS-Lush");
    let toy = rig.device("LVS-Lush");
    toy.clear_log();
    let (mut sink, mut source) = ws.split();
    let replies = Arc::new(AtomicUsize::new(0));
    let counted = replies.clone();
    let reader = tokio::spawn(async move {
        while let Some(Ok(m)) = source.next().await {
            if let Message::Text(t) = m {
                let v: Vec<Value> = serde_json::from_str(&t).unwrap();
                counted.fetch_add(
                    v.iter().filter(|m| m.get("Ok").is_some()).count(),
                    Ordering::Relaxed,
                );
            }
        }
    });
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    let started = Instant::now();
    for i in 0..2000u32 {
        tick.tick().await;
        // 1..=19 during the burst; the last command is the only 20.
        let value = if i == 1999 { 20 } else { (i % 19 + 1) as i32 };
        sink.send(Message::text(vibrate(10 + i, lush, value).to_string()))
            .await
            .unwrap();
    }
    let sent_last = Instant::now();
    let seen = until_last_write(&toy, "Vibrate:20;", Duration::from_secs(5)).await;
    let latency = seen - sent_last;
    let burst = sent_last - started;
    let write_count = toy.writes().len();
    // Every command got its reply (each once a newer value was on the toy).
    let deadline = Instant::now() + WAIT;
    while replies.load(Ordering::Relaxed) < 2000 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(replies.load(Ordering::Relaxed), 2000);
    reader.abort();
    assert!(
        latency <= Duration::from_millis(2 * GAP_MS + 50),
        "newest value reached the toy {latency:?} after it was sent"
    );
    let per_gap = burst.as_millis() as usize / GAP_MS as usize;
    assert!(
        write_count <= per_gap + 4,
        "{write_count} writes in {burst:?}: more than one per gap"
    );
    assert!(
        write_count >= per_gap / 2,
        "{write_count} writes in {burst:?}"
    );
}

/// Measured through the C ABI (tests/ffi.rs has that case): an output and a stop sent
/// back to back could reach the toy in the wrong order. Over websocket JSON, pipelined:
/// the toy's last write is always the stop's zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_output_then_stop_over_websocket_always_ends_stopped() {
    let rig = rig(&["LVS-Lush"]);
    let server = listen(&rig.server, WebsocketOptions::default()).await;
    let mut ws = ws_connect(&server).await;
    open_v4(&mut ws).await;
    let lush = rig.index_of("LVS-Lush");
    let toy = rig.device("LVS-Lush");
    let mut state = String::from("Vibrate:0;");
    for i in 0..2000u32 {
        ws.feed(Message::text(
            vibrate(10 + 2 * i, lush, (i % 20 + 1) as i32).to_string(),
        ))
        .await
        .unwrap();
        ws.feed(Message::text(stop(11 + 2 * i, lush).to_string()))
            .await
            .unwrap();
        ws.flush().await.unwrap();
        let mut answered = 0;
        while answered < 2 {
            answered += ws_recv(&mut ws).await.len();
        }
        if let Some(last) = toy.take_log().last() {
            state = String::from_utf8_lossy(&last.data).into_owned();
        }
        assert_eq!(state, "Vibrate:0;", "pair {i} left the toy running");
    }
}

/// Measured: after a failed write the task's idea of the outputs moved on while what it
/// had sent did not, so a later stop skipped a motor (Lovehoney Desire, two motors in one
/// packet: the stop wrote `F3 01 64`, leaving motor 0 at 100) and an explicit 0 was
/// dropped as a duplicate. A failed write now leaves its outputs unknown.
#[tokio::test]
async fn a_failed_write_leaves_outputs_unknown_so_stop_and_zero_are_written() {
    let rig = rig(&["PROSTATE VIBE"]);
    let (_client, d) = client_with(&rig, "PROSTATE VIBE").await;
    let toy = rig.device("PROSTATE VIBE");
    toy.clear_log();
    toy.set_write_fault(WriteFault::Fail);
    let failed = d
        .output(0, OutputType::Vibrate, OutputValue::Steps(100))
        .await;
    assert!(failed.is_err(), "{failed:?}");
    toy.set_write_fault(WriteFault::None);
    d.stop().await.unwrap();
    assert_eq!(
        toy.take_log().last().map(|r| r.data.clone()),
        Some(vec![0xF3, 0x00, 0x00]),
        "the stop must zero every motor"
    );

    toy.set_write_fault(WriteFault::Fail);
    assert!(
        d.output(0, OutputType::Vibrate, OutputValue::Steps(100))
            .await
            .is_err()
    );
    toy.set_write_fault(WriteFault::None);
    d.output(0, OutputType::Vibrate, OutputValue::Steps(0))
        .await
        .unwrap();
    let zero = toy.take_log();
    assert_eq!(
        zero.len(),
        1,
        "an explicit 0 after a failure is written: {zero:?}"
    );
    assert_eq!(zero[0].data[2], 0x00);
}

/// Measured: the server pinged but never checked for pongs, so a client that stopped
/// reading kept its toy at its last level until TCP gave up (minutes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_and_its_toy_stopped() {
    let rig = rig(&["LVS-Lush"]);
    let options = WebsocketOptions {
        ping_interval: Duration::from_millis(100),
        pong_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let server = listen(&rig.server, options).await;
    let mut ws = ws_connect(&server).await;
    open_v4(&mut ws).await;
    let lush = rig.index_of("LVS-Lush");
    let toy = rig.device("LVS-Lush");
    assert_eq!(
        ws_send(&mut ws, vibrate(3, lush, 15)).await,
        vec![json!({"Ok": {"Id": 3}})]
    );
    // From here the client reads nothing: no pong ever goes back.
    let started = Instant::now();
    until_last_write(&toy, "Vibrate:0;", Duration::from_secs(3)).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The slot is free for the next client.
    let mut next = ws_connect(&server).await;
    let deadline = Instant::now() + WAIT;
    loop {
        let info = ws_send(
            &mut next,
            json!([{"RequestServerInfo": {"Id": 1, "ClientName": "n",
            "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}]),
        )
        .await;
        if info[0].get("ServerInfo").is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "{info:?}");
        next = ws_connect(&server).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(ws);
}

/// Measured: a write that never completed made the session's stop hang before the session
/// was released, so every later client was refused for good. Now every hardware operation
/// has a timeout, a device that times out is treated as lost, and the session is released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_write_never_wedges_the_server() {
    let rig = rig_with(&["LVS-Lush"], |b| {
        b.default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(200))
    });
    let client = ButtplugClient::connect_in_process("t", &rig.server)
        .await
        .unwrap();
    client.scan(WAIT, Some(1)).await.unwrap();
    let index = rig.index_of("LVS-Lush");
    let mut events = client.events();
    let d = client.device(index).unwrap();
    d.vibrate(0.5).await.unwrap();
    let toy = rig.device("LVS-Lush");
    toy.set_write_fault(WriteFault::Hang);
    let started = Instant::now();
    let r = d.vibrate(1.0).await;
    assert!(r.is_err(), "{r:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The device is let go as after a lost link.
    loop {
        match tokio::time::timeout(WAIT, events.recv()).await.unwrap() {
            Ok(ClientEvent::DeviceRemoved { index: i, .. }) if i == index => break,
            _ => {}
        }
    }
    let started = Instant::now();
    client.disconnect().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(!rig.server.has_session(), "the session was released");
    // It comes back, with its index, when it is heard again.
    toy.set_write_fault(WriteFault::None);
    let again = ButtplugClient::connect_in_process("t2", &rig.server)
        .await
        .unwrap();
    let mut events = again.events();
    rig.hw.restore(toy.address());
    loop {
        if let Ok(ClientEvent::DeviceAdded(d)) =
            tokio::time::timeout(WAIT, events.recv()).await.unwrap()
        {
            assert_eq!(d.index(), index);
            break;
        }
    }
}

/// A write that hangs during the stop of a leaving client: the stop is bounded and the
/// next client gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_stop_still_releases_the_session() {
    let rig = rig_with(&["LVS-Lush"], |b| {
        b.default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(200))
    });
    let (client, d) = client_with(&rig, "LVS-Lush").await;
    d.vibrate(0.5).await.unwrap();
    rig.device("LVS-Lush").set_write_fault(WriteFault::Hang);
    let started = Instant::now();
    client.disconnect().await.unwrap();
    assert!(
        started.elapsed() <= rig.server.stop_timeout() + Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    ButtplugClient::connect_in_process("next", &rig.server)
        .await
        .expect("the next client connects");
}

/// Slow writes and a stop racing a stream of commands from another task: the stop wins
/// for what was submitted before it, and nothing submitted before it lands after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_is_never_overtaken_by_earlier_commands_on_a_slow_toy() {
    let rig = rig(&["LVS-Lush"]);
    let (_client, d) = client_with(&rig, "LVS-Lush").await;
    let toy = rig.device("LVS-Lush");
    toy.set_write_fault(WriteFault::Delay(Duration::from_millis(3)));
    for round in 0..20 {
        let mut pending = Vec::new();
        for v in 1..=50 {
            pending.push(
                d.submit_outputs(&[(0, OutputType::Vibrate, OutputValue::Steps(v % 20 + 1), None)])
                    .unwrap(),
            );
        }
        d.stop().await.unwrap();
        for p in pending {
            let _ = p.await;
        }
        assert_eq!(
            last_write(&toy).as_deref(),
            Some("Vibrate:0;"),
            "round {round}"
        );
    }
}

/// Measured: the Lovense Solace mover wrote `FSetSite` on its own every 100 ms and a stop
/// skipped it, so 15 more writes reached the toy after its client left.
#[tokio::test]
async fn a_mover_stops_with_its_client() {
    let rig = rig(&["LVS-Solace Pro"]);
    let (client, d) = client_with(&rig, "LVS-Solace Pro").await;
    let toy = rig.device("LVS-Solace Pro");
    d.position_with_duration(1.0, 3000).await.unwrap();
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(
        writes(&toy).iter().any(|w| w.starts_with("FSetSite:")),
        "{:?}",
        writes(&toy)
    );
    client.disconnect().await.unwrap();
    let at_stop = writes(&toy).len();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        writes(&toy)[at_stop..].to_vec(),
        Vec::<String>::new(),
        "writes after the client left"
    );
}

/// Measured: battery reads wrote their query outside the device task, bypassing the gap.
/// Now the query keeps the device's order and gap.
#[tokio::test]
async fn a_battery_query_keeps_the_gap() {
    let rig = rig_with(&["LVS-Lush"], |b| b.default_message_gap_ms(GAP_MS as u32));
    let (_client, d) = client_with(&rig, "LVS-Lush").await;
    let toy = rig.device("LVS-Lush");
    tokio::time::sleep(Duration::from_millis(GAP_MS)).await;
    toy.clear_log();
    d.vibrate(0.25).await.unwrap();
    let level = d.battery().await.unwrap();
    assert!(level > 0.0);
    let w = toy.writes();
    let texts: Vec<String> = w
        .iter()
        .map(|r| String::from_utf8_lossy(&r.data).into_owned())
        .collect();
    assert_eq!(texts, vec!["Vibrate:5;", "Battery;"]);
    assert!(
        w[1].at - w[0].at >= Duration::from_millis(GAP_MS - 1),
        "{:?}",
        w[1].at - w[0].at
    );
}

/// Measured: `plugwire serve`'s shutdown aborted only the accept loop and then stopped
/// devices, so an open connection's next command still got Ok and reached the toy after
/// the stop. Now no session accepts a command once shutdown begins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_accepting_commands_before_stopping_devices() {
    let rig = rig(&["LVS-Lush"]);
    let server = listen(&rig.server, WebsocketOptions::default()).await;
    let mut ws = ws_connect(&server).await;
    open_v4(&mut ws).await;
    let lush = rig.index_of("LVS-Lush");
    let toy = rig.device("LVS-Lush");
    let (mut sink, mut source) = ws.split();
    let writer = tokio::spawn(async move {
        let mut i = 0u32;
        loop {
            i += 1;
            let frame = vibrate(10 + i, lush, (i % 19 + 1) as i32).to_string();
            if sink.send(Message::text(frame)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    });
    let closed = tokio::spawn(async move {
        while let Some(Ok(m)) = source.next().await {
            if let Message::Close(frame) = m {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(writes(&toy).len() > 2, "the client was driving the toy");
    server.shutdown().await;
    let at_shutdown = writes(&toy).len();
    assert_eq!(last_write(&toy).as_deref(), Some("Vibrate:0;"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(writes(&toy).len(), at_shutdown, "writes after shutdown");
    assert_eq!(
        tokio::time::timeout(WAIT, closed).await.unwrap().unwrap(),
        Some(1001)
    );
    writer.abort();
}

/// Websocket devices take writes as fast as they come (as in the reference); radio-like
/// devices keep the default gap.
#[tokio::test]
async fn the_default_gap_applies_to_radio_devices_only() {
    let rig = rig_with(&["LVS-Lush"], |b| b.default_message_gap_ms(GAP_MS as u32));
    let (_client, d) = client_with(&rig, "LVS-Lush").await;
    assert_eq!(d.message_gap_ms(), GAP_MS as u32);
}

/// A read acts when it is submitted, like every other request: its query (a Lovense
/// `Battery;`) reaches the toy before an output submitted after it, even when the read's
/// reply is awaited last.
#[tokio::test]
async fn a_read_submitted_before_an_output_queries_the_toy_first() {
    use plugwire::device::feature::InputCommand;
    use plugwire::spec::{OutputCommand, Request};
    let rig = rig(&["LVS-Lush"]);
    let (client, device) = client_with(&rig, "LVS-Lush").await;
    let toy = rig.device("LVS-Lush");
    for round in 0..5 {
        toy.clear_log();
        let read = client
            .submit(Request::Input {
                device: device.index(),
                feature: 1,
                input: plugwire::InputType::Battery,
                command: InputCommand::Read,
            })
            .unwrap();
        let output = client
            .submit(Request::Output {
                device: device.index(),
                feature: 0,
                command: OutputCommand {
                    output: OutputType::Vibrate,
                    value: 5 + round,
                    duration: None,
                },
            })
            .unwrap();
        output.await.unwrap();
        read.await.unwrap();
        assert_eq!(
            writes(&toy),
            vec!["Battery;".to_string(), format!("Vibrate:{};", 5 + round)],
            "round {round}"
        );
    }
}
