//! HTK breast massager: one byte says which side runs.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn left_side_values() {
    let t = connect("HTK-BLE-BM001", "HTK Breast Massager", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Vibrate]]);
    // 0.05, 0.5 and 1.0 are all step 1: only the first of them is a change.
    let bytes = [15, 12, 15];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        bytes.map(|b| w(Tx, &[b])).to_vec()
    );
}

#[tokio::test]
async fn both_sides_in_one_byte() {
    let t = connect("HTK-BLE-BM001", "HTK Breast Massager", &[]).await;
    t.set(1, Vibrate, 0.5).await;
    t.set(0, Vibrate, 1.0).await;
    t.set(1, Vibrate, 0.0).await;
    t.set(1, Vibrate, 1.0).await;
    t.set(0, Vibrate, 0.0).await;
    t.stop().await;
    let bytes = [13, 11, 12, 11, 13, 15];
    assert_eq!(t.take(), bytes.map(|b| w(Tx, &[b])).to_vec());
}
