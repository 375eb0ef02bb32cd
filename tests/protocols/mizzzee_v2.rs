//! Mizz Zee v2 (XHT): `69 96 04 02 s 2C s` without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn the_step_twice() {
    let t = connect("XHT", "Mizz Zee Device", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x04, 0x22, 0x44, 0x00]
            .map(|s| w(Tx, &[0x69, 0x96, 0x04, 0x02, s, 0x2C, s]))
            .to_vec()
    );
}
