//! Spec sessions: after a valid handshake in spec version 0-4 (picked by the first byte),
//! the rest of the input is frames (one a line) sent to a server with three simulated toys.
//! Every reply must be a valid message, and the session must still answer afterwards.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use plugwire::ButtplugServer;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire_fuzz::{Client, runtime};

const TOYS: [&str; 3] = ["LVS-Nora", "LVS-Edge", "LVS-Solace Pro"];

fn server() -> &'static Arc<ButtplugServer> {
    static SERVER: OnceLock<Arc<ButtplugServer>> = OnceLock::new();
    SERVER.get_or_init(|| {
        let hw = SimulatedHardware::new();
        for name in TOYS {
            hw.add_device(SimulatedDeviceSpec {
                name: name.into(),
                ..Default::default()
            });
        }
        ButtplugServer::builder()
            .name("fuzz")
            .simulated(hw)
            .default_message_gap_ms(0)
            .build()
            .expect("server")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    runtime().block_on(async {
        let server = server();
        let mut client = Client::open(server);
        client.handshake(selector % 5).await;
        if selector & 0x80 != 0 {
            client.scan_for(server, TOYS.len()).await;
        }
        for frame in rest.split(|b| *b == b'\n').take(64) {
            client.frame(&String::from_utf8_lossy(frame)).await;
        }
        client.still_answers().await;
        client.disconnect().await;
    });
});
