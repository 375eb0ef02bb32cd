//! Satisfyer: identification by manufacturer data or model number, init write, packed
//! motors, keepalive.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Command, RxBleModel, Tx};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn manufacturer_data_identifies_without_a_read() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "SF Hot Lover".into(),
        manufacturer_data: vec![(93, vec![0x00, 0x00, 0x27, 0x4B])],
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Satisfyer Hot Lover");
    // The first keepalive (stop) packet goes out at connect, as the reference sends it.
    assert_eq!(t.take(), vec![wr(Command, &[0x01]), w(Tx, &[0x00; 8])]);
}

#[tokio::test]
async fn model_number_is_read_otherwise() {
    let t = toy_model("SF Hot Spot", "10005").await;
    assert_eq!(t.name(), "Satisfyer Hot Spot");
    assert_eq!(
        t.take(),
        vec![
            Op::Read(RxBleModel),
            wr(Command, &[0x01]),
            w(Tx, &[0x00; 4])
        ]
    );
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            w(Tx, &[0x00; 4]),
            w(Tx, &[0x05; 4]),
            w(Tx, &[0x32; 4]),
            w(Tx, &[0x64; 4]),
            w(Tx, &[0x00; 4]),
        ]
    );
}

#[tokio::test]
async fn every_packet_carries_every_motor() {
    let t = toy_model("SF Curvy 2+", "10030").await;
    assert_eq!(t.name(), "Satisfyer Curvy 2+");
    t.take();
    t.set(0, Vibrate, 0.3).await;
    t.set(1, Vibrate, 0.7).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0x1E, 0x1E, 0x1E, 0x1E, 0x00, 0x00, 0x00, 0x00]),
            w(Tx, &[0x1E, 0x1E, 0x1E, 0x1E, 0x46, 0x46, 0x46, 0x46]),
            w(Tx, &[0x00; 8]),
        ]
    );
    let t = toy_model("SF Double Flex", "10066").await;
    assert_eq!(t.name(), "Satisfyer Double Flex");
    t.take();
    t.set(2, Vibrate, 1.0).await;
    let mut expected = vec![0u8; 8];
    expected.extend([0x64; 4]);
    assert_eq!(t.take(), vec![w(Tx, &expected)]);
}

#[tokio::test]
async fn last_packet_is_repeated_every_three_seconds() {
    let t = toy_model("SF Hot Spot", "10005").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    let ops = t.wait_ops(2).await;
    assert_eq!(ops, vec![w(Tx, &[0x32; 4]), w(Tx, &[0x32; 4])]);
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_millis(2900), "{at:?}");
}
