//! Svakom Alex Neo: `[0x12, 0x01, 0x03, 0x00, level, 0x00]` with level 0 sent as 0xFF.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    for name in ["Alex NEO", "S63E Alex NEO"] {
        let t = connect(name, "Svakom Alex Neo", &[]).await;
        assert_eq!(
            sweep(&t, 0, Vibrate).await,
            [0xFF, 0x01, 0x02, 0x03, 0xFF].map(|s| w(Tx, &[0x12, 0x01, 0x03, 0x00, s, 0x00]))
        );
    }
}
