//! The Handy (firmware 3, "handyplug"): every packet is a protobuf `Payload` carrying one
//! `LinearCmd` (id 2) with one vector: duration in ms and position as a fraction.

use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{duration_of, one_write, unsupported};
use super::packet_shapes::{Fixed, Proto, Shape};

pub(super) const THEHANDY: Fixed = Fixed::new("thehandy", Shape::EachChange(encode));

// Field numbers of the handyplug messages.
const PAYLOAD_MESSAGES: u32 = 1;
const MESSAGE_LINEAR_CMD: u32 = 403;
const LINEAR_ID: u32 = 1;
const LINEAR_VECTORS: u32 = 3;
const VECTOR_DURATION: u32 = 2;
const VECTOR_POSITION: u32 = 3;
const LINEAR_CMD_ID: u64 = 2;

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    if c.output != OutputType::HwPositionWithDuration {
        return Err(unsupported("thehandy", c));
    }
    // Device index and vector index are both 0, which proto3 leaves out.
    let vector = Proto::new()
        .uint(VECTOR_DURATION, u64::from(duration_of(c)?))
        .double(VECTOR_POSITION, f64::from(c.value) / 100.0);
    let linear = Proto::new()
        .uint(LINEAR_ID, LINEAR_CMD_ID)
        .message(LINEAR_VECTORS, vector);
    let payload = Proto::new().message(
        PAYLOAD_MESSAGES,
        Proto::new().message(MESSAGE_LINEAR_CMD, linear),
    );
    one_write(Endpoint::Tx, payload.into_bytes(), true)
}
