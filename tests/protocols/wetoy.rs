//! WeToy MiNa: off packet on connect, then `[0xB2, s - 1]`, all with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn off_on_connect_then_levels() {
    let t = connect("WeToy", "WeToy MiNa", &[wr(Tx, &[0x80, 0x03])]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            wr(Tx, &[0x80, 0x03]),
            wr(Tx, &[0xB2, 0x00]),
            wr(Tx, &[0xB2, 0x01]),
            wr(Tx, &[0xB2, 0x02]),
            wr(Tx, &[0x80, 0x03]),
        ]
    );
}
