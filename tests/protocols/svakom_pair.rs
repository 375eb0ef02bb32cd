//! Motor-pair packet fields the Svakom v4, v5 and v6 tests share, as (motor select, on
//! flag, level) triples: 0..10 steps, so the sweep's 0, 0.05, 0.5, 1.0 are 0, 1, 5, 10.

pub type Fields = (u8, u8, u8);

/// Motor 0 swept then stopped, on a toy that selects motor 0 alone while motor 1 is off.
pub const MOTOR_0_ALONE_SWEEP: [Fields; 5] = [
    (0, 0, 0x00),
    (1, 1, 0x01),
    (1, 1, 0x05),
    (1, 1, 0x0A),
    (0, 0, 0x00),
];

/// The sweep on a single-motor toy that always selects both motors (v4 and v6).
pub const BOTH_SELECTED_SWEEP: [Fields; 5] = [
    (0, 0, 0x00),
    (0, 1, 0x01),
    (0, 1, 0x05),
    (0, 1, 0x0A),
    (0, 0, 0x00),
];
