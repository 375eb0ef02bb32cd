//! Playback from a client connected over a websocket to `plugwire serve` on loopback, with a
//! fake Lovense Nora on the server's device websocket reporting what the toy receives: the
//! player runs in the client and writes output commands over the wire. Control and events,
//! a client command to a played output refused, and every way the playback ends early:
//! its own stop, StopDevice, StopAll, the device leaving, the client disconnecting or dropped, the
//! connection lost (and reconnecting), and a server that stops reading.

#[path = "support/fake_nora.rs"]
mod fake_nora;
#[path = "support/serve_process.rs"]
mod serve_process;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fake_nora::FakeNora;
use plugwire::OutputType;
use plugwire::client::{ButtplugClient, ClientDevice, ClientError, ClientOptions, ReconnectPolicy};
use plugwire::playback::pattern::{Pattern, Waveform};
use plugwire::playback::{
    Mapping, Playback, PlaybackError, PlaybackEvent, PlaybackOptions, Source, StopReason, TrackSpec,
};
use plugwire::spec::error::Cause;
use plugwire::spec::message::Request;
use serve_process::{Serve, scratch};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(10);
/// Long enough for several slots: a toy quiet this long after a stop got nothing more.
const QUIET: Duration = Duration::from_millis(400);

/// `plugwire serve` with a fake Nora connected; the server, the toy and the websocket URL.
fn serve_with_nora(tag: &str) -> (Serve, FakeNora, String) {
    let dir = scratch(&format!("wsplay-{tag}"));
    let (serve, devices) = fake_nora::serve_for_fake_noras(&dir, &["--websocket-port", "0"]);
    let toy = FakeNora::connect(&devices, &format!("{tag}-nora"));
    let url = serve.ws_url();
    (serve, toy, url)
}

/// A client connected to `url` that knows the toy.
async fn connected(url: &str) -> (ButtplugClient, ClientDevice) {
    let client = ButtplugClient::connect_websocket("ws playback", url)
        .await
        .unwrap();
    let device = nora(&client).await;
    (client, device)
}

/// Scans until the client knows the toy.
async fn nora(client: &ButtplugClient) -> ClientDevice {
    client.start_scanning().await.unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(d) = client.devices().into_iter().next() {
            return d;
        }
        assert!(Instant::now() < deadline, "the toy was never listed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn vibrator(device: &ClientDevice) -> u32 {
    device
        .features_with(OutputType::Vibrate)
        .next()
        .expect("a vibrator")
        .index
}

/// A saw on the vibrator, mapped to the top three quarters of the range so a playback
/// value is never `Vibrate:0;` (that write is always a stop).
fn saw_track(device: &ClientDevice, period_ms: f64, once: bool) -> TrackSpec {
    TrackSpec {
        device: device.index(),
        feature: vibrator(device),
        output: OutputType::Vibrate,
        source: Source::Pattern(
            Pattern::waveform(Waveform::Saw, period_ms)
                .unwrap()
                .looped(!once),
        ),
        mapping: Mapping {
            min: 0.25,
            ..Mapping::default()
        },
        latency_ms: 0.0,
    }
}

/// Starts one track; returns once it reported its start.
async fn play(
    client: &ButtplugClient,
    track: TrackSpec,
) -> (Playback, mpsc::Receiver<PlaybackEvent>) {
    let playback = Playback::start(client, vec![track], PlaybackOptions::default())
        .expect("the playback starts");
    let mut events = playback.take_events().unwrap();
    match next_event(&mut events).await {
        PlaybackEvent::Started { .. } => {}
        other => panic!("expected the start, got {other:?}"),
    }
    (playback, events)
}

/// Starts a looped 300 ms saw on the toy's vibrator; returns once the toy is playing it.
async fn sawing(
    client: &ButtplugClient,
    device: &ClientDevice,
    toy: &FakeNora,
) -> (Playback, mpsc::Receiver<PlaybackEvent>) {
    let started = play(client, saw_track(device, 300.0, false)).await;
    playing(toy);
    started
}

/// The next event other than a position.
async fn next_event(events: &mut mpsc::Receiver<PlaybackEvent>) -> PlaybackEvent {
    loop {
        let e = tokio::time::timeout(WAIT, events.recv())
            .await
            .expect("playback event in time")
            .expect("events open");
        if !matches!(e, PlaybackEvent::Position { .. }) {
            return e;
        }
    }
}

/// The playback ends with this reason: its track stopped, then the player.
/// How many position events arrive within `span`.
async fn positions_within(events: &mut mpsc::Receiver<PlaybackEvent>, span: Duration) -> usize {
    let mut positions = 0;
    let until = Instant::now() + span;
    while Instant::now() < until {
        if let Ok(Some(PlaybackEvent::Position { .. })) =
            tokio::time::timeout(Duration::from_millis(100), events.recv()).await
        {
            positions += 1;
        }
    }
    positions
}

async fn ends_with(events: &mut mpsc::Receiver<PlaybackEvent>, reason: StopReason) {
    match next_event(events).await {
        PlaybackEvent::TrackStopped { reason: r, .. } => assert_eq!(r, reason),
        other => panic!("expected the track stopped, got {other:?}"),
    }
    match next_event(events).await {
        PlaybackEvent::Stopped { reason: r } => assert_eq!(r, reason),
        other => panic!("expected the playback stopped, got {other:?}"),
    }
}

fn is_vibrate(c: &str) -> bool {
    c.starts_with("Vibrate:")
}

fn is_zero(c: &str) -> bool {
    c.ends_with(":0;")
}

/// Waits until the toy is playing (a few non-zero vibrate levels).
fn playing(toy: &FakeNora) {
    tokio::task::block_in_place(|| playing_now(toy))
}

fn playing_now(toy: &FakeNora) {
    let deadline = Instant::now() + WAIT;
    let mut levels = 0;
    while levels < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        let c = toy.got.recv_timeout(left).expect("the toy plays");
        if is_vibrate(&c) && !is_zero(&c) {
            levels += 1;
        }
    }
}

