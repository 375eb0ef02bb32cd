//! Realov: `[0xC5, 0x55, level, 0xAA]` on `tx`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("REALOV_VIBE", "Realov Device", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x03, 0x19, 0x32, 0x00].map(|s| w(Tx, &[0xC5, 0x55, s, 0xAA]))
    );
}
