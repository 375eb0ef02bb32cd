//! MyMuse Link Plus: a short buzz at connect, then speeds 1..3 or the off packet.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

const OFF: [u8; 8] = [0xAA, 0x55, 0x06, 0xAA, 0x00, 0x00, 0x00, 0x00];

fn speed(s: u8) -> Op {
    w(Tx, &[0xAA, 0x55, 0x06, 0x01, 0x01, 0x01, s, 0xFF])
}

#[tokio::test]
async fn connect_buzzes_for_200_ms() {
    connect("MM Massager", "MyMuse Link Plus", &[speed(1), w(Tx, &OFF)]).await;
}

#[tokio::test]
async fn the_buzz_lasts_200_ms() {
    let t = toy("MM Massager").await;
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert_eq!(at.len(), 2);
    assert!(at[1] - at[0] >= Duration::from_millis(190), "{at:?}");
}

#[tokio::test]
async fn each_step_is_a_speed() {
    let t = toy("MM Massager").await;
    t.take();
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![w(Tx, &OFF), speed(1), speed(2), speed(3), w(Tx, &OFF)]
    );
}
