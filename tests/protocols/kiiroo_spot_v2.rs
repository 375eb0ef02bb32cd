//! Kiiroo Spot 2: `[0x01, level, level, 0x03, 0xE8, 0xFF]` with response, battery on the
//! standard characteristic.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::sweep::*;
use crate::test_kit::*;

#[tokio::test]
async fn spot_2_values() {
    let t = connect("SPOT W2", "Kiiroo Spot 2", &[]).await;
    let levels = [0x00, 0x05, 0x32, 0x64, 0x00];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        levels
            .map(|l| wr(Tx, &[0x01, l, l, 0x03, 0xE8, 0xFF]))
            .to_vec()
    );
}

#[tokio::test]
async fn battery() {
    let t = toy_battery("SPOT W2", 100).await;
    t.take();
    assert!((t.battery().await - 1.0).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
