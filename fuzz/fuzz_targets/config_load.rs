//! Configuration loading: the input is an ecosystem device configuration and a user
//! configuration (separated by a NUL byte; an empty ecosystem part means the built-in
//! one). Loading must fail cleanly or give a configuration the server then uses as it
//! would: toys named after the configuration's Bluetooth names are found, identified,
//! listed in every spec version, driven over their whole output ranges, read and stopped.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use plugwire::ButtplugServer;
use plugwire::device::config::{Communication, DeviceConfigDb, UserConfig};
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire_fuzz::{runtime, serve_every_version};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (ecosystem, user) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let db = if ecosystem.is_empty() {
        DeviceConfigDb::builtin()
    } else {
        match DeviceConfigDb::from_json(&String::from_utf8_lossy(ecosystem)) {
            Ok(db) => db,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                return;
            }
        }
    };
    let user = if user.is_empty() {
        None
    } else {
        match UserConfig::from_json(&String::from_utf8_lossy(user)) {
            Ok(u) => Some(u),
            Err(e) => {
                assert!(!e.to_string().is_empty());
                return;
            }
        }
    };
    // Toys the configuration would recognise: up to three Bluetooth names.
    let names: Vec<String> = db
        .protocols()
        .flat_map(|p| p.communication.iter())
        .filter_map(|c| match c {
            Communication::Btle(b) => b.names.first().cloned(),
            Communication::Simulated { names } => names.first().cloned(),
            _ => None,
        })
        .map(|n| n.trim_end_matches('*').to_string())
        .filter(|n| !n.is_empty())
        .take(3)
        .collect();
    runtime().block_on(async {
        let hw = SimulatedHardware::new();
        for name in &names {
            hw.add_device(SimulatedDeviceSpec {
                name: name.clone(),
                ..Default::default()
            });
        }
        let mut builder = ButtplugServer::builder()
            .device_config(db)
            .simulated(hw)
            .default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(100));
        if let Some(user) = user {
            builder = builder.user_config(user);
        }
        let server = match builder.build() {
            Ok(s) => s,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                return;
            }
        };
        let mut values = rest.iter().copied().rev();
        serve_every_version(&server, names.len(), &mut values, selector).await;
    });
});
