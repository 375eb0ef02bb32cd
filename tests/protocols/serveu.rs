//! ServeU: `[0x01, position, speed]` on `tx`, without response; the speed byte comes from
//! the distance travelled per second.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn moves_carry_a_speed_from_distance_and_time() {
    let t = connect("ServeU", "ServeU", &[]).await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration]]);
    // (position, ms) -> (position byte, speed byte), each from the previous position.
    let moves: [(f64, u32, u8, u8); 9] = [
        // No distance: speed 0.
        (0.0, 500, 0, 0),
        // 50 units in 0.5 s = 100/s: (100 - 50) / 4 -> 13, + 25.
        (0.5, 500, 50, 38),
        // 50 units in 1 s = 50/s: 50 / 2 -> 25.
        (1.0, 1000, 100, 25),
        // 100 units in 0.1 s = 1000/s: (1000 - 750) / 25 -> 10, + 200.
        (0.0, 100, 0, 210),
        // 30 units in 0.25 s = 120/s: (120 - 50) / 4 -> 18 (17.5 up), + 25.
        (0.3, 250, 30, 43),
        // 5 units in 2 s = 2.5/s -> 3/s (up): 3 / 2 -> 2 (1.5 up).
        (0.35, 2000, 35, 2),
        // 65 units in 20 ms = 3250/s: faster than 2000/s is 0xFA.
        (1.0, 20, 100, 0xFA),
        // No time at all: 0xFA.
        (0.5, 0, 50, 0xFA),
        // Positions are truncated (0.059 is 5); 45 units in 1 s: 45 / 2 -> 23 (22.5 up).
        (0.059, 1000, 5, 23),
    ];
    for (position, ms, _, _) in moves {
        t.move_to(position, ms).await;
    }
    t.stop().await;
    assert_eq!(
        t.take(),
        moves.map(|(_, _, p, s)| w(Tx, &[0x01, p, s])).to_vec()
    );
}
