//! Carrying out ABI requests: protobuf in, the Rust client and embedded server do the
//! work, protobuf out.

use std::sync::Arc;
use std::time::Duration;

use prost::Message;

use super::client_handle::{ClientCore, Connection};
use std::future::Future;
use std::pin::Pin;

use crate::client::{ButtplugClient, ClientDevice, ClientError, ClientEvent, OutputValue};
use crate::device::feature::{DeviceFeature, InputCommand, InputType, OutputType};
use crate::hardware::Endpoint;
use crate::hardware::simulated::{
    RecordKind, ScriptAction, ScriptRule, ScriptTrigger, SimulatedDeviceSpec, SimulatedHardware,
    WriteFault,
};
use crate::proto as pb;
use crate::server::ButtplugServer;
use crate::server::ResponseFuture;
use crate::spec::ErrorCode as ServerCode;
use crate::spec::message::{DeviceInfo, Request as CoreRequest, Response};

type Reply = pb::reply::Kind;

pub(crate) fn error(
    code: pb::ErrorCode,
    category: pb::ErrorCategory,
    message: impl Into<String>,
) -> Reply {
    Reply::Error(pb::Error {
        code: code as i32,
        category: category as i32,
        message: message.into(),
    })
}

fn invalid(message: impl Into<String>) -> Reply {
    error(
        pb::ErrorCode::InvalidRequest,
        pb::ErrorCategory::Request,
        message,
    )
}

fn from_client_error(e: ClientError) -> Reply {
    use pb::{ErrorCategory as C, ErrorCode as E};
    match e {
        ClientError::Server(s) => {
            let (code, category) = match s.code {
                ServerCode::Unknown => (E::ServerUnknown, C::Server),
                ServerCode::Handshake => (E::ServerHandshake, C::Server),
                ServerCode::Ping => (E::ServerPing, C::Connection),
                ServerCode::Message => (E::ServerMessage, C::Server),
                ServerCode::Device => (E::ServerDevice, C::Device),
            };
            error(code, category, s.message)
        }
        ClientError::NotConnected => error(E::NotConnected, C::Connection, "not connected"),
        ClientError::InvalidArgument(m) => error(E::InvalidArgument, C::Request, m),
        ClientError::Connection(m) => error(E::ConnectionFailed, C::Connection, m),
        ClientError::UnexpectedReply(m) => error(E::ServerUnknown, C::Server, m),
        ClientError::Reconnecting => error(
            E::NotConnected,
            C::Connection,
            ClientError::Reconnecting.to_string(),
        ),
    }
}

pub(crate) fn encode_reply(kind: Reply) -> Vec<u8> {
    pb::Reply { kind: Some(kind) }.encode_to_vec()
}

pub(crate) fn output_to_pb(t: OutputType) -> pb::OutputType {
    match t {
        OutputType::Vibrate => pb::OutputType::Vibrate,
        OutputType::Rotate => pb::OutputType::Rotate,
        OutputType::Oscillate => pb::OutputType::Oscillate,
        OutputType::Constrict => pb::OutputType::Constrict,
        OutputType::Spray => pb::OutputType::Spray,
        OutputType::Temperature => pb::OutputType::Temperature,
        OutputType::Led => pb::OutputType::Led,
        OutputType::Position => pb::OutputType::Position,
        OutputType::HwPositionWithDuration => pb::OutputType::HwPositionWithDuration,
    }
}

pub(crate) fn output_from_pb(v: i32) -> Option<OutputType> {
    Some(match pb::OutputType::try_from(v).ok()? {
        pb::OutputType::Unspecified => return None,
        pb::OutputType::Vibrate => OutputType::Vibrate,
        pb::OutputType::Rotate => OutputType::Rotate,
        pb::OutputType::Oscillate => OutputType::Oscillate,
        pb::OutputType::Constrict => OutputType::Constrict,
        pb::OutputType::Spray => OutputType::Spray,
        pb::OutputType::Temperature => OutputType::Temperature,
        pb::OutputType::Led => OutputType::Led,
        pb::OutputType::Position => OutputType::Position,
        pb::OutputType::HwPositionWithDuration => OutputType::HwPositionWithDuration,
    })
}

pub(crate) fn input_to_pb(t: InputType) -> pb::InputType {
    match t {
        InputType::Battery => pb::InputType::Battery,
        InputType::Rssi => pb::InputType::Rssi,
        InputType::Button => pb::InputType::Button,
        InputType::Pressure => pb::InputType::Pressure,
        InputType::Depth => pb::InputType::Depth,
        InputType::Position => pb::InputType::Position,
    }
}

