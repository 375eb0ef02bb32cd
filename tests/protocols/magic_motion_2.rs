//! MagicMotion generation 2: the same 17-byte packet with byte 5 = 0x0A, without response;
//! slot B stays 0 on single-motor toys.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::settings::{play, sweep};

fn packet(a: u8, b: u8) -> Op {
    w(
        Tx,
        &[
            0x10, 0xFF, 0x04, 0x0A, 0x32, 0x0A, 0x00, 0x04, 0x08, a, 0x64, 0x00, 0x04, 0x08, b,
            0x64, 0x01,
        ],
    )
}

#[tokio::test]
async fn single_motor_leaves_slot_b_at_zero() {
    let t = toy("Lipstick").await;
    assert_eq!(t.name(), "MagicMotion Awaken");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|a| packet(a, 0))
    );
}

#[tokio::test]
async fn two_motors_share_one_packet() {
    let t = toy("Eidolon").await;
    assert_eq!(
        play(&t, &[(0, Vibrate, 0.3), (1, Vibrate, 0.8)]).await,
        vec![packet(0x1E, 0x00), packet(0x1E, 0x50), packet(0x00, 0x00)]
    );
}

#[tokio::test]
async fn jive_oscillation_takes_slot_b() {
    let t = toy("CBT001").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate], vec![]]);
    assert_eq!(
        sweep(&t, 1, Oscillate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|b| packet(0, b))
    );
}

#[tokio::test]
async fn battery_is_the_ble_battery_level() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "Sword".into(),
        battery_level: Some(40),
        ..Default::default()
    })
    .await;
    t.take();
    assert!((t.battery().await - 0.40).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
