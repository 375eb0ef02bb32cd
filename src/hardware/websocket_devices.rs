//! The device websocket manager: devices (or device bridges and test rigs) that connect to
//! the server over websocket. The first text frame identifies the device
//! (`{"identifier": "...", "address": "...", "version": 0}`); after that binary frames carry
//! bytes: server -> device are writes, device -> server are notifications on `rx`.
//! The identifier is matched against `websocket` specifiers in the device configuration
//! (a user config can add them to any protocol).
//!
//! The listener is unauthenticated: anything that can reach it can pose as a toy. It
//! should listen on loopback. A connection must upgrade and identify itself within
//! [`DeviceWebsocketOptions::handshake_timeout`]; frames are limited to
//! [`DEVICE_MAX_FRAME_BYTES`] (device packets are a few bytes); the accept loop survives
//! accept errors (say, out of file descriptors) and goes on.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};

use super::{
    ConnectRequest, DiscoveredDevice, Endpoint, HardwareConnector, HardwareDevice, HardwareError,
    HardwareEvent, HardwareIdentity, HardwareInfo, HardwareManager, ManagerEvent, ManagerSink,
};

/// The port devices connect to by default (as Intiface Engine).
pub const DEFAULT_DEVICE_WEBSOCKET_PORT: u16 = 54817;

/// Largest frame a websocket device may send (identification or endpoint bytes).
pub const DEVICE_MAX_FRAME_BYTES: usize = 64 * 1024;

/// How the device websocket listener treats connections.
#[derive(Clone, Debug)]
pub struct DeviceWebsocketOptions {
    /// Time for the websocket upgrade plus the identification frame.
    pub handshake_timeout: Duration,
}

