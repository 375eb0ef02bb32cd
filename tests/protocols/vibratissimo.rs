//! Vibratissimo: model from the model-number characteristic, the write-mode packet before
//! every vibrate packet, all vibrators in one packet, battery byte.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, RxBleModel, TxMode, TxVibrate};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::test_kit::toy_model;

fn vibrate(packet: &[u8]) -> [Op; 2] {
    [w(TxMode, &[0x03, 0xFF]), w(TxVibrate, packet)]
}

#[tokio::test]
async fn unknown_model_single_vibrator_gets_a_padding_byte() {
    let t = toy_model("Vibratissimo", "Wand").await;
    assert_eq!(t.name(), "Vibratissimo Device");
    assert_eq!(t.take(), vec![Op::Read(RxBleModel)]);
    let packets: Vec<Op> = [0x00, 0x0D, 0x80, 0xFF, 0x00]
        .iter()
        .flat_map(|s| vibrate(&[*s, 0x00]))
        .collect();
    assert_eq!(sweep(&t, 0, Vibrate).await, packets);
}

#[tokio::test]
async fn licker_and_rabbit_pack_their_vibrators() {
    let t = toy_model("Vibratissimo", "SecretKiss").await;
    assert_eq!(t.name(), "Vibratissimo Licker");
    let ops = play(&t, &[(0, Vibrate, 0.5), (1, Vibrate, 1.0)]).await;
    let expected: Vec<Op> = [[0x80, 0x00], [0x80, 0xFF], [0x00, 0x00]]
        .iter()
        .flat_map(|p| vibrate(p))
        .collect();
    assert_eq!(ops, expected);
    let t = toy_model("Vibratissimo", "Rabbit").await;
    assert_eq!(t.name(), "Vibratissimo Rabbit");
    t.take();
    t.set(2, Vibrate, 1.0).await;
    assert_eq!(t.take(), vibrate(&[0x00, 0x00, 0x02]).to_vec());
}

#[tokio::test]
async fn battery_is_the_standard_byte() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "Vibratissimo".into(),
        model: Some("Licker".into()),
        battery_level: Some(42),
        ..Default::default()
    })
    .await;
    t.take();
    assert!((t.battery().await - 0.42).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
}
