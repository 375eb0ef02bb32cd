//! Playback through the C ABI on simulated toys: start (explicit tracks and a funscript on
//! whatever is connected), events, control, a StopDevice ending the playback, a client
//! command to a played output refused, bad requests named, and freeing the client with a
//! playback running; and the same requests on a websocket connection to `plugwire serve`.

#[path = "support/fake_nora.rs"]
mod fake_nora;
#[path = "support/serve_process.rs"]
mod serve_process;

use std::os::raw::c_void;
use std::ptr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plugwire::ffi::*;
use plugwire::proto as pb;
use prost::Message;

const WAIT: Duration = Duration::from_secs(10);
const LUSH: &str = "FF:00:00:00:00:00";

unsafe extern "C" fn reply_once(user_data: *mut c_void, data: *const u8, len: usize) {
    let tx = unsafe { Box::from_raw(user_data as *mut mpsc::Sender<Vec<u8>>) };
    let _ = tx.send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
}

/// A pull-mode client.
struct Client(*mut PlugwireClient);

impl Client {
    fn connected(gap_ms: u32) -> Client {
        let mut raw = ptr::null_mut();
        assert_eq!(
            unsafe { plugwire_client_new(None, ptr::null_mut(), &mut raw) },
            PlugwireStatus::Ok
        );
        let c = Client(raw);
        c.ok(pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
            client_name: "ffi playback".into(),
            simulated_devices: vec![pb::SimulatedDevice {
                name: "LVS-Lush".into(),
                address: LUSH.into(),
                ..Default::default()
            }],
            default_gap: Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(
                gap_ms,
            )),
            ..Default::default()
        }));
        c.ok(pb::request::Kind::StartScanning(pb::StartScanning {}));
        while !matches!(c.next_event(), pb::event::Kind::DeviceAdded(_)) {}
        c
    }

    /// Connected over a websocket to `url`, with the server's one toy found.
    fn connected_websocket(url: &str) -> Client {
        let mut raw = ptr::null_mut();
        assert_eq!(
            unsafe { plugwire_client_new(None, ptr::null_mut(), &mut raw) },
            PlugwireStatus::Ok
        );
        let c = Client(raw);
        c.ok(pb::request::Kind::ConnectWebsocket(pb::ConnectWebsocket {
            client_name: "ffi playback ws".into(),
            url: url.into(),
            ..Default::default()
        }));
        c.ok(pb::request::Kind::StartScanning(pb::StartScanning {}));
        while !matches!(c.next_event(), pb::event::Kind::DeviceAdded(_)) {}
        c
    }

    fn request(&self, kind: pb::request::Kind) -> pb::reply::Kind {
        let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        let ctx = Box::into_raw(Box::new(tx)) as *mut c_void;
        let status = unsafe {
            plugwire_client_request(self.0, bytes.as_ptr(), bytes.len(), Some(reply_once), ctx)
        };
        assert_eq!(status, PlugwireStatus::Ok);
        let reply = rx.recv_timeout(WAIT).expect("reply in time");
        pb::Reply::decode(&reply[..]).unwrap().kind.unwrap()
    }

    fn ok(&self, kind: pb::request::Kind) {
        let reply = self.request(kind);
        assert!(matches!(reply, pb::reply::Kind::Ok(_)), "{reply:?}");
    }

    fn next_event(&self) -> pb::event::Kind {
        let mut buf = ptr::null_mut();
        let mut len = 0usize;
        let status = unsafe { plugwire_client_next_event(self.0, 10_000, &mut buf, &mut len) };
        assert_eq!(status, PlugwireStatus::Ok);
        let v = unsafe { std::slice::from_raw_parts(buf, len) }.to_vec();
        assert_eq!(
            unsafe { plugwire_buffer_free(buf, len) },
            PlugwireStatus::Ok
        );
        pb::Event::decode(&v[..]).unwrap().kind.unwrap()
    }

    /// The next playback event other than a position.
    fn playback_event(&self) -> pb::PlaybackEvent {
        let deadline = Instant::now() + WAIT;
        loop {
            assert!(Instant::now() < deadline, "no playback event");
            if let pb::event::Kind::Playback(p) = self.next_event() {
                if !matches!(p.kind, Some(pb::playback_event::Kind::PositionMs(_))) {
                    return p;
                }
            }
        }
    }

    fn writes(&self) -> Vec<String> {
        match self.request(pb::request::Kind::SimulatedWriteLog(
            pb::SimulatedWriteLog {
                address: LUSH.into(),
                clear: false,
            },
        )) {
            pb::reply::Kind::WriteLog(log) => log
                .records
                .into_iter()
                .filter(|r| r.kind == pb::RecordKind::Write as i32)
                .map(|r| String::from_utf8_lossy(&r.data).into_owned())
                .filter(|w| w != "DeviceType;")
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn start(&self, start: pb::PlaybackStart) -> pb::reply::Kind {
        self.request(pb::request::Kind::PlaybackStart(start))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        assert_eq!(unsafe { plugwire_client_free(self.0) }, PlugwireStatus::Ok);
    }
}

fn saw_track() -> pb::PlaybackTrack {
    pb::PlaybackTrack {
        device_index: 0,
        feature_index: 0,
        output: pb::OutputType::Vibrate as i32,
        source: Some(pb::playback_track::Source::Pattern(pb::PlaybackPattern {
            waveform: pb::PlaybackWaveform::Saw as i32,
            period_ms: 300.0,
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn started_id(reply: pb::reply::Kind) -> u64 {
    match reply {
        pb::reply::Kind::PlaybackStarted(s) => s.playback_id,
        other => panic!("expected PlaybackStarted, got {other:?}"),
    }
}

fn control(id: u64, action: pb::playback_control::Action) -> pb::request::Kind {
    pb::request::Kind::PlaybackControl(pb::PlaybackControl {
        playback_id: id,
        action: Some(action),
    })
}

/// Device 0's vibrator is under playback: a client command to it is refused, naming the
/// playback, and a second playback of it is busy.
fn output_is_held(c: &Client) {
    match c.request(pb::request::Kind::DeviceOutput(pb::DeviceOutput {
        device_index: 0,
        feature_index: 0,
        output: pb::OutputType::Vibrate as i32,
        value: Some(pb::device_output::Value::Fraction(1.0)),
        duration: None,
    })) {
        pb::reply::Kind::Error(e) => assert!(e.message.contains("under playback"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error_code(&c.start(pb::PlaybackStart {
            tracks: vec![saw_track()],
            ..Default::default()
        })),
        pb::ErrorCode::PlaybackBusy as i32
    );
}

fn error_code(reply: &pb::reply::Kind) -> i32 {
    match reply {
        pb::reply::Kind::Error(e) => e.code,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn wait_writes(c: &Client, n: usize) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let w = c.writes();
        if w.len() >= n {
            return w;
        }
        assert!(Instant::now() < deadline, "only {w:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_pattern_plays_and_a_stop_device_ends_it() {
    let c = Client::connected(20);
    let id = started_id(c.start(pb::PlaybackStart {
        tracks: vec![saw_track()],
        ..Default::default()
    }));
    let started = c.playback_event();
    assert_eq!(started.playback_id, id);
    assert!(matches!(
        started.kind,
        Some(pb::playback_event::Kind::StartedMs(_))
    ));
    wait_writes(&c, 5);
    output_is_held(&c);
    c.ok(control(
        id,
        pb::playback_control::Action::Pause(pb::PlaybackPause {}),
    ));
    c.ok(control(id, pb::playback_control::Action::SeekMs(100.0)));
    c.ok(control(
        id,
        pb::playback_control::Action::Resume(pb::PlaybackResume {}),
    ));
    c.ok(control(id, pb::playback_control::Action::Rate(2.0)));
    c.ok(control(id, pb::playback_control::Action::SyncMs(500.0)));
    c.ok(pb::request::Kind::StopDevice(pb::StopDevice {
        device_index: 0,
        feature: None,
    }));
    let stopped = c.playback_event();
    match stopped.kind {
        Some(pb::playback_event::Kind::TrackStopped(t)) => {
            assert_eq!(t.reason, pb::PlaybackStopReason::DeviceStopped as i32)
        }
        other => panic!("{other:?}"),
    }
    let w = c.writes();
    assert_eq!(w.last().map(String::as_str), Some("Vibrate:0;"), "{w:?}");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(c.writes().len(), w.len(), "nothing after the stop");
    match c.playback_event().kind {
        Some(pb::playback_event::Kind::Stopped(s)) => {
            assert_eq!(s.reason, pb::PlaybackStopReason::DeviceStopped as i32)
        }
        other => panic!("{other:?}"),
    }
    // Over: its id is no longer known.
    let deadline = Instant::now() + WAIT;
    loop {
        let r = c.request(control(id, pb::playback_control::Action::SeekMs(0.0)));
        if !matches!(r, pb::reply::Kind::Ok(_)) {
            assert_eq!(error_code(&r), pb::ErrorCode::PlaybackUnknown as i32);
            break;
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_funscript_plays_on_whatever_is_connected_and_ends() {
    let c = Client::connected(20);
    // A vibrator plays the speed of the stroke axis: 0 -> 100 in 250 ms is full speed.
    let id = started_id(c.start(pb::PlaybackStart {
        funscript_json: r#"{"actions": [{"at": 0, "pos": 0}, {"at": 250, "pos": 100}, {"at": 300, "pos": 100}]}"#.into(),
        ..Default::default()
    }));
    assert!(matches!(
        c.playback_event().kind,
        Some(pb::playback_event::Kind::StartedMs(_))
    ));
    let ended = c.playback_event();
    assert_eq!(ended.playback_id, id);
    assert!(
        matches!(ended.kind, Some(pb::playback_event::Kind::Ended(_))),
        "{ended:?}"
    );
    let w = wait_writes(&c, 2);
    assert!(w.contains(&"Vibrate:20;".to_string()), "{w:?}");
    let deadline = Instant::now() + WAIT;
    while c.writes().last().map(String::as_str) != Some("Vibrate:0;") {
        assert!(
            Instant::now() < deadline,
            "stopped at the end: {:?}",
            c.writes()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn bad_playback_requests_name_what_is_wrong() {
    let c = Client::connected(0);
    let mut bad_script = saw_track();
    bad_script.source = Some(pb::playback_track::Source::Funscript(
        pb::PlaybackFunscriptAxis {
            json: r#"{"actions": [{"at": 0, "pos": 300}]}"#.into(),
            ..Default::default()
        },
    ));
    let mut no_device = saw_track();
    no_device.device_index = 9;
    let mut bad_period = saw_track();
    if let Some(pb::playback_track::Source::Pattern(p)) = &mut bad_period.source {
        p.period_ms = -1.0;
    }
    let mut bad_range = saw_track();
    bad_range.range_min = 0.9;
    bad_range.range_max = 0.1;
    let cases = [
        (bad_script, pb::ErrorCode::PlaybackInvalid, "actions[0].pos"),
        (
            no_device,
            pb::ErrorCode::UnknownDevice,
            "no device at index 9",
        ),
        (
            bad_period,
            pb::ErrorCode::PlaybackInvalid,
            "tracks[0].pattern",
        ),
        (bad_range, pb::ErrorCode::PlaybackInvalid, "range"),
    ];
    for (track, code, text) in cases {
        match c.start(pb::PlaybackStart {
            tracks: vec![track],
            ..Default::default()
        }) {
            pb::reply::Kind::Error(e) => {
                assert_eq!(e.code, code as i32, "{e:?}");
                assert!(e.message.contains(text), "{e:?}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        error_code(&c.request(control(77, pb::playback_control::Action::SeekMs(0.0)))),
        pb::ErrorCode::PlaybackUnknown as i32
    );
    // Nothing was claimed by the refused starts: the client drives the output.
    c.ok(pb::request::Kind::DeviceOutput(pb::DeviceOutput {
        device_index: 0,
        feature_index: 0,
        output: pb::OutputType::Vibrate as i32,
        value: Some(pb::device_output::Value::Fraction(0.5)),
        duration: None,
    }));
}

#[test]
fn disconnecting_stops_a_running_playback_and_free_returns() {
    // Disconnect (which freeing does first) stops the device and ends the playback; the
    // free then returns promptly with the playback's thread gone.
    let c = Client::connected(20);
    started_id(c.start(pb::PlaybackStart {
        tracks: vec![saw_track()],
        ..Default::default()
    }));
    wait_writes(&c, 3);
    c.ok(pb::request::Kind::Disconnect(pb::Disconnect {}));
    let w = c.writes();
    assert_eq!(w.last().map(String::as_str), Some("Vibrate:0;"), "{w:?}");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        c.writes().len(),
        w.len(),
        "nothing after the disconnect's stop"
    );
    let freed = Instant::now();
    drop(c);
    assert!(freed.elapsed() < Duration::from_secs(5));
}

fn set_fault(c: &Client, fault: pb::WriteFault) {
    c.ok(pb::request::Kind::SimulatedSetWriteFault(
        pb::SimulatedSetWriteFault {
            address: LUSH.into(),
            fault: fault as i32,
            delay_ms: 0,
        },
    ));
}

#[test]
fn a_failing_write_is_written_again_and_a_hanging_write_ends_the_playback() {
    // Failing writes leave the output unknown: the playback goes on and its next slots
    // reach the toy once it heals. A write that hangs past the hardware timeout loses the
    // device, which ends its track (DeviceRemoved) and with it the playback.
    let c = Client::connected(20);
    let id = started_id(c.start(pb::PlaybackStart {
        tracks: vec![saw_track()],
        ..Default::default()
    }));
    assert!(matches!(
        c.playback_event().kind,
        Some(pb::playback_event::Kind::StartedMs(_))
    ));
    wait_writes(&c, 3);
    set_fault(&c, pb::WriteFault::Fail);
    // At most a write already under way when the fault was set reaches the toy.
    let at_fault = c.writes().len();
    std::thread::sleep(Duration::from_millis(200));
    let failed = c.writes().len();
    assert!(
        failed <= at_fault + 1,
        "{failed} > {at_fault} + 1: failing writes reach nothing"
    );
    // Still running: a control is accepted.
    c.ok(control(id, pb::playback_control::Action::Rate(1.0)));
    set_fault(&c, pb::WriteFault::None);
    wait_writes(&c, failed + 3);

    set_fault(&c, pb::WriteFault::Hang);
    let started = Instant::now();
    match c.playback_event().kind {
        Some(pb::playback_event::Kind::TrackStopped(t)) => {
            assert_eq!(
                t.reason,
                pb::PlaybackStopReason::DeviceRemoved as i32,
                "{t:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < WAIT);
    match c.playback_event().kind {
        Some(pb::playback_event::Kind::Stopped(s)) => {
            assert_eq!(
                s.reason,
                pb::PlaybackStopReason::DeviceRemoved as i32,
                "{s:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error_code(&c.request(control(id, pb::playback_control::Action::SeekMs(0.0)))),
        pb::ErrorCode::PlaybackUnknown as i32
    );
}

#[test]
fn over_a_websocket_the_same_requests_play_and_a_stop_device_ends_it() {
    // The player runs in the library and writes output commands to `plugwire serve`; a
    // fake Nora on the server's device websocket reports what the toy gets.
    let dir = std::env::temp_dir().join(format!("plugwire-ffi-wsplay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (serve, devices) = fake_nora::serve_for_fake_noras(&dir, &["--websocket-port", "0"]);
    let toy = fake_nora::FakeNora::connect(&devices, "ffi-ws-nora");
    let c = Client::connected_websocket(&serve.ws_url());
    let id = started_id(c.start(pb::PlaybackStart {
        tracks: vec![saw_track()],
        ..Default::default()
    }));
    assert!(matches!(
        c.playback_event().kind,
        Some(pb::playback_event::Kind::StartedMs(_))
    ));
    let playing = |toy: &fake_nora::FakeNora| {
        let deadline = Instant::now() + WAIT;
        let mut levels = 0;
        while levels < 3 {
            let c = toy
                .got
                .recv_timeout(deadline - Instant::now())
                .expect("the toy plays");
            if c.starts_with("Vibrate:") && c != "Vibrate:0;" {
                levels += 1;
            }
        }
    };
    playing(&toy);
    output_is_held(&c);
    for action in [
        pb::playback_control::Action::Pause(pb::PlaybackPause {}),
        pb::playback_control::Action::SeekMs(100.0),
        pb::playback_control::Action::Resume(pb::PlaybackResume {}),
        pb::playback_control::Action::Rate(2.0),
        pb::playback_control::Action::SyncMs(500.0),
    ] {
        c.ok(control(id, action));
    }
    playing(&toy);
    c.ok(pb::request::Kind::StopDevice(pb::StopDevice {
        device_index: 0,
        feature: None,
    }));
    for _ in 0..2 {
        let reason = match c.playback_event().kind {
            Some(pb::playback_event::Kind::TrackStopped(t)) => t.reason,
            Some(pb::playback_event::Kind::Stopped(s)) => s.reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason, pb::PlaybackStopReason::DeviceStopped as i32);
    }
    // The toy's last commands are the stop's zeros, and nothing follows them.
    let after = toy.drain(Duration::from_millis(400));
    let last_level = after
        .iter()
        .rposition(|c| !c.ends_with(":0;"))
        .map_or(0, |i| i + 1);
    assert!(
        after[last_level..].iter().any(|c| c == "Vibrate:0;"),
        "{after:?}"
    );
    assert!(toy.drain(Duration::from_millis(200)).is_empty());

    // A funscript on whatever is connected: the remote toy's vibrator follows the stroke's
    // speed, and the playback ends by itself.
    started_id(c.start(pb::PlaybackStart {
        funscript_json: r#"{"actions": [{"at": 0, "pos": 0}, {"at": 250, "pos": 100}, {"at": 300, "pos": 100}]}"#.into(),
        ..Default::default()
    }));
    assert!(matches!(
        c.playback_event().kind,
        Some(pb::playback_event::Kind::StartedMs(_))
    ));
    assert!(matches!(
        c.playback_event().kind,
        Some(pb::playback_event::Kind::Ended(_))
    ));
    let got = toy.drain(Duration::from_millis(300));
    assert!(got.iter().any(|c| c == "Vibrate:20;"), "{got:?}");
    drop(c);
    drop(serve);
    let _ = std::fs::remove_dir_all(dir);
}
