//! Device configuration: small v4 and v5 fixtures of our own cover every part of both
//! formats the loader reads; a table generated from the ecosystem file
//! (scripts/ble-name-table) checks every Bluetooth LE name resolves to its protocol; user
//! configs change what clients see and what devices get. Nothing here reads ../shared: the
//! full ecosystem files are checked by scripts/check-ecosystem-configs.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::*;
use plugwire::device::config::{
    BtleSpecifier, Communication, DeviceConfigDb, ManufacturerData, SerialSpecifier, find_protocol,
};
use plugwire::device::feature::{InputCommand, InputType, OutputType};
use plugwire::hardware::{HardwareIdentity, HardwareInfo};
use serde_json::json;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
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

#[test]
fn v4_fixture_every_part_is_read() {
    let db = DeviceConfigDb::from_json(&fixture("device-config-v4.json")).unwrap();
    assert_eq!(db.version, (4, 7));
    assert_eq!(db.len(), 5);

    let lovense = db.protocol("lovense").unwrap();
    let mut services = BTreeMap::new();
    services.insert(
        "0000fff0-0000-1000-8000-00805f9b34fb".to_string(),
        BTreeMap::from([
            (
                "rx".to_string(),
                "0000fff1-0000-1000-8000-00805f9b34fb".to_string(),
            ),
            (
                "tx".to_string(),
                "0000fff2-0000-1000-8000-00805f9b34fb".to_string(),
            ),
        ]),
    );
    assert_eq!(
        lovense.communication,
        vec![
            Communication::Btle(BtleSpecifier {
                names: vec!["LVS-*".into(), "LOVE-*".into(), "Lovense Exact".into()],
                advertised_services: vec!["5a300001-0024-4bd4-bbd5-a6920e4c5653".into()],
                manufacturer_data: vec![
                    ManufacturerData {
                        company: 620,
                        data: Some(vec![255, 33])
                    },
                    ManufacturerData {
                        company: 621,
                        data: None
                    },
                ],
                services,
            }),
            Communication::Other("lovense_connect_service".into()),
            Communication::Other("lovense_dongle_hid".into()),
        ],
        "names kept as written; UUIDs and endpoint names lower-cased"
    );
    // Defaults, and configurations merged with them by identifier.
    let defaults = lovense.definition_for(Some("unknown")).unwrap();
    assert_eq!(defaults.id, "fixture-lovense-defaults");
    assert_eq!(defaults.features.len(), 2);
    let nora = lovense.definition_for(Some("C")).unwrap();
    assert_eq!(nora.name, "Lovense Nora");
    assert_eq!(nora.identifiers, vec!["A", "C"]);
    assert_eq!(nora.features[1].id, "n1");
    assert_eq!(
        nora.features[1].outputs[&OutputType::Rotate].value,
        (-20, 20)
    );
    assert_eq!(nora.features[2].description, "battery Level");
    let lush = lovense.definition_for(Some("S")).unwrap();
    assert_eq!(lush.name, "Lovense Lush");
    assert_eq!(
        lush.features, defaults.features,
        "features from the defaults"
    );
    let max = lovense.definition_for(Some("B")).unwrap();
    assert_eq!(
        max.features.iter().map(|f| f.index).collect::<Vec<_>>(),
        vec![0, 1],
        "features sorted by index"
    );
    assert_eq!(
        max.features[1].outputs[&OutputType::Constrict].value,
        (0, 3)
    );

    let every = db.protocol("every-output").unwrap();
    let def = every.definition_for(None).unwrap();
    assert_eq!(def.message_gap_ms, Some(40));
    let outputs = &def.features[0].outputs;
    assert_eq!(outputs.len(), OutputType::ALL.len(), "every output kind");
    assert_eq!(outputs[&OutputType::Temperature].value, (-5, 5));
    assert_eq!(outputs[&OutputType::Led].value, (0, 255));
    assert_eq!(
        outputs[&OutputType::HwPositionWithDuration].duration,
        Some((0, 60000))
    );
    assert_eq!(outputs[&OutputType::Vibrate].duration, None);
    let inputs = &def.features[1].inputs;
    assert_eq!(inputs.len(), 4);
    assert_eq!(inputs[&InputType::Rssi].value, vec![(-128, 0)]);
    assert!(inputs[&InputType::Pressure].accepts(InputCommand::Subscribe));
    assert!(inputs[&InputType::Pressure].accepts(InputCommand::Unsubscribe));
    assert!(!inputs[&InputType::Battery].accepts(InputCommand::Subscribe));
    let variant = every.definition_for(Some("V2")).unwrap();
    assert_eq!(variant.protocol_variant.as_deref(), Some("every-output-v2"));
    assert_eq!(
        variant.message_gap_ms,
        Some(0),
        "a configuration's own gap wins"
    );

    let tcode = db.protocol("tcode-v03").unwrap();
    assert_eq!(
        tcode.communication,
        vec![Communication::Serial(SerialSpecifier {
            port: "default".into(),
            baud_rate: 115200,
            data_bits: 8,
            parity: 'N',
            stop_bits: 1,
        })]
    );
    assert_eq!(tcode.definition_for(None).unwrap().message_gap_ms, Some(20));

    let other = db.protocol("hid-and-usb").unwrap();
    assert_eq!(
        other.communication,
        vec![
            Communication::Other("hid".into()),
            Communication::Other("usb".into()),
            Communication::Other("xinput".into()),
            Communication::Websocket {
                names: vec!["ws-single".into()]
            },
            Communication::Websocket {
                names: vec!["ws-a".into(), "ws-b*".into()]
            },
        ]
    );

    // Matching: exact name, prefix, advertised service, manufacturer data.
    assert_eq!(
        find_protocol(&db, &ble("Lovense Exact")).unwrap().protocol,
        "lovense"
    );
    assert_eq!(
        find_protocol(&db, &ble("LVS-Z36")).unwrap().protocol,
        "lovense"
    );
    assert_eq!(
        find_protocol(&db, &ble("Everything")).unwrap().protocol,
        "every-output"
    );
    let mut by_service = ble("no name");
    by_service.identity = HardwareIdentity::Ble {
        services: vec!["0000ABCD-0000-1000-8000-00805F9B34FB".into()],
        manufacturer_data: vec![],
    };
    assert_eq!(
        find_protocol(&db, &by_service).unwrap().protocol,
        "by-service"
    );
    let mut by_maker = ble("no name");
    by_maker.identity = HardwareIdentity::Ble {
        services: vec![],
        manufacturer_data: vec![(621, vec![1, 2])],
    };
    assert_eq!(find_protocol(&db, &by_maker).unwrap().protocol, "lovense");
}

