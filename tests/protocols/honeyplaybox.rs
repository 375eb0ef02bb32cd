//! Honey Play Box: handshake, signed all-motor frames with a running counter, the 500 ms
//! refresh, battery. The frames below are the fact sheet's, for the key 00 01 .. 0F the
//! simulated toy hands out. Neither the CRC nor the signature covers the counter (byte 6).

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, RxBleBattery, Tx};

use crate::harness::*;
use crate::test_kit::*;

const HANDSHAKE: [u8; 16] = [
    0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x00, 0xB1, 0x01, 0x00, 0x02, 0x00, 0x10, 0x03, 0x36, 0x86,
];
const OFF_CNT2: [u8; 30] = [
    0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x02, 0xB1, 0x03, 0x00, 0x10, 0x01, 0x00, 0x05, 0x00, 0x3C,
    0x00, 0x00, 0x00, 0xDA, 0x29, 0x60, 0x51, 0x6F, 0x4D, 0x87, 0x7B, 0x03, 0xF9, 0xF1,
];
const LOW_CNT3: [u8; 30] = [
    0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x03, 0xB1, 0x03, 0x00, 0x10, 0x01, 0x00, 0x05, 0x00, 0x3C,
    0x00, 0x00, 0x05, 0x3A, 0x71, 0x6C, 0x2A, 0x37, 0xFF, 0xAE, 0x37, 0x03, 0xC0, 0x50,
];
const MID_CNT4: [u8; 30] = [
    0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x04, 0xB1, 0x03, 0x00, 0x10, 0x01, 0x00, 0x05, 0x00, 0x3C,
    0x00, 0x00, 0x32, 0xB7, 0x4F, 0x89, 0xFE, 0x16, 0xDC, 0x0C, 0xD0, 0x03, 0x30, 0xD0,
];
const FULL_CNT5: [u8; 30] = [
    0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x05, 0xB1, 0x03, 0x00, 0x10, 0x01, 0x00, 0x05, 0x00, 0x3C,
    0x00, 0x00, 0x64, 0xF8, 0x65, 0xBC, 0x7F, 0xCC, 0x35, 0xF5, 0x46, 0x03, 0x48, 0xD9,
];

/// `frame` sent under another counter.
fn counted(frame: &[u8], counter: u8) -> Vec<u8> {
    let mut f = frame.to_vec();
    f[6] = counter;
    f
}

#[tokio::test]
async fn handshake_then_signed_frames() {
    let t = toy("HPB-0520").await;
    assert_eq!(t.name(), "Honey Play Box Pearl 2");
    assert_eq!(t.take(), vec![Op::Subscribe(Rx), wr(Tx, &HANDSHAKE)]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            wr(Tx, &OFF_CNT2),
            wr(Tx, &LOW_CNT3),
            wr(Tx, &MID_CNT4),
            wr(Tx, &FULL_CNT5),
            wr(Tx, &counted(&OFF_CNT2, 6)),
        ]
    );
}

#[tokio::test]
async fn two_motors_in_one_frame() {
    let t = toy("HPB-393").await;
    assert_eq!(t.name(), "Honey Play Box Oly");
    t.take();
    t.steps(0, Vibrate, 30).await;
    t.steps(1, Vibrate, 70).await;
    let oly = [
        0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x02, 0xB1, 0x03, 0x00, 0x18, 0x01, 0x00, 0x05, 0x00,
        0x3C, 0x00, 0x00, 0x1E, 0x11, 0x00, 0x05, 0x00, 0x3C, 0x00, 0x00, 0x46, 0xBF, 0x58, 0x07,
        0x0D, 0x6B, 0xA8, 0xCF, 0xB3, 0x03, 0xAA, 0x1A,
    ];
    assert_eq!(t.take()[1], wr(Tx, &counted(&oly, 3)));
}

#[tokio::test]
async fn idle_state_is_refreshed_every_half_second() {
    let t = toy("HPB-0520").await;
    t.take();
    t.set(0, Vibrate, 0.0).await;
    let ops = t.wait_ops(3).await;
    assert_eq!(
        ops,
        vec![
            wr(Tx, &OFF_CNT2),
            wr(Tx, &counted(&OFF_CNT2, 3)),
            wr(Tx, &counted(&OFF_CNT2, 4))
        ]
    );
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    for pair in at.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(450), "{at:?}");
        assert!(pair[1] - pair[0] <= Duration::from_millis(800), "{at:?}");
    }
}

/// Connecting wrote the handshake just before the device task took over: the first refresh
/// comes 500 ms after that, not at the task's first tick (100 ms) as if the toy had never
/// been written. A client's first command on a fresh toy so always carries counter 2,
/// however soon it comes. (On tokio's paused clock, so the machine's load cannot move the
/// refresh into the window.)
#[tokio::test(start_paused = true)]
async fn a_fresh_connection_is_not_refreshed_before_half_a_second() {
    let t = toy("HPB-0520").await;
    let connected = t.take();
    assert_eq!(connected, vec![Op::Subscribe(Rx), wr(Tx, &HANDSHAKE)]);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(t.take(), vec![], "refreshed within 350 ms of connecting");
    // The refresh of the (unknown, so zero) state comes after the half second.
    assert_eq!(t.wait_ops(1).await, vec![wr(Tx, &OFF_CNT2)]);
}

#[tokio::test]
async fn oscillate_and_rotate_share_the_frame() {
    let t = toy("HPB-376-1").await;
    assert_eq!(t.name(), "Honey Play Box Joi Thrust 2");
    assert_eq!(t.outputs()[..2], [vec![Rotate], vec![Oscillate]]);
    t.take();
    t.set(1, Oscillate, 0.05).await;
    // Motor 0 (rotation) at 0, motor 1 (position 1: 0x11) at 5.
    let ops = t.take();
    let Op::Write(Tx, frame, true) = &ops[0] else {
        panic!("{ops:?}");
    };
    assert_eq!(
        frame[..11],
        [
            0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x02, 0xB1, 0x03, 0x00, 0x18
        ]
    );
    assert_eq!(
        frame[11..27],
        [
            0x01, 0x00, 0x05, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x11, 0x00, 0x05, 0x00, 0x3C, 0x00,
            0x00, 0x05
        ]
    );
    assert_eq!(frame.len(), 38);
}

#[tokio::test]
async fn battery_byte() {
    let t = toy_battery("HONEY-835", 55).await;
    t.take();
    assert!((t.battery().await - 0.55).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}

/// A toy whose spec gives another session key hands that key out, and the frames are
/// signed with it: same motor data, another signature.
#[tokio::test]
async fn a_chosen_key_signs_the_frames() {
    let t = toy_with(plugwire::hardware::simulated::SimulatedDeviceSpec {
        name: "HPB-0520".into(),
        key: Some(vec![0xA5; 16]),
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Honey Play Box Pearl 2");
    t.take();
    t.set(0, Vibrate, 0.0).await;
    let ops = t.take();
    let Op::Write(Tx, frame, true) = &ops[0] else {
        panic!("{ops:?}");
    };
    assert_eq!(frame.len(), OFF_CNT2.len());
    // Header, counter, command and motor data as with the default key...
    assert_eq!(frame[..19], OFF_CNT2[..19]);
    // ...and a signature made with the chosen key.
    assert_ne!(frame[19..27], OFF_CNT2[19..27]);
}
