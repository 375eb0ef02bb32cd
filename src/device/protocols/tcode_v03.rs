//! T-Code v0.3 over a serial port: ASCII axis commands ending in a line feed.
//!
//! A T-Code device reads the digits after the axis name as a decimal fraction of the
//! axis's travel: `L05` is 0.5, `L051` is 0.51, `L0051` is 0.051, and all nines is the
//! top. So the number of digits comes from the feature's configured range: the fewest
//! digits `d` with `10^d >= max`. A range whose top is all nines (0..999, 0..9999) is
//! written as it is; a range whose top is a power of ten (0..100, 0..1000) is an exact
//! fraction with its top written as all nines; any other range is scaled onto `d` digits.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

use super::handler_kit::{duration_of, one_write, unsupported};
use super::packet_shapes::{Fixed, Shape};

const NAME: &str = "tcode-v03";

pub(super) const TCODE_V03: Fixed = Fixed::new(NAME, Shape::Custom(TCode::start));

/// How a position of one output is written: digits and the range's top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scale {
    digits: u32,
    max: i64,
}

impl Scale {
    fn of(max: i32) -> Scale {
        let max = i64::from(max.max(1));
        let digits = (1..=9).find(|d| 10i64.pow(*d) >= max).unwrap_or(9);
        Scale { digits, max }
    }

    /// The digits for hardware value `v` of `0..=max`.
    fn digits_for(&self, v: i32) -> String {
        let top = 10i64.pow(self.digits) - 1;
        let v = i64::from(v).clamp(0, self.max);
        let scaled = if self.max == top || self.max == top + 1 {
            v.min(top)
        } else {
            (v * top + self.max / 2) / self.max
        };
        format!("{scaled:0width$}", width = self.digits as usize)
    }
}

struct TCode {
    /// Per (feature, positional output): how its values are written.
    scales: BTreeMap<(u32, OutputType), Scale>,
}

impl TCode {
    fn start(
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let scales = definition
            .features
            .iter()
            .flat_map(|f| {
                f.outputs
                    .iter()
                    .filter(|(o, _)| {
                        matches!(o, OutputType::Position | OutputType::HwPositionWithDuration)
                    })
                    .map(move |(o, l)| ((f.index, *o), Scale::of(l.full_scale)))
            })
            .collect();
        Ok(Arc::new(TCode { scales }))
    }

    fn position(&self, c: &OutputChange) -> String {
        self.scales
            .get(&(c.feature, c.output))
            .copied()
            .unwrap_or(Scale::of(999))
            .digits_for(c.value)
    }
}

impl ProtocolHandler for TCode {
    fn encode_output(&self, c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        let text = match c.output {
            // The feature index is the linear axis channel.
            OutputType::HwPositionWithDuration => {
                format!("L{}{}I{}\n", c.feature, self.position(c), duration_of(c)?)
            }
            // The main stroke and the twist axis move together.
            OutputType::Position => {
                let p = self.position(c);
                format!("L0{p}\nR0{p}\n")
            }
            OutputType::Vibrate => format!("V{}{:02}\n", c.feature, c.value),
            _ => return Err(unsupported(NAME, c)),
        };
        one_write(Endpoint::Tx, text.into_bytes(), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_follow_the_range() {
        let hundred = Scale::of(100);
        assert_eq!(hundred.digits_for(51), "51");
        assert_eq!(hundred.digits_for(5), "05");
        assert_eq!(hundred.digits_for(100), "99");
        let thousand = Scale::of(1000);
        assert_eq!(thousand.digits_for(500), "500");
        assert_eq!(thousand.digits_for(1000), "999");
        let nines = Scale::of(999);
        assert_eq!(nines.digits_for(510), "510");
        assert_eq!(nines.digits_for(999), "999");
        let four = Scale::of(9999);
        assert_eq!(four.digits_for(5100), "5100");
        // Anything else is scaled onto the digits: 25 of 50 is half way.
        assert_eq!(Scale::of(50).digits_for(25), "50");
    }
}
