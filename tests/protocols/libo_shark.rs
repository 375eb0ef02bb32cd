//! Libo Shark: both motors in one byte, `(level0 << 4) | level1`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn both_motors_in_one_byte() {
    let t = connect("ShaYu", "Libo Shark", &[]).await;
    let bytes = [0x00, 0x10, 0x20, 0x30, 0x00];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        bytes.map(|b| w(Tx, &[b])).to_vec()
    );
    // After the stop the second motor is known to be at 0: setting 0 again is no change.
    let bytes = [0x01, 0x02, 0x03, 0x00];
    assert_eq!(
        sweep(&t, 1, Vibrate).await,
        bytes.map(|b| w(Tx, &[b])).to_vec()
    );
    t.steps(0, Vibrate, 2).await;
    t.steps(1, Vibrate, 3).await;
    assert_eq!(t.take(), vec![w(Tx, &[0x20]), w(Tx, &[0x23])]);
}
