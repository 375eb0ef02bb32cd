//! A client session: handshake, ping watchdog, and the safety rules around it (a missed
//! ping or a disconnect stops scanning and every device).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use super::ButtplugServer;
use super::ping_watchdog::PingWatchdog;
use crate::spec::message::{Request, Response, ServerEvent};
use crate::spec::{ButtplugError, SpecVersion};

#[derive(Default)]
struct State {
    version: Option<SpecVersion>,
    client_name: String,
    watchdog: Option<PingWatchdog>,
}

struct Shared {
    server: Arc<ButtplugServer>,
    handshaken: AtomicBool,
    pinged_out: AtomicBool,
    ended: AtomicBool,
    events: mpsc::UnboundedSender<ServerEvent>,
}

impl Shared {
    /// Stops scanning and every device; frees the server for the next client.
    async fn shut_down(&self) {
        let dm = self.server.device_manager();
        if let Err(e) = dm.stop_scanning().await {
            tracing::warn!("stopping scan at session end: {e}");
        }
        if let Err(e) = dm.stop_all().await {
            tracing::warn!("stopping devices at session end: {e}");
        }
    }
}

/// One client's connection to the server. Dropping it (or calling [`Session::disconnect`])
/// stops scanning and every device.
pub struct Session {
    shared: Arc<Shared>,
    state: Mutex<State>,
    forwarder: JoinHandle<()>,
    events: Mutex<Option<mpsc::UnboundedReceiver<ServerEvent>>>,
}

