//! Mutufun Barney ("DJ333A"): both vibrators in the 7-byte Svakom motor-pair packet, with
//! 0x03 as the on flag.

use super::svakom_common::SvakomPair;

pub(super) const PROTOCOL: SvakomPair = SvakomPair {
    name: "svakom-barney",
    trailing_zero: true,
    single_selects_both: true,
    on_flag: 0x03,
    other: None,
};
