//! Device configuration: the ecosystem's v4 and v5 files load and resolve every BLE name;
//! user configs change what clients see and what devices get.

mod common;

use std::path::PathBuf;

use common::*;
use plugwire::device::config::{Communication, DeviceConfigDb, find_protocol};
use plugwire::hardware::{HardwareIdentity, HardwareInfo};
use serde_json::json;

fn reference(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ble(name: &str) -> HardwareInfo {
    HardwareInfo {
        name: name.to_string(),
        address: "00:11".into(),
        identity: HardwareIdentity::Ble {
            services: vec![],
            manufacturer_data: vec![],
        },
    }
}

/// Every BLE name in the file resolves to a protocol that lists it (exact names) or whose
/// pattern covers it at least as specifically (prefix names).
fn every_name_resolves(db: &DeviceConfigDb) -> usize {
    let mut checked = 0;
    for protocol in db.protocols() {
        for comm in &protocol.communication {
            let Communication::Btle(spec) = comm else {
                continue;
            };
            for pattern in &spec.names {
                let name = match pattern.strip_suffix('*') {
                    Some(prefix) => format!("{prefix}Z9"),
                    None => pattern.clone(),
                };
                let found = find_protocol(db, &ble(&name))
                    .unwrap_or_else(|| panic!("{name} ({}) resolves to nothing", protocol.name));
                let claimer = db.protocol(&found.protocol).unwrap();
                let claims = claimer.btle().any(|b| {
                    b.names.iter().any(|p| match p.strip_suffix('*') {
                        Some(prefix) => name.starts_with(prefix),
                        None => *p == name,
                    })
                });
                assert!(
                    claims,
                    "{name}: resolved to {} which does not claim it",
                    found.protocol
                );
                if found.protocol != protocol.name {
                    // Only another protocol with an equally good claim may win.
                    let exact_elsewhere = claimer.btle().any(|b| b.names.contains(&name));
                    assert!(
                        pattern.ends_with('*') || exact_elsewhere,
                        "{name} belongs to {} but resolved to {}",
                        protocol.name,
                        found.protocol
                    );
                }
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn ecosystem_v4_file_loads_and_resolves() {
    let db = DeviceConfigDb::from_json(&reference("buttplug-device-config-v4.json")).unwrap();
    assert_eq!(db.version.0, 4);
    assert_eq!(db.len(), 139);
    let lovense = db.protocol("lovense").unwrap();
    assert_eq!(lovense.configurations.len(), 33);
    assert!(every_name_resolves(&db) > 500);
    assert_eq!(
        find_protocol(&db, &ble("LVS-Z36")).unwrap().protocol,
        "lovense"
    );
    let tcode = db.protocol("tcode-v03").unwrap();
    assert!(matches!(&tcode.communication[0], Communication::Serial(s) if s.baud_rate == 115200));
    assert_eq!(tcode.definition_for(None).unwrap().message_gap_ms, Some(20));
}

#[test]
fn ecosystem_v5_file_loads_and_resolves() {
    let db = DeviceConfigDb::from_json(&reference("buttplug-device-config-v5.json")).unwrap();
    assert_eq!(db.version.0, 5);
    assert_eq!(db.len(), 149);
    assert!(every_name_resolves(&db) > 500);
    let sim = db.protocol("simulated").unwrap();
    assert!(
        matches!(&sim.communication[0], Communication::Simulated { names } if names.contains(&"simulated-1vibe".to_string()))
    );
    assert_eq!(
        find_protocol(&db, &ble("simulated-stroker"))
            .unwrap()
            .protocol,
        "simulated"
    );
}

#[tokio::test]
async fn loading_the_ecosystem_file_keeps_lovense_working() {
    let text = reference("buttplug-device-config-v4.json");
    let rig = rig_with(&["LVS-Nora", "LVS-Lapis"], |b| {
        b.default_message_gap_ms(0)
            .device_config_json(&text)
            .unwrap()
    });
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    s.scan(2).await;
    let nora = rig.index_of("LVS-Nora");
    let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
    let features = &list["DeviceList"]["Devices"][nora.to_string()]["DeviceFeatures"];
    assert_eq!(features["1"]["Output"]["Rotate"]["Value"], json!([-20, 20]));
    s.one(json!({"OutputCmd": {"Id": 4, "DeviceIndex": nora, "FeatureIndex": 1, "Command": {"Rotate": {"Value": -3}}}})).await;
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec!["RotateChange;", "Rotate:3;"]
    );
}

const USER: &str = r#"{
  "version": {"major": 4, "minor": 0},
  "user_configs": {"devices": [
    {"identifier": {"protocol": "lovense", "identifier": "A", "address": "AA:00:00:00:00:00"},
     "config": {"features": [
        {"output": {"vibrate": {"value": [5, 15]}}},
        {"output": {"rotate": {"disabled": true}}},
        {}],
      "user_config": {"display_name": "Bedroom Nora", "allow": false, "deny": false, "index": 7}}},
    {"identifier": {"protocol": "lovense", "identifier": "P", "address": "AA:00:00:00:00:01"},
     "config": {"user_config": {"deny": true, "index": 3}}}
  ]}
}"#;

#[tokio::test]
async fn user_config_names_pins_limits_and_denies() {
    let rig = rig_with(&["LVS-Nora", "LVS-Edge", "LVS-Lush"], |b| {
        b.default_message_gap_ms(0).user_config_json(USER).unwrap()
    });
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    s.scan(2).await;
    let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
    let devices = list["DeviceList"]["Devices"].as_object().unwrap();
    // The Edge is denied; the Nora has its pinned index and name; the Lush avoids index 7 and 3.
    assert_eq!(devices.len(), 2, "{list}");
    let nora = &devices["7"];
    assert_eq!(nora["DeviceDisplayName"], "Bedroom Nora");
    assert_eq!(
        nora["DeviceFeatures"]["0"]["Output"]["Vibrate"]["Value"],
        json!([0, 10])
    );
    assert!(
        nora["DeviceFeatures"]["1"].is_null(),
        "disabled rotate leaves nothing on feature 1"
    );
    assert_eq!(rig.index_of("LVS-Lush"), 0);
    // Limited range: step 1 is the user's floor + 1, step 0 is off.
    s.one(json!({"OutputCmd": {"Id": 4, "DeviceIndex": 7, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 1}}}})).await;
    s.one(json!({"OutputCmd": {"Id": 5, "DeviceIndex": 7, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 10}}}})).await;
    s.one(json!({"OutputCmd": {"Id": 6, "DeviceIndex": 7, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 0}}}})).await;
    let over = s.one(json!({"OutputCmd": {"Id": 7, "DeviceIndex": 7, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 11}}}})).await;
    assert_eq!(error_code(&over), Some(4));
    let rot = s.one(json!({"OutputCmd": {"Id": 8, "DeviceIndex": 7, "FeatureIndex": 1, "Command": {"Rotate": {"Value": 1}}}})).await;
    assert_eq!(error_code(&rot), Some(4));
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec!["Vibrate:6;", "Vibrate:15;", "Vibrate:0;"]
    );
    assert!(!rig.device("LVS-Edge").is_connected());
}

