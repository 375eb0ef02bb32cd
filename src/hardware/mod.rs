//! Communication managers: how devices are found and how bytes reach them.
//!
//! A [`HardwareManager`] finds devices and reports them as [`DiscoveredDevice`]s; connecting
//! one yields a [`HardwareDevice`], which protocols write to and read from by named
//! [`Endpoint`]. Everything above this layer is transport-agnostic.

pub mod bluetooth_le;
mod endpoint;
pub mod serial;
pub mod simulated;
pub(crate) mod timed;
pub mod websocket_devices;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{broadcast, mpsc};

pub use endpoint::Endpoint;

use crate::device::config::{Communication, ProtocolDef};

/// How a device presented itself when it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct HardwareInfo {
    /// Advertised name (BLE), port name (serial) or identifier (websocket devices).
    pub name: String,
    /// Stable address: BLE MAC, port path, or the address a websocket device announced.
    pub address: String,
    pub identity: HardwareIdentity,
}

#[derive(Clone, Debug, PartialEq)]
pub enum HardwareIdentity {
    Ble {
        /// Advertised service UUIDs, lower case.
        services: Vec<String>,
        /// (company id, data) pairs from the advertisement.
        manufacturer_data: Vec<(u16, Vec<u8>)>,
    },
    Serial {
        port: String,
    },
    Websocket {
        identifier: String,
    },
}

/// Errors from the hardware layer.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum HardwareError {
    #[error("device is not connected")]
    Disconnected,
    #[error("device has no endpoint {0}")]
    NoEndpoint(Endpoint),
    #[error("timed out waiting for the device")]
    Timeout,
    #[error("{0} is not available: {1}")]
    Unavailable(&'static str, String),
    #[error("hardware error: {0}")]
    Other(String),
}

/// Something a connected device did on its own.
#[derive(Clone, Debug, PartialEq)]
pub enum HardwareEvent {
    Notification { endpoint: Endpoint, data: Vec<u8> },
    Disconnected,
}

/// A connected device, addressed by endpoint.
#[async_trait]
pub trait HardwareDevice: Send + Sync {
    fn name(&self) -> &str;
    fn address(&self) -> &str;
    fn endpoints(&self) -> Vec<Endpoint>;
    /// Whether the link is up, as far as the transport can tell without asking the device
    /// (transports that learn of a loss only through [`HardwareEvent::Disconnected`] say yes).
    fn is_connected(&self) -> bool {
        true
    }
    async fn write(
        &self,
        endpoint: Endpoint,
        data: &[u8],
        with_response: bool,
    ) -> Result<(), HardwareError>;
    async fn read(&self, endpoint: Endpoint, timeout: Duration) -> Result<Vec<u8>, HardwareError>;
    async fn subscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError>;
    async fn unsubscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError>;
    /// Notifications and disconnection, for every subscriber.
    fn events(&self) -> broadcast::Receiver<HardwareEvent>;
    async fn disconnect(&self);
}

/// For stream-like devices (serial, websocket) that have no readable characteristics: a
/// read is the next message the device sends, within `timeout`.
pub(crate) async fn next_message(
    events: &broadcast::Sender<HardwareEvent>,
    timeout: Duration,
) -> Result<Vec<u8>, HardwareError> {
    let mut events = events.subscribe();
    let wait = async {
        loop {
            match events.recv().await {
                Ok(HardwareEvent::Notification { data, .. }) => return Ok(data),
                Ok(HardwareEvent::Disconnected) | Err(broadcast::error::RecvError::Closed) => {
                    return Err(HardwareError::Disconnected);
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
            }
        }
    };
    tokio::time::timeout(timeout, wait)
        .await
        .map_err(|_| HardwareError::Timeout)?
}

/// What a manager needs to know to connect a device for a protocol.
pub struct ConnectRequest<'a> {
    pub protocol: &'a ProtocolDef,
    pub communication: &'a Communication,
}

/// Connects a found device once the device manager has chosen a protocol for it.
#[async_trait]
pub trait HardwareConnector: Send + Sync {
    async fn connect(
        &self,
        request: ConnectRequest<'_>,
    ) -> Result<Arc<dyn HardwareDevice>, HardwareError>;
}

/// A device a manager found.
pub struct DiscoveredDevice {
    pub info: HardwareInfo,
    pub connector: Box<dyn HardwareConnector>,
}

/// What managers report to the device manager.
pub enum ManagerEvent {
    Found(DiscoveredDevice),
    ScanningFinished,
    /// The device manager's own marker: every event sent before it has been handled.
    Barrier(ScanBarrier),
}

/// Answered once the device manager has handled every manager event sent before it (only
/// the device manager makes one).
pub struct ScanBarrier(pub(crate) tokio::sync::oneshot::Sender<()>);

/// Where a manager sends its events; tagged with the manager's name.
#[derive(Clone)]
pub struct ManagerSink {
    name: &'static str,
    tx: mpsc::UnboundedSender<(&'static str, ManagerEvent)>,
}

impl ManagerSink {
    pub fn new(
        name: &'static str,
        tx: mpsc::UnboundedSender<(&'static str, ManagerEvent)>,
    ) -> Self {
        ManagerSink { name, tx }
    }

    pub fn send(&self, event: ManagerEvent) {
        // The device manager outlives its managers' useful life; a closed channel only
        // means the server is shutting down.
        let _ = self.tx.send((self.name, event));
    }
}

/// Finds devices of one transport.
#[async_trait]
pub trait HardwareManager: Send + Sync {
    fn name(&self) -> &'static str;
    /// Called once, before any scan, with the channel for this manager's events.
    fn attach(&self, sink: ManagerSink);
    /// Whether this manager scans in rounds that end by themselves, reporting
    /// `ScanningFinished` when one is over. A passive manager (its devices arrive on their
    /// own: simulated toys, devices on a websocket) returns false: it offers what it has
    /// at the start and what arrives later, until stopped, and never reports an end.
    fn finishes_scans(&self) -> bool {
        true
    }
    /// Begins a scan. Found devices and, when a round ends, `ScanningFinished` go to the sink.
    async fn start_scanning(&self) -> Result<(), HardwareError>;
    /// Ends a scan early (a `ScanningFinished` it still reports is ignored).
    async fn stop_scanning(&self) -> Result<(), HardwareError>;
}
