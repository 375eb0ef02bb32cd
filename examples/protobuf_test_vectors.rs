//! Writes the shared protobuf test vectors: messages of `protobuf/plugwire.proto` encoded
//! by the library's own (prost) code, one `.bin` file each, plus `index.json` naming each
//! file's message type. Bindings decode every vector with their own protobuf code and
//! re-encode it: the bytes must be identical (bindings/js/test/vectors.test.mjs).
//!
//!     cargo run --example protobuf_test_vectors            # rewrite protobuf/test-vectors/
//!     cargo run --example protobuf_test_vectors -- --check # exit 1 if they differ
//!
//! The vectors cover every field kind the schema uses: oneofs (and one-field "optional"
//! oneofs), enums, repeated scalars and messages, bytes, negative int32, uint64, doubles,
//! and nested messages, in fields-in-number-order encoding (what every protobuf library
//! writes).

use std::collections::BTreeMap;
use std::path::PathBuf;

use plugwire::proto::{self, event, reply, request};
use prost::Message;

fn vectors() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut v: Vec<(&'static str, &'static str, Vec<u8>)> = Vec::new();
    let mut req = |name: &'static str, kind: request::Kind| {
        v.push((
            name,
            "plugwire.v1.Request",
            proto::Request { kind: Some(kind) }.encode_to_vec(),
        ));
    };
    req(
        "request_connect_embedded",
        request::Kind::ConnectEmbedded(proto::ConnectEmbedded {
            client_name: "vectors".into(),
            server_name: "plugwire ✓".into(),
            max_ping_time_ms: 1000,
            simulated: true,
            bluetooth_le: true,
            serial: true,
            device_websocket: true,
            device_config_json: "{\"version\":{\"major\":4,\"minor\":0}}".into(),
            user_config_json: String::new(),
            simulated_devices: vec![
                proto::SimulatedDevice {
                    name: "LVS-Lush".into(),
                    address: "AA:00:00:00:00:01".into(),
                    model: String::new(),
                    battery: Some(proto::simulated_device::Battery::BatteryLevel(77)),
                    serial_port: String::new(),
                    firmware_version: Some(proto::simulated_device::FirmwareVersion::Firmware(2)),
                    key: vec![1, 2, 3, 4],
                    script: vec![proto::ScriptRule {
                        when: Some(proto::script_rule::When::Write(proto::ScriptWrite {
                            endpoint: "tx".into(),
                            bytes: b"Battery;".to_vec(),
                            prefix: true,
                        })),
                        then: vec![
                            proto::ScriptAction {
                                kind: Some(proto::script_action::Kind::Notify(
                                    proto::EndpointBytes {
                                        endpoint: "rx".into(),
                                        bytes: b"42;".to_vec(),
                                    },
                                )),
                            },
                            proto::ScriptAction {
                                kind: Some(proto::script_action::Kind::QueueRead(
                                    proto::EndpointBytes {
                                        endpoint: "rxblebattery".into(),
                                        bytes: vec![42],
                                    },
                                )),
                            },
                        ],
                    }],
                    no_builtin_responder: true,
                },
                proto::SimulatedDevice {
                    name: "tcode".into(),
                    address: String::new(),
                    model: "OSR2".into(),
                    battery: Some(proto::simulated_device::Battery::BatteryLevel(0)),
                    serial_port: "/dev/ttyUSB0".into(),
                    ..Default::default()
                },
            ],
            default_gap: Some(proto::connect_embedded::DefaultGap::DefaultMessageGapMs(0)),
            hardware_timeout: None,
        }),
    );
    req(
        "request_connect_websocket",
        request::Kind::ConnectWebsocket(proto::ConnectWebsocket {
            client_name: "vectors".into(),
            url: "ws://127.0.0.1:12345".into(),
            ..Default::default()
        }),
    );
    req(
        "request_start_scanning",
        request::Kind::StartScanning(proto::StartScanning {}),
    );
    req(
        "request_device_output_fraction",
        request::Kind::DeviceOutput(proto::DeviceOutput {
            device_index: 3,
            feature_index: 1,
            output: proto::OutputType::Rotate as i32,
            value: Some(proto::device_output::Value::Fraction(-0.25)),
            duration: None,
        }),
    );
    req(
        "request_device_output_steps_duration",
        request::Kind::DeviceOutput(proto::DeviceOutput {
            device_index: 0,
            feature_index: 0,
            output: proto::OutputType::HwPositionWithDuration as i32,
            value: Some(proto::device_output::Value::Steps(-7)),
            duration: Some(proto::device_output::Duration::DurationMs(500)),
        }),
    );
    req(
        "request_device_outputs",
        request::Kind::DeviceOutputs(proto::DeviceOutputs {
            device_index: 2,
            outputs: vec![
                proto::DeviceOutput {
                    device_index: 2,
                    feature_index: 0,
                    output: proto::OutputType::Vibrate as i32,
                    value: Some(proto::device_output::Value::Fraction(0.5)),
                    duration: None,
                },
                proto::DeviceOutput {
                    device_index: 0,
                    feature_index: 1,
                    output: proto::OutputType::Vibrate as i32,
                    value: Some(proto::device_output::Value::Steps(20)),
                    duration: None,
                },
            ],
        }),
    );
    req(
        "request_device_input",
        request::Kind::DeviceInput(proto::DeviceInput {
            device_index: 1,
            feature_index: 2,
            input: proto::InputType::Battery as i32,
            command: proto::InputCommand::Subscribe as i32,
        }),
    );
    req(
        "request_stop_device_feature",
        request::Kind::StopDevice(proto::StopDevice {
            device_index: 4_000_000_000,
            feature: Some(proto::stop_device::Feature::FeatureIndex(0)),
        }),
    );
    req(
        "request_simulated_notify",
        request::Kind::SimulatedNotify(proto::SimulatedNotify {
            address: "AA:00:00:00:00:10".into(),
            endpoint: "rxblebattery".into(),
            data: vec![0, 42, 255],
        }),
    );
    req(
        "request_simulated_write_log",
        request::Kind::SimulatedWriteLog(proto::SimulatedWriteLog {
            address: "AA:00:00:00:00:01".into(),
            clear: true,
        }),
    );

    let mut rep = |name: &'static str, kind: reply::Kind| {
        v.push((
            name,
            "plugwire.v1.Reply",
            proto::Reply { kind: Some(kind) }.encode_to_vec(),
        ));
    };
    rep("reply_ok", reply::Kind::Ok(proto::Ok {}));
    rep(
        "reply_error",
        reply::Kind::Error(proto::Error {
            code: proto::ErrorCode::ServerDevice as i32,
            category: proto::ErrorCategory::Device as i32,
            message: "device 3 has no feature 7".into(),
        }),
    );
    let lush = proto::Device {
        index: 0,
        name: "Lovense Lush".into(),
        display_name: "my toy".into(),
        message_gap_ms: 75,
        features: vec![
            proto::Feature {
                index: 0,
                description: "vibrate".into(),
                outputs: vec![proto::Output {
                    r#type: proto::OutputType::Vibrate as i32,
                    min: 0,
                    max: 20,
                    duration: None,
                }],
                inputs: vec![],
            },
            proto::Feature {
                index: 1,
                description: "rotate and battery".into(),
                outputs: vec![
                    proto::Output {
                        r#type: proto::OutputType::Rotate as i32,
                        min: -20,
                        max: 20,
                        duration: None,
                    },
                    proto::Output {
                        r#type: proto::OutputType::HwPositionWithDuration as i32,
                        min: 0,
                        max: 100,
                        duration: Some(proto::Range {
                            min: 0,
                            max: 100_000,
                        }),
                    },
                ],
                inputs: vec![proto::Input {
                    r#type: proto::InputType::Battery as i32,
                    ranges: vec![
                        proto::Range { min: 0, max: 100 },
                        proto::Range { min: -5, max: 5 },
                    ],
                    commands: vec![
                        proto::InputCommand::Read as i32,
                        proto::InputCommand::Subscribe as i32,
                    ],
                }],
            },
        ],
    };
    rep(
        "reply_device_list",
        reply::Kind::DeviceList(proto::DeviceList {
            devices: vec![
                lush.clone(),
                proto::Device {
                    index: 7,
                    ..Default::default()
                },
            ],
        }),
    );
    rep(
        "reply_input_reading",
        reply::Kind::InputReading(proto::InputReading {
            device_index: 1,
            feature_index: 2,
            input: proto::InputType::Pressure as i32,
            value: -123_456,
        }),
    );
    rep(
        "reply_write_log",
        reply::Kind::WriteLog(proto::WriteLog {
            records: vec![
                proto::WriteRecord {
                    kind: proto::RecordKind::Write as i32,
                    endpoint: "tx".into(),
                    data: b"Vibrate:10;".to_vec(),
                    with_response: false,
                    at_us: 1,
                },
                proto::WriteRecord {
                    kind: proto::RecordKind::Subscribe as i32,
                    endpoint: "rxblebattery".into(),
                    data: vec![],
                    with_response: true,
                    at_us: 18_000_000_000_000_000_000,
                },
            ],
        }),
    );

    let mut ev = |name: &'static str, kind: event::Kind| {
        v.push((
            name,
            "plugwire.v1.Event",
            proto::Event { kind: Some(kind) }.encode_to_vec(),
        ));
    };
    ev("event_device_added", event::Kind::DeviceAdded(lush));
    ev(
        "event_device_removed",
        event::Kind::DeviceRemoved(proto::DeviceRemoved {
            index: 2,
            name: "Lovense Nora".into(),
        }),
    );
    ev(
        "event_scanning_finished",
        event::Kind::ScanningFinished(proto::ScanningFinished {}),
    );
    ev(
        "event_error",
        event::Kind::Error(proto::Error {
            code: proto::ErrorCode::EventsDropped as i32,
            category: proto::ErrorCategory::Connection as i32,
            message: "3 events were dropped".into(),
        }),
    );
    v
}

