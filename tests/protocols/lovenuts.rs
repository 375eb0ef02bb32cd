//! Love Nuts: `EVOL`, the step in both nibbles ten times, then `0x00, 0xFF`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn packet(n: u8) -> Op {
    let mut p = vec![0x45, 0x56, 0x4F, 0x4C];
    p.extend([n; 10]);
    p.extend([0x00, 0xFF]);
    w(Tx, &p)
}

#[tokio::test]
async fn the_step_fills_both_nibbles_of_ten_bytes() {
    let t = connect("Love_Nuts", "Love Nut", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x11, 0x88, 0xFF, 0x00].map(packet).to_vec()
    );
}
