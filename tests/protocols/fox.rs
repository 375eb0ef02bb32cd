//! Fox: `[0x03, 0x01, 0x01, 0xFE, step]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn vibrate_levels() {
    let t = connect("FOX M70 Pro", "Fox Device", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x01, 0x02, 0x03, 0x00]
            .map(|s| w(Tx, &[0x03, 0x01, 0x01, 0xFE, s]))
            .to_vec()
    );
}
