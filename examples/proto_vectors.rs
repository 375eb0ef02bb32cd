//! Writes the shared protobuf test vectors: messages of `protobuf/plugwire.proto` encoded
//! by the Rust side (prost, the encoder the library itself uses), for the bindings that
//! carry their own protobuf code (C#) or library (Python) to decode and re-encode byte for
//! byte.
//!
//!     cargo run --example proto_vectors              # rewrite protobuf/test-vectors/
//!     cargo run --example proto_vectors -- --check   # exit 1 if the checked-in files differ
//!
//! `manifest.txt` lists one vector a line: `FILE MESSAGE DESCRIPTION`, MESSAGE being the
//! top-level type (plugwire.v1.Request, Reply or Event) the file decodes as.

use std::path::PathBuf;
use std::process::ExitCode;

use plugwire::proto as pb;
use prost::Message;

fn request(kind: pb::request::Kind) -> Vec<u8> {
    pb::Request { kind: Some(kind) }.encode_to_vec()
}

fn reply(kind: pb::reply::Kind) -> Vec<u8> {
    pb::Reply { kind: Some(kind) }.encode_to_vec()
}

fn event(kind: pb::event::Kind) -> Vec<u8> {
    pb::Event { kind: Some(kind) }.encode_to_vec()
}

fn output(t: pb::OutputType, min: i32, max: i32, duration: Option<(i32, i32)>) -> pb::Output {
    pb::Output {
        r#type: t as i32,
        min,
        max,
        duration: duration.map(|(min, max)| pb::Range { min, max }),
    }
}

/// A device with every kind of field set: several features, signed and timed outputs,
/// inputs with ranges and (packed) commands, a display name with non-ASCII text.
fn device() -> pb::Device {
    pb::Device {
        index: 3,
        name: "Lovense Edge".into(),
        display_name: "Édge ✓ 夜".into(),
        message_gap_ms: 75,
        features: vec![
            pb::Feature {
                index: 0,
                description: "Vibrator".into(),
                outputs: vec![output(pb::OutputType::Vibrate, 0, 20, None)],
                inputs: vec![],
            },
            pb::Feature {
                index: 1,
                description: "Rotator".into(),
                outputs: vec![output(pb::OutputType::Rotate, -20, 20, None)],
                inputs: vec![],
            },
            pb::Feature {
                index: 2,
                description: "".into(),
                outputs: vec![output(
                    pb::OutputType::HwPositionWithDuration,
                    0,
                    100,
                    Some((0, 100_000)),
                )],
                inputs: vec![],
            },
            pb::Feature {
                index: 3,
                description: "Battery".into(),
                outputs: vec![],
                inputs: vec![pb::Input {
                    r#type: pb::InputType::Battery as i32,
                    ranges: vec![pb::Range { min: 0, max: 100 }],
                    commands: vec![
                        pb::InputCommand::Read as i32,
                        pb::InputCommand::Subscribe as i32,
                        pb::InputCommand::Unsubscribe as i32,
                    ],
                }],
            },
            pb::Feature {
                index: 4,
                description: "Pressure".into(),
                outputs: vec![],
                inputs: vec![pb::Input {
                    r#type: pb::InputType::Pressure as i32,
                    ranges: vec![
                        pb::Range {
                            min: i32::MIN,
                            max: i32::MAX,
                        },
                        pb::Range { min: -1, max: 0 },
                    ],
                    commands: vec![pb::InputCommand::Subscribe as i32],
                }],
            },
        ],
    }
}

