//! The mailbox between a device's submitters and its device task.
//!
//! Submitting never waits: it happens under one short lock, in the caller's order, and
//! returns a [`Completion`] to await if the caller wants to know when the command reached
//! the device. What the mailbox holds is bounded by construction:
//! - outputs coalesce into one pending batch, one value per (feature, output): the latest
//!   wins, so a burst of any length occupies one slot per output;
//! - stops, input subscriptions and protocol writes wait in a control queue of at most
//!   [`CONTROL_LIMIT`] entries. A stop equal to the one before it shares its slot; a stop
//!   that finds the queue full becomes a full stop (every output and input: stopping more
//!   is the safe direction) that supersedes every queued stop and subscription. A
//!   subscription or protocol write that finds it full is refused with
//!   [`DeviceError::Busy`]. A stop is never refused while the device is there.
//!
//! Order: a stop removes the pending outputs it covers when it is submitted, and the
//! device task takes queued controls before the pending batch, so a stop is never
//! overtaken by an earlier command nor a later command by the stop. A stop also jumps
//! every queued protocol query (a battery read's write, say): those run after it, so a
//! stop never waits behind a queue of reads. The task takes controls one at a time, so a
//! stop submitted while it works through earlier controls is next.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use tokio::sync::{Notify, watch};

use crate::device::error::DeviceError;
use crate::device::feature::{InputType, OutputType};
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::device::toy_model::Writer;
use crate::poison::lock;

/// Most stops, subscriptions and protocol writes waiting for one device.
pub const CONTROL_LIMIT: usize = 256;

pub(crate) type Outcome = Result<(), DeviceError>;
pub(crate) type OutputKey = (u32, OutputType);

/// Resolves when the command it was returned for has reached the device (or failed). Any
/// number of submitters share one completion per batch.
#[derive(Clone, Debug)]
pub struct Completion(watch::Receiver<Option<Outcome>>);

impl Completion {
    /// The outcome if the command has already reached the device (or failed), without
    /// waiting.
    pub fn outcome(&self) -> Option<Outcome> {
        self.0.borrow().clone()
    }

    /// Whether `other` is the completion of the same batch (no lock, no count taken).
    pub fn same_batch(&self, other: &Completion) -> bool {
        self.0.same_channel(&other.0)
    }

    pub async fn wait(mut self) -> Outcome {
        // Outside tokio's cooperative budget: the wait resolves once, when the device task
        // sends the outcome, and never loops, so it cannot starve its task. Inside the
        // budget, a transport waiting on thousands of pipelined replies polled each one
        // about ten times: once the budget ran out, every woken wait was refused, woke
        // itself and went round again (callgrind: 9.6 polls per command).
        let outcome = tokio::task::unconstrained(self.0.wait_for(Option::is_some))
            .await
            .ok()
            .and_then(|v| v.clone());
        // A sender dropped without an outcome means the device task ended.
        outcome.unwrap_or(Err(DeviceError::Removed))
    }
}

/// The device task's side of a completion.
pub(crate) struct Done(watch::Sender<Option<Outcome>>);

impl Done {
    fn new() -> Done {
        Done(watch::Sender::new(None))
    }

    fn completion(&self) -> Completion {
        Completion(self.0.subscribe())
    }

    pub(crate) fn finish(self, outcome: Outcome) {
        self.0.send_replace(Some(outcome));
    }
}

/// A completion and the side that finishes it, for tests of what waits on one.
#[cfg(test)]
pub(crate) fn done_and_completion() -> (Done, Completion) {
    let done = Done::new();
    let completion = done.completion();
    (done, completion)
}

/// What the device task does besides writing output batches, in submission order.
pub(crate) enum Control {
    Stop {
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
        done: Done,
        /// Completions of earlier commands this stop made moot; finished with it.
        superseded: Vec<Done>,
    },
    Subscribe {
        feature: u32,
        input: InputType,
        subscribe: bool,
        done: Done,
    },
    /// A write (or subscription) a protocol makes on its own, e.g. a battery query.
    Hardware {
        command: HardwareCommand,
        done: Done,
    },
}

