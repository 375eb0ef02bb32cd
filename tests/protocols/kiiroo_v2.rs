//! Kiiroo v2 (Fleshlight Launch): command mode on connect, then `[position, speed]` with
//! the speed from the Launch curve and the distance from the last position.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Firmware, Tx};

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn command_mode_on_connect() {
    let t = connect("Launch", "Fleshlight Launch", &[wr(Firmware, &[0x00])]).await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration]]);
    connect("Onyx2", "Kiiroo Onyx 2", &[wr(Firmware, &[0x00])]).await;
}

#[tokio::test]
async fn position_then_speed() {
    let t = toy("Launch").await;
    t.take();
    let (written, moves) = launch_moves(&t).await;
    let expected: Vec<Op> = moves.iter().map(|(p, s)| w(Tx, &[*p, *s])).collect();
    assert_eq!(written, expected);
}
