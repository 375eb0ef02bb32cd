//! MaxPro 2: the step twice in a ten-byte packet closed by a byte sum.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn the_step_twice_and_a_sum() {
    let t = connect("M2", "MaxPro 2", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [
            (0x00, 0xFC),
            (0x05, 0x06),
            (0x32, 0x60),
            (0x64, 0xC4),
            (0x00, 0xFC)
        ]
        .map(|(s, c)| w(Tx, &[0x55, 0x04, 0x07, 0xFF, 0xFF, 0x3F, s, 0x5F, s, c]))
        .to_vec()
    );
}
