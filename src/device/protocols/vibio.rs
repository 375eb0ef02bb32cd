//! Vibio (Clara, Dodson, Rivera, Elle, Frida): the VibCrafter protocol ([`MtIntToy`]) with
//! Vibio's key, an eight-character token, and challenges `hhhh:C;` (four hex digits, then
//! any code without a semicolon).

use super::vibcrafter::MtIntToy;

/// The C of a challenge `hhhh:C;`.
fn challenge(message: &str) -> Option<&str> {
    let body = message.strip_suffix(';')?;
    let (prefix, code) = body.split_once(':')?;
    let hex = prefix.len() == 4 && prefix.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && !code.is_empty() && !code.contains(';')).then_some(code)
}

pub(super) const PROTOCOL: MtIntToy = MtIntToy {
    name: "vibio",
    key: b"jdk#vib%y5fir21a",
    token_length: 8,
    challenge,
    simulated_challenge: "9f3C:q-7;",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::protocols::vibcrafter::challenge_reply;

    #[test]
    fn challenges() {
        assert_eq!(challenge("9f3C:q-7;"), Some("q-7"));
        assert_eq!(challenge("Ab12:X7k2;"), Some("X7k2"));
        assert_eq!(challenge("Zb12:X7k2;"), None);
        assert_eq!(challenge("9f3:q;"), None);
        assert_eq!(challenge("9f3C:;"), None);
        assert_eq!(challenge("9f3C:a;b;"), None);
        assert_eq!(challenge("OK;"), None);
        assert_eq!(challenge_reply("X7k2"), "Auth:21e0;");
    }
}
