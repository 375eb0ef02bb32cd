//! Omobo ViVegg: `A1 04 04 01 s FF 55` with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn steps() {
    let t = connect("S6", "Omobo ViVegg Vibrator", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00]
            .map(|s| wr(Tx, &[0xA1, 0x04, 0x04, 0x01, s, 0xFF, 0x55]))
            .to_vec()
    );
}
