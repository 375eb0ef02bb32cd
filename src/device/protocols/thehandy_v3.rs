//! The Handy on firmware 4+ (Handy 2, The Oh!): Handy RPC protobuf messages. On connect
//! the battery and the capabilities are asked for (answers are only waited for); then a
//! timed move is an `HdspXpTSet` request and a vibration level an `HvpSet` (or `HvpStop`
//! at 0), each request with its own id. The model is the second part of the advertised
//! name (`OHD_hw4_A1B2C3` -> `hw4`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, Protocol, ProtocolHandler, write_and_await,
};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareInfo};

use super::handler_kit::{duration_of, unsupported};
use super::packet_shapes::Proto;

/// How long connecting waits for each answer before going on without it.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

// RpcMessage
const RPC_TYPE: u32 = 1;
const RPC_REQUEST: u32 = 2;
const RPC_RESPONSE: u32 = 4;
const TYPE_REQUEST: u64 = 1;
const TYPE_RESPONSE: u64 = 3;
// Request and Response
const REQUEST_ID: u32 = 2;
const RESPONSE_ID: u32 = 1;
const BATTERY_GET: u32 = 710;
const CAPABILITIES_GET: u32 = 713;
const HDSP_XPT_SET: u32 = 744;
const HVP_SET: u32 = 900;
const HVP_STOP: u32 = 901;
// HdspXpTSet
const XPT_POSITION: u32 = 1;
const XPT_TIME: u32 = 2;
const XPT_STOP_ON_TARGET: u32 = 3;
// HvpSet
const HVP_AMPLITUDE: u32 = 1;
const HVP_FREQUENCY: u32 = 2;
const HVP_POSITION: u32 = 3;
/// The vibration frequency the reference always asks for.
const HVP_HZ: u64 = 100;

/// Ids 1 and 2 are the connect requests; commands count from 1 on their own, as the
/// reference spends id 0 on a keepalive packet it only sends on some platforms.
const FIRST_COMMAND_ID: u32 = 1;

/// An `RpcMessage` carrying one request.
fn request(id: u32, params_field: u32, params: Proto) -> Vec<u8> {
    let request = Proto::new()
        .uint(REQUEST_ID, u64::from(id))
        .message(params_field, params);
    Proto::new()
        .uint(RPC_TYPE, TYPE_REQUEST)
        .message(RPC_REQUEST, request)
        .into_bytes()
}

fn model_from_name(name: &str) -> String {
    let parts: Vec<&str> = name.split('_').collect();
    match parts.as_slice() {
        [_, model, _, ..] => model.to_string(),
        _ => "unknown".to_string(),
    }
}

pub(super) struct TheHandyV3;

#[async_trait]
impl Protocol for TheHandyV3 {
    fn name(&self) -> &'static str {
        "thehandy-v3"
    }

    async fn identify(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        Ok(Some(model_from_name(&info.name)))
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        hw.subscribe(Endpoint::Rx).await?;
        for (id, params) in [(1, BATTERY_GET), (2, CAPABILITIES_GET)] {
            let ask =
                HardwareCommand::write(Endpoint::Tx, request(id, params, Proto::new()), false);
            // The answers are not used; the toy only has to have had its say.
            match write_and_await(hw, ask, Endpoint::Rx, ANSWER_TIMEOUT, |_| Some(())).await {
                Ok(()) | Err(DeviceError::Hardware(HardwareError::Timeout)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Arc::new(TheHandyV3Handler {
            next_id: AtomicU32::new(FIRST_COMMAND_ID),
        }))
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        Some(Box::new(SimulatedHandy {
            battery: spec.battery_level.unwrap_or(80),
        }))
    }
}

struct TheHandyV3Handler {
    next_id: AtomicU32,
}

impl ProtocolHandler for TheHandyV3Handler {
    fn encode_output(&self, c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        let (field, params) = match (c.output, c.value) {
            (OutputType::HwPositionWithDuration, position) => {
                let params = Proto::new()
                    .float(XPT_POSITION, position as f32 / 100.0)
                    .uint(XPT_TIME, u64::from(duration_of(c)?))
                    .boolean(XPT_STOP_ON_TARGET, true);
                (HDSP_XPT_SET, params)
            }
            (OutputType::Vibrate, 0) => (HVP_STOP, Proto::new()),
            (OutputType::Vibrate, level) => {
                let params = Proto::new()
                    .float(HVP_AMPLITUDE, level as f32 / 100.0)
                    .uint(HVP_FREQUENCY, HVP_HZ)
                    .float(HVP_POSITION, 0.0);
                (HVP_SET, params)
            }
            _ => return Err(unsupported("thehandy-v3", c)),
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        Ok(vec![HardwareCommand::write(
            Endpoint::Tx,
            request(id, field, params),
            true,
        )])
    }
}

/// A simulated Handy answers the connect requests: its battery level, and an empty
/// capabilities answer.
struct SimulatedHandy {
    battery: u8,
}

impl SimulatedResponder for SimulatedHandy {
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        if endpoint != Endpoint::Tx {
            return Vec::new();
        }
        let (id, field, result) = if data == request(1, BATTERY_GET, Proto::new()) {
            let state = Proto::new().uint(1, u64::from(self.battery));
            (1, BATTERY_GET, Proto::new().message(1, state))
        } else if data == request(2, CAPABILITIES_GET, Proto::new()) {
            (2, CAPABILITIES_GET, Proto::new())
        } else {
            return Vec::new();
        };
        let response = Proto::new().uint(RESPONSE_ID, id).message(field, result);
        let answer = Proto::new()
            .uint(RPC_TYPE, TYPE_RESPONSE)
            .message(RPC_RESPONSE, response);
        vec![(Endpoint::Rx, answer.into_bytes())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_from_names() {
        assert_eq!(model_from_name("OHD_hw4_A1B2C3"), "hw4");
        assert_eq!(model_from_name("OHD_hw1"), "unknown");
    }

    #[test]
    fn large_ids_take_two_bytes() {
        let handler = TheHandyV3Handler {
            next_id: AtomicU32::new(200),
        };
        let change = OutputChange {
            feature: 0,
            output: OutputType::HwPositionWithDuration,
            value: 50,
            duration: Some(500),
        };
        let expected = [
            0x08, 0x01, 0x12, 0x10, 0x10, 0xC8, 0x01, 0xC2, 0x2E, 0x0A, 0x0D, 0x00, 0x00, 0x00,
            0x3F, 0x10, 0xF4, 0x03, 0x18, 0x01,
        ];
        assert_eq!(
            handler.encode_output(&change).unwrap(),
            vec![HardwareCommand::write(Endpoint::Tx, expected, true)]
        );
    }
}
