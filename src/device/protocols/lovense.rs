//! Lovense: ASCII commands ending in `;`, written without response to `tx`; answers arrive
//! as notifications on `rx`.
//!
//! The model is identified at connect time: `DeviceType;` is answered with
//! `TYPE:FIRMWARE:MAC;` and TYPE selects the configuration. The command shape depends on
//! the model's features (single vibe, per-motor `VibrateN:`, Max air pump, Nora rotation
//! with its direction toggle, `Mply:` for multi-motor and Solace strokers).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::Mover;
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, Protocol, ProtocolHandler,
    write_and_await,
};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareInfo};

const ANSWER_TIMEOUT: Duration = Duration::from_millis(500);
const IDENTIFY_ATTEMPTS: usize = 6;
const MOVER_TICK: Duration = Duration::from_millis(100);

pub struct Lovense;

fn tx(text: String) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, text.into_bytes(), false)
}

/// `TYPE:FIRMWARE:MAC;` -> configuration identifier.
fn parse_device_type(answer: &str) -> String {
    let parts: Vec<&str> = answer.trim_end_matches(';').split(':').collect();
    if parts.len() < 2 {
        return "lovense".to_string();
    }
    let firmware: u32 = parts[1].trim().parse().unwrap_or(0);
    match parts[0] {
        "EI" if firmware >= 3 => "EI-FW3".to_string(),
        other => other.to_string(),
    }
}

/// Model letters from a name such as `LVS-Z36`, used when the toy does not answer.
fn letters_from_name(name: &str) -> Option<String> {
    let rest = name.strip_prefix("LVS-")?;
    let letters: String = rest
        .chars()
        .take_while(|c| c.is_ascii_uppercase())
        .collect();
    let digits = &rest[letters.len()..];
    (!letters.is_empty() && digits.starts_with(|c: char| c.is_ascii_digit())).then_some(letters)
}

/// Battery answers look like `85;` or `s85;`.
fn parse_battery(answer: &[u8]) -> Option<i32> {
    let s = std::str::from_utf8(answer).ok()?;
    let start = usize::from(s.contains('s'));
    let end = s.len().checked_sub(1)?;
    s.get(start..end)?.parse::<u8>().ok().map(i32::from)
}

#[async_trait]
impl Protocol for Lovense {
    fn name(&self) -> &'static str {
        "lovense"
    }

    async fn identify(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        hw.subscribe(Endpoint::Rx).await?;
        for _ in 0..IDENTIFY_ATTEMPTS {
            let answer = write_and_await(
                hw,
                tx("DeviceType;".into()),
                Endpoint::Rx,
                ANSWER_TIMEOUT,
                |data| std::str::from_utf8(data).ok().map(str::to_string),
            )
            .await;
            match answer {
                Ok(text) => return Ok(Some(parse_device_type(&text))),
                Err(DeviceError::Hardware(HardwareError::Timeout)) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(letters_from_name(&info.name))
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let variant = Variant::of(definition);
        let mover = match variant {
            Variant::Stroker { .. } => Some(Mutex::new(Mover::default())),
            _ => None,
        };
        Ok(Arc::new(LovenseHandler {
            variant,
            clockwise: Mutex::new(true),
            mover,
        }))
    }

    fn simulated_responder(
        &self,
        protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let model = spec.model.clone().unwrap_or_else(|| {
            // `LVS-Nora` answers as the configuration named "Lovense Nora".
            let suffix = spec
                .name
                .trim_start_matches("LVS-")
                .trim_start_matches("LOVE-");
            protocol
                .configurations
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&format!("Lovense {suffix}")))
                .and_then(|c| c.identifiers.first().cloned())
                .or_else(|| letters_from_name(&spec.name))
                .unwrap_or_else(|| "S".to_string())
        });
        let mac: String = spec
            .address
            .chars()
            .filter(|c| c.is_ascii_hexdigit())
            .collect();
        // "EI-FW3" stands for a Flexer with firmware 3; otherwise firmware 11 (new enough for
        // every feature) unless the spec names one.
        let (model, default_firmware) = match model.as_str() {
            "EI-FW3" => ("EI".to_string(), 3),
            _ => (model, 11),
        };
        Some(Box::new(SimulatedLovense {
            model,
            firmware: spec.firmware.unwrap_or(default_firmware),
            mac,
            battery: spec.battery_level.unwrap_or(90),
        }))
    }
}

