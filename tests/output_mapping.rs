//! Output mapping and device groups, end to end through JSON sessions on simulated toys:
//! the matrix over every built-in family, presentation in every spec version, groups,
//! stops and configuration errors.

mod common;

use std::time::Duration;

use common::*;
use plugwire::device::config::{Communication, DeviceConfigDb, ProtocolDef};
use plugwire::device::feature::OutputType;
use plugwire::hardware::simulated::{SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::server::{ButtplugServer, ServerBuilder};
use plugwire::{ButtplugClient, OutputValue};
use serde_json::{Value, json};

/// Scans in the matrix wait this long: some toys take a long handshake (an F-Machine
/// taps 110 times on connect) and the matrix runs several families at once.
const SCAN: Duration = Duration::from_secs(30);

/// How a family's toy can be simulated: its spec, and a user config when it is found on a
/// serial port the configuration must name.
fn simulated_toy(p: &ProtocolDef) -> Option<(SimulatedDeviceSpec, Option<String>)> {
    for c in &p.communication {
        match c {
            Communication::Btle(b) => {
                let named = b.names.iter().find(|n| !n.ends_with('*'));
                let name = named.cloned().or_else(|| {
                    b.names
                        .first()
                        .map(|n| format!("{}1", n.trim_end_matches('*')))
                });
                let mut spec = SimulatedDeviceSpec {
                    name: name.clone().unwrap_or_else(|| p.name.clone()),
                    ..Default::default()
                };
                if name.is_none() {
                    spec.services = b.advertised_services.clone();
                    spec.manufacturer_data = b
                        .manufacturer_data
                        .iter()
                        .map(|m| (m.company, m.data.clone().unwrap_or_default()))
                        .collect();
                    if spec.services.is_empty() && spec.manufacturer_data.is_empty() {
                        continue;
                    }
                }
                return Some((spec, None));
            }
            Communication::Simulated { names } => {
                return names.first().map(|n| {
                    (
                        SimulatedDeviceSpec {
                            name: n.clone(),
                            ..Default::default()
                        },
                        None,
                    )
                });
            }
            _ => {}
        }
    }
    // A serial family: on a port a user config names.
    p.communication
        .iter()
        .any(|c| matches!(c, Communication::Serial(_)))
        .then(|| {
            let port = format!("/dev/ttyMAP{}", p.name);
            let user = format!(
                r#"{{"version": {{"major": 4, "minor": 0}}, "user_configs": {{"protocols": {{"{}": {{
                "communication": [{{"serial": {{"port": "{port}", "baud_rate": 115200, "data_bits": 8, "parity": "N", "stop_bits": 1}}}}]}}}}}}}}"#,
                p.name
            );
            (
                SimulatedDeviceSpec {
                    name: p.name.clone(),
                    serial_port: Some(port),
                    ..Default::default()
                },
                Some(user),
            )
        })
}

struct Case {
    hw: SimulatedHardware,
    server: std::sync::Arc<ButtplugServer>,
    toy: SimulatedDevice,
}

async fn case(spec: &SimulatedDeviceSpec, user: Option<&str>, map: Option<Value>) -> Case {
    let hw = SimulatedHardware::new();
    let toy = hw.add_device(spec.clone());
    let mut b: ServerBuilder = ButtplugServer::builder()
        .simulated(hw.clone())
        .default_message_gap_ms(0);
    if let Some(u) = user {
        b = b.user_config_json(u).expect("user config");
    }
    if let Some(m) = map {
        b = b.output_map_json(&m.to_string()).expect("output map");
    }
    Case {
        hw,
        server: b.build().expect("server"),
        toy,
    }
}

async fn scanned(c: &Case, version: u32) -> Json {
    let mut s = Json::on(&c.server, &c.hw);
    s.handshake(version).await;
    assert_eq!(
        s.one(json!({"StartScanning": {"Id": 2}})).await,
        json!({"Ok": {"Id": 2}})
    );
    // The toy's DeviceAdded, then the scan is stopped (a simulated scan need not end by
    // itself).
    loop {
        let event = tokio::time::timeout(SCAN, s.events.recv())
            .await
            .expect("the toy is found in time")
            .expect("events");
        if matches!(event, plugwire::spec::ServerEvent::DeviceAdded(_)) {
            break;
        }
    }
    assert_eq!(
        s.one(json!({"StopScanning": {"Id": 4}})).await,
        json!({"Ok": {"Id": 4}})
    );
    s
}

