//! The simulated hardware manager: devices that exist only in memory, for tests, the demo,
//! and anyone developing without a toy at hand.
//!
//! A simulated device advertises like a BLE toy (name, address, services), so the same
//! matching, protocol and device-task code runs as for real hardware; what it is sent is
//! logged with endpoint, bytes, write-with-response flag and time.

mod device;
mod responder;
mod script;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use async_trait::async_trait;

pub use device::{RecordKind, SimulatedDevice, SimulatedDeviceSpec, WriteFault, WriteRecord};
pub use responder::SimulatedResponder;
pub use script::{RawRule, ScriptAction, ScriptRule, ScriptTrigger, toys_from_json};

use super::{
    ConnectRequest, DiscoveredDevice, Endpoint, HardwareConnector, HardwareDevice, HardwareError,
    HardwareIdentity, HardwareInfo, HardwareManager, ManagerEvent, ManagerSink,
};
use crate::device::config::{Communication, ProtocolDef};

/// Builds the toy-side responder for a device once its protocol is known.
pub type ResponderFactory = Arc<
    dyn Fn(&ProtocolDef, &SimulatedDeviceSpec) -> Option<Box<dyn SimulatedResponder>> + Send + Sync,
>;

struct World {
    devices: Mutex<Vec<SimulatedDevice>>,
    sink: OnceLock<ManagerSink>,
    scanning: AtomicBool,
    responders: OnceLock<ResponderFactory>,
    next_address: AtomicU32,
}

/// The simulated hardware: add devices, look at what they received, make them go away
/// and come back. Clones share the same devices.
#[derive(Clone)]
pub struct SimulatedHardware {
    world: Arc<World>,
}

impl Default for SimulatedHardware {
    fn default() -> Self {
        Self::new()
    }
}

impl SimulatedHardware {
    pub fn new() -> SimulatedHardware {
        SimulatedHardware {
            world: Arc::new(World {
                devices: Mutex::new(Vec::new()),
                sink: OnceLock::new(),
                scanning: AtomicBool::new(false),
                responders: OnceLock::new(),
                next_address: AtomicU32::new(1),
            }),
        }
    }

    /// Sets how toys answer their protocol (done by the server; the first call wins).
    pub fn set_responder_factory(&self, factory: ResponderFactory) {
        let _ = self.world.responders.set(factory);
    }

    /// Adds a device. It is found by the next scan, or at once if a scan is running.
    pub fn add_device(&self, mut spec: SimulatedDeviceSpec) -> SimulatedDevice {
        if spec.address.is_empty() {
            let n = self.world.next_address.fetch_add(1, Ordering::Relaxed);
            spec.address = format!("5E:00:00:00:{:02X}:{:02X}", n >> 8, n & 0xff);
        }
        let device = SimulatedDevice::new(spec);
        self.devices_lock().push(device.clone());
        if self.world.scanning.load(Ordering::Acquire) {
            self.announce(&device);
        }
        device
    }

    pub fn devices(&self) -> Vec<SimulatedDevice> {
        self.devices_lock().clone()
    }

    pub fn device(&self, address: &str) -> Option<SimulatedDevice> {
        self.devices_lock()
            .iter()
            .find(|d| d.address() == address)
            .cloned()
    }

    pub fn device_by_name(&self, name: &str) -> Option<SimulatedDevice> {
        self.devices_lock()
            .iter()
            .find(|d| d.name() == name)
            .cloned()
    }

    /// A dropped device comes back in range; the server reconnects devices it knew.
    pub fn restore(&self, address: &str) -> bool {
        let Some(device) = self.device(address) else {
            return false;
        };
        device.set_present();
        self.announce(&device);
        true
    }

    /// The manager to hand to the server.
    pub fn manager(&self) -> Arc<dyn HardwareManager> {
        Arc::new(SimulatedManager {
            hardware: self.clone(),
        })
    }

    fn devices_lock(&self) -> std::sync::MutexGuard<'_, Vec<SimulatedDevice>> {
        self.world.devices.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn announce(&self, device: &SimulatedDevice) {
        let Some(sink) = self.world.sink.get() else {
            return;
        };
        let spec = device.spec();
        sink.send(ManagerEvent::Found(DiscoveredDevice {
            info: HardwareInfo {
                name: spec.name.clone(),
                address: spec.address.clone(),
                identity: match &spec.serial_port {
                    Some(port) => HardwareIdentity::Serial { port: port.clone() },
                    None => HardwareIdentity::Ble {
                        services: spec.services.clone(),
                        manufacturer_data: spec.manufacturer_data.clone(),
                    },
                },
            },
            connector: Box::new(SimulatedConnector {
                device: device.clone(),
                responders: self.world.responders.get().cloned(),
            }),
        }));
    }
}

struct SimulatedManager {
    hardware: SimulatedHardware,
}

#[async_trait]
impl HardwareManager for SimulatedManager {
    fn name(&self) -> &'static str {
        "simulated"
    }

    fn attach(&self, sink: ManagerSink) {
        let _ = self.hardware.world.sink.set(sink);
    }

    fn finishes_scans(&self) -> bool {
        false
    }

    async fn start_scanning(&self) -> Result<(), HardwareError> {
        let world = &self.hardware.world;
        world.scanning.store(true, Ordering::Release);
        for device in self.hardware.devices() {
            if device.is_present() && !device.is_connected() {
                self.hardware.announce(&device);
            }
        }
        // Passive, like the reference's: toys added or coming back while the scan runs are
        // offered at once, until the scan is stopped; a simulated scan never finishes.
        Ok(())
    }

    async fn stop_scanning(&self) -> Result<(), HardwareError> {
        self.hardware.world.scanning.store(false, Ordering::Release);
        Ok(())
    }
}

struct SimulatedConnector {
    device: SimulatedDevice,
    responders: Option<ResponderFactory>,
}

/// Endpoints a specifier declares (every endpoint of every BLE service).
fn endpoints_of(communication: &Communication) -> Vec<Endpoint> {
    let mut endpoints: Vec<Endpoint> = match communication {
        Communication::Btle(b) => b
            .services
            .values()
            .flat_map(|chars| chars.keys())
            .filter_map(|name| Endpoint::from_name(name))
            .collect(),
        _ => vec![Endpoint::Tx, Endpoint::Rx],
    };
    endpoints.sort();
    endpoints.dedup();
    endpoints
}

#[async_trait]
impl HardwareConnector for SimulatedConnector {
    async fn connect(
        &self,
        request: ConnectRequest<'_>,
    ) -> Result<Arc<dyn HardwareDevice>, HardwareError> {
        let responder = if self.device.spec().no_builtin_responder {
            None
        } else {
            self.responders
                .as_ref()
                .and_then(|f| f(request.protocol, self.device.spec()))
        };
        {
            let mut state = self.device.state();
            if !state.present {
                return Err(HardwareError::Disconnected);
            }
            if self.device.spec().endpoints.is_empty() {
                state.endpoints = endpoints_of(request.communication);
            }
            state.responder = responder;
            state.subscribed.clear();
            state.connected = true;
        }
        Ok(Arc::new(self.device.clone()))
    }
}
