//! MagicMotion generation 4 (Bunny, Sundae, Nyx, Umi, ...): the shared 17-byte motor packet
//! with byte 5 = 0x32, written with response. A single-motor toy gets its step in both
//! slots; two-motor toys get each motor's current step.

use super::magic_motion_shapes::MagicMotion;
use crate::device::feature::OutputType;

pub(super) const PROTOCOL: MagicMotion = MagicMotion {
    name: "magic-motion-4",
    variant: 0x32,
    with_response: true,
    mirror_single: true,
    outputs: &[OutputType::Vibrate],
};