/// The command family a model speaks.
#[derive(Clone, Debug, PartialEq)]
enum Variant {
    Single,
    Dual,
    Max,
    RotateVibrator,
    Mply { slots: usize },
    Stroker { zero_stops_range: bool },
}

impl Variant {
    fn of(def: &DeviceDefinition) -> Variant {
        let id = def.identifiers.first().map(String::as_str).unwrap_or("");
        if id == "BA" || id == "H" {
            return Variant::Stroker {
                zero_stops_range: id == "H",
            };
        }
        let output_features: Vec<&DeviceFeature> = def
            .features
            .iter()
            .filter(|f| !f.outputs.is_empty())
            .collect();
        let has = |f: &DeviceFeature, o| f.outputs.contains_key(&o);
        let count = output_features.len();
        let any = |o| output_features.iter().any(|f| has(f, o));
        if count == 1 {
            return Variant::Single;
        }
        if count == 2 && any(OutputType::Vibrate) && any(OutputType::Constrict) {
            return Variant::Max;
        }
        if count == 2 && any(OutputType::Vibrate) && any(OutputType::Rotate) {
            return Variant::RotateVibrator;
        }
        let vibes = output_features
            .iter()
            .filter(|f| has(f, OutputType::Vibrate) || has(f, OutputType::Oscillate))
            .count();
        if (vibes == 2 && count > 2) || vibes > 2 {
            return Variant::Mply { slots: count };
        }
        Variant::Dual
    }
}

struct LovenseHandler {
    variant: Variant,
    /// Nora-style rotation direction; Lovense can only toggle it.
    clockwise: Mutex<bool>,
    /// Solace strokers take absolute positions (`FSetSite:P;`): a timed move is walked by
    /// the kit's mover, one position every 100 ms from the device task's tick.
    mover: Option<Mutex<Mover>>,
}

impl LovenseHandler {
    fn mover(&self) -> Option<std::sync::MutexGuard<'_, Mover>> {
        self.mover
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn unsupported(change: &OutputChange) -> DeviceError {
        DeviceError::Unsupported(format!(
            "Lovense: {} on feature {}",
            change.output, change.feature
        ))
    }

    fn encode_one(
        &self,
        c: &OutputChange,
        out: &mut Vec<HardwareCommand>,
    ) -> Result<(), DeviceError> {
        use OutputType::*;
        match (&self.variant, c.output) {
            (Variant::Single, Vibrate | Oscillate) => out.push(tx(format!("Vibrate:{};", c.value))),
            (Variant::Dual, Vibrate | Oscillate) => {
                out.push(tx(format!("Vibrate{}:{};", c.feature + 1, c.value)))
            }
            (Variant::Max, Vibrate | Oscillate) => out.push(tx(format!("Vibrate:{};", c.value))),
            (Variant::Max, Constrict) => out.push(tx(format!("Air:Level:{};", c.value))),
            (Variant::RotateVibrator, Vibrate) => out.push(tx(format!("Vibrate:{};", c.value))),
            (Variant::RotateVibrator, Rotate) => {
                // `RotateChange;` toggles the toy's direction; the handler tracks it. A
                // stopped rotation goes back to the power-on direction while stopped, so
                // toy and handler agree after every stop (even if the toy is switched off
                // and on), and the next turn the other way toggles again, as the
                // reference does.
                let mut clockwise = self.clockwise.lock().unwrap_or_else(|e| e.into_inner());
                if c.value == 0 {
                    out.push(tx("Rotate:0;".into()));
                    if !*clockwise {
                        *clockwise = true;
                        out.push(tx("RotateChange;".into()));
                    }
                } else {
                    let wanted = c.value > 0;
                    if wanted != *clockwise {
                        *clockwise = wanted;
                        out.push(tx("RotateChange;".into()));
                    }
                    out.push(tx(format!("Rotate:{};", c.value.abs())));
                }
            }
            (Variant::Stroker { zero_stops_range }, Oscillate) => {
                let range = if c.value == 0 && *zero_stops_range {
                    0
                } else {
                    20
                };
                if c.value == 0 {
                    if let Some(mut m) = self.mover() {
                        m.halt();
                    }
                }
                out.push(tx(format!("Mply:{}:{};", c.value, range)));
            }
            (Variant::Stroker { .. }, HwPositionWithDuration) => match self.mover() {
                Some(mut m) => m.start(
                    c.feature,
                    c.value,
                    Duration::from_millis(u64::from(c.duration.unwrap_or(0))),
                    MOVER_TICK,
                ),
                None => return Err(Self::unsupported(c)),
            },
            _ => return Err(Self::unsupported(c)),
        }
        Ok(())
    }
}