fn input_from_pb(v: i32) -> Option<InputType> {
    Some(match pb::InputType::try_from(v).ok()? {
        pb::InputType::Unspecified => return None,
        pb::InputType::Battery => InputType::Battery,
        pb::InputType::Rssi => InputType::Rssi,
        pb::InputType::Button => InputType::Button,
        pb::InputType::Pressure => InputType::Pressure,
        pb::InputType::Depth => InputType::Depth,
        pb::InputType::Position => InputType::Position,
    })
}

fn command_to_pb(c: InputCommand) -> pb::InputCommand {
    match c {
        InputCommand::Read => pb::InputCommand::Read,
        InputCommand::Subscribe => pb::InputCommand::Subscribe,
        InputCommand::Unsubscribe => pb::InputCommand::Unsubscribe,
    }
}

fn command_from_pb(v: i32) -> Option<InputCommand> {
    Some(match pb::InputCommand::try_from(v).ok()? {
        pb::InputCommand::Unspecified => return None,
        pb::InputCommand::Read => InputCommand::Read,
        pb::InputCommand::Subscribe => InputCommand::Subscribe,
        pb::InputCommand::Unsubscribe => InputCommand::Unsubscribe,
    })
}

fn feature_to_pb(f: &DeviceFeature) -> pb::Feature {
    pb::Feature {
        index: f.index,
        description: f.description.clone(),
        outputs: f
            .outputs
            .iter()
            .map(|(t, l)| pb::Output {
                r#type: output_to_pb(*t) as i32,
                min: l.value.0,
                max: l.value.1,
                duration: l.duration.map(|(min, max)| pb::Range {
                    min: min as i32,
                    max: max as i32,
                }),
            })
            .collect(),
        inputs: f
            .inputs
            .iter()
            .map(|(t, l)| pb::Input {
                r#type: input_to_pb(*t) as i32,
                ranges: l
                    .value
                    .iter()
                    .map(|(min, max)| pb::Range {
                        min: *min,
                        max: *max,
                    })
                    .collect(),
                commands: l
                    .commands
                    .iter()
                    .map(|c| command_to_pb(*c) as i32)
                    .collect(),
            })
            .collect(),
    }
}

pub(crate) fn device_to_pb(d: &DeviceInfo) -> pb::Device {
    pb::Device {
        index: d.index,
        name: d.name.clone(),
        display_name: d.display_name.clone().unwrap_or_default(),
        message_gap_ms: d.message_gap_ms,
        features: d.features.iter().map(feature_to_pb).collect(),
    }
}

/// An event as it crosses the ABI.
pub(crate) fn event_to_pb(e: &ClientEvent) -> pb::Event {
    use pb::event::Kind;
    let kind = match e {
        ClientEvent::DeviceAdded(d) => Kind::DeviceAdded(device_to_pb(d.info())),
        ClientEvent::DeviceRemoved { index, name } => Kind::DeviceRemoved(pb::DeviceRemoved {
            index: *index,
            name: name.clone(),
        }),
        ClientEvent::ScanningFinished => Kind::ScanningFinished(pb::ScanningFinished {}),
        ClientEvent::InputReading {
            device,
            feature,
            input,
            value,
        } => Kind::InputReading(pb::InputReading {
            device_index: *device,
            feature_index: *feature,
            input: input_to_pb(*input) as i32,
            value: *value,
        }),
        ClientEvent::PingTimeout => Kind::PingTimeout(pb::PingTimeout {}),
        ClientEvent::ServerDisconnected => Kind::ServerDisconnected(pb::ServerDisconnected {}),
        ClientEvent::EventsDropped(n) => Kind::Error(pb::Error {
            code: pb::ErrorCode::EventsDropped as i32,
            category: pb::ErrorCategory::Connection as i32,
            message: format!("{n} events were dropped: they were not taken fast enough"),
        }),
        ClientEvent::ConnectionLost => Kind::ConnectionLost(pb::ConnectionLost {}),
        ClientEvent::Reconnected { attempts, devices } => Kind::Reconnected(pb::Reconnected {
            attempts: *attempts,
            devices: devices.iter().map(|d| device_to_pb(d.info())).collect(),
        }),
    };
    pb::Event { kind: Some(kind) }
}

/// A reply on its way.
pub(crate) type PendingReply = Pin<Box<dyn Future<Output = Reply> + Send>>;

fn now(reply: Reply) -> PendingReply {
    Box::pin(std::future::ready(reply))
}

