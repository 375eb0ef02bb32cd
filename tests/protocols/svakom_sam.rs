//! Svakom Sam Neo: rx subscribed on connect; the vibrate packet depends on the generation
//! (told by the characteristics the toy has); suction packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{self, Firmware, Rx, Tx, TxMode};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::settings::sweep;

async fn sam(endpoints: &[Endpoint]) -> Toy {
    let t = toy_with(SimulatedDeviceSpec {
        name: "Sam Neo".into(),
        endpoints: endpoints.to_vec(),
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Svakom Sam Neo");
    assert_eq!(t.take(), vec![Op::Subscribe(Rx)]);
    t
}

#[tokio::test]
async fn second_generation_has_speed_control() {
    let t = sam(&[Tx, Rx, TxMode, Firmware]).await;
    let suction = |s| w(Tx, &[0x12, 0x06, 0x01, s]);
    let vibrate = |m, s| w(Tx, &[0x12, 0x01, 0x03, 0x00, m, s]);
    // A stop writes every output's zero, in feature order.
    let mut expected = [(0x00, 0), (0x04, 1), (0x04, 5), (0x04, 10), (0x00, 0)]
        .map(|(m, s)| vibrate(m, s))
        .to_vec();
    expected.push(suction(0));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
    // 0..1: every non-zero value is step 1, sent once.
    let t = sam(&[Tx, Rx, TxMode, Firmware]).await;
    assert_eq!(
        sweep(&t, 1, Constrict).await,
        vec![suction(0), suction(1), vibrate(0, 0), suction(0)]
    );
}

#[tokio::test]
async fn firmware_only_toys_count_as_second_generation() {
    let t = sam(&[Tx, Rx, Firmware]).await;
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(t.take(), vec![w(Tx, &[0x12, 0x01, 0x03, 0x00, 0x04, 0x05])]);
}

#[tokio::test]
async fn first_generation_always_sends_mode_5() {
    let t = sam(&[Tx, Rx]).await;
    let mut expected = [0, 1, 5, 10, 0]
        .map(|s| w(Tx, &[0x12, 0x01, 0x03, 0x00, 0x05, s]))
        .to_vec();
    expected.push(w(Tx, &[0x12, 0x06, 0x01, 0x00]));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
}
