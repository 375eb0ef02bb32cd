//! Strict reading of configuration JSON: every error names the file, the JSON path of the
//! value at fault (`protocols.lovense.defaults.features[0].output.vibrate.value`) and what
//! was expected, in words. Numbers are checked against the range of the field they fill
//! instead of being cast (a `message_gap_ms` of 4294967296 is an error, not 0).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Unexpected, Visitor};

use super::ConfigError;

/// Parses `text` as `T`, a JSON object described by `what`; errors name `file` and the
/// path inside it.
pub(crate) fn parse<T: DeserializeOwned>(
    file: &str,
    what: &str,
    text: &str,
) -> Result<T, ConfigError> {
    // serde reads a struct from an array too (`[1, 2, 3]`); a configuration is an object.
    let first = text.trim_start().chars().next();
    if let Some(c) = first.filter(|c| *c != '{') {
        let found = match c {
            '[' => "an array",
            '"' => "a string",
            't' | 'f' => "a boolean",
            'n' => "null",
            _ => "a number",
        };
        if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
            return Err(ConfigError::Invalid {
                file: file.to_string(),
                path: display_path(""),
                message: format!("expected {what}, found {found}"),
            });
        }
    }
    let mut json = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| from_json_error(file, e.path().to_string(), e.into_inner()))?;
    json.end()
        .map_err(|e| from_json_error(file, String::new(), e))?;
    Ok(value)
}

fn from_json_error(file: &str, path: String, e: serde_json::Error) -> ConfigError {
    let (line, column) = (e.line(), e.column());
    // serde_json appends " at line L column C"; the position is reported on its own.
    let text = e.to_string();
    let message = text
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&text)
        // serde's words for JSON's arrays and objects.
        .replace("sequence", "array")
        .replace("expected a map", "expected an object")
        .replace("invalid type: map", "invalid type: object");
    if e.is_data() {
        ConfigError::Invalid {
            file: file.to_string(),
            path: display_path(&path),
            message: format!("{message} (line {line}, column {column})"),
        }
    } else {
        ConfigError::Syntax {
            file: file.to_string(),
            line,
            column,
            message,
        }
    }
}

/// serde_path_to_error writes the root as `.`; say it in words.
pub(crate) fn display_path(path: &str) -> String {
    if path.is_empty() || path == "." {
        "the top level".to_string()
    } else {
        path.to_string()
    }
}

/// Defines a whole-number field type that accepts only `MIN..=MAX` of its integer type and
/// says what it is in its error messages.
macro_rules! whole_number {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $min:expr, $max:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) struct $name(pub $ty);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "{} from {} to {}", $what, $min, $max)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        <$ty>::try_from(v)
                            .ok()
                            .filter(|n| ($min..=$max).contains(n))
                            .map($name)
                            .ok_or_else(|| E::invalid_value(Unexpected::Unsigned(v), &self))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        <$ty>::try_from(v)
                            .ok()
                            .filter(|n| ($min..=$max).contains(n))
                            .map($name)
                            .ok_or_else(|| E::invalid_value(Unexpected::Signed(v), &self))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

whole_number!(
    /// A time in milliseconds (`message_gap_ms`).
    Millis, u32, 0, u32::MAX, "a whole number of milliseconds"
);
whole_number!(
    /// A feature index.
    FeatureIndex, u32, 0, u32::MAX, "a feature index"
);
whole_number!(
    /// A device index a user reserves.
    DeviceIndex, u32, 0, u32::MAX, "a device index"
);
whole_number!(
    /// A serial port's speed.
    BaudRate, u32, 1, u32::MAX, "a baud rate"
);
whole_number!(
    /// Bits per character on a serial port.
    DataBits, u8, 5, 8, "a number of data bits"
);
whole_number!(
    /// Stop bits on a serial port.
    StopBits, u8, 1, 2, "a number of stop bits"
);
whole_number!(
    /// A Bluetooth company identifier in manufacturer data.
    CompanyId, u16, 0, u16::MAX, "a company identifier"
);
whole_number!(
    /// One byte of manufacturer data.
    Byte, u8, 0, u8::MAX, "a byte"
);
whole_number!(
    /// One end of a step range: any i32 that can be negated.
    Step, i32, -i32::MAX, i32::MAX, "a whole number of steps"
);
whole_number!(
    /// One end of a duration range, in milliseconds.
    DurationMs, u32, 0, u32::MAX, "a whole number of milliseconds"
);
whole_number!(
    /// One end of a range a user sets on an output: a hardware step, never negative.
    UserStep, u32, 0, i32::MAX.unsigned_abs(), "a whole number of steps"
);

/// Serial parity: `N`, `E` or `O` (none, even, odd).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Parity(pub char);

impl<'de> Deserialize<'de> for Parity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Parity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a parity: \"N\" (none), \"E\" (even) or \"O\" (odd)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Parity, E> {
                match v.to_ascii_uppercase().as_str() {
                    "N" | "E" | "O" => {
                        Ok(Parity(v.to_ascii_uppercase().chars().next().unwrap_or('N')))
                    }
                    _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads `[a, b]` of exactly two `T`s.
fn pair<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
    what: &'static str,
) -> Result<(T, T), D::Error> {
    struct V<T>(&'static str, PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = (T, T);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(T, T), A::Error> {
            let a = seq
                .next_element()?
                .ok_or_else(|| de::Error::invalid_length(0, &self))?;
            let b = seq
                .next_element()?
                .ok_or_else(|| de::Error::invalid_length(1, &self))?;
            if seq.next_element::<de::IgnoredAny>()?.is_some() {
                return Err(de::Error::invalid_length(3, &self));
            }
            Ok((a, b))
        }
    }
    d.deserialize_seq(V(what, PhantomData))
}

/// A step range `[min, max]` of a feature: both ends negatable, min <= max, and the width
/// `max - min` fits in an i32, so no conversion of a value inside it can overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StepRange(pub i32, pub i32);

impl<'de> Deserialize<'de> for StepRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (Step(lo), Step(hi)) = pair(d, "a range [min, max] of two whole numbers")?;
        if lo > hi {
            return Err(de::Error::custom(format!(
                "the range [{lo}, {hi}] has its minimum above its maximum"
            )));
        }
        if i64::from(hi) - i64::from(lo) > i64::from(i32::MAX) {
            return Err(de::Error::custom(format!(
                "the range [{lo}, {hi}] is wider than {} steps",
                i32::MAX
            )));
        }
        Ok(StepRange(lo, hi))
    }
}

/// A duration range `[min, max]` in milliseconds, min <= max.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DurationRange(pub u32, pub u32);

impl<'de> Deserialize<'de> for DurationRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (DurationMs(lo), DurationMs(hi)) =
            pair(d, "a range [min, max] of two whole numbers of milliseconds")?;
        if lo > hi {
            return Err(de::Error::custom(format!(
                "the range [{lo}, {hi}] has its minimum above its maximum"
            )));
        }
        Ok(DurationRange(lo, hi))
    }
}

/// The hardware range `[low, high]` a user allows an output, low below high.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UserRange(pub u32, pub u32);

impl<'de> Deserialize<'de> for UserRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (UserStep(lo), UserStep(hi)) =
            pair(d, "a range [low, high] of two whole numbers of steps")?;
        if lo >= hi {
            return Err(de::Error::custom(format!(
                "the range [{lo}, {hi}] must have its low end below its high end"
            )));
        }
        Ok(UserRange(lo, hi))
    }
}
