//! The per-device task: the one place that writes to a device.
//!
//! It takes work from the device's [`Mailbox`] and applies these rules:
//! - queued controls (stops, subscriptions, a protocol's own writes) run before the pending
//!   output batch, in submission order; a stop goes out at once, gap or not;
//! - the pending batch (latest value per output) is written when the device's message gap
//!   has passed since the last write; the first command after a quiet gap goes out at
//!   once; outputs equal to what the device already has write nothing;
//! - every hardware operation has a timeout. A failed write leaves its outputs "unknown"
//!   (the next stop writes their zero, the next value is always written); a write that
//!   times out is treated as a lost link: the task disconnects the device and ends, and
//!   the device comes back (same index) when its manager finds it again;
//! - periodic writes (keepalive, protocol ticks such as movers and refreshes) happen here
//!   too, after the gap, and a stop ends them.
//!
//! It also turns notifications into input readings.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType};
use crate::device::mailbox::{Control, Mailbox, Next};
use crate::device::protocol::{HardwareCommand, Keepalive, OutputChange, ProtocolHandler};
use crate::device::toy_model::{Heard, LastValues, ToyModel, Writer};
use crate::hardware::{HardwareDevice, HardwareError, HardwareEvent};

/// Default bound on one hardware operation (write, subscribe, read).
pub const DEFAULT_HARDWARE_TIMEOUT: Duration = Duration::from_secs(3);

/// Most task events (input readings, removals) waiting for the device manager; readings
/// beyond it are dropped (counted in the log), removals always get through.
pub const TASK_EVENT_LIMIT: usize = 1024;

/// What a device task tells the device manager.
#[derive(Clone, Debug, PartialEq)]
pub enum DeviceTaskEvent {
    Input {
        device: u32,
        feature: u32,
        input: InputType,
        value: i32,
    },
    /// The hardware went away; the task of connection `connection` has ended.
    Disconnected { device: u32, connection: u64 },
}

pub(crate) struct DeviceTask {
    pub index: u32,
    /// Which connection of the device this task serves (the device manager's generation).
    pub connection: u64,
    pub hw: Arc<dyn HardwareDevice>,
    pub handler: Arc<dyn ProtocolHandler>,
    pub features: Arc<Vec<DeviceFeature>>,
    pub gap: Duration,
    pub hw_timeout: Duration,
    pub mailbox: Arc<Mailbox>,
    pub events: mpsc::Sender<DeviceTaskEvent>,
    /// Set while the picture of the toy says it may be running ([`ToyModel::running`]).
    pub running: Arc<std::sync::atomic::AtomicBool>,
    /// What a previous connection to this toy last asked of it (empty for a new toy).
    pub resume: LastValues,
    /// Where the task leaves every output's last value when it ends, for the next
    /// connection to the same toy.
    pub last_values: Arc<std::sync::Mutex<LastValues>>,
    /// When the gap since the last write ends (real time, for a player's precise timer).
    pub gap_end: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// What last wrote to the device, for taking turns between ticks and batches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Turn {
    #[default]
    Other,
    Batch,
    Tick,
}

struct State {
    model: ToyModel,
    /// When the hardware was last written (a write that wrote nothing does not count).
    last_write: Option<Instant>,
    /// When the task took the toy over from connecting, whose writes (a handshake, say)
    /// it did not make: a protocol's idle time counts from here until the task writes.
    connected: Instant,
    last_turn: Turn,
    subscriptions: BTreeSet<(u32, InputType)>,
}

impl State {
    fn new() -> State {
        State {
            model: ToyModel::default(),
            last_write: None,
            connected: Instant::now(),
            last_turn: Turn::default(),
            subscriptions: BTreeSet::new(),
        }
    }
}

/// Why the task ends.
enum End {
    /// The hardware went away or stopped answering.
    Lost(DeviceError),
    /// The server let the device go.
    Released,
}

impl DeviceTask {
    /// Starts the task. A protocol that keeps its device awake by repeating packets gets
    /// its first (stop) packet now, as part of connecting, as the reference sends it.
    pub(crate) async fn start(self) {
        // Listening starts before the task is handed out: a link lost from here on ends it.
        let hw_events = self.hw.events();
        let mut state = State::new();
        if !self.resume.is_empty() {
            // A toy that comes back: what it is doing is unknown until a stop or a
            // command is written; the protocol takes its beliefs from the last connection.
            state.model = ToyModel::resumed(&self.resume);
            self.handler.resume(&state.model.output_state());
        }
        self.publish_running(&state);
        if let Keepalive::RepeatLast(_) = self.handler.keepalive() {
            if let Err(e) = self.keepalive(&mut state, &self.handler.keepalive()).await {
                tracing::warn!("device {}: first keepalive packet failed: {e}", self.index);
            }
        }
        tokio::spawn(self.run(state, hw_events));
    }

