//! Mizz Zee (NFY008): `69 96 03 01 on s` without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn on_flag_and_step() {
    let t = connect("NFY008", "Mizz Zee Device", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [(0, 0x00), (1, 0x04), (1, 0x22), (1, 0x44), (0, 0x00)]
            .map(|(on, s)| w(Tx, &[0x69, 0x96, 0x03, 0x01, on, s]))
            .to_vec()
    );
}