#[test]
fn v5_fixture_tolerates_simulated_and_sdl_gamepad() {
    let db = DeviceConfigDb::from_json(&fixture("device-config-v5.json")).unwrap();
    assert_eq!(db.version, (5, 3));
    assert_eq!(db.len(), 3);
    let sim = db.protocol("simulated").unwrap();
    assert_eq!(
        sim.communication,
        vec![Communication::Simulated {
            names: vec!["simulated-1vibe".into(), "simulated-stroker".into()]
        }]
    );
    assert!(sim.defaults.is_none());
    let stroker = sim.definition_for(Some("simulated-stroker")).unwrap();
    assert_eq!(
        stroker.features[0].outputs[&OutputType::HwPositionWithDuration].duration,
        Some((0, 10000))
    );
    let vibe = sim.definition_for(Some("simulated-1vibe")).unwrap();
    assert_eq!(
        vibe.features[0].outputs[&OutputType::Vibrate].value,
        (0, 100)
    );
    assert_eq!(
        find_protocol(&db, &ble("simulated-stroker"))
            .unwrap()
            .protocol,
        "simulated"
    );
    let sdl = db.protocol("sdl-gamepad").unwrap();
    assert_eq!(
        sdl.communication,
        vec![Communication::Other("sdl-gamepad".into())]
    );
    assert_eq!(sdl.definition_for(None).unwrap().features.len(), 2);
    // Loading a v5 file on top of the built-in definitions keeps the newer version.
    let mut builtin = DeviceConfigDb::builtin();
    builtin.extend(db);
    assert_eq!(builtin.version.0, 5);
    assert!(builtin.protocol("satisfyer").is_some(), "built-ins stay");
}

/// Rows of tests/fixtures/ble-names.tsv: pattern, protocol listing it, protocol(s) it
/// resolves to in the ecosystem file.
fn ble_name_table() -> Vec<(String, String, Vec<String>)> {
    fixture("ble-names.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "{l:?}");
            let winners = cols[2].split(',').map(str::to_string).collect();
            (cols[0].to_string(), cols[1].to_string(), winners)
        })
        .collect()
}

fn sample_name(pattern: &str) -> String {
    match pattern.strip_suffix('*') {
        Some(prefix) => format!("{prefix}Z9"),
        None => pattern.to_string(),
    }
}

#[test]
fn every_ecosystem_ble_name_resolves_to_its_protocol() {
    let table = ble_name_table();
    assert!(table.len() > 700, "{} rows", table.len());
    // The same names, per protocol, through the real loader: what the full file proves.
    let mut protocols: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (pattern, protocol, _) in &table {
        protocols.entry(protocol).or_default().push(pattern);
    }
    let file = json!({
        "version": {"major": 4, "minor": 0},
        "protocols": protocols.iter().map(|(p, names)| {
            (p.to_string(), json!({"communication": [{"btle": {"names": names, "services": {}}}]}))
        }).collect::<serde_json::Map<_, _>>()
    });
    let db = DeviceConfigDb::from_json(&file.to_string()).unwrap();
    for (pattern, protocol, winners) in &table {
        let name = sample_name(pattern);
        let found = find_protocol(&db, &ble(&name))
            .unwrap_or_else(|| panic!("{name} ({protocol}) resolves to nothing"));
        assert!(
            winners.contains(&found.protocol),
            "{name} resolved to {}, expected {winners:?}",
            found.protocol
        );
    }
    // plugwire's own definitions resolve every name of the protocols it implements.
    let builtin = DeviceConfigDb::builtin();
    let mut checked = 0;
    for (pattern, protocol, winners) in &table {
        if builtin.protocol(protocol).is_none() || winners.len() > 1 {
            continue;
        }
        let name = sample_name(pattern);
        assert_eq!(
            find_protocol(&builtin, &ble(&name)).map(|m| m.protocol),
            Some(protocol.clone()),
            "{name} with the built-in definitions"
        );
        checked += 1;
    }
    assert!(checked > 300, "{checked} names of built-in protocols");
}

#[tokio::test]
async fn loading_a_device_config_file_keeps_lovense_working() {
    let text = fixture("device-config-v4.json");
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
    // The Edge is denied: two of the three toys are added.
    s.scan_expecting(2, 2).await;
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
