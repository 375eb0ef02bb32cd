//! Twerking Butt: recognised and connected, but not drivable: no public implementation
//! exists and the configuration declares no outputs, so every output is refused.

use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::error::DeviceError;

const NAME: &str = "twerkingbutt";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let model = definition.name.clone();
        Ok(PacketHandler::each(move |c| {
            Err(DeviceError::Unsupported(format!(
                "{NAME}: {} on feature {} is not supported on {model} (no public protocol)",
                c.output, c.feature
            )))
        })
        .shared())
    }),
);