/// The toy got a stop of its vibrator and nothing after it for a while: what it got last
/// is zeros only.
fn stopped_and_quiet(toy: &FakeNora) {
    tokio::task::block_in_place(|| stopped_and_quiet_now(toy))
}

fn stopped_and_quiet_now(toy: &FakeNora) {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "the toy never stopped: {seen:?}");
        match toy.got.recv_timeout(left.min(QUIET)) {
            Ok(c) => seen.push(c),
            Err(_) => {
                let tail: Vec<&String> = seen.iter().rev().take_while(|c| is_zero(c)).collect();
                if tail.iter().any(|c| is_vibrate(c)) {
                    return;
                }
                assert!(Instant::now() < deadline, "no stop: {seen:?}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pattern_plays_over_a_websocket_is_controlled_and_a_stop_device_ends_it() {
    let (_serve, toy, url) = serve_with_nora("control");
    let (client, device) = connected(&url).await;
    let (playback, mut events) = sawing(&client, &device, &toy).await;

    // A client command to the played output is refused before it is sent, as by an
    // embedded server; another output of the toy is free.
    match device.vibrate(1.0).await {
        Err(ClientError::Server(e)) => {
            assert_eq!(e.cause, Cause::UnderPlayback, "{e:?}");
            assert!(e.message.contains("under playback"), "{e:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    device.rotate(0.5).await.unwrap();
    // A second playback of the same output is busy.
    assert!(matches!(
        Playback::start(
            &client,
            vec![saw_track(&device, 300.0, false)],
            PlaybackOptions::default()
        ),
        Err(PlaybackError::Device { .. })
    ));

    // Positions are reported while playing.
    let positions = positions_within(&mut events, Duration::from_millis(700)).await;
    assert!(positions >= 1, "no position events");

    // Paused, a vibrator rests at zero; resumed, it plays again.
    playback.pause().unwrap();
    tokio::task::block_in_place(|| toy.wait_for("Vibrate:0;", WAIT));
    assert!(!playback.is_playing());
    playback.seek(100.0).unwrap();
    playback.resume().unwrap();
    playing(&toy);
    playback.set_rate(2.0).unwrap();
    playback.sync(500.0).unwrap();
    playing(&toy);

    // A StopDevice of the client ends the playback in the same step; the toy stops.
    device.stop().await.unwrap();
    ends_with(&mut events, StopReason::DeviceStopped).await;
    stopped_and_quiet(&toy);
    assert!(playback.is_done());

    // The output is free again; a pattern played once ends by itself and leaves the
    // vibrator stopped.
    device.vibrate(0.5).await.unwrap();
    tokio::task::block_in_place(|| toy.wait_for("Vibrate:10;", WAIT));
    let (_once, mut events) = play(&client, saw_track(&device, 200.0, true)).await;
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::Ended
    ));
    stopped_and_quiet(&toy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_all_the_device_leaving_and_closing_the_client_end_the_playback() {
    let (_serve, toy, url) = serve_with_nora("stops");
    let (client, device) = connected(&url).await;

    // The playback's own stop: it stops the vibrator it drove.
    let (playback, mut events) = sawing(&client, &device, &toy).await;
    playback.stop();
    match next_event(&mut events).await {
        PlaybackEvent::Stopped { reason } => assert_eq!(reason, StopReason::Requested),
        other => panic!("expected the playback stopped, got {other:?}"),
    }
    stopped_and_quiet(&toy);

    // StopAll.
    let (_p, mut events) = sawing(&client, &device, &toy).await;
    client.stop_all().await.unwrap();
    ends_with(&mut events, StopReason::DeviceStopped).await;
    stopped_and_quiet(&toy);

    // The client disconnects: the playback ends before the disconnect is sent, and the
    // server stops the toy as the session ends.
    let (_p, mut events) = sawing(&client, &device, &toy).await;
    client.disconnect().await.unwrap();
    ends_with(&mut events, StopReason::DeviceStopped).await;
    stopped_and_quiet(&toy);

    // The client is dropped with a playback running.
    let (client, device) = connected(&url).await;
    let (_p, mut events) = sawing(&client, &device, &toy).await;
    drop(client);
    ends_with(&mut events, StopReason::DeviceStopped).await;
    stopped_and_quiet(&toy);

    // The device leaves the server: its playback ends as removed.
    let (client, device) = connected(&url).await;
    let (_p, mut events) = sawing(&client, &device, &toy).await;
    tokio::task::block_in_place(|| toy.leave());
    ends_with(&mut events, StopReason::DeviceRemoved).await;
    assert!(client.device(device.index()).is_none());
}

/// A TCP proxy between the client and the server: it can hold the client's bytes back (a
/// server that stops reading; what it holds can be counted) and cut every connection (the
/// link dropping).
struct Proxy {
    url: String,
    paused: Arc<AtomicBool>,
    held: Arc<Mutex<Vec<u8>>>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Proxy {
    async fn to(server_url: &str) -> Proxy {
        let upstream = server_url.trim_start_matches("ws://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let paused = Arc::new(AtomicBool::new(false));
        let held = Arc::new(Mutex::new(Vec::new()));
        let (cut, cuts) = tokio::sync::watch::channel(0u64);
        let (pausing, holding) = (paused.clone(), held.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let (pausing, holding) = (pausing.clone(), holding.clone());
                let mut cuts = cuts.clone();
                cuts.mark_unchanged();
                tokio::spawn(async move {
                    let up = async {
                        let mut buf = vec![0u8; 16 * 1024];
                        loop {
                            let paused = pausing.load(Ordering::Acquire);
                            let release = if paused {
                                Vec::new()
                            } else {
                                std::mem::take(&mut *holding.lock().unwrap())
                            };
                            if !release.is_empty() && sw.write_all(&release).await.is_err() {
                                return;
                            }
                            let n = match tokio::time::timeout(
                                Duration::from_millis(5),
                                cr.read(&mut buf),
                            )
                            .await
                            {
                                Err(_) => continue,
                                Ok(Ok(0) | Err(_)) => return,
                                Ok(Ok(n)) => n,
                            };
                            if pausing.load(Ordering::Acquire) {
                                holding.lock().unwrap().extend_from_slice(&buf[..n]);
                            } else if sw.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    };
                    let down = tokio::io::copy(&mut sr, &mut cw);
                    tokio::select! {
                        _ = up => {}
                        _ = down => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Proxy {
            url,
            paused,
            held,
            cut,
        }
    }

    fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }

    /// Websocket text frames (each one Buttplug message array) held back so far.
    fn held_frames(&self) -> usize {
        let held = self.held.lock().unwrap();
        let (mut at, mut frames) = (0, 0);
        while at + 2 <= held.len() {
            let opcode = held[at] & 0x0f;
            let (len, mut head) = match held[at + 1] & 0x7f {
                126 => (u16::from_be_bytes([held[at + 2], held[at + 3]]) as usize, 4),
                127 => (
                    u64::from_be_bytes(held[at + 2..at + 10].try_into().unwrap()) as usize,
                    10,
                ),
                n => (n as usize, 2),
            };
            if held[at + 1] & 0x80 != 0 {
                head += 4; // the client's mask
            }
            if opcode == 1 {
                frames += 1;
            }
            at += head + len;
        }
        frames
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_ends_the_playback_and_nothing_of_it_follows_the_reconnect() {
    let (_serve, toy, url) = serve_with_nora("lost");
    let proxy = Proxy::to(&url).await;
    let client = ButtplugClient::connect_websocket_with(
        "ws playback",
        &proxy.url,
        ClientOptions {
            reconnect: Some(ReconnectPolicy {
                // Long enough to try a start while the client is reconnecting.
                initial_delay: Duration::from_millis(1000),
                max_delay: Duration::from_millis(1000),
                max_attempts: None,
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut client_events = client.events();
    let device = nora(&client).await;
    let (playback, mut events) = sawing(&client, &device, &toy).await;

    // The link drops: the playback ends (connection lost) and the server, seeing its
    // client gone, stops the toy.
    proxy.cut();
    ends_with(&mut events, StopReason::ConnectionLost).await;
    assert!(playback.is_done());
    // While reconnecting no playback starts.
    let deadline = Instant::now() + WAIT;
    while !client.is_reconnecting() {
        assert!(Instant::now() < deadline, "the client never reconnects");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(matches!(
        Playback::start(
            &client,
            vec![saw_track(&device, 300.0, false)],
            PlaybackOptions::default()
        ),
        Err(PlaybackError::Device { .. })
    ));
    stopped_and_quiet(&toy);

    // The client reconnects; the old playback writes nothing on the new connection, and
    // a new one plays.
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, client_events.recv()).await {
            Ok(Ok(plugwire::client::ClientEvent::Reconnected { .. })) => break,
            Ok(_) => {}
            Err(_) => panic!("no reconnect"),
        }
    }
    let after = tokio::task::block_in_place(|| toy.drain(QUIET));
    assert!(after.is_empty(), "the old playback wrote again: {after:?}");
    let device = client.devices().into_iter().next().expect("the toy again");
    let (_p, mut events) = sawing(&client, &device, &toy).await;
    device.stop().await.unwrap();
    ends_with(&mut events, StopReason::DeviceStopped).await;
    stopped_and_quiet(&toy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_reading_wedges_neither_the_player_nor_the_client_and_stop_wins() {
    let (_serve, toy, url) = serve_with_nora("hang");
    let proxy = Proxy::to(&url).await;
    let (client, device) = connected(&proxy.url).await;
    let (playback, mut events) = sawing(&client, &device, &toy).await;

    // The server reads nothing more: no write gets a reply.
    proxy.paused.store(true, Ordering::Release);
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::task::block_in_place(|| toy.drain(Duration::from_millis(100)));
    // The player goes on (it reports positions, takes control calls) ...
    let positions = positions_within(&mut events, Duration::from_millis(700)).await;
    assert!(positions >= 1, "the player stalled");
    // A bounded backlog: a few playback writes wait for their replies, the later slots
    // are skipped (one slot is at most ~80 ms, so a second held unbounded would be dozens).
    let backlog = proxy.held_frames();
    assert!(
        backlog <= 8,
        "{backlog} playback writes queued for a server not reading"
    );
    playback.set_rate(1.5).unwrap();
    assert!(!playback.is_done());
    // ... and the client too: a stop is submitted at once and ends the playback at once,
    // although its reply waits for the server.
    let submitted = Instant::now();
    let stop = client
        .submit(Request::Stop {
            device: Some(device.index()),
            feature: None,
            inputs: true,
            outputs: true,
        })
        .unwrap();
    assert!(submitted.elapsed() < Duration::from_millis(100));
    tokio::time::timeout(
        Duration::from_secs(1),
        ends_with(&mut events, StopReason::DeviceStopped),
    )
    .await
    .expect("the playback ends while the server is not reading");
    let meanwhile = tokio::task::block_in_place(|| toy.drain(Duration::from_millis(100)));
    assert!(meanwhile.is_empty(), "{meanwhile:?}");

    // The server reads again: what the player queued meanwhile (a bounded few writes)
    // comes before the stop, and the toy ends stopped.
    proxy.paused.store(false, Ordering::Release);
    tokio::time::timeout(WAIT, stop)
        .await
        .expect("the stop's reply")
        .unwrap();
    stopped_and_quiet(&toy);
}
