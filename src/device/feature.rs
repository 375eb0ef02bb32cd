//! The internal feature model: what a device can do (outputs) and report (inputs).
//!
//! This is the v4-like model the whole server speaks; older spec versions are views of it.

use std::collections::BTreeMap;
use std::fmt;

/// Kinds of output a device feature can drive.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputType {
    Vibrate,
    Rotate,
    Oscillate,
    Constrict,
    Spray,
    Temperature,
    Led,
    Position,
    HwPositionWithDuration,
}

impl OutputType {
    pub const ALL: [OutputType; 9] = [
        OutputType::Vibrate,
        OutputType::Rotate,
        OutputType::Oscillate,
        OutputType::Constrict,
        OutputType::Spray,
        OutputType::Temperature,
        OutputType::Led,
        OutputType::Position,
        OutputType::HwPositionWithDuration,
    ];

    /// Name as used in device configuration files (`hw_position_with_duration`).
    pub fn config_name(self) -> &'static str {
        match self {
            OutputType::Vibrate => "vibrate",
            OutputType::Rotate => "rotate",
            OutputType::Oscillate => "oscillate",
            OutputType::Constrict => "constrict",
            OutputType::Spray => "spray",
            OutputType::Temperature => "temperature",
            OutputType::Led => "led",
            OutputType::Position => "position",
            OutputType::HwPositionWithDuration => "hw_position_with_duration",
        }
    }

    /// Name as used in spec v4 messages (`HwPositionWithDuration`).
    pub fn spec_name(self) -> &'static str {
        match self {
            OutputType::Vibrate => "Vibrate",
            OutputType::Rotate => "Rotate",
            OutputType::Oscillate => "Oscillate",
            OutputType::Constrict => "Constrict",
            OutputType::Spray => "Spray",
            OutputType::Temperature => "Temperature",
            OutputType::Led => "Led",
            OutputType::Position => "Position",
            OutputType::HwPositionWithDuration => "HwPositionWithDuration",
        }
    }

    pub fn from_config_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.config_name() == name)
    }

    pub fn from_spec_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.spec_name().eq_ignore_ascii_case(name))
    }

    /// Whether a stop command writes a zero for this output. Moving a stroker to
    /// position 0 is not "stopping", so positions are left where they are.
    pub fn stops_at_zero(self) -> bool {
        !matches!(
            self,
            OutputType::Position | OutputType::HwPositionWithDuration
        )
    }
}

impl fmt::Display for OutputType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec_name())
    }
}

/// Kinds of input (sensor) a device feature can report.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputType {
    Battery,
    Rssi,
    Button,
    Pressure,
    Depth,
    Position,
}

impl InputType {
    pub const ALL: [InputType; 6] = [
        InputType::Battery,
        InputType::Rssi,
        InputType::Button,
        InputType::Pressure,
        InputType::Depth,
        InputType::Position,
    ];

    pub fn config_name(self) -> &'static str {
        match self {
            InputType::Battery => "battery",
            InputType::Rssi => "rssi",
            InputType::Button => "button",
            InputType::Pressure => "pressure",
            InputType::Depth => "depth",
            InputType::Position => "position",
        }
    }

    pub fn spec_name(self) -> &'static str {
        match self {
            InputType::Battery => "Battery",
            InputType::Rssi => "Rssi",
            InputType::Button => "Button",
            InputType::Pressure => "Pressure",
            InputType::Depth => "Depth",
            InputType::Position => "Position",
        }
    }

    /// Accepts config and spec spellings, case-insensitively (clients send both `Rssi` and `RSSI`).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.spec_name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for InputType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec_name())
    }
}

/// What can be asked of an input.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputCommand {
    Read,
    Subscribe,
    Unsubscribe,
}

impl InputCommand {
    pub fn name(self) -> &'static str {
        match self {
            InputCommand::Read => "Read",
            InputCommand::Subscribe => "Subscribe",
            InputCommand::Unsubscribe => "Unsubscribe",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Read, Self::Subscribe, Self::Unsubscribe]
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

/// The steps an output accepts, and for timed moves the durations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputLimits {
    /// Inclusive step range the client addresses, e.g. `(0, 20)` or `(-20, 20)` for rotation.
    pub value: (i32, i32),
    /// Inclusive duration range in milliseconds, for `HwPositionWithDuration`.
    pub duration: Option<(u32, u32)>,
    /// Where a user-limited range starts on the hardware: client step `s > 0` is sent as
    /// `offset + s` (0 stays 0, off).
    pub offset: i32,
    /// For positions: client step `s` is sent as `end - s`.
    pub reverse: bool,
    /// The top of the output's hardware range as the device configuration gives it; a
    /// user configuration that narrows the range leaves it (protocols that send values as
    /// a fraction of full scale, such as T-Code, need it).
    pub full_scale: i32,
}