impl Control {
    #[cfg(test)]
    fn is_full_stop(&self) -> bool {
        matches!(
            self,
            Control::Stop {
                feature: None,
                outputs: true,
                inputs: true,
                ..
            }
        )
    }
}

/// What the device task should do next.
pub(crate) enum Next {
    Control(Control),
    Batch(Vec<(OutputChange, Writer)>, Done),
    /// Nothing to do now; `batch_waiting` says a batch waits for the gap to pass.
    Idle {
        batch_waiting: bool,
    },
    /// The server let the device go (every handle dropped).
    Released,
}

#[derive(Default)]
struct Inbox {
    closed: Option<DeviceError>,
    released: bool,
    batch: BTreeMap<OutputKey, (OutputChange, Writer)>,
    batch_done: Option<Done>,
    controls: VecDeque<Control>,
}

#[derive(Default)]
pub(crate) struct Mailbox {
    inbox: Mutex<Inbox>,
    wake: Notify,
}

impl Mailbox {
    fn open(&self) -> Result<std::sync::MutexGuard<'_, Inbox>, DeviceError> {
        let inbox = lock(&self.inbox);
        match &inbox.closed {
            Some(e) => Err(e.clone()),
            None => Ok(inbox),
        }
    }

    /// Submits output changes as one batch (latest value per output wins).
    pub(crate) fn submit_outputs(
        &self,
        changes: impl IntoIterator<Item = OutputChange>,
    ) -> Result<Completion, DeviceError> {
        self.submit_outputs_by(changes, Writer::Command)
    }

    /// Submits output changes as one batch, written by `by` (a playback, say).
    pub(crate) fn submit_outputs_by(
        &self,
        changes: impl IntoIterator<Item = OutputChange>,
        by: Writer,
    ) -> Result<Completion, DeviceError> {
        let completion = {
            let mut inbox = self.open()?;
            for change in changes {
                inbox
                    .batch
                    .insert((change.feature, change.output), (change, by));
            }
            inbox.batch_done.get_or_insert_with(Done::new).completion()
        };
        self.wake.notify_one();
        Ok(completion)
    }

    /// Submits a stop of one feature or all, outputs and/or inputs.
    pub(crate) fn submit_stop(
        &self,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
    ) -> Result<Completion, DeviceError> {
        let completion = {
            let mut inbox = self.open()?;
            inbox.stop(feature, outputs, inputs)
        };
        self.wake.notify_one();
        Ok(completion)
    }

    /// Submits an input subscription change.
    pub(crate) fn submit_subscribe(
        &self,
        feature: u32,
        input: InputType,
        subscribe: bool,
    ) -> Result<Completion, DeviceError> {
        self.submit_control(|done| Control::Subscribe {
            feature,
            input,
            subscribe,
            done,
        })
    }

    /// Submits a protocol's own hardware operation (run in order, after the gap).
    pub(crate) fn submit_hardware(
        &self,
        command: HardwareCommand,
    ) -> Result<Completion, DeviceError> {
        self.submit_control(|done| Control::Hardware { command, done })
    }

    fn submit_control(
        &self,
        make: impl FnOnce(Done) -> Control,
    ) -> Result<Completion, DeviceError> {
        let completion = {
            let mut inbox = self.open()?;
            if inbox.controls.len() >= CONTROL_LIMIT {
                return Err(DeviceError::Busy(CONTROL_LIMIT));
            }
            let done = Done::new();
            let completion = done.completion();
            inbox.controls.push_back(make(done));
            completion
        };
        self.wake.notify_one();
        Ok(completion)
    }

    /// Whether the task has ended (its commands fail).
    pub(crate) fn is_closed(&self) -> bool {
        lock(&self.inbox).closed.is_some()
    }

    /// The server lets the device go: the task stops it, disconnects and ends.
    pub(crate) fn release(&self) {
        lock(&self.inbox).released = true;
        self.wake.notify_one();
    }

    /// The task ended: every waiting command fails with `reason`, later ones too.
    pub(crate) fn close(&self, reason: DeviceError) {
        let (controls, batch_done) = {
            let mut inbox = lock(&self.inbox);
            inbox.closed = Some(reason.clone());
            inbox.batch.clear();
            (std::mem::take(&mut inbox.controls), inbox.batch_done.take())
        };
        if let Some(done) = batch_done {
            done.finish(Err(reason.clone()));
        }
        for control in controls {
            control.finish(Err(reason.clone()));
        }
    }

    /// For the device task: what to do next. Queued controls come before the pending
    /// batch; the batch is handed out only when `gap_passed`.
    pub(crate) fn next(&self, gap_passed: bool) -> Next {
        let mut inbox = lock(&self.inbox);
        if let Some(control) = inbox.controls.pop_front() {
            return Next::Control(control);
        }
        if inbox.released {
            return Next::Released;
        }
        if inbox.batch.is_empty() {
            // Everything in the batch was superseded (or dropped as a duplicate).
            if let Some(done) = inbox.batch_done.take() {
                done.finish(Ok(()));
            }
            return Next::Idle {
                batch_waiting: false,
            };
        }
        if !gap_passed {
            return Next::Idle {
                batch_waiting: true,
            };
        }
        let changes = std::mem::take(&mut inbox.batch).into_values().collect();
        let done = inbox.batch_done.take().unwrap_or_else(Done::new);
        Next::Batch(changes, done)
    }

    /// Waits until something is submitted (or the device is released).
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }
}

