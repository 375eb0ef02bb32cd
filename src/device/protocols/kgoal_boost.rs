//! KGoal Boost: a pressure sensor, no outputs. Every `rxpressure` notification carries both
//! readings, `[0x00, 0x01, 0x04, normalized (u16 BE), raw (u16 BE)]`: the first pressure
//! feature gets the normalized one, the second the raw one. The battery is the standard
//! battery byte, read or notified.
//!
//! The pressure features share the one characteristic: the first subscription subscribes
//! it, the last unsubscription unsubscribes it. The toy only notifies, so a read waits for
//! the next notification (subscribing for the read when no subscription is active).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::broadcast::error::RecvError;

use super::handler_kit::{SimulatedToy, no_input, read_battery_byte};
use super::packet_shapes::{Fixed, Shape};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType};
use crate::device::protocol::{HardwareCommand, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

const NAME: &str = "kgoal-boost";
/// How long a pressure read waits for the toy's next notification.
const PRESSURE_WAIT: Duration = Duration::from_secs(2);
const READING_LEN: usize = 7;

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| Ok(Arc::new(KGoalBoost::new(definition)))),
)
.responder(|_, spec| SimulatedToy::ble_battery(spec).boxed());

struct KGoalBoost {
    /// The pressure features in index order: normalized, then raw.
    pressure: Vec<u32>,
    battery: Option<u32>,
    /// The pressure features subscribed to.
    subscribed: Mutex<BTreeSet<u32>>,
}

/// The normalized and raw readings of a notification.
fn readings(data: &[u8]) -> Option<[i32; 2]> {
    if data.len() < READING_LEN {
        return None;
    }
    let word = |at: usize| i32::from(u16::from_be_bytes([data[at], data[at + 1]]));
    Some([word(3), word(5)])
}

impl KGoalBoost {
    fn new(definition: &DeviceDefinition) -> KGoalBoost {
        let mut features: Vec<&DeviceFeature> = definition.features.iter().collect();
        features.sort_by_key(|f| f.index);
        let with = |input: InputType| {
            features
                .iter()
                .filter(|f| f.inputs.contains_key(&input))
                .map(|f| f.index)
                .collect::<Vec<u32>>()
        };
        KGoalBoost {
            pressure: with(InputType::Pressure).into_iter().take(2).collect(),
            battery: with(InputType::Battery).first().copied(),
            subscribed: Mutex::new(BTreeSet::new()),
        }
    }

    fn subscribed(&self) -> MutexGuard<'_, BTreeSet<u32>> {
        self.subscribed.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Which of the two readings a pressure feature reports.
    fn slot(&self, feature: &DeviceFeature, input: InputType) -> Result<usize, DeviceError> {
        self.pressure
            .iter()
            .position(|f| *f == feature.index)
            .filter(|_| input == InputType::Pressure)
            .ok_or_else(|| no_input(feature, input))
    }

    fn is_battery(&self, feature: &DeviceFeature, input: InputType) -> bool {
        input == InputType::Battery && self.battery == Some(feature.index)
    }

    /// Waits for the next pressure notification and returns reading `slot` of it.
    async fn next_pressure(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        slot: usize,
    ) -> Result<i32, DeviceError> {
        let mut events = hw.events();
        let already = !self.subscribed().is_empty();
        if !already {
            hw.subscribe(Endpoint::RxPressure).await?;
        }
        let wait = async {
            loop {
                match events.recv().await {
                    Ok(HardwareEvent::Notification {
                        endpoint: Endpoint::RxPressure,
                        data,
                    }) => {
                        if let Some(values) = readings(&data) {
                            return Ok(values[slot]);
                        }
                    }
                    Ok(HardwareEvent::Disconnected) | Err(RecvError::Closed) => {
                        return Err(DeviceError::from(HardwareError::Disconnected));
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                }
            }
        };
        let result = tokio::time::timeout(PRESSURE_WAIT, wait)
            .await
            .unwrap_or(Err(DeviceError::Hardware(HardwareError::Timeout)));
        // Subscribed for this read only, and nobody subscribed meanwhile.
        if !already && self.subscribed().is_empty() {
            hw.unsubscribe(Endpoint::RxPressure).await?;
        }
        result
    }
}

#[async_trait]
impl ProtocolHandler for KGoalBoost {
    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        if self.is_battery(feature, input) {
            return read_battery_byte(hw, Endpoint::RxBleBattery).await;
        }
        let slot = self.slot(feature, input)?;
        self.next_pressure(hw, slot).await
    }

    fn subscribe_commands(
        &self,
        feature: &DeviceFeature,
        input: InputType,
        subscribe: bool,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        if self.is_battery(feature, input) {
            return Ok(vec![if subscribe {
                HardwareCommand::Subscribe(Endpoint::RxBleBattery)
            } else {
                HardwareCommand::Unsubscribe(Endpoint::RxBleBattery)
            }]);
        }
        self.slot(feature, input)?;
        let mut subscribed = self.subscribed();
        let was_empty = subscribed.is_empty();
        let changed = if subscribe {
            subscribed.insert(feature.index)
        } else {
            subscribed.remove(&feature.index)
        };
        Ok(
            match (changed, subscribe, was_empty, subscribed.is_empty()) {
                (true, true, true, _) => vec![HardwareCommand::Subscribe(Endpoint::RxPressure)],
                (true, false, _, true) => vec![HardwareCommand::Unsubscribe(Endpoint::RxPressure)],
                _ => Vec::new(),
            },
        )
    }

    fn parse_notification(&self, endpoint: Endpoint, data: &[u8]) -> Vec<(u32, InputType, i32)> {
        match endpoint {
            Endpoint::RxPressure => readings(data)
                .map(|values| {
                    self.pressure
                        .iter()
                        .zip(values)
                        .map(|(feature, value)| (*feature, InputType::Pressure, value))
                        .collect()
                })
                .unwrap_or_default(),
            Endpoint::RxBleBattery => match (self.battery, data.first()) {
                (Some(feature), Some(level)) => {
                    vec![(feature, InputType::Battery, i32::from(*level))]
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_big_endian_words() {
        assert_eq!(
            readings(&[0x00, 0x01, 0x04, 0x00, 0x00, 0x05, 0xD3]),
            Some([0, 1491])
        );
        assert_eq!(readings(&[0x00, 0x01, 0x04, 0x00, 0x00, 0x05]), None);
    }
}
