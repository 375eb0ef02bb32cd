//! Zemalia Dice for Love: `[0x55, 0x04, 0x00, 0x00, 0x01, level, 0xAA]`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("ZhiAi", "Zemalia Dice for Love", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x0D, 0x80, 0xFF, 0x00].map(|s| w(Tx, &[0x55, 0x04, 0x00, 0x00, 0x01, s, 0xAA]))
    );
}
