//! The packet shapes protocols share, each in one place, so a protocol file only says what
//! its bytes are:
//! - [`Fixed`]: a protocol whose connect handshake is a fixed list of subscriptions and
//!   writes (possibly none), identified by name, with a handler of a [`Shape`];
//! - [`PacketHandler`]: the one handler for stateless encodings, in three shapes: each
//!   change on its own ([`PacketHandler::each`], [`PacketHandler::packets`]), every motor's
//!   value in one packet ([`PacketHandler::all_motors`]), or any function of the batch and
//!   the output state ([`PacketHandler::batch`]); optionally with a battery byte to read
//!   and a keepalive;
//! - [`Slots`]: the outputs an all-motors packet carries;
//! - [`LaunchStroker`]: the Fleshlight Launch (firmware 1.2) speed curve, for strokers that
//!   want a target and a speed instead of a duration;
//! - [`Proto`]: the little protobuf encoding The Handy's firmwares speak.
//!
//! Values, bytes and the one `unsupported` error are in `handler_kit`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{
    HardwareCommand, Keepalive, OutputChange, OutputState, Protocol, ProtocolHandler,
};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareInfo};

use super::handler_kit::{
    battery_only, byte, bytes_of, duration_of, no_input, read_battery_byte, unsupported,
};

/// One write of a connect handshake: endpoint, bytes, with response.
pub(super) type HandshakeWrite = (Endpoint, &'static [u8], bool);

/// Builds the handler once the handshake is done.
pub(super) type MakeHandler = fn(
    &Arc<dyn HardwareDevice>,
    &DeviceDefinition,
) -> Result<Arc<dyn ProtocolHandler>, DeviceError>;

/// How a simulated toy of the protocol answers.
pub(super) type ResponderFn =
    fn(&ProtocolDef, &SimulatedDeviceSpec) -> Option<Box<dyn SimulatedResponder>>;

/// Turns one output change into packets, with no state.
pub(super) type EncodeOne = fn(&OutputChange) -> Result<Vec<HardwareCommand>, DeviceError>;

/// Turns the levels of every vibrator, in feature order, into packets.
pub(super) type EncodeAll = fn(&[u8]) -> Vec<HardwareCommand>;

/// How a [`Fixed`] protocol's handler encodes outputs.
pub(super) enum Shape {
    /// Every change on its own ([`PacketHandler::each`]).
    EachChange(EncodeOne),
    /// One packet per change ([`PacketHandler::packets`]).
    Packets(PacketPerOutput),
    /// Every vibrator's level at once ([`PacketHandler::all_motors`]).
    AllMotors(EncodeAll),
    /// A handler of the protocol's own.
    Custom(MakeHandler),
}

/// A protocol that identifies its model from the advertised name (or not at all), writes a
/// fixed handshake, and needs no answer from the toy.
pub(super) struct Fixed {
    name: &'static str,
    /// The model identifier derived from the advertised name; `None` keeps the name.
    identify: fn(&str) -> Option<String>,
    /// Subscribed to on connect, before the handshake writes.
    subscriptions: &'static [Endpoint],
    handshake: &'static [HandshakeWrite],
    /// How long the toy needs after the handshake before it takes commands.
    settle: Duration,
    shape: Shape,
    responder: Option<ResponderFn>,
}

impl Fixed {
    /// Matched by name, no handshake, a handler of the given shape.
    pub(super) const fn new(name: &'static str, shape: Shape) -> Fixed {
        Fixed {
            name,
            identify: |_| None,
            subscriptions: &[],
            handshake: &[],
            settle: Duration::ZERO,
            shape,
            responder: None,
        }
    }

    /// Writes these, in order, on connect.
    pub(super) const fn handshake(mut self, writes: &'static [HandshakeWrite]) -> Fixed {
        self.handshake = writes;
        self
    }

    /// Subscribes to these, in order, on connect, before any handshake write (toys that
    /// only listen once the host listens to them).
    pub(super) const fn subscribe(mut self, endpoints: &'static [Endpoint]) -> Fixed {
        self.subscriptions = endpoints;
        self
    }

    /// Waits this long after the handshake before the toy is used (toys that need time
    /// to wake up).
    pub(super) const fn settle(mut self, settle: Duration) -> Fixed {
        self.settle = settle;
        self
    }

    /// Derives the model identifier from the advertised name.
    pub(super) const fn identified_by(mut self, identify: fn(&str) -> Option<String>) -> Fixed {
        self.identify = identify;
        self
    }

    /// How a simulated toy answers.
    pub(super) const fn responder(mut self, responder: ResponderFn) -> Fixed {
        self.responder = Some(responder);
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
        for endpoint in self.subscriptions {
            hw.subscribe(*endpoint).await?;
        }
        for (endpoint, data, with_response) in self.handshake {
            hw.write(*endpoint, data, *with_response).await?;
        }
        if !self.settle.is_zero() {
            tokio::time::sleep(self.settle).await;
        }
        Ok(match &self.shape {
            Shape::EachChange(encode) => PacketHandler::each(*encode).shared(),
            Shape::Packets(packets) => PacketHandler::packets(*packets).shared(),
            Shape::AllMotors(encode) => {
                PacketHandler::vibrators(self.name, definition, *encode).shared()
            }
            Shape::Custom(make) => make(hw, definition)?,
        })
    }

    fn simulated_responder(
        &self,
        protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        self.responder.and_then(|f| f(protocol, spec))
    }
}

/// Builds the bytes of one change's packet.
pub(super) type PacketFn = fn(&OutputChange) -> Result<Vec<u8>, DeviceError>;

/// Where and how [`PacketHandler::packets`] writes the one packet of each change.
#[derive(Clone, Copy)]
pub(super) struct PacketPerOutput {
    pub endpoint: Endpoint,
    pub with_response: bool,
    pub encode: PacketFn,
}

impl PacketPerOutput {
    /// Writes to `tx` without response.
    pub(super) const fn tx(encode: PacketFn) -> PacketPerOutput {
        PacketPerOutput {
            endpoint: Endpoint::Tx,
            with_response: false,
            encode,
        }
    }

    /// The same, written with response.
    pub(super) const fn with_response(mut self) -> PacketPerOutput {
        self.with_response = true;
        self
    }
}

/// The outputs an all-motors packet carries, in slot order: (feature index, output kind),
/// padded with zeros up to a minimum count.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Slots {
    slots: Vec<(u32, OutputType)>,
    at_least: usize,
}

