//! Twerking Butt: recognised, but it has no outputs to drive.

use plugwire::OutputType::*;
use plugwire::OutputValue;

use crate::sweep::connect;

#[tokio::test]
async fn connects_without_outputs() {
    for name in ["BODIKANG", "Twerking Butt", "TwerkingButt"] {
        let t = connect(name, "Twerking Butt", &[]).await;
        assert!(t.outputs().is_empty());
        let refused = t.device.output(0, Vibrate, OutputValue::Float(0.5)).await;
        assert!(refused.is_err(), "{refused:?}");
        t.stop().await;
        assert_eq!(t.take(), vec![], "nothing to stop");
    }
}
