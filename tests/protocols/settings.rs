//! The command sequences protocol tests run: a value sweep of one output (0, 0.05, 0.5,
//! 1.0), or any list of settings, each followed by a stop.

use plugwire::OutputType;

use crate::harness::{Op, Toy};

/// Forgets the log, sets `output` of `feature` to 0, 0.05, 0.5 and 1.0 in turn, stops the
/// device, and returns everything written meanwhile.
pub async fn sweep(t: &Toy, feature: u32, output: OutputType) -> Vec<Op> {
    t.take();
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(feature, output, v).await;
    }
    t.stop().await;
    t.take()
}

/// Forgets the log, sets each (feature, output, value) in turn, stops the device, and
/// returns everything written meanwhile.
pub async fn play(t: &Toy, settings: &[(u32, OutputType, f64)]) -> Vec<Op> {
    t.take();
    for (feature, output, v) in settings {
        t.set(*feature, *output, *v).await;
    }
    t.stop().await;
    t.take()
}

/// What a device with a repeat-the-last-packet keepalive was sent, without the repeats:
/// consecutive duplicates are dropped, and so are leading copies of `before` (the packets
/// the device had before these commands).
pub fn without_repeats(mut ops: Vec<Op>, before: &[Op]) -> Vec<Op> {
    ops.dedup();
    let repeats = ops.iter().take_while(|op| before.contains(op)).count();
    ops.split_off(repeats)
}
