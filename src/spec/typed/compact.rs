//! The frame clients send most, read without serde: one `OutputCmd` written compactly,
//! `[{"OutputCmd":{"Id":1,"DeviceIndex":0,"FeatureIndex":0,"Command":{"Vibrate":{"Value":5}}}}]`,
//! its four fields in any order. Serde's reading of it was about 2,800 instructions.
//!
//! It takes only what it reads exactly as the typed decoder does: no whitespace, no
//! escapes, integers of plain digits (no sign, fraction, exponent or leading zero), each
//! field once, a command of one output type with only a `Value`. Anything else, however
//! slightly different, is left to the typed decoder (and through it to the general one),
//! so the requests and errors stay theirs.

use super::ok_plan;
use crate::device::feature::OutputType;
use crate::spec::frame::Plan;
use crate::spec::message::{OutputCommand, Request};

/// The frame's one message as `(Id, Plan)`, or `None` to leave the frame to serde.
///
/// Field names are told apart by their first letter and matched whole (perf: scanning each name
/// byte by byte and comparing it afterwards was most of this reader's 1,200 instructions
/// per frame); the output type's name is taken up to its closing quote and must be one
/// the typed decoder knows, which no name with an escape or a control character is.
pub(super) fn single_output(text: &str) -> Option<(u32, Plan)> {
    let mut c = Cursor {
        rest: text.as_bytes().strip_prefix(b"[{\"OutputCmd\":{")?,
    };
    let (mut id, mut device, mut feature, mut command) = (None, None, None, None);
    loop {
        // Each field once; anything else (another field, a name written otherwise) is
        // serde's. The name's first letter says which it can be.
        let name = c.rest.strip_prefix(b"\"")?;
        match name.first()? {
            b'C' => {
                c.rest = name.strip_prefix(b"Command\":")?;
                if command.is_some() {
                    return None;
                }
                command = Some(c.command()?);
            }
            first => {
                let (slot, rest) = match first {
                    b'I' => (&mut id, name.strip_prefix(b"Id\":")?),
                    b'D' => (&mut device, name.strip_prefix(b"DeviceIndex\":")?),
                    b'F' => (&mut feature, name.strip_prefix(b"FeatureIndex\":")?),
                    _ => return None,
                };
                if slot.is_some() {
                    return None;
                }
                c.rest = rest;
                *slot = Some(c.digits()?);
            }
        }
        let (&next, rest) = c.rest.split_first()?;
        c.rest = rest;
        match next {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    if c.rest != b"}]" {
        return None;
    }
    let (kind, value) = command?;
    let output = super::super::v4::output_type_bytes(kind)?;
    // A timed position needs its Duration, which this form does not carry.
    if output == OutputType::HwPositionWithDuration {
        return None;
    }
    let id = id.filter(|&id| id != 0)?;
    let command = OutputCommand {
        output,
        value: i32::try_from(value).ok()?,
        duration: None,
    };
    Some((
        id,
        ok_plan(Request::Output {
            device: device?,
            feature: feature?,
            command,
        }),
    ))
}

struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// A `u32` written as plain digits, no leading zero.
    fn digits(&mut self) -> Option<u32> {
        let bytes = self.rest;
        let first = *bytes.first()?;
        if !first.is_ascii_digit() {
            return None;
        }
        let mut n = u32::from(first - b'0');
        let mut len = 1;
        while let Some(&d) = bytes.get(len) {
            if !d.is_ascii_digit() {
                break;
            }
            if n == 0 {
                // A leading zero.
                return None;
            }
            n = n.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
            len += 1;
        }
        // A fraction or an exponent: serde's business.
        if matches!(bytes.get(len), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.rest = &bytes[len..];
        Some(n)
    }

    /// `{"<output type>":{"Value":<digits>}}`; the name is ASCII up to its quote.
    fn command(&mut self) -> Option<(&'a [u8], u32)> {
        let rest = self.rest.strip_prefix(b"{\"")?;
        let end = rest.iter().position(|&b| b == b'"')?;
        let kind = &rest[..end];
        self.rest = rest[end..].strip_prefix(b"\":{\"Value\":")?;
        let value = self.digits()?;
        self.rest = self.rest.strip_prefix(b"}}")?;
        Some((kind, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::message::{OutputCommand, Request};

    fn vibrate(id: u32, device: u32, feature: u32, value: i32) -> (u32, Plan) {
        (
            id,
            super::super::ok_plan(Request::Output {
                device,
                feature,
                command: OutputCommand {
                    output: crate::device::feature::OutputType::Vibrate,
                    value,
                    duration: None,
                },
            }),
        )
    }

    #[test]
    fn reads_the_compact_command_in_any_field_order() {
        let c = r#"{"Vibrate":{"Value":50}}"#;
        for text in [
            format!(
                r#"[{{"OutputCmd":{{"Id":7,"DeviceIndex":1,"FeatureIndex":2,"Command":{c}}}}}]"#
            ),
            format!(
                r#"[{{"OutputCmd":{{"Command":{c},"DeviceIndex":1,"FeatureIndex":2,"Id":7}}}}]"#
            ),
            format!(
                r#"[{{"OutputCmd":{{"FeatureIndex":2,"Id":7,"Command":{c},"DeviceIndex":1}}}}]"#
            ),
        ] {
            assert_eq!(single_output(&text), Some(vibrate(7, 1, 2, 50)), "{text}");
        }
    }

    #[test]
    fn leaves_anything_else_to_serde() {
        let ok = r#"[{"OutputCmd":{"Id":7,"DeviceIndex":1,"FeatureIndex":2,"Command":{"Vibrate":{"Value":50}}}}]"#;
        assert!(single_output(ok).is_some());
        for (from, to) in [
            ("\"Id\":7", "\"Id\":07"),
            ("\"Id\":7", "\"Id\":0"),
            ("\"Id\":7", "\"Id\":-7"),
            ("\"Id\":7", "\"Id\":7.0"),
            ("\"Id\":7", "\"Id\":7e0"),
            ("\"Id\":7", "\"Id\":4294967296"),
            ("\"Id\":7", "\"Id\":7,\"Id\":7"),
            ("\"Id\":7", "\"Id\" :7"),
            ("\"Id\":7", "\"I\\u0064\":7"),
            ("\"Value\":50", "\"Value\":2147483648"),
            ("\"Value\":50", "\"Value\":50,\"Duration\":10"),
            ("Vibrate", "Vibr\\u0061te"),
            ("Vibrate", "Vib\\\"rate"),
            ("Vibrate", "Vib\u{1}rate"),
            ("\"Id\":7", "\"Id\":12345678901"),
            (
                "\"Id\":7",
                "\"Id\":7,\"Command\":{\"Vibrate\":{\"Value\":1}}",
            ),
            ("\"DeviceIndex\":1", "\"DeviceIndex\":1,\"DeviceIndex\":1"),
            ("\"Value\":50}}", "\"Value\":50}"),
            ("Vibrate", "Bogus"),
            ("Vibrate", "HwPositionWithDuration"),
            ("\"DeviceIndex\":1,", ""),
            ("\"FeatureIndex\":2", "\"FeatureIndex\":2,\"Extra\":1"),
            ("}}]", "}}] "),
            ("}}]", "}},{\"Ping\":{\"Id\":8}}]"),
        ] {
            let text = ok.replacen(from, to, 1);
            assert_ne!(text, ok);
            assert_eq!(single_output(&text), None, "{text}");
        }
    }
}
