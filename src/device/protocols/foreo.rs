//! Foreo: `[0x01, mode, level]` on `tx`, written with response; the mode byte comes from
//! the advertised name.

use super::handler_kit::{byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "foreo";

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|hw, _| {
            let mode = mode_of(hw.name());
            Ok(PacketHandler::each(move |c| match c.output {
                OutputType::Vibrate => Ok(vec![HardwareCommand::write(
                    Endpoint::Tx,
                    [0x01, mode, byte(c.value)?],
                    true,
                )]),
                _ => Err(unsupported(NAME, c)),
            })
            .shared())
        }),
    )
}

/// Play Smart 2 models take mode 3, FOFO and UFO models mode 1, everything else 0.
fn mode_of(name: &str) -> u8 {
    let name = name.to_lowercase();
    if name.contains("smart") && name.contains('2') {
        3
    } else if name.contains("fofo") || name.contains("ufo") {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_from_names() {
        for (name, mode) in [
            ("LUNA play smart 2", 3),
            ("LUNA PLAYSMART2", 3),
            ("FOFO", 1),
            ("LUNA fofo", 1),
            ("UFO", 1),
            ("UFO3mini", 1),
            ("LUNA 3", 0),
            ("BEAR 2", 0),
            ("LUNA PLAY SMART", 0),
        ] {
            assert_eq!(mode_of(name), mode, "{name}");
        }
    }
}
