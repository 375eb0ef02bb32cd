//! SayberX: the ASCII command `AT+SPD<level>0` on `tx`; the X-Ring remote has no outputs.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn speed_commands() {
    let t = connect("SayberX", "SayberX", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        ["AT+SPD00", "AT+SPD10", "AT+SPD20", "AT+SPD40", "AT+SPD00"].map(|s| text(Tx, s))
    );
    t.steps(0, Vibrate, 3).await;
    assert_eq!(t.take(), vec![text(Tx, "AT+SPD30")]);
}

#[tokio::test]
async fn the_ring_is_recognised_by_its_name_prefix() {
    let t = connect("X-Ring 0F313B", "Sayber X-Ring", &[]).await;
    assert_eq!(t.outputs(), Vec::<Vec<plugwire::OutputType>>::new());
    t.stop().await;
    assert_eq!(t.take(), vec![]);
}
