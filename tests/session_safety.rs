//! Session safety: the ping watchdog, stopping devices when a client leaves, one client
//! at a time, scanning state, and stable device indices.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use common::*;
use plugwire::hardware::{HardwareError, HardwareManager, ManagerEvent, ManagerSink};
use plugwire::server::ServerError;
use serde_json::json;

#[tokio::test]
async fn a_missed_ping_stops_every_device_and_reports_error_2() {
    let rig = rig_with(&["LVS-Nora", "LVS-Edge"], |b| {
        b.default_message_gap_ms(0).max_ping_time_ms(150)
    });
    let mut s = Json::open(&rig);
    s.handshake(3).await;
    s.scan(2).await;
    let nora = rig.index_of("LVS-Nora");
    let edge = rig.index_of("LVS-Edge");
    s.one(json!({"ScalarCmd": {"Id": 3, "DeviceIndex": nora, "Scalars": [{"Index": 0, "Scalar": 0.5, "ActuatorType": "Vibrate"}, {"Index": 1, "Scalar": 0.5, "ActuatorType": "Rotate"}]}})).await;
    s.one(json!({"VibrateCmd": {"Id": 4, "DeviceIndex": edge, "Speeds": [{"Index": 0, "Speed": 1.0}]}})).await;
    // No ping: the watchdog fires.
    let event = s.next_event().await;
    assert_eq!(event["Error"]["Id"], 0, "{event}");
    assert_eq!(event["Error"]["ErrorCode"], 2, "{event}");
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec!["Vibrate:10;", "Rotate:10;", "Vibrate:0;", "Rotate:0;"]
    );
    assert_eq!(
        commands(&rig.device("LVS-Edge")),
        vec!["Vibrate1:20;", "Vibrate1:0;", "Vibrate2:0;"]
    );
    // The session is over: further messages get the ping error.
    let after = s.one(json!({"RequestDeviceList": {"Id": 5}})).await;
    assert_eq!(error_code(&after), Some(2));
}

#[tokio::test]
async fn regular_pings_keep_the_session_alive() {
    let rig = rig_with(&["LVS-Nora"], |b| {
        b.default_message_gap_ms(0).max_ping_time_ms(100)
    });
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    for id in 2..12 {
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(
            s.one(json!({"Ping": {"Id": id}})).await,
            json!({"Ok": {"Id": id}})
        );
    }
    assert!(
        s.events.try_recv().is_err(),
        "no ping timeout while pinging"
    );
}

