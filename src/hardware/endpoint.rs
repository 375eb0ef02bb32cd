//! Named endpoints of a device: what a protocol writes to and reads from.

use std::fmt;

/// A named endpoint, as used in device configuration files (`tx`, `rx`, `generic3`, ...).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Tx,
    Rx,
    Command,
    Firmware,
    RxBleBattery,
    RxBleModel,
    RxPressure,
    RxTouch,
    RxAccel,
    TxMode,
    TxShock,
    TxVibrate,
    TxVendorControl,
    Whitelist,
    Generic(u8),
}

const NAMED: [(Endpoint, &str); 14] = [
    (Endpoint::Tx, "tx"),
    (Endpoint::Rx, "rx"),
    (Endpoint::Command, "command"),
    (Endpoint::Firmware, "firmware"),
    (Endpoint::RxBleBattery, "rxblebattery"),
    (Endpoint::RxBleModel, "rxblemodel"),
    (Endpoint::RxPressure, "rxpressure"),
    (Endpoint::RxTouch, "rxtouch"),
    (Endpoint::RxAccel, "rxaccel"),
    (Endpoint::TxMode, "txmode"),
    (Endpoint::TxShock, "txshock"),
    (Endpoint::TxVibrate, "txvibrate"),
    (Endpoint::TxVendorControl, "txvendorcontrol"),
    (Endpoint::Whitelist, "whitelist"),
];

impl Endpoint {
    pub fn name(self) -> String {
        match self {
            Endpoint::Generic(n) => format!("generic{n}"),
            other => NAMED
                .iter()
                .find(|(e, _)| *e == other)
                .map(|(_, n)| (*n).to_string())
                .unwrap_or_default(),
        }
    }

    pub fn from_name(name: &str) -> Option<Endpoint> {
        let lower = name.to_ascii_lowercase();
        if let Some(n) = lower.strip_prefix("generic") {
            return n
                .parse::<u8>()
                .ok()
                .filter(|n| *n < 32)
                .map(Endpoint::Generic);
        }
        NAMED.iter().find(|(_, n)| *n == lower).map(|(e, _)| *e)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (e, n) in NAMED {
            assert_eq!(Endpoint::from_name(n), Some(e));
            assert_eq!(e.name(), n);
        }
        assert_eq!(
            Endpoint::from_name("generic31"),
            Some(Endpoint::Generic(31))
        );
        assert_eq!(Endpoint::from_name("generic32"), None);
        assert_eq!(Endpoint::from_name("TX"), Some(Endpoint::Tx));
        assert_eq!(Endpoint::from_name("bogus"), None);
    }
}
