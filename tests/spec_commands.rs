//! Every message type of every spec version, through the server to simulated Lovense toys,
//! with the bytes they received asserted.

mod common;

use common::*;
use serde_json::{Value, json};

const TOYS: [&str; 4] = ["LVS-Nora", "LVS-Edge", "LVS-Solace Pro", "LVS-Lapis"];

async fn session(version: u32) -> (Rig, Json) {
    let rig = rig(&TOYS);
    let mut s = Json::open(&rig);
    s.handshake(version).await;
    let added = s.scan(2).await;
    if version < 4 {
        assert_eq!(
            added.len(),
            TOYS.len(),
            "one DeviceAdded per toy: {added:?}"
        );
    } else {
        // v4 announces every change with the whole DeviceList.
        let last = added.last().expect("DeviceList events");
        assert_eq!(last["DeviceList"]["Id"], 0);
        assert_eq!(
            last["DeviceList"]["Devices"].as_object().unwrap().len(),
            TOYS.len()
        );
    }
    for toy in TOYS {
        rig.device(toy).clear_log();
    }
    (rig, s)
}

fn entry(list: &Value, index: u32) -> &Value {
    list["DeviceList"]["Devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["DeviceIndex"] == index)
        .expect("device in list")
}

#[tokio::test]
async fn spec_v0_messages() {
    let (rig, mut s) = session(0).await;
    let nora = rig.index_of("LVS-Nora");
    let edge = rig.index_of("LVS-Edge");
    let solace = rig.index_of("LVS-Solace Pro");
    let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
    assert_eq!(
        entry(&list, nora),
        &json!({"DeviceIndex": nora, "DeviceName": "Lovense Nora",
            "DeviceMessages": ["SingleMotorVibrateCmd", "StopDeviceCmd", "VorzeA10CycloneCmd"]})
    );
    assert_eq!(
        entry(&list, solace)["DeviceMessages"],
        json!(["FleshlightLaunchFW12Cmd", "StopDeviceCmd"])
    );

    assert_eq!(
        s.one(json!({"SingleMotorVibrateCmd": {"Id": 4, "DeviceIndex": edge, "Speed": 0.5}}))
            .await,
        json!({"Ok": {"Id": 4}})
    );
    assert_eq!(
        commands(&rig.device("LVS-Edge")),
        vec!["Vibrate1:10;", "Vibrate2:10;"]
    );

    assert_eq!(s.one(json!({"VorzeA10CycloneCmd": {"Id": 5, "DeviceIndex": nora, "Speed": 99, "Clockwise": false}})).await, json!({"Ok": {"Id": 5}}));
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec!["RotateChange;", "Rotate:20;"]
    );

    let fl = s.one(json!({"FleshlightLaunchFW12Cmd": {"Id": 6, "DeviceIndex": solace, "Position": 99, "Speed": 99}})).await;
    assert_eq!(fl, json!({"Ok": {"Id": 6}}));
    let sol = rig.device("LVS-Solace Pro");
    let moves = wait_commands(&sol, 1).await;
    assert!(moves[0].starts_with("FSetSite:"), "{moves:?}");

    assert_eq!(
        s.one(json!({"StopDeviceCmd": {"Id": 7, "DeviceIndex": nora}}))
            .await,
        json!({"Ok": {"Id": 7}})
    );
    // Outputs whose state is unknown (never set) get a zero too; the stopped rotation
    // toggles back to the power-on direction.
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec![
            "RotateChange;",
            "Rotate:20;",
            "Vibrate:0;",
            "Rotate:0;",
            "RotateChange;"
        ]
    );
    // Only Nora stopped: the Edge still runs.
    assert_eq!(commands(&rig.device("LVS-Edge")).len(), 2);

    assert_eq!(
        s.one(json!({"StopAllDevices": {"Id": 8}})).await,
        json!({"Ok": {"Id": 8}})
    );
    assert_eq!(
        commands(&rig.device("LVS-Edge"))[2..],
        ["Vibrate1:0;", "Vibrate2:0;"]
    );

    assert_eq!(
        s.one(json!({"Test": {"Id": 9, "TestString": "hello"}}))
            .await,
        json!({"Test": {"Id": 9, "TestString": "hello"}})
    );
    assert_eq!(
        error_code(
            &s.one(json!({"RequestLog": {"Id": 10, "LogLevel": "Off"}}))
                .await
        ),
        Some(3)
    );
    // v1 messages are not part of v0.
    assert_eq!(error_code(&s.one(json!({"VibrateCmd": {"Id": 11, "DeviceIndex": nora, "Speeds": [{"Index": 0, "Speed": 0.5}]}})).await), Some(3));
    assert_eq!(
        s.one(json!({"StopScanning": {"Id": 12}})).await,
        json!({"Ok": {"Id": 12}})
    );
}