    async fn run(self, mut state: State, mut hw_events: broadcast::Receiver<HardwareEvent>) {
        let keepalive = self.handler.keepalive();
        let tick = self.handler.tick_interval();
        let mut next_keepalive = self.next_keepalive(&state, &keepalive);
        let mut next_tick = tick.map(|i| Instant::now() + i);
        let end = loop {
            // Notifications never wait behind a stream of commands, nor commands behind them.
            if let Some(end) = self.drain_notifications(&mut hw_events, &state) {
                break end;
            }
            let now = Instant::now();
            let gap_passed = self.gap_passed(&state);
            let tick_due = gap_passed && next_tick.is_some_and(|t| t <= now);
            // Ticks and batches take turns: a due tick goes before a waiting batch when
            // the last write was a batch's, so a client's stream never starves a mover.
            let tick_turn = tick_due && state.last_turn == Turn::Batch;
            match self.mailbox.next(gap_passed && !tick_turn) {
                Next::Control(control) => {
                    if let Err(end) = self.run_control(&mut state, control).await {
                        break end;
                    }
                    continue;
                }
                Next::Batch(changes, done) => {
                    let result = self.write_changes(&mut state, &changes).await;
                    let lost = lost_link(&result);
                    done.finish(result);
                    if let Some(e) = lost {
                        break End::Lost(e);
                    }
                    continue;
                }
                Next::Released => break End::Released,
                Next::Idle { batch_waiting } => {
                    if tick_due {
                        if let Err(e) = self.tick(&mut state).await {
                            break End::Lost(e);
                        }
                        next_tick = tick.map(|i| Instant::now() + i);
                        continue;
                    }
                    if gap_passed && next_keepalive.is_some_and(|t| t <= now) {
                        if let Err(e) = self.keepalive(&mut state, &keepalive).await {
                            break End::Lost(e);
                        }
                        next_keepalive = self.next_keepalive(&state, &keepalive);
                        continue;
                    }
                    // Sleep until the next thing that may be due: a waiting batch, a tick
                    // or a keepalive (none before the gap ends), or anything submitted.
                    let gap_end = self.gap_end(&state);
                    let wake_at = [
                        batch_waiting.then_some(gap_end),
                        next_tick.map(|t| t.max(gap_end)),
                        next_keepalive.map(|t| t.max(gap_end)),
                    ]
                    .into_iter()
                    .flatten()
                    .min();
                    tokio::select! {
                        biased;
                        _ = self.mailbox.woken() => {}
                        _ = sleep_until_opt(wake_at), if wake_at.is_some() => {}
                        event = hw_events.recv() => {
                            if let Some(end) = self.on_hw_event(event, &state) {
                                break end;
                            }
                        }
                    }
                }
            }
        };
        *crate::poison::lock(&self.last_values) = state.model.values();
        match end {
            End::Released => {
                self.stop(&mut state, None, true, true).await.ok();
                self.mailbox.close(DeviceError::Removed);
                self.disconnect_hardware().await;
            }
            End::Lost(e) => {
                tracing::warn!("device {}: lost ({e}); disconnecting", self.index);
                self.mailbox.close(DeviceError::Removed);
                self.disconnect_hardware().await;
            }
        }
        // A removal must reach the device manager even when readings fill its queue.
        let _ = self
            .events
            .send(DeviceTaskEvent::Disconnected {
                device: self.index,
                connection: self.connection,
            })
            .await;
    }

    async fn disconnect_hardware(&self) {
        if tokio::time::timeout(self.hw_timeout, self.hw.disconnect())
            .await
            .is_err()
        {
            tracing::warn!("device {}: disconnect timed out", self.index);
        }
    }

    fn publish_running(&self, state: &State) {
        self.running
            .store(state.model.running(), std::sync::atomic::Ordering::Release);
    }

    /// When a keepalive is next due: a repeat-last one an interval after the last write,
    /// a packet one an interval from now.
    fn next_keepalive(&self, state: &State, keepalive: &Keepalive) -> Option<Instant> {
        match keepalive {
            Keepalive::None => None,
            Keepalive::RepeatLast(i) => Some(
                state
                    .last_write
                    .map_or_else(Instant::now, |t| t.max(Instant::now() - *i))
                    + *i,
            ),
            Keepalive::Packet(i, _) => Some(Instant::now() + *i),
        }
    }

    fn gap_end(&self, state: &State) -> Instant {
        match state.last_write {
            Some(t) => t + self.gap,
            None => Instant::now(),
        }
    }

    fn gap_passed(&self, state: &State) -> bool {
        state
            .last_write
            .is_none_or(|t| t + self.gap <= Instant::now())
    }

