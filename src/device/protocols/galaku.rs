//! Galaku: 10-byte payloads obfuscated into 12-byte packets on `tx` (without response).
//! Single-motor toys send their level alone; two-motor toys send both motors in every
//! packet; the `AC695X_1(BLE)` pump speaks a plain 16-byte packet. The battery is asked for
//! with a packet written with response and answers on `rxblebattery`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{
    SimulatedToy, battery_only, byte, level_byte, no_input, only, output_features, unsupported,
};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, ProtocolHandler, write_and_await,
};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "galaku";
const PUMP_NAME: &str = "AC695X_1(BLE)";
const BATTERY_TIMEOUT: Duration = Duration::from_secs(2);
const BATTERY_REQUEST: [u8; 10] = [90, 0, 0, 1, 19, 0, 0, 0, 0, 0];
/// Outputs that share the motor packet. Rotation is not in the reference; the one rotating
/// model drives it through the second slot like the other two-output models.
const MOTOR_OUTPUTS: [OutputType; 4] = [
    OutputType::Vibrate,
    OutputType::Oscillate,
    OutputType::Constrict,
    OutputType::Rotate,
];

/// Column 0 is never used.
const KEY: [[u8; 12]; 4] = [
    [0, 24, 152, 247, 165, 61, 13, 41, 37, 80, 68, 70],
    [0, 69, 110, 106, 111, 120, 32, 83, 45, 49, 46, 55],
    [0, 101, 120, 32, 84, 111, 121, 115, 10, 142, 157, 163],
    [0, 197, 214, 231, 248, 10, 50, 32, 111, 98, 13, 10],
];

/// Prefixes 0x23 and appends the sum, then chains every byte through the key table.
fn obfuscate(payload: [u8; 10]) -> Vec<u8> {
    let mut plain = Vec::with_capacity(12);
    plain.push(0x23u8);
    plain.extend_from_slice(&payload);
    let sum = plain.iter().fold(0u8, |s, b| s.wrapping_add(*b));
    plain.push(sum);
    let mut out = Vec::with_capacity(12);
    let mut previous = 0x23u8;
    out.push(previous);
    for (column, d) in plain.iter().enumerate().skip(1) {
        let row = &KEY[usize::from(previous & 3)];
        let a = row.get(column).copied().unwrap_or(0);
        previous = (a ^ 0x23 ^ d).wrapping_add(a);
        out.push(previous);
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    /// One motor, level sent alone.
    Single,
    /// The `AC695X_1(BLE)` pump: plain 16-byte packet.
    Pump,
    /// Two motors in every packet.
    Dual,
}

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|hw, definition| {
            let outputs = output_features(&definition.features).len();
            let shape = if hw.name() == PUMP_NAME {
                Layout::Pump
            } else if outputs <= 1 {
                Layout::Single
            } else {
                Layout::Dual
            };
            let battery_feature = definition
                .features
                .iter()
                .find(|f| f.inputs.contains_key(&InputType::Battery))
                .map(|f| f.index);
            Ok(Arc::new(GalakuHandler {
                shape,
                battery_feature,
            }))
        }),
    )
    .responder(|_, spec| {
        let battery = spec.battery_level.unwrap_or(90);
        let request = obfuscate(BATTERY_REQUEST);
        SimulatedToy::new()
            .on_write(move |endpoint, data| {
                if endpoint == Endpoint::Tx && data == request.as_slice() {
                    vec![(Endpoint::RxBleBattery, vec![battery])]
                } else {
                    Vec::new()
                }
            })
            .boxed()
    })
}

struct GalakuHandler {
    shape: Layout,
    battery_feature: Option<u32>,
}

fn tx(data: Vec<u8>) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, data, false)
}

#[async_trait]
impl ProtocolHandler for GalakuHandler {
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        only(NAME, changes, &MOTOR_OUTPUTS)?;
        let mut out = Vec::new();
        match self.shape {
            Layout::Single => {
                for c in changes {
                    if c.output == OutputType::Rotate {
                        return Err(unsupported(NAME, c));
                    }
                    out.push(tx(obfuscate([90, 0, 0, 1, 49, byte(c.value)?, 0, 0, 0, 0])));
                }
            }
            Layout::Pump => {
                for c in changes {
                    let v = byte(c.value)?;
                    let mut packet = vec![0xAA, 0x01, 0x0A, 0x03, v, u8::from(v != 0)];
                    packet.resize(16, 0);
                    out.push(tx(packet));
                }
            }
            Layout::Dual if !changes.is_empty() => {
                let (s0, s1) = (level_byte(state, 0)?, level_byte(state, 1)?);
                out.push(tx(obfuscate([90, 0, 0, 1, 64, 3, s0, s1, 0, 0])));
            }
            Layout::Dual => {}
        }
        Ok(out)
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        battery_only(feature, input)?;
        hw.subscribe(Endpoint::RxBleBattery).await?;
        write_and_await(
            hw,
            HardwareCommand::write(Endpoint::Tx, obfuscate(BATTERY_REQUEST), true),
            Endpoint::RxBleBattery,
            BATTERY_TIMEOUT,
            |data| data.first().map(|b| i32::from(*b)),
        )
        .await
    }

    fn subscribe_commands(
        &self,
        feature: &DeviceFeature,
        input: InputType,
        subscribe: bool,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        if input != InputType::Battery || self.battery_feature != Some(feature.index) {
            return Err(no_input(feature, input));
        }
        Ok(vec![if subscribe {
            HardwareCommand::Subscribe(Endpoint::RxBleBattery)
        } else {
            HardwareCommand::Unsubscribe(Endpoint::RxBleBattery)
        }])
    }

    fn parse_notification(&self, endpoint: Endpoint, data: &[u8]) -> Vec<(u32, InputType, i32)> {
        match (endpoint, self.battery_feature, data.first()) {
            (Endpoint::RxBleBattery, Some(feature), Some(level)) => {
                vec![(feature, InputType::Battery, i32::from(*level))]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscation_matches_known_packets() {
        assert_eq!(
            obfuscate(BATTERY_REQUEST),
            [
                0x23, 0x81, 0xBB, 0xAB, 0xD2, 0xCE, 0xD3, 0x23, 0xBB, 0xA3, 0x3B, 0xC2
            ]
        );
        // The sum byte overflows here (275).
        assert_eq!(
            obfuscate([90, 0, 0, 1, 49, 100, 0, 0, 0, 0]),
            [
                0x23, 0x81, 0xBB, 0xAB, 0xD2, 0xEC, 0x57, 0x23, 0xBB, 0xA3, 0x3B, 0x44
            ]
        );
    }
}
