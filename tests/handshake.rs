//! The handshake in every spec version, and bad input answered with the right Error.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn server_info_shape_per_version() {
    let expected = [
        json!({"ServerInfo": {"Id": 1, "MajorVersion": 0, "MinorVersion": 0, "BuildVersion": 0,
            "MessageVersion": 0, "MaxPingTime": 0, "ServerName": "test server"}}),
        json!({"ServerInfo": {"Id": 1, "MessageVersion": 1, "MaxPingTime": 0, "ServerName": "test server"}}),
        json!({"ServerInfo": {"Id": 1, "MessageVersion": 2, "MaxPingTime": 0, "ServerName": "test server"}}),
        json!({"ServerInfo": {"Id": 1, "MessageVersion": 3, "MaxPingTime": 0, "ServerName": "test server"}}),
        json!({"ServerInfo": {"Id": 1, "ServerName": "test server", "MaxPingTime": 0,
            "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}),
    ];
    for (version, want) in expected.iter().enumerate() {
        let rig = rig(&[]);
        let mut s = Json::open(&rig);
        assert_eq!(&s.handshake(version as u32).await, want, "spec v{version}");
        // A second handshake is an error, and the session goes on.
        let again = s.handshake(version as u32).await;
        assert_eq!(
            error_code(&again),
            Some(1),
            "second handshake v{version}: {again}"
        );
        let list = s.one(json!({"RequestDeviceList": {"Id": 2}})).await;
        assert!(list.get("DeviceList").is_some(), "{list}");
    }
}

#[tokio::test]
async fn max_ping_time_is_reported() {
    let rig = rig_with(&[], |b| b.max_ping_time_ms(1500));
    let mut s = Json::open(&rig);
    let info = s.handshake(3).await;
    assert_eq!(info["ServerInfo"]["MaxPingTime"], 1500);
}

#[tokio::test]
async fn anything_before_the_handshake_is_a_handshake_error() {
    let rig = rig(&[]);
    let mut s = Json::open(&rig);
    let reply = s.one(json!({"Ping": {"Id": 7}})).await;
    assert_eq!(error_code(&reply), Some(1));
    assert_eq!(error_id(&reply), Some(7));
    // The session still accepts the handshake afterwards.
    assert!(s.handshake(4).await.get("ServerInfo").is_some());
}

#[tokio::test]
async fn newer_client_versions_are_refused() {
    let rig = rig(&[]);
    let mut s = Json::open(&rig);
    let reply = s
        .one(json!({"RequestServerInfo": {"Id": 1, "ClientName": "x", "ProtocolVersionMajor": 5, "ProtocolVersionMinor": 0}}))
        .await;
    assert_eq!(error_code(&reply), Some(1), "{reply}");
    let reply = s
        .one(json!({"RequestServerInfo": {"Id": 2, "ClientName": "x", "MessageVersion": 4}}))
        .await;
    assert_eq!(error_code(&reply), Some(1), "{reply}");
}

#[tokio::test]
async fn several_messages_in_one_frame_get_replies_in_order() {
    let rig = rig(&[]);
    let mut s = Json::open(&rig);
    let replies = s
        .send(json!([
            {"RequestServerInfo": {"Id": 1, "ClientName": "t", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}},
            {"RequestDeviceList": {"Id": 2}},
            {"StopCmd": {"Id": 3}}
        ]))
        .await;
    assert_eq!(replies.len(), 3);
    assert!(replies[0].get("ServerInfo").is_some());
    assert_eq!(replies[1], json!({"DeviceList": {"Id": 2, "Devices": {}}}));
    assert_eq!(replies[2], json!({"Ok": {"Id": 3}}));
}

/// The bad-input table: each row gets an Error with the right code and Id, and the
/// session keeps working.
#[tokio::test]
async fn bad_input_gets_errors_and_the_session_goes_on() {
    let rig = rig(&["LVS-Nora"]);
    let mut s = Json::open(&rig);
    s.handshake(4).await;
    s.scan(2).await;
    let nora = rig.index_of("LVS-Nora");
    let cases: Vec<(&str, String, u64, u64)> = vec![
        ("unparseable JSON", "[{\"Ping\": {\"Id\": 3}".into(), 3, 0),
        ("not an array of objects", "[1]".into(), 3, 0),
        ("a bare number", "7".into(), 3, 0),
        ("unknown message", r#"[{"Fly": {"Id": 4}}]"#.into(), 3, 4),
        ("missing field", r#"[{"OutputCmd": {"Id": 5, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 1}}}}]"#.into(), 3, 5),
        ("wrong-typed field", format!(r#"[{{"OutputCmd": {{"Id": 6, "DeviceIndex": "{nora}", "FeatureIndex": 0, "Command": {{"Vibrate": {{"Value": 1}}}}}}}}]"#), 3, 6),
        ("Id 0 from a client", r#"[{"Ping": {"Id": 0}}]"#.into(), 3, 0),
        ("missing Id", r#"[{"RequestDeviceList": {}}]"#.into(), 3, 0),
        ("unknown device", r#"[{"OutputCmd": {"Id": 8, "DeviceIndex": 99, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 1}}}}]"#.into(), 4, 8),
        ("unknown feature", format!(r#"[{{"OutputCmd": {{"Id": 9, "DeviceIndex": {nora}, "FeatureIndex": 9, "Command": {{"Vibrate": {{"Value": 1}}}}}}}}]"#), 4, 9),
        ("output the feature lacks", format!(r#"[{{"OutputCmd": {{"Id": 10, "DeviceIndex": {nora}, "FeatureIndex": 0, "Command": {{"Rotate": {{"Value": 1}}}}}}}}]"#), 4, 10),
        ("value above range", format!(r#"[{{"OutputCmd": {{"Id": 11, "DeviceIndex": {nora}, "FeatureIndex": 0, "Command": {{"Vibrate": {{"Value": 21}}}}}}}}]"#), 4, 11),
        ("negative value on unsigned output", format!(r#"[{{"OutputCmd": {{"Id": 12, "DeviceIndex": {nora}, "FeatureIndex": 0, "Command": {{"Vibrate": {{"Value": -1}}}}}}}}]"#), 4, 12),
        ("unknown output type", format!(r#"[{{"OutputCmd": {{"Id": 13, "DeviceIndex": {nora}, "FeatureIndex": 0, "Command": {{"Wiggle": {{"Value": 1}}}}}}}}]"#), 3, 13),
        ("input the feature lacks", format!(r#"[{{"InputCmd": {{"Id": 14, "DeviceIndex": {nora}, "FeatureIndex": 0, "Type": "Battery", "Command": "Read"}}}}]"#), 4, 14),
        ("input command not offered", format!(r#"[{{"InputCmd": {{"Id": 15, "DeviceIndex": {nora}, "FeatureIndex": 2, "Type": "Battery", "Command": "Subscribe"}}}}]"#), 4, 15),
        ("stop feature without device", r#"[{"StopCmd": {"Id": 16, "FeatureIndex": 0}}]"#.into(), 3, 16),
        ("stop unknown device", r#"[{"StopCmd": {"Id": 17, "DeviceIndex": 42}}]"#.into(), 4, 17),
        ("legacy message in v4", format!(r#"[{{"VibrateCmd": {{"Id": 18, "DeviceIndex": {nora}, "Speeds": [{{"Index": 0, "Speed": 0.5}}]}}}}]"#), 3, 18),
        ("ping with the watchdog off", r#"[{"Ping": {"Id": 19}}]"#.into(), 2, 19),
    ];
    for (what, frame, code, id) in cases {
        let replies = s.send_text(&frame).await;
        assert_eq!(replies.len(), 1, "{what}: {replies:?}");
        assert_eq!(
            error_code(&replies[0]),
            Some(code),
            "{what}: {}",
            replies[0]
        );
        assert_eq!(error_id(&replies[0]), Some(id), "{what}: {}", replies[0]);
        let msg = replies[0]["Error"]["ErrorMessage"]
            .as_str()
            .unwrap_or_default();
        assert!(!msg.is_empty(), "{what}: error message is empty");
    }
    // Nothing reached the device, and the session still works.
    assert!(commands(&rig.device("LVS-Nora")).is_empty());
    let ok = s
        .one(json!({"OutputCmd": {"Id": 30, "DeviceIndex": nora, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 3}}}}))
        .await;
    assert_eq!(ok, json!({"Ok": {"Id": 30}}));
    assert_eq!(commands(&rig.device("LVS-Nora")), vec!["Vibrate:3;"]);
}

#[tokio::test]
async fn legacy_bad_input() {
    let rig = rig(&["LVS-Nora"]);
    let mut s = Json::open(&rig);
    s.handshake(3).await;
    s.scan(2).await;
    let nora = rig.index_of("LVS-Nora");
    let cases = vec![
        (
            "scalar out of 0..1",
            json!({"ScalarCmd": {"Id": 3, "DeviceIndex": nora, "Scalars": [{"Index": 0, "Scalar": 1.5, "ActuatorType": "Vibrate"}]}}),
            3,
        ),
        (
            "scalar index past the end",
            json!({"ScalarCmd": {"Id": 4, "DeviceIndex": nora, "Scalars": [{"Index": 5, "Scalar": 0.5, "ActuatorType": "Vibrate"}]}}),
            4,
        ),
        (
            "actuator type mismatch",
            json!({"ScalarCmd": {"Id": 5, "DeviceIndex": nora, "Scalars": [{"Index": 0, "Scalar": 0.5, "ActuatorType": "Constrict"}]}}),
            4,
        ),
        (
            "empty scalars",
            json!({"ScalarCmd": {"Id": 6, "DeviceIndex": nora, "Scalars": []}}),
            3,
        ),
        (
            "v4 message in v3",
            json!({"OutputCmd": {"Id": 7, "DeviceIndex": nora, "FeatureIndex": 0, "Command": {"Vibrate": {"Value": 1}}}}),
            3,
        ),
        (
            "unknown device",
            json!({"VibrateCmd": {"Id": 8, "DeviceIndex": 77, "Speeds": [{"Index": 0, "Speed": 0.5}]}}),
            4,
        ),
        (
            "rotate without Clockwise",
            json!({"RotateCmd": {"Id": 9, "DeviceIndex": nora, "Rotations": [{"Index": 0, "Speed": 0.5}]}}),
            3,
        ),
        (
            "no linear actuator",
            json!({"LinearCmd": {"Id": 10, "DeviceIndex": nora, "Vectors": [{"Index": 0, "Duration": 100, "Position": 0.5}]}}),
            4,
        ),
        (
            "sensor type mismatch",
            json!({"SensorReadCmd": {"Id": 11, "DeviceIndex": nora, "SensorIndex": 0, "SensorType": "Pressure"}}),
            4,
        ),
        (
            "raw access",
            json!({"RawWriteCmd": {"Id": 12, "DeviceIndex": nora, "Endpoint": "tx", "Data": [1], "WriteWithResponse": false}}),
            3,
        ),
    ];
    for (what, message, code) in cases {
        let id = message.as_object().unwrap().values().next().unwrap()["Id"].as_u64();
        let reply = s.one(message).await;
        assert_eq!(error_code(&reply), Some(code), "{what}: {reply}");
        assert_eq!(error_id(&reply), id, "{what}: {reply}");
    }
    assert!(commands(&rig.device("LVS-Nora")).is_empty());
}
