//! Shapes several protocols share, so each protocol file only says what its bytes are:
//! - [`Fixed`]: a protocol whose connect handshake is a fixed list of writes (possibly
//!   none), with a handler of one of the shapes below or of [`PacketPerOutput`];
//! - [`PerChange`]: a handler that turns each output change into packets on its own;
//! - [`AllMotors`]: a handler that sends every motor's level in one packet;
//! - [`LaunchStroker`]: the Fleshlight Launch (firmware 1.2) speed curve, for strokers that
//!   want a target and a speed instead of a duration;
//! - [`Proto`]: the little protobuf encoding The Handy's firmwares speak.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, Keepalive, OutputChange, OutputState, Protocol, ProtocolHandler,
};
use crate::hardware::{Endpoint, HardwareDevice, HardwareInfo};

pub(super) use super::packet_kit::PacketPerOutput;

/// One write of a connect handshake: endpoint, bytes, with response.
pub(super) type HandshakeWrite = (Endpoint, &'static [u8], bool);

/// Builds the handler once the handshake is done.
pub(super) type MakeHandler =
    fn(&Arc<dyn HardwareDevice>, &DeviceDefinition) -> Arc<dyn ProtocolHandler>;

/// How a [`Fixed`] protocol's handler encodes outputs.
pub(super) enum Shape {
    /// Every change on its own.
    EachChange(EncodeOne),
    /// Every motor's level at once ([`AllMotors`]).
    AllMotors(EncodeAll),
    /// One packet per change, computed from that change alone ([`PacketPerOutput`]).
    Packets(PacketPerOutput),
    /// A handler of the protocol's own.
    Custom(MakeHandler),
}

/// A protocol that identifies its model from the advertised name (or not at all), writes a
/// fixed handshake, and needs no answer from the toy.
pub(super) struct Fixed {
    name: &'static str,
    /// The model identifier derived from the advertised name; `None` keeps the name.
    identify: fn(&str) -> Option<String>,
    handshake: &'static [HandshakeWrite],
    shape: Shape,
}

impl Fixed {
    /// Matched by name, no handshake, a handler of the given shape.
    pub(super) const fn new(name: &'static str, shape: Shape) -> Fixed {
        Fixed {
            name,
            identify: |_| None,
            handshake: &[],
            shape,
        }
    }

    /// Writes these, in order, on connect.
    pub(super) const fn handshake(mut self, writes: &'static [HandshakeWrite]) -> Fixed {
        self.handshake = writes;
        self
    }

    /// Derives the model identifier from the advertised name.
    pub(super) const fn identified_by(mut self, identify: fn(&str) -> Option<String>) -> Fixed {
        self.identify = identify;
        self
    }
}

#[async_trait]
impl Protocol for Fixed {
    fn name(&self) -> &'static str {
        self.name
    }

    async fn identify(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        Ok((self.identify)(&info.name))
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        for (endpoint, data, with_response) in self.handshake {
            hw.write(*endpoint, data, *with_response).await?;
        }
        Ok(match &self.shape {
            Shape::EachChange(encode) => Arc::new(PerChange(*encode)),
            Shape::Packets(handler) => Arc::new(handler.clone()),
            Shape::AllMotors(encode) => Arc::new(AllMotors::new(self.name, definition, *encode)),
            Shape::Custom(make) => make(hw, definition),
        })
    }
}

pub(super) use super::handler_kit::{byte, unsupported};

/// The level byte of a vibrator, the only output some protocols have.
pub(super) fn vibrate_level(protocol: &str, change: &OutputChange) -> Result<u8, DeviceError> {
    if change.output != OutputType::Vibrate {
        return Err(unsupported(protocol, change));
    }
    byte(change.value)
}

/// A change encoded as one write.
pub(super) fn one_write(
    endpoint: Endpoint,
    data: impl Into<Vec<u8>>,
    with_response: bool,
) -> Result<Vec<HardwareCommand>, DeviceError> {
    Ok(vec![HardwareCommand::write(endpoint, data, with_response)])
}

/// The duration of a timed move.
pub(super) fn duration_of(change: &OutputChange) -> Result<u32, DeviceError> {
    change.duration.ok_or(DeviceError::MissingDuration {
        output: change.output,
    })
}

/// Turns one output change into packets, with no state.
pub(super) type EncodeOne = fn(&OutputChange) -> Result<Vec<HardwareCommand>, DeviceError>;

/// A handler that encodes every change on its own.
pub(super) struct PerChange(pub(super) EncodeOne);

impl ProtocolHandler for PerChange {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        (self.0)(change)
    }
}

/// Turns the levels of every motor, in feature order, into packets.
pub(super) type EncodeAll = fn(&[u8]) -> Vec<HardwareCommand>;

/// The features with a vibrate output, in order: the motors of toys that take every
/// level at once.
pub(super) struct Vibrators(Vec<u32>);

impl Vibrators {
    pub(super) fn of(definition: &DeviceDefinition) -> Vibrators {
        Vibrators(
            definition
                .features
                .iter()
                .filter(|f| f.outputs.contains_key(&OutputType::Vibrate))
                .map(|f| f.index)
                .collect(),
        )
    }

    pub(super) fn count(&self) -> usize {
        self.0.len()
    }

    /// Every motor's current level, once the batch is known to hold only vibrations.
    pub(super) fn levels(
        &self,
        protocol: &str,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<u8>, DeviceError> {
        if let Some(c) = changes.iter().find(|c| c.output != OutputType::Vibrate) {
            return Err(unsupported(protocol, c));
        }
        self.0
            .iter()
            .map(|f| byte(state.get(*f, OutputType::Vibrate)))
            .collect()
    }
}

/// A handler for toys that take all their vibrators' levels at once: each batch of changes
/// becomes the packets for the current level of every motor.
pub(super) struct AllMotors {
    protocol: &'static str,
    motors: Vibrators,
    encode: EncodeAll,
    keepalive: Keepalive,
}

impl AllMotors {
    pub(super) fn new(
        protocol: &'static str,
        definition: &DeviceDefinition,
        encode: EncodeAll,
    ) -> AllMotors {
        AllMotors {
            protocol,
            motors: Vibrators::of(definition),
            encode,
            keepalive: Keepalive::None,
        }
    }

