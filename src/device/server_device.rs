//! A connected device as the server holds it: its client-visible description, checks on
//! every command, and the channel to its device task.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use smallvec::SmallVec;
use tokio::sync::mpsc;

use crate::device::device_task::{DeviceTask, DeviceTaskEvent};
use crate::device::error::DeviceError;
use crate::device::feature::{InputCommand, InputType, OutputType};
use crate::device::mailbox::{Completion, Mailbox};
use crate::device::output_claims::{ClaimEnd, ClaimHolder, ClaimToken, OutputClaims, tell};
use crate::device::protocol::{OutputChange, ProtocolHandler};
use crate::device::routed_hardware::RoutedHardware;
use crate::device::toy_model::{LastValues, Writer};
use crate::hardware::{HardwareDevice, HardwareError};
use crate::spec::message::{DeviceInfo, OutputCommand};

/// An input command on its way: resolves with the value of a read, `None` otherwise.
pub type InputFuture = Pin<Box<dyn Future<Output = Result<Option<i32>, DeviceError>> + Send>>;

pub struct ServerDevice {
    info: DeviceInfo,
    address: String,
    connection: u64,
    protocol: String,
    /// The hardware as input reads see it: their writes go through the device task.
    routed: Arc<dyn HardwareDevice>,
    handler: Arc<dyn ProtocolHandler>,
    mailbox: Arc<Mailbox>,
    running: Arc<std::sync::atomic::AtomicBool>,
    /// Filled by the device task when it ends: every output's last value.
    last_values: Arc<std::sync::Mutex<LastValues>>,
    /// Set by the device task at each write: when its gap since then ends.
    gap_end: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    /// Outputs under playback; its lock orders playback writes, client commands and stops.
    claims: OutputClaims,
}

/// What the device manager needs to create a device.
pub struct NewDevice {
    pub info: DeviceInfo,
    pub address: String,
    /// The device manager's generation of this connection: events of an older connection
    /// of the same device never touch this one.
    pub connection: u64,
    pub protocol: String,
    pub hw: Arc<dyn HardwareDevice>,
    pub handler: Arc<dyn ProtocolHandler>,
    pub events: mpsc::Sender<DeviceTaskEvent>,
    /// Bound on each hardware operation.
    pub hw_timeout: Duration,
    /// What the previous connection to this toy last asked of it
    /// ([`ServerDevice::last_values`]); empty for a toy the server did not hold before.
    pub resume: LastValues,
}

impl Drop for ServerDevice {
    fn drop(&mut self) {
        // The server let the device go: its task stops it, disconnects and ends; its
        // playbacks end with it.
        let ended = {
            let mut claims = self.claims.lock();
            self.mailbox.release();
            claims.end(None)
        };
        tell(ended, self.info.index, ClaimEnd::Removed);
    }
}

/// A read with more to do after its first wait goes on as a task of its own, so it takes
/// its answer when the toy sends it however late its reply is awaited: a websocket
/// connection awaits its replies one at a time, in frame order, and the device's event
/// buffer would overflow under a stream of notifications meanwhile. Outside a runtime the
/// read runs as its reply is awaited.
fn on_its_own(read: InputFuture) -> InputFuture {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return read;
    };
    let task = runtime.spawn(read);
    Box::pin(async move {
        task.await.unwrap_or_else(|e| {
            Err(DeviceError::Hardware(HardwareError::Other(format!(
                "the read ended early: {e}"
            ))))
        })
    })
}

impl ServerDevice {
    /// Starts the device task and returns the device.
    pub async fn start(new: NewDevice) -> Arc<ServerDevice> {
        let mailbox = Arc::new(Mailbox::default());
        let running = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let last_values = Arc::new(std::sync::Mutex::new(Vec::new()));
        let gap_end = Arc::new(std::sync::Mutex::new(None));
        DeviceTask {
            index: new.info.index,
            connection: new.connection,
            hw: new.hw.clone(),
            handler: new.handler.clone(),
            features: new.info.features.clone(),
            gap: Duration::from_millis(u64::from(new.info.message_gap_ms)),
            hw_timeout: new.hw_timeout,
            mailbox: mailbox.clone(),
            events: new.events,
            running: running.clone(),
            resume: new.resume,
            last_values: last_values.clone(),
            gap_end: gap_end.clone(),
        }
        .start()
        .await;
        let routed = Arc::new(RoutedHardware {
            hw: new.hw.clone(),
            mailbox: mailbox.clone(),
            timeout: new.hw_timeout,
        });
        Arc::new(ServerDevice {
            info: new.info,
            address: new.address,
            connection: new.connection,
            protocol: new.protocol,
            routed,
            handler: new.handler,
            mailbox,
            running,
            last_values,
            gap_end,
            claims: OutputClaims::default(),
        })
    }

