//! Kiiroo v3 (Keon): the kiiroo-v21 protocol (timed strokes with a Launch speed, battery in
//! the `whitelist` read), which the reference also hands these toys to.

use super::kiiroo_v21;
use super::packet_shapes::{Fixed, Shape};

pub(super) const PROTOCOL: Fixed =
    Fixed::new("kiiroo-v3", Shape::Custom(|_, _| Ok(kiiroo_v21::handler())));
