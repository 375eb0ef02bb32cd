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
    // 316 in three 100 ms steps on a straight line, arriving when the move's time is up.
    let ops = t.wait_ops(4).await;
    assert_eq!(
        ops,
        vec![
            state(1, 5000, 0),
            state(2, 5000, 105),
            state(3, 5000, 211),
            state(4, 5000, 316),
        ]
    );
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[2] - at[1] >= Duration::from_millis(90), "{at:?}");
}

/// A level set during a move rides on the move's packets: the keepalive then repeats the
/// last of them (not the packet from before the move), and the toy counts as stopped.
#[tokio::test]
async fn a_level_changed_during_a_move_is_what_the_keepalive_repeats() {
    let t = mira().await;
    t.set(0, Vibrate, 0.5).await;
    t.move_to(0.5, 300).await;
    t.set(0, Vibrate, 0.0).await;
    let ops = t.wait_ops(5).await;
    assert_eq!(
        ops,
        vec![
            state(1, 5000, 0),
            state(2, 0, 105),
            state(3, 0, 211),
            state(4, 0, 316),
            state(4, 0, 316),
        ],
        "the keepalive repeats the last step, at level 0 and at the goal"
    );
    assert!(!t.server.device_manager().any_device_running());
    t.take();
    // The level is known to be 0: the stop writes only the heater's zero.
    t.stop().await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = t.take();
    assert!(!after.is_empty());
    assert!(
        after.iter().all(|op| *op == heat(0)),
        "nothing but the stop's packet after the stop: {after:?}"
    );
}

/// A stop during a move whose level change has not ridden out yet writes the level's zero.
#[tokio::test]
async fn a_stop_during_a_move_writes_the_level_it_had_not_sent() {
    let t = mira().await;
    t.set(0, Vibrate, 0.5).await;
    t.move_to(1.0, 2000).await;
    t.set(0, Vibrate, 0.0).await;
    t.set(0, Vibrate, 0.3).await;
    t.stop().await;
    let after_stop = t.take();
    // The stop's packets: the state at level 0 where the stroker halted, the heater's 0.
    let n = after_stop.len();
    assert!(n >= 2, "{after_stop:?}");
    assert_eq!(after_stop[n - 1], heat(0));
    match &after_stop[n - 2] {
        Op::Write(_, data, _) => assert_eq!(data[3..6], [0, 0, 0], "level 0 in {data:02x?}"),
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let stop_packets = &after_stop[n - 2..];
    assert!(
        t.take().iter().all(|op| stop_packets.contains(op)),
        "after the stop only the stop's packets are repeated"
    );
    assert!(!t.server.device_manager().any_device_running());
}

/// A stop halts a timed move inside the protocol; the same move asked for again resumes
/// (it is not a duplicate of a position the stroker never reached).
#[tokio::test]
async fn the_same_move_after_a_stop_resumes() {
    let t = toy("ALVxB01").await;
    t.move_to(1.0, 1000).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    t.stop().await;
    t.take();
    t.move_to(1.0, 1000).await;
    let ops = t.wait_ops(3).await;
    assert!(ops.len() >= 3, "the move resumed after the stop: {ops:?}");
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