    /// Whether the device was last commanded to run (any output that a stop sets to zero
    /// is not at zero), as far as the device task has taken the commands.
    pub fn is_running(&self) -> bool {
        self.running.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Every output's last value as the device task left it when it ended (empty while
    /// it runs): what a later connection to the same toy resumes from.
    /// When the message gap since the device's last write ends (`None` before the first
    /// write, and always for a device without a gap): a write submitted earlier waits in
    /// the device task until then.
    pub fn gap_end(&self) -> Option<std::time::Instant> {
        *crate::poison::lock(&self.gap_end)
    }

    pub fn last_values(&self) -> LastValues {
        crate::poison::lock(&self.last_values).clone()
    }

    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }

    pub fn index(&self) -> u32 {
        self.info.index
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// Whether the device's task has ended (the link was lost or the device released).
    pub fn is_closed(&self) -> bool {
        self.mailbox.is_closed()
    }

    /// Which connection of the device this is (see [`NewDevice::connection`]).
    pub fn connection(&self) -> u64 {
        self.connection
    }

    pub fn protocol(&self) -> &str {
        &self.protocol
    }

    /// Checks a command against the feature and turns it into hardware steps.
    fn change(&self, feature: u32, command: OutputCommand) -> Result<OutputChange, DeviceError> {
        let output = command.output;
        let limits = self.info.output_limits(feature, output)?;
        // Checks the range (and overflow) before any arithmetic on the value.
        let Some(hardware_value) = limits.to_hardware(output, command.value) else {
            return Err(DeviceError::ValueOutOfRange {
                feature,
                output,
                value: command.value,
                lo: limits.value.0,
                hi: limits.value.1,
            });
        };
        let duration = match (output, command.duration, limits.duration) {
            (OutputType::HwPositionWithDuration, None, _) => {
                return Err(DeviceError::MissingDuration { output });
            }
            (_, Some(d), Some((lo, hi))) if d < lo || d > hi => {
                return Err(DeviceError::DurationOutOfRange {
                    feature,
                    duration: d,
                    lo,
                    hi,
                });
            }
            (_, d, _) => d,
        };
        Ok(OutputChange {
            feature,
            output,
            value: hardware_value,
            duration,
        })
    }

    /// Checks output commands and hands them to the device task as one batch, at once and
    /// in the caller's order; nothing is sent if any of them is invalid. The completion
    /// resolves once the values (or newer ones) have been written, or were already on the
    /// device. An output under playback refuses client commands
    /// ([`DeviceError::UnderPlayback`]).
    pub fn submit_outputs(
        &self,
        commands: &[(u32, OutputCommand)],
    ) -> Result<Completion, DeviceError> {
        // On the stack for the few outputs a command names (perf: one allocation per
        // pipelined command, in a Vec). Pushed one by one: collecting a `Result` into a
        // `SmallVec` went through its generic extend, about 290 instructions a command.
        let mut changes = SmallVec::<[OutputChange; 4]>::with_capacity(commands.len());
        for (feature, command) in commands {
            changes.push(self.change(*feature, *command)?);
        }
        let claims = self.claims.lock();
        if let Some(c) = changes.iter().find(|c| claims.claimed(c.feature, c.output)) {
            return Err(DeviceError::UnderPlayback {
                feature: c.feature,
                output: c.output,
            });
        }
        self.mailbox.submit_outputs(changes)
    }

    /// Claims an output for a playback: client commands to it are refused until the
    /// claim is released or a stop (or the device's removal) ends it; `holder` is told
    /// then.
    pub fn claim_output(
        &self,
        feature: u32,
        output: OutputType,
        holder: std::sync::Weak<dyn ClaimHolder>,
    ) -> Result<ClaimToken, DeviceError> {
        self.info.output_limits(feature, output)?;
        self.claims.claim(feature, output, holder)
    }

    /// Releases a claim (the playback ended on its own); nobody is told.
    pub fn release_claim(&self, token: &ClaimToken) {
        self.claims.release(token);
    }

    /// The one way a playback writes: a batch of values, each under its claim, checked and
    /// submitted in one step (see [`ServerDevice::submit_outputs`]). Values whose claim
    /// has ended are left out; [`DeviceError::PlaybackEnded`] when none holds.
    pub fn submit_claimed(
        &self,
        batch: &[(ClaimToken, OutputCommand)],
    ) -> Result<Completion, DeviceError> {
        let changes = batch
            .iter()
            .map(|(token, command)| Ok((token, self.change(token.feature, *command)?)))
            .collect::<Result<Vec<_>, DeviceError>>()?;
        let claims = self.claims.lock();
        let held: Vec<OutputChange> = changes
            .into_iter()
            .filter(|(token, _)| claims.holds(token))
            .map(|(_, change)| change)
            .collect();
        if held.is_empty() {
            return Err(DeviceError::playback_ended(batch));
        }
        self.mailbox.submit_outputs_by(held, Writer::Playback)
    }

    /// Sets one output; see [`ServerDevice::submit_outputs`].
    pub async fn output(&self, feature: u32, command: OutputCommand) -> Result<(), DeviceError> {
        self.submit_outputs(&[(feature, command)])?.wait().await
    }

    /// Submits a stop of outputs (one zero per stoppable output) and/or input
    /// subscriptions, of one feature or all. It overtakes nothing submitted after it and is
    /// overtaken by nothing submitted before it. Every stop path (a device stop, stop all,
    /// a session ending, shutdown) comes here: a stop of outputs ends the playback of the
    /// outputs it covers in the same step, so no playback value follows it.
    pub fn submit_stop(
        &self,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
    ) -> Result<Completion, DeviceError> {
        if let Some(f) = feature {
            self.info.feature(f)?;
        }
        let (submitted, ended) = {
            let mut claims = self.claims.lock();
            let submitted = self.mailbox.submit_stop(feature, outputs, inputs);
            let ended = if outputs {
                claims.end(feature)
            } else {
                Vec::new()
            };
            (submitted, ended)
        };
        tell(ended, self.info.index, ClaimEnd::Stopped);
        submitted
    }

    pub async fn stop(
        &self,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
    ) -> Result<(), DeviceError> {
        self.submit_stop(feature, outputs, inputs)?.wait().await
    }

    /// Submits a read, subscribe or unsubscribe of an input. A subscription change joins
    /// the device's command order; a read runs beside it (its query write goes through
    /// the device task) and resolves with the value.
    pub fn submit_input(
        &self,
        feature: u32,
        input: InputType,
        command: InputCommand,
    ) -> Result<InputFuture, DeviceError> {
        let f = self.info.feature(feature)?;
        let limits = f
            .input(input)
            .ok_or(DeviceError::UnsupportedInput { feature, input })?;
        if !limits.accepts(command) {
            return Err(DeviceError::UnsupportedInputCommand {
                feature,
                input,
                command,
            });
        }
        match command {
            InputCommand::Read => {
                let handler = self.handler.clone();
                let routed = self.routed.clone();
                let f = f.clone();
                // Bounded by its parts, each from when it reaches the hardware: the query's
                // write runs in the device task with the hardware bound (however long it
                // waited behind a stop or other queries), reads of the toy and the wait
                // for its answer have their own bounds.
                let mut read: InputFuture =
                    Box::pin(async move { handler.read_input(&routed, &f, input).await.map(Some) });
                // The read acts now, not when its reply is awaited: run up to its first
                // wait, so a query it writes joins the device's order at submission.
                let mut cx = Context::from_waker(std::task::Waker::noop());
                match read.as_mut().poll(&mut cx) {
                    Poll::Ready(result) => Ok(Box::pin(std::future::ready(result))),
                    Poll::Pending => Ok(on_its_own(read)),
                }
            }
            InputCommand::Subscribe | InputCommand::Unsubscribe => {
                let completion = self.mailbox.submit_subscribe(
                    feature,
                    input,
                    command == InputCommand::Subscribe,
                )?;
                Ok(Box::pin(
                    async move { completion.wait().await.map(|_| None) },
                ))
            }
        }
    }

    /// Reads, subscribes to or unsubscribes from an input. A read returns its value.
    pub async fn input(
        &self,
        feature: u32,
        input: InputType,
        command: InputCommand,
    ) -> Result<Option<i32>, DeviceError> {
        self.submit_input(feature, input, command)?.await
    }
}
