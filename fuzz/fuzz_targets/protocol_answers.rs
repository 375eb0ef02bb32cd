//! Protocol identification, initialisation and notification parsing, for every protocol
//! plugwire implements: the first byte picks the protocol, and the toy's answers (to
//! writes, subscriptions and reads, then unprompted notifications) come from the rest of
//! the input. Whatever the toy says, the server must not panic or hang, and the session
//! must keep answering with valid messages.
#![no_main]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use plugwire::ButtplugServer;
use plugwire::device::config::{Communication, DeviceConfigDb};
use plugwire::device::protocols::ProtocolRegistry;
use plugwire::hardware::Endpoint;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware, SimulatedResponder};
use plugwire_fuzz::{Client, runtime};

/// The built-in configuration, parsed once.
fn db() -> &'static DeviceConfigDb {
    static DB: OnceLock<DeviceConfigDb> = OnceLock::new();
    DB.get_or_init(DeviceConfigDb::builtin)
}

/// For each implemented protocol, a simulated toy its configuration recognises.
fn toys() -> &'static Vec<SimulatedDeviceSpec> {
    static TOYS: OnceLock<Vec<SimulatedDeviceSpec>> = OnceLock::new();
    TOYS.get_or_init(|| {
        let db = db();
        let registry = ProtocolRegistry::builtin();
        let mut toys = Vec::new();
        for protocol in db.protocols() {
            if registry.get(&protocol.name).is_none() {
                continue;
            }
            let spec = protocol.communication.iter().find_map(|c| match c {
                Communication::Btle(b) => Some(SimulatedDeviceSpec {
                    name: b
                        .names
                        .first()
                        .map(|n| n.trim_end_matches('*').to_string())
                        .unwrap_or_else(|| "fuzz toy".into()),
                    services: b.advertised_services.clone(),
                    manufacturer_data: b
                        .manufacturer_data
                        .iter()
                        .map(|m| (m.company, m.data.clone().unwrap_or_default()))
                        .collect(),
                    ..Default::default()
                }),
                Communication::Simulated { names } => names.first().map(|n| SimulatedDeviceSpec {
                    name: n.clone(),
                    ..Default::default()
                }),
                _ => None,
            });
            toys.extend(spec);
        }
        assert!(toys.len() > 40, "only {} toys", toys.len());
        toys
    })
}

const ENDPOINTS: [&str; 10] = [
    "rx",
    "rx",
    "rx",
    "rxblebattery",
    "rxpressure",
    "rxtouch",
    "rxaccel",
    "rxblemodel",
    "tx",
    "firmware",
];

/// The toy's side of the conversation, read from the fuzz input.
#[derive(Clone)]
struct Script(Arc<Mutex<VecDeque<u8>>>);

impl Script {
    fn byte(&self) -> Option<u8> {
        self.0.lock().unwrap().pop_front()
    }

    fn packet(&self) -> Option<Vec<u8>> {
        let len = usize::from(self.byte()? % 40);
        let mut script = self.0.lock().unwrap();
        let n = len.min(script.len());
        Some(script.drain(..n).collect())
    }

    fn endpoint(&self) -> Option<Endpoint> {
        Endpoint::from_name(ENDPOINTS[usize::from(self.byte()?) % ENDPOINTS.len()])
    }

    /// Zero to two notifications.
    fn answers(&self) -> Vec<(Endpoint, Vec<u8>)> {
        let count = self.byte().map_or(0, |b| b % 3);
        (0..count)
            .filter_map(|_| Some((self.endpoint()?, self.packet()?)))
            .collect()
    }
}

struct Responder(Script);

impl SimulatedResponder for Responder {
    fn on_write(&mut self, _endpoint: Endpoint, _data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        self.0.answers()
    }

    fn on_subscribe(&mut self, _endpoint: Endpoint) -> Vec<(Endpoint, Vec<u8>)> {
        self.0.answers()
    }

    fn on_read(&mut self, _endpoint: Endpoint) -> Option<Vec<u8>> {
        self.0.packet()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let toys = toys();
    let spec = toys[usize::from(selector) % toys.len()].clone();
    let script = Script(Arc::new(Mutex::new(rest.iter().copied().collect())));
    runtime().block_on(async {
        let hw = SimulatedHardware::new();
        let answers = script.clone();
        // Set before the server sets its own: the first factory wins.
        hw.set_responder_factory(Arc::new(move |_, _| {
            Some(Box::new(Responder(answers.clone())) as Box<dyn SimulatedResponder>)
        }));
        let toy = hw.add_device(spec);
        let server = ButtplugServer::builder()
            .device_config(db().clone())
            .simulated(hw)
            .default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(100))
            .build()
            .expect("server");
        let mut client = Client::open(&server);
        client.handshake(4).await;
        client.scan_for(&server, 1).await;
        let mut values = std::iter::from_fn(|| script.byte());
        client.exercise(&mut values).await;
        // Unprompted notifications: readings, buttons, garbage.
        for _ in 0..8 {
            let (Some(endpoint), Some(packet)) = (script.endpoint(), script.packet()) else {
                break;
            };
            toy.notify(endpoint, packet);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        client.still_answers().await;
        client.disconnect().await;
        server.shutdown().await;
    });
});
