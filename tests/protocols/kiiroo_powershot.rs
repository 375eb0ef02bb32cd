//! Kiiroo PowerShot: both motors in every packet (with response), battery on the standard
//! characteristic.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::sweep::*;
use crate::test_kit::*;

#[tokio::test]
async fn first_motor_values() {
    let t = connect("PowerShot", "Kiiroo PowerShot", &[]).await;
    let levels = [0x00, 0x05, 0x32, 0x64, 0x00];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        levels
            .map(|l| wr(Tx, &[0x01, 0x00, 0x00, l, 0x00, 0x00]))
            .to_vec()
    );
}

#[tokio::test]
async fn both_motors_share_the_packet() {
    let t = connect("PowerShot", "Kiiroo PowerShot", &[]).await;
    t.steps(0, Vibrate, 30).await;
    t.steps(1, Vibrate, 70).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            wr(Tx, &[0x01, 0x00, 0x00, 0x1E, 0x00, 0x00]),
            wr(Tx, &[0x01, 0x00, 0x00, 0x1E, 0x46, 0x00]),
            wr(Tx, &[0x01, 0x00, 0x00, 0x00, 0x00, 0x00]),
        ]
    );
}

#[tokio::test]
async fn battery() {
    let t = toy_battery("PowerShot", 81).await;
    t.take();
    assert!((t.battery().await - 0.81).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
