//! Cueme: one byte per motor, `(motor << 4) | level`; several running motors take turns
//! every 500 ms.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn bytes(list: &[u8]) -> Vec<Op> {
    list.iter().map(|b| w(Tx, &[*b])).collect()
}

#[tokio::test]
async fn model_is_the_third_part_of_the_name() {
    let t = connect("FUNCODE_A1_3", "Cueme Womans", &[]).await;
    assert_eq!(t.outputs().len(), 4);
    let t = connect("FUNCODE_A1", "Cueme Device", &[]).await;
    assert_eq!(t.outputs().len(), 8);
}

#[tokio::test]
async fn one_motor_levels() {
    let t = connect("FUNCODE_A1_1", "Cueme Mens", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        bytes(&[0x00, 0x11, 0x18, 0x1F, 0x00])
    );
    t.steps(3, Vibrate, 10).await;
    assert_eq!(t.take(), bytes(&[0x4A]));
}

#[tokio::test]
async fn running_motors_take_turns() {
    let t = connect("FUNCODE_A1_2", "Cueme Bra", &[]).await;
    t.steps(0, Vibrate, 8).await;
    t.steps(1, Vibrate, 15).await;
    assert_eq!(t.wait_ops(4).await, bytes(&[0x18, 0x18, 0x2F, 0x18]));
    t.stop().await;
    let after_stop = t.take();
    assert_eq!(after_stop.last(), Some(&w(Tx, &[0x00])));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(t.take(), vec![]);
}
