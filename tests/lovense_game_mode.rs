//! Lovense Game Mode (`plugwire serve --lovense-game-mode`) against the real server process,
//! with a plain HTTP/1.1 client on loopback: every command and option, the protocol's error
//! codes, toys of other brands (bytes checked in the simulated toys' write log, written at
//! exit), timing of timed actions, loops and patterns, a recorded game sequence, and the
//! rule with a Buttplug websocket client.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

struct Serve {
    child: Child,
    stdout: BufReader<ChildStdout>,
    game: SocketAddr,
    ws: String,
    log: PathBuf,
}

impl Serve {
    /// `plugwire serve --lovense-game-mode 0` with simulated toys (`NAME@ADDRESS`).
    fn start(toys: &[&str], extra: &[&str]) -> Serve {
        let log = std::env::temp_dir().join(format!(
            "plugwire-gm-{}-{}.json",
            std::process::id(),
            toys.join("_").replace([':', '@', ' '], "")
        ));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_plugwire"));
        cmd.args(["serve", "--websocket-port", "0", "--lovense-game-mode", "0"])
            .arg("--simulated-log")
            .arg(&log)
            .args(extra);
        for t in toys {
            cmd.args(["--simulate", t]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("plugwire serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut game = None;
        let ws = loop {
            let mut line = String::new();
            assert!(
                stdout.read_line(&mut line).unwrap() > 0,
                "serve ended early"
            );
            if let Some(a) = line
                .trim()
                .strip_prefix("plugwire serve: Lovense Game Mode on http://")
            {
                game = Some(a.parse().unwrap());
            }
            if let Some(url) = line.trim().strip_prefix("plugwire serve: listening on ") {
                break url.to_string();
            }
        };
        let game: SocketAddr = game.expect("the Game Mode line comes before readiness");
        assert!(game.ip().is_loopback(), "{game}");
        Serve {
            child,
            stdout,
            game,
            ws,
            log,
        }
    }

    /// POSTs a command; returns the HTTP status and the JSON body.
    async fn post_raw(&self, body: &str) -> (u16, Value) {
        let mut s = tokio::net::TcpStream::connect(self.game).await.unwrap();
        let request = format!(
            "POST /command HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nX-platform: test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.game,
            body.len()
        );
        s.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut answer))
            .await
            .expect("answered in time")
            .unwrap();
        let text = String::from_utf8(answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
        let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    async fn post(&self, body: Value) -> Value {
        let (status, answer) = self.post_raw(&body.to_string()).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    async fn ok(&self, body: Value) {
        let answer = self.post(body.clone()).await;
        assert_eq!(answer, json!({"code": 200, "type": "ok"}), "for {body}");
    }

    /// The toys of GetToys once `n` are connected.
    async fn toys(&self, n: usize) -> serde_json::Map<String, Value> {
        for _ in 0..100 {
            let answer = self.post(json!({"command": "GetToys"})).await;
            assert_eq!(answer["code"], 200);
            assert_eq!(answer["type"], "OK");
            let toys: Value = serde_json::from_str(answer["data"]["toys"].as_str().unwrap())
                .expect("data.toys is a JSON string");
            let toys = toys.as_object().unwrap().clone();
            if toys.len() >= n {
                // Past the message gap of the battery reads, so the next command's
                // first write goes out at once and timelines start with it.
                tokio::time::sleep(Duration::from_millis(150)).await;
                return toys;
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        panic!("the toys did not connect");
    }

    /// SIGTERM, then every write each toy received: address -> [(ms, text)].
    fn stop(mut self) -> serde_json::Map<String, Value> {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let mut rest = String::new();
        loop {
            rest.clear();
            if self.stdout.read_line(&mut rest).unwrap() == 0 {
                break;
            }
            if rest.trim() == "plugwire serve: stopped" {
                break;
            }
        }
        assert!(self.child.wait().unwrap().success());
        let text = std::fs::read_to_string(&self.log).unwrap();
        std::fs::remove_file(&self.log).ok();
        serde_json::from_str::<Value>(&text)
            .unwrap()
            .as_object()
            .unwrap()
            .clone()
    }
}

/// The writes one toy received: (ms since the toy was created, text).
fn writes(log: &serde_json::Map<String, Value>, address: &str) -> Vec<(f64, String)> {
    log[address]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "Write")
        .map(|r| {
            (
                r["at_ms"].as_f64().unwrap(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn bytes(log: &serde_json::Map<String, Value>, address: &str) -> Vec<Vec<u8>> {
    log[address]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "Write")
        .map(|r| serde_json::from_value(r["data"].clone()).unwrap())
        .collect()
}

/// The writes from the first one equal to `first` on, with times relative to it.
fn from(writes: &[(f64, String)], first: &str) -> Vec<(f64, String)> {
    let i = writes
        .iter()
        .position(|(_, t)| t == first)
        .unwrap_or_else(|| panic!("{first} not in {writes:?}"));
    let t0 = writes[i].0;
    writes[i..]
        .iter()
        .map(|(t, s)| (t - t0, s.clone()))
        .collect()
}

/// Checks texts and times (each within `slack` ms of the expected time, not before it
/// by more than a few ms).
fn assert_timeline(got: &[(f64, String)], want: &[(f64, &str)], slack: f64) {
    let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
    let wanted: Vec<&str> = want.iter().map(|(_, t)| *t).collect();
    assert_eq!(texts, wanted, "{got:?}");
    for ((t, s), (w, _)) in got.iter().zip(want) {
        assert!(
            *t >= w - 5.0 && *t <= w + slack,
            "{s} at {t} ms, expected {w} ms (+{slack}): {got:?}"
        );
    }
}

const NORA: &str = "LVS-Nora@AA:BB:CC:00:00:01";
const LUSH: &str = "LVS-Lush@AA:BB:CC:00:00:02";
const BLOOM: &str = "Bloom@AA:BB:CC:00:00:03";
const STROKER: &str = "simulated-stroker@AA:BB:CC:00:00:04";
const ROTATOR: &str = "simulated-rotator@AA:BB:CC:00:00:05";

#[tokio::test]
async fn get_toys_and_names_show_every_brand_with_its_real_functions() {
    let s = Serve::start(&[NORA, BLOOM, STROKER], &[]);
    let toys = s.toys(3).await;
    let nora = &toys["aabbcc000001"];
    assert_eq!(nora["id"], "aabbcc000001");
    assert_eq!(nora["name"], "nora");
    assert_eq!(nora["nickName"], "Nora");
    assert_eq!(nora["status"], "1");
    assert_eq!(nora["shortFunctionNames"], json!(["v", "r"]));
    assert_eq!(nora["fullFunctionNames"], json!(["Vibrate", "Rotate"]));
    assert!(nora["battery"].as_i64().unwrap() > 0, "{nora}");
    let bloom = &toys["aabbcc000003"];
    assert_eq!(bloom["name"], "wevibe bloom");
    assert_eq!(bloom["shortFunctionNames"], json!(["v"]));
    assert_eq!(bloom["battery"], -1, "no battery input: unknown");
    let stroker = &toys["aabbcc000004"];
    assert_eq!(stroker["shortFunctionNames"], json!([]));
    // The same toys, the same ids, in a second process.
    let names = s.post(json!({"command": "GetToyName"})).await;
    assert_eq!(names["code"], 200);
    let mut names: Vec<String> = serde_json::from_value(names["data"].clone()).unwrap();
    names.sort();
    assert_eq!(names, ["Nora", "Simulated Stroker", "WeVibe Bloom"]);
    s.stop();
    let again = Serve::start(&[NORA], &[]);
    assert!(again.toys(1).await.contains_key("aabbcc000001"));
    again.stop();
}

#[tokio::test]
async fn function_drives_each_brand_at_its_own_steps_and_stop_stops() {
    let s = Serve::start(&[NORA, BLOOM, ROTATOR], &[]);
    s.toys(3).await;
    s.ok(
        json!({"command": "Function", "action": "Vibrate:4,Rotate:6", "timeSec": 0,
        "toy": "aabbcc000001", "apiVer": 1}),
    )
    .await;
    // 10 of 20 on a 15-step We-Vibe: ceil(15 * 10 / 20) = 8.
    s.ok(
        json!({"command": "Function", "action": "Vibrate:10", "timeSec": 0,
        "toy": "aabbcc000003", "apiVer": 1}),
    )
    .await;
    // 7 of 20 on a 100-step rotator: 35, clockwise.
    s.ok(
        json!({"command": "Function", "action": "Rotate:7", "timeSec": 0,
        "toy": ["aabbcc000005"], "apiVer": 1}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.ok(json!({"command": "Function", "action": "Stop", "timeSec": 0, "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = s.stop();
    let nora: Vec<String> = writes(&log, "AA:BB:CC:00:00:01")
        .into_iter()
        .map(|w| w.1)
        .filter(|t| t != "DeviceType;" && t != "Battery;")
        .collect();
    assert_eq!(nora, ["Vibrate:4;", "Rotate:6;", "Vibrate:0;", "Rotate:0;"]);
    let bloom = bytes(&log, "AA:BB:CC:00:00:03");
    assert!(
        bloom.contains(&vec![0x0F, 0x03, 0x00, 0x88, 0x00, 0x03, 0x00, 0x00]),
        "{bloom:?}"
    );
    assert_eq!(
        bloom.last().unwrap(),
        &vec![0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
    );
    let rotator: Vec<String> = writes(&log, "AA:BB:CC:00:00:05")
        .into_iter()
        .map(|w| w.1)
        .collect();
    assert_eq!(rotator, ["Rotate:0:35;", "Rotate:0:0;"]);
}

#[tokio::test]
async fn a_timed_action_ends_on_time() {
    let s = Serve::start(&[LUSH], &[]);
    s.toys(1).await;
    s.ok(json!({"command": "Function", "action": "Vibrate:8", "timeSec": 1, "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let log = s.stop();
    let w = from(&writes(&log, "AA:BB:CC:00:00:02"), "Vibrate:8;");
    assert_timeline(&w, &[(0.0, "Vibrate:8;"), (1000.0, "Vibrate:0;")], 90.0);
}

#[tokio::test]
async fn loops_run_and_pause_until_the_time_ends() {
    let s = Serve::start(&[LUSH], &[]);
    s.toys(1).await;
    s.ok(
        json!({"command": "Function", "action": "Vibrate:5", "timeSec": 2.2,
        "loopRunningSec": 0.5, "loopPauseSec": 0.5, "apiVer": 1}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2700)).await;
    let log = s.stop();
    let w = from(&writes(&log, "AA:BB:CC:00:00:02"), "Vibrate:5;");
    assert_timeline(
        &w,
        &[
            (0.0, "Vibrate:5;"),
            (500.0, "Vibrate:0;"),
            (1000.0, "Vibrate:5;"),
            (1500.0, "Vibrate:0;"),
            (2000.0, "Vibrate:5;"),
            (2200.0, "Vibrate:0;"),
        ],
        90.0,
    );
}

#[tokio::test]
async fn pattern_steps_come_at_their_interval_and_repeat() {
    let s = Serve::start(&[NORA], &[]);
    s.toys(1).await;
    s.ok(
        json!({"command": "Pattern", "rule": "V:1;F:v;S:200#", "strength": "4;8;12",
        "timeSec": 1.2, "toy": "aabbcc000001", "apiVer": 2}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let log = s.stop();
    // Only vibration: the rule names `v`, so the Nora's rotation is not touched (until
    // the shutdown's stop, which zeroes an output whose state is unknown).
    let w: Vec<(f64, String)> = from(&writes(&log, "AA:BB:CC:00:00:01"), "Vibrate:4;")
        .into_iter()
        .take_while(|(_, t)| t.starts_with("Vibrate"))
        .collect();
    assert_timeline(
        &w,
        &[
            (0.0, "Vibrate:4;"),
            (200.0, "Vibrate:8;"),
            (400.0, "Vibrate:12;"),
            (600.0, "Vibrate:4;"),
            (800.0, "Vibrate:8;"),
            (1000.0, "Vibrate:12;"),
            (1200.0, "Vibrate:0;"),
        ],
        75.0,
    );
}

#[tokio::test]
async fn a_preset_plays_until_stop_and_nothing_after() {
    let s = Serve::start(&[LUSH], &[]);
    s.toys(1).await;
    s.ok(json!({"command": "Preset", "name": "pulse", "timeSec": 0, "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    s.ok(json!({"command": "Stop"})).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let log = s.stop();
    let w = from(&writes(&log, "AA:BB:CC:00:00:02"), "Vibrate:20;");
    let texts: Vec<&str> = w.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        ["Vibrate:20;", "Vibrate:0;", "Vibrate:20;", "Vibrate:0;"],
        "{w:?}"
    );
    assert!(
        (w[1].0 - 500.0).abs() < 80.0 && (w[2].0 - 1000.0).abs() < 80.0,
        "{w:?}"
    );
    assert!(w[3].0 > 1100.0 && w[3].0 < 1400.0, "the stop: {w:?}");
}

#[tokio::test]
async fn stop_previous_zero_stacks_and_one_replaces() {
    let s = Serve::start(&[NORA], &[]);
    s.toys(1).await;
    s.ok(json!({"command": "Function", "action": "Vibrate:10", "timeSec": 0, "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    s.ok(
        json!({"command": "Function", "action": "Rotate:20", "timeSec": 0,
        "stopPrevious": 0, "apiVer": 1}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    // stopPrevious 1 (the default): what the command does not name goes to zero.
    s.ok(json!({"command": "Function", "action": "Rotate:5", "timeSec": 0, "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    // A timed action stacked under another: its end only stops its own output.
    s.ok(
        json!({"command": "Function", "action": "Vibrate:3", "timeSec": 0.3,
        "stopPrevious": 0, "apiVer": 1}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = s.stop();
    let texts: Vec<String> = from(&writes(&log, "AA:BB:CC:00:00:01"), "Vibrate:10;")
        .into_iter()
        .map(|w| w.1)
        .collect();
    assert_eq!(
        texts,
        [
            "Vibrate:10;",
            "Rotate:20;",
            "Vibrate:0;",
            "Rotate:5;",
            "Vibrate:3;",
            "Vibrate:0;",
            "Rotate:0;"
        ]
    );
}

#[tokio::test]
async fn position_and_pattern_v2_drive_a_stroker_and_a_vibrator() {
    let s = Serve::start(&[STROKER, LUSH], &[]);
    s.toys(2).await;
    s.ok(json!({"command": "Position", "value": "38", "toy": "aabbcc000004", "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.ok(json!({"command": "PatternV2", "type": "Setup", "actions": [
        {"ts": 0, "pos": 0}, {"ts": 400, "pos": 100}, {"ts": 800, "pos": 50}], "apiVer": 1}))
        .await;
    s.ok(json!({"command": "PatternV2", "type": "SyncTime", "apiVer": 1}))
        .await;
    s.ok(
        json!({"command": "PatternV2", "type": "Play", "startTime": 0, "offsetTime": 0,
        "apiVer": 1}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // Stop of PatternV2 with nothing playing is fine; Position to a toy without a
    // position output is not supported.
    s.ok(json!({"command": "PatternV2", "type": "Stop", "apiVer": 1}))
        .await;
    let a = s
        .post(json!({"command": "Position", "value": "10", "toy": "aabbcc000002", "apiVer": 1}))
        .await;
    assert_eq!(a["code"], 403, "{a}");
    let log = s.stop();
    let stroker = from(
        &writes(&log, "AA:BB:CC:00:00:04"),
        "HwPositionWithDuration:0:380:300;",
    );
    assert_timeline(
        &stroker[1..],
        &[
            (200.0, "HwPositionWithDuration:0:1000:400;"),
            (600.0, "HwPositionWithDuration:0:500:400;"),
        ],
        150.0,
    );
    // A vibrator takes pos as its level, each keyframe's from its time on; the pattern
    // ends (zero) at the last keyframe's time.
    let lush = from(&writes(&log, "AA:BB:CC:00:00:02"), "Vibrate:20;");
    assert_timeline(&lush, &[(0.0, "Vibrate:20;"), (400.0, "Vibrate:0;")], 90.0);
}

#[tokio::test]
async fn bad_requests_get_the_protocol_error_codes_and_change_nothing() {
    let s = Serve::start(&[LUSH], &[]);
    s.toys(1).await;
    let code = async |body: &str| {
        let (status, answer) = s.post_raw(body).await;
        assert_eq!(status, 200, "errors travel in the body: {answer}");
        assert_eq!(answer["type"], "error", "{answer}");
        assert!(!answer["message"].as_str().unwrap().is_empty());
        answer["code"].as_i64().unwrap()
    };
    assert_eq!(code("{not json").await, 400);
    assert_eq!(code(r#"{"command": "Fly"}"#).await, 400);
    assert_eq!(code(r#"{"action": "Vibrate:1"}"#).await, 400);
    assert_eq!(
        code(
            r#"{"command": "Function", "action": "Vibrate:5", "timeSec": 0, "toy": "000000000000"}"#
        )
        .await,
        401
    );
    assert_eq!(
        code(r#"{"command": "Function", "action": "Pump:2", "timeSec": 0}"#).await,
        403
    );
    assert_eq!(
        code(r#"{"command": "Function", "action": "Depth:2", "timeSec": 0}"#).await,
        403
    );
    assert_eq!(
        code(r#"{"command": "Function", "action": "Vibrate:21", "timeSec": 0}"#).await,
        404
    );
    assert_eq!(
        code(r#"{"command": "Function", "action": "Vibrate:x", "timeSec": 0}"#).await,
        404
    );
    assert_eq!(
        code(r#"{"command": "Function", "action": "Wiggle:3", "timeSec": 0}"#).await,
        404
    );
    assert_eq!(
        code(r#"{"command": "Function", "action": "Vibrate:3", "timeSec": -2}"#).await,
        404
    );
    assert_eq!(
        code(r#"{"command": "Function", "action": "Vibrate:3", "timeSec": 0, "stopPrevious": 2}"#)
            .await,
        404
    );
    assert_eq!(
        code(
            r#"{"command": "Pattern", "rule": "V:1;F:v;S:20#", "strength": "5;10", "timeSec": 1}"#
        )
        .await,
        404
    );
    assert_eq!(
        code(
            r#"{"command": "Pattern", "rule": "V:1;F:v;S:200#", "strength": "5;30", "timeSec": 1}"#
        )
        .await,
        404
    );
    assert_eq!(
        code(r#"{"command": "Preset", "name": "storm", "timeSec": 1}"#).await,
        404
    );
    assert_eq!(
        code(r#"{"command": "Position", "value": "101"}"#).await,
        404
    );
    assert_eq!(
        code(r#"{"command": "PatternV2", "type": "Play"}"#).await,
        404,
        "Play before Setup"
    );
    assert_eq!(
        code(r#"{"command": "PatternV2", "type": "Setup", "actions": [{"ts": 5, "pos": 1}, {"ts": 5, "pos": 2}]}"#).await,
        404
    );
    // The server is still fine.
    s.ok(json!({"command": "Function", "action": "Vibrate:1", "timeSec": 0}))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = s.stop();
    let texts: Vec<String> = writes(&log, "AA:BB:CC:00:00:02")
        .into_iter()
        .map(|w| w.1)
        .filter(|t| t.starts_with("Vibrate"))
        .collect();
    assert_eq!(
        texts,
        ["Vibrate:1;", "Vibrate:0;"],
        "nothing from the bad requests"
    );
}

/// Shaped like what a game sends: it asks for the toys, then streams Function commands as
/// its scene changes (faster than the toy's 75 ms gap), then stops.
#[tokio::test]
async fn a_recorded_game_sequence() {
    let s = Serve::start(&[LUSH, NORA], &[]);
    let toys = s.toys(2).await;
    assert!(toys.contains_key("aabbcc000002"));
    s.post(json!({"command": "GetToyName"})).await;
    for i in 0..60u32 {
        let level = (i * 7) % 21;
        s.ok(
            json!({"command": "Function", "action": format!("Vibrate:{level}"),
            "timeSec": 0, "toy": "aabbcc000002", "apiVer": 1}),
        )
        .await;
        if i % 20 == 0 {
            s.ok(
                json!({"command": "Function", "action": "All:12", "timeSec": 1,
                "toy": "aabbcc000001", "apiVer": 1}),
            )
            .await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    s.ok(
        json!({"command": "Function", "action": "Vibrate:20", "timeSec": 0,
        "toy": "aabbcc000002", "apiVer": 1}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.ok(json!({"command": "Function", "action": "Stop", "timeSec": 0, "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = s.stop();
    let lush: Vec<String> = writes(&log, "AA:BB:CC:00:00:02")
        .into_iter()
        .map(|w| w.1)
        .filter(|t| t.starts_with("Vibrate"))
        .collect();
    // Coalesced within the gap (far fewer writes than commands), newest value reached
    // the toy before the stop, and the stop is the last write.
    assert!(lush.len() < 40, "{lush:?}");
    assert_eq!(&lush[lush.len() - 2..], ["Vibrate:20;", "Vibrate:0;"]);
    let nora: Vec<String> = writes(&log, "AA:BB:CC:00:00:01")
        .into_iter()
        .map(|w| w.1)
        .filter(|t| t.starts_with("Vibrate") || t.starts_with("Rotate"))
        .collect();
    assert_eq!(
        nora.last().map(String::as_str),
        Some("Rotate:0;"),
        "{nora:?}"
    );
    assert!(nora.contains(&"Vibrate:12;".to_string()) && nora.contains(&"Rotate:12;".to_string()));
}

async fn hello(
    url: &str,
) -> (
    bool,
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::text(
        json!([{"RequestServerInfo": {"Id": 1, "ClientName": "t",
            "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}])
        .to_string(),
    ))
    .await
    .unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Text(t))) => return (t.contains("ServerInfo"), ws),
            Some(Ok(_)) => {}
            other => panic!("{other:?}"),
        }
    }
}

/// The rule: one client controls at a time. Game Mode holds the slot while a game uses
/// it; a websocket client is refused meanwhile, and gets in once Game Mode is idle; while
/// the websocket client holds it, Game Mode's commands are answered 506 and change nothing.
#[tokio::test]
async fn game_mode_and_a_websocket_client_take_turns() {
    let s = Serve::start(&[LUSH], &["--lovense-game-mode-idle", "1"]);
    s.toys(1).await;
    s.ok(json!({"command": "Function", "action": "Vibrate:6", "timeSec": 0.5, "apiVer": 1}))
        .await;
    let (accepted, _refused) = hello(&s.ws).await;
    assert!(!accepted, "Game Mode holds the slot");
    // The timed action ends at 0.5 s; 1 s of idle later the slot is free.
    let started = std::time::Instant::now();
    let mut ws = loop {
        let (accepted, ws) = hello(&s.ws).await;
        if accepted {
            break ws;
        }
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "slot not given back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    // The websocket client drives; Game Mode is refused and writes nothing.
    ws.send(Message::text(
        json!([{"OutputCmd": {"Id": 2, "DeviceIndex": 0, "FeatureIndex": 0,
            "Command": {"Vibrate": {"Value": 9}}}}])
        .to_string(),
    ))
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let busy = s
        .post(json!({"command": "Function", "action": "Vibrate:17", "timeSec": 0, "apiVer": 1}))
        .await;
    assert_eq!(busy["code"], 506, "{busy}");
    let busy = s.post(json!({"command": "Stop"})).await;
    assert_eq!(busy["code"], 506, "{busy}");
    // GetToys still answers.
    s.toys(1).await;
    // The websocket client leaves (its toy stops); Game Mode drives again.
    ws.close(None).await.unwrap();
    drop(ws);
    let started = std::time::Instant::now();
    loop {
        let a = s
            .post(json!({"command": "Function", "action": "Vibrate:4", "timeSec": 0, "apiVer": 1}))
            .await;
        if a["code"] == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(4), "{a}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = s.stop();
    let texts: Vec<String> = from(&writes(&log, "AA:BB:CC:00:00:02"), "Vibrate:6;")
        .into_iter()
        .map(|w| w.1)
        .collect();
    assert_eq!(
        texts,
        [
            "Vibrate:6;",
            "Vibrate:0;",
            "Vibrate:9;",
            "Vibrate:0;",
            "Vibrate:4;",
            "Vibrate:0;"
        ]
    );
}

/// SIGTERM while a pattern runs: the pattern ends and the toy stops; nothing follows.
#[tokio::test]
async fn shutdown_ends_jobs_and_stops_toys() {
    let s = Serve::start(&[LUSH], &[]);
    s.toys(1).await;
    s.ok(json!({"command": "Preset", "name": "earthquake", "timeSec": 0, "apiVer": 1}))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let log = s.stop();
    let w = writes(&log, "AA:BB:CC:00:00:02");
    assert_eq!(w.last().unwrap().1, "Vibrate:0;", "{w:?}");
}

#[tokio::test]
async fn cors_preflight_is_answered() {
    let s = Serve::start(&[LUSH], &[]);
    let mut c = tokio::net::TcpStream::connect(s.game).await.unwrap();
    c.write_all(b"OPTIONS /command HTTP/1.1\r\nHost: x\r\nOrigin: http://game.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("access-control-allow-origin: *"),
        "{answer}"
    );
    s.stop();
}
