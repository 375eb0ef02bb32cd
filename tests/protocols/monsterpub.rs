//! MonsterPub: model read, challenge answer, the three output endpoints, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint;
use plugwire::hardware::Endpoint::{Generic, Rx, RxBleModel, Tx, TxMode, TxVibrate};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::test_kit::*;

async fn with_endpoints(model: &str, endpoints: Vec<Endpoint>) -> Toy {
    toy_with(SimulatedDeviceSpec {
        name: "MonsterPub".into(),
        model: Some(model.into()),
        endpoints,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn tx_toy_sends_stops_to_txmode() {
    let t = with_endpoints("MP_MXY_N_P1", vec![Tx, TxMode, RxBleModel]).await;
    assert_eq!(t.name(), "Sistalk MonsterPub KiniCat");
    // No rx characteristic: no challenge.
    assert_eq!(t.take(), vec![Op::Read(RxBleModel)]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            wr(TxMode, &[0x00]),
            w(Tx, &[0x05]),
            w(Tx, &[0x32]),
            w(Tx, &[0x64]),
            wr(TxMode, &[0x00]),
        ]
    );
}

#[tokio::test]
async fn challenge_then_both_motors_on_txvibrate() {
    let t = toy_model("MonsterPub", "MP2_JK_N_P1").await;
    assert_eq!(t.name(), "Sistalk MonsterPub 2 Doctor Whale");
    // Challenge row 1 ("LSBB"): 0x4D ^ 0x4C = 0x01, 0x52 ^ 0x53 = 0x01, 0x43 ^ 0x42 = 0x01, ...
    assert_eq!(
        t.take(),
        vec![Op::Read(RxBleModel), Op::Read(Rx), wr(Rx, &[0x01; 15])]
    );
    t.steps(0, Vibrate, 30).await;
    t.steps(1, Vibrate, 70).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(TxVibrate, &[0x1E, 0x00]),
            w(TxVibrate, &[0x1E, 0x46]),
            w(TxVibrate, &[0x00, 0x00])
        ]
    );
}

#[tokio::test]
async fn oscillation_shares_the_packet() {
    let t = toy_model("MonsterPub", "MP_SUCKBANG_P5").await;
    assert_eq!(t.name(), "Sistalk MonsterPub Pop");
    t.take();
    t.set(0, Oscillate, 0.5).await;
    assert_eq!(t.take(), vec![w(TxVibrate, &[0x32, 0x00])]);
}

#[tokio::test]
async fn generic_endpoint_gets_a_prefix() {
    let t = with_endpoints("TDG_CRAYBIT_PT", vec![Generic(0), RxBleModel]).await;
    assert_eq!(t.name(), "Tracy's Dog Craybit Pro");
    t.take();
    t.steps(0, Vibrate, 10).await;
    t.steps(1, Vibrate, 20).await;
    t.steps(2, Vibrate, 30).await;
    t.stop().await;
    let ops = t.take();
    assert_eq!(ops[2], w(Generic(0), &[0x03, 0x0A, 0x14, 0x1E]));
    assert_eq!(ops[3], w(Generic(0), &[0x03, 0x00, 0x00, 0x00]));
}

#[tokio::test]
async fn unreadable_model_gets_the_defaults() {
    let t = with_endpoints("MP2_JK_N_P1", vec![Tx, TxMode]).await;
    assert_eq!(t.name(), "Sistalk MonsterPub Device");
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
}
