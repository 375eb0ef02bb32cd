//! Spec v0-v3 client messages, converted to the internal model.
//!
//! Legacy commands address features by their position in per-kind lists (see
//! `device_messages`); floats become steps as clients expect (`ceil`, positions truncate).

use super::device_messages::{Actuator, LegacyView};
use super::fields::{Body, array_field, bool_field, f64_field, object, str_field, u32_field};
use super::frame::{DeviceLookup, JsonCodec, Plan, ReplyPlan};
use super::message::{DeviceInfo, OutputCommand, Request};
use super::{ButtplugError, SpecVersion};
use crate::device::feature::{
    InputCommand, InputType, OutputType, float_to_step, position_to_step,
};

/// The first spec version that has each client message (accepted in that version and
/// every later one up to v3).
fn introduced_in(name: &str) -> Option<SpecVersion> {
    use SpecVersion::*;
    Some(match name {
        "Ping"
        | "StartScanning"
        | "StopScanning"
        | "RequestDeviceList"
        | "StopDeviceCmd"
        | "StopAllDevices"
        | "SingleMotorVibrateCmd"
        | "FleshlightLaunchFW12Cmd"
        | "VorzeA10CycloneCmd"
        | "Test"
        | "RequestLog"
        | "LovenseCmd"
        | "KiirooCmd" => V0,
        "VibrateCmd" | "LinearCmd" | "RotateCmd" => V1,
        "BatteryLevelCmd" | "RSSILevelCmd" | "RawWriteCmd" | "RawReadCmd" | "RawSubscribeCmd"
        | "RawUnsubscribeCmd" => V2,
        "ScalarCmd" | "SensorReadCmd" | "SensorSubscribeCmd" | "SensorUnsubscribeCmd" => V3,
        _ => return None,
    })
}

fn one(request: Request) -> Result<Plan, ButtplugError> {
    Ok(Plan {
        requests: smallvec::smallvec![request],
        reply: ReplyPlan::Ok,
    })
}

fn outputs(requests: Vec<Request>) -> Result<Plan, ButtplugError> {
    Ok(Plan {
        requests: requests.into(),
        reply: ReplyPlan::Ok,
    })
}

fn output(device: u32, a: &Actuator, value: i32, duration: Option<u32>) -> Request {
    Request::Output {
        device,
        feature: a.feature,
        command: OutputCommand {
            output: a.output,
            value,
            duration,
        },
    }
}

fn fraction(body: &Body, name: &str) -> Result<f64, ButtplugError> {
    let v = f64_field(body, name)?;
    if !(0.0..=1.0).contains(&v) {
        return Err(ButtplugError::message(format!(
            "{name} {v} is outside 0.0..=1.0"
        )));
    }
    Ok(v)
}

fn step(a: &Actuator, v: f64) -> i32 {
    // `fraction` already checked the range, so this cannot fail.
    float_to_step(v, a.steps, false).unwrap_or(0)
}

fn pick<'a>(list: &'a [Actuator], index: u32, what: &str) -> Result<&'a Actuator, ButtplugError> {
    list.get(index as usize).ok_or_else(|| {
        ButtplugError::device(format!(
            "{what} index {index} is out of range: the device has {} such features",
            list.len()
        ))
    })
}

/// Entries of a multi-command array, each an object.
fn entries<'a>(body: &'a Body, name: &str) -> Result<Vec<&'a Body>, ButtplugError> {
    let list = array_field(body, name)?;
    if list.is_empty() {
        return Err(ButtplugError::message(format!("{name} is empty")));
    }
    list.iter().map(|v| object(v, name)).collect()
}

fn device(
    devices: &dyn DeviceLookup,
    body: &Body,
) -> Result<(u32, DeviceInfo, LegacyView), ButtplugError> {
    let index = u32_field(body, "DeviceIndex")?;
    let info = devices
        .device(index)
        .ok_or_else(|| ButtplugError::no_device(index))?;
    let view = LegacyView::of(&info);
    Ok((index, info, view))
}

/// Launch speed/position (0..99) to a move duration, the formula Launch clients use.
fn fleshlight_duration_ms(distance: f64, speed: f64) -> u32 {
    if distance <= 0.0 || speed <= 0.0 {
        return 0;
    }
    let speed_pct = speed.min(1.0) * 100.0;
    let distance_pct = distance.min(1.0) * 100.0;
    ((speed_pct / 25000.0).powf(-0.95) / (90.0 / distance_pct)) as u32
}