fn main() {
    let check = std::env::args().any(|a| a == "--check");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("protobuf")
        .join("test-vectors");
    let mut index = BTreeMap::new();
    let mut wanted: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, message, bytes) in vectors() {
        index.insert(format!("{name}.bin"), message);
        wanted.insert(format!("{name}.bin"), bytes);
    }
    let mut index_text = String::from("{\n");
    let entries: Vec<String> = index
        .iter()
        .map(|(f, m)| format!("  \"{f}\": \"{m}\""))
        .collect();
    index_text.push_str(&entries.join(",\n"));
    index_text.push_str("\n}\n");
    wanted.insert("index.json".into(), index_text.into_bytes());

    if check {
        let mut stale = Vec::new();
        for (file, bytes) in &wanted {
            if std::fs::read(dir.join(file)).ok().as_ref() != Some(bytes) {
                stale.push(file.clone());
            }
        }
        if !stale.is_empty() {
            eprintln!(
                "protobuf/test-vectors is stale ({}): rerun this example",
                stale.join(", ")
            );
            std::process::exit(1);
        }
        println!("protobuf/test-vectors: {} files current", wanted.len());
        return;
    }
    std::fs::create_dir_all(&dir).expect("create protobuf/test-vectors");
    for (file, bytes) in &wanted {
        std::fs::write(dir.join(file), bytes).expect("write a vector");
    }
    println!("wrote {} files to {}", wanted.len(), dir.display());
}
