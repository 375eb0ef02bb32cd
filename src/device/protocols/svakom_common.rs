//! The motor-pair packet Svakom's v4, v5 and v6 protocols share: both main motors (features
//! 0 and 1) in one packet `[0x55, 0x03, M, 0x00, E, max(v0, v1)]` (v4 and v6 add a trailing
//! 0x00), where M selects the running motor and E is the on flag. The device cannot run
//! the two motors at different levels: both run at the larger step.
//! Other outputs (v5's oscillation, v6's third motor) have packets of their own.

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::unsupported;
use super::packet_shapes::PacketFn;
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, Protocol, ProtocolHandler,
};
use crate::hardware::{Endpoint, HardwareDevice};

/// One Svakom protocol generation built around the motor-pair packet.
pub(super) struct SvakomPair {
    pub name: &'static str,
    /// v4 and v6 end the pair packet with 0x00 (7 bytes); v5 does not (6 bytes).
    pub trailing_zero: bool,
    /// v4 and v6 always select both motors (M = 0) on toys with a single vibrator.
    pub single_selects_both: bool,
    /// The packet for an output outside the pair.
    pub other: Option<PacketFn>,
}

/// Motor select: 0 = both (or the same level), 1 = only motor 0, 2 = only motor 1.
fn motor_select(v0: i32, v1: i32, single: bool) -> u8 {
    if single || (v0 > 0 && v1 > 0) || v0 == v1 {
        0x00
    } else if v0 > 0 {
        0x01
    } else {
        0x02
    }
}

fn in_pair(change: &OutputChange) -> bool {
    change.output == OutputType::Vibrate && change.feature < 2
}

#[async_trait]
impl Protocol for SvakomPair {
    fn name(&self) -> &'static str {
        self.name
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let vibrators = definition
            .features
            .iter()
            .filter(|f| f.outputs.contains_key(&OutputType::Vibrate))
            .count();
        Ok(Arc::new(SvakomPairHandler {
            trailing_zero: self.trailing_zero,
            single: self.single_selects_both && vibrators == 1,
            name: self.name,
            other: self.other,
        }))
    }
}

struct SvakomPairHandler {
    trailing_zero: bool,
    single: bool,
    name: &'static str,
    other: Option<PacketFn>,
}

impl SvakomPairHandler {
    fn pair_packet(&self, state: &OutputState) -> Result<Vec<u8>, DeviceError> {
        let v0 = state.get(0, OutputType::Vibrate);
        let v1 = state.get(1, OutputType::Vibrate);
        let level = u8::try_from(v0.max(v1)).map_err(|_| {
            DeviceError::Protocol(format!("level {} does not fit in a byte", v0.max(v1)))
        })?;
        let on = u8::from(v0 != 0 || v1 != 0);
        let mut packet = vec![
            0x55,
            0x03,
            motor_select(v0, v1, self.single),
            0x00,
            on,
            level,
        ];
        if self.trailing_zero {
            packet.push(0x00);
        }
        Ok(packet)
    }
}

impl ProtocolHandler for SvakomPairHandler {
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        let mut packets = Vec::new();
        let mut pair_written = false;
        for change in changes {
            if in_pair(change) {
                if !pair_written {
                    packets.push(self.pair_packet(state)?);
                    pair_written = true;
                }
            } else {
                let other = self.other.ok_or_else(|| unsupported(self.name, change))?;
                packets.push(other(change)?);
            }
        }
        Ok(packets
            .into_iter()
            .map(|p| HardwareCommand::write(Endpoint::Tx, p, false))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn motor_selection() {
        assert_eq!(motor_select(0, 0, false), 0);
        assert_eq!(motor_select(5, 0, false), 1);
        assert_eq!(motor_select(0, 8, false), 2);
        assert_eq!(motor_select(5, 8, false), 0);
        assert_eq!(motor_select(4, 4, false), 0);
        assert_eq!(motor_select(5, 0, true), 0);
    }
}