impl Session {
    pub(crate) fn new(server: Arc<ButtplugServer>) -> Session {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            server: server.clone(),
            handshaken: AtomicBool::new(false),
            pinged_out: AtomicBool::new(false),
            ended: AtomicBool::new(false),
            events: tx,
        });
        let mut device_events = server.device_manager().subscribe();
        let fwd = shared.clone();
        // Device events reach the client only after its handshake.
        let forwarder = tokio::spawn(async move {
            loop {
                match device_events.recv().await {
                    Ok(event) => {
                        let open = fwd.handshaken.load(Ordering::Acquire)
                            && !fwd.pinged_out.load(Ordering::Acquire);
                        if open && fwd.events.send(event).is_err() {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!("session missed {n} device events");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        Session {
            shared,
            state: Mutex::new(State::default()),
            forwarder,
            events: Mutex::new(Some(rx)),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session's events (devices added/removed, scanning finished, input readings,
    /// ping timeout). Can be taken once.
    pub fn take_events(&self) -> Option<mpsc::UnboundedReceiver<ServerEvent>> {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The negotiated spec version, once the handshake is done.
    pub fn version(&self) -> Option<SpecVersion> {
        self.state().version
    }

    pub fn client_name(&self) -> String {
        self.state().client_name.clone()
    }

    pub fn server(&self) -> &Arc<ButtplugServer> {
        &self.shared.server
    }

    /// Handles one request.
    pub async fn handle(&self, request: Request) -> Result<Response, ButtplugError> {
        if self.shared.pinged_out.load(Ordering::Acquire) {
            return Err(ButtplugError::ping(
                "ping timed out; this session is over, reconnect",
            ));
        }
        if self.shared.ended.load(Ordering::Acquire) {
            return Err(ButtplugError::handshake(
                "this session has ended; reconnect",
            ));
        }
        let server = &self.shared.server;
        let dm = server.device_manager();
        if let Request::RequestServerInfo {
            client_name,
            version,
        } = request
        {
            return self.handshake(client_name, version);
        }
        if !self.shared.handshaken.load(Ordering::Acquire) {
            return Err(ButtplugError::handshake(
                "expected RequestServerInfo to start the connection",
            ));
        }
        match request {
            Request::RequestServerInfo { .. } => unreachable_handshake(),
            Request::Ping => {
                let state = self.state();
                match &state.watchdog {
                    Some(w) => {
                        w.ping();
                        Ok(Response::Ok)
                    }
                    None => Err(ButtplugError::ping(
                        "ping timer is not running (MaxPingTime is 0)",
                    )),
                }
            }
            Request::StartScanning => dm.start_scanning().await.map(|_| Response::Ok),
            Request::StopScanning => dm.stop_scanning().await.map(|_| Response::Ok),
            Request::RequestDeviceList => Ok(Response::DeviceList(dm.device_infos())),
            Request::Output {
                device,
                feature,
                command,
            } => {
                let d = dm
                    .device(device)
                    .ok_or_else(|| ButtplugError::no_device(device))?;
                d.output(feature, command).await?;
                Ok(Response::Ok)
            }
            Request::Input {
                device,
                feature,
                input,
                command,
            } => {
                let d = dm
                    .device(device)
                    .ok_or_else(|| ButtplugError::no_device(device))?;
                match d.input(feature, input, command).await? {
                    Some(value) => Ok(Response::InputReading {
                        device,
                        feature,
                        input,
                        value,
                    }),
                    None => Ok(Response::Ok),
                }
            }
            Request::Stop {
                device: None,
                feature,
                inputs,
                outputs,
            } => {
                if feature.is_some() {
                    return Err(ButtplugError::message(
                        "a stop with a feature index needs a device index",
                    ));
                }
                let mut first_error = None;
                for d in dm.devices() {
                    if let Err(e) = d.stop(None, outputs, inputs).await {
                        first_error.get_or_insert(ButtplugError::from(e));
                    }
                }
                first_error.map_or(Ok(Response::Ok), Err)
            }
            Request::Stop {
                device: Some(index),
                feature,
                inputs,
                outputs,
            } => {
                let d = dm
                    .device(index)
                    .ok_or_else(|| ButtplugError::no_device(index))?;
                d.stop(feature, outputs, inputs).await?;
                Ok(Response::Ok)
            }
            Request::Disconnect => {
                self.disconnect().await;
                Ok(Response::Ok)
            }
        }
    }

    fn handshake(
        &self,
        client_name: String,
        version: SpecVersion,
    ) -> Result<Response, ButtplugError> {
        let server = &self.shared.server;
        let mut state = self.state();
        if state.version.is_some() {
            return Err(ButtplugError::handshake("handshake already happened"));
        }
        state.version = Some(version);
        state.client_name = client_name;
        let max_ping = server.max_ping_time_ms();
        if max_ping > 0 {
            let shared = self.shared.clone();
            state.watchdog = Some(PingWatchdog::start(
                Duration::from_millis(max_ping as u64),
                async move {
                    tracing::warn!("client missed its ping: stopping every device");
                    shared.pinged_out.store(true, Ordering::Release);
                    shared.shut_down().await;
                    let _ = shared.events.send(ServerEvent::PingTimeout);
                },
            ));
        }
        self.shared.handshaken.store(true, Ordering::Release);
        tracing::info!(
            "client {:?} connected with spec {version}",
            state.client_name
        );
        Ok(Response::ServerInfo {
            server_name: server.name().to_string(),
            max_ping_time_ms: max_ping,
            version,
        })
    }

    /// Ends the session: stops scanning and every device, frees the server for the next
    /// client. Later requests get an error.
    pub async fn disconnect(&self) {
        if self.shared.ended.swap(true, Ordering::AcqRel) {
            return;
        }
        self.state().watchdog = None;
        self.shared.shut_down().await;
        self.shared.server.release_session();
    }
}

fn unreachable_handshake() -> Result<Response, ButtplugError> {
    Err(ButtplugError::handshake("handshake already happened"))
}

impl Drop for Session {
    fn drop(&mut self) {
        self.forwarder.abort();
        if self.shared.ended.swap(true, Ordering::AcqRel) {
            return;
        }
        // The connection went away without a goodbye: stop everything all the same.
        let shared = self.shared.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    shared.shut_down().await;
                    shared.server.release_session();
                });
            }
            Err(_) => {
                // No runtime on this thread: use the server's.
                let server = shared.server.clone();
                server.runtime_handle().spawn(async move {
                    shared.shut_down().await;
                    shared.server.release_session();
                });
            }
        }
    }
}
