//! Libo Karen: a Kegel ball with a pressure sensor and no motor. Nothing public describes
//! its pressure data and its definition has no features, so there is nothing to drive.

use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;

const NAME: &str = "libo-karen";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::EachChange(|c| {
        Err(DeviceError::Unsupported(format!(
            "{NAME}: Libo Karen has no outputs ({} on feature {}); its pressure data is undocumented",
            c.output, c.feature
        )))
    }),
);
