//! plugwire devices as Game Mode toys: stable ids from addresses, names, the functions each
//! toy really has, and how Lovense levels become a device's steps.

use sha2::{Digest, Sha256};

use super::request::{Function, Level};
use crate::device::feature::{OutputLimits, OutputType};
use crate::spec::message::DeviceInfo;

/// The toy id of a device address: a MAC address's 12 hex digits in lower case, otherwise
/// the first 12 hex digits of the address's SHA-256.
pub fn toy_id(address: &str) -> String {
    let hex: String = address.chars().filter(|c| *c != ':' && *c != '-').collect();
    let is_mac = address.len() == 17
        && address.split([':', '-']).count() == 6
        && hex.len() == 12
        && hex.chars().all(|c| c.is_ascii_hexdigit());
    if is_mac {
        return hex.to_ascii_lowercase();
    }
    Sha256::digest(address.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The lower-case model name: `Lovense Nora` is `nora`; other brands keep their whole name.
pub fn toy_name(info: &DeviceInfo, protocol: &str) -> String {
    let name = info.name.as_str();
    let model = if protocol == "lovense" {
        name.strip_prefix("Lovense ").unwrap_or(name)
    } else {
        name
    };
    model.to_lowercase()
}

/// The name a user sees (GetToyName, nickName): the user config's display name or the
/// device's name, without a leading `Lovense `.
pub fn display_name(info: &DeviceInfo) -> String {
    let name = info.display_name.as_deref().unwrap_or(&info.name);
    name.strip_prefix("Lovense ").unwrap_or(name).to_string()
}

/// The plugwire outputs an action drives.
pub fn outputs_for(function: Function) -> &'static [OutputType] {
    match function {
        Function::Vibrate => &[OutputType::Vibrate],
        Function::Rotate => &[OutputType::Rotate],
        Function::Thrusting | Function::Oscillate | Function::Fingering => &[OutputType::Oscillate],
        Function::Pump | Function::Suction => &[OutputType::Constrict],
        Function::All => &[
            OutputType::Vibrate,
            OutputType::Rotate,
            OutputType::Oscillate,
            OutputType::Constrict,
        ],
        Function::Depth | Function::Stroke => &[],
    }
}

/// The functions a toy shows: (short, full) names, in a fixed order.
pub fn functions(info: &DeviceInfo) -> Vec<(&'static str, &'static str)> {
    let has = |output| {
        info.features
            .iter()
            .any(|f| f.outputs.contains_key(&output))
    };
    [
        (OutputType::Vibrate, "v", "Vibrate"),
        (OutputType::Rotate, "r", "Rotate"),
        (OutputType::Constrict, "p", "Pump"),
        (OutputType::Oscillate, "t", "Thrusting"),
    ]
    .into_iter()
    .filter(|(o, _, _)| has(*o))
    .map(|(_, s, f)| (s, f))
    .collect()
}

/// `ceil(steps * num / den)` in integers: Buttplug's `ceil(steps * v)` for `v = num / den`,
/// without the float error that makes `20 * (7 / 20)` round up to 8.
pub fn level_to_step(limits: &OutputLimits, level: Level) -> i32 {
    let steps = u64::from(limits.step_count());
    let (num, den) = (u64::from(level.num), u64::from(level.den.max(1)));
    let step = (steps * num).div_ceil(den).min(steps);
    i32::try_from(step).unwrap_or(i32::MAX)
}

/// A position `num / den` of the range as steps, truncated (Buttplug's rule for positions).
pub fn position_to_step(limits: &OutputLimits, level: Level) -> i32 {
    let steps = u64::from(limits.step_count());
    let step = (steps * u64::from(level.num) / u64::from(level.den.max(1))).min(steps);
    i32::try_from(step).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_mac_shaped() {
        assert_eq!(toy_id("AA:BB:CC:00:00:01"), "aabbcc000001");
        assert_eq!(toy_id("/dev/ttyUSB0"), toy_id("/dev/ttyUSB0"));
        assert_eq!(toy_id("/dev/ttyUSB0").len(), 12);
        assert_ne!(toy_id("/dev/ttyUSB0"), toy_id("/dev/ttyUSB1"));
    }

    #[test]
    fn levels_map_onto_steps() {
        let twenty = OutputLimits::new(0, 20);
        for l in 0..=20 {
            assert_eq!(level_to_step(&twenty, Level::new(l, 20)), l as i32);
        }
        let pump = OutputLimits::new(0, 3);
        assert_eq!(level_to_step(&pump, Level::new(2, 3)), 2);
        assert_eq!(level_to_step(&pump, Level::new(10, 20)), 2);
        assert_eq!(level_to_step(&pump, Level::new(1, 20)), 1);
        let hundred = OutputLimits::new(0, 100);
        assert_eq!(level_to_step(&hundred, Level::new(1, 20)), 5);
        let rotate = OutputLimits::new(-20, 20);
        assert_eq!(level_to_step(&rotate, Level::new(7, 20)), 7);
        assert_eq!(position_to_step(&hundred, Level::new(38, 100)), 38);
    }
}
