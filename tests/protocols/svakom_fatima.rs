//! Svakom Fatima Pro: one packet per function on `tx`, without response: vibration 0x03 and
//! suction 0x09 as `[0x55, f, 0, 0, 0x01, level]`, thrust patterns 0x08 as
//! `[0x55, 0x08, 0, 0, pattern, 0xFF]`, heat 0x05 on or off; each off as zeros.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn steady(function: u8, s: u8) -> Op {
    let mode = u8::from(s != 0);
    w(Tx, &[0x55, function, 0x00, 0x00, mode, s])
}

fn thrust(pattern: u8) -> Op {
    let tail = if pattern == 0 { 0x00 } else { 0xFF };
    w(Tx, &[0x55, 0x08, 0x00, 0x00, pattern, tail])
}

const HEAT_ON: [u8; 7] = [0x55, 0x05, 0x01, 0x37, 0x02, 0x00, 0x00];
const HEAT_OFF: [u8; 7] = [0x55, 0x05, 0x00, 0x00, 0x02, 0x00, 0x00];

/// What a stop writes when only `running` was on: every function's off packet, in order.
fn all_off() -> Vec<Op> {
    vec![
        steady(0x03, 0),
        steady(0x09, 0),
        thrust(0),
        w(Tx, &HEAT_OFF),
    ]
}

fn then_all_off(mut ops: Vec<Op>) -> Vec<Op> {
    ops.extend(all_off());
    ops
}

#[tokio::test]
async fn vibration() {
    let t = connect("SL278B", "Svakom Fatima Pro", &[]).await;
    assert_eq!(
        t.outputs(),
        vec![
            vec![Vibrate],
            vec![Constrict],
            vec![Oscillate],
            vec![Temperature]
        ]
    );
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        then_all_off(vec![
            steady(0x03, 0),
            steady(0x03, 1),
            steady(0x03, 5),
            steady(0x03, 10)
        ])
    );
}

#[tokio::test]
async fn suction() {
    let t = connect("SL278B", "Svakom Fatima Pro", &[]).await;
    assert_eq!(
        sweep(&t, 1, Constrict).await,
        then_all_off(vec![
            steady(0x09, 0),
            steady(0x09, 1),
            steady(0x09, 5),
            steady(0x09, 10)
        ])
    );
}

#[tokio::test]
async fn thrust_patterns() {
    let t = connect("SL278B", "Svakom Fatima Pro", &[]).await;
    assert_eq!(
        sweep(&t, 2, Oscillate).await,
        then_all_off(vec![thrust(0), thrust(1), thrust(4), thrust(7)])
    );
}

#[tokio::test]
async fn heat_on_and_off() {
    let t = connect("SL278B", "Svakom Fatima Pro", &[]).await;
    // One step: 0.05, 0.5 and 1.0 are all "on", written once.
    assert_eq!(
        sweep(&t, 3, Temperature).await,
        then_all_off(vec![w(Tx, &HEAT_OFF), w(Tx, &HEAT_ON)])
    );
}
