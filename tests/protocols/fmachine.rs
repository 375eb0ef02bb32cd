//! F-Machine: button packets (press, release) with a set-bit check byte, written with
//! response; 55 speed-down taps on connect; a mover taps on/off and speed every 200 ms.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::harness::*;
use crate::sweep::*;

/// A button packet: the command, 0x64, four zeros, "1234", seven zeros, the check byte.
fn button(command: u8, check: u8) -> Op {
    let mut p = vec![
        command, 0x64, 0x00, 0x00, 0x00, 0x00, 0x31, 0x32, 0x33, 0x34,
    ];
    p.extend([0x00; 7]);
    p.push(check);
    wr(Tx, &p)
}

// Check bytes: commands 0x01 and 0x02 have 17 set bits with the fixed bytes (17 / 3 + 177 =
// 0xB6); 0x03, 0x05 and 0x06 have 18 (222 - 18 = 0xCC).
fn on_off() -> Vec<Op> {
    vec![button(0x01, 0xB6), button(0x02, 0xB6)]
}
fn faster() -> Vec<Op> {
    vec![button(0x05, 0xCC), button(0x03, 0xCC)]
}
fn slower() -> Vec<Op> {
    vec![button(0x06, 0xCC), button(0x03, 0xCC)]
}

#[tokio::test]
async fn taps_towards_the_target_and_off() {
    let mut handshake = vec![Op::Subscribe(Rx)];
    for _ in 0..55 {
        handshake.extend(slower());
    }
    let t = connect("FM-G", "F-Machine Gigolo BT-R", &handshake).await;
    // 0.05 of 28 steps is step 2: on, then a speed-up tap per tick.
    t.set(0, Oscillate, 0.05).await;
    let ops = t.wait_ops(6).await;
    assert_eq!(ops, [on_off(), faster(), faster()].concat());
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(t.take(), ops, "no taps once at the target");
    // Stop switches it off at once; the mover then steps the remembered speed down.
    t.stop().await;
    let ops = t.wait_ops(6).await;
    assert_eq!(ops, [on_off(), slower(), slower()].concat());
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(t.take(), ops, "nothing more while off at speed 0");
}

#[tokio::test]
async fn models_by_name() {
    let t = toy("FM-T").await;
    assert_eq!(t.name(), "F-Machine Tremblr BT-R");
    assert_eq!(t.outputs(), vec![vec![Oscillate]]);
}
