//! Finding the protocol for a device from how it presents itself.

use super::{Communication, DeviceConfigDb};
use crate::hardware::{HardwareIdentity, HardwareInfo};

/// The protocol a device matched, and the specifier that matched it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProtocolMatch {
    pub protocol: String,
    pub communication: Communication,
}

/// The score of a match by advertised service or manufacturer data: above any name
/// prefix, below an exact name.
const EVIDENCE: usize = usize::MAX - 1;

/// How well a specifier matched; higher wins when several protocols claim a device.
fn name_score(pattern: &str, name: &str) -> Option<usize> {
    match pattern.strip_suffix('*') {
        // An exact name beats any prefix; a longer prefix beats a shorter one.
        Some(prefix) => name.starts_with(prefix).then_some(prefix.len()),
        None => (pattern == name).then_some(usize::MAX),
    }
}

/// Picks the best-matching protocol for a device, or `None` if no protocol claims it.
pub fn find_protocol(db: &DeviceConfigDb, info: &HardwareInfo) -> Option<ProtocolMatch> {
    let mut best: Option<(usize, ProtocolMatch)> = None;
    let mut consider = |score: usize, protocol: &str, communication: &Communication| {
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((
                score,
                ProtocolMatch {
                    protocol: protocol.to_string(),
                    communication: communication.clone(),
                },
            ));
        }
    };
    for protocol in db.protocols() {
        for comm in &protocol.communication {
            let score = match (comm, &info.identity) {
                (
                    Communication::Btle(spec),
                    HardwareIdentity::Ble {
                        services,
                        manufacturer_data,
                    },
                ) => {
                    let by_name = spec
                        .names
                        .iter()
                        .filter_map(|p| name_score(p, &info.name))
                        .max();
                    // Advertised services and manufacturer data identify devices whose
                    // names vary or are borrowed: they rank above a name prefix (a clone
                    // named like a Lovense but advertising its own service is not a
                    // Lovense) and below an exact name.
                    let by_service = spec
                        .advertised_services
                        .iter()
                        .any(|s| services.iter().any(|d| d.eq_ignore_ascii_case(s)))
                        .then_some(EVIDENCE);
                    let by_manufacturer = spec
                        .manufacturer_data
                        .iter()
                        .any(|m| {
                            manufacturer_data.iter().any(|(company, data)| {
                                *company == m.company
                                    && m.data.as_ref().is_none_or(|d| data.starts_with(d))
                            })
                        })
                        .then_some(EVIDENCE);
                    by_name.or(by_service).or(by_manufacturer)
                }
                (Communication::Simulated { names }, HardwareIdentity::Ble { .. }) => {
                    names.contains(&info.name).then_some(usize::MAX)
                }
                (Communication::Serial(spec), HardwareIdentity::Serial { port }) => {
                    (spec.port == *port).then_some(usize::MAX)
                }
                (
                    Communication::Websocket { names },
                    HardwareIdentity::Websocket { identifier },
                ) => names.iter().filter_map(|p| name_score(p, identifier)).max(),
                _ => None,
            };
            if let Some(score) = score {
                consider(score, &protocol.name, comm);
            }
        }
    }
    best.map(|(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ble(name: &str) -> HardwareInfo {
        HardwareInfo {
            name: name.to_string(),
            address: "AA:BB".into(),
            identity: HardwareIdentity::Ble {
                services: vec![],
                manufacturer_data: vec![],
            },
        }
    }

    const DB: &str = r#"{"version":{"major":4,"minor":0},"protocols":{
      "short": {"communication":[{"btle":{"names":["LV*"],"services":{}}}]},
      "long": {"communication":[{"btle":{"names":["LVS-*"],"services":{}}}]},
      "exact": {"communication":[{"btle":{"names":["LVS-Exact"],"services":{}}}]},
      "svc": {"communication":[{"btle":{"names":[],"advertised_services":["0000abcd-0000-1000-8000-00805f9b34fb"],"services":{}}}]},
      "mfr": {"communication":[{"btle":{"names":[],"manufacturer_data":[{"company":620,"data":[255]}],"services":{}}}]},
      "ser": {"communication":[{"serial":{"port":"/dev/ttyUSB0","baud_rate":9600,"data_bits":8,"parity":"N","stop_bits":1}}]},
      "ws": {"communication":[{"websocket":{"name":"tester"}}]}
    }}"#;

    #[test]
    fn prefers_exact_then_longest_prefix() {
        let db = DeviceConfigDb::from_json(DB).unwrap();
        assert_eq!(
            find_protocol(&db, &ble("LVS-Exact")).unwrap().protocol,
            "exact"
        );
        assert_eq!(
            find_protocol(&db, &ble("LVS-Other")).unwrap().protocol,
            "long"
        );
        assert_eq!(find_protocol(&db, &ble("LVX")).unwrap().protocol, "short");
        assert!(find_protocol(&db, &ble("Nothing")).is_none());
    }

    #[test]
    fn matches_services_manufacturer_serial_and_websocket() {
        let db = DeviceConfigDb::from_json(DB).unwrap();
        let mut svc = ble("unnamed");
        svc.identity = HardwareIdentity::Ble {
            services: vec!["0000ABCD-0000-1000-8000-00805F9B34FB".into()],
            manufacturer_data: vec![],
        };
        assert_eq!(find_protocol(&db, &svc).unwrap().protocol, "svc");
        let mut mfr = ble("unnamed");
        mfr.identity = HardwareIdentity::Ble {
            services: vec![],
            manufacturer_data: vec![(620, vec![255, 33])],
        };
        assert_eq!(find_protocol(&db, &mfr).unwrap().protocol, "mfr");
        let serial = HardwareInfo {
            name: "port".into(),
            address: "/dev/ttyUSB0".into(),
            identity: HardwareIdentity::Serial {
                port: "/dev/ttyUSB0".into(),
            },
        };
        assert_eq!(find_protocol(&db, &serial).unwrap().protocol, "ser");
        let ws = HardwareInfo {
            name: "tester".into(),
            address: "x".into(),
            identity: HardwareIdentity::Websocket {
                identifier: "tester".into(),
            },
        };
        assert_eq!(find_protocol(&db, &ws).unwrap().protocol, "ws");
    }

    #[test]
    fn advertised_evidence_beats_a_borrowed_name_prefix_but_not_an_exact_name() {
        let db = DeviceConfigDb::from_json(DB).unwrap();
        let with_service = |name: &str| {
            let mut info = ble(name);
            info.identity = HardwareIdentity::Ble {
                services: vec!["0000abcd-0000-1000-8000-00805f9b34fb".into()],
                manufacturer_data: vec![],
            };
            info
        };
        assert_eq!(
            find_protocol(&db, &with_service("LVS-Clone"))
                .unwrap()
                .protocol,
            "svc"
        );
        assert_eq!(
            find_protocol(&db, &with_service("LVS-Exact"))
                .unwrap()
                .protocol,
            "exact"
        );
        assert_eq!(
            find_protocol(&db, &ble("LVS-Clone")).unwrap().protocol,
            "long"
        );
    }
}
