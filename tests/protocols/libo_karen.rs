//! Libo Karen: no outputs and no defined inputs.

use plugwire::OutputType::*;

use crate::sweep::*;

#[tokio::test]
async fn nothing_to_drive() {
    let t = connect("SuoYinQiu", "Libo Karen", &[]).await;
    assert!(t.outputs().is_empty());
    assert!(
        t.device
            .output(0, Vibrate, plugwire::OutputValue::Float(0.5))
            .await
            .is_err()
    );
    t.stop().await;
    assert_eq!(t.take(), vec![]);
}
