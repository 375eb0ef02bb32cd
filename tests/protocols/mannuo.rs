//! ManNuo: `AA 55 06 01 01 01 s FA` and an XOR check byte, with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn steps_with_an_xor_check_byte() {
    for name in ["Sex toys", "Sex Toys", "LXCDVP", "MANO PRODUCT"] {
        let t = connect(name, "ManNuo Device", &[]).await;
        assert_eq!(
            sweep(&t, 0, Vibrate).await,
            [
                (0x00, 0x02),
                (0x01, 0x03),
                (0x02, 0x00),
                (0x03, 0x01),
                (0x00, 0x02)
            ]
            .map(|(s, x)| wr(Tx, &[0xAA, 0x55, 0x06, 0x01, 0x01, 0x01, s, 0xFA, x]))
            .to_vec(),
            "{name}"
        );
    }
}
