//! The frame clients send most, read without serde: one `OutputCmd` written compactly,
//! `[{"OutputCmd":{"Id":1,"DeviceIndex":0,"FeatureIndex":0,"Command":{"Vibrate":{"Value":5}}}}]`,
//! its four fields in any order. Serde's reading of it was about 2,800 instructions.
//!
//! It takes only what it reads exactly as the typed decoder does: no whitespace, no
//! escapes, integers of plain digits (no sign, fraction, exponent or leading zero), each
//! field once, a command of one output type with only a `Value`. Anything else, however
//! slightly different, is left to the typed decoder (and through it to the general one),
//! so the requests and errors stay theirs.

use super::{Command, Message, Obj, OutputCmd, Params};
use crate::spec::frame::Plan;

/// The frame's one message as `(Id, Plan)`, or `None` to leave the frame to serde.
pub(super) fn single_output(text: &str) -> Option<(u32, Plan)> {
    let mut c = Cursor { text, at: 0 };
    c.literal("[{\"OutputCmd\":{")?;
    let (mut id, mut device, mut feature, mut command) = (None, None, None, None);
    loop {
        let key = c.name()?;
        c.literal(":")?;
        match key {
            "Id" if id.is_none() => id = Some(c.digits()?),
            "DeviceIndex" if device.is_none() => device = Some(c.digits()?),
            "FeatureIndex" if feature.is_none() => feature = Some(c.digits()?),
            "Command" if command.is_none() => command = Some(c.command()?),
            _ => return None,
        }
        match c.byte()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    c.literal("}]")?;
    if c.at != text.len() {
        return None;
    }
    let (kind, value) = command?;
    Message::OutputCmd(Obj(OutputCmd {
        id: id?,
        device: device?,
        feature: feature?,
        command: Command {
            kind,
            params: Params {
                value: i32::try_from(value).ok()?,
                duration: None,
            },
        },
    }))
    .into_plan()
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.text.as_bytes().get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn literal(&mut self, expected: &str) -> Option<()> {
        let rest = self.text.get(self.at..)?;
        rest.starts_with(expected)
            .then(|| self.at += expected.len())
    }

    /// A string without escapes (the quotes are ASCII, so the slice is whole UTF-8).
    fn name(&mut self) -> Option<&'a str> {
        self.literal("\"")?;
        let start = self.at;
        loop {
            match self.byte()? {
                b'"' => return self.text.get(start..self.at - 1),
                b'\\' => return None,
                b if b < 0x20 => return None,
                _ => {}
            }
        }
    }

    /// A `u32` written as plain digits, no leading zero.
    fn digits(&mut self) -> Option<u32> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut n: u32 = 0;
        while let Some(d) = bytes.get(self.at).filter(|b| b.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
            self.at += 1;
        }
        let len = self.at - start;
        let leading_zero = len > 1 && bytes[start] == b'0';
        // A fraction or an exponent: serde's business.
        let more = matches!(bytes.get(self.at), Some(b'.' | b'e' | b'E'));
        (len > 0 && !leading_zero && !more).then_some(n)
    }

    /// `{"<output type>":{"Value":<digits>}}`.
    fn command(&mut self) -> Option<(&'a str, u32)> {
        self.literal("{")?;
        let kind = self.name()?;
        self.literal(":{\"Value\":")?;
        let value = self.digits()?;
        self.literal("}}")?;
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
