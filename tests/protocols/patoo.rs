//! Patoo: one level at a time; level and mode go to two endpoints, with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Tx, TxMode};

use crate::harness::*;
use crate::sweep::*;

fn pairs(levels_and_modes: &[(u8, u8)]) -> Vec<Op> {
    levels_and_modes
        .iter()
        .flat_map(|(level, mode)| [wr(Tx, &[*level]), wr(TxMode, &[*mode])])
        .collect()
}

#[tokio::test]
async fn model_is_the_name_before_its_digits() {
    connect("PTVEA1234", "Patoo Carrot", &[]).await;
    connect("PHT7", "Patoo Bean Sprout", &[]).await;
    let devil = connect("PBT0042", "Patoo Devil", &[]).await;
    assert_eq!(devil.outputs(), vec![vec![Vibrate], vec![Vibrate]]);
}

#[tokio::test]
async fn single_motor_levels() {
    let t = connect("PCS01", "Patoo Vibrator", &[]).await;
    let expected = pairs(&[
        (0x00, 0x00),
        (0x05, 0x04),
        (0x32, 0x04),
        (0x64, 0x04),
        (0x00, 0x00),
    ]);
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
}

#[tokio::test]
async fn first_motor_wins_while_it_runs() {
    let t = connect("PBT0042", "Patoo Devil", &[]).await;
    t.steps(0, Vibrate, 30).await;
    t.steps(1, Vibrate, 70).await;
    t.steps(0, Vibrate, 0).await;
    t.stop().await;
    let expected = pairs(&[(0x1E, 0x04), (0x1E, 0x04), (0x46, 0x80), (0x00, 0x00)]);
    assert_eq!(t.take(), expected);
}
