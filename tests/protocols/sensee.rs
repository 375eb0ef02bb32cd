//! Sensee (Diandou Rabbit): a fixed 10-byte frame then the level, on `tx`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("CTY222S4", "Sensee Diandou Rabbit", &[]).await;
    let frame = |s: u8| {
        w(
            Tx,
            &[
                0x55, 0xAA, 0xF0, 0x01, 0x01, 0x0B, 0x65, 0xF7, 0x01, 0x01, s,
            ],
        )
    };
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(frame)
    );
}
