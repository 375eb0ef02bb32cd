//! Cupido: `[0xB0, 0x03, 0, 0, 0, step, 0xAA]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn vibrate_levels() {
    let t = connect("MY2607-BLE-V1.0", "Cupido Device", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x0D, 0x80, 0xFF, 0x00]
            .map(|s| w(Tx, &[0xB0, 0x03, 0x00, 0x00, 0x00, s, 0xAA]))
            .to_vec()
    );
}
