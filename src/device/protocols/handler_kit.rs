//! Values and errors shared by the byte protocols (packet shapes are in `packet_shapes`):
//! value-to-byte conversion, the level of a motor whatever its output kind, the one
//! error for an output a protocol cannot drive, reading a battery byte, and a simulated
//! toy that answers reads and writes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::device::config::ProtocolDef;
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{HardwareCommand, OutputChange, OutputState};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice};

/// How long a battery read may take.
pub(super) const READ_TIMEOUT: Duration = Duration::from_millis(500);

/// The output kinds that drive a motor with a level (as opposed to on/off switches).
pub(super) const MOTOR_KINDS: [OutputType; 4] = [
    OutputType::Vibrate,
    OutputType::Rotate,
    OutputType::Oscillate,
    OutputType::Constrict,
];

/// The model a simulated toy reports: the one its spec names, else the first configured.
pub(super) fn simulated_model(
    protocol: &ProtocolDef,
    spec: &SimulatedDeviceSpec,
) -> Option<String> {
    spec.model.clone().or_else(|| {
        protocol
            .configurations
            .iter()
            .find_map(|c| c.identifiers.first().cloned())
    })
}

/// The error for an output a protocol cannot drive.
pub(super) fn unsupported(protocol: &str, change: &OutputChange) -> DeviceError {
    DeviceError::Unsupported(format!(
        "{protocol}: {} on feature {}",
        change.output, change.feature
    ))
}

/// A value as one byte; values outside 0..=255 are an error, never truncated.
pub(super) fn byte(value: i32) -> Result<u8, DeviceError> {
    u8::try_from(value).map_err(|_| DeviceError::Protocol(format!("{value} does not fit a byte")))
}

/// A change's step as one byte; steps outside 0..=255 are refused (naming the feature and
/// output), never truncated.
pub(super) fn step_byte(change: &OutputChange) -> Result<u8, DeviceError> {
    u8::try_from(change.value).map_err(|_| DeviceError::ValueOutOfRange {
        feature: change.feature,
        output: change.output,
        value: change.value,
        lo: 0,
        hi: 255,
    })
}

/// A change's step as one byte when it is at most `hi` (packets that only have room for
/// that many steps); larger or negative steps are refused, naming the feature and output.
pub(super) fn step_up_to(change: &OutputChange, hi: u8) -> Result<u8, DeviceError> {
    match u8::try_from(change.value) {
        Ok(step) if step <= hi => Ok(step),
        _ => Err(DeviceError::ValueOutOfRange {
            feature: change.feature,
            output: change.output,
            value: change.value,
            lo: 0,
            hi: i32::from(hi),
        }),
    }
}

/// Values as bytes, refusing any outside 0..=255.
pub(super) fn bytes_of(values: &[i32]) -> Result<Vec<u8>, DeviceError> {
    values.iter().map(|v| byte(*v)).collect()
}

/// The feature index plus `offset` as one byte (the motor number some packets carry).
pub(super) fn feature_byte(change: &OutputChange, offset: u32) -> Result<u8, DeviceError> {
    change
        .feature
        .checked_add(offset)
        .and_then(|n| u8::try_from(n).ok())
        .ok_or(DeviceError::UnknownFeature(change.feature))
}

