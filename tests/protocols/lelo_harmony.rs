//! Lelo Harmony: the whitelist pairing on connect, then one 10-byte packet per feature.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Tx, Whitelist};

use crate::harness::*;
use crate::settings::{play, sweep};

fn motor(index: u8, s: u8) -> Op {
    w(
        Tx,
        &[0x0A, 0x12, index, 0x08, 0x00, 0x00, 0x00, 0x00, s, 0x00],
    )
}

#[tokio::test]
async fn pairing_writes_the_password_back_while_unsubscribed() {
    // The simulated toy reports "not paired", then its password A1 B2 C3 D4 E5 F6 07 18,
    // and "paired" (01 00 ..) once the password comes back.
    let t = toy("Tiani Harmony").await;
    assert_eq!(t.name(), "Lelo Tiani Harmony");
    assert_eq!(
        t.take(),
        vec![
            Op::Subscribe(Whitelist),
            Op::Unsubscribe(Whitelist),
            wr(Whitelist, &[0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18]),
            Op::Subscribe(Whitelist),
        ]
    );
}

/// A simulated Harmony hands out the password its spec's `key` names, as the F1s do.
#[tokio::test]
async fn a_simulated_harmony_hands_out_the_key_it_is_given() {
    let key = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
    let t = toy_with(plugwire::hardware::simulated::SimulatedDeviceSpec {
        name: "Tiani Harmony".into(),
        key: Some(key.to_vec()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        t.take(),
        vec![
            Op::Subscribe(Whitelist),
            Op::Unsubscribe(Whitelist),
            wr(Whitelist, &key),
            Op::Subscribe(Whitelist),
        ]
    );
}

#[tokio::test]
async fn each_motor_has_its_packet() {
    let t = toy("TianiHarmony").await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            motor(0x01, 0x00),
            motor(0x01, 0x05),
            motor(0x01, 0x32),
            motor(0x01, 0x64),
            motor(0x01, 0x00),
            motor(0x02, 0x00)
        ]
    );
    assert_eq!(
        play(&t, &[(1, Vibrate, 0.3), (0, Vibrate, 0.05)]).await,
        vec![
            motor(0x02, 0x1E),
            motor(0x01, 0x05),
            motor(0x01, 0x00),
            motor(0x02, 0x00)
        ]
    );
}

#[tokio::test]
async fn ida_wave_rotation() {
    let t = toy("Ida Wave").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Rotate]]);
    assert_eq!(
        sweep(&t, 1, Rotate).await,
        vec![
            motor(0x02, 0x00),
            motor(0x02, 0x05),
            motor(0x02, 0x32),
            motor(0x02, 0x64),
            motor(0x01, 0x00),
            motor(0x02, 0x00)
        ]
    );
}
