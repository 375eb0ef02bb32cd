//! Coleur Dor DT250A: `[0x55, function, 0x00, 0x00, level, on]` per feature, without
//! response; function 0x03 / 0x08 for the two vibrators, 0x09 for constriction (on flag 0).

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn packet(function: u8, s: u8, on: u8) -> Op {
    w(Tx, &[0x55, function, 0x00, 0x00, s, on])
}

fn all_off() -> [Op; 3] {
    [packet(0x03, 0, 0), packet(0x08, 0, 0), packet(0x09, 0, 0)]
}

#[tokio::test]
async fn first_vibrator() {
    let t = connect("DT250A", "Coleur Dor DT250A", &[]).await;
    assert_eq!(
        t.outputs(),
        vec![vec![Vibrate], vec![Vibrate], vec![Constrict]]
    );
    let mut expected = vec![
        packet(0x03, 0, 0),
        packet(0x03, 1, 1),
        packet(0x03, 2, 1),
        packet(0x03, 3, 1),
    ];
    expected.extend(all_off());
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
}

#[tokio::test]
async fn second_vibrator() {
    let t = connect("DT250A", "Coleur Dor DT250A", &[]).await;
    let mut expected = vec![
        packet(0x08, 0, 0),
        packet(0x08, 1, 1),
        packet(0x08, 2, 1),
        packet(0x08, 3, 1),
    ];
    expected.extend(all_off());
    assert_eq!(sweep(&t, 1, Vibrate).await, expected);
}

#[tokio::test]
async fn constriction_has_no_on_flag() {
    let t = connect("DT250A", "Coleur Dor DT250A", &[]).await;
    // Two steps: 0.05 and 0.5 are both step 1, written once.
    let mut expected = vec![packet(0x09, 0, 0), packet(0x09, 1, 0), packet(0x09, 2, 0)];
    expected.extend(all_off());
    assert_eq!(sweep(&t, 2, Constrict).await, expected);
}
