//! Xibao: the 13-byte oscillation packet with its check byte.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn oscillation() {
    let t = connect("CCYB_1234", "Xibao Smart Masturbation Cup", &[]).await;
    let head = [
        0x66, 0x3A, 0x00, 0x06, 0x00, 0x06, 0x01, 0x02, 0x00, 0x02, 0x04,
    ];
    let packet = |s: u8, c: u8| {
        let mut p = head.to_vec();
        p.extend([s, c]);
        w(Tx, &p)
    };
    assert_eq!(
        sweep(&t, 0, Oscillate).await,
        vec![
            packet(0x00, 0xB5),
            packet(0x05, 0xBA),
            packet(0x32, 0xE7),
            packet(0x63, 0x18),
            packet(0x00, 0xB5),
        ]
    );
}
