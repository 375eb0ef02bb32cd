//! A device group: a virtual device whose outputs fan out to its members.
//!
//! The group shows clients the outputs it is configured with, at a fixed index, from the
//! moment its first member connects; members may come and go after that. A value sent to
//! one of its outputs becomes, for each member connected at that moment, the same fraction
//! on every output of that kind the member presents (its own or mapped), all of one
//! message in one batch per member.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::config::{GroupConfig, is_positional};
use super::view::{fraction, presented_limits};
use crate::device::feature::{
    DeviceFeature, OutputLimits, OutputType, float_to_step, position_to_step,
};
use crate::device::{DeviceError, ServerDevice};
use crate::spec::message::{DeviceInfo, OutputCommand};

pub struct Group {
    pub config: GroupConfig,
    pub info: DeviceInfo,
    announced: AtomicBool,
}

impl Group {
    pub fn new(config: GroupConfig) -> Group {
        let features = config
            .outputs
            .iter()
            .enumerate()
            .map(|(i, kind)| {
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                let steps = if is_positional(*kind) { 100 } else { 20 };
                let mut outputs = BTreeMap::new();
                outputs.insert(*kind, presented_limits(*kind, steps));
                DeviceFeature {
                    index,
                    id: format!("group-{index}"),
                    description: format!("{} (every member)", kind.spec_name()),
                    outputs,
                    inputs: BTreeMap::new(),
                }
            })
            .collect();
        let info = DeviceInfo {
            index: config.index,
            name: config.name.clone(),
            display_name: None,
            message_gap_ms: 0,
            features: Arc::new(features),
        };
        Group {
            config,
            info,
            announced: AtomicBool::new(false),
        }
    }

    pub fn is_announced(&self) -> bool {
        self.announced.load(Ordering::Acquire)
    }

    /// Marks the group shown; true the first time.
    pub fn announce(&self) -> bool {
        !self.announced.swap(true, Ordering::AcqRel)
    }

    pub fn has_member(&self, device: &ServerDevice) -> bool {
        let info = device.info();
        self.config.members.iter().any(|m| {
            m.matches(
                device.address(),
                &info.name,
                info.display_name.as_deref(),
                device.protocol(),
            )
        })
    }

    pub fn members(&self, devices: &[Arc<ServerDevice>]) -> Vec<Arc<ServerDevice>> {
        devices
            .iter()
            .filter(|d| self.has_member(d))
            .cloned()
            .collect()
    }

    fn limits(&self, feature: u32) -> Option<(OutputType, &OutputLimits)> {
        self.info
            .features
            .iter()
            .find(|f| f.index == feature)
            .and_then(|f| f.outputs.iter().next())
            .map(|(k, l)| (*k, l))
    }

    /// The output kind of a group feature.
    pub fn kind_of(&self, feature: u32) -> Option<OutputType> {
        self.limits(feature).map(|(k, _)| k)
    }

    /// Checks commands to the group as a device would.
    pub fn check(&self, commands: &[(u32, OutputCommand)]) -> Result<(), DeviceError> {
        for (feature, c) in commands {
            let (kind, limits) = self
                .limits(*feature)
                .ok_or(DeviceError::UnknownFeature(*feature))?;
            if kind != c.output {
                return Err(DeviceError::UnsupportedOutput {
                    feature: *feature,
                    output: c.output,
                });
            }
            if !limits.contains(c.value) {
                return Err(DeviceError::ValueOutOfRange {
                    feature: *feature,
                    output: c.output,
                    value: c.value,
                    lo: limits.value.0,
                    hi: limits.value.1,
                });
            }
            if kind == OutputType::HwPositionWithDuration && c.duration.is_none() {
                return Err(DeviceError::MissingDuration { output: kind });
            }
        }
        Ok(())
    }

    /// What one member gets of checked `commands`: each value as the same fraction on
    /// every output of its kind the member presents.
    pub fn fan_out(
        &self,
        member: &DeviceInfo,
        commands: &[(u32, OutputCommand)],
    ) -> Vec<(u32, OutputCommand)> {
        let mut out = Vec::new();
        for (feature, c) in commands {
            let Some((kind, limits)) = self.limits(*feature) else {
                continue;
            };
            let f = fraction(limits, kind, c.value);
            for mf in member.features.iter() {
                let Some(ml) = mf.outputs.get(&kind) else {
                    continue;
                };
                let value = if is_positional(kind) {
                    position_to_step(f, ml.step_count())
                } else {
                    float_to_step(f.abs(), ml.step_count(), false)
                        .map(|s| if f < 0.0 && ml.value.0 < 0 { -s } else { s })
                };
                let Some(value) = value.map(|v| v.clamp(ml.value.0, ml.value.1)) else {
                    continue;
                };
                let duration = c.duration.map(|d| match ml.duration {
                    Some((lo, hi)) => d.clamp(lo, hi),
                    None => d,
                });
                out.push((
                    mf.index,
                    OutputCommand {
                        output: kind,
                        value,
                        duration,
                    },
                ));
            }
        }
        out
    }
}
