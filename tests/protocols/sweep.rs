//! Steps the protocol tests share: connecting a toy and checking what connecting wrote,
//! sweeping one output through 0, 0.05, 0.5 and 1.0 before a stop, and the chain of timed
//! moves of the Fleshlight Launch speed curve.
#![allow(dead_code)]

use plugwire::OutputType;

use crate::harness::*;

/// Connects a toy advertising `name`; checks the model it was recognised as and the
/// operations connecting performed.
pub async fn connect(name: &str, model: &str, handshake: &[Op]) -> Toy {
    let t = toy(name).await;
    assert_eq!(t.name(), model);
    assert_eq!(t.take(), handshake);
    t
}

/// Sets one output to 0, 0.05, 0.5 and 1.0, stops the toy, and returns what was written.
pub async fn sweep(t: &Toy, feature: u32, output: OutputType) -> Vec<Op> {
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(feature, output, v).await;
    }
    t.stop().await;
    t.take()
}

/// Timed moves chained from position 0, from the Launch facts (kiiroo-v2): client
/// position, duration in ms, then the position step (99 steps, truncated) and the speed
/// byte the curve gives for the distance from the previous move.
pub const LAUNCH_MOVES: [(f64, u32, u8, u8); 11] = [
    (0.0, 500, 0x00, 0x00),
    (1.0, 500, 0x63, 0x28),
    (0.0, 250, 0x00, 0x53),
    (0.506, 500, 0x32, 0x13),
    (0.0, 300, 0x00, 0x21),
    // Quick moves ask for more than 99.
    (1.0, 100, 0x63, 0xDB),
    (0.0, 500, 0x00, 0x28),
    (1.0, 1000, 0x63, 0x13),
    (0.0, 500, 0x00, 0x28),
    (0.051, 500, 0x05, 0x01),
    // No time at all: the fastest the byte can say.
    (0.506, 0, 0x32, 0xFF),
];

/// Performs [`LAUNCH_MOVES`], then a stop (which must not move the stroker); returns what
/// was written and the (position, speed) each packet should carry.
pub async fn launch_moves(t: &Toy) -> (Vec<Op>, Vec<(u8, u8)>) {
    for (position, ms, _, _) in LAUNCH_MOVES {
        t.move_to(position, ms).await;
    }
    t.stop().await;
    let expected = LAUNCH_MOVES.iter().map(|m| (m.2, m.3)).collect();
    (t.take(), expected)
}