impl OutputLimits {
    pub fn new(lo: i32, hi: i32) -> Self {
        OutputLimits {
            value: (lo, hi),
            duration: None,
            offset: 0,
            reverse: false,
            full_scale: hi,
        }
    }

    /// Maps a client step to the hardware step; `None` when the step is outside the
    /// output's range or the arithmetic would overflow (checked before any of it is done).
    pub fn to_hardware(&self, output: OutputType, step: i32) -> Option<i32> {
        if !self.contains(step) {
            return None;
        }
        let positional = matches!(
            output,
            OutputType::Position | OutputType::HwPositionWithDuration
        );
        if positional {
            if self.reverse {
                self.offset.checked_add(self.value.1)?.checked_sub(step)
            } else {
                self.offset.checked_add(step)
            }
        } else if step == 0 {
            Some(0)
        } else {
            let magnitude = self.offset.checked_add(step.checked_abs()?)?;
            magnitude.checked_mul(step.signum())
        }
    }

    /// The number of steps from stop to full, i.e. the magnitude of the largest value.
    pub fn step_count(&self) -> u32 {
        self.value.0.unsigned_abs().max(self.value.1.unsigned_abs())
    }

    pub fn contains(&self, value: i32) -> bool {
        value >= self.value.0 && value <= self.value.1
    }

    /// Converts a client float (0..1, or -1..1 for signed outputs) to steps: `ceil(steps * |v|)`
    /// with the sign kept, and anything below 1e-6 in magnitude is 0.
    pub fn float_to_step(&self, v: f64) -> Option<i32> {
        float_to_step(v, self.step_count(), self.value.0 < 0)
    }
}

/// `ceil(steps * v)`, sign kept for signed outputs, values below 1e-6 become 0.
/// Returns `None` for NaN or values outside -1..1 (or 0..1 when unsigned).
pub fn float_to_step(v: f64, steps: u32, signed: bool) -> Option<i32> {
    if !v.is_finite() || v > 1.0 || v < if signed { -1.0 } else { 0.0 } {
        return None;
    }
    if v.abs() < 1e-6 {
        return Some(0);
    }
    let magnitude = (steps as f64 * v.abs()).ceil() as i32;
    Some(if v < 0.0 { -magnitude } else { magnitude })
}

/// A linear position (0..1) becomes steps by truncation, as the reference does.
pub fn position_to_step(v: f64, steps: u32) -> Option<i32> {
    if !v.is_finite() || !(0.0..=1.0).contains(&v) {
        return None;
    }
    Some((steps as f64 * v).floor() as i32)
}

/// What an input reports and which commands it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputLimits {
    pub value: Vec<(i32, i32)>,
    pub commands: Vec<InputCommand>,
}

impl InputLimits {
    pub fn accepts(&self, command: InputCommand) -> bool {
        match command {
            // Unsubscribe is valid wherever Subscribe is.
            InputCommand::Unsubscribe => self.commands.contains(&InputCommand::Subscribe),
            c => self.commands.contains(&c),
        }
    }
}

/// `[min, max]` from JSON.
pub(crate) fn json_range(v: &serde_json::Value) -> Option<(i32, i32)> {
    let a = v.as_array()?;
    if a.len() != 2 {
        return None;
    }
    // Out-of-range numbers are refused, never truncated.
    let end = |v: &serde_json::Value| i32::try_from(v.as_i64()?).ok();
    Some((end(&a[0])?, end(&a[1])?))
}

impl InputLimits {
    /// Reads an input description from JSON: ranges under `value_key`, commands under
    /// `command_key` (config files say `value`/`command`, spec v4 `Value`/`Command`).
    pub(crate) fn from_json(
        spec: &serde_json::Value,
        value_key: &str,
        command_key: &str,
    ) -> InputLimits {
        let value = spec
            .get(value_key)
            .and_then(serde_json::Value::as_array)
            .map(|a| a.iter().filter_map(json_range).collect())
            .unwrap_or_default();
        let commands = spec
            .get(command_key)
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(serde_json::Value::as_str)
                    .filter_map(InputCommand::from_name)
                    .collect()
            })
            .unwrap_or_default();
        InputLimits { value, commands }
    }
}

