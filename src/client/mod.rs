//! The Rust client: connect to a server (in-process or, through a connector, remote),
//! follow its devices, and drive them.

mod connector;
mod device;
mod playback;
mod reconnect;
mod websocket_connector;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

pub use connector::{
    CONNECTOR_EVENT_LIMIT, Closing, Connector, ConnectorEvent, InProcessConnector,
};
pub use device::{ClientDevice, OutputValue};
pub use reconnect::ReconnectPolicy;
pub use websocket_connector::{MAX_PENDING_REQUESTS, MAX_QUEUED_FRAMES, WebsocketConnector};

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
    /// The websocket link dropped and the client is reconnecting: nothing is sent, queued
    /// or replayed until it is back.
    #[error(
        "the connection to the server is down and being re-established; the request was not sent"
    )]
    Reconnecting,
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
    /// The connection dropped and the client is reconnecting ([`ReconnectPolicy`]):
    /// requests fail with [`ClientError::Reconnecting`] until [`ClientEvent::Reconnected`]
    /// (or, when it gives up, [`ClientEvent::ServerDisconnected`]).
    ConnectionLost,
    /// The connection is back (after this many attempts) and the device list re-synced
    /// with the server's: a `DeviceRemoved` for each device gone and a `DeviceAdded` for
    /// each new one came before this event; `devices` is the list now. Nothing sent
    /// before the drop is replayed (the server stopped every device when the link
    /// dropped).
    Reconnected {
        attempts: u32,
        devices: Vec<ClientDevice>,
    },
}

