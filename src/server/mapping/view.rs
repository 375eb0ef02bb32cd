//! A real device as a mapping presents it: its own features (outputs hidden when the rule
//! says so) followed by the mapped ones, and for each mapped feature the real outputs it
//! drives.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::config::{OutputMap, Target, is_positional};
use crate::device::feature::{DeviceFeature, OutputLimits, OutputType};
use crate::device::{DeviceError, ServerDevice};
use crate::spec::message::{DeviceInfo, OutputCommand};

/// Duration range a presented timed move accepts (ms); the real one is kept within its own.
pub const PRESENTED_DURATION: (u32, u32) = (0, 100_000);

/// One real output a mapped feature drives.
#[derive(Clone, Debug)]
pub struct Route {
    pub target: Target,
    pub feature: u32,
    pub limits: OutputLimits,
}

/// A feature the mapping adds.
#[derive(Clone, Debug)]
pub struct MappedFeature {
    pub output: OutputType,
    pub limits: OutputLimits,
    pub routes: Vec<Route>,
}

/// A device as clients see it through the mapping.
#[derive(Debug)]
pub struct View {
    pub info: DeviceInfo,
    pub mapped: BTreeMap<u32, MappedFeature>,
    /// Real features whose outputs the rule hides.
    pub hidden: BTreeSet<u32>,
}

/// The limits a presented output of `kind` with `steps` shows clients.
pub fn presented_limits(kind: OutputType, steps: u32) -> OutputLimits {
    let steps = i32::try_from(steps).unwrap_or(i32::MAX);
    let mut limits = if kind == OutputType::Rotate {
        OutputLimits::new(-steps, steps)
    } else {
        OutputLimits::new(0, steps)
    };
    if kind == OutputType::HwPositionWithDuration {
        limits.duration = Some(PRESENTED_DURATION);
    }
    limits
}

impl View {
    /// The view of `device` under the first rule of `map` that matches it, or `None` when
    /// no rule does.
    pub fn of(map: &OutputMap, device: &ServerDevice) -> Option<View> {
        let info = device.info();
        let rule = map.devices.iter().find(|r| {
            r.matcher.matches(
                device.address(),
                &info.name,
                info.display_name.as_deref(),
                device.protocol(),
            )
        })?;
        let real = &info.features;
        let mut next = real.iter().map(|f| f.index + 1).max().unwrap_or(0);
        let mut features: Vec<DeviceFeature> = real
            .iter()
            .map(|f| {
                let mut f = f.clone();
                if rule.hide_original {
                    f.outputs.clear();
                }
                f
            })
            .filter(|f| !f.outputs.is_empty() || !f.inputs.is_empty())
            .collect();
        let hidden = if rule.hide_original {
            real.iter().map(|f| f.index).collect()
        } else {
            BTreeSet::new()
        };
        let mut mapped = BTreeMap::new();
        for p in &rule.present {
            let mut routes = Vec::new();
            for t in &p.to {
                let found = real.iter().find(|f| {
                    t.feature.is_none_or(|i| i == f.index) && f.outputs.contains_key(&t.output)
                });
                match found {
                    Some(f) => routes.push(Route {
                        target: t.clone(),
                        feature: f.index,
                        limits: f.outputs[&t.output].clone(),
                    }),
                    None => tracing::warn!(
                        "{}: at {}: device {} ({}) has no {} output{}; this target is skipped",
                        map.file,
                        t.path,
                        info.index,
                        info.name,
                        t.output.config_name(),
                        t.feature
                            .map(|i| format!(" on feature {i}"))
                            .unwrap_or_default()
                    ),
                }
            }
            if routes.is_empty() {
                continue;
            }
            let limits = presented_limits(p.output, p.steps);
            let mut outputs = BTreeMap::new();
            outputs.insert(p.output, limits.clone());
            features.push(DeviceFeature {
                index: next,
                id: format!("mapped-{next}"),
                description: p.description.clone(),
                outputs,
                inputs: BTreeMap::new(),
            });
            mapped.insert(
                next,
                MappedFeature {
                    output: p.output,
                    limits,
                    routes,
                },
            );
            next += 1;
        }
        Some(View {
            info: DeviceInfo {
                features: Arc::new(features),
                ..info.clone()
            },
            mapped,
            hidden,
        })
    }

    /// Checks a command to a mapped feature against what it presents.
    pub fn check(&self, feature: u32, command: &OutputCommand) -> Result<(), DeviceError> {
        if let Some(m) = self.mapped.get(&feature) {
            if command.output != m.output {
                return Err(DeviceError::UnsupportedOutput {
                    feature,
                    output: command.output,
                });
            }
            if !m.limits.contains(command.value) {
                return Err(DeviceError::ValueOutOfRange {
                    feature,
                    output: command.output,
                    value: command.value,
                    lo: m.limits.value.0,
                    hi: m.limits.value.1,
                });
            }
            if m.output == OutputType::HwPositionWithDuration && command.duration.is_none() {
                return Err(DeviceError::MissingDuration {
                    output: command.output,
                });
            }
            return Ok(());
        }
        if self.hidden.contains(&feature) {
            return Err(DeviceError::UnsupportedOutput {
                feature,
                output: command.output,
            });
        }
        Ok(())
    }

    /// The real features a stop of presented `feature` covers.
    pub fn real_features(&self, feature: u32) -> Vec<u32> {
        match self.mapped.get(&feature) {
            Some(m) => {
                let set: BTreeSet<u32> = m.routes.iter().map(|r| r.feature).collect();
                set.into_iter().collect()
            }
            None => vec![feature],
        }
    }
}

/// A presented step as a fraction of the presented range (signed for rotation).
pub fn fraction(limits: &OutputLimits, output: OutputType, value: i32) -> f64 {
    let steps = f64::from(limits.step_count().max(1));
    let f = f64::from(value) / steps;
    if is_positional(output) {
        f.clamp(0.0, 1.0)
    } else {
        f.clamp(-1.0, 1.0)
    }
}
