//! Synchro: rotation with bit 7 for counter-clockwise.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::sweep::connect;

#[tokio::test]
async fn rotation_both_ways() {
    let t = connect("synchro2", "Synchro", &[]).await;
    assert_eq!(
        sweep(&t, 0, Rotate).await,
        [0x00, 0x01, 0x03, 0x06, 0x00].map(|b| w(Tx, &[0xA1, 0x01, b, 0x77, 0x55]))
    );
    assert_eq!(
        play(&t, &[(0, Rotate, -0.5), (0, Rotate, -1.0)]).await,
        [0x83, 0x86, 0x00].map(|b| w(Tx, &[0xA1, 0x01, b, 0x77, 0x55]))
    );
    let ex = connect("synchro EX", "Synchro Exchange", &[]).await;
    ex.set(0, Rotate, 0.5).await;
    assert_eq!(ex.take(), vec![w(Tx, &[0xA1, 0x01, 0x03, 0x77, 0x55])]);
}
