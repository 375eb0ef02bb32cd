//! MagicMotion generation 2 (Awaken, Equinox, Solstice, Eidolon, FunTown Jive, ...): the
//! shared 17-byte motor packet with byte 5 = 0x0A, written without response. Slot B stays
//! 0 on single-motor toys.
//!
//! The FunTown Jive declares its second feature as oscillate, which the reference handler
//! leaves unhandled; here it takes slot B like a second motor (unverified on hardware).

use super::magic_motion_shapes::MagicMotion;
use crate::device::feature::OutputType;

pub(super) const PROTOCOL: MagicMotion = MagicMotion {
    name: "magic-motion-2",
    variant: 0x0A,
    with_response: false,
    mirror_single: false,
    outputs: &[OutputType::Vibrate, OutputType::Oscillate],
};
