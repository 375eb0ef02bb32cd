//! Kiiroo v3 (Keon): the kiiroo-v21 stroker packets.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn keon_strokes_take_a_launch_speed() {
    let t = connect("KEON WIFI", "Kiiroo Keon", &[]).await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration], vec![]]);
    let (written, moves) = launch_moves(&t).await;
    let expected: Vec<Op> = moves
        .iter()
        .map(|(p, s)| w(Tx, &[0x03, 0x00, *s, *p]))
        .collect();
    assert_eq!(written, expected);
    connect("Keon Wifi", "Kiiroo Keon", &[]).await;
}

#[tokio::test]
async fn keon_battery_has_no_endpoint() {
    let t = connect("KEON WIFI", "Kiiroo Keon", &[]).await;
    assert!(t.device.battery().await.is_err());
}
