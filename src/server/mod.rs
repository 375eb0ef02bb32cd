//! The Buttplug server: configuration, the device manager, and client sessions.

mod device_manager;
mod json_session;
mod ping_watchdog;
mod session;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use device_manager::{DEFAULT_MESSAGE_GAP_MS, DeviceManager};
pub use json_session::JsonSession;
pub use session::Session;

use crate::device::config::{ConfigError, DeviceConfigDb, UserConfig};
use crate::device::protocols::ProtocolRegistry;
use crate::hardware::HardwareManager;
use crate::hardware::simulated::SimulatedHardware;

/// Problems building a server or opening a session.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The error names the configuration ("device configuration" or its file).
    #[error("{0}")]
    DeviceConfig(ConfigError),
    #[error("{0}")]
    UserConfig(ConfigError),
    #[error("a client is already connected; this server takes one client at a time")]
    SessionActive,
    #[error("the server must be built inside a tokio runtime")]
    NoRuntime,
}

/// Builds a [`ButtplugServer`].
pub struct ServerBuilder {
    name: String,
    max_ping_time_ms: u32,
    device_config: DeviceConfigDb,
    user_config: UserConfig,
    managers: Vec<Arc<dyn HardwareManager>>,
    simulated: Option<SimulatedHardware>,
    protocols: ProtocolRegistry,
    default_gap_ms: u32,
    serial: bool,
    bluetooth_le: bool,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            name: "plugwire".to_string(),
            max_ping_time_ms: 0,
            device_config: DeviceConfigDb::builtin(),
            user_config: UserConfig::default(),
            managers: Vec::new(),
            simulated: None,
            protocols: ProtocolRegistry::builtin(),
            default_gap_ms: DEFAULT_MESSAGE_GAP_MS,
            serial: false,
            bluetooth_le: false,
        }
    }
}

impl ServerBuilder {
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// MaxPingTime in milliseconds; 0 turns the ping watchdog off.
    pub fn max_ping_time_ms(mut self, ms: u32) -> Self {
        self.max_ping_time_ms = ms;
        self
    }

    /// Loads a device configuration file (ecosystem v4 or v5 format). Protocols it names
    /// replace the built-in definitions; others stay.
    pub fn device_config_json(mut self, text: &str) -> Result<Self, ServerError> {
        let loaded = DeviceConfigDb::from_json(text).map_err(ServerError::DeviceConfig)?;
        self.device_config.extend(loaded);
        Ok(self)
    }

    /// Replaces the device configuration entirely.
    pub fn device_config(mut self, db: DeviceConfigDb) -> Self {
        self.device_config = db;
        self
    }

    /// Loads a user device configuration (Intiface format).
    pub fn user_config_json(mut self, text: &str) -> Result<Self, ServerError> {
        self.user_config = UserConfig::from_json(text).map_err(ServerError::UserConfig)?;
        Ok(self)
    }

    /// Uses a user device configuration already read (see [`UserConfig::from_named_json`]).
    pub fn user_config(mut self, config: UserConfig) -> Self {
        self.user_config = config;
        self
    }

    /// Adds the simulated hardware manager.
    pub fn simulated(mut self, hardware: SimulatedHardware) -> Self {
        self.simulated = Some(hardware);
        self
    }

    pub fn manager(mut self, manager: Arc<dyn HardwareManager>) -> Self {
        self.managers.push(manager);
        self
    }

    pub fn protocols(mut self, protocols: ProtocolRegistry) -> Self {
        self.protocols = protocols;
        self
    }

    /// Adds the serial manager, watching every port a `serial` specifier of the device or
    /// user configuration names.
    pub fn serial(mut self, enabled: bool) -> Self {
        self.serial = enabled;
        self
    }

    /// Adds the Bluetooth LE manager (btleplug). The adapter is looked up at the first
    /// scan; without one, scanning reports the problem and the other managers go on.
    pub fn bluetooth_le(mut self, enabled: bool) -> Self {
        self.bluetooth_le = enabled;
        self
    }

    /// Gap between writes for devices whose configuration names none (default 75 ms).
    pub fn default_message_gap_ms(mut self, ms: u32) -> Self {
        self.default_gap_ms = ms;
        self
    }

    pub fn build(self) -> Result<Arc<ButtplugServer>, ServerError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| ServerError::NoRuntime)?;
        let mut config = self.device_config;
        merge_user_protocols(&mut config, &self.user_config);
        let mut managers = self.managers;
        if self.serial {
            let specifiers: Vec<_> = config
                .protocols()
                .flat_map(|p| p.communication.iter())
                .filter_map(|c| match c {
                    crate::device::config::Communication::Serial(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            managers.push(crate::hardware::serial::SerialManager::new(&specifiers));
        }
        if self.bluetooth_le {
            managers.push(crate::hardware::bluetooth_le::BluetoothLeManager::new());
        }
        if let Some(sim) = &self.simulated {
            let registry = self.protocols.clone();
            sim.set_responder_factory(Arc::new(move |protocol, spec| {
                registry
                    .get(&protocol.name)?
                    .simulated_responder(protocol, spec)
            }));
            managers.push(sim.manager());
        }
        let device_manager = DeviceManager::start(
            config,
            self.user_config,
            self.protocols,
            managers,
            self.default_gap_ms,
        );
        Ok(Arc::new(ButtplugServer {
            name: self.name,
            max_ping_time_ms: self.max_ping_time_ms,
            device_manager,
            simulated: self.simulated,
            session_active: AtomicBool::new(false),
            runtime,
        }))
    }
}

/// A user config's communication specifiers and models extend the protocols they name.
fn merge_user_protocols(config: &mut DeviceConfigDb, user: &UserConfig) {
    user.add_protocols_to(config);
}

/// A Buttplug server: devices, hardware managers, and one client session at a time.
pub struct ButtplugServer {
    name: String,
    max_ping_time_ms: u32,
    device_manager: DeviceManager,
    simulated: Option<SimulatedHardware>,
    session_active: AtomicBool,
    runtime: tokio::runtime::Handle,
}

impl ButtplugServer {
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn max_ping_time_ms(&self) -> u32 {
        self.max_ping_time_ms
    }

    pub fn device_manager(&self) -> &DeviceManager {
        &self.device_manager
    }

    /// The simulated hardware, when the server runs it.
    pub fn simulated(&self) -> Option<&SimulatedHardware> {
        self.simulated.as_ref()
    }

    pub(crate) fn runtime_handle(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }

    /// Opens a session for a client. Only one client is served at a time.
    pub fn connect(self: &Arc<Self>) -> Result<Session, ServerError> {
        if self.session_active.swap(true, Ordering::AcqRel) {
            return Err(ServerError::SessionActive);
        }
        Ok(Session::new(self.clone()))
    }

    /// Opens a session that speaks Buttplug JSON.
    pub fn connect_json(self: &Arc<Self>) -> Result<JsonSession, ServerError> {
        self.connect().map(JsonSession::new)
    }

    pub(crate) fn release_session(&self) {
        self.session_active.store(false, Ordering::Release);
    }

    pub fn has_session(&self) -> bool {
        self.session_active.load(Ordering::Acquire)
    }
}
