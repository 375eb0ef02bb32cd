//! Output mapping and device groups: any app with any toy.
//!
//! A mapping rule (from the `--output-map` file, see [`config`]) presents a real device to
//! clients with extra outputs (a vibrate on a stroker, say) and translates each command to
//! one of them into what the toy has ([`translate`]). A group is a virtual device whose
//! outputs fan out to its members through their own mappings.
//!
//! Mapping is a writer into the device model, never beside it: every write it makes goes
//! to the real device's mailbox through [`submit`], one batch per client message per
//! device; timed writes (strokes, holds) go the same way from [`timers`]. Every stop path
//! of the server (a client's stop of a device, a feature or everything, session end,
//! shutdown) comes through [`Mapping::submit_stop`] or [`Mapping::submit_stop_all`], which
//! end the device's timed writers before submitting the device's stop.

pub mod config;
mod group;
mod timers;
pub mod translate;
mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use smallvec::{SmallVec, smallvec};
use tokio::time::Instant;

pub use config::OutputMap;
use group::Group;
use timers::Timers;
use translate::{Effect, Source};
use view::View;

use crate::device::{Completion, DeviceError, ServerDevice};
use crate::poison::lock;
use crate::spec::ButtplugError;
use crate::spec::message::{DeviceInfo, OutputCommand, ServerEvent};

/// Submitted commands of several devices, each with its device index. Nearly always one
/// device: that one needs no allocation (one per pipelined command, before).
pub type Submitted = SmallVec<[(u32, Result<Completion, DeviceError>); 1]>;

/// The one place a mapping or a group writes to a real device.
pub(crate) fn submit(
    device: &ServerDevice,
    commands: &[(u32, OutputCommand)],
) -> Result<Completion, DeviceError> {
    device.submit_outputs(commands)
}

/// A mapped device's view and timers, for one connection of it.
struct Mapped {
    device: Weak<ServerDevice>,
    view: Arc<View>,
    timers: Arc<Timers>,
}

/// The server's mappings and groups.
pub struct Mapping {
    map: OutputMap,
    mapped: Mutex<HashMap<u32, Arc<Mapped>>>,
    groups: Vec<Group>,
    runtime: tokio::runtime::Handle,
}

impl Mapping {
    /// Needs a tokio runtime (timed writers run on it).
    pub fn new(map: OutputMap) -> Mapping {
        let groups = map.groups.iter().cloned().map(Group::new).collect();
        Mapping {
            map,
            mapped: Mutex::new(HashMap::new()),
            groups,
            runtime: tokio::runtime::Handle::current(),
        }
    }

