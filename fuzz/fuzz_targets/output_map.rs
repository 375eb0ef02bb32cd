//! Output mapping configuration (`plugwire serve --output-map`): the input is an output map
//! and the bytes that pick output values (separated by a NUL byte). Parsing must fail
//! cleanly with an error that names what was wrong, or give a map the server then uses:
//! three simulated toys (a vibrator, a stroker, a rotator) are found, shown through the
//! map (presented outputs, hidden originals, groups) in spec v4 and an older version,
//! driven over their whole output ranges, read and stopped.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use plugwire::ButtplugServer;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::server::OutputMap;
use plugwire_fuzz::{runtime, serve_every_version};

const TOYS: [&str; 3] = [
    "Simulated 1-Motor Vibrator",
    "Simulated Stroker",
    "Simulated Rotator",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (map, values) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let map = match OutputMap::from_json(&String::from_utf8_lossy(map)) {
        Ok(map) => map,
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains("output map"), "{message}");
            return;
        }
    };
    runtime().block_on(async {
        let hw = SimulatedHardware::new();
        for name in TOYS {
            hw.add_device(SimulatedDeviceSpec {
                name: name.into(),
                ..Default::default()
            });
        }
        let server = ButtplugServer::builder()
            .simulated(hw)
            .output_map(map)
            .default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(100))
            .build()
            .expect("server");
        serve_every_version(&server, TOYS.len(), &mut values.iter().copied(), selector).await;
    });
});
