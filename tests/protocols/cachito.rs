//! Cachito: feature i vibrates with `[0x02 + i, 0x01 + i, step, 0x00]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn first_motor_has_five_steps() {
    let t = connect("CCTSK", "Cachito Lure Tao", &[]).await;
    let mut expected: Vec<Op> = [0x00, 0x01, 0x03, 0x05, 0x00]
        .map(|s| w(Tx, &[0x02, 0x01, s, 0x00]))
        .to_vec();
    // The stop also zeroes the second motor, which was never set.
    expected.push(w(Tx, &[0x03, 0x02, 0x00, 0x00]));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
}

#[tokio::test]
async fn second_motor_has_a_hundred_steps() {
    let t = connect("CCTXueGao", "Cachito Ice Cream", &[]).await;
    t.set(0, Vibrate, 0.0).await;
    t.take();
    let expected: Vec<Op> = [0x00, 0x05, 0x32, 0x64, 0x00]
        .map(|s| w(Tx, &[0x03, 0x02, s, 0x00]))
        .to_vec();
    assert_eq!(sweep(&t, 1, Vibrate).await, expected);
}