impl Slots {
    /// Each feature's first output of one of `kinds`, in feature order.
    pub(super) fn of(definition: &DeviceDefinition, kinds: &[OutputType]) -> Slots {
        let mut features: Vec<&DeviceFeature> = definition.features.iter().collect();
        features.sort_by_key(|f| f.index);
        Slots {
            slots: features
                .into_iter()
                .filter_map(|f| {
                    kinds
                        .iter()
                        .find(|k| f.outputs.contains_key(k))
                        .map(|k| (f.index, *k))
                })
                .collect(),
            at_least: 0,
        }
    }

    /// Pads the values with zeros up to `count` (packets with a fixed number of motors).
    pub(super) fn at_least(mut self, count: usize) -> Slots {
        self.at_least = count;
        self
    }

    /// How many outputs the definition has (before padding).
    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    pub(super) fn contains(&self, change: &OutputChange) -> bool {
        self.slots.contains(&(change.feature, change.output))
    }

    /// The current value of every slot, then zeros up to the minimum count.
    pub(super) fn values(&self, state: &OutputState) -> Vec<i32> {
        let mut values: Vec<i32> = self.slots.iter().map(|(f, o)| state.get(*f, *o)).collect();
        if values.len() < self.at_least {
            values.resize(self.at_least, 0);
        }
        values
    }