fn vectors() -> Vec<(&'static str, &'static str, &'static str, Vec<u8>)> {
    use pb::event::Kind as E;
    use pb::reply::Kind as P;
    use pb::request::Kind as R;
    let sim = |name: &str, battery: Option<u32>| pb::SimulatedDevice {
        name: name.into(),
        address: format!("sim-{name}"),
        model: "".into(),
        battery: battery.map(pb::simulated_device::Battery::BatteryLevel),
        serial_port: "".into(),
    };
    vec![
        (
            "request-connect-embedded",
            "Request",
            "ConnectEmbedded with every field, simulated devices, a zero default gap (set oneof)",
            request(R::ConnectEmbedded(pb::ConnectEmbedded {
                client_name: "C# ✓".into(),
                server_name: "test server".into(),
                max_ping_time_ms: 4_000_000_000,
                simulated: true,
                bluetooth_le: true,
                serial: true,
                device_websocket: true,
                device_config_json: "{\"version\":{\"major\":4}}".into(),
                user_config_json: "{}".into(),
                simulated_devices: vec![
                    sim("LVS-Lush", Some(0)),
                    sim("LVS-Edge", None),
                    pb::SimulatedDevice {
                        name: "TCode".into(),
                        address: "".into(),
                        model: "v0.3".into(),
                        battery: Some(pb::simulated_device::Battery::BatteryLevel(100)),
                        serial_port: "/dev/ttyS7".into(),
                    },
                ],
                default_gap: Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(0)),
            })),
        ),
        (
            "request-connect-embedded-empty",
            "Request",
            "ConnectEmbedded with every field at its default (an empty submessage)",
            request(R::ConnectEmbedded(pb::ConnectEmbedded::default())),
        ),
        (
            "request-connect-websocket",
            "Request",
            "ConnectWebsocket",
            request(R::ConnectWebsocket(pb::ConnectWebsocket {
                client_name: "game".into(),
                url: "ws://127.0.0.1:12345".into(),
            })),
        ),
        (
            "request-start-scanning",
            "Request",
            "StartScanning",
            request(R::StartScanning(pb::StartScanning {})),
        ),
        (
            "request-stop-scanning",
            "Request",
            "StopScanning",
            request(R::StopScanning(pb::StopScanning {})),
        ),
        (
            "request-device-list",
            "Request",
            "RequestDeviceList",
            request(R::RequestDeviceList(pb::RequestDeviceList {})),
        ),
        (
            "request-output-fraction",
            "Request",
            "DeviceOutput vibrate 0.5 (a fraction)",
            request(R::DeviceOutput(pb::DeviceOutput {
                device_index: 1,
                feature_index: 2,
                output: pb::OutputType::Vibrate as i32,
                value: Some(pb::device_output::Value::Fraction(0.5)),
                duration: None,
            })),
        ),
        (
            "request-output-fraction-zero",
            "Request",
            "DeviceOutput with a fraction of 0.0 (a set oneof member at its default) and device 0",
            request(R::DeviceOutput(pb::DeviceOutput {
                device_index: 0,
                feature_index: 0,
                output: pb::OutputType::Vibrate as i32,
                value: Some(pb::device_output::Value::Fraction(0.0)),
                duration: None,
            })),
        ),
        (
            "request-output-negative-steps",
            "Request",
            "DeviceOutput rotate -7 steps (a negative int32 is ten bytes on the wire)",
            request(R::DeviceOutput(pb::DeviceOutput {
                device_index: 4,
                feature_index: 1,
                output: pb::OutputType::Rotate as i32,
                value: Some(pb::device_output::Value::Steps(-7)),
                duration: None,
            })),
        ),
        (
            "request-output-timed-position",
            "Request",
            "DeviceOutput HwPositionWithDuration 0.25 over 500 ms",
            request(R::DeviceOutput(pb::DeviceOutput {
                device_index: 2,
                feature_index: 0,
                output: pb::OutputType::HwPositionWithDuration as i32,
                value: Some(pb::device_output::Value::Fraction(0.25)),
                duration: Some(pb::device_output::Duration::DurationMs(500)),
            })),
        ),
        (
            "request-outputs",
            "Request",
            "DeviceOutputs: two motors as one batch",
            request(R::DeviceOutputs(pb::DeviceOutputs {
                device_index: 5,
                outputs: vec![
                    pb::DeviceOutput {
                        device_index: 0,
                        feature_index: 0,
                        output: pb::OutputType::Vibrate as i32,
                        value: Some(pb::device_output::Value::Fraction(1.0)),
                        duration: None,
                    },
                    pb::DeviceOutput {
                        device_index: 5,
                        feature_index: 1,
                        output: pb::OutputType::Vibrate as i32,
                        value: Some(pb::device_output::Value::Steps(3)),
                        duration: None,
                    },
                ],
            })),
        ),
        (
            "request-input-subscribe",
            "Request",
            "DeviceInput subscribe to pressure",
            request(R::DeviceInput(pb::DeviceInput {
                device_index: 1,
                feature_index: 4,
                input: pb::InputType::Pressure as i32,
                command: pb::InputCommand::Subscribe as i32,
            })),
        ),
        (
            "request-stop-device-feature",
            "Request",
            "StopDevice of feature 0 (a set oneof member at its default)",
            request(R::StopDevice(pb::StopDevice {
                device_index: 2,
                feature: Some(pb::stop_device::Feature::FeatureIndex(0)),
            })),
        ),
        (
            "request-stop-device",
            "Request",
            "StopDevice of the whole device",
            request(R::StopDevice(pb::StopDevice {
                device_index: 9,
                feature: None,
            })),
        ),
        (
            "request-stop-all",
            "Request",
            "StopAll",
            request(R::StopAll(pb::StopAll {})),
        ),
        (
            "request-ping",
            "Request",
            "Ping",
            request(R::Ping(pb::Ping {})),
        ),
        (
            "request-disconnect",
            "Request",
            "Disconnect",
            request(R::Disconnect(pb::Disconnect {})),
        ),
        (
            "request-simulated-add",
            "Request",
            "SimulatedAddDevice",
            request(R::SimulatedAddDevice(pb::SimulatedAddDevice {
                device: Some(sim("LVS-Nora", Some(42))),
            })),
        ),
        (
            "request-simulated-notify",
            "Request",
            "SimulatedNotify with binary data",
            request(R::SimulatedNotify(pb::SimulatedNotify {
                address: "sim-LVS-Nora".into(),
                endpoint: "rx".into(),
                data: vec![0x00, 0xff, 0x80, 0x7f, b';'],
            })),
        ),
        (
            "request-simulated-queue-read",
            "Request",
            "SimulatedQueueRead",
            request(R::SimulatedQueueRead(pb::SimulatedQueueRead {
                address: "a".into(),
                endpoint: "rxblebattery".into(),
                data: vec![77],
            })),
        ),
        (
            "request-simulated-drop",
            "Request",
            "SimulatedDrop",
            request(R::SimulatedDrop(pb::SimulatedDrop {
                address: "sim-LVS-Lush".into(),
            })),
        ),
        (
            "request-simulated-restore",
            "Request",
            "SimulatedRestore",
            request(R::SimulatedRestore(pb::SimulatedRestore {
                address: "sim-LVS-Lush".into(),
            })),
        ),
        (
            "request-simulated-write-log",
            "Request",
            "SimulatedWriteLog with clear",
            request(R::SimulatedWriteLog(pb::SimulatedWriteLog {
                address: "sim-LVS-Lush".into(),
                clear: true,
            })),
        ),
        ("reply-ok", "Reply", "Ok", reply(P::Ok(pb::Ok {}))),
        (
            "reply-error",
            "Reply",
            "Error with code, category and message",
            reply(P::Error(pb::Error {
                code: pb::ErrorCode::UnknownDevice as i32,
                category: pb::ErrorCategory::Request as i32,
                message: "no device at index 7".into(),
            })),
        ),
        (
            "reply-device-list",
            "Reply",
            "DeviceList with a device using every field, and one with defaults",
            reply(P::DeviceList(pb::DeviceList {
                devices: vec![
                    device(),
                    pb::Device {
                        index: 0,
                        name: "x".into(),
                        ..Default::default()
                    },
                ],
            })),
        ),
        (
            "reply-input-reading",
            "Reply",
            "InputReading with a negative value",
            reply(P::InputReading(pb::InputReading {
                device_index: 1,
                feature_index: 4,
                input: pb::InputType::Pressure as i32,
                value: -123_456,
            })),
        ),
        (
            "reply-write-log",
            "Reply",
            "WriteLog: writes, a read, a subscribe, a large timestamp",
            reply(P::WriteLog(pb::WriteLog {
                records: vec![
                    pb::WriteRecord {
                        kind: pb::RecordKind::Write as i32,
                        endpoint: "tx".into(),
                        data: b"Vibrate:10;".to_vec(),
                        with_response: false,
                        at_us: 1_234,
                    },
                    pb::WriteRecord {
                        kind: pb::RecordKind::Write as i32,
                        endpoint: "tx".into(),
                        data: vec![0xa0, 0x01, 0x00, 0x00, 0x64, 0xff],
                        with_response: true,
                        at_us: u64::MAX,
                    },
                    pb::WriteRecord {
                        kind: pb::RecordKind::Read as i32,
                        endpoint: "rxblebattery".into(),
                        data: vec![],
                        with_response: false,
                        at_us: 0,
                    },
                    pb::WriteRecord {
                        kind: pb::RecordKind::Subscribe as i32,
                        endpoint: "rx".into(),
                        data: vec![],
                        with_response: false,
                        at_us: 9_000_000_000,
                    },
                ],
            })),
        ),
        (
            "reply-simulated-device-added",
            "Reply",
            "SimulatedDeviceAdded",
            reply(P::SimulatedDeviceAdded(pb::SimulatedDeviceAdded {
                address: "sim-0001".into(),
            })),
        ),
        (
            "event-device-added",
            "Event",
            "DeviceAdded with every kind of feature",
            event(E::DeviceAdded(device())),
        ),
        (
            "event-device-removed",
            "Event",
            "DeviceRemoved",
            event(E::DeviceRemoved(pb::DeviceRemoved {
                index: 3,
                name: "Lovense Edge".into(),
            })),
        ),
        (
            "event-scanning-finished",
            "Event",
            "ScanningFinished",
            event(E::ScanningFinished(pb::ScanningFinished {})),
        ),
        (
            "event-input-reading",
            "Event",
            "InputReading (battery)",
            event(E::InputReading(pb::InputReading {
                device_index: 0,
                feature_index: 3,
                input: pb::InputType::Battery as i32,
                value: 87,
            })),
        ),
        (
            "event-server-disconnected",
            "Event",
            "ServerDisconnected",
            event(E::ServerDisconnected(pb::ServerDisconnected {})),
        ),
        (
            "event-error",
            "Event",
            "Error: events dropped",
            event(E::Error(pb::Error {
                code: pb::ErrorCode::EventsDropped as i32,
                category: pb::ErrorCategory::Connection as i32,
                message: "12 events were dropped".into(),
            })),
        ),
        (
            "event-ping-timeout",
            "Event",
            "PingTimeout",
            event(E::PingTimeout(pb::PingTimeout {})),
        ),
    ]
}

fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("protobuf/test-vectors");
    let mut manifest = String::from(
        "# Protobuf test vectors encoded by the Rust side (examples/proto_vectors.rs).\n\
         # FILE MESSAGE DESCRIPTION; MESSAGE is the plugwire.v1 type the file decodes as.\n",
    );
    let mut files = vec![];
    for (name, message, description, bytes) in vectors() {
        let file = format!("{name}.bin");
        manifest.push_str(&format!("{file} {message} {description}\n"));
        files.push((file, bytes));
    }
    files.push(("manifest.txt".into(), manifest.into_bytes()));
    if check {
        let stale: Vec<&String> = files
            .iter()
            .filter(|(file, bytes)| std::fs::read(dir.join(file)).ok().as_ref() != Some(bytes))
            .map(|(file, _)| file)
            .collect();
        if stale.is_empty() {
            println!("protobuf test vectors are current ({} files)", files.len());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "protobuf/test-vectors differ from what the Rust side encodes ({stale:?}): \
             run `cargo run --example proto_vectors` and commit the result"
        );
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for (file, bytes) in &files {
        if let Err(e) = std::fs::write(dir.join(file), bytes) {
            eprintln!("cannot write {file}: {e}");
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {} files to {}", files.len(), dir.display());
    ExitCode::SUCCESS
}
