//! Playback through the device task on simulated toys: values on time, and every stop
//! path ending the playback in the same step (device stop, stop all, session end, client
//! gone, ping-out, shutdown), client commands to played outputs refused, and faults
//! (failing and hanging writes) during playback.

mod common;

use std::time::Duration;

use common::*;
use plugwire::OutputType;
use plugwire::hardware::simulated::WriteFault;
use plugwire::playback::pattern::{Pattern, Waveform};
use plugwire::playback::{
    Funscript, Interpolation, Mapping, Playback, PlaybackError, PlaybackEvent, PlaybackOptions,
    Source, StopReason, TrackSpec,
};
use plugwire::spec::message::{OutputCommand, Request};
use tokio::sync::mpsc;

const GAP_MS: u32 = 20;

/// A script that moves every 100 ms between 0 and 100 for a minute.
fn stroke_script() -> Funscript {
    let actions: Vec<String> = (0..600)
        .map(|i| {
            format!(
                r#"{{"at": {}, "pos": {}}}"#,
                i * 100,
                if i % 2 == 0 { 0 } else { 100 }
            )
        })
        .collect();
    Funscript::parse(
        &format!(r#"{{"actions": [{}]}}"#, actions.join(",")),
        "stroke",
    )
    .unwrap()
}

fn saw(period_ms: f64) -> Source {
    Source::Pattern(Pattern::waveform(Waveform::Saw, period_ms).unwrap())
}

/// A vibrator track mapped to the top three quarters of the range, so a playback value is
/// never `Vibrate:0;` and that write is always a stop.
fn vibrate_track(device: u32, source: Source) -> TrackSpec {
    TrackSpec {
        device,
        feature: 0,
        output: OutputType::Vibrate,
        source,
        mapping: Mapping {
            min: 0.25,
            ..Mapping::default()
        },
        latency_ms: 0.0,
    }
}

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

/// After a stop: the stop is the toy's last write, now and two gaps later.
async fn assert_stopped_and_quiet(toy: &plugwire::hardware::simulated::SimulatedDevice) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while commands(toy).last().map(String::as_str) != Some("Vibrate:0;") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no stop: {:?}",
            commands(toy)
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let n = commands(toy).len();
    tokio::time::sleep(Duration::from_millis(u64::from(GAP_MS) * 5)).await;
    let after = commands(toy);
    assert_eq!(after.len(), n, "writes after the stop: {:?}", &after[n..]);
}

async fn started(rig: &Rig, source: Source) -> (Playback, mpsc::Receiver<PlaybackEvent>) {
    let index = rig.index_of("LVS-Lush");
    let playback = Playback::start(
        rig.server.device_manager(),
        vec![vibrate_track(index, source)],
        PlaybackOptions::default(),
    )
    .expect("playback starts");
    let mut events = playback.take_events().unwrap();
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::Started { .. }
    ));
    // Playing: the toy is getting values.
    wait_commands(&rig.device("LVS-Lush"), 3).await;
    (playback, events)
}