#[tokio::test]
async fn user_config_adds_communication_for_a_protocol() {
    // A user config can teach an existing protocol a new advertised name.
    let user = r#"{"version": {"major": 4, "minor": 0}, "user_configs": {"protocols": {
        "lovense": {"communication": [{"btle": {"names": ["MyLovense"], "services": {
           "0000fff0-0000-1000-8000-00805f9b34fb": {"tx": "0000fff2-0000-1000-8000-00805f9b34fb", "rx": "0000fff1-0000-1000-8000-00805f9b34fb"}}}}]}}}}"#;
    let rig = rig_with(&["MyLovense"], |b| {
        b.default_message_gap_ms(0).user_config_json(user).unwrap()
    });
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    let added = s.scan(2).await;
    assert_eq!(added.len(), 1, "{added:?}");
    // It still identifies as the model it answers with (Lush, from its name: default S).
    assert_eq!(
        added[0]["DeviceList"]["Devices"]["0"]["DeviceName"],
        "Lovense Lush"
    );
}

#[test]
fn broken_configs_are_clear_errors() {
    assert!(DeviceConfigDb::from_json("{").is_err());
    let err = plugwire::ButtplugServer::builder()
        .user_config_json(r#"{"version":{"major":2,"minor":0}}"#);
    assert!(err.is_err());
}
