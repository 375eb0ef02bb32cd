//! Pink Punch: `[0x09, s]`, written with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;

#[tokio::test]
async fn vibration() {
    let t = toy("PinkPunch_Peachu").await;
    assert_eq!(t.name(), "Pink Punch Peachu");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|s| wr(Tx, &[0x09, s]))
    );
}
