//! Yiciyuan FJB-01 / FJB-02: stroke, vibration and a third axis in one 16-byte packet on
//! `tx` without response, `[0x35, 0x12, stroke, vibe, axis_c, 0 x 11]`, each 0..100 step
//! scaled to the toy's 0..20 (rounded half up). The toy pushes its battery as
//! `[0x35, 0x13, 0x01, percent]` on its notify characteristic (`rxblebattery`); a read
//! subscribes and takes the first such frame.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{SimulatedToy, battery_only, one_write};
use super::packet_shapes::{PacketHandler, Slots};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, Protocol, ProtocolHandler, write_and_await,
};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "yiciyuan";
/// The toy pushes its battery about once a second.
const BATTERY_TIMEOUT: Duration = Duration::from_secs(3);
const TOP: u32 = 20;

/// A 0..100 step as the toy's 0..20 level.
fn level(step: i32) -> u8 {
    let step = step.clamp(0, 100).unsigned_abs();
    u8::try_from((step * TOP + 50) / 100).unwrap_or(0)
}

/// The battery percent of a battery frame.
fn battery_frame(data: &[u8]) -> Option<i32> {
    match data {
        [0x35, 0x13, _, percent, ..] => Some(i32::from(*percent)),
        _ => None,
    }
}

pub struct Yiciyuan;

struct YiciyuanHandler {
    packets: PacketHandler,
}

#[async_trait]
impl ProtocolHandler for YiciyuanHandler {
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        self.packets.encode_outputs(changes, state)
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        battery_only(feature, input)?;
        write_and_await(
            hw,
            HardwareCommand::Subscribe(Endpoint::RxBleBattery),
            Endpoint::RxBleBattery,
            BATTERY_TIMEOUT,
            battery_frame,
        )
        .await
    }
}

#[async_trait]
impl Protocol for Yiciyuan {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let slots =
            Slots::of(definition, &[OutputType::Oscillate, OutputType::Vibrate]).at_least(3);
        let packets = PacketHandler::all_motors(NAME, slots, |values| {
            let mut packet = vec![0x35, 0x12];
            packet.extend(values[..3].iter().map(|v| level(*v)));
            packet.resize(16, 0x00);
            one_write(Endpoint::Tx, packet, false)
        });
        Ok(Arc::new(YiciyuanHandler { packets }))
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let percent = spec.battery_level.unwrap_or(90);
        SimulatedToy::new()
            .on_subscribe(move |endpoint| match endpoint {
                // An uptime tick first: the read must skip it.
                Endpoint::RxBleBattery => vec![
                    (endpoint, vec![0x35, 0x14, 0x00, 0x10]),
                    (endpoint, vec![0x35, 0x13, 0x01, percent]),
                ],
                _ => Vec::new(),
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_frames() {
        assert_eq!([0, 5, 50, 100, 30, 70].map(level), [0, 1, 10, 20, 6, 14]);
        assert_eq!(battery_frame(&[0x35, 0x13, 0x01, 0x4B]), Some(75));
        assert_eq!(battery_frame(&[0x35, 0x14, 0x00, 0x10]), None);
        assert_eq!(battery_frame(&[0x35, 0x13, 0x01]), None);
    }
}