    /// Device indices the groups take, so no real device gets one.
    pub fn group_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.groups.iter().map(|g| g.config.index)
    }

    fn group(&self, index: u32) -> Option<&Group> {
        self.groups.iter().find(|g| g.config.index == index)
    }

    /// The mapped state of this connection of a device, or `None` when no rule maps it.
    fn mapped(&self, device: &Arc<ServerDevice>) -> Option<Arc<Mapped>> {
        if self.map.devices.is_empty() {
            return None;
        }
        let mut all = lock(&self.mapped);
        if let Some(m) = all.get(&device.index()) {
            if m.device.as_ptr() == Arc::as_ptr(device) {
                return Some(m.clone());
            }
        }
        let view = View::of(&self.map, device)?;
        let m = Arc::new(Mapped {
            device: Arc::downgrade(device),
            view: Arc::new(view),
            timers: Arc::new(Timers::default()),
        });
        all.insert(device.index(), m.clone());
        Some(m)
    }

    /// How clients see a real device.
    pub fn present(&self, device: &Arc<ServerDevice>) -> DeviceInfo {
        match self.mapped(device) {
            Some(m) => m.view.info.clone(),
            None => device.info().clone(),
        }
    }

    /// Every device and announced group as clients see them.
    pub fn present_all(&self, devices: &[Arc<ServerDevice>]) -> Vec<DeviceInfo> {
        let mut infos: Vec<DeviceInfo> = devices.iter().map(|d| self.present(d)).collect();
        infos.extend(
            self.groups
                .iter()
                .filter(|g| g.is_announced())
                .map(|g| g.info.clone()),
        );
        infos.sort_by_key(|i| i.index);
        infos
    }

    /// One device or announced group as clients see it.
    pub fn present_one(&self, index: u32, device: Option<Arc<ServerDevice>>) -> Option<DeviceInfo> {
        match device {
            Some(d) => Some(self.present(&d)),
            None => self
                .group(index)
                .filter(|g| g.is_announced())
                .map(|g| g.info.clone()),
        }
    }

    /// The events a newly connected device causes: its DeviceAdded as clients see it, and
    /// the DeviceAdded of each group it is the first member of.
    pub fn added(&self, device: &Arc<ServerDevice>) -> Vec<ServerEvent> {
        let mut events = vec![ServerEvent::DeviceAdded(self.present(device))];
        for g in &self.groups {
            if g.has_member(device) && g.announce() {
                events.push(ServerEvent::DeviceAdded(g.info.clone()));
            }
        }
        events
    }

    /// A device went away: its timed writers end with it.
    pub fn removed(&self, index: u32) {
        if let Some(m) = lock(&self.mapped).remove(&index) {
            m.timers.lock().halt_all();
        }
    }

    /// Whether a timed writer (a stroke, a hold) is running.
    pub fn any_timer_active(&self) -> bool {
        lock(&self.mapped).values().any(|m| m.timers.is_active())
    }

    /// Submits one message's outputs to a device or group (one batch per real device).
    /// `devices` gives the connected devices (for group members).
    pub fn submit_outputs(
        &self,
        index: u32,
        device: Option<Arc<ServerDevice>>,
        commands: &[(u32, OutputCommand)],
        devices: impl FnOnce() -> Vec<Arc<ServerDevice>>,
    ) -> Result<Submitted, ButtplugError> {
        if let Some(d) = device {
            return Ok(smallvec![(index, self.submit_device(&d, commands))]);
        }
        let Some(group) = self.group(index).filter(|g| g.is_announced()) else {
            return Err(ButtplugError::no_device(index));
        };
        group.check(commands).map_err(ButtplugError::from)?;
        Ok(group
            .members(&devices())
            .into_iter()
            .filter_map(|member| {
                let info = self.present(&member);
                let fanned = group.fan_out(&info, commands);
                (!fanned.is_empty()).then(|| (member.index(), self.submit_device(&member, &fanned)))
            })
            .collect())
    }

    /// Submits outputs to one real device, through its mapping if it has one.
    fn submit_device(
        &self,
        device: &Arc<ServerDevice>,
        commands: &[(u32, OutputCommand)],
    ) -> Result<Completion, DeviceError> {
        let Some(m) = self.mapped(device) else {
            return submit(device, commands);
        };
        for (feature, command) in commands {
            m.view.check(*feature, command)?;
        }
        let now = Instant::now();
        let mut batch = Vec::new();
        let mut starts = Vec::new();
        let mut state = m.timers.lock();
        for (feature, command) in commands {
            let Some(mf) = m.view.mapped.get(feature) else {
                // A direct command to a real output ends what a timer did to it.
                state.halt(&|k| route_feature(&m.view, k), &|f| f == *feature);
                batch.push((*feature, *command));
                continue;
            };
            let value = view::fraction(&mf.limits, mf.output, command.value);
            let source = if config::is_positional(mf.output) {
                let (previous, since) = state
                    .positions
                    .get(feature)
                    .map_or((0.0, None), |(p, t)| (*p, Some(now - *t)));
                state.positions.insert(*feature, (value, now));
                let duration = match command.duration {
                    Some(ms) => std::time::Duration::from_millis(u64::from(ms)),
                    None => since
                        .unwrap_or(translate::HOLD_GRACE)
                        .min(std::time::Duration::from_secs(1)),
                };
                Source::Position {
                    position: value,
                    previous,
                    duration,
                }
            } else {
                Source::Intensity(value)
            };
            for (i, route) in mf.routes.iter().enumerate() {
                let key = (*feature, i);
                match translate::translate(&route.target, &route.limits, source) {
                    Effect::Set(c) => batch.push((route.feature, c)),
                    Effect::SetFor { command, hold } => {
                        batch.push((route.feature, command));
                        if command.value == 0 {
                            state.clear_hold(key);
                        } else if let Some(generation) = state.set_hold(key, now + hold) {
                            starts.push((key, route.clone(), generation, false));
                        }
                    }
                    Effect::Stroke(None) => state.stop_stroke(key),
                    Effect::Stroke(Some(d)) => {
                        if let Some(generation) = state.set_stroke(key, d) {
                            starts.push((key, route.clone(), generation, true));
                        }
                    }
                }
            }
        }
        let completion = if batch.is_empty() {
            None
        } else {
            Some(submit(device, &batch)?)
        };
        drop(state);
        for (key, route, generation, stroke) in starts {
            let timers = m.timers.clone();
            let weak = m.device.clone();
            if stroke {
                self.runtime
                    .spawn(timers::run_stroke(timers, weak, key, route, generation));
            } else {
                self.runtime
                    .spawn(timers::run_hold(timers, weak, key, route, generation));
            }
        }
        match completion {
            Some(c) => Ok(c),
            // Only timed writers: the first stroke is written by its task at once.
            None => submit(device, &[]),
        }
    }

    /// Submits a stop of a device (one feature or all) or of a group (every member, or
    /// the members' outputs of the group feature's kind). Timed writers that the stop
    /// covers end first.
    pub fn submit_stop(
        &self,
        index: u32,
        device: Option<Arc<ServerDevice>>,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
        devices: impl FnOnce() -> Vec<Arc<ServerDevice>>,
    ) -> Result<Submitted, ButtplugError> {
        if let Some(d) = device {
            return Ok(self.stop_device(&d, feature, outputs, inputs));
        }
        let Some(group) = self.group(index).filter(|g| g.is_announced()) else {
            return Err(ButtplugError::no_device(index));
        };
        let kind = match feature {
            None => None,
            Some(f) => Some(
                group
                    .kind_of(f)
                    .ok_or(ButtplugError::from(DeviceError::UnknownFeature(f)))?,
            ),
        };
        let mut stops = Submitted::new();
        for member in group.members(&devices()) {
            match kind {
                None => stops.extend(self.stop_device(&member, None, outputs, inputs)),
                Some(kind) => {
                    let info = self.present(&member);
                    for f in info
                        .features
                        .iter()
                        .filter(|f| f.outputs.contains_key(&kind))
                    {
                        stops.extend(self.stop_device(&member, Some(f.index), outputs, false));
                    }
                }
            }
        }
        Ok(stops)
    }

    /// Stops every device (session end, shutdown, a client's StopAllDevices).
    pub fn submit_stop_all(
        &self,
        devices: &[Arc<ServerDevice>],
        outputs: bool,
        inputs: bool,
    ) -> Submitted {
        devices
            .iter()
            .flat_map(|d| self.stop_device(d, None, outputs, inputs))
            .collect()
    }

    fn stop_device(
        &self,
        device: &Arc<ServerDevice>,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
    ) -> Submitted {
        let index = device.index();
        let Some(m) = self.mapped(device) else {
            return smallvec![(index, device.submit_stop(feature, outputs, inputs))];
        };
        let mut state = m.timers.lock();
        match feature {
            None => {
                if outputs {
                    state.halt_all();
                }
                smallvec![(index, device.submit_stop(None, outputs, inputs))]
            }
            Some(f) => {
                let real = m.view.real_features(f);
                if outputs {
                    state.halt(&|k| route_feature(&m.view, k), &|rf| real.contains(&rf));
                    if m.view.mapped.contains_key(&f) {
                        state.positions.remove(&f);
                    }
                }
                let mapped = m.view.mapped.contains_key(&f);
                real.into_iter()
                    .map(|rf| {
                        (
                            index,
                            device.submit_stop(Some(rf), outputs, inputs && !mapped),
                        )
                    })
                    .collect()
            }
        }
    }
}

/// The real feature a timer's route drives.
fn route_feature(view: &View, key: timers::Key) -> u32 {
    view.mapped
        .get(&key.0)
        .and_then(|m| m.routes.get(key.1))
        .map_or(u32::MAX, |r| r.feature)
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping").field("map", &self.map).finish()
    }
}