    /// The hardware was written (or a write was tried).
    fn wrote(&self, state: &mut State, turn: Turn) {
        state.last_write = Some(Instant::now());
        // Only a gap can hold a player's write back; a device without one skips the
        // lock and the clock read on every write.
        if !self.gap.is_zero() {
            *crate::poison::lock(&self.gap_end) = Some(std::time::Instant::now() + self.gap);
        }
        state.last_turn = turn;
    }

    fn drain_notifications(
        &self,
        events: &mut broadcast::Receiver<HardwareEvent>,
        state: &State,
    ) -> Option<End> {
        loop {
            match events.try_recv() {
                Ok(event) => {
                    if let Some(end) = self.on_hw_event(Ok(event), state) {
                        return Some(end);
                    }
                }
                Err(broadcast::error::TryRecvError::Empty) => return None,
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    tracing::debug!("device {}: {n} notifications dropped", self.index);
                }
                Err(broadcast::error::TryRecvError::Closed) => {
                    return Some(End::Lost(HardwareError::Disconnected.into()));
                }
            }
        }
    }

    fn on_hw_event(
        &self,
        event: Result<HardwareEvent, broadcast::error::RecvError>,
        state: &State,
    ) -> Option<End> {
        match event {
            Ok(HardwareEvent::Notification { endpoint, data }) => {
                for (feature, input, value) in self.handler.parse_notification(endpoint, &data) {
                    if state.subscriptions.contains(&(feature, input)) {
                        let reading = DeviceTaskEvent::Input {
                            device: self.index,
                            feature,
                            input,
                            value,
                        };
                        if self.events.try_send(reading).is_err() {
                            tracing::debug!("device {}: input reading dropped", self.index);
                        }
                    }
                }
                None
            }
            Ok(HardwareEvent::Disconnected) | Err(broadcast::error::RecvError::Closed) => {
                Some(End::Lost(HardwareError::Disconnected.into()))
            }
            Err(broadcast::error::RecvError::Lagged(_)) => None,
        }
    }

    async fn run_control(&self, state: &mut State, control: Control) -> Result<(), End> {
        let result = match &control {
            Control::Stop {
                feature,
                outputs,
                inputs,
                ..
            } => self.stop(state, *feature, *outputs, *inputs).await,
            Control::Subscribe {
                feature,
                input,
                subscribe,
                ..
            } => self.subscribe(state, *feature, *input, *subscribe).await,
            Control::Hardware { command, .. } => {
                self.wait_for_gap(state).await;
                // The query's bound starts here, when it reaches the hardware.
                let r = self.run_command(command).await;
                if matches!(command, HardwareCommand::Write { .. }) {
                    self.wrote(state, Turn::Other);
                }
                r
            }
        };
        let lost = lost_link(&result);
        control.finish(result);
        match lost {
            Some(e) => Err(End::Lost(e)),
            None => Ok(()),
        }
    }

    async fn wait_for_gap(&self, state: &State) {
        if !self.gap_passed(state) {
            tokio::time::sleep_until(self.gap_end(state)).await;
        }
    }

    /// Runs one hardware operation within the hardware timeout.
    async fn run_command(&self, command: &HardwareCommand) -> Result<(), DeviceError> {
        match tokio::time::timeout(self.hw_timeout, command.run(self.hw.as_ref())).await {
            Ok(r) => r.map_err(DeviceError::from),
            Err(_) => Err(HardwareError::Timeout.into()),
        }
    }

    async fn run_commands(&self, commands: &[HardwareCommand]) -> Result<(), DeviceError> {
        for command in commands {
            self.run_command(command).await?;
        }
        Ok(())
    }

    /// Writes the changes the toy does not have yet (all of them when unknown), each
    /// recorded as written by its writer.
    async fn write_changes(
        &self,
        state: &mut State,
        changes: &[(OutputChange, Writer)],
    ) -> Result<(), DeviceError> {
        let changes: Vec<(OutputChange, Writer)> = changes
            .iter()
            .filter(|(c, _)| !state.model.is_duplicate(c))
            .cloned()
            .collect();
        if changes.is_empty() {
            return Ok(());
        }
        let before: Vec<_> = changes
            .iter()
            .map(|(c, _)| {
                (
                    c.clone(),
                    state.model.record((c.feature, c.output)).copied(),
                )
            })
            .collect();
        for (c, by) in &changes {
            state.model.tell(c, *by);
        }
        let changes: Vec<OutputChange> = changes.into_iter().map(|(c, _)| c).collect();
        let current = state.model.output_state();
        let commands = match self.handler.encode_outputs(&changes, &current) {
            Ok(commands) => commands,
            Err(e) => {
                // Nothing was written: the toy still has what it had.
                for (change, record) in before {
                    state.model.restore(&change, record);
                }
                return Err(e);
            }
        };
        // A keepalive repeats what the toy was last sent, whether or not it heard it:
        // after a failed stop it retries the stop, never the level the stop replaced.
        state.model.sent_packets(&commands);
        self.publish_running(state);
        let result = self.run_commands(&commands).await;
        if !commands.is_empty() {
            self.wrote(state, Turn::Batch);
        }
        match &result {
            Ok(()) => {
                for c in &changes {
                    let heard = if self.handler.carried_later(c) {
                        Heard::Later
                    } else {
                        Heard::Yes
                    };
                    state.model.settle(c, heard);
                }
            }
            // Part of it may have reached the device: these outputs stay unknown, so the
            // next stop writes their zero and no value is skipped as a duplicate.
            Err(e) => tracing::warn!("device {}: write failed: {e}", self.index),
        }
        self.publish_running(state);
        result
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
            // Movers, timed moves and other protocol ticks end with the stop.
            self.handler.on_stop(feature);
            // Outputs known to be at zero need no write; unknown ones get their zero.
            let zeros: Vec<_> = self
                .zero_changes(feature)
                .into_iter()
                .map(|c| (c, Writer::Stop))
                .collect();
            result = self.write_changes(state, &zeros).await;
            if lost_link(&result).is_some() {
                return result;
            }
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
        let result = self.run_commands(&commands).await;
        // An unsubscribe that failed still ends the subscription for the client.
        if subscribe && result.is_ok() {
            state.subscriptions.insert(key);
        } else if !subscribe {
            state.subscriptions.remove(&key);
        }
        result
    }

    async fn keepalive(&self, state: &mut State, keepalive: &Keepalive) -> Result<(), DeviceError> {
        let result = match keepalive {
            Keepalive::None => Ok(()),
            Keepalive::Packet(_, command) => {
                let r = self.run_command(command).await;
                self.wrote(state, Turn::Other);
                r
            }
            Keepalive::RepeatLast(interval) => {
                let idle = state.last_write.is_none_or(|t| t.elapsed() >= *interval);
                if !idle {
                    return Ok(());
                }
                if state.model.last_packets().is_empty() {
                    // Nothing sent yet: keep the device awake with a stop packet.
                    let zeros = self.zero_changes(None);
                    match self
                        .handler
                        .encode_outputs(&zeros, &state.model.output_state())
                    {
                        Ok(commands) => state.model.sent_packets(&commands),
                        Err(e) => {
                            tracing::debug!("device {}: no keepalive packet: {e}", self.index);
                            return Ok(());
                        }
                    }
                }
                let packets = state.model.last_packets().to_vec();
                let r = self.run_commands(&packets).await;
                self.wrote(state, Turn::Other);
                r
            }
        };
        self.periodic_result(result)
    }

    /// The protocol's own write: written like any other, its reports recorded.
    async fn tick(&self, state: &mut State) -> Result<(), DeviceError> {
        // Connecting wrote to the toy just before the task started (a handshake, say): a
        // toy the task has not written yet has been idle since then, not forever.
        let idle = state.last_write.unwrap_or(state.connected).elapsed();
        let own = match self.handler.on_tick(&state.model.output_state(), idle) {
            Ok(own) if own.is_empty() => return Ok(()),
            Ok(own) => own,
            Err(e) => return self.periodic_result(Err(e)),
        };
        state.model.sent_packets(&own.commands);
        let result = self.run_commands(&own.commands).await;
        if !own.commands.is_empty() {
            self.wrote(state, Turn::Tick);
        }
        for report in &own.reports {
            match result {
                Ok(()) => state.model.reported(report),
                Err(_) => state.model.unknown((report.feature, report.output)),
            }
        }
        self.publish_running(state);
        self.periodic_result(result)
    }

    /// A periodic write that failed is logged; one that timed out means the link is lost.
    fn periodic_result(&self, result: Result<(), DeviceError>) -> Result<(), DeviceError> {
        match result {
            Ok(()) => Ok(()),
            Err(e) if is_lost(&e) => Err(e),
            Err(e) => {
                tracing::debug!("device {}: periodic write failed: {e}", self.index);
                Ok(())
            }
        }
    }
}

/// A timed-out or disconnected device is treated as a lost link.
fn is_lost(e: &DeviceError) -> bool {
    matches!(
        e,
        DeviceError::Hardware(HardwareError::Timeout | HardwareError::Disconnected)
    )
}

/// The error of a result that means the link is lost.
fn lost_link(result: &Result<(), DeviceError>) -> Option<DeviceError> {
    result.as_ref().err().filter(|e| is_lost(e)).cloned()
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
