//! Umove: model from the name, the 16-byte state packet (vibration and position), timed
//! moves walked in 100 ms steps, heat packet.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;

fn state(counter: u32, vibrate: u16, position: u32) -> Op {
    let mut p = vec![0x5A, 0xA5, 0x55, 0x00];
    p.extend(vibrate.to_le_bytes());
    p.extend([0x01, 0x00]);
    p.extend(counter.to_le_bytes());
    p.extend(position.to_le_bytes());
    w(Tx, &p)
}

fn heat(t: u8) -> Op {
    w(
        Tx,
        &[
            0x5A, 0xA5, 0x55, 0x06, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, t, 0xFF,
        ],
    )
}

#[tokio::test]
async fn models_from_the_name() {
    for (name, model) in [
        ("UMMiB0123", "Umove Mira"),
        ("ALVxB77", "Umove Vero"),
        ("UMNxB1", "Umove Nexo"),
    ] {
        let t = toy(name).await;
        assert_eq!(t.name(), model);
    }
}

/// A Mira, past its connect: the keepalive's first packets are a stop's (the state packet
/// at rest, then heat off).
async fn mira() -> Toy {
    let t = toy("UMMiB0123").await;
    assert_eq!(t.take(), vec![state(0, 0, 0), heat(0)]);
    t
}

#[tokio::test]
async fn vibration_position_and_heat() {
    let t = mira().await;
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(0, Vibrate, v).await;
    }
    t.set(1, Position, 0.5).await;
    t.steps(2, Temperature, 40).await;
    assert_eq!(
        t.take(),
        vec![
            state(1, 0, 0),
            state(2, 500, 0),
            state(3, 5000, 0),
            state(4, 10000, 0),
            state(5, 10000, 316),
            heat(40),
        ]
    );
}

#[tokio::test]
async fn timed_moves_are_walked_in_steps() {
    let t = mira().await;
    t.set(0, Vibrate, 0.5).await;
    t.move_to(0.5, 300).await;
    // 316 in three steps of 105, the last one clamped to the goal.
    let ops = t.wait_ops(5).await;
    assert_eq!(
        ops,
        vec![
            state(1, 5000, 0),
            state(2, 5000, 105),
            state(3, 5000, 210),
            state(4, 5000, 315),
            state(5, 5000, 316),
        ]
    );
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[2] - at[1] >= Duration::from_millis(90), "{at:?}");
}

#[tokio::test]
async fn vero_is_a_longer_stroker_only() {
    let t = toy("ALVxB01").await;
    assert_eq!(t.outputs(), vec![vec![Position, HwPositionWithDuration]]);
    assert_eq!(t.take(), vec![]);
    t.set(1, Position, 1.0).await;
    assert_eq!(t.take(), vec![state(0, 0, 732)]);
}

#[tokio::test]
async fn the_last_packet_is_repeated() {
    let t = mira().await;
    t.set(0, Vibrate, 0.5).await;
    let ops = t.wait_ops(2).await;
    assert_eq!(ops[..2], [state(1, 5000, 0), state(1, 5000, 0)]);
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_millis(490), "{at:?}");
}
