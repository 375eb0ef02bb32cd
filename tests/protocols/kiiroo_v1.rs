//! Kiiroo v1 (Pearl, Onyx): a handshake on `command` and `tx`, then ASCII `"n,\n"`; the
//! Onyx's positions are inverted and walked towards the goal.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Command, Rx, Tx};

use crate::harness::*;
use crate::sweep::*;

fn handshake() -> [Op; 3] {
    [
        Op::Subscribe(Rx),
        wr(Command, &[0x01, 0x00]),
        wr(Tx, &[0x30, 0x2C]),
    ]
}

#[tokio::test]
async fn pearl_levels() {
    let t = connect("PEARL", "Kiiroo Pearl", &handshake()).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            text(Tx, "0,\n"),
            text(Tx, "1,\n"),
            text(Tx, "2,\n"),
            text(Tx, "4,\n"),
            text(Tx, "0,\n"),
        ]
    );
}

#[tokio::test]
async fn onyx_positions_are_inverted_and_walked() {
    let t = connect("ONYX", "Kiiroo Onyx", &handshake()).await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration]]);
    // No time: straight there.
    t.move_to(1.0, 0).await;
    assert_eq!(t.take(), vec![text(Tx, "0,\n")]);
    // 200 ms from the top to the bottom: each step on the way, ending at the goal.
    t.move_to(0.0, 200).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut ops = Vec::new();
    while !ops.contains(&text(Tx, "4,\n")) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
        ops.extend(t.take());
    }
    let positions: Vec<u8> = ops
        .iter()
        .map(|op| match op {
            Op::Write(Tx, data, false) if data.len() == 3 && data[1..] == *b",\n" => data[0],
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(positions.last(), Some(&b'4'), "{positions:?}");
    assert!(positions.len() >= 2, "walked in steps: {positions:?}");
    assert!(positions.windows(2).all(|p| p[0] <= p[1]), "{positions:?}");
    // Idle: the position is sent again every 500 ms, until a stop.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(t.take().contains(&text(Tx, "4,\n")));
    t.stop().await;
    t.take();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(t.take(), vec![]);
}