/// Records (of any kind) the toy logged from `from` on, as (kind, bytes).
fn since(toy: &SimulatedDevice, from: usize) -> Vec<String> {
    toy.log()
        .into_iter()
        .skip(from)
        .map(|r| format!("{:?} {:?} {:02x?}", r.kind, r.endpoint, r.data))
        .collect()
}

/// The toy's log length once nothing has been logged for 100 ms (connecting may still be
/// writing when the scan reports the device).
async fn settled(toy: &SimulatedDevice) -> usize {
    // A protocol that keeps writing (a keepalive faster than the window) never goes quiet:
    // a second is enough for connecting to be over.
    let give_up = tokio::time::Instant::now() + Duration::from_secs(1);
    let mut n = toy.log().len();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = toy.log().len();
        if now == n || tokio::time::Instant::now() > give_up {
            return now;
        }
        n = now;
    }
}

async fn wait_since(toy: &SimulatedDevice, from: usize, n: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        let got = since(toy, from);
        if got.len() >= n || tokio::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// What a plain server writes when the real output is driven directly with `value` (and
/// `duration` for timed moves), on a fresh toy.
struct Reference {
    /// How many records the toy logged before the command (connecting, and a protocol's
    /// own idle writes, which some number with a rolling counter).
    history: usize,
    /// The command's writes.
    writes: Vec<String>,
}

async fn reference(
    spec: &SimulatedDeviceSpec,
    user: Option<&str>,
    feature: u32,
    output: OutputType,
    value: f64,
    duration: u32,
) -> Reference {
    let c = case(spec, user, None).await;
    let client = ButtplugClient::connect_in_process("reference", &c.server)
        .await
        .unwrap();
    let d = client
        .scan(SCAN, Some(1))
        .await
        .unwrap()
        .pop()
        .expect("reference toy connects");
    let history = settled(&c.toy).await;
    let r = if output == OutputType::HwPositionWithDuration {
        d.position_with_duration(value, duration).await
    } else {
        d.output(feature, output, OutputValue::Float(value)).await
    };
    r.unwrap_or_else(|e| panic!("{}: direct {output} {value}: {e}", spec.name));
    let writes = wait_since(&c.toy, history, 1).await;
    client.disconnect().await.ok();
    Reference { history, writes }
}

fn rule(protocol: &str, present: &str, feature: u32, output: OutputType) -> Value {
    json!({"version": 1, "devices": [{"match": {"protocol": protocol}, "hide_original": true,
        "present": [{"output": present, "to": [{"feature": feature, "output": output.config_name()}]}]}]})
}

/// The index of the first device a session was shown, and its message names.
fn first_device(list: &Value) -> (u64, Vec<String>) {
    let d = &list["DeviceList"]["Devices"][0];
    let messages = &d["DeviceMessages"];
    // v0 lists names, v1-v3 an object keyed by them.
    let names = match messages.as_array() {
        Some(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        None => messages
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default(),
    };
    (d["DeviceIndex"].as_u64().expect("a device"), names)
}

/// Every built-in family, each of its output kinds: a v0 `SingleMotorVibrateCmd` client, a
/// v3 `ScalarCmd` vibrate client and a v3 `LinearCmd` client drive it through a mapping
/// rule (the original outputs hidden, so only the mapping can reach the toy), and the toy
/// receives exactly what driving that output directly with the translated value writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_family_and_output_kind_through_a_mapping() {
    let db = DeviceConfigDb::builtin();
    let families: Vec<ProtocolDef> = db.protocols().cloned().collect();
    let total = families.len();
    // Each family on its own servers; a few at a time. Each runs on a clock of its own
    // that moves only when everything waits (tokio's paused time): a protocol's own timed
    // writes (a refresh, a keepalive, with a rolling counter in some) then fall at the same
    // moments relative to the command in the reference run and the mapped run, instead of
    // wherever the machine's load puts them.
    let mut running = tokio::task::JoinSet::new();
    let mut pending = families.into_iter();
    let mut skipped = Vec::new();
    let mut checked = 0;
    loop {
        while running.len() < 8 {
            match pending.next() {
                Some(p) => {
                    running.spawn_blocking(move || {
                        let clock = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .start_paused(true)
                            .build()
                            .expect("a family's runtime");
                        (p.name.clone(), clock.block_on(family(&p)))
                    });
                }
                None => break,
            }
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        match done.expect("family task") {
            (_, Some(n)) => checked += n,
            (name, None) => skipped.push(name),
        }
    }
    eprintln!(
        "checked {checked} family/output pairs of {total} families; not simulated: {skipped:?}"
    );
    assert!(skipped.is_empty(), "families not driven: {skipped:?}");
}

/// Drives every output kind of one family through mappings; the number of kinds, or
/// `None` when the family's toy cannot be simulated.
async fn family(p: &ProtocolDef) -> Option<usize> {
    let mut checked = 0;
    {
        let (spec, user) = simulated_toy(p)?;
        let user = user.as_deref();
        // The model's outputs as a plain server shows them.
        let plain = case(&spec, user, None).await;
        let client = ButtplugClient::connect_in_process("kinds", &plain.server)
            .await
            .unwrap();
        let device = client
            .scan(SCAN, Some(1))
            .await
            .unwrap()
            .pop()
            .expect("the toy is found in time");
        let mut kinds: Vec<(u32, OutputType)> = Vec::new();
        for f in device.features().iter() {
            for k in f.outputs.keys() {
                if !kinds.iter().any(|(_, seen)| seen == k) {
                    kinds.push((f.index, *k));
                }
            }
        }
        client.disconnect().await.ok();
        drop(plain);
        for (feature, kind) in kinds {
            // Both vibrate clients expect what the same direct drive writes: one reference
            // run serves them. On the family's own clock a protocol's timed writes fall
            // alike in every run, so a mismatch is a mismatch, not bad luck to retry.
            let mut vibrate_reference: Option<Reference> = None;
            for client in [Client::V0Vibrate, Client::V3Vibrate, Client::V3Linear] {
                let linear_reference;
                let expected = match client {
                    Client::V3Linear => {
                        linear_reference = expected(&spec, user, feature, kind, client).await;
                        &linear_reference
                    }
                    _ => match &vibrate_reference {
                        Some(cached) => cached,
                        None => vibrate_reference
                            .insert(expected(&spec, user, feature, kind, client).await),
                    },
                };
                if let Err(e) = drive_one(p, &spec, user, feature, kind, client, expected).await {
                    panic!("{e}");
                }
            }
            checked += 1;
        }
    }
    Some(checked)
}

#[derive(Clone, Copy, Debug)]
enum Client {
    /// Spec v0, SingleMotorVibrateCmd.
    V0Vibrate,
    /// Spec v3, ScalarCmd Vibrate.
    V3Vibrate,
    /// Spec v3, LinearCmd.
    V3Linear,
}

/// What driving the output directly writes for what `client` sends: vibrate 0.5 is half
/// intensity, or strokes of 333 ms, the first one up; a move over the whole range in 500 ms
/// is half speed, or the same move.
async fn expected(
    spec: &SimulatedDeviceSpec,
    user: Option<&str>,
    feature: u32,
    kind: OutputType,
    client: Client,
) -> Reference {
    let positional = matches!(
        kind,
        OutputType::Position | OutputType::HwPositionWithDuration
    );
    match (positional, matches!(client, Client::V3Linear)) {
        (true, false) => reference(spec, user, feature, kind, 1.0, 333).await,
        (true, true) => reference(spec, user, feature, kind, 1.0, 500).await,
        (false, _) => reference(spec, user, feature, kind, 0.5, 0).await,
    }
}

/// One client drives one output kind of a family through a mapping rule; the toy must
/// receive what driving the output directly with the translated value writes (`expected`;
/// for strokes: the first move).
async fn drive_one(
    p: &ProtocolDef,
    spec: &SimulatedDeviceSpec,
    user: Option<&str>,
    feature: u32,
    kind: OutputType,
    client: Client,
    reference: &Reference,
) -> Result<(), String> {
    let expected = &reference.writes;
    let positional = matches!(
        kind,
        OutputType::Position | OutputType::HwPositionWithDuration
    );
    let linear = matches!(client, Client::V3Linear);
    assert!(
        !expected.is_empty(),
        "{} {kind}: the reference wrote nothing",
        p.name
    );
    let (present, version, listed, command) = match client {
        Client::V0Vibrate => (
            "vibrate",
            0,
            "SingleMotorVibrateCmd",
            json!({"SingleMotorVibrateCmd": {"Id": 5, "DeviceIndex": 0, "Speed": 0.5}}),
        ),
        Client::V3Vibrate => (
            "vibrate",
            3,
            "ScalarCmd",
            json!({"ScalarCmd": {"Id": 5, "DeviceIndex": 0, "Scalars": [
                {"Index": 0, "Scalar": 0.5, "ActuatorType": "Vibrate"}]}}),
        ),
        Client::V3Linear => (
            "hw_position_with_duration",
            3,
            "LinearCmd",
            json!({"LinearCmd": {"Id": 5, "DeviceIndex": 0, "Vectors": [
                {"Index": 0, "Duration": 500, "Position": 1.0}]}}),
        ),
    };
    let c = case(spec, user, Some(rule(&p.name, present, feature, kind))).await;
    let mut s = scanned(&c, version).await;
    let (index, messages) = first_device(&s.one(json!({"RequestDeviceList": {"Id": 3}})).await);
    assert_eq!(index, 0);
    assert!(
        messages.iter().any(|m| m == listed),
        "{}: {client:?} is shown {messages:?}",
        p.name
    );
    // At least the reference's history before the command: a protocol's idle writes (with
    // a rolling frame counter, say) come on their own clock, so wait for the ones the
    // reference saw before comparing what the command writes.
    let from = settled(&c.toy).await;
    let from = if from < reference.history {
        from + wait_since(&c.toy, from, reference.history - from)
            .await
            .len()
    } else {
        from
    };
    let reply = s.one(command).await;
    assert_eq!(
        reply,
        json!({"Ok": {"Id": 5}}),
        "{} {kind} {client:?}",
        p.name
    );
    // Strokes and moves compare their first write; levels every write the reference saw.
    let n = if positional || linear {
        1
    } else {
        expected.len()
    };
    let got = wait_since(&c.toy, from, n).await;
    s.session.disconnect().await;
    assert!(
        !got.is_empty(),
        "{} {kind} {client:?}: nothing reached the toy",
        p.name
    );
    if got.len() < n || got[..n] != expected[..n] {
        return Err(format!(
            "{} feature {feature} {kind}, {client:?}: the toy got {got:?}, driving it directly writes {expected:?}",
            p.name
        ));
    }
    Ok(())
}

const GROUP_TOYS: [&str; 3] = ["simulated-1vibe", "simulated-stroker", "simulated-rotator"];
const GROUP_INDEX: u64 = 100;

/// A vibrator, a stroker and a rotator; the stroker and the rotator present a vibrate, and
/// a "Sync all" group of the three offers one vibrate.
fn group_map() -> Value {
    json!({"version": 1,
        "devices": [
            {"match": {"name": "Simulated Stroker"}, "present": [{"output": "vibrate",
                "to": [{"output": "hw_position_with_duration", "stroke_ms": [400, 100]}]}]},
            {"match": {"name": "Simulated Rotator"}, "present": [{"output": "vibrate",
                "to": [{"output": "rotate"}]}]}],
        "groups": [{"name": "Sync all", "index": GROUP_INDEX, "outputs": ["vibrate"],
            "members": [{"protocol": "simulated"}]}]})
}

fn group_rig() -> Rig {
    rig_with(&GROUP_TOYS, |b| {
        b.default_message_gap_ms(0)
            .output_map_json(&group_map().to_string())
            .unwrap()
    })
}

fn text_of(toy: &SimulatedDevice, from: usize) -> Vec<String> {
    toy.log()
        .into_iter()
        .skip(from)
        .map(|r| String::from_utf8_lossy(&r.data).into_owned())
        .collect()
}

fn counts(rig: &Rig) -> Vec<usize> {
    GROUP_TOYS
        .iter()
        .map(|n| rig.device(n).log().len())
        .collect()
}

/// A v0 app that knows only SingleMotorVibrateCmd drives the group: each member gets it
/// through its mapping (the vibrator vibrates, the rotator turns, the stroker strokes).
async fn group_playing(version: u32) -> (Rig, Json, Vec<usize>) {
    let rig = group_rig();
    let mut s = Json::open(&rig);
    s.handshake(version).await;
    // Three toys and the group.
    let added = s.scan_expecting(2, 4).await;
    let group_added = added
        .iter()
        .filter(|e| e["DeviceAdded"]["DeviceIndex"] == GROUP_INDEX)
        .count();
    assert_eq!(group_added, 1, "the group is announced once: {added:?}");
    let before = counts(&rig);
    let reply = s
        .one(json!({"SingleMotorVibrateCmd": {"Id": 7, "DeviceIndex": GROUP_INDEX, "Speed": 0.5}}))
        .await;
    assert_eq!(reply, json!({"Ok": {"Id": 7}}));
    assert_eq!(
        wait_text(&rig.device("simulated-1vibe"), before[0], 1).await,
        ["Vibrate:0:50;"]
    );
    assert_eq!(
        wait_text(&rig.device("simulated-rotator"), before[2], 1).await,
        ["Rotate:0:50;"]
    );
    // Strokes: up, down, up... at the speed half way between 400 ms and 100 ms strokes.
    let strokes = wait_text(&rig.device("simulated-stroker"), before[1], 2).await;
    assert_eq!(
        strokes[..2],
        [
            "HwPositionWithDuration:0:1000:160;",
            "HwPositionWithDuration:0:0:160;"
        ]
    );
    (rig, s, before)
}

async fn wait_text(toy: &SimulatedDevice, from: usize, n: usize) -> Vec<String> {
    wait_since(toy, from, n).await;
    text_of(toy, from)
}

/// No member writes anything for longer than several strokes.
async fn all_quiet(rig: &Rig) {
    let settled = counts(rig);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        counts(rig),
        settled,
        "a member kept moving: {:?}",
        GROUP_TOYS.map(|n| text_of(&rig.device(n), 0))
    );
    assert!(!rig.server.device_manager().any_device_running());
}

fn stopped(rig: &Rig, before: &[usize]) {
    let vibe = text_of(&rig.device("simulated-1vibe"), before[0]);
    let rot = text_of(&rig.device("simulated-rotator"), before[2]);
    assert_eq!(
        vibe.last().map(String::as_str),
        Some("Vibrate:0:0;"),
        "{vibe:?}"
    );
    assert_eq!(
        rot.last().map(String::as_str),
        Some("Rotate:0:0;"),
        "{rot:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_group_shows_in_every_spec_version() {
    for version in 0..=4 {
        let rig = group_rig();
        let mut s = Json::open(&rig);
        s.handshake(version).await;
        s.scan_expecting(2, 4).await;
        let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
        let devices = &list["DeviceList"]["Devices"];
        let group = match devices.as_array() {
            Some(a) => a.iter().find(|d| d["DeviceIndex"] == GROUP_INDEX).cloned(),
            // v4: an object keyed by index.
            None => devices.get(GROUP_INDEX.to_string()).cloned(),
        };
        let group = group.unwrap_or_else(|| panic!("v{version}: no group in {list}"));
        assert_eq!(group["DeviceName"], "Sync all", "v{version}");
        // The stroker shows its mapped vibrate next to its own outputs.
        let text = list.to_string();
        assert!(
            text.contains("Vibrate (mapped)") || version < 3,
            "v{version}: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_group_stops_every_member() {
    let (rig, mut s, before) = group_playing(0).await;
    let reply = s
        .one(json!({"StopDeviceCmd": {"Id": 8, "DeviceIndex": GROUP_INDEX}}))
        .await;
    assert_eq!(reply, json!({"Ok": {"Id": 8}}));
    stopped(&rig, &before);
    all_quiet(&rig).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_all_devices_stops_the_members() {
    let (rig, mut s, before) = group_playing(3).await;
    let reply = s.one(json!({"StopAllDevices": {"Id": 8}})).await;
    assert_eq!(reply, json!({"Ok": {"Id": 8}}));
    stopped(&rig, &before);
    all_quiet(&rig).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_end_during_group_playback_stops_every_member() {
    let (rig, s, before) = group_playing(0).await;
    s.session.disconnect().await;
    stopped(&rig, &before);
    all_quiet(&rig).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_during_group_playback_stops_every_member() {
    let (rig, s, before) = group_playing(3).await;
    drop(s);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stopped(&rig, &before);
    all_quiet(&rig).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_own_stop_stops_it_alone() {
    let (rig, mut s, before) = group_playing(0).await;
    let stroker = rig
        .server
        .device_manager()
        .devices()
        .into_iter()
        .find(|d| d.info().name == "Simulated Stroker")
        .unwrap()
        .index();
    let vibe = rig.index_of("simulated-1vibe");
    let reply = s
        .one(json!({"StopDeviceCmd": {"Id": 8, "DeviceIndex": stroker}}))
        .await;
    assert_eq!(reply, json!({"Ok": {"Id": 8}}));
    let reply = s
        .one(json!({"StopDeviceCmd": {"Id": 9, "DeviceIndex": vibe}}))
        .await;
    assert_eq!(reply, json!({"Ok": {"Id": 9}}));
    let settled = rig.device("simulated-stroker").log().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        rig.device("simulated-stroker").log().len(),
        settled,
        "the stroker stopped stroking"
    );
    let vibe_text = text_of(&rig.device("simulated-1vibe"), before[0]);
    assert_eq!(vibe_text, ["Vibrate:0:50;", "Vibrate:0:0;"]);
    // The rotator was not told to stop: it still turns.
    assert_eq!(
        text_of(&rig.device("simulated-rotator"), before[2]),
        ["Rotate:0:50;"]
    );
    assert!(rig.server.device_manager().any_device_running());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_come_and_go_and_the_group_stays() {
    let (rig, mut s, before) = group_playing(3).await;
    rig.device("simulated-rotator").drop_device();
    let removed = s.next_event().await;
    assert!(removed.get("DeviceRemoved").is_some(), "{removed}");
    let from = counts(&rig);
    let reply = s
        .one(
            json!({"ScalarCmd": {"Id": 9, "DeviceIndex": GROUP_INDEX, "Scalars": [
            {"Index": 0, "Scalar": 1.0, "ActuatorType": "Vibrate"}]}}),
        )
        .await;
    assert_eq!(reply, json!({"Ok": {"Id": 9}}));
    assert_eq!(
        wait_text(&rig.device("simulated-1vibe"), from[0], 1).await,
        ["Vibrate:0:100;"]
    );
    let list = s.one(json!({"RequestDeviceList": {"Id": 10}})).await;
    assert!(list.to_string().contains("Sync all"));
    let _ = before;
    s.one(json!({"StopDeviceCmd": {"Id": 11, "DeviceIndex": GROUP_INDEX}}))
        .await;
    all_quiet(&rig).await;
}

#[tokio::test]
async fn configuration_errors_name_file_path_and_expectation() {
    let e = ButtplugServer::builder()
        .output_map_json(r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "vibrate", "to": [{"output": "vibrate", "range": [0, 2]}]}]}]}"#)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        e.starts_with(
            "output map: at devices[0].present[0].to[0].range: expected [low, high], two fractions"
        ),
        "{e}"
    );
    let e = plugwire::server::OutputMap::from_named_json(
        "sync.json",
        r#"{"version": 1, "groups": [{"name": "g", "outputs": ["led"], "members": []}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(
            "sync.json: at groups[0].outputs[0]: led cannot be presented; expected one of vibrate"
        ),
        "{e}"
    );
}