/// Awaits a reply; a panic while it runs becomes an `ERROR_CODE_INTERNAL` reply, so the
/// reply callback is still called exactly once.
pub(crate) async fn settle(pending: PendingReply) -> Reply {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(pending).catch_unwind().await {
        Ok(reply) => reply,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            tracing::error!("internal error while carrying out a request: {message}");
            error(
                pb::ErrorCode::Internal,
                pb::ErrorCategory::Server,
                format!("internal error: {message}"),
            )
        }
    }
}

/// Submits one request for a client, on the caller's thread: when this returns, a device
/// command is on its way to the device, in the order of the caller's calls. The future
/// resolves with the reply.
pub(crate) fn submit(core: &Arc<ClientCore>, request: pb::request::Kind) -> PendingReply {
    use pb::request::Kind as K;
    match request {
        K::ConnectEmbedded(c) => {
            let core = core.clone();
            Box::pin(async move { connect_embedded(&core, c).await })
        }
        K::ConnectWebsocket(c) => {
            let core = core.clone();
            Box::pin(async move { connect_websocket(&core, c).await })
        }
        K::PlaybackStart(s) => match core.connection() {
            Some(conn) => now(super::playback::start(core, &conn, s)),
            None => now(not_connected()),
        },
        K::PlaybackControl(c) => match core.connection() {
            Some(conn) => now(super::playback::control(&conn, c)),
            None => now(not_connected()),
        },
        other => match core.connection() {
            Some(conn) => on_connection(conn, other),
            None => now(not_connected()),
        },
    }
}

fn not_connected() -> Reply {
    error(
        pb::ErrorCode::NotConnected,
        pb::ErrorCategory::Connection,
        "not connected",
    )
}

fn ok() -> Reply {
    Reply::Ok(pb::Ok {})
}

fn done(r: Result<(), ClientError>) -> Reply {
    r.map_or_else(from_client_error, |_| ok())
}

/// The reply to a submitted core request that answers Ok.
fn submitted(r: Result<ResponseFuture, ClientError>) -> PendingReply {
    match r {
        Err(e) => now(from_client_error(e)),
        Ok(pending) => {
            Box::pin(async move { done(pending.await.map(|_| ()).map_err(ClientError::from)) })
        }
    }
}

fn on_connection(conn: Arc<Connection>, request: pb::request::Kind) -> PendingReply {
    use pb::request::Kind as K;
    let client = &conn.client;
    match request {
        K::ConnectEmbedded(_) | K::ConnectWebsocket(_) => now(error(
            pb::ErrorCode::AlreadyConnected,
            pb::ErrorCategory::Request,
            "already connected; disconnect first",
        )),
        K::StartScanning(_) => submitted(client.submit(CoreRequest::StartScanning)),
        K::GetServerInfo(_) if !client.is_connected() => now(not_connected()),
        K::GetServerInfo(_) => now(Reply::ServerInfo(pb::ServerInfo {
            server_name: client.server_name(),
            max_ping_time_ms: client.max_ping_time_ms(),
        })),
        K::StopScanning(_) => submitted(client.submit(CoreRequest::StopScanning)),
        // Asks the server (RequestDeviceList on the wire); the client's list follows it.
        K::RequestDeviceList(_) => {
            let conn = conn.clone();
            Box::pin(async move {
                match conn.client.refresh_devices().await {
                    Ok(devices) => Reply::DeviceList(pb::DeviceList {
                        devices: devices.iter().map(|d| device_to_pb(d.info())).collect(),
                    }),
                    Err(e) => from_client_error(e),
                }
            })
        }
        K::DeviceOutput(o) => device_output(&conn, o),
        K::DeviceOutputs(o) => device_outputs(&conn, o),
        K::DeviceInput(i) => device_input(&conn, i),
        K::StopDevice(s) => {
            let feature = s.feature.map(|pb::stop_device::Feature::FeatureIndex(f)| f);
            match known_device(client, s.device_index, feature) {
                Err(reply) => now(reply),
                Ok(_) => device_submitted(
                    &conn,
                    s.device_index,
                    client.submit(CoreRequest::Stop {
                        device: Some(s.device_index),
                        feature,
                        inputs: true,
                        outputs: true,
                    }),
                ),
            }
        }
        K::StopAll(_) => submitted(client.submit(CoreRequest::Stop {
            device: None,
            feature: None,
            inputs: true,
            outputs: true,
        })),
        K::Ping(_) => submitted(client.submit(CoreRequest::Ping)),
        // Disconnect when not connected answers NOT_CONNECTED, every time (a second
        // Disconnect as a never-connected client's first).
        K::Disconnect(_) if !client.is_connected() && !client.is_reconnecting() => {
            now(not_connected())
        }
        K::Disconnect(_) => {
            // Acts now, in order with the requests before and after it.
            let closing = conn.client.submit_disconnect();
            Box::pin(async move { done(closing.await) })
        }
        other => now(simulation(&conn, other)),
    }
}

