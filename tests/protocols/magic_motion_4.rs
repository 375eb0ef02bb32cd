//! MagicMotion generation 4: 17-byte packet with both motors, written with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::settings::{play, sweep};

fn packet(a: u8, b: u8) -> Op {
    wr(
        Tx,
        &[
            0x10, 0xFF, 0x04, 0x0A, 0x32, 0x32, 0x00, 0x04, 0x08, a, 0x64, 0x00, 0x04, 0x08, b,
            0x64, 0x01,
        ],
    )
}

#[tokio::test]
async fn single_motor_mirrors_the_step_into_both_slots() {
    let t = toy("funone").await;
    assert_eq!(t.name(), "MagicMotion Bunny");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|s| packet(s, s))
    );
}

#[tokio::test]
async fn two_motors_share_one_packet() {
    // The configuration gives Umi two motors (Nyx and Crystal use the one-motor defaults).
    let t = toy("umi").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Vibrate], vec![]]);
    assert_eq!(
        play(&t, &[(0, Vibrate, 0.5), (1, Vibrate, 0.2)]).await,
        vec![packet(0x32, 0x00), packet(0x32, 0x14), packet(0x00, 0x00)]
    );
}

#[tokio::test]
async fn battery_is_the_ble_battery_level() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "Magic Lotos".into(),
        battery_level: Some(0x4B),
        ..Default::default()
    })
    .await;
    t.take();
    assert!((t.battery().await - 0.75).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
