//! `plugwire serve --rest-api-port`: Intiface Engine's REST routes against the real
//! server process, a toy on the device websocket, the event stream while devices come
//! and go, and the REST client's lease (stop when gone, the one-client rule).

#[path = "support/fake_nora.rs"]
mod fake_nora;
#[path = "support/http.rs"]
mod http;
#[path = "support/serve_process.rs"]
mod serve_process;

use std::time::{Duration, Instant};

use fake_nora::{FakeNora, USER_CONFIG};
use http::{EventStream, Http};
use serde_json::{Value, json};
use serve_process::Serve;
use tokio_tungstenite::tungstenite::{self, Message};

const WAIT: Duration = Duration::from_secs(10);

/// A server with the REST API and the device websocket; its user config file lives in
/// a folder of its own.
fn serve_rest(extra: &[&str]) -> (Serve, String, String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "plugwire-rest-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let user = dir.join("user.json");
    std::fs::write(&user, USER_CONFIG).unwrap();
    let mut args = vec![
        "--websocket-port",
        "0",
        "--rest-api-port",
        "0",
        "--use-device-websocket-server",
        "--device-websocket-server-port",
        "0",
        "--user-device-config-file",
        user.to_str().unwrap(),
        "--log",
        "warn",
    ];
    args.extend_from_slice(extra);
    let serve = Serve::start(&args);
    let api = serve.rest_url();
    let devices = serve.line_after("plugwire serve: devices connect on ");
    (serve, api, devices, dir)
}