impl Default for DeviceWebsocketOptions {
    fn default() -> Self {
        DeviceWebsocketOptions {
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

fn device_ws_config() -> WebSocketConfig {
    WebSocketConfig {
        max_message_size: Some(DEVICE_MAX_FRAME_BYTES),
        max_frame_size: Some(DEVICE_MAX_FRAME_BYTES),
        ..Default::default()
    }
}

type Sink = SplitSink<WebSocketStream<TcpStream>, Message>;

use crate::poison::lock;

/// One connected websocket device.
pub struct WebsocketDevice {
    name: String,
    address: String,
    sink: tokio::sync::Mutex<Sink>,
    events: broadcast::Sender<HardwareEvent>,
    connected: AtomicBool,
}

#[async_trait]
impl HardwareDevice for WebsocketDevice {
    fn name(&self) -> &str {
        &self.name
    }

    fn address(&self) -> &str {
        &self.address
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        vec![Endpoint::Tx, Endpoint::Rx]
    }

    async fn write(
        &self,
        endpoint: Endpoint,
        data: &[u8],
        _with_response: bool,
    ) -> Result<(), HardwareError> {
        if !self.connected.load(Ordering::Acquire) {
            return Err(HardwareError::Disconnected);
        }
        if endpoint == Endpoint::Rx {
            return Err(HardwareError::NoEndpoint(endpoint));
        }
        self.sink
            .lock()
            .await
            .send(Message::binary(data.to_vec()))
            .await
            .map_err(|_| HardwareError::Disconnected)
    }

    async fn read(&self, _endpoint: Endpoint, timeout: Duration) -> Result<Vec<u8>, HardwareError> {
        super::next_message(&self.events, timeout).await
    }

    async fn subscribe(&self, _endpoint: Endpoint) -> Result<(), HardwareError> {
        Ok(())
    }

    async fn unsubscribe(&self, _endpoint: Endpoint) -> Result<(), HardwareError> {
        Ok(())
    }

    fn events(&self) -> broadcast::Receiver<HardwareEvent> {
        self.events.subscribe()
    }

    async fn disconnect(&self) {
        if self.connected.swap(false, Ordering::AcqRel) {
            let _ = self.sink.lock().await.close().await;
            let _ = self.events.send(HardwareEvent::Disconnected);
        }
    }
}

struct Waiting {
    info: HardwareInfo,
    device: Arc<WebsocketDevice>,
}

struct Inner {
    sink: OnceLock<ManagerSink>,
    scanning: AtomicBool,
    /// Devices connected but not yet claimed by the server.
    waiting: Mutex<Vec<Waiting>>,
}

/// Listens for devices connecting over websocket.
pub struct DeviceWebsocketManager {
    inner: Arc<Inner>,
    local_addr: SocketAddr,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for DeviceWebsocketManager {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl DeviceWebsocketManager {
    /// Starts listening (port 0 picks a free port) with the default options.
    pub async fn listen(addr: SocketAddr) -> std::io::Result<Arc<DeviceWebsocketManager>> {
        Self::listen_with(addr, DeviceWebsocketOptions::default()).await
    }

    /// Starts listening (port 0 picks a free port).
    pub async fn listen_with(
        addr: SocketAddr,
        options: DeviceWebsocketOptions,
    ) -> std::io::Result<Arc<DeviceWebsocketManager>> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            sink: OnceLock::new(),
            scanning: AtomicBool::new(false),
            waiting: Mutex::new(Vec::new()),
        });
        let accepting = inner.clone();
        let accept = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, peer)) => {
                        let inner = accepting.clone();
                        let options = options.clone();
                        tokio::spawn(async move {
                            if let Err(e) = handle_device(inner, stream, &options).await {
                                tracing::info!("websocket device {peer}: {e}");
                            }
                        });
                    }
                    // Out of descriptors, a connection reset before accept...: the
                    // listener stays; wait a moment so a persistent error cannot spin.
                    Err(e) => {
                        tracing::warn!("accepting a websocket device failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        });
        Ok(Arc::new(DeviceWebsocketManager {
            inner,
            local_addr,
            accept,
        }))
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
}

impl Inner {
    fn announce(&self, waiting: &Waiting) {
        if let Some(sink) = self.sink.get() {
            sink.send(ManagerEvent::Found(DiscoveredDevice {
                info: waiting.info.clone(),
                connector: Box::new(Claim(waiting.device.clone())),
            }));
        }
    }
}

async fn handle_device(
    inner: Arc<Inner>,
    stream: TcpStream,
    options: &DeviceWebsocketOptions,
) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + options.handshake_timeout;
    let ws = tokio::time::timeout_at(
        deadline,
        tokio_tungstenite::accept_async_with_config(stream, Some(device_ws_config())),
    )
    .await
    .map_err(|_| "no websocket handshake in time".to_string())?
    .map_err(|e| e.to_string())?;
    let (mut sink, mut source) = ws.split();
    // The handshake: one text frame naming the device, within the same deadline.
    let hello = match tokio::time::timeout_at(deadline, source.next()).await {
        Ok(Some(Ok(Message::Text(t)))) => t,
        Ok(Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(e)))) => {
            let _ = sink.send(too_big()).await;
            return Err(format!("identification frame too big: {e}"));
        }
        Err(_) => {
            let _ = sink
                .send(Message::Close(Some(CloseFrame {
                    code: CloseCode::Policy,
                    reason: "no identification frame in time".into(),
                })))
                .await;
            return Err("no identification frame in time".into());
        }
        _ => return Err("no identification frame".into()),
    };
    let hello: serde_json::Value =
        serde_json::from_str(&hello).map_err(|e| format!("bad identification: {e}"))?;
    let identifier = hello
        .get("identifier")
        .and_then(|v| v.as_str())
        .ok_or("identification without identifier")?
        .to_string();
    let address = hello
        .get("address")
        .and_then(|v| v.as_str())
        .unwrap_or(&identifier)
        .to_string();
    let (events, _) = broadcast::channel(256);
    let device = Arc::new(WebsocketDevice {
        name: identifier.clone(),
        address: address.clone(),
        sink: tokio::sync::Mutex::new(sink),
        events: events.clone(),
        connected: AtomicBool::new(true),
    });
    let waiting = Waiting {
        info: HardwareInfo {
            name: identifier.clone(),
            address,
            identity: HardwareIdentity::Websocket { identifier },
        },
        device: device.clone(),
    };
    // Known devices come back on their own; new ones wait for a scan.
    inner.announce(&waiting);
    lock(&inner.waiting).push(waiting);
    while let Some(frame) = source.next().await {
        match frame {
            Ok(Message::Binary(data)) => {
                let _ = events.send(HardwareEvent::Notification {
                    endpoint: Endpoint::Rx,
                    data: data.to_vec(),
                });
            }
            Err(tokio_tungstenite::tungstenite::Error::Capacity(e)) => {
                tracing::warn!("websocket device {}: frame too big: {e}", device.address);
                let _ = device.sink.lock().await.send(too_big()).await;
                break;
            }
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    lock(&inner.waiting).retain(|w| !Arc::ptr_eq(&w.device, &device));
    device.connected.store(false, Ordering::Release);
    let _ = events.send(HardwareEvent::Disconnected);
    Ok(())
}

fn too_big() -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::Size,
        reason: format!("frame too big: at most {DEVICE_MAX_FRAME_BYTES} bytes").into(),
    }))
}

struct Claim(Arc<WebsocketDevice>);

#[async_trait]
impl HardwareConnector for Claim {
    async fn connect(
        &self,
        _request: ConnectRequest<'_>,
    ) -> Result<Arc<dyn HardwareDevice>, HardwareError> {
        if !self.0.connected.load(Ordering::Acquire) {
            return Err(HardwareError::Disconnected);
        }
        Ok(self.0.clone())
    }
}

#[async_trait]
impl HardwareManager for DeviceWebsocketManager {
    fn name(&self) -> &'static str {
        "device-websocket"
    }

    fn attach(&self, sink: ManagerSink) {
        let _ = self.inner.sink.set(sink);
    }

    fn finishes_scans(&self) -> bool {
        false
    }

    async fn start_scanning(&self) -> Result<(), HardwareError> {
        self.inner.scanning.store(true, Ordering::Release);
        let waiting: Vec<(HardwareInfo, Arc<WebsocketDevice>)> = lock(&self.inner.waiting)
            .iter()
            .map(|w| (w.info.clone(), w.device.clone()))
            .collect();
        for (info, device) in waiting {
            self.inner.announce(&Waiting { info, device });
        }
        // Devices already connected have been offered; devices connecting later are offered
        // as they arrive. Passive, as in the reference: the scan never finishes by itself.
        Ok(())
    }

    async fn stop_scanning(&self) -> Result<(), HardwareError> {
        self.inner.scanning.store(false, Ordering::Release);
        Ok(())
    }
}
