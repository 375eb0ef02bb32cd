//! MagicMotion generation 3 (LoveLife Krush): a 12-byte packet without response; battery is
//! the standard BLE characteristic, read only.

use plugwire::InputType;
use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::sweep::*;
use crate::test_kit::toy_battery;

fn packet(s: u8) -> Op {
    w(
        Tx,
        &[
            0x0B, 0xFF, 0x04, 0x0A, 0x46, 0x46, 0x00, 0x04, 0x08, s, 0x64, 0x00,
        ],
    )
}

#[tokio::test]
async fn vibration_is_byte_nine() {
    let t = connect("Krush", "LoveLife Krush", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x04, 0x27, 0x4D, 0x00].map(packet).to_vec()
    );
}

#[tokio::test]
async fn battery_is_read_from_the_ble_battery_level() {
    let t = toy_battery("Krush", 65).await;
    t.take();
    assert!((t.battery().await - 0.65).abs() < 1e-9);
    assert_eq!(
        t.device.read_input(1, InputType::Battery).await.unwrap(),
        65
    );
    assert_eq!(
        t.take(),
        vec![Op::Read(RxBleBattery), Op::Read(RxBleBattery)]
    );
    // The configuration offers reads only.
    assert!(t.device.subscribe(1, InputType::Battery).await.is_err());
    assert_eq!(t.take(), vec![]);
}
