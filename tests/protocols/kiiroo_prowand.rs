//! Kiiroo ProWand and Luxus: `[0x00, 0x00, 0x64, on, level, level]`, battery on the standard
//! characteristic.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::sweep::*;
use crate::test_kit::*;

#[tokio::test]
async fn wand_values() {
    let t = connect("ProWand", "Kiiroo ProWand", &[]).await;
    let packets = [
        [0x00, 0x00, 0x64, 0x00, 0x00, 0x00],
        [0x00, 0x00, 0x64, 0xFF, 0x0D, 0x0D],
        [0x00, 0x00, 0x64, 0xFF, 0x80, 0x80],
        [0x00, 0x00, 0x64, 0xFF, 0xFF, 0xFF],
        [0x00, 0x00, 0x64, 0x00, 0x00, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| w(Tx, &p)).to_vec()
    );
}

#[tokio::test]
async fn luxus_by_name_and_battery() {
    let t = connect("Luxus", "Luxus", &[]).await;
    t.steps(0, Vibrate, 1).await;
    assert_eq!(t.take(), vec![w(Tx, &[0x00, 0x00, 0x64, 0xFF, 0x01, 0x01])]);
    let t = toy_battery("ProWand", 42).await;
    t.take();
    assert!((t.battery().await - 0.42).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
