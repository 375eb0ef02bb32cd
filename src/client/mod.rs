//! The Rust client: connect to a server (in-process or, through a connector, remote),
//! follow its devices, and drive them.

mod connector;
mod device;
mod websocket_connector;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::task::JoinHandle;

pub use connector::{
    CONNECTOR_EVENT_LIMIT, Closing, Connector, ConnectorEvent, InProcessConnector,
};
pub use device::{ClientDevice, OutputValue};
pub use websocket_connector::WebsocketConnector;

use crate::device::feature::InputType;
use crate::server::{ButtplugServer, ResponseFuture, ServerError};
use crate::spec::message::{DeviceInfo, Request, Response, ServerEvent};
use crate::spec::{ButtplugError, SpecVersion};

/// Errors a client call can return.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ClientError {
    #[error("server error: {0}")]
    Server(#[from] ButtplugError),
    #[error("not connected")]
    NotConnected,
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("connection failed: {0}")]
    Connection(String),
    #[error("unexpected reply from the server: {0}")]
    UnexpectedReply(String),
}

impl From<ServerError> for ClientError {
    fn from(e: ServerError) -> Self {
        ClientError::Connection(e.to_string())
    }
}

/// What happens on the server, as the client sees it.
#[derive(Clone, Debug)]
pub enum ClientEvent {
    DeviceAdded(ClientDevice),
    DeviceRemoved {
        index: u32,
        name: String,
    },
    /// Every manager that scans in rounds (serial) finished its round. Never sent for
    /// simulated toys or devices on a websocket, nor after a stop (as in the reference).
    ScanningFinished,
    InputReading {
        device: u32,
        feature: u32,
        input: InputType,
        value: i32,
    },
    /// The client missed a ping; the server stopped every device and ended the session.
    PingTimeout,
    ServerDisconnected,
    /// This many events were dropped because they were not read fast enough.
    EventsDropped(u64),
}

pub(crate) struct ClientInner {
    pub(crate) connector: Arc<dyn Connector>,
    devices: RwLock<BTreeMap<u32, ClientDevice>>,
    events: broadcast::Sender<ClientEvent>,
    connected: AtomicBool,
    server_name: RwLock<String>,
    max_ping_time_ms: RwLock<u32>,
}

/// `Ok` is the only fitting reply to commands.
pub(crate) fn expect_ok(response: Response) -> Result<(), ClientError> {
    match response {
        Response::Ok => Ok(()),
        other => Err(ClientError::UnexpectedReply(format!("{other:?}"))),
    }
}

impl ClientInner {
    /// See `ButtplugClient::refresh_devices`.
    async fn refresh_devices(self: &Arc<Self>) -> Result<Vec<ClientDevice>, ClientError> {
        let reply = self.send(Request::RequestDeviceList).await?;
        let Response::DeviceList(list) = reply else {
            return Err(ClientError::UnexpectedReply(format!("{reply:?}")));
        };
        let listed: std::collections::BTreeSet<u32> = list.iter().map(|d| d.index).collect();
        let gone: Vec<(u32, String)> = {
            let mut devices = self.devices.write().unwrap_or_else(|e| e.into_inner());
            let gone: Vec<u32> = devices
                .keys()
                .copied()
                .filter(|i| !listed.contains(i))
                .collect();
            gone.into_iter()
                .filter_map(|i| devices.remove(&i).map(|d| (i, d.name().to_string())))
                .collect()
        };
        for (index, name) in gone {
            let _ = self.events.send(ClientEvent::DeviceRemoved { index, name });
        }
        let mut out = Vec::with_capacity(list.len());
        for info in list {
            let known = self
                .devices
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(&info.index)
                .filter(|d| d.name() == info.name)
                .cloned();
            match known {
                Some(device) => out.push(device),
                None => {
                    let device = self.add_device(info);
                    let _ = self.events.send(ClientEvent::DeviceAdded(device.clone()));
                    out.push(device);
                }
            }
        }
        Ok(out)
    }

    /// Submits a request (see [`Connector::submit`]): on its way, in order, when this
    /// returns.
    pub(crate) fn submit(&self, request: Request) -> Result<ResponseFuture, ClientError> {
        if !self.connected.load(Ordering::Acquire) {
            return Err(ClientError::NotConnected);
        }
        Ok(self.connector.submit(request))
    }

    pub(crate) async fn send(&self, request: Request) -> Result<Response, ClientError> {
        Ok(self.submit(request)?.await?)
    }

    pub(crate) async fn send_ok(&self, request: Request) -> Result<(), ClientError> {
        expect_ok(self.send(request).await?)
    }

    fn add_device(self: &Arc<Self>, info: DeviceInfo) -> ClientDevice {
        let device = ClientDevice::new(info, Arc::downgrade(self));
        self.devices
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(device.index(), device.clone());
        device
    }

    fn mark_disconnected(&self) {
        if self.connected.swap(false, Ordering::AcqRel) {
            self.devices
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            let _ = self.events.send(ClientEvent::ServerDisconnected);
        }
    }
}

