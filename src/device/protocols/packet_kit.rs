//! Packet shapes shared by several protocols:
//! - steps as bytes, and the error for an output a protocol cannot drive;
//! - the standard BLE battery characteristic;
//! - [`PacketPerOutput`]: every output change becomes one packet computed from that change
//!   alone (a `packet_shapes::Fixed` protocol with `Shape::Packets` writes its handshake);
//! - [`CombinedPacket`]: one packet carries the current value of every motor, so each
//!   change rewrites the whole set.

use std::sync::Arc;

use async_trait::async_trait;

use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{
    HardwareCommand, Keepalive, OutputChange, OutputState, ProtocolHandler,
};
use crate::hardware::{Endpoint, HardwareDevice};

use super::handler_kit::{battery_only, read_battery_byte};

/// The error for an output kind (or feature) a protocol has no packet for.
pub(super) fn unsupported(change: &OutputChange) -> DeviceError {
    DeviceError::Unsupported(format!("{} on feature {}", change.output, change.feature))
}

/// A step value as one byte; values outside 0..=255 are refused, never truncated.
pub(super) fn step_byte(change: &OutputChange) -> Result<u8, DeviceError> {
    u8::try_from(change.value).map_err(|_| DeviceError::ValueOutOfRange {
        feature: change.feature,
        output: change.output,
        value: change.value,
        lo: 0,
        hi: 255,
    })
}

/// The feature index plus `offset` as one byte (the motor number some packets carry).
pub(super) fn feature_byte(change: &OutputChange, offset: u32) -> Result<u8, DeviceError> {
    change
        .feature
        .checked_add(offset)
        .and_then(|n| u8::try_from(n).ok())
        .ok_or(DeviceError::UnknownFeature(change.feature))
}

/// Reads the standard BLE Battery Level characteristic (`rxblebattery`): one byte, percent.
pub(super) async fn read_ble_battery(
    hw: &Arc<dyn HardwareDevice>,
    feature: &DeviceFeature,
    input: InputType,
) -> Result<i32, DeviceError> {
    battery_only(feature, input)?;
    read_battery_byte(hw, Endpoint::RxBleBattery).await
}

/// Builds the packet for one output change.
pub(super) type EncodeFn = fn(&OutputChange) -> Result<Vec<u8>, DeviceError>;

/// A handler that writes one packet per output change to one endpoint.
#[derive(Clone)]
pub(super) struct PacketPerOutput {
    pub endpoint: Endpoint,
    pub with_response: bool,
    pub keepalive: Keepalive,
    pub encode: EncodeFn,
}

impl PacketPerOutput {
    /// Writes to `tx` without response, no keepalive.
    pub(super) const fn tx(encode: EncodeFn) -> PacketPerOutput {
        PacketPerOutput {
            endpoint: Endpoint::Tx,
            with_response: false,
            keepalive: Keepalive::None,
            encode,
        }
    }

    /// The same, written with response.
    pub(super) const fn with_response(mut self) -> PacketPerOutput {
        self.with_response = true;
        self
    }
}

#[async_trait]
impl ProtocolHandler for PacketPerOutput {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        let data = (self.encode)(change)?;
        Ok(vec![HardwareCommand::write(
            self.endpoint,
            data,
            self.with_response,
        )])
    }

    fn keepalive(&self) -> Keepalive {
        self.keepalive.clone()
    }
}

/// The outputs a combined packet carries, in slot order: (feature index, output kind).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Slots(pub Vec<(u32, OutputType)>);

impl Slots {
    /// Each feature's first output of one of `kinds`, in feature order.
    pub(super) fn of(definition: &DeviceDefinition, kinds: &[OutputType]) -> Slots {
        let mut features: Vec<&DeviceFeature> = definition.features.iter().collect();
        features.sort_by_key(|f| f.index);
        Slots(
            features
                .into_iter()
                .filter_map(|f| {
                    kinds
                        .iter()
                        .find(|k| f.outputs.contains_key(k))
                        .map(|k| (f.index, *k))
                })
                .collect(),
        )
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    pub(super) fn contains(&self, change: &OutputChange) -> bool {
        self.0.contains(&(change.feature, change.output))
    }

    /// The current value of every slot, then zeros up to `at_least` values.
    pub(super) fn values(&self, state: &OutputState, at_least: usize) -> Vec<i32> {
        let mut values: Vec<i32> = self.0.iter().map(|(f, o)| state.get(*f, *o)).collect();
        if values.len() < at_least {
            values.resize(at_least, 0);
        }
        values
    }
}

/// Values as bytes, refusing any outside 0..=255.
pub(super) fn bytes_of(values: &[i32]) -> Result<Vec<u8>, DeviceError> {
    values
        .iter()
        .map(|v| super::handler_kit::byte(*v))
        .collect()
}

/// Builds a combined packet from the current value of every slot.
pub(super) type BuildFn = Box<dyn Fn(&[i32]) -> Result<Vec<u8>, DeviceError> + Send + Sync>;

/// A handler whose every packet carries all motors: any batch of changes to the slots
/// becomes one write built from the current value of every slot.
pub(super) struct CombinedPacket {
    pub slots: Slots,
    /// Pads the values handed to `build` with zeros up to this many.
    pub at_least: usize,
    pub endpoint: Endpoint,
    pub with_response: bool,
    pub keepalive: Keepalive,
    /// Whether battery reads go to the standard BLE battery characteristic.
    pub ble_battery: bool,
    pub build: BuildFn,
}

impl CombinedPacket {
    /// Writes to `tx` without response; no keepalive, no battery.
    pub(super) fn tx(slots: Slots, at_least: usize, build: BuildFn) -> CombinedPacket {
        CombinedPacket {
            slots,
            at_least,
            endpoint: Endpoint::Tx,
            with_response: false,
            keepalive: Keepalive::None,
            ble_battery: false,
            build,
        }
    }

    /// Every change must belong to a slot.
    fn check(&self, changes: &[OutputChange]) -> Result<(), DeviceError> {
        match changes.iter().find(|c| !self.slots.contains(c)) {
            Some(c) => Err(unsupported(c)),
            None => Ok(()),
        }
    }

    /// The packet for the current state, without checking the changes.
    fn packet(&self, state: &OutputState) -> Result<HardwareCommand, DeviceError> {
        let data = (self.build)(&self.slots.values(state, self.at_least))?;
        Ok(HardwareCommand::write(
            self.endpoint,
            data,
            self.with_response,
        ))
    }
}

#[async_trait]
impl ProtocolHandler for CombinedPacket {
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        self.check(changes)?;
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![self.packet(state)?])
    }

    fn keepalive(&self) -> Keepalive {
        self.keepalive.clone()
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        if !self.ble_battery {
            return Err(DeviceError::UnsupportedInput {
                feature: feature.index,
                input,
            });
        }
        read_ble_battery(hw, feature, input).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(value: i32) -> OutputChange {
        OutputChange {
            feature: 1,
            output: OutputType::Vibrate,
            value,
            duration: None,
        }
    }

    #[test]
    fn bytes_refuse_values_that_do_not_fit() {
        assert_eq!(step_byte(&change(255)), Ok(255));
        assert!(matches!(
            step_byte(&change(256)),
            Err(DeviceError::ValueOutOfRange { value: 256, .. })
        ));
        assert!(step_byte(&change(-1)).is_err());
    }
}
