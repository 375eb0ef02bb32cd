//! Luvmazer: one 6-byte packet per feature, the step in the last byte.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};

fn vibe(motor: u8, s: u8) -> Op {
    w(Tx, &[0xA0, 0x01, 0x00, motor, 0x64, s])
}

#[tokio::test]
async fn finger_magic_vibration_and_rotation() {
    let t = toy("TKLM-W001-BT").await;
    assert_eq!(t.name(), "Luvmazer Finger Magic");
    assert_eq!(t.take(), vec![], "no handshake");
    let rotate = |s| w(Tx, &[0xA0, 0x0F, 0x00, 0x00, 0x64, s]);
    // 0.05 of 255 steps is ceil(12.75) = 13; 0.5 is ceil(127.5) = 128.
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            vibe(0, 0x00),
            vibe(0, 0x0D),
            vibe(0, 0x80),
            vibe(0, 0xFF),
            vibe(0, 0x00),
            rotate(0x00)
        ]
    );
    assert_eq!(
        play(&t, &[(1, Rotate, 0.5)]).await,
        vec![rotate(0x80), rotate(0x00)]
    );
}

#[tokio::test]
async fn cock_ring_addresses_each_motor() {
    let t = toy("TKLM-C003-BT").await;
    assert_eq!(
        play(&t, &[(0, Vibrate, 0.5), (1, Vibrate, 1.0)]).await,
        vec![vibe(0, 0x80), vibe(1, 0xFF), vibe(0, 0x00), vibe(1, 0x00)]
    );
}

#[tokio::test]
async fn interstellar_oscillation_and_constriction() {
    let t = toy("TKLM-C004-BT").await;
    assert_eq!(
        t.outputs(),
        vec![vec![Vibrate], vec![Oscillate], vec![Constrict]]
    );
    let oscillate = |s| w(Tx, &[0xA0, 0x06, 0x01, 0x00, 0x64, s]);
    let constrict = |l, s| w(Tx, &[0xA0, 0x0D, 0x00, 0x00, l, s]);
    assert_eq!(
        sweep(&t, 2, Constrict).await,
        vec![
            constrict(0x00, 0x00),
            constrict(0x14, 0x03),
            constrict(0x14, 0x1B),
            constrict(0x14, 0x36),
            vibe(0, 0x00),
            oscillate(0x00),
            constrict(0x00, 0x00)
        ]
    );
    assert_eq!(
        play(&t, &[(1, Oscillate, 0.5)]).await,
        vec![oscillate(0x80), oscillate(0x00)]
    );
}
