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

/// A client streaming speeds does not starve the mover: at a 75 ms gap, 28 speed commands
/// over 2 s still let the taps through while the stream lasts.
#[tokio::test]
async fn the_mover_taps_while_a_client_streams() {
    let t = toy_configured(
        plugwire::hardware::simulated::SimulatedDeviceSpec {
            name: "FM-G".into(),
            ..Default::default()
        },
        |b| b.default_message_gap_ms(75),
    )
    .await;
    t.take();
    for i in 0..28 {
        t.steps(0, Oscillate, 5 + (i % 3)).await;
        tokio::time::sleep(Duration::from_millis(70)).await;
    }
    let during = t.take();
    assert!(
        during.len() >= 6,
        "the mover should tap on and towards the speed during the stream: {during:?}"
    );
    assert_eq!(during[..2], on_off()[..], "switched on first");
}

/// The machine reports nothing: after a lost link it is believed to be doing what the
/// last connection asked, so the stop it gets on its return taps it off.
#[tokio::test]
async fn a_machine_that_comes_back_running_is_tapped_off_by_the_stop() {
    let t = toy("FM-G").await;
    t.set(0, Oscillate, 0.05).await;
    t.wait_ops(6).await;
    t.sim.drop_device();
    tokio::time::sleep(Duration::from_millis(100)).await;
    t.take();
    assert!(t.hw.restore(t.sim.address()));
    let deadline = tokio::time::Instant::now() + WAIT;
    let device = loop {
        if let Some(d) = t.client.devices().pop() {
            break d;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the machine never came back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // The server stops a device that comes back (its state is unknown) before any
    // command reaches it; a client's stop after that is answered once it is done.
    device.stop().await.expect("stop");
    let ops = t.take();
    let tail = &ops[ops.len().saturating_sub(2)..];
    assert!(
        ops.windows(2).any(|w| w == on_off().as_slice()),
        "the stop taps on/off: {tail:?}"
    );
    assert!(!t.server.device_manager().any_device_running());
}