/// A device request submitted to the server. A device it no longer has, or whose hardware
/// is disconnected (gone while the request was on its way), is `UNKNOWN_DEVICE`, as the
/// client's own check says for it, not the server's generic device error; if the
/// connection went meanwhile, `NOT_CONNECTED`. Other device failures (a write that timed
/// out or failed) stay `SERVER_DEVICE`.
fn device_submitted(
    conn: &Arc<Connection>,
    index: u32,
    r: Result<ResponseFuture, ClientError>,
) -> PendingReply {
    match r {
        Err(e) => now(device_error(conn, index, e)),
        Ok(pending) => {
            let conn = conn.clone();
            Box::pin(async move {
                match pending.await {
                    Ok(_) => ok(),
                    Err(e) => device_error(&conn, index, e.into()),
                }
            })
        }
    }
}

fn device_error(conn: &Connection, index: u32, e: ClientError) -> Reply {
    if let ClientError::Server(s) = &e {
        if s.code == ServerCode::Device {
            if !conn.client.is_connected() {
                return not_connected();
            }
            // The Buttplug protocol has no code of its own for an unknown device: a server
            // says so in a device error, also while the device's removal is under way (the
            // command met the disconnected hardware or the ended device task).
            if conn.client.device(index).is_none() || s.says_device_gone(index) {
                return error(
                    pb::ErrorCode::UnknownDevice,
                    pb::ErrorCategory::Request,
                    format!("no device at index {index}"),
                );
            }
        }
    }
    from_client_error(e)
}

/// Checks, before anything is sent, that the client is connected and knows the device
/// (and feature): the same condition gives the same code whatever the request.
fn known_device(
    client: &ButtplugClient,
    index: u32,
    feature: Option<u32>,
) -> Result<ClientDevice, Reply> {
    if client.is_reconnecting() {
        return Err(from_client_error(ClientError::Reconnecting));
    }
    if !client.is_connected() {
        return Err(not_connected());
    }
    let device = client.device(index).ok_or_else(|| {
        error(
            pb::ErrorCode::UnknownDevice,
            pb::ErrorCategory::Request,
            format!("no device at index {index}"),
        )
    })?;
    if let Some(f) = feature {
        if !device.features().iter().any(|x| x.index == f) {
            return Err(error(
                pb::ErrorCode::InvalidArgument,
                pb::ErrorCategory::Request,
                format!("device {index} has no feature {f}"),
            ));
        }
    }
    Ok(device)
}

