//! The per-device task: the one place that writes to a device.
//!
//! It owns the device's output state and applies three rules:
//! - a command equal to the last one sent for that output writes nothing (dedup);
//! - inside the device's message gap, commands coalesce: the latest value per output wins
//!   and all changed outputs go to the protocol together at the end of the gap, so a burst
//!   never builds a queue;
//! - stop writes a zero for every stoppable output not already at zero, at once, gap or
//!   not, and ends input subscriptions.
//!
//! It also repeats packets for protocols that need a keepalive, and turns notifications
//! into input readings.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::time::Instant;

use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{
    HardwareCommand, Keepalive, OutputChange, OutputState, ProtocolHandler,
};
use crate::hardware::{HardwareDevice, HardwareError, HardwareEvent};

pub(crate) type Reply = oneshot::Sender<Result<(), DeviceError>>;

pub(crate) enum TaskCommand {
    Output {
        change: OutputChange,
        reply: Reply,
    },
    Stop {
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
        reply: Option<Reply>,
    },
    Subscribe {
        feature: u32,
        input: InputType,
        subscribe: bool,
        reply: Reply,
    },
}

/// What a device task tells the device manager.
#[derive(Clone, Debug, PartialEq)]
pub enum DeviceTaskEvent {
    Input {
        device: u32,
        feature: u32,
        input: InputType,
        value: i32,
    },
    /// The hardware went away; the task has ended.
    Disconnected { device: u32 },
}

type OutputKey = (u32, OutputType);

pub(crate) struct DeviceTask {
    pub index: u32,
    pub hw: Arc<dyn HardwareDevice>,
    pub handler: Arc<dyn ProtocolHandler>,
    pub features: Arc<Vec<DeviceFeature>>,
    pub gap: Duration,
    pub events: mpsc::UnboundedSender<DeviceTaskEvent>,
}

struct State {
    last_sent: HashMap<OutputKey, (i32, Option<u32>)>,
    current: OutputState,
    pending: BTreeMap<OutputKey, OutputChange>,
    waiting: Vec<Reply>,
    last_write: Option<Instant>,
    last_packets: Vec<HardwareCommand>,
    subscriptions: BTreeSet<(u32, InputType)>,
}

impl DeviceTask {
    pub(crate) fn spawn(self, commands: mpsc::UnboundedReceiver<TaskCommand>) {
        tokio::spawn(self.run(commands));
    }

    async fn run(self, mut commands: mpsc::UnboundedReceiver<TaskCommand>) {
        let mut hw_events = self.hw.events();
        let keepalive = self.handler.keepalive();
        let mut state = State {
            last_sent: HashMap::new(),
            current: OutputState::default(),
            pending: BTreeMap::new(),
            waiting: Vec::new(),
            last_write: None,
            last_packets: Vec::new(),
            subscriptions: BTreeSet::new(),
        };
        let mut next_keepalive = keepalive_interval(&keepalive).map(|i| Instant::now() + i);
        loop {
            let flush_at = (!state.pending.is_empty()).then(|| self.flush_deadline(&state));
            tokio::select! {
                biased;
                event = hw_events.recv() => match event {
                    Ok(HardwareEvent::Notification { endpoint, data }) => {
                        for (feature, input, value) in self.handler.parse_notification(endpoint, &data) {
                            if state.subscriptions.contains(&(feature, input)) {
                                let _ = self.events.send(DeviceTaskEvent::Input {
                                    device: self.index, feature, input, value,
                                });
                            }
                        }
                    }
                    Ok(HardwareEvent::Disconnected) | Err(broadcast::error::RecvError::Closed) => break,
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                },
                command = commands.recv() => {
                    let Some(command) = command else {
                        // Every handle is gone: the device was removed from the server.
                        self.stop_all(&mut state).await;
                        self.hw.disconnect().await;
                        return;
                    };
                    self.accept(&mut state, command).await;
                    // Take everything already queued before writing, so a backlog coalesces.
                    while let Ok(more) = commands.try_recv() {
                        self.accept(&mut state, more).await;
                    }
                    if !state.pending.is_empty() && self.flush_deadline(&state) <= Instant::now() {
                        self.flush(&mut state).await;
                    }
                }
                _ = sleep_until_opt(flush_at), if flush_at.is_some() => {
                    self.flush(&mut state).await;
                }
                _ = sleep_until_opt(next_keepalive), if next_keepalive.is_some() => {
                    self.keepalive(&mut state, &keepalive).await;
                    next_keepalive = keepalive_interval(&keepalive).map(|i| Instant::now() + i);
                }
            }
        }
        for reply in state.waiting.drain(..) {
            let _ = reply.send(Err(DeviceError::Removed));
        }
        let _ = self
            .events
            .send(DeviceTaskEvent::Disconnected { device: self.index });
    }

    fn flush_deadline(&self, state: &State) -> Instant {
        match state.last_write {
            Some(t) => t + self.gap,
            None => Instant::now(),
        }
    }

    async fn accept(&self, state: &mut State, command: TaskCommand) {
        match command {
            TaskCommand::Output { change, reply } => {
                let key = (change.feature, change.output);
                let same_as_sent =
                    state.last_sent.get(&key) == Some(&(change.value, change.duration));
                if same_as_sent && !state.pending.contains_key(&key) {
                    let _ = reply.send(Ok(()));
                    return;
                }
                state.pending.insert(key, change);
                state.waiting.push(reply);
            }
            TaskCommand::Stop {
                feature,
                outputs,
                inputs,
                reply,
            } => {
                let result = self.stop(state, feature, outputs, inputs).await;
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
            }
            TaskCommand::Subscribe {
                feature,
                input,
                subscribe,
                reply,
            } => {
                let _ = reply.send(self.subscribe(state, feature, input, subscribe).await);
            }
        }
    }

