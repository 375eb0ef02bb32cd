//! The Buttplug server: configuration, the device manager, and client sessions.

mod device_manager;
mod frame_reply;
mod json_session;
pub mod mapping;
mod ping_watchdog;
mod session;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

pub use device_manager::{DEFAULT_MESSAGE_GAP_MS, DeviceManager};
pub use frame_reply::{FrameReply, LastOutcome};
pub use json_session::{FrameReplies, JsonSession};
pub use mapping::OutputMap;
pub use session::{Ending, ResponseFuture, SESSION_EVENT_LIMIT, Session};

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
    /// The error names the output map (its file, or "output map").
    #[error("{0}")]
    OutputMap(ConfigError),
    #[error("a client is already connected; this server takes one client at a time")]
    SessionActive,
    #[error("the server must be built inside a tokio runtime")]
    NoRuntime,
    #[error("the server is shutting down")]
    ShuttingDown,
}

/// Builds a [`ButtplugServer`].
pub struct ServerBuilder {
    name: String,
    max_ping_time_ms: u32,
    /// None until a configuration is given: the built-in one is taken at build time, so a
    /// builder that replaces it never copies it.
    device_config: Option<DeviceConfigDb>,
    user_config: UserConfig,
    managers: Vec<Arc<dyn HardwareManager>>,
    simulated: Option<SimulatedHardware>,
    protocols: ProtocolRegistry,
    default_gap_ms: u32,
    hw_timeout: Duration,
    serial: bool,
    bluetooth_le: bool,
    output_map: OutputMap,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            name: "plugwire".to_string(),
            max_ping_time_ms: 0,
            device_config: None,
            user_config: UserConfig::default(),
            managers: Vec::new(),
            simulated: None,
            protocols: ProtocolRegistry::builtin(),
            default_gap_ms: DEFAULT_MESSAGE_GAP_MS,
            hw_timeout: crate::device::DEFAULT_HARDWARE_TIMEOUT,
            serial: false,
            bluetooth_le: false,
            output_map: OutputMap::default(),
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
        self.device_config
            .get_or_insert_with(DeviceConfigDb::builtin)
            .extend(loaded);
        Ok(self)
    }

    /// Replaces the device configuration entirely.
    pub fn device_config(mut self, db: DeviceConfigDb) -> Self {
        self.device_config = Some(db);
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

    /// Loads an output map (plugwire's own JSON, see [`mapping::config`]): mapping rules
    /// that present devices with the outputs apps expect, and device groups.
    pub fn output_map_json(mut self, text: &str) -> Result<Self, ServerError> {
        self.output_map = OutputMap::from_json(text).map_err(ServerError::OutputMap)?;
        Ok(self)
    }

    /// Uses an output map already read (see [`OutputMap::from_named_json`]).
    pub fn output_map(mut self, map: OutputMap) -> Self {
        self.output_map = map;
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

    /// Bound on each hardware operation (write, subscribe, read; default 3 s). A device
    /// whose write does not complete within it is treated as lost: disconnected, and
    /// reconnected with its index when its manager finds it again.
    pub fn hardware_timeout(mut self, timeout: Duration) -> Self {
        self.hw_timeout = timeout;
        self
    }

    /// Why a toy advertising one of `names` over Bluetooth LE would not work with this
    /// configuration (no protocol matches it, or plugwire does not implement the one that
    /// does): the first such name's reason, or None when every name would work.
    pub fn toy_name_problem<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
        let mut db = self
            .device_config
            .clone()
            .unwrap_or_else(DeviceConfigDb::builtin);
        merge_user_protocols(&mut db, &self.user_config);
        names.into_iter().find_map(|name| {
            let info = crate::hardware::HardwareInfo {
                name: name.to_string(),
                address: String::new(),
                identity: crate::hardware::HardwareIdentity::Ble {
                    services: vec![],
                    manufacturer_data: vec![],
                },
            };
            match crate::device::config::find_protocol(&db, &info) {
                None => Some(format!(
                    "no device configuration matches the toy name {name:?}"
                )),
                Some(found) if self.protocols.get(&found.protocol).is_none() => Some(format!(
                    "the toy name {name:?} is protocol {:?}, which plugwire does not implement",
                    found.protocol
                )),
                Some(_) => None,
            }
        })
    }

    pub fn build(self) -> Result<Arc<ButtplugServer>, ServerError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| ServerError::NoRuntime)?;
        let mut config = self.device_config.unwrap_or_else(DeviceConfigDb::builtin);
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
            self.hw_timeout,
            self.output_map,
        );
        Ok(Arc::new(ButtplugServer {
            name: self.name,
            max_ping_time_ms: self.max_ping_time_ms,
            device_manager,
            simulated: self.simulated,
            session_active: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            sessions: Mutex::new(Vec::new()),
            hw_timeout: self.hw_timeout,
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
    closing: AtomicBool,
    /// Sessions that may still be open, for shutdown.
    sessions: Mutex<Vec<Weak<session::Shared>>>,
    hw_timeout: Duration,
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
        if self.closing.load(Ordering::Acquire) {
            return Err(ServerError::ShuttingDown);
        }
        if self.session_active.swap(true, Ordering::AcqRel) {
            return Err(ServerError::SessionActive);
        }
        Ok(Session::new(self.clone()))
    }

    fn register_session(&self, session: &Arc<session::Shared>) {
        let mut sessions = crate::poison::lock(&self.sessions);
        sessions.retain(|s| s.strong_count() > 0);
        sessions.push(Arc::downgrade(session));
    }

    /// Bound on stopping every device when a session ends or the server shuts down: one
    /// hardware timeout for the stops (all devices in parallel) plus one for a disconnect.
    pub fn stop_timeout(&self) -> Duration {
        self.hw_timeout * 2 + Duration::from_millis(500)
    }

    /// Shuts the server down safely: first no session accepts another command (and no new
    /// session opens), then every device is stopped, then this returns; connections see
    /// their session end with [`Ending::ShutDown`] and close. Bounded by
    /// [`ButtplugServer::stop_timeout`].
    pub async fn shutdown(&self) {
        self.closing.store(true, Ordering::Release);
        let sessions: Vec<_> = crate::poison::lock(&self.sessions)
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        let ending: Vec<_> = sessions
            .iter()
            .filter_map(|s| {
                s.begin_end(Ending::ShutDown)
                    .map(|stops| (s.clone(), stops))
            })
            .collect();
        let stop_devices = async {
            for (session, stops) in ending {
                session.finish_end(stops).await;
            }
            // Devices no session drove (or that appeared since) stop too.
            if let Err(e) = self.device_manager.stop_all().await {
                tracing::warn!("stopping devices at shutdown: {e}");
            }
        };
        if tokio::time::timeout(self.stop_timeout(), stop_devices)
            .await
            .is_err()
        {
            tracing::warn!("devices did not confirm their stop at shutdown");
        }
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