/// The step byte of a vibrator, the only output some protocols have.
pub(super) fn vibrate_level(protocol: &str, change: &OutputChange) -> Result<u8, DeviceError> {
    if change.output != OutputType::Vibrate {
        return Err(unsupported(protocol, change));
    }
    step_byte(change)
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

/// A feature's motor level whatever kind drives it (rotation by its magnitude).
pub(super) fn level(state: &OutputState, feature: u32) -> i32 {
    MOTOR_KINDS
        .iter()
        .map(|kind| state.get(feature, *kind).abs())
        .max()
        .unwrap_or(0)
}

/// [`level`] as a byte.
pub(super) fn level_byte(state: &OutputState, feature: u32) -> Result<u8, DeviceError> {
    byte(level(state, feature))
}

/// The levels of features 0 and 1 for packets that always carry two motors; a device
/// with one motor drives both with the level of feature 0.
pub(super) fn motor_pair(state: &OutputState, two_motors: bool) -> Result<(u8, u8), DeviceError> {
    let first = level_byte(state, 0)?;
    let second = if two_motors {
        level_byte(state, 1)?
    } else {
        first
    };
    Ok((first, second))
}

/// The first two of an all-motors packet's levels, a missing motor at 0 (packets with
/// room for two motors, on toys with one or two).
pub(super) fn first_two(levels: &[u8]) -> (u8, u8) {
    let level = |i: usize| levels.get(i).copied().unwrap_or(0);
    (level(0), level(1))
}

/// How many features have an output of `kind`.
pub(super) fn count_with(features: &[DeviceFeature], kind: OutputType) -> usize {
    features
        .iter()
        .filter(|f| f.outputs.contains_key(&kind))
        .count()
}

/// Indices of the features that have an output, in index order.
pub(super) fn output_features(features: &[DeviceFeature]) -> Vec<u32> {
    let mut indices: Vec<u32> = features
        .iter()
        .filter(|f| !f.outputs.is_empty())
        .map(|f| f.index)
        .collect();
    indices.sort_unstable();
    indices
}

/// Fails with [`unsupported`] unless every change is of one of `kinds`.
pub(super) fn only(
    protocol: &str,
    changes: &[OutputChange],
    kinds: &[OutputType],
) -> Result<(), DeviceError> {
    match changes.iter().find(|c| !kinds.contains(&c.output)) {
        Some(c) => Err(unsupported(protocol, c)),
        None => Ok(()),
    }
}

/// Reads `endpoint` and returns its first byte as a battery percentage.
pub(super) async fn read_battery_byte(
    hw: &Arc<dyn HardwareDevice>,
    endpoint: Endpoint,
) -> Result<i32, DeviceError> {
    let data = hw.read(endpoint, READ_TIMEOUT).await?;
    data.first()
        .map(|b| i32::from(*b))
        .ok_or_else(|| DeviceError::Protocol("empty battery answer".into()))
}

/// The error for an input a handler cannot read.
pub(super) fn no_input(feature: &DeviceFeature, input: InputType) -> DeviceError {
    DeviceError::UnsupportedInput {
        feature: feature.index,
        input,
    }
}

/// Fails with [`no_input`] unless `input` is the battery.
pub(super) fn battery_only(feature: &DeviceFeature, input: InputType) -> Result<(), DeviceError> {
    match input {
        InputType::Battery => Ok(()),
        other => Err(no_input(feature, other)),
    }
}

type WriteAnswer = Box<dyn FnMut(Endpoint, &[u8]) -> Vec<(Endpoint, Vec<u8>)> + Send>;
type SubscribeAnswer = Box<dyn FnMut(Endpoint) -> Vec<(Endpoint, Vec<u8>)> + Send>;

/// A simulated toy that answers reads with fixed bytes, and writes and subscriptions
/// through functions.
pub(super) struct SimulatedToy {
    reads: HashMap<Endpoint, Vec<u8>>,
    on_write: Option<WriteAnswer>,
    on_subscribe: Option<SubscribeAnswer>,
}

impl SimulatedToy {
    pub(super) fn new() -> SimulatedToy {
        SimulatedToy {
            reads: HashMap::new(),
            on_write: None,
            on_subscribe: None,
        }
    }

    /// A toy whose standard BLE battery level (`rxblebattery`) reads as the spec's
    /// battery level (90 % when unset).
    pub(super) fn ble_battery(spec: &SimulatedDeviceSpec) -> SimulatedToy {
        SimulatedToy::new().read(Endpoint::RxBleBattery, [spec.battery_level.unwrap_or(90)])
    }

    /// Every read of `endpoint` returns `data`.
    pub(super) fn read(mut self, endpoint: Endpoint, data: impl Into<Vec<u8>>) -> SimulatedToy {
        self.reads.insert(endpoint, data.into());
        self
    }

    /// Writes are answered with the notifications `answer` returns.
    pub(super) fn on_write(
        mut self,
        answer: impl FnMut(Endpoint, &[u8]) -> Vec<(Endpoint, Vec<u8>)> + Send + 'static,
    ) -> SimulatedToy {
        self.on_write = Some(Box::new(answer));
        self
    }

    /// Subscriptions are answered with the notifications `answer` returns (toys that push
    /// their state once subscribed).
    pub(super) fn on_subscribe(
        mut self,
        answer: impl FnMut(Endpoint) -> Vec<(Endpoint, Vec<u8>)> + Send + 'static,
    ) -> SimulatedToy {
        self.on_subscribe = Some(Box::new(answer));
        self
    }

    pub(super) fn boxed(self) -> Option<Box<dyn SimulatedResponder>> {
        Some(Box::new(self))
    }
}

impl SimulatedResponder for SimulatedToy {
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        match self.on_write.as_mut() {
            Some(answer) => answer(endpoint, data),
            None => Vec::new(),
        }
    }

    fn on_subscribe(&mut self, endpoint: Endpoint) -> Vec<(Endpoint, Vec<u8>)> {
        match self.on_subscribe.as_mut() {
            Some(answer) => answer(endpoint),
            None => Vec::new(),
        }
    }

    fn on_read(&mut self, endpoint: Endpoint) -> Option<Vec<u8>> {
        self.reads.get(&endpoint).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_checked_not_truncated() {
        assert_eq!(byte(255).ok(), Some(255));
        assert!(byte(256).is_err());
        assert!(byte(-1).is_err());
        let change = |value| OutputChange {
            feature: 1,
            output: OutputType::Vibrate,
            value,
            duration: None,
        };
        assert_eq!(step_byte(&change(255)), Ok(255));
        assert!(matches!(
            step_byte(&change(256)),
            Err(DeviceError::ValueOutOfRange { value: 256, .. })
        ));
        assert!(step_byte(&change(-1)).is_err());
    }

    #[test]
    fn level_takes_any_motor_kind() {
        let mut state = OutputState::default();
        state.set(0, OutputType::Rotate, -40);
        state.set(1, OutputType::Oscillate, 7);
        assert_eq!(level(&state, 0), 40);
        assert_eq!(level(&state, 1), 7);
        assert_eq!(level(&state, 2), 0);
    }
}

/// Which way a [`Stepper`] moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    Up,
    Down,
}