pub(crate) struct ClientInner {
    /// Replaced when a reconnect succeeds.
    connector: RwLock<Arc<dyn Connector>>,
    devices: RwLock<BTreeMap<u32, ClientDevice>>,
    events: broadcast::Sender<ClientEvent>,
    connected: AtomicBool,
    /// The link dropped and a reconnect is under way (`connected` is false meanwhile).
    reconnecting: AtomicBool,
    /// The application disconnected (or dropped the client): no reconnect from now on.
    /// Set, and checked before a new connection is installed, under `link`.
    closing: AtomicBool,
    link: Mutex<()>,
    server_name: RwLock<String>,
    /// The connected server's MaxPingTime; replaced on reconnect, and the ping task
    /// follows it.
    max_ping_time_ms: watch::Sender<u32>,
    /// Held while a request is checked against the client's playback claims and
    /// submitted, and while claims are taken or ended: it orders playback writes, the
    /// client's own commands and its stops (see `playback`).
    order: Mutex<()>,
    /// Where replies to playback writes are awaited.
    runtime: tokio::runtime::Handle,
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
        let listed: BTreeMap<u32, &str> = list.iter().map(|d| (d.index, d.name.as_str())).collect();
        // Gone: not listed, or another device at its index now (a restarted server).
        let gone = self.take_devices(|devices| {
            let gone: Vec<u32> = devices
                .iter()
                .filter(|(i, d)| listed.get(i) != Some(&d.name()))
                .map(|(i, _)| *i)
                .collect();
            gone.into_iter()
                .filter_map(|i| devices.remove(&i))
                .collect()
        });
        for d in gone {
            let (index, name) = (d.index(), d.name().to_string());
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
    /// returns. An output command to an output under this client's playback is refused; a
    /// stop of outputs ends the playback of the outputs it covers in the same step.
    pub(crate) fn submit(&self, request: Request) -> Result<ResponseFuture, ClientError> {
        if !self.connected.load(Ordering::Acquire) {
            if self.reconnecting.load(Ordering::Acquire) {
                return Err(ClientError::Reconnecting);
            }
            return Err(ClientError::NotConnected);
        }
        let (submitted, ended) = {
            let _order = crate::poison::lock(&self.order);
            let ended = self.claims_for(&request)?;
            (self.connector().submit(request), ended)
        };
        playback::tell_ended(ended, crate::device::ClaimEnd::Stopped);
        Ok(submitted)
    }

    pub(crate) fn connector(&self) -> Arc<dyn Connector> {
        self.connector
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) async fn send(&self, request: Request) -> Result<Response, ClientError> {
        Ok(self.submit(request)?.await?)
    }

    pub(crate) async fn send_ok(&self, request: Request) -> Result<(), ClientError> {
        expect_ok(self.send(request).await?)
    }

    fn add_device(self: &Arc<Self>, info: DeviceInfo) -> ClientDevice {
        let device = ClientDevice::new(info, Arc::downgrade(self));
        // A device announced again at its index (another toy, or the same one changed) is
        // a new one: playbacks of the old one end.
        self.take_devices(|devices| {
            devices
                .insert(device.index(), device.clone())
                .into_iter()
                .collect()
        });
        device
    }

    /// Changes the device list under `order` (`change` returns the devices it took out):
    /// the playbacks of those devices end as removed, told once no lock is held.
    fn take_devices(
        &self,
        change: impl FnOnce(&mut BTreeMap<u32, ClientDevice>) -> Vec<ClientDevice>,
    ) -> Vec<ClientDevice> {
        let (taken, ended): (Vec<ClientDevice>, playback::EndedClaims) = {
            let _order = crate::poison::lock(&self.order);
            let taken = change(&mut self.devices.write().unwrap_or_else(|e| e.into_inner()));
            let ended = taken.iter().map(|d| d.end_claims(None)).collect();
            (taken, ended)
        };
        playback::tell_ended(ended, crate::device::ClaimEnd::Removed);
        taken
    }

    fn mark_disconnected(&self) {
        let was_reconnecting = self.reconnecting.swap(false, Ordering::AcqRel);
        if self.connected.swap(false, Ordering::AcqRel) || was_reconnecting {
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
    /// Reconnecting a dropped websocket connection (off by default; only
    /// [`ButtplugClient::connect_websocket_with`] can reconnect, other connectors ignore it).
    pub reconnect: Option<ReconnectPolicy>,
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
        let url = url.to_string();
        let dial: reconnect::Dial = Arc::new(move || {
            let url = url.clone();
            Box::pin(async move {
                let c: Arc<dyn Connector> = Arc::new(WebsocketConnector::connect(&url).await?);
                Ok(c)
            })
        });
        Self::connect_dialing(name, Arc::new(connector), options, Some(dial)).await
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
        Self::connect_dialing(name, connector, options, None).await
    }

    /// `connect_with`, and `dial` opens a new connection when reconnecting.
    async fn connect_dialing(
        name: &str,
        connector: Arc<dyn Connector>,
        options: ClientOptions,
        dial: Option<reconnect::Dial>,
    ) -> Result<ButtplugClient, ClientError> {
        let (events, _) = broadcast::channel(1024);
        let connector_events = connector
            .take_events()
            .ok_or_else(|| ClientError::Connection("connector already in use".into()))?;
        let (server_name, max_ping_time_ms) = handshake(&*connector, name).await?;
        let inner = Arc::new(ClientInner {
            connector: RwLock::new(connector),
            devices: RwLock::new(BTreeMap::new()),
            events,
            connected: AtomicBool::new(true),
            reconnecting: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            link: Mutex::new(()),
            server_name: RwLock::new(String::new()),
            max_ping_time_ms: watch::Sender::new(0),
            order: Mutex::new(()),
            runtime: tokio::runtime::Handle::current(),
        });
        inner.set_server_info(server_name, max_ping_time_ms);
        let mut tasks = Vec::new();
        // Follow events before asking for the list so no device slips between the two.
        let redial = match (options.reconnect, dial) {
            (Some(policy), Some(dial)) => Some(reconnect::Redial {
                policy,
                dial,
                client_name: name.to_string(),
            }),
            _ => None,
        };
        tasks.push(tokio::spawn(reconnect::follow_events(
            Arc::downgrade(&inner),
            connector_events,
            redial,
        )));
        if options.ping != PingPolicy::Off {
            tasks.push(tokio::spawn(keep_pinging(
                Arc::downgrade(&inner),
                options.ping,
                inner.max_ping_time_ms.subscribe(),
            )));
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

    /// The link dropped and the client is reconnecting (see [`ReconnectPolicy`]).
    pub fn is_reconnecting(&self) -> bool {
        self.inner.reconnecting.load(Ordering::Acquire)
    }

    pub fn server_name(&self) -> String {
        self.inner
            .server_name
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The MaxPingTime of the server connected now (after a reconnect, the new one's).
    pub fn max_ping_time_ms(&self) -> u32 {
        *self.inner.max_ping_time_ms.borrow()
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
        {
            let _link = self.inner.link.lock().unwrap_or_else(|e| e.into_inner());
            self.inner.closing.store(true, Ordering::Release);
        }
        // The session ends and the server stops every device: playbacks end first, so no
        // playback command follows the disconnect.
        self.inner.end_all_claims(crate::device::ClaimEnd::Stopped);
        if self.is_reconnecting() {
            // No reconnect from now on; the client is disconnected.
            self.inner.mark_disconnected();
        }
        if !self.is_connected() {
            return Box::pin(std::future::ready(Ok(())));
        }
        let closing = self.inner.connector().submit_disconnect();
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
        self.inner.closing.store(true, Ordering::Release);
        self.inner.end_all_claims(crate::device::ClaimEnd::Stopped);
        for t in &self.tasks {
            t.abort();
        }
        if self.inner.connected.swap(false, Ordering::AcqRel) {
            let connector = self.inner.connector();
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move { connector.disconnect().await });
            }
        }
    }
}

/// The spec v4 handshake on a connection: the server's name and its MaxPingTime.
async fn handshake(connector: &dyn Connector, name: &str) -> Result<(String, u32), ClientError> {
    let reply = connector
        .send(Request::RequestServerInfo {
            client_name: name.to_string(),
            version: SpecVersion::V4,
        })
        .await?;
    match reply {
        Response::ServerInfo {
            server_name,
            max_ping_time_ms,
            ..
        } => Ok((server_name, max_ping_time_ms)),
        other => Err(ClientError::UnexpectedReply(format!("{other:?}"))),
    }
}

impl ClientInner {
    fn set_server_info(&self, server_name: String, max_ping_time_ms: u32) {
        *self.server_name.write().unwrap_or_else(|e| e.into_inner()) = server_name;
        self.max_ping_time_ms.send_if_modified(|now| {
            let changed = *now != max_ping_time_ms;
            *now = max_ping_time_ms;
            changed
        });
    }
}

/// How often to ping a server with this MaxPingTime (`None`: not at all).
fn ping_period(policy: PingPolicy, max_ping_time_ms: u32) -> Option<Duration> {
    match policy {
        _ if max_ping_time_ms == 0 => None,
        PingPolicy::Off => None,
        PingPolicy::FromServer => Some(Duration::from_millis((max_ping_time_ms as u64 / 2).max(1))),
        PingPolicy::Every(every) => Some(every.max(Duration::from_millis(1))),
    }
}

/// Pings the server at the period its MaxPingTime asks for, following that time when a
/// reconnect lands on another server (pinging starts, changes rate or stops); ends with
/// the client or its final disconnect.
async fn keep_pinging(
    weak: std::sync::Weak<ClientInner>,
    policy: PingPolicy,
    mut max_ping_time_ms: watch::Receiver<u32>,
) {
    loop {
        let Some(period) = ping_period(policy, *max_ping_time_ms.borrow_and_update()) else {
            if max_ping_time_ms.changed().await.is_err() {
                return;
            }
            continue;
        };
        let mut ticker = tokio::time::interval(period);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                changed = max_ping_time_ms.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    break;
                }
            }
            let Some(inner) = weak.upgrade() else { return };
            if !inner.connected.load(Ordering::Acquire) {
                if inner.reconnecting.load(Ordering::Acquire) {
                    continue;
                }
                return;
            }
            if let Err(e) = inner.send(Request::Ping).await {
                tracing::warn!("ping failed: {e}");
            }
        }
    }
}

fn handle_server_event(inner: &Arc<ClientInner>, event: ServerEvent) {
    let client_event = match event {
        ServerEvent::DeviceAdded(info) => ClientEvent::DeviceAdded(inner.add_device(info)),
        ServerEvent::DeviceRemoved(index) => {
            let removed =
                inner.take_devices(|devices| devices.remove(&index).into_iter().collect());
            ClientEvent::DeviceRemoved {
                index,
                name: removed
                    .first()
                    .map(|d| d.name().to_string())
                    .unwrap_or_default(),
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
        ServerEvent::PingTimeout => {
            // The server stopped every device and ended the session.
            inner.end_all_claims(crate::device::ClaimEnd::Stopped);
            ClientEvent::PingTimeout
        }
        ServerEvent::EventsDropped(n) => ClientEvent::EventsDropped(n),
    };
    let _ = inner.events.send(client_event);
}