    /// Re-sends the last packets whenever nothing was written for `interval`.
    pub(super) fn repeating_every(mut self, interval: Duration) -> AllMotors {
        self.keepalive = Keepalive::RepeatLast(interval);
        self
    }
}

impl ProtocolHandler for AllMotors {
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        let levels = self.motors.levels(self.protocol, changes, state)?;
        Ok((self.encode)(&levels))
    }

    fn keepalive(&self) -> Keepalive {
        self.keepalive.clone()
    }
}

/// The Fleshlight Launch speed (a fraction of the toy's 0..99 speed scale) that covers
/// `distance` (a fraction of the whole stroke) in `duration_ms`. It is not limited to 1:
/// quick moves ask for more than the scale's top.
pub(super) fn launch_speed(distance: f64, duration_ms: u32) -> f64 {
    if distance < 0.0 {
        return 0.0;
    }
    let distance = distance.min(1.0);
    250.0 * ((f64::from(duration_ms) * 90.0) / (distance * 100.0)).powf(-1.05)
}

/// Builds a stroker packet from a position and a speed byte.
pub(super) type StrokePacket = fn(u8, u8) -> HardwareCommand;

/// A stroker driven by position and speed: a timed move becomes the speed that covers the
/// distance from the last commanded position in the wanted time.
pub(super) struct LaunchStroker {
    /// The last commanded position (0 until the first move).
    previous: Mutex<u8>,
    packet: StrokePacket,
    /// How the protocol's other outputs are encoded, if it has any.
    others: Option<EncodeOne>,
    protocol: &'static str,
}

impl LaunchStroker {
    pub(super) fn new(
        protocol: &'static str,
        packet: StrokePacket,
        others: Option<EncodeOne>,
    ) -> LaunchStroker {
        LaunchStroker {
            previous: Mutex::new(0),
            packet,
            others,
            protocol,
        }
    }

    /// The speed byte for a move to `position` in `duration_ms`; remembers `position`.
    fn speed_to(&self, position: u8, duration_ms: u32) -> u8 {
        let mut previous = self.previous.lock().unwrap_or_else(|e| e.into_inner());
        let distance = (f64::from(*previous) - f64::from(position)).abs() / 99.0;
        *previous = position;
        // `as` saturates (and makes NaN 0), as the toy's scale wants.
        (launch_speed(distance, duration_ms) * 99.0) as u8
    }
}

impl ProtocolHandler for LaunchStroker {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        match (change.output, self.others) {
            (OutputType::HwPositionWithDuration, _) => {
                let position = byte(change.value)?;
                let speed = self.speed_to(position, duration_of(change)?);
                Ok(vec![(self.packet)(position, speed)])
            }
            (_, Some(others)) => others(change),
            (_, None) => Err(unsupported(self.protocol, change)),
        }
    }
}

/// A protobuf (proto3) message being written: fields go in the order they are added, and
/// scalars at their default value are left out, as proto3 encoders do.
#[derive(Clone, Debug, Default)]
pub(super) struct Proto(Vec<u8>);

impl Proto {
    pub(super) fn new() -> Proto {
        Proto::default()
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn key(&mut self, field: u32, wire_type: u8) {
        self.varint((u64::from(field) << 3) | u64::from(wire_type));
    }

    pub(super) fn uint(mut self, field: u32, v: u64) -> Proto {
        if v != 0 {
            self.key(field, 0);
            self.varint(v);
        }
        self
    }

    pub(super) fn boolean(self, field: u32, v: bool) -> Proto {
        self.uint(field, u64::from(v))
    }

    pub(super) fn double(mut self, field: u32, v: f64) -> Proto {
        if v != 0.0 {
            self.key(field, 1);
            self.0.extend_from_slice(&v.to_le_bytes());
        }
        self
    }

    pub(super) fn float(mut self, field: u32, v: f32) -> Proto {
        if v != 0.0 {
            self.key(field, 5);
            self.0.extend_from_slice(&v.to_le_bytes());
        }
        self
    }

    /// An embedded message; written even when empty.
    pub(super) fn message(mut self, field: u32, m: Proto) -> Proto {
        self.key(field, 2);
        self.varint(m.0.len() as u64);
        self.0.extend_from_slice(&m.0);
        self
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_speed_edges() {
        // A whole stroke in half a second is 0.409 of the scale.
        assert!((launch_speed(1.0, 500) - 0.40932).abs() < 1e-4);
        assert_eq!(launch_speed(0.0, 500), 0.0);
        assert!(launch_speed(0.5, 0).is_infinite());
        assert!(launch_speed(0.0, 0).is_nan());
        assert_eq!(launch_speed(-0.5, 500), 0.0);
    }

    #[test]
    fn proto_leaves_defaults_out() {
        let m = Proto::new()
            .uint(1, 0)
            .uint(2, 300)
            .message(3, Proto::new())
            .boolean(4, true);
        assert_eq!(
            m.into_bytes(),
            vec![0x10, 0xAC, 0x02, 0x1A, 0x00, 0x20, 0x01]
        );
        assert_eq!(Proto::new().key_bytes(403), vec![0x9A, 0x19]);
    }

    impl Proto {
        fn key_bytes(mut self, field: u32) -> Vec<u8> {
            self.key(field, 2);
            self.0
        }
    }
}
