//! Youcups: ASCII `$SYS,<step>?`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn vibration() {
    let t = connect("Youcups", "Youcups Warrior II", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        ["$SYS,0?", "$SYS,1?", "$SYS,4?", "$SYS,8?", "$SYS,0?"].map(|s| text(Tx, s))
    );
}
