//! The device task's picture of the toy: what each output was last told, by whom, and
//! whether the toy heard it.
//!
//! Everything that writes to a device goes through its task and updates this picture:
//! client batches and stops, the protocol's own writes (ticks, with their reports) and
//! keepalives. From it follow the task's decisions:
//! - a value is a duplicate (written again for nothing) only of what the toy really has;
//! - a repeat-last keepalive repeats the packets the toy was really last sent;
//! - the device is running while any output that a stop sets to zero is not known to be
//!   at zero;
//! - a stop writes the zero of every output not known to be at zero.

use std::collections::BTreeMap;

use crate::device::mailbox::OutputKey;
use crate::device::protocol::{HardwareCommand, OutputChange, OutputState, Reported};

/// Every output's last value, as one connection to a toy leaves them for the next.
pub type LastValues = Vec<((u32, crate::device::feature::OutputType), i32)>;

/// Who last set an output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    /// A command submitted to the device (a client, a playback, a mapping).
    Command,
    /// A stop.
    Stop,
    /// The protocol on its own (a tick's report).
    Protocol,
    /// A previous connection to the toy, before its link was lost.
    PreviousConnection,
}

/// Whether the toy has the value its record holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Written and acknowledged, or reported by the protocol.
    Yes,
    /// Accepted by the protocol, which carries it to the toy later (a tick reports it).
    Later,
    /// A write that failed or timed out, or a new connection: the toy may have anything.
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputRecord {
    pub value: i32,
    pub duration: Option<u32>,
    pub by: Writer,
    pub heard: Heard,
}

#[derive(Default)]
pub(crate) struct ToyModel {
    outputs: BTreeMap<OutputKey, OutputRecord>,
    /// The last output packets written (a batch, a stop or a protocol's own write):
    /// what a repeat-last keepalive sends again.
    last_packets: Vec<HardwareCommand>,
}

impl ToyModel {
    /// A model for a new connection to a toy whose previous connection asked `last` of
    /// it: every value is kept but unknown, so the device counts as running and the next
    /// stop writes every zero.
    pub(crate) fn resumed(last: &[((u32, crate::device::feature::OutputType), i32)]) -> ToyModel {
        let mut model = ToyModel::default();
        for ((feature, output), value) in last {
            model.outputs.insert(
                (*feature, *output),
                OutputRecord {
                    value: *value,
                    duration: None,
                    by: Writer::PreviousConnection,
                    heard: Heard::Unknown,
                },
            );
        }
        model
    }

    pub(crate) fn record(&self, key: OutputKey) -> Option<&OutputRecord> {
        self.outputs.get(&key)
    }

    /// Whether writing `change` would tell the toy nothing new: it has this value already.
    pub(crate) fn is_duplicate(&self, change: &OutputChange) -> bool {
        self.outputs
            .get(&(change.feature, change.output))
            .is_some_and(|r| {
                r.heard == Heard::Yes && r.value == change.value && r.duration == change.duration
            })
    }

    /// Records that `change` is being written by `by` (the toy may not have it yet).
    pub(crate) fn tell(&mut self, change: &OutputChange, by: Writer) {
        self.outputs.insert(
            (change.feature, change.output),
            OutputRecord {
                value: change.value,
                duration: change.duration,
                by,
                heard: Heard::Unknown,
            },
        );
    }

    /// The write of `change` ended: heard, carried later by the protocol, or unknown.
    pub(crate) fn settle(&mut self, change: &OutputChange, heard: Heard) {
        if let Some(r) = self.outputs.get_mut(&(change.feature, change.output)) {
            r.heard = heard;
        }
    }

    /// Puts back what an output's record was before a write that never happened.
    pub(crate) fn restore(&mut self, change: &OutputChange, record: Option<OutputRecord>) {
        let key = (change.feature, change.output);
        match record {
            Some(r) => {
                self.outputs.insert(key, r);
            }
            None => {
                self.outputs.remove(&key);
            }
        }
    }

    /// A protocol's own write to an output failed: the toy may have anything there.
    pub(crate) fn unknown(&mut self, key: OutputKey) {
        if let Some(r) = self.outputs.get_mut(&key) {
            r.heard = Heard::Unknown;
        }
    }

    /// A protocol's own write set an output on the toy.
    pub(crate) fn reported(&mut self, report: &Reported) {
        let key = (report.feature, report.output);
        match self.outputs.get_mut(&key) {
            // The value asked for has arrived (a move's goal, a level that rode on a step).
            Some(r) if r.value == report.value => r.heard = Heard::Yes,
            _ => {
                self.outputs.insert(
                    key,
                    OutputRecord {
                        value: report.value,
                        duration: None,
                        by: Writer::Protocol,
                        heard: Heard::Yes,
                    },
                );
            }
        }
    }

    /// The value every output was last told (0 when never), as protocols read it.
    pub(crate) fn output_state(&self) -> OutputState {
        let mut state = OutputState::default();
        for ((feature, output), r) in &self.outputs {
            state.set(*feature, *output, r.value);
        }
        state
    }

    /// Every output's last value, for a later connection to the same toy.
    pub(crate) fn values(&self) -> LastValues {
        self.outputs.iter().map(|(k, r)| (*k, r.value)).collect()
    }

    /// Whether the toy may be running: an output that a stop sets to zero was told a
    /// non-zero value, or the toy may not have the value it was told.
    pub(crate) fn running(&self) -> bool {
        self.outputs.iter().any(|((_, output), r)| {
            output.stops_at_zero() && (r.value != 0 || r.heard != Heard::Yes)
        })
    }

    pub(crate) fn last_packets(&self) -> &[HardwareCommand] {
        &self.last_packets
    }

    /// Output packets were written (or tried): a keepalive repeats them, whether or not
    /// the toy heard them, so after a failed stop it retries the stop.
    pub(crate) fn sent_packets(&mut self, packets: &[HardwareCommand]) {
        if packets
            .iter()
            .any(|p| matches!(p, HardwareCommand::Write { .. }))
        {
            self.last_packets = packets.to_vec();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::feature::OutputType;

    fn change(value: i32) -> OutputChange {
        OutputChange {
            feature: 0,
            output: OutputType::Vibrate,
            value,
            duration: None,
        }
    }

    #[test]
    fn only_what_the_toy_has_is_a_duplicate() {
        let mut m = ToyModel::default();
        assert!(!m.is_duplicate(&change(0)), "never written: unknown");
        m.tell(&change(5), Writer::Command);
        assert!(!m.is_duplicate(&change(5)), "not yet heard");
        m.settle(&change(5), Heard::Yes);
        assert!(m.is_duplicate(&change(5)));
        m.settle(&change(5), Heard::Later);
        assert!(!m.is_duplicate(&change(5)), "carried later");
        assert!(m.running());
    }

    #[test]
    fn a_protocol_report_changes_the_picture() {
        let mut m = ToyModel::default();
        m.tell(&change(5), Writer::Command);
        m.settle(&change(5), Heard::Yes);
        m.reported(&Reported {
            feature: 0,
            output: OutputType::Vibrate,
            value: 0,
        });
        assert!(!m.running(), "the protocol switched it off");
        assert!(!m.is_duplicate(&change(5)), "the toy no longer has 5");
        assert_eq!(
            m.record((0, OutputType::Vibrate)).unwrap().by,
            Writer::Protocol
        );
    }

    #[test]
    fn a_resumed_toy_is_unknown_and_running() {
        let m = ToyModel::resumed(&[((0, OutputType::Vibrate), 0)]);
        assert!(m.running(), "unknown until a stop or a command is written");
        assert!(!m.is_duplicate(&change(0)));
    }
}