fn gap_rig() -> Rig {
    rig_with(&["LVS-Lush"], |b| b.default_message_gap_ms(GAP_MS))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pattern_reaches_the_toy_at_the_gap() {
    let rig = gap_rig();
    let (_client, _device) = client_with(&rig, "LVS-Lush").await;
    let toy = rig.device("LVS-Lush");
    toy.clear_log();
    // A 400 ms saw over 15 steps (5..=20): one new value per 20 ms slot.
    let (playback, _events) = started(&rig, saw(400.0)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    playback.stop();
    let got = commands(&toy);
    let mut levels: Vec<i32> = got
        .iter()
        .filter_map(|c| c.strip_prefix("Vibrate:")?.strip_suffix(';')?.parse().ok())
        .collect();
    // The stop of `playback.stop()` may already be there.
    if levels.last() == Some(&0) {
        levels.pop();
    }
    assert!(levels.len() >= 30, "about 36 slots in 800 ms, got {got:?}");
    // A saw rises one step per slot and drops back: every rise is by a small step.
    let rises = levels.windows(2).filter(|w| w[1] > w[0]).count();
    assert!(rises >= 25, "{levels:?}");
    assert!(
        levels.iter().all(|l| (5..=20).contains(l)),
        "mapped range: {levels:?}"
    );
    assert!(
        levels.windows(2).all(|w| w[1] < w[0] || w[1] - w[0] <= 3),
        "a saw rises in small steps: {levels:?}"
    );
    // Playback writes keep the gap (a stop goes out at once, so it is left out).
    let times: Vec<Duration> = toy
        .writes()
        .iter()
        .filter(|w| w.data != b"Vibrate:0;")
        .map(|w| w.at)
        .collect();
    assert!(
        times
            .windows(2)
            .all(|w| w[1] - w[0] >= Duration::from_millis(u64::from(GAP_MS) - 1)),
        "gap kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_stop_ends_the_playback_in_the_same_step() {
    let rig = gap_rig();
    let (client, device) = client_with(&rig, "LVS-Lush").await;
    let (playback, mut events) = started(&rig, saw(300.0)).await;
    let toy = rig.device("LVS-Lush");
    device.stop().await.expect("stop");
    assert_stopped_and_quiet(&toy).await;
    assert_eq!(
        next_event(&mut events).await,
        PlaybackEvent::TrackStopped {
            device: device.index(),
            feature: 0,
            output: OutputType::Vibrate,
            reason: StopReason::DeviceStopped
        }
    );
    assert_eq!(
        next_event(&mut events).await,
        PlaybackEvent::Stopped {
            reason: StopReason::DeviceStopped
        }
    );
    assert!(playback.is_done());
    assert_eq!(playback.seek(10.0), Err(PlaybackError::Ended));
    // The output is the client's again.
    client
        .request(Request::Output {
            device: device.index(),
            feature: 0,
            command: OutputCommand {
                output: OutputType::Vibrate,
                value: 7,
                duration: None,
            },
        })
        .await
        .expect("the client drives the output again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_all_ends_the_playback() {
    let rig = gap_rig();
    let (client, _device) = client_with(&rig, "LVS-Lush").await;
    let (_playback, mut events) = started(&rig, saw(300.0)).await;
    client.stop_all().await.expect("stop all");
    assert_stopped_and_quiet(&rig.device("LVS-Lush")).await;
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::TrackStopped {
            reason: StopReason::DeviceStopped,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ending_ends_the_playback() {
    // Disconnect, and a client dropped without a goodbye.
    for how in ["disconnect", "drop"] {
        let rig = gap_rig();
        let (client, _device) = client_with(&rig, "LVS-Lush").await;
        let (_playback, mut events) = started(&rig, saw(300.0)).await;
        if how == "disconnect" {
            client.disconnect().await.expect("disconnect");
        } else {
            drop(client);
        }
        assert_stopped_and_quiet(&rig.device("LVS-Lush")).await;
        assert!(
            matches!(
                next_event(&mut events).await,
                PlaybackEvent::TrackStopped {
                    reason: StopReason::DeviceStopped,
                    ..
                }
            ),
            "{how}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_ping_ends_the_playback() {
    let rig = rig_with(&["LVS-Lush"], |b| {
        b.default_message_gap_ms(GAP_MS).max_ping_time_ms(300)
    });
    // A Buttplug JSON client that never pings.
    let mut json = Json::open(&rig);
    json.handshake(4).await;
    json.scan(2).await;
    let (_playback, mut events) = started(&rig, saw(300.0)).await;
    assert_stopped_and_quiet(&rig.device("LVS-Lush")).await;
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::TrackStopped {
            reason: StopReason::DeviceStopped,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_the_playback() {
    let rig = gap_rig();
    let (_client, _device) = client_with(&rig, "LVS-Lush").await;
    let (_playback, mut events) = started(&rig, saw(300.0)).await;
    rig.server.shutdown().await;
    assert_stopped_and_quiet(&rig.device("LVS-Lush")).await;
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::TrackStopped {
            reason: StopReason::DeviceStopped,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_commands_to_a_played_output_are_refused_and_stop_gets_through() {
    let rig = gap_rig();
    let (client, device) = client_with(&rig, "LVS-Lush").await;
    let (_playback, _events) = started(&rig, saw(300.0)).await;
    let refused = client
        .request(Request::Output {
            device: device.index(),
            feature: 0,
            command: OutputCommand {
                output: OutputType::Vibrate,
                value: 20,
                duration: None,
            },
        })
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("under playback"), "{refused}");
    // The same through Buttplug JSON, from another entry point: a device error.
    let playback2 = Playback::start(
        rig.server.device_manager(),
        vec![vibrate_track(device.index(), saw(100.0))],
        PlaybackOptions::default(),
    );
    assert!(
        matches!(playback2, Err(PlaybackError::Device { track: 0, .. })),
        "a second playback of the same output is refused"
    );
    device.stop().await.expect("stop gets through");
    assert_stopped_and_quiet(&rig.device("LVS-Lush")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_playback_stops_the_toy_and_a_script_ends() {
    let rig = gap_rig();
    let (_client, _device) = client_with(&rig, "LVS-Lush").await;
    let (playback, mut events) = started(&rig, saw(300.0)).await;
    playback.stop();
    assert_stopped_and_quiet(&rig.device("LVS-Lush")).await;
    assert_eq!(
        next_event(&mut events).await,
        PlaybackEvent::Stopped {
            reason: StopReason::Requested
        }
    );
    // A short script plays to its end, then the vibrator is stopped.
    let script = Funscript::parse(
        r#"{"actions": [{"at": 0, "pos": 100}, {"at": 200, "pos": 50}]}"#,
        "short",
    )
    .unwrap();
    let source = Source::script(script.main_axis().unwrap().1, Interpolation::Linear);
    let toy = rig.device("LVS-Lush");
    toy.clear_log();
    let (_p, mut events) = started(&rig, source).await;
    assert_eq!(next_event(&mut events).await, PlaybackEvent::Ended);
    assert_stopped_and_quiet(&toy).await;
    // 1.0 -> 0.5 mapped to 5..=20 is 20 -> 12.5: falling values, then the stop (which may
    // overtake the last value if it was still waiting for the gap).
    let got = commands(&toy);
    let levels: Vec<i32> = got
        .iter()
        .filter_map(|c| c.strip_prefix("Vibrate:")?.strip_suffix(';')?.parse().ok())
        .collect();
    let (stop, played) = levels.split_last().unwrap();
    assert_eq!(*stop, 0);
    assert_eq!(played.first(), Some(&20), "{got:?}");
    assert!(played.windows(2).all(|w| w[1] <= w[0]), "{got:?}");
    assert!(
        (13..=14).contains(played.last().unwrap()),
        "near the end value: {got:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_during_playback_heals_and_stop_still_wins() {
    let rig = gap_rig();
    let (_client, device) = client_with(&rig, "LVS-Lush").await;
    let toy = rig.device("LVS-Lush");
    // A steady value: after a failed write only a forgotten value would be written again.
    let steady = Source::Pattern(Pattern::waveform(Waveform::Square, 1_000_000.0).unwrap());
    toy.set_write_fault(WriteFault::Fail);
    let (_playback, mut events) = {
        let index = rig.index_of("LVS-Lush");
        let p = Playback::start(
            rig.server.device_manager(),
            vec![vibrate_track(index, steady)],
            PlaybackOptions::default(),
        )
        .unwrap();
        let e = p.take_events().unwrap();
        (p, e)
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(commands(&toy).is_empty(), "failing writes deliver nothing");
    toy.set_write_fault(WriteFault::None);
    let got = wait_commands(&toy, 1).await;
    assert_eq!(
        got[0], "Vibrate:20;",
        "the value is written again once writes work"
    );
    device.stop().await.expect("stop");
    assert_stopped_and_quiet(&toy).await;
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::Started { .. }
    ));
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::TrackStopped {
            reason: StopReason::DeviceStopped,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_write_during_playback_ends_it_with_the_device() {
    let rig = rig_with(&["LVS-Lush"], |b| {
        b.default_message_gap_ms(GAP_MS)
            .hardware_timeout(Duration::from_millis(200))
    });
    let (_client, _device) = client_with(&rig, "LVS-Lush").await;
    let (playback, mut events) = started(&rig, saw(300.0)).await;
    rig.device("LVS-Lush").set_write_fault(WriteFault::Hang);
    let stopped = next_event(&mut events).await;
    assert!(
        matches!(
            &stopped,
            PlaybackEvent::TrackStopped {
                reason: StopReason::DeviceRemoved,
                ..
            } | PlaybackEvent::TrackStopped {
                reason: StopReason::WriteFailed(_),
                ..
            }
        ),
        "{stopped:?}"
    );
    assert!(matches!(
        next_event(&mut events).await,
        PlaybackEvent::Stopped { .. }
    ));
    assert!(playback.is_done());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timed_outputs_get_keyframes_with_durations() {
    let rig = rig_with(&["Launch"], |b| b.default_message_gap_ms(GAP_MS));
    let (_client, _device) = client_with(&rig, "Launch").await;
    let index = rig.index_of("Launch");
    let toy = rig.device("Launch");
    toy.clear_log();
    let script = stroke_script();
    let playback = Playback::start(
        rig.server.device_manager(),
        vec![TrackSpec {
            device: index,
            feature: 0,
            output: OutputType::HwPositionWithDuration,
            source: Source::script(script.main_axis().unwrap().1, Interpolation::Linear),
            mapping: Mapping::default(),
            latency_ms: 0.0,
        }],
        PlaybackOptions::default(),
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    playback.stop();
    let positions: Vec<u8> = toy.writes().iter().map(|w| w.data[0]).collect();
    // One move per 100 ms keyframe, alternating between the ends.
    assert!((8..=12).contains(&positions.len()), "{positions:?}");
    assert!(
        positions.windows(2).all(|w| w[0] != w[1]),
        "each write heads for the other end: {positions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn position_events_come_once_a_period_while_slots_are_faster() {
    let rig = gap_rig();
    let (_client, _device) = client_with(&rig, "LVS-Lush").await;
    let index = rig.index_of("LVS-Lush");
    let playback = Playback::start(
        rig.server.device_manager(),
        vec![vibrate_track(index, saw(400.0))],
        PlaybackOptions {
            position_every_ms: 100.0,
            ..PlaybackOptions::default()
        },
    )
    .expect("playback starts");
    let mut events = playback.take_events().unwrap();
    let mut positions = Vec::new();
    let until = tokio::time::Instant::now() + Duration::from_millis(1000);
    while let Ok(Some(e)) = tokio::time::timeout_at(until, events.recv()).await {
        if let PlaybackEvent::Position { media_ms } = e {
            positions.push(media_ms);
        }
    }
    // Slots come every 22 ms; the events still come at most one per 100 ms of media time,
    // and keep coming (riding on slot wake-ups, not waiting for a wake-up of their own).
    assert!(positions.len() >= 5, "positions: {positions:?}");
    for pair in positions.windows(2) {
        assert!(
            pair[1] - pair[0] >= 99.0,
            "positions too close: {positions:?}"
        );
    }
}