impl Inbox {
    fn stop(&mut self, feature: Option<u32>, outputs: bool, inputs: bool) -> Completion {
        let mut superseded = Vec::new();
        if outputs {
            // Pending values for the stopped outputs are overtaken by the stop.
            self.batch
                .retain(|(f, _), _| feature.is_some_and(|i| i != *f));
            if self.batch.is_empty() {
                superseded.extend(self.batch_done.take());
            }
        }
        // Queued protocol queries wait behind the stop.
        let queries = self.take_queries();
        let completion = self.push_stop(feature, outputs, inputs, superseded);
        self.controls.extend(queries);
        completion
    }

    /// Takes the queued protocol writes (queries) out of the control queue, in order.
    fn take_queries(&mut self) -> VecDeque<Control> {
        let (queries, rest): (VecDeque<Control>, VecDeque<Control>) =
            std::mem::take(&mut self.controls)
                .into_iter()
                .partition(|c| matches!(c, Control::Hardware { .. }));
        self.controls = rest;
        queries
    }

    /// Queues a stop after the other stops and subscriptions.
    fn push_stop(
        &mut self,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
        mut superseded: Vec<Done>,
    ) -> Completion {
        if let Some(Control::Stop {
            feature: f,
            outputs: o,
            inputs: i,
            done,
            superseded: earlier,
        }) = self.controls.back_mut()
        {
            if (*f, *o, *i) == (feature, outputs, inputs) {
                earlier.append(&mut superseded);
                return done.completion();
            }
        }
        let (feature, outputs, inputs) = if self.controls.len() >= CONTROL_LIMIT {
            // Full: stop everything instead; queued stops and subscriptions are moot.
            for control in std::mem::take(&mut self.controls) {
                superseded.extend(control.into_dones());
            }
            (None, true, true)
        } else {
            (feature, outputs, inputs)
        };
        let done = Done::new();
        let completion = done.completion();
        let stop = Control::Stop {
            feature,
            outputs,
            inputs,
            done,
            superseded,
        };
        self.controls.push_back(stop);
        completion
    }
}

impl Control {
    fn into_dones(self) -> Vec<Done> {
        match self {
            Control::Stop {
                done, superseded, ..
            } => std::iter::once(done).chain(superseded).collect(),
            Control::Subscribe { done, .. } | Control::Hardware { done, .. } => vec![done],
        }
    }