/// A level the toy can only change one step at a time (a remote's faster/slower buttons),
/// tracked open-loop: the target a client set and the step the toy is believed to be at.
/// The handler's tick calls [`Stepper::step`] and writes the button for the step it returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Stepper {
    pub target: i32,
    pub current: i32,
}

impl Stepper {
    /// Moves the believed level one step towards the target and says which way, or `None`
    /// when it is there.
    pub(super) fn step(&mut self) -> Option<Step> {
        match self.target.cmp(&self.current) {
            std::cmp::Ordering::Greater => {
                self.current += 1;
                Some(Step::Up)
            }
            std::cmp::Ordering::Less => {
                self.current -= 1;
                Some(Step::Down)
            }
            std::cmp::Ordering::Equal => None,
        }
    }
}

/// A timed move that the device task's tick walks, for strokers that take only absolute
/// positions (Lovense Solace, Umove, Kiiroo Onyx): the move is cut into as many ticks as
/// fit its duration (at least one), and each tick's position lies on the straight line
/// from where the stroker was to the goal, so the move arrives on time. A move's position
/// is carried later ([`crate::device::protocol::ProtocolHandler::carried_later`]); the tick
/// that reaches the goal reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Mover {
    /// The position last sent: where the stroker is believed to be.
    at: i32,
    from: i32,
    to: i32,
    /// The feature the move belongs to (for its report).
    feature: u32,
    step: u32,
    steps: u32,
}

/// One tick of a [`Mover`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stride {
    pub position: i32,
    /// This tick reached the goal.
    pub arrived: bool,
}

impl Mover {
    /// Starts a move of `feature` to `goal` over `duration`, walked every `tick`.
    pub(super) fn start(&mut self, feature: u32, goal: i32, duration: Duration, tick: Duration) {
        let ticks = (duration.as_secs_f64() / tick.as_secs_f64().max(f64::EPSILON)).round();
        // At least one tick; the cast saturates for absurd durations.
        self.steps = (ticks as u32).max(1);
        self.step = 0;
        self.from = self.at;
        self.to = goal;
        self.feature = feature;
    }

    /// The stroker is at `position` now (a position sent at once).
    pub(super) fn jump(&mut self, position: i32) {
        *self = Mover {
            at: position,
            from: position,
            to: position,
            feature: self.feature,
            step: 0,
            steps: 0,
        };
    }

    /// The move ends where the stroker is.
    pub(super) fn halt(&mut self) {
        self.jump(self.at);
    }

    pub(super) fn moving(&self) -> bool {
        self.step < self.steps
    }

    /// Where the stroker is believed to be.
    pub(super) fn at(&self) -> i32 {
        self.at
    }

    pub(super) fn feature(&self) -> u32 {
        self.feature
    }

    /// Advances the move one tick; `None` when no move is running.
    pub(super) fn advance(&mut self) -> Option<Stride> {
        if !self.moving() {
            return None;
        }
        self.step += 1;
        let done = f64::from(self.step) / f64::from(self.steps);
        let position = f64::from(self.from) + f64::from(self.to - self.from) * done;
        // Rounded half away from zero; within from..=to, so the cast is exact.
        self.at = position.round() as i32;
        Some(Stride {
            position: self.at,
            arrived: !self.moving(),
        })
    }
}

#[cfg(test)]
mod mover_tests {
    use super::*;

    const TICK: Duration = Duration::from_millis(100);

    fn walk(m: &mut Mover) -> Vec<i32> {
        std::iter::from_fn(|| m.advance().map(|s| s.position)).collect()
    }

    #[test]
    fn a_move_arrives_on_time_on_a_straight_line() {
        let mut m = Mover::default();
        m.start(0, 316, Duration::from_millis(300), TICK);
        assert_eq!(walk(&mut m), [105, 211, 316], "three ticks for 300 ms");
        m.start(0, 266, Duration::from_millis(500), TICK);
        assert_eq!(
            walk(&mut m),
            [306, 296, 286, 276, 266],
            "from 316 back, five ticks"
        );
    }

    #[test]
    fn moves_start_where_the_stroker_is() {
        let mut m = Mover::default();
        m.jump(40);
        m.start(0, 0, Duration::from_millis(400), TICK);
        assert_eq!(walk(&mut m), [30, 20, 10, 0]);
        m.start(0, 10, Duration::ZERO, TICK);
        let last = m.advance().unwrap();
        assert_eq!(
            last,
            Stride {
                position: 10,
                arrived: true
            },
            "no duration: one tick"
        );
        assert_eq!(m.advance(), None);
    }

    #[test]
    fn a_halt_ends_the_move_where_it_is() {
        let mut m = Mover::default();
        m.start(2, 100, Duration::from_millis(1000), TICK);
        m.advance();
        m.advance();
        m.halt();
        assert!(!m.moving());
        assert_eq!(m.at(), 20);
        assert_eq!(m.advance(), None);
    }
}