pub(crate) fn decode(
    codec: &mut JsonCodec,
    version: SpecVersion,
    name: &str,
    body: &Body,
    devices: &dyn DeviceLookup,
) -> Result<Plan, ButtplugError> {
    match introduced_in(name) {
        None => {
            return Err(ButtplugError::message(format!("unknown message {name}")));
        }
        Some(v) if v > version => {
            return Err(ButtplugError::message(format!(
                "{name} is not part of spec {version} (it arrived in {v})"
            )));
        }
        Some(_) => {}
    }
    match name {
        "Ping" => one(Request::Ping),
        "StartScanning" => one(Request::StartScanning),
        "StopScanning" => one(Request::StopScanning),
        "RequestDeviceList" => Ok(Plan {
            requests: smallvec::smallvec![Request::RequestDeviceList],
            reply: ReplyPlan::DeviceList,
        }),
        "StopAllDevices" => one(Request::Stop {
            device: None,
            feature: None,
            inputs: true,
            outputs: true,
        }),
        "StopDeviceCmd" => one(Request::Stop {
            device: Some(u32_field(body, "DeviceIndex")?),
            feature: None,
            inputs: true,
            outputs: true,
        }),
        "Test" => Ok(Plan {
            requests: Default::default(),
            reply: ReplyPlan::Test(str_field(body, "TestString")?.to_string()),
        }),
        "SingleMotorVibrateCmd" => {
            let (index, _, view) = device(devices, body)?;
            let speed = fraction(body, "Speed")?;
            let requests: Vec<Request> = view
                .vibrators()
                .map(|a| output(index, a, step(a, speed), None))
                .collect();
            if requests.is_empty() {
                return Err(ButtplugError::device("device has no vibrators"));
            }
            outputs(requests)
        }
        "VibrateCmd" => {
            let (index, _, view) = device(devices, body)?;
            let vibrators: Vec<Actuator> = view.vibrators().cloned().collect();
            let mut requests = Vec::new();
            for e in entries(body, "Speeds")? {
                let a = pick(&vibrators, u32_field(e, "Index")?, "vibrator")?;
                requests.push(output(index, a, step(a, fraction(e, "Speed")?), None));
            }
            outputs(requests)
        }
        "RotateCmd" => {
            let (index, _, view) = device(devices, body)?;
            let mut requests = Vec::new();
            for e in entries(body, "Rotations")? {
                let a = pick(&view.rotators, u32_field(e, "Index")?, "rotator")?;
                let magnitude = step(a, fraction(e, "Speed")?);
                let clockwise = bool_field(e, "Clockwise")?;
                requests.push(output(
                    index,
                    a,
                    if clockwise { magnitude } else { -magnitude },
                    None,
                ));
            }
            outputs(requests)
        }
        "LinearCmd" => {
            let (index, _, view) = device(devices, body)?;
            let mut requests = Vec::new();
            for e in entries(body, "Vectors")? {
                let a = pick(&view.linears, u32_field(e, "Index")?, "linear actuator")?;
                let position = fraction(e, "Position")?;
                let duration = u32_field(e, "Duration")?;
                let value = position_to_step(position, a.steps).unwrap_or(0);
                codec.last_positions.insert(index, position);
                requests.push(output(index, a, value, Some(duration)));
            }
            outputs(requests)
        }
        "ScalarCmd" => {
            let (index, info, view) = device(devices, body)?;
            let mut requests = Vec::new();
            for e in entries(body, "Scalars")? {
                let a = pick(&view.scalars, u32_field(e, "Index")?, "scalar actuator")?;
                let kind = str_field(e, "ActuatorType")?;
                let output_type = match kind {
                    "Inflate" => OutputType::Constrict,
                    k => OutputType::from_spec_name(k).ok_or_else(|| {
                        ButtplugError::message(format!("unknown ActuatorType {k}"))
                    })?,
                };
                let feature = info
                    .features
                    .iter()
                    .find(|f| f.index == a.feature)
                    .ok_or_else(|| ButtplugError::device("feature vanished"))?;
                let limits = feature.output(output_type).ok_or_else(|| {
                    ButtplugError::device(format!(
                        "scalar actuator {} is not a {kind} actuator",
                        u32_field(e, "Index").unwrap_or_default()
                    ))
                })?;
                let scalar = fraction(e, "Scalar")?;
                let value = float_to_step(scalar, limits.step_count(), false).unwrap_or(0);
                requests.push(Request::Output {
                    device: index,
                    feature: a.feature,
                    command: OutputCommand {
                        output: output_type,
                        value,
                        duration: None,
                    },
                });
            }
            outputs(requests)
        }
        "FleshlightLaunchFW12Cmd" => {
            let (index, _, view) = device(devices, body)?;
            let position = launch_param(body, "Position")?;
            let speed = launch_param(body, "Speed")?;
            let a = view
                .linears
                .first()
                .ok_or_else(|| ButtplugError::device("device has no linear actuator"))?;
            let target = position / 99.0;
            let last = codec.last_positions.insert(index, target).unwrap_or(0.0);
            let duration = fleshlight_duration_ms((target - last).abs(), speed / 99.0);
            let value = position_to_step(target, a.steps).unwrap_or(0);
            one(output(index, a, value, Some(duration)))
        }
        "VorzeA10CycloneCmd" => {
            let (index, _, view) = device(devices, body)?;
            let speed = launch_param(body, "Speed")?;
            let clockwise = bool_field(body, "Clockwise")?;
            let a = view
                .rotators
                .first()
                .ok_or_else(|| ButtplugError::device("device has no rotator"))?;
            let magnitude = step(a, speed / 99.0);
            one(output(
                index,
                a,
                if clockwise { magnitude } else { -magnitude },
                None,
            ))
        }
        "BatteryLevelCmd" | "RSSILevelCmd" => {
            let (index, _, view) = device(devices, body)?;
            let input = if name == "BatteryLevelCmd" {
                InputType::Battery
            } else {
                InputType::Rssi
            };
            let sensor = view.first_input(input).ok_or_else(|| {
                ButtplugError::device(format!("device has no readable {input} sensor"))
            })?;
            Ok(Plan {
                requests: smallvec::smallvec![Request::Input {
                    device: index,
                    feature: sensor.feature,
                    input,
                    command: InputCommand::Read,
                }],
                reply: if input == InputType::Battery {
                    ReplyPlan::BatteryLevel { device: index }
                } else {
                    ReplyPlan::RssiLevel { device: index }
                },
            })
        }
        "SensorReadCmd" | "SensorSubscribeCmd" | "SensorUnsubscribeCmd" => {
            let (index, _, view) = device(devices, body)?;
            let sensor_index = u32_field(body, "SensorIndex")?;
            let type_name = str_field(body, "SensorType")?;
            let input = InputType::from_name(type_name)
                .ok_or_else(|| ButtplugError::message(format!("unknown SensorType {type_name}")))?;
            let sensor = view
                .sensors
                .get(sensor_index as usize)
                .filter(|s| s.input == input)
                .ok_or_else(|| {
                    ButtplugError::device(format!(
                        "device has no {type_name} sensor at index {sensor_index}"
                    ))
                })?;
            let (command, reply) = match name {
                "SensorReadCmd" => (
                    InputCommand::Read,
                    ReplyPlan::SensorReading {
                        device: index,
                        sensor_index,
                        input,
                    },
                ),
                "SensorSubscribeCmd" => (InputCommand::Subscribe, ReplyPlan::Ok),
                _ => (InputCommand::Unsubscribe, ReplyPlan::Ok),
            };
            Ok(Plan {
                requests: smallvec::smallvec![Request::Input {
                    device: index,
                    feature: sensor.feature,
                    input,
                    command,
                }],
                reply,
            })
        }
        "RawWriteCmd" | "RawReadCmd" | "RawSubscribeCmd" | "RawUnsubscribeCmd" => {
            Err(ButtplugError::message(format!(
                "{name}: raw device access is not enabled on this server"
            )))
        }
        _ => Err(ButtplugError::message(format!(
            "{name} is no longer supported"
        ))),
    }
}

/// A 0..99 integer parameter of the v0 Launch/Vorze commands.
fn launch_param(body: &Body, name: &str) -> Result<f64, ButtplugError> {
    let v = u32_field(body, name)?;
    if v > 99 {
        return Err(ButtplugError::message(format!(
            "{name} {v} is outside 0..=99"
        )));
    }
    Ok(v as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_duration_formula() {
        // Full stroke at half speed: about 400 ms; no distance or speed: no move time.
        let d = fleshlight_duration_ms(1.0, 50.0 / 99.0);
        assert!((380..=420).contains(&d), "{d}");
        assert_eq!(fleshlight_duration_ms(0.0, 0.5), 0);
        assert!(fleshlight_duration_ms(0.5, 1.0) < fleshlight_duration_ms(0.5, 0.2));
    }

    #[test]
    fn version_gates() {
        assert_eq!(introduced_in("ScalarCmd"), Some(SpecVersion::V3));
        assert_eq!(introduced_in("VibrateCmd"), Some(SpecVersion::V1));
        assert_eq!(introduced_in("OutputCmd"), None);
    }
}