fn simulation(conn: &Connection, request: pb::request::Kind) -> Reply {
    use pb::request::Kind as K;
    match request {
        K::SimulatedAddDevice(a) => simulated(conn, |hw| {
            let d = a.device.unwrap_or_default();
            let added = match sim_spec(d) {
                Ok(spec) => hw.add_device(spec),
                Err(reply) => return reply,
            };
            Reply::SimulatedDeviceAdded(pb::SimulatedDeviceAdded {
                address: added.address().to_string(),
            })
        }),
        K::SimulatedNotify(n) => simulated(conn, |hw| {
            with_endpoint(&n.endpoint, |endpoint| match hw.device(&n.address) {
                None => unknown_sim(&n.address),
                Some(d) => {
                    if d.notify(endpoint, n.data) {
                        ok()
                    } else {
                        error(
                            pb::ErrorCode::InvalidArgument,
                            pb::ErrorCategory::Request,
                            format!("nobody subscribed to {endpoint} of {}", n.address),
                        )
                    }
                }
            })
        }),
        K::SimulatedQueueRead(r) => simulated(conn, |hw| {
            with_endpoint(&r.endpoint, |endpoint| match hw.device(&r.address) {
                None => unknown_sim(&r.address),
                Some(d) => {
                    d.queue_read(endpoint, r.data);
                    ok()
                }
            })
        }),
        K::SimulatedDrop(d) => simulated(conn, |hw| match hw.device(&d.address) {
            None => unknown_sim(&d.address),
            Some(dev) => {
                dev.drop_device();
                ok()
            }
        }),
        K::SimulatedRestore(r) => simulated(conn, |hw| {
            if hw.restore(&r.address) {
                ok()
            } else {
                unknown_sim(&r.address)
            }
        }),
        K::SimulatedWriteLog(l) => simulated(conn, |hw| match hw.device(&l.address) {
            None => unknown_sim(&l.address),
            Some(d) => {
                let records = if l.clear { d.take_log() } else { d.log() };
                Reply::WriteLog(pb::WriteLog {
                    records: records
                        .into_iter()
                        .map(|r| pb::WriteRecord {
                            kind: match r.kind {
                                RecordKind::Write => pb::RecordKind::Write,
                                RecordKind::Read => pb::RecordKind::Read,
                                RecordKind::Subscribe => pb::RecordKind::Subscribe,
                                RecordKind::Unsubscribe => pb::RecordKind::Unsubscribe,
                            } as i32,
                            endpoint: r.endpoint.name(),
                            data: r.data,
                            with_response: r.with_response,
                            at_us: r.at.as_micros() as u64,
                        })
                        .collect(),
                })
            }
        }),
        K::SimulatedSetWriteFault(f) => simulated(conn, |hw| {
            let fault = match pb::WriteFault::try_from(f.fault) {
                Ok(pb::WriteFault::None) => WriteFault::None,
                Ok(pb::WriteFault::Fail) => WriteFault::Fail,
                Ok(pb::WriteFault::Hang) => WriteFault::Hang,
                Ok(pb::WriteFault::Delay) => {
                    WriteFault::Delay(Duration::from_millis(u64::from(f.delay_ms)))
                }
                Err(_) => {
                    return error(
                        pb::ErrorCode::InvalidArgument,
                        pb::ErrorCategory::Request,
                        format!("unknown write fault {}", f.fault),
                    );
                }
            };
            match hw.device(&f.address) {
                None => unknown_sim(&f.address),
                Some(d) => {
                    d.set_write_fault(fault);
                    ok()
                }
            }
        }),
        _ => invalid("not a simulation request"),
    }
}

fn unknown_sim(address: &str) -> Reply {
    error(
        pb::ErrorCode::UnknownDevice,
        pb::ErrorCategory::Request,
        format!("no simulated device at address {address:?}"),
    )
}

fn with_endpoint(name: &str, f: impl FnOnce(Endpoint) -> Reply) -> Reply {
    match Endpoint::from_name(name) {
        Some(e) => f(e),
        None => error(
            pb::ErrorCode::InvalidArgument,
            pb::ErrorCategory::Request,
            format!("unknown endpoint {name:?}"),
        ),
    }
}

fn simulated(conn: &Connection, f: impl FnOnce(&SimulatedHardware) -> Reply) -> Reply {
    match &conn.simulated {
        Some(hw) => f(hw),
        None => error(
            pb::ErrorCode::NoSimulatedHardware,
            pb::ErrorCategory::Request,
            "this connection has no simulated hardware",
        ),
    }
}