#[tokio::test]
async fn spec_v1_messages() {
    let (rig, mut s) = session(1).await;
    let nora = rig.index_of("LVS-Nora");
    let edge = rig.index_of("LVS-Edge");
    let solace = rig.index_of("LVS-Solace Pro");
    let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
    assert_eq!(
        entry(&list, nora)["DeviceMessages"],
        json!({"VibrateCmd": {"FeatureCount": 1}, "RotateCmd": {"FeatureCount": 1},
            "SingleMotorVibrateCmd": {}, "VorzeA10CycloneCmd": {}, "StopDeviceCmd": {}})
    );
    let v = s.one(json!({"VibrateCmd": {"Id": 4, "DeviceIndex": edge, "Speeds": [{"Index": 1, "Speed": 0.05}, {"Index": 0, "Speed": 1.0}]}})).await;
    assert_eq!(v, json!({"Ok": {"Id": 4}}));
    // One message is one batch: both motors reach the protocol together (in feature order).
    assert_eq!(
        commands(&rig.device("LVS-Edge")),
        vec!["Vibrate1:20;", "Vibrate2:1;"]
    );

    let r = s.one(json!({"RotateCmd": {"Id": 5, "DeviceIndex": nora, "Rotations": [{"Index": 0, "Speed": 0.5, "Clockwise": true}]}})).await;
    assert_eq!(r, json!({"Ok": {"Id": 5}}));
    assert_eq!(commands(&rig.device("LVS-Nora")), vec!["Rotate:10;"]);

    let l = s.one(json!({"LinearCmd": {"Id": 6, "DeviceIndex": solace, "Vectors": [{"Index": 0, "Duration": 100, "Position": 0.5}]}})).await;
    assert_eq!(l, json!({"Ok": {"Id": 6}}));
    let sol = rig.device("LVS-Solace Pro");
    assert_eq!(wait_commands(&sol, 1).await, vec!["FSetSite:50;"]);

    assert_eq!(
        s.one(json!({"SingleMotorVibrateCmd": {"Id": 7, "DeviceIndex": nora, "Speed": 0.25}}))
            .await,
        json!({"Ok": {"Id": 7}})
    );
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec!["Rotate:10;", "Vibrate:5;"]
    );
    assert_eq!(
        error_code(
            &s.one(json!({"BatteryLevelCmd": {"Id": 8, "DeviceIndex": nora}}))
                .await
        ),
        Some(3)
    );
}

