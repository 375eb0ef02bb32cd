//! `plugwire serve` as a separate process: readiness line, a websocket client driving a
//! simulated toy, Intiface flags accepted, SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// Starts `plugwire serve` with `args`; returns the process, its stdout after the
/// readiness line, and the websocket URL from that line.
fn start_serve(args: &[&str]) -> (Child, BufReader<ChildStdout>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("plugwire serve starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("plugwire serve: listening on ")
        .unwrap_or_else(|| panic!("readiness line, got {line:?}"))
        .to_string();
    (child, stdout, url)
}

#[tokio::test]
async fn serve_accepts_a_client_and_stops_on_sigterm() {
    let (mut child, mut stdout, url) = start_serve(&[
        "--websocket-port",
        "0",
        "--server-name",
        "cli test",
        "--use-bluetooth-le",
        "--log",
        "warn",
        "--simulate",
        "LVS-Nora@AA:BB:CC:00:00:01",
    ]);
    assert!(
        url.starts_with("ws://127.0.0.1:"),
        "loopback by default: {url}"
    );

    let (mut ws, _) = tokio_tungstenite::connect_async(&url)
        .await
        .expect("connects");
    // Sends one message and returns the reply with its Id, skipping events (Id 0).
    let mut call = async |v: Value| -> Value {
        let id = v[0].as_object().unwrap().values().next().unwrap()["Id"].clone();
        ws.send(Message::text(v.to_string())).await.unwrap();
        loop {
            let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            if let Message::Text(t) = m {
                let arr: Vec<Value> = serde_json::from_str(&t).unwrap();
                for reply in arr {
                    if reply.as_object().unwrap().values().next().unwrap()["Id"] == id {
                        return reply;
                    }
                }
            }
        }
    };
    let info = call(json!([{"RequestServerInfo": {"Id": 1, "ClientName": "t", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])).await;
    assert_eq!(info["ServerInfo"]["ServerName"], "cli test");
    assert_eq!(
        call(json!([{"StartScanning": {"Id": 2}}])).await,
        json!({"Ok": {"Id": 2}})
    );
    // Wait for the toy, then drive it.
    let mut devices = json!({});
    for _ in 0..50 {
        let list = call(json!([{"RequestDeviceList": {"Id": 3}}])).await;
        devices = list["DeviceList"]["Devices"].clone();
        if devices.as_object().is_some_and(|d| !d.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(devices["0"]["DeviceName"], "Lovense Nora");
    let ok = call(json!([{"OutputCmd": {"Id": 4, "DeviceIndex": 0, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 5}}}}])).await;
    assert_eq!(ok, json!({"Ok": {"Id": 4}}));

    // SIGTERM: devices stop and the process exits cleanly.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut rest = String::new();
    stdout.read_line(&mut rest).unwrap();
    assert_eq!(rest.trim(), "plugwire serve: stopped");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn unknown_flags_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .args(["serve", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error: unexpected argument '--bogus' found"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

mod through_the_c_abi {
    use std::os::raw::c_void;
    use std::ptr;
    use std::sync::mpsc;

    use plugwire::ffi::*;
    use plugwire::proto as pb;
    use prost::Message as _;

    use super::*;

    /// Owns its context (a boxed Sender): the requester never frees what the callback
    /// thread may still be using.
    unsafe extern "C" fn to_channel(user_data: *mut c_void, data: *const u8, len: usize) {
        let tx = unsafe { Box::from_raw(user_data as *mut mpsc::Sender<Vec<u8>>) };
        let _ = tx.send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
    }

    fn call(client: *mut PlugwireClient, kind: pb::request::Kind) -> pb::reply::Kind {
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
        let status = unsafe {
            plugwire_client_request(
                client,
                bytes.as_ptr(),
                bytes.len(),
                Some(to_channel),
                Box::into_raw(Box::new(tx.clone())) as *mut c_void,
            )
        };
        assert_eq!(status, PlugwireStatus::Ok);
        let reply = rx.recv_timeout(Duration::from_secs(10)).expect("reply");
        pb::Reply::decode(&reply[..]).unwrap().kind.unwrap()
    }

    /// plugwire's own client, through the C ABI, drives a toy of `plugwire serve` running
    /// in another process.
    #[test]
    fn abi_client_drives_plugwire_serve() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plugwire"))
            .args(["serve", "--websocket-port", "0", "--simulate", "LVS-Lush"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line.trim().rsplit(' ').next().unwrap().to_string();

        let mut client = ptr::null_mut();
        assert_eq!(
            unsafe { plugwire_client_new(None, ptr::null_mut(), &mut client) },
            PlugwireStatus::Ok
        );
        let connected = call(
            client,
            pb::request::Kind::ConnectWebsocket(pb::ConnectWebsocket {
                client_name: "abi".into(),
                url,
                ..Default::default()
            }),
        );
        assert!(matches!(connected, pb::reply::Kind::Ok(_)), "{connected:?}");
        assert!(matches!(
            call(
                client,
                pb::request::Kind::StartScanning(pb::StartScanning {})
            ),
            pb::reply::Kind::Ok(_)
        ));
        // Wait for the device-added event in pull mode.
        let device = loop {
            let mut buf = ptr::null_mut();
            let mut len = 0;
            assert_eq!(
                unsafe { plugwire_client_next_event(client, 10_000, &mut buf, &mut len) },
                PlugwireStatus::Ok
            );
            let event = pb::Event::decode(unsafe { std::slice::from_raw_parts(buf, len) }).unwrap();
            unsafe { plugwire_buffer_free(buf, len) };
            if let Some(pb::event::Kind::DeviceAdded(d)) = event.kind {
                break d;
            }
        };
        assert_eq!(device.name, "Lovense Lush");
        let out = call(
            client,
            pb::request::Kind::DeviceOutput(pb::DeviceOutput {
                device_index: device.index,
                feature_index: 0,
                output: pb::OutputType::Vibrate as i32,
                value: Some(pb::device_output::Value::Fraction(0.5)),
                duration: None,
            }),
        );
        assert!(matches!(out, pb::reply::Kind::Ok(_)), "{out:?}");
        let battery = call(
            client,
            pb::request::Kind::DeviceInput(pb::DeviceInput {
                device_index: device.index,
                feature_index: 1,
                input: pb::InputType::Battery as i32,
                command: pb::InputCommand::Read as i32,
            }),
        );
        assert!(
            matches!(battery, pb::reply::Kind::InputReading(ref r) if r.value == 90),
            "{battery:?}"
        );
        assert_eq!(unsafe { plugwire_client_free(client) }, PlugwireStatus::Ok);
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        assert!(child.wait().unwrap().success());
    }
}

/// `--websocket-client-timeout`: a client that stops reading (no pong) is dropped within
/// the timeout and its toy stopped, and the next client gets in.
#[tokio::test]
async fn a_silent_client_is_dropped_after_the_client_timeout() {
    let (mut child, _stdout, url) = start_serve(&[
        "--websocket-port",
        "0",
        "--websocket-client-timeout",
        "400",
        "--simulate",
        "LVS-Lush@AA:BB:CC:00:00:02",
    ]);
    let hello = json!([{"RequestServerInfo": {"Id": 1, "ClientName": "t",
        "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])
    .to_string();
    let (mut silent, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    silent.send(Message::text(hello.clone())).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), silent.next())
        .await
        .unwrap();
    assert!(matches!(first, Some(Ok(Message::Text(t))) if t.contains("ServerInfo")));
    // From here `silent` is never read again: it answers no ping.
    let started = std::time::Instant::now();
    loop {
        let (mut next, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        next.send(Message::text(hello.clone())).await.unwrap();
        let reply = tokio::time::timeout(Duration::from_secs(5), next.next())
            .await
            .unwrap();
        if matches!(&reply, Some(Ok(Message::Text(t))) if t.contains("ServerInfo")) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the silent client still holds the server"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    drop(silent);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// `--websocket-idle-timeout`: with `--max-ping-time` 0, a client that answers pings but
/// sends no message while no toy runs is closed (1008) after the idle time.
#[tokio::test]
async fn an_idle_client_is_closed_after_the_idle_timeout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .args([
            "serve",
            "--websocket-port",
            "0",
            "--websocket-idle-timeout",
            "1",
            "--simulate",
            "LVS-Lush@AA:BB:CC:00:00:03",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("plugwire serve starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("plugwire serve: listening on ")
        .unwrap()
        .to_string();
    let (mut idle, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    idle.send(Message::text(
        json!([{"RequestServerInfo": {"Id": 1, "ClientName": "t",
            "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])
        .to_string(),
    ))
    .await
    .unwrap();
    let started = std::time::Instant::now();
    // Reading answers the server's websocket pings: the client is alive, only idle.
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(5), idle.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    let waited = started.elapsed();
    let close = close.expect("a close frame with a reason");
    assert_eq!(u16::from(close.code), 1008);
    assert!(close.reason.contains("idle"), "{close:?}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// `--simulate-script`: toys with a chosen identity and rules, from a JSON file.
#[tokio::test]
async fn scripted_toys_from_a_file() {
    let dir = std::env::temp_dir().join(format!("plugwire-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("toys.json");
    std::fs::write(
        &script,
        r#"{"toys": [{"name": "LVS-Flexer", "address": "AA:BB:CC:00:00:03", "model": "EI", "firmware": 2}]}"#,
    )
    .unwrap();
    let (mut child, _stdout, url) = start_serve(&[
        "--websocket-port",
        "0",
        "--simulate-script",
        script.to_str().unwrap(),
    ]);
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let mut call = async |v: Value| -> Vec<Value> {
        ws.send(Message::text(v.to_string())).await.unwrap();
        loop {
            if let Message::Text(t) = tokio::time::timeout(Duration::from_secs(5), ws.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap()
            {
                return serde_json::from_str(&t).unwrap();
            }
        }
    };
    call(json!([{"RequestServerInfo": {"Id": 1, "ClientName": "t", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])).await;
    call(json!([{"StartScanning": {"Id": 2}}])).await;
    let mut name = Value::Null;
    for _ in 0..50 {
        let list = call(json!([{"RequestDeviceList": {"Id": 3}}])).await;
        name = list[0]["DeviceList"]["Devices"]["0"]["DeviceName"].clone();
        if !name.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(name, "Lovense Flexer (Firmware update needed)");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();

    // A broken script is refused at start-up, naming the file and the place.
    std::fs::write(
        &script,
        r#"{"toys": [{"name": "LVS-Nora", "rules": [{"when": {"subscribe": {"endpoint": "nope"}}, "then": []}]}]}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .args(["serve", "--websocket-port", "0", "--simulate-script"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("toys.json: at toys[0].rules[0]: unknown endpoint \"nope\""),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