#[async_trait]
impl ProtocolHandler for LovenseHandler {
    fn tick_interval(&self) -> Option<Duration> {
        self.mover.as_ref().map(|_| MOVER_TICK)
    }

    /// One position of a running move per tick; the goal is reported when reached.
    fn on_tick(&self, _state: &OutputState, _idle: Duration) -> Result<OwnWrite, DeviceError> {
        let Some(mut mover) = self.mover() else {
            return Ok(OwnWrite::default());
        };
        let Some(stride) = mover.advance() else {
            return Ok(OwnWrite::default());
        };
        let own = OwnWrite::from(vec![tx(format!("FSetSite:{};", stride.position))]);
        Ok(if stride.arrived {
            own.report(
                mover.feature(),
                OutputType::HwPositionWithDuration,
                stride.position,
            )
        } else {
            own
        })
    }

    fn carried_later(&self, change: &OutputChange) -> bool {
        change.output == OutputType::HwPositionWithDuration && self.mover.is_some()
    }

    fn on_stop(&self, _feature: Option<u32>) {
        if let Some(mut m) = self.mover() {
            m.halt();
        }
    }

    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        let mut out = Vec::new();
        if let Variant::Mply { slots } = self.variant {
            // One packet carries every motor: the whole batch becomes one write.
            for c in changes {
                if !matches!(c.output, OutputType::Vibrate | OutputType::Rotate) {
                    return Err(Self::unsupported(c));
                }
            }
            let values: Vec<String> = (0..slots as u32)
                .map(|f| {
                    let v = state
                        .get(f, OutputType::Vibrate)
                        .max(state.get(f, OutputType::Rotate).abs());
                    v.to_string()
                })
                .collect();
            out.push(tx(format!("Mply:{};", values.join(":"))));
            return Ok(out);
        }
        for c in changes {
            self.encode_one(c, &mut out)?;
        }
        Ok(out)
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        if input != InputType::Battery {
            return Err(DeviceError::UnsupportedInput {
                feature: feature.index,
                input,
            });
        }
        write_and_await(
            hw,
            tx("Battery;".into()),
            Endpoint::Rx,
            ANSWER_TIMEOUT,
            parse_battery,
        )
        .await
    }
}

/// A simulated Lovense toy: answers `DeviceType;` and `Battery;` like the real one.
struct SimulatedLovense {
    model: String,
    firmware: u32,
    mac: String,
    battery: u8,
}

impl SimulatedResponder for SimulatedLovense {
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        if endpoint != Endpoint::Tx {
            return Vec::new();
        }
        let answer = match data {
            b"DeviceType;" => format!("{}:{}:{};", self.model, self.firmware, self.mac),
            b"Battery;" => format!("{};", self.battery),
            _ => "OK;".to_string(),
        };
        vec![(Endpoint::Rx, answer.into_bytes())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_type_answers() {
        assert_eq!(parse_device_type("Z:11:0082059AD3BD;"), "Z");
        assert_eq!(parse_device_type("C:5:0082059AD3BD;"), "C");
        assert_eq!(parse_device_type("EI:3:00;"), "EI-FW3");
        assert_eq!(parse_device_type("EI:2:00;"), "EI");
        assert_eq!(parse_device_type("garbage"), "lovense");
        assert_eq!(letters_from_name("LVS-Z36"), Some("Z".into()));
        assert_eq!(letters_from_name("LVS-Nora"), None);
    }

    #[test]
    fn battery_answers() {
        assert_eq!(parse_battery(b"85;"), Some(85));
        assert_eq!(parse_battery(b"s85;"), Some(85));
        assert_eq!(parse_battery(b"OK;"), None);
    }
}
