//! Love Distance: `[0xF3, 0x00, level]` on `tx` (without response), after an init of
//! motor-off and `[0xF4, 0x01]`.

use super::handler_kit::{PacketHandler, SimpleProtocol, byte, unsupported};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "lovedistance";

fn tx(data: impl Into<Vec<u8>>) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, data, false)
}

pub fn protocol() -> SimpleProtocol {
    SimpleProtocol::new(NAME, |_, _| {
        Ok(PacketHandler::each(|c| match c.output {
            OutputType::Vibrate => Ok(vec![tx([0xF3, 0x00, byte(c.value)?])]),
            _ => Err(unsupported(NAME, c)),
        })
        .shared())
    })
    .init(vec![tx([0xF3, 0x00, 0x00]), tx([0xF4, 0x01])])
}