fn sim_spec(d: pb::SimulatedDevice) -> Result<SimulatedDeviceSpec, Reply> {
    let script = d
        .script
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            script_rule(r).map_err(|m| invalid(format!("script rule {i} of {:?}: {m}", d.name)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SimulatedDeviceSpec {
        name: d.name,
        address: d.address,
        model: Some(d.model).filter(|m| !m.is_empty()),
        battery_level: d
            .battery
            .map(|pb::simulated_device::Battery::BatteryLevel(b)| b.min(100) as u8),
        serial_port: Some(d.serial_port).filter(|p| !p.is_empty()),
        firmware: d
            .firmware_version
            .map(|pb::simulated_device::FirmwareVersion::Firmware(f)| f),
        key: Some(d.key).filter(|k| !k.is_empty()),
        script,
        no_builtin_responder: d.no_builtin_responder,
        ..Default::default()
    })
}

fn script_endpoint(name: &str) -> Result<Endpoint, String> {
    Endpoint::from_name(name).ok_or_else(|| format!("unknown endpoint {name:?}"))
}

fn script_rule(r: pb::ScriptRule) -> Result<ScriptRule, String> {
    let when = match r.when {
        Some(pb::script_rule::When::Write(w)) => ScriptTrigger::Write {
            endpoint: script_endpoint(&w.endpoint)?,
            bytes: w.bytes,
            prefix: w.prefix,
        },
        Some(pb::script_rule::When::Subscribe(e)) => ScriptTrigger::Subscribe {
            endpoint: script_endpoint(&e)?,
        },
        None => return Err("a rule needs `write` or `subscribe`".into()),
    };
    let then = r
        .then
        .into_iter()
        .map(|a| match a.kind {
            Some(pb::script_action::Kind::Notify(n)) => Ok(ScriptAction::Notify {
                endpoint: script_endpoint(&n.endpoint)?,
                bytes: n.bytes,
            }),
            Some(pb::script_action::Kind::QueueRead(q)) => Ok(ScriptAction::QueueRead {
                endpoint: script_endpoint(&q.endpoint)?,
                bytes: q.bytes,
            }),
            None => Err("an action needs `notify` or `queue_read`".to_string()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ScriptRule { when, then })
}

/// One output of a `DeviceOutput`/`DeviceOutputs` request, checked.
fn output_entry(
    device: &ClientDevice,
    feature: u32,
    output: i32,
    value: Option<pb::device_output::Value>,
    duration: Option<pb::device_output::Duration>,
) -> Result<(u32, OutputType, OutputValue, Option<u32>), Reply> {
    let Some(output) = output_from_pb(output) else {
        return Err(invalid("an output needs an output type"));
    };
    let value = match value {
        Some(pb::device_output::Value::Fraction(f)) => OutputValue::Float(f),
        Some(pb::device_output::Value::Steps(s)) => OutputValue::Steps(s),
        None => return Err(invalid("an output needs a fraction or steps value")),
    };
    let duration = duration.map(|pb::device_output::Duration::DurationMs(d)| d);
    if output == OutputType::HwPositionWithDuration && duration.is_none() {
        return Err(error(
            pb::ErrorCode::InvalidArgument,
            pb::ErrorCategory::Request,
            "a timed position move needs duration_ms",
        ));
    }
    // Checked here so a bad value names the request's feature before anything is sent.
    device
        .steps_for(feature, output, value)
        .map_err(from_client_error)?;
    Ok((feature, output, value, duration))
}

fn device_output(conn: &Arc<Connection>, o: pb::DeviceOutput) -> PendingReply {
    let device = match known_device(&conn.client, o.device_index, None) {
        Ok(d) => d,
        Err(reply) => return now(reply),
    };
    match output_entry(&device, o.feature_index, o.output, o.value, o.duration) {
        Ok(entry) => device_submitted(conn, o.device_index, device.submit_outputs(&[entry])),
        Err(reply) => now(reply),
    }
}

fn device_outputs(conn: &Arc<Connection>, o: pb::DeviceOutputs) -> PendingReply {
    let device = match known_device(&conn.client, o.device_index, None) {
        Ok(d) => d,
        Err(reply) => return now(reply),
    };
    if o.outputs.is_empty() {
        return now(invalid("DeviceOutputs needs at least one output"));
    }
    let index = o.device_index;
    let entries: Result<Vec<_>, Reply> = o
        .outputs
        .into_iter()
        .map(|e| {
            if e.device_index != 0 && e.device_index != index {
                return Err(invalid(format!(
                    "DeviceOutputs for device {index} has an entry for device {}",
                    e.device_index
                )));
            }
            output_entry(&device, e.feature_index, e.output, e.value, e.duration)
        })
        .collect();
    match entries {
        Ok(entries) => device_submitted(conn, index, device.submit_outputs(&entries)),
        Err(reply) => now(reply),
    }
}

fn device_input(conn: &Arc<Connection>, i: pb::DeviceInput) -> PendingReply {
    let client = &conn.client;
    let (Some(input), Some(command)) = (input_from_pb(i.input), command_from_pb(i.command)) else {
        return now(invalid("DeviceInput needs an input type and a command"));
    };
    if let Err(reply) = known_device(client, i.device_index, Some(i.feature_index)) {
        return now(reply);
    }
    let pending = match client.submit(CoreRequest::Input {
        device: i.device_index,
        feature: i.feature_index,
        input,
        command,
    }) {
        Ok(p) => p,
        Err(e) => return now(device_error(conn, i.device_index, e)),
    };
    let conn = conn.clone();
    let index = i.device_index;
    Box::pin(async move {
        match pending.await {
            Ok(Response::InputReading {
                device,
                feature,
                input,
                value,
            }) => Reply::InputReading(pb::InputReading {
                device_index: device,
                feature_index: feature,
                input: input_to_pb(input) as i32,
                value,
            }),
            Ok(_) => ok(),
            Err(e) => device_error(&conn, index, e.into()),
        }
    })
}

async fn connect_embedded(core: &Arc<ClientCore>, c: pb::ConnectEmbedded) -> Reply {
    use pb::{ErrorCategory as C, ErrorCode as E};
    let _connecting = core.connecting.lock().await;
    if core.connection().is_some_and(|c| c.client.is_connected()) {
        return error(
            E::AlreadyConnected,
            C::Request,
            "already connected; disconnect first",
        );
    }
    let simulated = (c.simulated || !c.simulated_devices.is_empty()).then(SimulatedHardware::new);
    let specs = match c
        .simulated_devices
        .into_iter()
        .map(sim_spec)
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(specs) => specs,
        Err(reply) => return reply,
    };
    let mut builder = ButtplugServer::builder()
        .max_ping_time_ms(c.max_ping_time_ms)
        .serial(c.serial)
        .bluetooth_le(c.bluetooth_le);
    if c.device_websocket {
        let addr = std::net::SocketAddr::from((
            std::net::Ipv4Addr::LOCALHOST,
            crate::hardware::websocket_devices::DEFAULT_DEVICE_WEBSOCKET_PORT,
        ));
        match crate::hardware::websocket_devices::DeviceWebsocketManager::listen(addr).await {
            Ok(m) => builder = builder.manager(m),
            Err(e) => {
                return error(
                    E::ConnectionFailed,
                    C::Connection,
                    format!("device websocket on {addr}: {e}"),
                );
            }
        }
    }
    if !c.server_name.is_empty() {
        builder = builder.name(c.server_name);
    }
    if let Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(gap)) = c.default_gap {
        builder = builder.default_message_gap_ms(gap);
    }
    if let Some(pb::connect_embedded::HardwareTimeout::HardwareTimeoutMs(ms)) = c.hardware_timeout {
        if ms == 0 {
            return error(
                E::InvalidArgument,
                C::Request,
                "hardware_timeout_ms must be more than 0",
            );
        }
        builder = builder.hardware_timeout(Duration::from_millis(u64::from(ms)));
    }
    if !c.device_config_json.is_empty() {
        builder = match builder.device_config_json(&c.device_config_json) {
            Ok(b) => b,
            Err(e) => return error(E::Configuration, C::Request, e.to_string()),
        };
    }
    if !c.user_config_json.is_empty() {
        builder = match builder.user_config_json(&c.user_config_json) {
            Ok(b) => b,
            Err(e) => return error(E::Configuration, C::Request, e.to_string()),
        };
    }
    if let Some(hw) = &simulated {
        // A misspelt toy would never appear: say so now, naming it.
        let ble_names = specs
            .iter()
            .filter(|s| s.serial_port.is_none())
            .map(|s| s.name.as_str());
        if let Some(problem) = builder.toy_name_problem(ble_names) {
            return error(E::InvalidArgument, C::Request, problem);
        }
        for spec in specs {
            hw.add_device(spec);
        }
        builder = builder.simulated(hw.clone());
    }
    let server = match builder.build() {
        Ok(s) => s,
        Err(e) => return error(E::ConnectionFailed, C::Connection, e.to_string()),
    };
    let name = if c.client_name.is_empty() {
        "plugwire"
    } else {
        &c.client_name
    };
    let client = match ButtplugClient::connect_in_process(name, &server).await {
        Ok(c) => c,
        Err(e) => return from_client_error(e),
    };
    let forwarder = spawn_forwarder(core, &client);
    core.set_connection(Arc::new(Connection {
        client,
        simulated,
        forwarder,
        server: Some(server),
        playbacks: Default::default(),
    }));
    ok()
}

async fn connect_websocket(core: &Arc<ClientCore>, c: pb::ConnectWebsocket) -> Reply {
    let _connecting = core.connecting.lock().await;
    if core.connection().is_some_and(|c| c.client.is_connected()) {
        return error(
            pb::ErrorCode::AlreadyConnected,
            pb::ErrorCategory::Request,
            "already connected; disconnect first",
        );
    }
    let name = if c.client_name.is_empty() {
        "plugwire"
    } else {
        &c.client_name
    };
    let ping = if c.no_ping {
        crate::client::PingPolicy::Off
    } else if c.ping_interval_ms > 0 {
        crate::client::PingPolicy::Every(Duration::from_millis(u64::from(c.ping_interval_ms)))
    } else {
        crate::client::PingPolicy::FromServer
    };
    let reconnect = c.reconnect.then(|| {
        let default = crate::client::ReconnectPolicy::default();
        let ms = |v: u32, or: Duration| {
            if v == 0 {
                or
            } else {
                Duration::from_millis(u64::from(v))
            }
        };
        crate::client::ReconnectPolicy {
            initial_delay: ms(c.reconnect_initial_delay_ms, default.initial_delay),
            max_delay: ms(c.reconnect_max_delay_ms, default.max_delay),
            max_attempts: (c.reconnect_max_attempts > 0).then_some(c.reconnect_max_attempts),
        }
    });
    let options = crate::client::ClientOptions { ping, reconnect };
    let client = match ButtplugClient::connect_websocket_with(name, &c.url, options).await {
        Ok(client) => client,
        // A server that refuses the handshake (another client is connected, a version it
        // does not speak) refuses the connection: its reason is the connection error.
        Err(ClientError::Server(e)) => {
            return error(
                pb::ErrorCode::ConnectionFailed,
                pb::ErrorCategory::Connection,
                format!("{} refused the connection: {}", c.url, e.message),
            );
        }
        Err(e) => return from_client_error(e),
    };
    let forwarder = spawn_forwarder(core, &client);
    core.set_connection(Arc::new(Connection {
        client,
        simulated: None,
        forwarder,
        server: None,
        playbacks: Default::default(),
    }));
    ok()
}

/// Forwards client events to the ABI until the client goes away.
fn spawn_forwarder(core: &Arc<ClientCore>, client: &ButtplugClient) -> tokio::task::JoinHandle<()> {
    let mut events = client.events();
    // Devices already there when the client connected are announced too.
    let initial: Vec<pb::Event> = client
        .devices()
        .iter()
        .map(|d| event_to_pb(&ClientEvent::DeviceAdded(d.clone())))
        .collect();
    let weak = Arc::downgrade(core);
    tokio::spawn(async move {
        for e in initial {
            match weak.upgrade() {
                Some(core) => core.event(e.encode_to_vec()),
                None => return,
            }
        }
        forward_events(&mut events, |event| match weak.upgrade() {
            Some(core) => {
                core.event(event.encode_to_vec());
                true
            }
            None => false,
        })
        .await;
    })
}

/// Hands each client event to `deliver` (false: the host's client is gone) until the
/// server disconnects. Events the stream lost because this fell behind are reported as
/// one `EventsDropped` counting them, as every other bounded queue on the way does, so the
/// host knows to read the device list again rather than miss a device without a word.
async fn forward_events(
    events: &mut tokio::sync::broadcast::Receiver<ClientEvent>,
    mut deliver: impl FnMut(pb::Event) -> bool,
) {
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!("ABI event stream lagged by {n} events");
                ClientEvent::EventsDropped(n)
            }
            Err(_) => return,
        };
        let last = matches!(event, ClientEvent::ServerDisconnected);
        if !deliver(event_to_pb(&event)) || last {
            return;
        }
    }
}

