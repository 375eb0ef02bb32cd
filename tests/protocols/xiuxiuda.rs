//! Xiuxiuda: one fixed-frame vibrate packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn vibration() {
    let t = connect("XXD-Lush01", "Xiuxiuda Device", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x01, 0x0A, 0x13, 0x00]
            .map(|s| w(Tx, &[0x00, 0x00, 0x00, 0x00, 0x65, 0x3A, 0x30, s, 0x64]))
    );
}