#[tokio::test]
async fn spec_v2_messages() {
    let (rig, mut s) = session(2).await;
    let nora = rig.index_of("LVS-Nora");
    let lapis = rig.index_of("LVS-Lapis");
    let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
    assert_eq!(
        entry(&list, nora)["DeviceMessages"],
        json!({"VibrateCmd": {"FeatureCount": 1, "StepCount": [20]},
            "RotateCmd": {"FeatureCount": 1, "StepCount": [20]},
            "BatteryLevelCmd": {}, "StopDeviceCmd": {}})
    );
    let b = s
        .one(json!({"BatteryLevelCmd": {"Id": 4, "DeviceIndex": nora}}))
        .await;
    assert_eq!(
        b,
        json!({"BatteryLevelReading": {"Id": 4, "DeviceIndex": nora, "BatteryLevel": 0.9}})
    );
    assert_eq!(commands(&rig.device("LVS-Nora")), vec!["Battery;"]);

    // Several motors in one VibrateCmd become one packed Lapis packet.
    let v = s
        .one(
            json!({"VibrateCmd": {"Id": 5, "DeviceIndex": lapis, "Speeds": [
        {"Index": 0, "Speed": 0.5}, {"Index": 1, "Speed": 0.25}, {"Index": 2, "Speed": 1.0}]}}),
        )
        .await;
    assert_eq!(v, json!({"Ok": {"Id": 5}}));
    let lapis_writes = commands(&rig.device("LVS-Lapis"));
    assert_eq!(
        lapis_writes.last().map(String::as_str),
        Some("Mply:10:5:20;"),
        "{lapis_writes:?}"
    );
    assert_eq!(
        error_code(
            &s.one(json!({"RSSILevelCmd": {"Id": 6, "DeviceIndex": nora}}))
                .await
        ),
        Some(4)
    );
    assert_eq!(
        error_code(
            &s.one(json!({"ScalarCmd": {"Id": 7, "DeviceIndex": nora, "Scalars": []}}))
                .await
        ),
        Some(3)
    );
}

#[tokio::test]
async fn spec_v3_messages() {
    let (rig, mut s) = session(3).await;
    let nora = rig.index_of("LVS-Nora");
    let solace = rig.index_of("LVS-Solace Pro");
    let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
    assert_eq!(
        entry(&list, nora),
        &json!({"DeviceIndex": nora, "DeviceName": "Lovense Nora", "DeviceMessageTimingGap": 0,
            "DeviceMessages": {
                "ScalarCmd": [
                    {"FeatureDescriptor": "", "ActuatorType": "Vibrate", "StepCount": 20},
                    {"FeatureDescriptor": "", "ActuatorType": "Rotate", "StepCount": 20}],
                "RotateCmd": [{"FeatureDescriptor": "", "ActuatorType": "Rotate", "StepCount": 20}],
                "SensorReadCmd": [{"FeatureDescriptor": "battery Level", "SensorType": "Battery", "SensorRange": [[0, 100]]}],
                "StopDeviceCmd": {}}})
    );
    let sc = s
        .one(
            json!({"ScalarCmd": {"Id": 4, "DeviceIndex": nora, "Scalars": [
        {"Index": 0, "Scalar": 0.05, "ActuatorType": "Vibrate"},
        {"Index": 1, "Scalar": 0.5, "ActuatorType": "Rotate"}]}}),
        )
        .await;
    assert_eq!(sc, json!({"Ok": {"Id": 4}}));
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec!["Vibrate:1;", "Rotate:10;"]
    );

    let rc = s.one(json!({"RotateCmd": {"Id": 5, "DeviceIndex": nora, "Rotations": [{"Index": 0, "Speed": 1.0, "Clockwise": false}]}})).await;
    assert_eq!(rc, json!({"Ok": {"Id": 5}}));
    assert_eq!(
        commands(&rig.device("LVS-Nora"))[2..],
        ["RotateChange;", "Rotate:20;"]
    );

    let sr = s.one(json!({"SensorReadCmd": {"Id": 6, "DeviceIndex": nora, "SensorIndex": 0, "SensorType": "Battery"}})).await;
    assert_eq!(
        sr,
        json!({"SensorReading": {"Id": 6, "DeviceIndex": nora, "SensorIndex": 0, "SensorType": "Battery", "Data": [90]}})
    );

    let osc = s.one(json!({"ScalarCmd": {"Id": 7, "DeviceIndex": solace, "Scalars": [{"Index": 0, "Scalar": 0.5, "ActuatorType": "Oscillate"}]}})).await;
    assert_eq!(osc, json!({"Ok": {"Id": 7}}));
    assert_eq!(commands(&rig.device("LVS-Solace Pro")), vec!["Mply:10:20;"]);
    let lin = s.one(json!({"LinearCmd": {"Id": 8, "DeviceIndex": solace, "Vectors": [{"Index": 0, "Duration": 300, "Position": 0.3}]}})).await;
    assert_eq!(lin, json!({"Ok": {"Id": 8}}));
    let sol = rig.device("LVS-Solace Pro");
    assert_eq!(
        wait_commands(&sol, 4).await[1..4],
        ["FSetSite:10;", "FSetSite:20;", "FSetSite:30;"]
    );
    // Battery can only be read on this toy, not subscribed.
    let sub = s.one(json!({"SensorSubscribeCmd": {"Id": 9, "DeviceIndex": nora, "SensorIndex": 0, "SensorType": "Battery"}})).await;
    assert_eq!(error_code(&sub), Some(4), "{sub}");
}