/// How long `plugwire_client_free` waits for the client's devices to stop.
pub(crate) const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    /// Events a lagging forwarder lost reach the host as one `EventsDropped` counting
    /// them, followed by the events still there (they were dropped without a word).
    #[tokio::test]
    async fn a_lagging_forwarder_reports_the_events_it_lost() {
        let (tx, mut rx) = tokio::sync::broadcast::channel(4);
        for i in 0..6 {
            tx.send(ClientEvent::DeviceRemoved {
                index: i,
                name: String::new(),
            })
            .unwrap();
        }
        tx.send(ClientEvent::ServerDisconnected).unwrap();
        let mut got = Vec::new();
        forward_events(&mut rx, |e| {
            got.push(e.kind.unwrap());
            true
        })
        .await;
        use pb::event::Kind;
        assert!(
            matches!(&got[0], Kind::Error(e) if e.code == pb::ErrorCode::EventsDropped as i32
                && e.message.starts_with("3 ")),
            "{got:?}"
        );
        let removed: Vec<u32> = got
            .iter()
            .filter_map(|k| match k {
                Kind::DeviceRemoved(r) => Some(r.index),
                _ => None,
            })
            .collect();
        assert_eq!(removed, [3, 4, 5]);
        assert!(
            matches!(got.last(), Some(Kind::ServerDisconnected(_))),
            "{got:?}"
        );
    }

    /// Defect 9 of issue 12: a panic inside a spawned request still produces exactly one
    /// reply, an internal error.
    #[tokio::test]
    async fn a_panicking_request_settles_with_an_internal_error() {
        let pending: PendingReply = Box::pin(async {
            if std::hint::black_box(true) {
                panic!("request exploded");
            }
            ok()
        });
        match settle(pending).await {
            Reply::Error(e) => {
                assert_eq!(e.code, pb::ErrorCode::Internal as i32);
                assert!(e.message.contains("request exploded"), "{}", e.message);
            }
            other => panic!("expected an error reply, got {other:?}"),
        }
        assert!(matches!(settle(now(ok())).await, Reply::Ok(_)));
    }
}