#[tokio::test]
async fn a_client_that_goes_away_leaves_no_device_running() {
    let rig = rig(&["LVS-Nora", "LVS-Edge"]);
    let nora;
    {
        let mut s = Json::open(&rig);
        s.handshake(4).await;
        s.scan(2).await;
        nora = rig.index_of("LVS-Nora");
        let edge = rig.index_of("LVS-Edge");
        s.one(json!({"OutputCmd": {"Id": 3, "DeviceIndex": nora, "FeatureIndex": 1, "Command": {"Rotate": {"Value": 8}}}})).await;
        s.one(json!({"OutputCmd": {"Id": 4, "DeviceIndex": edge, "FeatureIndex": 1, "Command": {"Vibrate": {"Value": 8}}}})).await;
        // The connection drops without a goodbye.
    }
    let nora_writes = wait_commands(&rig.device("LVS-Nora"), 3).await;
    assert_eq!(nora_writes, vec!["Rotate:8;", "Vibrate:0;", "Rotate:0;"]);
    let edge_writes = wait_commands(&rig.device("LVS-Edge"), 3).await;
    assert_eq!(
        edge_writes,
        vec!["Vibrate2:8;", "Vibrate1:0;", "Vibrate2:0;"]
    );
    // Devices stay connected for the next client, with the same indices.
    let mut next = loop {
        match rig.server.connect_json() {
            Ok(s) => break s,
            Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    };
    next.handle_text(r#"[{"RequestServerInfo":{"Id":1,"ClientName":"b","ProtocolVersionMajor":4,"ProtocolVersionMinor":0}}]"#).await;
    let list = next
        .handle_text(r#"[{"RequestDeviceList":{"Id":2}}]"#)
        .await;
    assert_eq!(
        list[0]["DeviceList"]["Devices"][nora.to_string()]["DeviceName"],
        "Lovense Nora"
    );
}

#[tokio::test]
async fn explicit_disconnect_stops_devices_and_ends_the_session() {
    let rig = rig(&["LVS-Lush"]);
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    s.scan(2).await;
    s.one(json!({"OutputCmd": {"Id": 3, "DeviceIndex": 0, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 12}}}})).await;
    s.session.disconnect().await;
    assert_eq!(
        commands(&rig.device("LVS-Lush")),
        vec!["Vibrate:12;", "Vibrate:0;"]
    );
    let after = s.one(json!({"Ping": {"Id": 4}})).await;
    assert_eq!(error_code(&after), Some(1));
    assert!(!rig.server.has_session());
}

#[tokio::test]
async fn one_client_at_a_time() {
    let rig = rig(&[]);
    let first = rig.server.connect().unwrap();
    assert!(matches!(
        rig.server.connect(),
        Err(ServerError::SessionActive)
    ));
    first.disconnect().await;
    assert!(rig.server.connect().is_ok());
}

/// A manager that takes a while to finish its scan.
struct SlowManager {
    sink: std::sync::Mutex<Option<ManagerSink>>,
    finished: Arc<AtomicBool>,
}

#[async_trait]
impl HardwareManager for SlowManager {
    fn name(&self) -> &'static str {
        "slow"
    }
    fn attach(&self, sink: ManagerSink) {
        *self.sink.lock().unwrap() = Some(sink);
    }
    async fn start_scanning(&self) -> Result<(), HardwareError> {
        let sink = self.sink.lock().unwrap().clone().unwrap();
        let finished = self.finished.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            finished.store(true, Ordering::SeqCst);
            sink.send(ManagerEvent::ScanningFinished);
        });
        Ok(())
    }
    async fn stop_scanning(&self) -> Result<(), HardwareError> {
        Ok(())
    }
}

/// Events until ScanningFinished (which is not included).
async fn until_scanning_finished(s: &mut Json) -> Vec<serde_json::Value> {
    let mut seen = Vec::new();
    loop {
        let e = s.next_event().await;
        if e.get("ScanningFinished").is_some() {
            return seen;
        }
        seen.push(e);
    }
}

/// No event at all within a while.
async fn quiet(s: &mut Json) {
    if let Ok(Some(e)) = tokio::time::timeout(Duration::from_millis(300), s.events.recv()).await {
        panic!("unexpected event {:?}", s.session.encode_event(&e));
    }
}

#[tokio::test]
async fn scanning_finishes_when_every_manager_is_done() {
    let finished = Arc::new(AtomicBool::new(false));
    let slow = Arc::new(SlowManager {
        sink: std::sync::Mutex::new(None),
        finished: finished.clone(),
    });
    let rig = rig_with(&["LVS-Lush"], |b| b.default_message_gap_ms(0).manager(slow));
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    assert_eq!(
        s.one(json!({"StartScanning": {"Id": 2}})).await,
        json!({"Ok": {"Id": 2}})
    );
    let before = until_scanning_finished(&mut s).await;
    assert!(
        finished.load(Ordering::SeqCst),
        "ScanningFinished came before the slow manager finished"
    );
    assert_eq!(
        before.len(),
        1,
        "the simulated toy was added during the scan: {before:?}"
    );
    assert!(!rig.server.device_manager().is_scanning());
}

/// Issue #23 item 9: with only passive managers (simulated toys), `StartScanning` was
/// followed at once by `ScanningFinished`, so the v3 Python client buttplug-py 0.2.0
/// failed in `stop_scanning()` ("scan not running"). The reference's passive managers
/// never finish a scan: it runs until StopScanning, whose Ok is the only answer.
#[tokio::test]
async fn passive_managers_never_finish_a_scan_and_a_stop_sends_no_scanning_finished() {
    for version in [1, 3, 4] {
        let rig = rig(&["LVS-Lush"]);
        let mut s = Json::open(&rig);
        s.handshake(version).await;
        s.scan(2).await;
        quiet(&mut s).await;
        assert!(rig.server.device_manager().is_scanning());
        // A toy arriving while the scan runs is found at once.
        rig.hw
            .add_device(plugwire::hardware::simulated::SimulatedDeviceSpec {
                name: "LVS-Edge".into(),
                ..Default::default()
            });
        assert!(is_device_added(&s.next_event().await));
        assert_eq!(
            s.one(json!({"StopScanning": {"Id": 3}})).await,
            json!({"Ok": {"Id": 3}})
        );
        quiet(&mut s).await;
        assert!(!rig.server.device_manager().is_scanning());
        // Outside a scan a new toy is not connected.
        let late = rig
            .hw
            .add_device(plugwire::hardware::simulated::SimulatedDeviceSpec {
                name: "LVS-Hush".into(),
                ..Default::default()
            });
        quiet(&mut s).await;
        assert!(!late.is_connected());
    }
}

