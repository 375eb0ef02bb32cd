//! Svakom v4 (Erica, Cici+ 2, ToyCod Barzillai and Clara): the 7-byte motor-pair packet,
//! with both motors selected on single-motor toys.

use super::svakom_common::SvakomPair;

pub(super) const PROTOCOL: SvakomPair = SvakomPair {
    name: "svakom-v4",
    trailing_zero: true,
    single_selects_both: true,
    other: None,
};
