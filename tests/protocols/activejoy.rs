//! ActiveJoy: `[0xB0, 0x01, 0x00, feature, on, step]` on tx without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn vibrate_carries_an_on_flag_and_the_step() {
    let t = connect("SS-TD-YDTD-001", "IntoYou Remote Egg Vibrator", &[]).await;
    let packets = [
        [0xB0, 0x01, 0x00, 0x00, 0x00, 0x00],
        [0xB0, 0x01, 0x00, 0x00, 0x01, 0x0D],
        [0xB0, 0x01, 0x00, 0x00, 0x01, 0x80],
        [0xB0, 0x01, 0x00, 0x00, 0x01, 0xFF],
        [0xB0, 0x01, 0x00, 0x00, 0x00, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| w(Tx, &p)).to_vec()
    );
}