/// How the client pings a server that asks for pings (`MaxPingTime` > 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PingPolicy {
    /// Every `MaxPingTime / 2` (the default).
    #[default]
    FromServer,
    /// At this interval.
    Every(Duration),
    /// Never: the application sends `Ping` itself, or the server stops every device at
    /// its deadline.
    Off,
}

/// Options of a client connection.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientOptions {
    pub ping: PingPolicy,
}

/// A connected Buttplug client. Dropping it disconnects (and so stops every device).
pub struct ButtplugClient {
    inner: Arc<ClientInner>,
    tasks: Vec<JoinHandle<()>>,
}

impl ButtplugClient {
    /// Connects to a server in this process.
    pub async fn connect_in_process(
        name: &str,
        server: &Arc<ButtplugServer>,
    ) -> Result<ButtplugClient, ClientError> {
        let connector = InProcessConnector::new(server)?;
        Self::connect(name, Arc::new(connector)).await
    }

    /// Connects to a Buttplug server over websocket (spec v4), e.g. `ws://127.0.0.1:12345`.
    pub async fn connect_websocket(name: &str, url: &str) -> Result<ButtplugClient, ClientError> {
        Self::connect_websocket_with(name, url, ClientOptions::default()).await
    }

    /// `connect_websocket` with options (the ping policy).
    pub async fn connect_websocket_with(
        name: &str,
        url: &str,
        options: ClientOptions,
    ) -> Result<ButtplugClient, ClientError> {
        let connector = WebsocketConnector::connect(url)
            .await
            .map_err(ClientError::Connection)?;
        Self::connect_with(name, Arc::new(connector), options).await
    }

    /// Connects through any connector: handshake (spec v4), then the device list.
    pub async fn connect(
        name: &str,
        connector: Arc<dyn Connector>,
    ) -> Result<ButtplugClient, ClientError> {
        Self::connect_with(name, connector, ClientOptions::default()).await
    }

    /// `connect` with options (the ping policy).
    pub async fn connect_with(
        name: &str,
        connector: Arc<dyn Connector>,
        options: ClientOptions,
    ) -> Result<ButtplugClient, ClientError> {
        let (events, _) = broadcast::channel(1024);
        let mut connector_events = connector
            .take_events()
            .ok_or_else(|| ClientError::Connection("connector already in use".into()))?;
        let inner = Arc::new(ClientInner {
            connector,
            devices: RwLock::new(BTreeMap::new()),
            events,
            connected: AtomicBool::new(true),
            server_name: RwLock::new(String::new()),
            max_ping_time_ms: RwLock::new(0),
        });
        let reply = inner
            .send(Request::RequestServerInfo {
                client_name: name.to_string(),
                version: SpecVersion::V4,
            })
            .await?;
        let Response::ServerInfo {
            server_name,
            max_ping_time_ms,
            ..
        } = reply
        else {
            return Err(ClientError::UnexpectedReply(format!("{reply:?}")));
        };
        *inner.server_name.write().unwrap_or_else(|e| e.into_inner()) = server_name;
        *inner
            .max_ping_time_ms
            .write()
            .unwrap_or_else(|e| e.into_inner()) = max_ping_time_ms;
        let mut tasks = Vec::new();
        // Follow events before asking for the list so no device slips between the two.
        let weak = Arc::downgrade(&inner);
        tasks.push(tokio::spawn(async move {
            while let Some(event) = connector_events.recv().await {
                let Some(inner) = weak.upgrade() else { return };
                match event {
                    ConnectorEvent::Server(e) => handle_server_event(&inner, e),
                    ConnectorEvent::Disconnected => {
                        inner.mark_disconnected();
                        return;
                    }
                }
            }
            if let Some(inner) = weak.upgrade() {
                inner.mark_disconnected();
            }
        }));
        let period = match options.ping {
            _ if max_ping_time_ms == 0 => None,
            PingPolicy::Off => None,
            PingPolicy::FromServer => {
                Some(Duration::from_millis((max_ping_time_ms as u64 / 2).max(1)))
            }
            PingPolicy::Every(every) => Some(every.max(Duration::from_millis(1))),
        };
        if let Some(period) = period {
            let weak = Arc::downgrade(&inner);
            tasks.push(tokio::spawn(async move {
                let mut ticker = tokio::time::interval(period);
                loop {
                    ticker.tick().await;
                    let Some(inner) = weak.upgrade() else { return };
                    if !inner.connected.load(Ordering::Acquire) {
                        return;
                    }
                    if let Err(e) = inner.send(Request::Ping).await {
                        tracing::warn!("ping failed: {e}");
                    }
                }
            }));
        }
        inner.refresh_devices().await?;
        Ok(ButtplugClient { inner, tasks })
    }

    /// Events from now on. Each call gets its own receiver.
    pub fn events(&self) -> broadcast::Receiver<ClientEvent> {
        self.inner.events.subscribe()
    }

    pub fn is_connected(&self) -> bool {
        self.inner.connected.load(Ordering::Acquire)
    }

