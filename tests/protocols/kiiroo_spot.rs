//! Kiiroo Spot: `[0x00, 0xFF, 0x00, 0x00, 0x00, level]`, battery on the standard
//! characteristic.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::sweep::*;
use crate::test_kit::*;

#[tokio::test]
async fn spot_values() {
    let t = connect("SPOT W1", "Kiiroo Spot", &[]).await;
    let levels = [0x00, 0x05, 0x32, 0x64, 0x00];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        levels
            .map(|l| w(Tx, &[0x00, 0xFF, 0x00, 0x00, 0x00, l]))
            .to_vec()
    );
}

#[tokio::test]
async fn battery() {
    let t = toy_battery("SPOT W1", 9).await;
    t.take();
    assert!((t.battery().await - 0.09).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