    /// Fails with `unsupported` unless every change belongs to a slot.
    pub(super) fn check(
        &self,
        protocol: &str,
        changes: &[OutputChange],
    ) -> Result<(), DeviceError> {
        match changes.iter().find(|c| !self.contains(c)) {
            Some(c) => Err(unsupported(protocol, c)),
            None => Ok(()),
        }
    }
}

type BatchFn = Box<
    dyn Fn(&[OutputChange], &OutputState) -> Result<Vec<HardwareCommand>, DeviceError>
        + Send
        + Sync,
>;

/// The one handler for encodings with no state of their own: packets are a function of
/// the batch and the current output state, optionally with a battery byte to read and a
/// keepalive.
pub(super) struct PacketHandler {
    encode: BatchFn,
    battery: Option<Endpoint>,
    keepalive: Keepalive,
}

impl PacketHandler {
    /// Each change becomes its own packets, in batch order.
    pub(super) fn each(
        encode: impl Fn(&OutputChange) -> Result<Vec<HardwareCommand>, DeviceError>
        + Send
        + Sync
        + 'static,
    ) -> PacketHandler {
        PacketHandler::batch(move |changes, _| {
            let mut out = Vec::new();
            for change in changes {
                out.extend(encode(change)?);
            }
            Ok(out)
        })
    }

    /// Each change becomes one packet written as `packets` says.
    pub(super) fn packets(packets: PacketPerOutput) -> PacketHandler {
        PacketHandler::each(move |change| {
            Ok(vec![HardwareCommand::write(
                packets.endpoint,
                (packets.encode)(change)?,
                packets.with_response,
            )])
        })
    }

    /// Every packet carries all motors: a batch of changes to the slots becomes the packets
    /// `build` makes from the current value of every slot; a change outside the slots is
    /// `unsupported`.
    pub(super) fn all_motors(
        protocol: &'static str,
        slots: Slots,
        build: impl Fn(&[i32]) -> Result<Vec<HardwareCommand>, DeviceError> + Send + Sync + 'static,
    ) -> PacketHandler {
        PacketHandler::batch(move |changes, state| {
            slots.check(protocol, changes)?;
            if changes.is_empty() {
                return Ok(Vec::new());
            }
            build(&slots.values(state))
        })
    }

    /// [`PacketHandler::all_motors`] over the definition's vibrators, as bytes.
    pub(super) fn vibrators(
        protocol: &'static str,
        definition: &DeviceDefinition,
        encode: EncodeAll,
    ) -> PacketHandler {
        let slots = Slots::of(definition, &[OutputType::Vibrate]);
        PacketHandler::all_motors(protocol, slots, move |values| {
            Ok(encode(&bytes_of(values)?))
        })
    }

    /// The whole batch becomes packets built from the output state.
    pub(super) fn batch(
        encode: impl Fn(&[OutputChange], &OutputState) -> Result<Vec<HardwareCommand>, DeviceError>
        + Send
        + Sync
        + 'static,
    ) -> PacketHandler {
        PacketHandler {
            encode: Box::new(encode),
            battery: None,
            keepalive: Keepalive::None,
        }
    }

    /// Battery reads return the first byte read from `endpoint`, as percent.
    pub(super) fn battery_byte(mut self, endpoint: Endpoint) -> PacketHandler {
        self.battery = Some(endpoint);
        self
    }

    pub(super) fn keepalive(mut self, keepalive: Keepalive) -> PacketHandler {
        self.keepalive = keepalive;
        self
    }

    pub(super) fn shared(self) -> Arc<dyn ProtocolHandler> {
        Arc::new(self)
    }
}

#[async_trait]
impl ProtocolHandler for PacketHandler {
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        (self.encode)(changes, state)
    }

    fn keepalive(&self) -> Keepalive {
        self.keepalive.clone()
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        battery_only(feature, input)?;
        match self.battery {
            Some(endpoint) => read_battery_byte(hw, endpoint).await,
            None => Err(no_input(feature, input)),
        }
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