    pub fn server_name(&self) -> String {
        self.inner
            .server_name
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn max_ping_time_ms(&self) -> u32 {
        *self
            .inner
            .max_ping_time_ms
            .read()
            .unwrap_or_else(|e| e.into_inner())
    }

    pub fn devices(&self) -> Vec<ClientDevice> {
        self.inner
            .devices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }

    pub fn device(&self, index: u32) -> Option<ClientDevice> {
        self.inner
            .devices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&index)
            .cloned()
    }

    /// Asks the server for its device list (`RequestDeviceList` on the wire) and brings
    /// the client's list in line with it: devices the client lacked are added (a
    /// `DeviceAdded` event each), devices the server no longer has are removed (a
    /// `DeviceRemoved` event each). Returns the list as the server gave it. A client whose
    /// list went wrong (a missed event) resyncs this way.
    pub async fn refresh_devices(&self) -> Result<Vec<ClientDevice>, ClientError> {
        self.inner.refresh_devices().await
    }

    pub async fn start_scanning(&self) -> Result<(), ClientError> {
        self.inner.send_ok(Request::StartScanning).await
    }

    pub async fn stop_scanning(&self) -> Result<(), ClientError> {
        self.inner.send_ok(Request::StopScanning).await
    }

    /// Scans for at most `timeout`, then stops scanning; returns the devices then known.
    /// Ends sooner when the server finishes scanning by itself (only managers that scan
    /// in rounds do; simulated toys and devices on a websocket never finish a scan, as in
    /// the reference), or, with `until` set, as soon as that many devices are known.
    pub async fn scan(
        &self,
        timeout: Duration,
        until: Option<usize>,
    ) -> Result<Vec<ClientDevice>, ClientError> {
        let mut events = self.events();
        self.start_scanning().await?;
        let enough = || until.is_some_and(|n| self.devices().len() >= n);
        let wait = async {
            while !enough() {
                match events.recv().await {
                    Ok(ClientEvent::ScanningFinished) => return Ok(true),
                    Ok(ClientEvent::ServerDisconnected) => return Err(ClientError::NotConnected),
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => {
                        return Err(ClientError::NotConnected);
                    }
                }
            }
            Ok(false)
        };
        let finished = tokio::time::timeout(timeout, wait)
            .await
            .unwrap_or(Ok(false))?;
        if !finished {
            self.stop_scanning().await?;
        }
        Ok(self.devices())
    }

    pub async fn stop_all(&self) -> Result<(), ClientError> {
        self.inner
            .send_ok(Request::Stop {
                device: None,
                feature: None,
                inputs: true,
                outputs: true,
            })
            .await
    }

    pub async fn ping(&self) -> Result<(), ClientError> {
        self.inner.send_ok(Request::Ping).await
    }

    /// Sends any request (for advanced use and tests).
    pub async fn request(&self, request: Request) -> Result<Response, ClientError> {
        self.inner.send(request).await
    }

    /// Submits any request: it is on its way, in order, when this returns; the future
    /// resolves with the reply. Requests submitted one after another from one thread
    /// reach the server (and each device) in that order.
    pub fn submit(&self, request: Request) -> Result<ResponseFuture, ClientError> {
        self.inner.submit(request)
    }

    /// Disconnects; the server stops scanning and every device.
    pub async fn disconnect(&self) -> Result<(), ClientError> {
        self.submit_disconnect().await
    }

    /// Submits a disconnect: in order with [`ButtplugClient::submit`] (no request submitted
    /// after it runs); the future resolves once the connection is closed.
    pub fn submit_disconnect(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ClientError>> + Send>> {
        if !self.is_connected() {
            return Box::pin(std::future::ready(Ok(())));
        }
        let closing = self.inner.connector.submit_disconnect();
        let inner = self.inner.clone();
        Box::pin(async move {
            closing.await;
            inner.mark_disconnected();
            Ok(())
        })
    }
}

impl std::fmt::Debug for ButtplugClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ButtplugClient")
            .field("server", &self.server_name())
            .field("connected", &self.is_connected())
            .field("devices", &self.devices().len())
            .finish()
    }
}

impl Drop for ButtplugClient {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        if self.inner.connected.swap(false, Ordering::AcqRel) {
            let connector = self.inner.connector.clone();
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move { connector.disconnect().await });
            }
        }
    }
}

fn handle_server_event(inner: &Arc<ClientInner>, event: ServerEvent) {
    let client_event = match event {
        ServerEvent::DeviceAdded(info) => ClientEvent::DeviceAdded(inner.add_device(info)),
        ServerEvent::DeviceRemoved(index) => {
            let removed = inner
                .devices
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&index);
            ClientEvent::DeviceRemoved {
                index,
                name: removed.map(|d| d.name().to_string()).unwrap_or_default(),
            }
        }
        ServerEvent::ScanningFinished => ClientEvent::ScanningFinished,
        ServerEvent::InputReading {
            device,
            feature,
            input,
            value,
        } => ClientEvent::InputReading {
            device,
            feature,
            input,
            value,
        },
        ServerEvent::PingTimeout => ClientEvent::PingTimeout,
        ServerEvent::EventsDropped(n) => ClientEvent::EventsDropped(n),
    };
    let _ = inner.events.send(client_event);
}
