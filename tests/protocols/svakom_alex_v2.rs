//! Svakom Alex Neo 2: `[0x55, 0x03, 0x03, 0x00, level, level + 5]`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    for name in ["Alex NEO 2", "S63E Alex NEO 2"] {
        let t = connect(name, "Svakom Alex Neo 2", &[]).await;
        assert_eq!(
            sweep(&t, 0, Vibrate).await,
            [
                (0x00, 0x05),
                (0x01, 0x06),
                (0x02, 0x07),
                (0x03, 0x08),
                (0x00, 0x05)
            ]
            .map(|(s, t)| w(Tx, &[0x55, 0x03, 0x03, 0x00, s, t]))
        );
    }
}