/// Polls `GET /devices` until it lists a device; returns its index.
fn first_device(http: &Http, api: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let (status, body) = http.get(&format!("{api}/devices"));
        assert_eq!(status, 200, "{body}");
        if let Some((index, _)) = body.as_object().and_then(|m| m.iter().next()) {
            return index.clone();
        }
        assert!(Instant::now() < deadline, "no device listed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A v4 websocket client's handshake: the ServerInfo reply or the refusal.
fn websocket_handshake(url: &str) -> Result<Value, String> {
    let (mut ws, _) = tungstenite::connect(url).map_err(|e| e.to_string())?;
    ws.send(Message::text(
        json!([{"RequestServerInfo": {"Id": 1, "ClientName": "ws", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])
            .to_string(),
    ))
    .unwrap();
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let v: Vec<Value> = serde_json::from_str(&t).unwrap();
                return if v[0].get("ServerInfo").is_some() {
                    Ok(v[0].clone())
                } else {
                    Err(v[0].to_string())
                };
            }
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[test]
fn every_rest_route_answers_like_the_engine() {
    let (serve, api, devices, dir) = serve_rest(&[]);
    assert!(api.starts_with("http://127.0.0.1:"), "loopback: {api}");
    let http = Http::new();
    let toy = FakeNora::connect(&devices, "rest-nora-1");
    assert_eq!(
        http.get(&format!("{api}/start-scanning")),
        (200, Value::Null)
    );
    let i = first_device(&http, &api);

    // The device list and one device: index, name, display name, features by index.
    let (status, list) = http.get(&format!("{api}/devices"));
    assert_eq!(status, 200);
    let device = &list[&i];
    assert_eq!(device["index"].to_string(), i);
    assert_eq!(device["name"], "Lovense Nora");
    assert_eq!(
        device["features"]["0"]["Output"]["Vibrate"]["Value"],
        json!([0, 20])
    );
    assert_eq!(
        http.get(&format!("{api}/devices/{i}")),
        (200, device.clone())
    );
    assert_eq!(
        http.get(&format!("{api}/devices/{i}/features")),
        (200, device["features"].clone())
    );
    let (status, feature) = http.get(&format!("{api}/devices/{i}/features/1"));
    assert_eq!(status, 200);
    assert_eq!(feature["FeatureIndex"], 1);
    assert!(feature["Output"]["Rotate"].is_object(), "{feature}");

    // Outputs: a fraction of the output's steps, rounded up as the engine's client does.
    toy.wait_for("DeviceType;", WAIT);
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/outputs/Vibrate/0.5")),
        (200, Value::Null)
    );
    toy.wait_for("Vibrate:10;", WAIT);
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/features/1/outputs/rotate/0.26")),
        (200, Value::Null)
    );
    toy.wait_for("Rotate:6;", WAIT);
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/stop")),
        (200, Value::Null)
    );
    toy.wait_for("Vibrate:0;", WAIT);
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/outputs/Vibrate/1")),
        (200, Value::Null)
    );
    toy.wait_for("Vibrate:20;", WAIT);
    assert_eq!(http.put(&format!("{api}/devices/stop")), (200, Value::Null));
    toy.wait_for("Vibrate:0;", WAIT);

    // Inputs (switched off in the engine): a battery read answers with the reading.
    let (status, reading) = http.put(&format!("{api}/devices/{i}/inputs/Battery/Read"));
    assert_eq!(status, 200, "{reading}");
    assert_eq!(reading["value"], 66, "{reading}");
    assert_eq!(reading["input"], "Battery");
    let (status, reading) = http.put(&format!("{api}/devices/{i}/features/2/inputs/battery/read"));
    assert!(status == 200 || status == 404, "{status} {reading}");

    assert_eq!(
        http.get(&format!("{api}/stop-scanning")),
        (200, Value::Null)
    );

    // Errors: JSON naming what was wrong, with the status that says what kind.
    let error = |(status, body): (u16, Value)| {
        (
            status,
            body["error"].as_str().unwrap_or_default().to_string(),
        )
    };
    let (status, message) = error(http.get(&format!("{api}/devices/99")));
    assert_eq!(status, 404);
    assert!(message.contains("99"), "{message}");
    let (status, message) = error(http.get(&format!("{api}/devices/abc")));
    assert_eq!(status, 400);
    assert!(message.contains("\"abc\""), "{message}");
    let (status, message) = error(http.get(&format!("{api}/devices/{i}/features/9")));
    assert_eq!(status, 404);
    assert!(message.contains("feature 9"), "{message}");
    let (status, message) = error(http.put(&format!("{api}/devices/{i}/outputs/Wobble/0.5")));
    assert_eq!(status, 400);
    assert!(
        message.contains("\"Wobble\"") && message.contains("Vibrate"),
        "{message}"
    );
    let (status, message) = error(http.put(&format!("{api}/devices/{i}/outputs/Vibrate/1.5")));
    assert_eq!(status, 400);
    assert!(
        message.contains("1.5") && message.contains("0.0 to 1.0"),
        "{message}"
    );
    let (status, message) = error(http.put(&format!("{api}/devices/{i}/outputs/Vibrate/lots")));
    assert_eq!(status, 400);
    assert!(message.contains("\"lots\""), "{message}");
    let (status, message) = error(http.put(&format!("{api}/devices/{i}/outputs/Constrict/0.5")));
    assert_eq!(status, 400);
    assert!(message.contains("no Constrict output"), "{message}");
    let (status, message) = error(http.put(&format!("{api}/devices/{i}/inputs/Battery/Squeeze")));
    assert_eq!(status, 400);
    assert!(message.contains("\"Squeeze\""), "{message}");
    let (status, message) = error(http.get(&format!("{api}/nothing-here")));
    assert_eq!(status, 404);
    assert!(message.contains("/api/v1/nothing-here"), "{message}");
    // After all that, the toy still obeys.
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/outputs/Vibrate/0.05")),
        (200, Value::Null)
    );
    toy.wait_for("Vibrate:1;", WAIT);

    let rest = serve.stop();
    assert!(rest.ends_with("plugwire serve: stopped\n"), "{rest}");
    // Shutdown stops the toy.
    toy.wait_for("Vibrate:0;", WAIT);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_event_stream_follows_devices_outputs_and_inputs() {
    let (serve, api, devices, dir) = serve_rest(&[]);
    let http = Http::new();
    let events = EventStream::open(&format!("{api}/events"));
    events.next_named("session-started", WAIT);
    // A device websocket toy is claimed at the scan after it connects.
    let toy = FakeNora::connect(&devices, "sse-nora-1");
    assert_eq!(
        http.get(&format!("{api}/start-scanning")),
        (200, Value::Null)
    );
    let added = events.next_named("device-added", WAIT);
    assert_eq!(added.data["name"], "Lovense Nora");
    let i = added.data["index"].as_u64().unwrap();

    // A per-device stream sees only that device.
    let mine = EventStream::open(&format!("{api}/devices/{i}/events"));
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/outputs/Vibrate/0.25")),
        (200, Value::Null)
    );
    for stream in [&events, &mine] {
        let output = stream.next_named("output", WAIT);
        assert_eq!(
            output.data,
            json!({"index": i, "feature": 0, "output": "Vibrate", "level": 0.25, "steps": 5})
        );
    }
    toy.wait_for("Vibrate:5;", WAIT);
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/stop")),
        (200, Value::Null)
    );
    assert_eq!(events.next_named("stopped", WAIT).data, json!({"index": i}));

    // Input readings reach the stream as they come.
    let (status, _) = http.put(&format!("{api}/devices/{i}/inputs/Battery/Read"));
    assert_eq!(status, 200);

    // A second toy comes, the first goes.
    let second = FakeNora::connect(&devices, "sse-nora-2");
    assert_eq!(
        http.get(&format!("{api}/start-scanning")),
        (200, Value::Null)
    );
    let added = events.next_named("device-added", WAIT);
    let j = added.data["index"].as_u64().unwrap();
    assert_ne!(i, j);
    toy.leave();
    assert_eq!(
        events.next_named("device-removed", WAIT).data,
        json!({"index": i})
    );
    assert_eq!(
        mine.next_named("device-removed", WAIT).data,
        json!({"index": i})
    );
    second.leave();
    assert_eq!(
        events.next_named("device-removed", WAIT).data,
        json!({"index": j})
    );
    // Nothing about the second toy reached the first toy's stream.
    while let Ok(e) = mine.events.try_recv() {
        assert_ne!(e.data["index"], json!(j), "{e:?}");
    }
    drop(serve);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_rest_client_that_goes_quiet_has_its_devices_stopped() {
    let (serve, api, devices, dir) = serve_rest(&["--rest-lease", "600"]);
    let ws = serve.ws_url();
    let http = Http::new();
    let toy = FakeNora::connect(&devices, "lease-nora-1");
    http.get(&format!("{api}/start-scanning"));
    let i = first_device(&http, &api);
    toy.wait_for("DeviceType;", WAIT);
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/outputs/Vibrate/0.5")),
        (200, Value::Null)
    );
    toy.wait_for("Vibrate:10;", WAIT);

    // While the REST client holds the server, a websocket client is refused...
    let refused = websocket_handshake(&ws).unwrap_err();
    assert!(refused.contains("another client"), "{refused}");
    // ...and the toy keeps running as long as requests come.
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(http.get(&format!("{api}/devices/{i}")).0, 200);
    }
    assert!(
        !toy.drain(Duration::from_millis(100))
            .contains(&"Vibrate:0;".to_string()),
        "stopped while the client was still there"
    );

    // Then the client goes quiet: within the lease the toy stops and the slot frees.
    let quiet = Instant::now();
    toy.wait_for("Vibrate:0;", Duration::from_secs(5));
    assert!(
        quiet.elapsed() >= Duration::from_millis(500),
        "{:?}",
        quiet.elapsed()
    );
    let deadline = Instant::now() + WAIT;
    let info = loop {
        match websocket_handshake(&ws) {
            Ok(info) => break info,
            Err(e) if Instant::now() < deadline => {
                assert!(e.contains("another client"), "{e}");
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("the slot never freed: {e}"),
        }
    };
    assert!(info["ServerInfo"].is_object());
    drop(serve);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_open_event_stream_holds_the_lease_and_a_websocket_client_holds_rest_off() {
    let (serve, api, devices, dir) = serve_rest(&["--rest-lease", "400"]);
    let ws = serve.ws_url();
    let http = Http::new();
    let toy = FakeNora::connect(&devices, "hold-nora-1");
    http.get(&format!("{api}/start-scanning"));
    let i = first_device(&http, &api);
    toy.wait_for("DeviceType;", WAIT);
    let events = EventStream::open(&format!("{api}/events"));
    assert_eq!(
        http.put(&format!("{api}/devices/{i}/outputs/Vibrate/0.5")),
        (200, Value::Null)
    );
    toy.wait_for("Vibrate:10;", WAIT);
    // Three leases without a request: the open stream keeps the client (and its toy).
    std::thread::sleep(Duration::from_millis(1200));
    assert!(
        !toy.drain(Duration::from_millis(50))
            .contains(&"Vibrate:0;".to_string()),
        "stopped while the event stream was open"
    );
    assert!(websocket_handshake(&ws).is_err());
    // The stream closes: the client is gone, the toy stops.
    drop(events);
    toy.wait_for("Vibrate:0;", Duration::from_secs(5));

    // A websocket client now holds the server: REST is refused with 409, naming why.
    let (mut client, _) = tungstenite::connect(&ws).unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        client
            .send(Message::text(
                json!([{"RequestServerInfo": {"Id": 1, "ClientName": "ws", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])
                    .to_string(),
            ))
            .unwrap();
        let Message::Text(t) = client.read().unwrap() else {
            continue;
        };
        if t.contains("ServerInfo") {
            break;
        }
        assert!(Instant::now() < deadline, "{t}");
        client = tungstenite::connect(&ws).unwrap().0;
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, body) = http.put(&format!("{api}/devices/{i}/outputs/Vibrate/0.5"));
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("another client"),
        "{body}"
    );
    drop(client);
    drop(serve);
    std::fs::remove_dir_all(dir).unwrap();
}
