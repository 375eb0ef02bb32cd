//! OSSM: text commands on `tx` (with response). Oscillation drives the stroke engine's
//! speed; timed moves use streaming mode. Switching mode goes through the menu and sets
//! depth and stroke to full with the speed knob independent.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx, TxMode};

use crate::harness::*;

fn cmd(s: &str) -> Op {
    wr(Tx, s.as_bytes())
}

/// The writes that enter `mode` ("strokeEngine" or "streaming") from any other.
fn enter(mode: &str) -> Vec<Op> {
    let mut ops = vec![
        cmd("go:menu"),
        cmd(&format!("go:{mode}")),
        wr(TxMode, b"false"),
        cmd("set:depth:100"),
        cmd("set:stroke:100"),
    ];
    if mode == "streaming" {
        ops.push(cmd("set:speed:100"));
    }
    ops
}

#[tokio::test]
async fn stroke_engine_speed() {
    let t = toy("OSSM").await;
    assert_eq!(t.name(), "Kinky Makers OSSM");
    assert_eq!(t.outputs(), vec![vec![Oscillate, HwPositionWithDuration]]);
    assert_eq!(t.take(), vec![Op::Subscribe(Rx)]);
    // A zero before any mode does not switch modes: nothing is written.
    t.set(0, Oscillate, 0.0).await;
    assert_eq!(t.take(), vec![]);
    t.set(0, Oscillate, 0.05).await;
    let mut expected = enter("strokeEngine");
    expected.push(cmd("set:speed:5"));
    assert_eq!(t.take(), expected);
    t.set(0, Oscillate, 0.5).await;
    t.set(0, Oscillate, 1.0).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            cmd("set:speed:50"),
            cmd("set:speed:100"),
            cmd("set:speed:0")
        ]
    );
}

#[tokio::test]
async fn timed_moves_stream_and_modes_switch_back() {
    let t = toy("OSSM").await;
    t.take();
    t.move_to(0.5, 500).await;
    t.move_to(1.0, 250).await;
    t.move_to(0.059, 0).await;
    let mut expected = enter("streaming");
    expected.extend([
        cmd("stream:50:500"),
        cmd("stream:100:250"),
        cmd("stream:5:0"),
    ]);
    assert_eq!(t.take(), expected);
    // A stop while streaming sets the speed limit to 0 (a move may run for 100 s) and
    // the next move enters streaming again, restoring the limit.
    t.move_to(0.75, 100_000).await;
    t.stop().await;
    assert_eq!(t.take(), vec![cmd("stream:75:100000"), cmd("set:speed:0")]);
    t.move_to(0.5, 500).await;
    let mut expected = enter("streaming");
    expected.push(cmd("stream:50:500"));
    assert_eq!(t.take(), expected);
    t.set(0, Oscillate, 0.5).await;
    let mut expected = enter("strokeEngine");
    expected.push(cmd("set:speed:50"));
    assert_eq!(t.take(), expected);
    t.move_to(0.25, 1000).await;
    let mut expected = enter("streaming");
    expected.push(cmd("stream:25:1000"));
    assert_eq!(t.take(), expected);
}