#[tokio::test]
async fn spec_v4_messages() {
    let (rig, mut s) = session(4).await;
    let nora = rig.index_of("LVS-Nora");
    let solace = rig.index_of("LVS-Solace Pro");
    let list = s.one(json!({"RequestDeviceList": {"Id": 3}})).await;
    assert_eq!(
        list["DeviceList"]["Devices"][nora.to_string()],
        json!({"DeviceIndex": nora, "DeviceName": "Lovense Nora", "DeviceMessageTimingGap": 0,
            "DeviceFeatures": {
                "0": {"FeatureIndex": 0, "FeatureDescription": "", "Output": {"Vibrate": {"Value": [0, 20]}}},
                "1": {"FeatureIndex": 1, "FeatureDescription": "", "Output": {"Rotate": {"Value": [-20, 20]}}},
                "2": {"FeatureIndex": 2, "FeatureDescription": "battery Level",
                      "Input": {"Battery": {"Value": [[0, 100]], "Command": ["Read"]}}}}})
    );
    assert_eq!(
        list["DeviceList"]["Devices"][solace.to_string()]["DeviceFeatures"]["0"]["Output"],
        json!({"Oscillate": {"Value": [0, 20]}, "HwPositionWithDuration": {"Value": [0, 100], "Duration": [0, 100000]}})
    );
    let out = |id: u32, dev: u32, feature: u32, cmd: Value| json!({"OutputCmd": {"Id": id, "DeviceIndex": dev, "FeatureIndex": feature, "Command": cmd}});
    assert_eq!(
        s.one(out(4, nora, 0, json!({"Vibrate": {"Value": 7}})))
            .await,
        json!({"Ok": {"Id": 4}})
    );
    assert_eq!(
        s.one(out(5, nora, 1, json!({"Rotate": {"Value": -4}})))
            .await,
        json!({"Ok": {"Id": 5}})
    );
    assert_eq!(
        s.one(out(6, nora, 1, json!({"Rotate": {"Value": 0}})))
            .await,
        json!({"Ok": {"Id": 6}})
    );
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec![
            "Vibrate:7;",
            "RotateChange;",
            "Rotate:4;",
            "Rotate:0;",
            "RotateChange;"
        ]
    );

    assert_eq!(
        s.one(out(
            7,
            solace,
            0,
            json!({"HwPositionWithDuration": {"Value": 40, "Duration": 100}})
        ))
        .await,
        json!({"Ok": {"Id": 7}})
    );
    let sol = rig.device("LVS-Solace Pro");
    assert_eq!(wait_commands(&sol, 1).await, vec!["FSetSite:40;"]);
    assert_eq!(
        error_code(
            &s.one(out(
                8,
                solace,
                0,
                json!({"HwPositionWithDuration": {"Value": 40}})
            ))
            .await
        ),
        Some(3)
    );

    let read = s.one(json!({"InputCmd": {"Id": 9, "DeviceIndex": nora, "FeatureIndex": 2, "Type": "Battery", "Command": "Read"}})).await;
    assert_eq!(
        read,
        json!({"InputReading": {"Id": 9, "DeviceIndex": nora, "FeatureIndex": 2, "Reading": {"Battery": {"Value": 90}}}})
    );

    // StopCmd on one feature stops just that feature.
    assert_eq!(
        s.one(out(10, nora, 1, json!({"Rotate": {"Value": 5}})))
            .await,
        json!({"Ok": {"Id": 10}})
    );
    assert_eq!(
        s.one(json!({"StopCmd": {"Id": 11, "DeviceIndex": nora, "FeatureIndex": 1}}))
            .await,
        json!({"Ok": {"Id": 11}})
    );
    let nora_cmds = commands(&rig.device("LVS-Nora"));
    assert_eq!(nora_cmds[nora_cmds.len() - 2..], ["Rotate:5;", "Rotate:0;"]);
    // A device stop (`null` indices are absent, as some clients send).
    assert_eq!(
        s.one(json!({"StopCmd": {"Id": 12, "DeviceIndex": nora, "FeatureIndex": null}}))
            .await,
        json!({"Ok": {"Id": 12}})
    );
    assert_eq!(
        commands(&rig.device("LVS-Nora")).last().map(String::as_str),
        Some("Vibrate:0;")
    );
    assert_eq!(
        s.one(json!({"StopCmd": {"Id": 13}})).await,
        json!({"Ok": {"Id": 13}})
    );
    assert_eq!(
        s.one(json!({"StopScanning": {"Id": 14}})).await,
        json!({"Ok": {"Id": 14}})
    );
}