    /// Finishes this control and everything it superseded.
    pub(crate) fn finish(self, outcome: Outcome) {
        for done in self.into_dones() {
            done.finish(outcome.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vibrate(feature: u32, value: i32) -> OutputChange {
        OutputChange {
            feature,
            output: OutputType::Vibrate,
            value,
            duration: None,
        }
    }

    #[test]
    fn outputs_coalesce_latest_wins() {
        let m = Mailbox::default();
        for v in 0..1000 {
            m.submit_outputs([vibrate(0, v)]).unwrap();
        }
        m.submit_outputs([vibrate(1, 3)]).unwrap();
        match m.next(true) {
            Next::Batch(changes, _) => assert_eq!(
                changes,
                vec![
                    (vibrate(0, 999), Writer::Command),
                    (vibrate(1, 3), Writer::Command)
                ]
            ),
            _ => panic!("expected a batch"),
        }
    }

    #[test]
    fn stop_removes_earlier_outputs_and_comes_first() {
        let m = Mailbox::default();
        m.submit_outputs([vibrate(0, 5), vibrate(1, 5)]).unwrap();
        m.submit_stop(Some(0), true, true).unwrap();
        m.submit_outputs([vibrate(2, 7)]).unwrap();
        assert!(matches!(m.next(true), Next::Control(Control::Stop { .. })));
        match m.next(true) {
            Next::Batch(changes, _) => assert_eq!(
                changes,
                vec![
                    (vibrate(1, 5), Writer::Command),
                    (vibrate(2, 7), Writer::Command)
                ]
            ),
            _ => panic!("expected a batch"),
        }
    }

    #[test]
    fn full_queue_refuses_subscriptions_but_never_a_stop() {
        let m = Mailbox::default();
        for i in 0..CONTROL_LIMIT {
            m.submit_subscribe(i as u32, InputType::Battery, i % 2 == 0)
                .unwrap();
        }
        assert_eq!(
            m.submit_subscribe(0, InputType::Battery, true).unwrap_err(),
            DeviceError::Busy(CONTROL_LIMIT)
        );
        m.submit_stop(Some(3), true, false).unwrap();
        match m.next(true) {
            Next::Control(c) => assert!(c.is_full_stop()),
            _ => panic!("expected the widened stop"),
        }
        assert!(
            matches!(m.next(true), Next::Idle { .. }),
            "nothing else is left"
        );
    }

    #[test]
    fn a_stop_jumps_queued_queries() {
        let m = Mailbox::default();
        let query =
            || HardwareCommand::write(crate::hardware::Endpoint::Tx, b"Battery;".to_vec(), false);
        m.submit_subscribe(0, InputType::Battery, true).unwrap();
        for _ in 0..100 {
            m.submit_hardware(query()).unwrap();
        }
        m.submit_stop(None, true, true).unwrap();
        assert!(matches!(
            m.next(true),
            Next::Control(Control::Subscribe { .. })
        ));
        assert!(matches!(m.next(true), Next::Control(Control::Stop { .. })));
        for _ in 0..100 {
            assert!(matches!(
                m.next(true),
                Next::Control(Control::Hardware { .. })
            ));
        }
        assert!(matches!(m.next(true), Next::Idle { .. }));
    }

    #[test]
    fn closed_mailbox_fails_everything() {
        let m = Mailbox::default();
        let pending = m.submit_outputs([vibrate(0, 1)]).unwrap();
        m.close(DeviceError::Removed);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(rt.block_on(pending.wait()), Err(DeviceError::Removed));
        assert!(m.submit_stop(None, true, true).is_err());
    }

    /// A transport waiting on thousands of pipelined replies that complete at once polls
    /// each wait once more, not once per refusal of tokio's cooperative budget (it polled
    /// each about ten times: 200,000 polls for 20,700 commands).
    #[test]
    fn many_waits_finished_at_once_are_polled_once_more_each() {
        use futures_util::StreamExt;
        use futures_util::stream::FuturesUnordered;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        use crate::counted_polls::Counted;

        const WAITS: usize = 2_000;
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let polls = Arc::new(AtomicUsize::new(0));
        let done = Done::new();
        let mut waits: FuturesUnordered<_> = (0..WAITS)
            .map(|_| Counted(Box::pin(done.completion().wait()), polls.clone()))
            .collect();
        let finished = rt.block_on(async move {
            // Every wait polled once and pending, then all finished by one outcome.
            assert!(futures_util::FutureExt::now_or_never(waits.next()).is_none());
            done.finish(Ok(()));
            let mut finished = 0;
            while let Some(outcome) = waits.next().await {
                assert_eq!(outcome, Ok(()));
                finished += 1;
            }
            finished
        });
        assert_eq!(finished, WAITS);
        assert_eq!(polls.load(Ordering::Relaxed), 2 * WAITS);
    }
}
