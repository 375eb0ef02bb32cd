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

use fake_nora::FakeNora;
use http::{EventStream, Http};
use serde_json::{Value, json};
use serve_process::Serve;
use tokio_tungstenite::tungstenite::{self, Message};

const WAIT: Duration = Duration::from_secs(10);

/// A server with the REST API and the device websocket; its user config file lives in
/// a folder of its own.
fn serve_rest(extra: &[&str]) -> (Serve, String, String, std::path::PathBuf) {
    let dir = serve_process::scratch("rest");
    let mut args = vec!["--websocket-port", "0", "--rest-api-port", "0"];
    args.extend_from_slice(extra);
    let (serve, devices) = fake_nora::serve_for_fake_noras(&dir, &args);
    let api = serve.rest_url();
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
    // What axum's extractors refuse is JSON too (found by the rest_request fuzz target):
    // a query value that is not a number, a path segment that is not UTF-8.
    let (status, message) = error(http.put(&format!(
        "{api}/devices/{i}/outputs/Vibrate/0.25?duration=1x"
    )));
    assert_eq!(status, 400);
    assert!(
        message.contains("query string") && message.contains("duration"),
        "{message}"
    );
    let (status, message) = error(http.get(&format!("{api}/devices/%FF")));
    assert_eq!(status, 400);
    assert!(message.starts_with("path: "), "{message}");
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

/// Every command the toy got during `time` (a playing toy is never quiet for `drain`).
fn received_for(toy: &FakeNora, time: Duration) -> Vec<String> {
    let end = Instant::now() + time;
    let mut all = Vec::new();
    while let Ok(c) = toy
        .got
        .recv_timeout(end.saturating_duration_since(Instant::now()))
    {
        all.push(c);
    }
    all
}

/// A looped pattern holding vibrate at half (`Vibrate:10;` on a Nora) on device `i`.
fn steady_half(i: &str) -> String {
    json!({"tracks": [{
        "device": i.parse::<u32>().unwrap(),
        "output": "Vibrate",
        "pattern": {"keyframes": [{"at_ms": 0, "value": 0.5}, {"at_ms": 1000, "value": 0.5}]},
    }]})
    .to_string()
}

/// A REST server with one Nora, scanned in; its device index, the toy told its type.
fn serve_with_nora(
    extra: &[&str],
    name: &str,
) -> (Serve, String, FakeNora, String, std::path::PathBuf) {
    let (serve, api, devices, dir) = serve_rest(extra);
    let http = Http::new();
    let toy = FakeNora::connect(&devices, name);
    http.get(&format!("{api}/start-scanning"));
    let i = first_device(&http, &api);
    toy.wait_for("DeviceType;", WAIT);
    (serve, api, toy, i, dir)
}

#[test]
fn a_rest_playback_plays_on_the_toy_pauses_and_stops() {
    let (serve, api, toy, i, dir) = serve_with_nora(&[], "play-nora-1");
    let http = Http::new();
    let events = EventStream::open(&format!("{api}/events"));

    // A pattern on one output: a square wave, full then nothing.
    let body = json!({"tracks": [{
        "device": i.parse::<u32>().unwrap(),
        "output": "vibrate",
        "pattern": {"waveform": "square", "period_ms": 400},
    }]});
    let (status, started) = http.post_json(&format!("{api}/playback"), &body.to_string());
    assert_eq!(status, 200, "{started}");
    let id = started["id"].as_u64().unwrap();
    assert_eq!(
        events.next_named("playback-started", WAIT).data["id"],
        json!(id)
    );
    toy.wait_for("Vibrate:20;", WAIT);
    toy.wait_for("Vibrate:0;", WAIT);
    toy.wait_for("Vibrate:20;", WAIT);
    let (status, list) = http.get(&format!("{api}/playback"));
    assert_eq!(status, 200);
    assert_eq!(list[0]["id"], json!(id), "{list}");
    assert_eq!(list[0]["playing"], json!(true), "{list}");

    // The output is the playback's: a second one on it is refused, as is a plain write.
    let (status, refused) = http.post_json(&format!("{api}/playback"), &steady_half(&i));
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("playback"),
        "{refused}"
    );
    let (status, refused) = http.put(&format!("{api}/devices/{i}/outputs/Vibrate/0.5"));
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("under playback"),
        "{refused}"
    );

    // Paused: no more writes; resumed: writes again.
    assert_eq!(
        http.put(&format!("{api}/playback/{id}/pause")),
        (200, Value::Null)
    );
    received_for(&toy, Duration::from_millis(100));
    assert!(
        received_for(&toy, Duration::from_millis(600)).is_empty(),
        "a paused playback wrote"
    );
    assert_eq!(
        http.put(&format!("{api}/playback/{id}/resume")),
        (200, Value::Null)
    );
    received_for(&toy, Duration::from_millis(500))
        .iter()
        .find(|c| c.starts_with("Vibrate:"))
        .expect("writes after resume");
    assert_eq!(
        http.put(&format!("{api}/playback/{id}/seek/100")),
        (200, Value::Null)
    );
    assert_eq!(
        http.put(&format!("{api}/playback/{id}/rate/2")),
        (200, Value::Null)
    );
    let (status, bad) = http.put(&format!("{api}/playback/{id}/rate/fast"));
    assert_eq!(status, 400);
    assert!(bad["error"].as_str().unwrap().contains("rate"), "{bad}");
    assert_eq!(http.put(&format!("{api}/playback/99/pause")).0, 404);

    // Stopped: the event says why, the toy stops, the id is gone.
    assert_eq!(
        http.put(&format!("{api}/playback/{id}/stop")),
        (200, Value::Null)
    );
    assert_eq!(
        events.next_named("playback-stopped", WAIT).data,
        json!({"id": id, "reason": "requested", "message": null})
    );
    toy.wait_for("Vibrate:0;", WAIT);
    assert_eq!(http.get(&format!("{api}/playback")), (200, json!([])));
    let (status, gone) = http.put(&format!("{api}/playback/{id}/resume"));
    assert_eq!(status, 404, "{gone}");

    // A whole funscript on whatever it fits (the Nora's vibrator and rotator follow the
    // stroke's speed), played to its end.
    let script =
        json!({"actions": [{"at": 0, "pos": 0}, {"at": 300, "pos": 100}, {"at": 600, "pos": 0}]});
    let (status, started) = http.post_json(
        &format!("{api}/playback"),
        &json!({"funscript": script}).to_string(),
    );
    assert_eq!(status, 200, "{started}");
    let id = started["id"].as_u64().unwrap();
    let got = received_for(&toy, Duration::from_millis(300));
    assert!(
        got.iter()
            .any(|c| c.starts_with("Vibrate:") && c != "Vibrate:0;"),
        "{got:?}"
    );
    assert_eq!(
        events.next_named("playback-ended", WAIT).data,
        json!({"id": id})
    );
    drop(serve);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_bad_playback_body_is_refused_naming_the_place() {
    let (serve, api, _toy, i, dir) = serve_with_nora(&[], "play-nora-2");
    let http = Http::new();
    let device = i.parse::<u32>().unwrap();
    let url = format!("{api}/playback");
    for (body, status, place) in [
        ("{not json".to_string(), 400, "body"),
        (json!({}).to_string(), 400, "body"),
        (json!({"tracks": []}).to_string(), 400, "tracks"),
        (json!({"funscript": {"actions": "no"}}).to_string(), 400, "funscript"),
        (
            json!({"tracks": [{"device": device, "pattern": {"waveform": "sine"}}]}).to_string(),
            400,
            "tracks[0].pattern.period_ms",
        ),
        (
            json!({"tracks": [{"device": device, "output": "Wiggle", "pattern": {"waveform": "sine", "period_ms": 100}}]}).to_string(),
            400,
            "tracks[0].output",
        ),
        (
            json!({"tracks": [{"device": device, "pattern": {"keyframes": [{"at_ms": 0, "value": 2}]}}]}).to_string(),
            400,
            "tracks[0].pattern",
        ),
        (
            json!({"tracks": [{"device": device, "pattern": {"waveform": "sine", "period_ms": 100}, "colour": 1}]}).to_string(),
            400,
            "tracks[0].colour",
        ),
        (
            json!({"tracks": [{"device": device, "pattern": {"waveform": "sine", "period_ms": 100}}], "rate": "x"}).to_string(),
            400,
            "rate",
        ),
        (
            json!({"tracks": [{"device": 99, "pattern": {"waveform": "sine", "period_ms": 100}}]}).to_string(),
            404,
            "99",
        ),
    ] {
        let (got, answer) = http.post_json(&url, &body);
        assert_eq!(got, status, "{body}: {answer}");
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(error.contains(place), "{body}: {error:?} names no {place:?}");
    }
    assert_eq!(http.get(&url), (200, json!([])));
    drop(serve);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn stopping_the_devices_ends_their_rest_playback() {
    let (serve, api, toy, i, dir) = serve_with_nora(&[], "play-nora-3");
    let http = Http::new();
    let events = EventStream::open(&format!("{api}/events"));
    for stop in [
        format!("{api}/devices/stop"),
        format!("{api}/devices/{i}/stop"),
    ] {
        let (status, started) = http.post_json(&format!("{api}/playback"), &steady_half(&i));
        assert_eq!(status, 200, "{started}");
        let id = started["id"].as_u64().unwrap();
        toy.wait_for("Vibrate:10;", WAIT);
        assert_eq!(http.put(&stop), (200, Value::Null));
        assert_eq!(
            events.next_named("playback-stopped", WAIT).data,
            json!({"id": id, "reason": "device-stopped", "message": null}),
            "{stop}"
        );
        toy.wait_for("Vibrate:0;", WAIT);
        let after = received_for(&toy, Duration::from_millis(400));
        assert!(
            !after.contains(&"Vibrate:10;".to_string()),
            "played on after {stop}: {after:?}"
        );
        assert_eq!(http.get(&format!("{api}/playback")), (200, json!([])));
    }
    drop(serve);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_rest_client_gone_quiet_has_its_playback_ended_and_toy_stopped() {
    let (serve, api, toy, i, dir) = serve_with_nora(&["--rest-lease", "600"], "play-nora-4");
    let http = Http::new();
    let (status, started) = http.post_json(&format!("{api}/playback"), &steady_half(&i));
    assert_eq!(status, 200, "{started}");
    toy.wait_for("Vibrate:10;", WAIT);
    // A playback alone does not hold the lease: the client goes quiet, the toy stops.
    let quiet = Instant::now();
    toy.wait_for("Vibrate:0;", Duration::from_secs(5));
    assert!(
        quiet.elapsed() >= Duration::from_millis(400),
        "{:?}",
        quiet.elapsed()
    );
    let after = received_for(&toy, Duration::from_millis(500));
    assert!(
        !after.contains(&"Vibrate:10;".to_string()),
        "played on after the lease ran out: {after:?}"
    );
    // The next request opens a new session, without the old playback.
    assert_eq!(http.get(&format!("{api}/playback")), (200, json!([])));
    drop(serve);
    std::fs::remove_dir_all(dir).unwrap();
}