#[tokio::test]
async fn device_added_and_removed_per_version() {
    for version in 0..=4u32 {
        let rig = rig(&["LVS-Nora"]);
        let mut s = Json::open(&rig);
        s.handshake(version).await;
        let events = s.scan(2).await;
        assert_eq!(events.len(), 1, "v{version}: {events:?}");
        let added = &events[0];
        if version < 4 {
            assert_eq!(added["DeviceAdded"]["Id"], 0);
            assert_eq!(added["DeviceAdded"]["DeviceName"], "Lovense Nora");
        } else {
            assert_eq!(
                added["DeviceList"]["Devices"]["0"]["DeviceName"],
                "Lovense Nora"
            );
        }
        rig.device("LVS-Nora").drop_device();
        let removed = s.next_event().await;
        if version < 4 {
            assert_eq!(
                removed,
                json!({"DeviceRemoved": {"Id": 0, "DeviceIndex": 0}}),
                "v{version}"
            );
        } else {
            assert_eq!(removed, json!({"DeviceList": {"Id": 0, "Devices": {}}}));
        }
    }
}

/// One message is one batch: a v3 `VibrateCmd` with two speeds reaches a packing protocol
/// (WeVibe 4 Plus: both motors in one packet) as one change, so the toy gets one packet
/// with both levels, never a partial packet first. Measured before: `0f03008000030000`,
/// then 76 ms later `0f03008400030000`; the reference writes only the second.
#[tokio::test]
async fn a_multi_entry_command_is_one_packet() {
    let rig = rig_with(&["4plus"], |b| b.default_message_gap_ms(75));
    let mut s = Json::open(&rig);
    s.handshake(3).await;
    s.scan(2).await;
    let toy = rig.index_of("4plus");
    rig.device("4plus").clear_log();
    let reply = s
        .one(
            json!({"VibrateCmd": {"Id": 3, "DeviceIndex": toy, "Speeds": [
            {"Index": 0, "Speed": 0.5}, {"Index": 1, "Speed": 0.25}]}}),
        )
        .await;
    assert_eq!(reply, json!({"Ok": {"Id": 3}}));
    let packets: Vec<Vec<u8>> = rig
        .device("4plus")
        .writes()
        .into_iter()
        .map(|w| w.data)
        .collect();
    assert_eq!(
        packets,
        vec![vec![0x0f, 0x03, 0x00, 0x84, 0x00, 0x03, 0x00, 0x00]]
    );
}