    /// Writes all pending changes that differ from what the device already has.
    async fn flush(&self, state: &mut State) {
        let pending = std::mem::take(&mut state.pending);
        let changes: Vec<OutputChange> = pending
            .into_values()
            .filter(|c| state.last_sent.get(&(c.feature, c.output)) != Some(&(c.value, c.duration)))
            .collect();
        let result = self.write_changes(state, &changes).await;
        for reply in state.waiting.drain(..) {
            let _ = reply.send(result.clone());
        }
    }

    async fn write_changes(
        &self,
        state: &mut State,
        changes: &[OutputChange],
    ) -> Result<(), DeviceError> {
        if changes.is_empty() {
            return Ok(());
        }
        for c in changes {
            state.current.set(c.feature, c.output, c.value);
        }
        let commands = self.handler.encode_outputs(changes, &state.current)?;
        for command in &commands {
            command.run(self.hw.as_ref()).await?;
        }
        state.last_write = Some(Instant::now());
        for c in changes {
            state
                .last_sent
                .insert((c.feature, c.output), (c.value, c.duration));
        }
        if !commands.is_empty() {
            state.last_packets = commands;
        }
        Ok(())
    }

    fn zero_changes(&self, feature: Option<u32>) -> Vec<OutputChange> {
        self.features
            .iter()
            .filter(|f| feature.is_none_or(|i| i == f.index))
            .flat_map(|f| {
                f.outputs
                    .keys()
                    .filter(|o| o.stops_at_zero())
                    .map(move |o| OutputChange {
                        feature: f.index,
                        output: *o,
                        value: 0,
                        duration: None,
                    })
            })
            .collect()
    }

    async fn stop(
        &self,
        state: &mut State,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
    ) -> Result<(), DeviceError> {
        let mut result = Ok(());
        if outputs {
            // Pending values for the stopped outputs are superseded by the stop.
            state
                .pending
                .retain(|(f, _), _| feature.is_some_and(|i| i != *f));
            if state.pending.is_empty() {
                for reply in state.waiting.drain(..) {
                    let _ = reply.send(Ok(()));
                }
            }
            // Outputs already known to be at zero need no write (as for any command).
            let zeros: Vec<OutputChange> = self
                .zero_changes(feature)
                .into_iter()
                .filter(|z| state.last_sent.get(&(z.feature, z.output)) != Some(&(0, None)))
                .collect();
            result = self.write_changes(state, &zeros).await;
        }
        if inputs {
            let subscribed: Vec<_> = state
                .subscriptions
                .iter()
                .filter(|(f, _)| feature.is_none_or(|i| i == *f))
                .copied()
                .collect();
            for (f, input) in subscribed {
                let r = self.subscribe(state, f, input, false).await;
                if result.is_ok() {
                    result = r;
                }
            }
        }
        result
    }

    async fn stop_all(&self, state: &mut State) {
        if let Err(e) = self.stop(state, None, true, true).await {
            tracing::warn!("device {}: stop failed: {e}", self.index);
        }
    }

    async fn subscribe(
        &self,
        state: &mut State,
        feature: u32,
        input: InputType,
        subscribe: bool,
    ) -> Result<(), DeviceError> {
        let key = (feature, input);
        if state.subscriptions.contains(&key) == subscribe {
            return Ok(());
        }
        let feature_def = self
            .features
            .iter()
            .find(|f| f.index == feature)
            .ok_or(DeviceError::UnknownFeature(feature))?;
        let commands = self
            .handler
            .subscribe_commands(feature_def, input, subscribe)?;
        for command in &commands {
            command.run(self.hw.as_ref()).await?;
        }
        if subscribe {
            state.subscriptions.insert(key);
        } else {
            state.subscriptions.remove(&key);
        }
        Ok(())
    }

    async fn keepalive(&self, state: &mut State, keepalive: &Keepalive) {
        let result: Result<(), HardwareError> = match keepalive {
            Keepalive::None => Ok(()),
            Keepalive::Packet(_, command) => command.run(self.hw.as_ref()).await,
            Keepalive::RepeatLast(interval) => {
                let idle = state.last_write.is_none_or(|t| t.elapsed() >= *interval);
                if !idle {
                    return;
                }
                if state.last_packets.is_empty() {
                    // Nothing sent yet: keep the device awake with a stop packet.
                    let zeros = self.zero_changes(None);
                    match self.handler.encode_outputs(&zeros, &state.current) {
                        Ok(commands) => state.last_packets = commands,
                        Err(e) => {
                            tracing::debug!("device {}: no keepalive packet: {e}", self.index);
                            return;
                        }
                    }
                }
                let mut r = Ok(());
                for command in &state.last_packets {
                    r = command.run(self.hw.as_ref()).await;
                    if r.is_err() {
                        break;
                    }
                }
                state.last_write = Some(Instant::now());
                r
            }
        };
        if let Err(e) = result {
            tracing::debug!("device {}: keepalive failed: {e}", self.index);
        }
    }
}

fn keepalive_interval(keepalive: &Keepalive) -> Option<Duration> {
    match keepalive {
        Keepalive::None => None,
        Keepalive::RepeatLast(i) | Keepalive::Packet(i, _) => Some(*i),
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