/// One feature of a device: an index, a description and its outputs/inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceFeature {
    pub index: u32,
    pub id: String,
    pub description: String,
    pub outputs: BTreeMap<OutputType, OutputLimits>,
    pub inputs: BTreeMap<InputType, InputLimits>,
}

impl DeviceFeature {
    pub fn output(&self, kind: OutputType) -> Option<&OutputLimits> {
        self.outputs.get(&kind)
    }

    pub fn input(&self, kind: InputType) -> Option<&InputLimits> {
        self.inputs.get(&kind)
    }
}

/// A value measured by an input.
#[derive(Clone, Debug, PartialEq)]
pub struct InputReading {
    pub input_type: InputType,
    /// The reading in the feature's units (battery 0..100, rssi in dBm, button 0/1, ...).
    pub value: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_to_step_rounds_up_like_clients_expect() {
        assert_eq!(float_to_step(0.05, 20, false), Some(1));
        assert_eq!(float_to_step(0.5, 20, false), Some(10));
        assert_eq!(float_to_step(0.51, 20, false), Some(11));
        assert_eq!(float_to_step(1.0, 20, false), Some(20));
        assert_eq!(float_to_step(0.0, 20, false), Some(0));
        assert_eq!(float_to_step(0.0000009, 20, false), Some(0));
        assert_eq!(float_to_step(-0.3, 20, true), Some(-6));
        assert_eq!(float_to_step(-0.3, 20, false), None);
        assert_eq!(float_to_step(1.01, 20, false), None);
        assert_eq!(float_to_step(f64::NAN, 20, false), None);
    }

    #[test]
    fn user_ranges_map_to_hardware() {
        let mut l = OutputLimits::new(0, 10);
        l.offset = 5;
        assert_eq!(l.to_hardware(OutputType::Vibrate, 0), Some(0));
        assert_eq!(l.to_hardware(OutputType::Vibrate, 1), Some(6));
        assert_eq!(l.to_hardware(OutputType::Vibrate, 10), Some(15));
        assert_eq!(
            l.to_hardware(OutputType::Vibrate, 11),
            None,
            "outside the range"
        );
        l.value = (-10, 10);
        assert_eq!(l.to_hardware(OutputType::Rotate, -10), Some(-15));
        l.reverse = true;
        l.offset = 0;
        l.value = (0, 100);
        assert_eq!(l.to_hardware(OutputType::Position, 0), Some(100));
        assert_eq!(l.to_hardware(OutputType::Position, 30), Some(70));
    }

    #[test]
    fn extreme_ranges_never_overflow() {
        // A range that reached i32::MIN (refused at load) must still not panic here.
        let l = OutputLimits::new(i32::MIN, 20);
        assert_eq!(l.to_hardware(OutputType::Vibrate, i32::MIN), None);
        assert_eq!(l.to_hardware(OutputType::Vibrate, -5), Some(-5));
        let mut wide = OutputLimits::new(0, i32::MAX);
        wide.offset = 10;
        assert_eq!(wide.to_hardware(OutputType::Vibrate, i32::MAX), None);
        assert_eq!(wide.to_hardware(OutputType::Position, i32::MAX), None);
        wide.reverse = true;
        assert_eq!(wide.to_hardware(OutputType::Position, 0), None);
        assert_eq!(wide.to_hardware(OutputType::Vibrate, 5), Some(15));
    }

    #[test]
    fn json_ranges_refuse_numbers_an_i32_cannot_hold() {
        assert_eq!(json_range(&serde_json::json!([0, 20])), Some((0, 20)));
        assert_eq!(json_range(&serde_json::json!([0, 4294967296i64])), None);
        assert_eq!(json_range(&serde_json::json!([-2147483649i64, 0])), None);
    }

    #[test]
    fn positions_truncate() {
        assert_eq!(position_to_step(0.999, 100), Some(99));
        assert_eq!(position_to_step(1.0, 100), Some(100));
        assert_eq!(position_to_step(1.5, 100), None);
    }

    #[test]
    fn names_round_trip() {
        for t in OutputType::ALL {
            assert_eq!(OutputType::from_config_name(t.config_name()), Some(t));
            assert_eq!(OutputType::from_spec_name(t.spec_name()), Some(t));
        }
        assert_eq!(InputType::from_name("RSSI"), Some(InputType::Rssi));
        assert_eq!(InputType::from_name("battery"), Some(InputType::Battery));
    }
}
