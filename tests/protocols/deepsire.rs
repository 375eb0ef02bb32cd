//! DeepSire: `[0x55, 0x04, 0x01, 0, 0, step, 0xAA]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn vibrate_levels() {
    let t = connect("IMP 3", "Kuirkish Imp 3", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x0D, 0x80, 0xFF, 0x00]
            .map(|s| w(Tx, &[0x55, 0x04, 0x01, 0x00, 0x00, s, 0xAA]))
            .to_vec()
    );
}