/// Toys found by a scan that is stopped at once still connect: the stop ends the scan only
/// after what the managers found before it was taken (start and stop in one frame).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toys_found_before_an_immediate_stop_still_connect() {
    for _ in 0..20 {
        let rig = rig(&["LVS-Lush", "LVS-Nora", "LVS-Edge", "LVS-Max", "LVS-Hush"]);
        let mut s = Json::open(&rig);
        s.handshake(4).await;
        let replies = s
            .send(json!([{"StartScanning": {"Id": 2}}, {"StopScanning": {"Id": 3}}]))
            .await;
        assert_eq!(
            replies,
            vec![json!({"Ok": {"Id": 2}}), json!({"Ok": {"Id": 3}})]
        );
        assert!(!rig.server.device_manager().is_scanning());
        for _ in 0..5 {
            assert!(is_device_added(&s.next_event().await));
        }
    }
}

/// A manager that scans in rounds and is stopped before its round ends: as in the
/// reference, the stop's Ok answers and no ScanningFinished follows, even though the
/// manager reports the end of its round.
#[tokio::test]
async fn a_stopped_round_sends_no_scanning_finished() {
    let finished = Arc::new(AtomicBool::new(false));
    let slow = Arc::new(SlowManager {
        sink: std::sync::Mutex::new(None),
        finished: finished.clone(),
    });
    let rig = rig_with(&[], |b| b.default_message_gap_ms(0).manager(slow));
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    assert_eq!(
        s.one(json!({"StartScanning": {"Id": 2}})).await,
        json!({"Ok": {"Id": 2}})
    );
    assert_eq!(
        s.one(json!({"StopScanning": {"Id": 3}})).await,
        json!({"Ok": {"Id": 3}})
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(finished.load(Ordering::SeqCst), "the round ended");
    quiet(&mut s).await;
}

#[tokio::test]
async fn indices_are_stable_per_address() {
    let rig = rig(&["LVS-Lush", "LVS-Edge"]);
    let mut s = Json::open(&rig);
    s.handshake(3).await;
    s.scan(2).await;
    let lush = rig.index_of("LVS-Lush");
    let edge = rig.index_of("LVS-Edge");
    assert_ne!(lush, edge);
    let sim = rig.device("LVS-Lush");
    sim.drop_device();
    assert_eq!(
        s.next_event().await,
        json!({"DeviceRemoved": {"Id": 0, "DeviceIndex": lush}})
    );
    // Commands to the gone device fail cleanly.
    let gone = s.one(json!({"VibrateCmd": {"Id": 3, "DeviceIndex": lush, "Speeds": [{"Index": 0, "Speed": 0.5}]}})).await;
    assert_eq!(error_code(&gone), Some(4));
    // A new toy does not take the index of the one that left.
    rig.hw
        .add_device(plugwire::hardware::simulated::SimulatedDeviceSpec {
            name: "LVS-Hush".into(),
            ..Default::default()
        });
    let added = s.scan(4).await;
    let hush = added[0]["DeviceAdded"]["DeviceIndex"].as_u64().unwrap() as u32;
    assert!(hush != lush && hush != edge, "{added:?}");
    // The toy comes back in range: reconnected on its own with its old index.
    assert!(rig.hw.restore(sim.address()));
    let back = s.next_event().await;
    assert_eq!(back["DeviceAdded"]["DeviceIndex"], lush, "{back}");
    assert_eq!(back["DeviceAdded"]["DeviceName"], "Lovense Lush");
}
