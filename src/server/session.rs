//! A client session: handshake, ping watchdog, and the safety rules around it (a missed
//! ping, a disconnect or a server shutdown stops scanning and every device).
//!
//! Requests are *submitted*: [`Session::submit`] does the ordering-relevant part at once,
//! on the caller's thread (a device command reaches the device's mailbox before it
//! returns), and gives back a future for the reply. So a client's commands reach each
//! device in the order they were submitted, and no caller waits for a device's gap or
//! write before submitting the next one.
//!
//! Ending a session (disconnect, ping timeout, shutdown, a dropped connection) closes the
//! session's gate and submits a stop to every device in the same step, under the gate's
//! write lock; commands are submitted under its read lock. So no command of the session
//! can slip in after its stop, and none submitted before it can overtake it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use super::ButtplugServer;
use super::device_manager::{wait_all, waited};
use super::mapping::Submitted;
use super::ping_watchdog::PingWatchdog;
use crate::bounded_events::DroppingSender;
use crate::device::{Completion, DeviceError};
use crate::spec::message::{OutputCommand, Request, Response, ServerEvent};
use crate::spec::{ButtplugError, SpecVersion};

/// Most events waiting for a session's client. When the client does not keep up, further
/// events are dropped and counted; it then gets [`ServerEvent::EventsDropped`].
pub const SESSION_EVENT_LIMIT: usize = 1024;

/// A reply on its way.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response, ButtplugError>> + Send>>;

fn ready(result: Result<Response, ButtplugError>) -> ResponseFuture {
    Box::pin(std::future::ready(result))
}

/// Why (and whether) a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Open,
    Disconnected,
    PingedOut,
    ShutDown,
}

#[derive(Default)]
struct State {
    version: Option<SpecVersion>,
    client_name: String,
    watchdog: Option<PingWatchdog>,
}

pub(super) struct Shared {
    server: Arc<ButtplugServer>,
    state: Mutex<State>,
    gate: RwLock<Ending>,
    handshaken: AtomicBool,
    events: DroppingSender<ServerEvent>,
    ended: watch::Sender<Ending>,
    released: AtomicBool,
}

/// What ending a session submitted: the devices' stops and the stop of scanning.
pub(super) struct Stops {
    devices: Vec<(u32, Result<Completion, DeviceError>)>,
    scan: super::device_manager::ScanFuture,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn gate(&self) -> std::sync::RwLockReadGuard<'_, Ending> {
        self.gate.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Closes the gate and submits a stop to every device, in one step. Returns the stops
    /// to wait for, or `None` if the session had already ended.
    pub(super) fn begin_end(&self, ending: Ending) -> Option<Stops> {
        let mut gate = self.gate.write().unwrap_or_else(|e| e.into_inner());
        if *gate != Ending::Open {
            return None;
        }
        *gate = ending;
        let dm = self.server.device_manager();
        let stops = dm.submit_stop_all(true, true);
        // After every scan request of the session, before any of the next session.
        let scan = dm.submit_final_stop_scanning();
        drop(gate);
        self.ended.send_replace(ending);
        Some(Stops {
            devices: stops,
            scan,
        })
    }

    /// Waits (bounded) for the stops, stops scanning, and frees the server for the next
    /// client. Always releases the session, whatever the devices do.
    pub(super) async fn finish_end(&self, stops: Stops) {
        let bound = self.server.stop_timeout();
        let work = async {
            if let Err(e) = stops.scan.await {
                tracing::warn!("stopping scan at session end: {e}");
            }
            if let Err(e) = wait_all(Submitted::from_vec(stops.devices)).await {
                tracing::warn!("stopping devices at session end: {e}");
            }
        };
        if tokio::time::timeout(bound, work).await.is_err() {
            tracing::warn!("devices did not confirm their stop within {bound:?}");
        }
        // Dropping the watchdog here, not in begin_end: begin_end may run inside it.
        self.state().watchdog = None;
        if !self.released.swap(true, Ordering::AcqRel) {
            self.server.release_session();
        }
    }
}

/// One client's connection to the server. Dropping it (or calling [`Session::disconnect`])
/// stops scanning and every device.
pub struct Session {
    shared: Arc<Shared>,
    forwarder: JoinHandle<()>,
    events: Mutex<Option<mpsc::Receiver<ServerEvent>>>,
}

impl Session {
    pub(crate) fn new(server: Arc<ButtplugServer>) -> Session {
        let (tx, rx) = DroppingSender::channel(SESSION_EVENT_LIMIT, ServerEvent::EventsDropped);
        let shared = Arc::new(Shared {
            server: server.clone(),
            state: Mutex::new(State::default()),
            gate: RwLock::new(Ending::Open),
            handshaken: AtomicBool::new(false),
            events: tx,
            ended: watch::Sender::new(Ending::Open),
            released: AtomicBool::new(false),
        });
        server.register_session(&shared);
        let mut device_events = server.device_manager().subscribe();
        let fwd = shared.clone();
        // Device events reach the client only after its handshake, and while it is open.
        let forwarder = tokio::spawn(async move {
            loop {
                match device_events.recv().await {
                    Ok(event) => {
                        let open =
                            fwd.handshaken.load(Ordering::Acquire) && *fwd.gate() == Ending::Open;
                        if open && !fwd.events.send(event) {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!("session missed {n} device events");
                        fwd.events.count_dropped(n);
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        Session {
            shared,
            forwarder,
            events: Mutex::new(Some(rx)),
        }
    }

    /// The session's events (devices added/removed, scanning finished, input readings,
    /// ping timeout, events dropped). Can be taken once.
    pub fn take_events(&self) -> Option<mpsc::Receiver<ServerEvent>> {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The negotiated spec version, once the handshake is done.
    pub fn version(&self) -> Option<SpecVersion> {
        self.shared.state().version
    }

    pub fn client_name(&self) -> String {
        self.shared.state().client_name.clone()
    }

    pub fn server(&self) -> &Arc<ButtplugServer> {
        &self.shared.server
    }

    /// Whether (and why) the session ended; changes once.
    pub fn ending(&self) -> watch::Receiver<Ending> {
        self.shared.ended.subscribe()
    }

    /// Handles one request: [`Session::submit`], then its reply.
    pub async fn handle(&self, request: Request) -> Result<Response, ButtplugError> {
        self.submit(request).await
    }

    /// Submits one request. Everything that decides its order happens before this returns:
    /// a device command is in the device's mailbox, a stop is queued, a handshake is done.
    /// The returned future resolves with the reply (for a device command: once the value,
    /// or a newer one, has been written).
    pub fn submit(&self, request: Request) -> ResponseFuture {
        match self.plan(request) {
            Pending::Ready(result) => ready(result),
            pending => Box::pin(pending.resolve()),
        }
    }

    /// [`Session::submit`] without boxing the reply future: the JSON session awaits one
    /// per pipelined command (one allocation each, boxed).
    pub(crate) fn submit_unboxed(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<Response, ButtplugError>> + Send + use<> {
        self.plan(request).resolve()
    }

    /// [`Session::submit`], saying what the reply waits for instead of handing a future:
    /// the websocket server waits on a lone command's completion itself, without a future
    /// (or a box) per pipelined frame.
    pub(crate) fn submit_pending(&self, request: Request) -> Pending {
        self.plan(request)
    }

    /// Does the ordering-relevant part of a request (see [`Session::submit`]) and says
    /// what its reply waits for.
    fn plan(&self, request: Request) -> Pending {
        let shared = &self.shared;
        let gate = shared.gate();
        match *gate {
            Ending::Open => {}
            Ending::PingedOut => {
                return Pending::Ready(Err(ButtplugError::ping(
                    "ping timed out; this session is over, reconnect",
                )));
            }
            Ending::Disconnected => {
                return Pending::Ready(Err(ButtplugError::handshake(
                    "this session has ended; reconnect",
                )));
            }
            Ending::ShutDown => {
                return Pending::Ready(Err(ButtplugError::unknown("the server is shutting down")));
            }
        }
        if let Request::RequestServerInfo {
            client_name,
            version,
        } = request
        {
            return Pending::Ready(self.handshake(client_name, version));
        }
        if !shared.handshaken.load(Ordering::Acquire) {
            return Pending::Ready(Err(ButtplugError::handshake(
                "expected RequestServerInfo to start the connection",
            )));
        }
        let dm = shared.server.device_manager();
        match request {
            Request::RequestServerInfo { .. } => {
                Pending::Ready(Err(ButtplugError::handshake("handshake already happened")))
            }
            Request::Ping => Pending::Ready(match &shared.state().watchdog {
                Some(w) => {
                    w.ping();
                    Ok(Response::Ok)
                }
                None => Err(ButtplugError::ping(
                    "ping timer is not running (MaxPingTime is 0)",
                )),
            }),
            Request::StartScanning => {
                let scan = dm.submit_start_scanning();
                Pending::Boxed(Box::pin(async move { scan.await.map(|_| Response::Ok) }))
            }
            Request::StopScanning => {
                let scan = dm.submit_stop_scanning();
                Pending::Boxed(Box::pin(async move { scan.await.map(|_| Response::Ok) }))
            }
            Request::RequestDeviceList => {
                Pending::Ready(Ok(Response::DeviceList(dm.device_infos())))
            }
            Request::Output {
                device,
                feature,
                command,
            } => submit_outputs(dm, device, &[(feature, command)]),
            Request::Outputs { device, commands } => submit_outputs(dm, device, &commands),
            Request::Input {
                device,
                feature,
                input,
                command,
            } => {
                let Some(d) = dm.device(device) else {
                    return Pending::Ready(Err(ButtplugError::no_device(device)));
                };
                match d.submit_input(feature, input, command) {
                    Err(e) => Pending::Ready(Err(e.into())),
                    Ok(pending) => Pending::Boxed(Box::pin(async move {
                        match pending.await? {
                            Some(value) => Ok(Response::InputReading {
                                device,
                                feature,
                                input,
                                value,
                            }),
                            None => Ok(Response::Ok),
                        }
                    })),
                }
            }
            Request::Stop {
                device: None,
                feature,
                inputs,
                outputs,
            } => {
                if feature.is_some() {
                    return Pending::Ready(Err(ButtplugError::message(
                        "a stop with a feature index needs a device index",
                    )));
                }
                let stops = dm.submit_stop_all(outputs, inputs);
                all_done(Ok(Submitted::from_vec(stops)))
            }
            Request::Stop {
                device: Some(index),
                feature,
                inputs,
                outputs,
            } => all_done(dm.submit_stop(index, feature, outputs, inputs)),
            Request::Disconnect => {
                drop(gate);
                let stops = shared.begin_end(Ending::Disconnected);
                let shared = shared.clone();
                Pending::Boxed(Box::pin(async move {
                    if let Some(stops) = stops {
                        shared.finish_end(stops).await;
                    }
                    Ok(Response::Ok)
                }))
            }
        }
    }

    fn handshake(
        &self,
        client_name: String,
        version: SpecVersion,
    ) -> Result<Response, ButtplugError> {
        let server = &self.shared.server;
        let mut state = self.shared.state();
        if state.version.is_some() {
            return Err(ButtplugError::handshake("handshake already happened"));
        }
        state.version = Some(version);
        state.client_name = client_name;
        let max_ping = server.max_ping_time_ms();
        if max_ping > 0 {
            let shared = Arc::downgrade(&self.shared);
            state.watchdog = Some(PingWatchdog::start(
                Duration::from_millis(u64::from(max_ping)),
                async move {
                    let Some(shared) = shared.upgrade() else {
                        return;
                    };
                    if let Some(stops) = shared.begin_end(Ending::PingedOut) {
                        tracing::warn!("client missed its ping: stopping every device");
                        // The client learns at once; the stops finish in their own task
                        // (this one belongs to the watchdog, which finishing drops).
                        shared.events.send(ServerEvent::PingTimeout);
                        tokio::spawn(async move { shared.finish_end(stops).await });
                    }
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

    /// Ends the session: stops every device and scanning, frees the server for the next
    /// client. Later requests get an error. Bounded by the server's stop timeout.
    pub async fn disconnect(&self) {
        self.submit_disconnect().await
    }

    /// Ends the session at once (see [`Session::disconnect`]): the session takes no
    /// further request and every device's stop is submitted before this returns; the
    /// future resolves once the stops are done (bounded).
    pub fn submit_disconnect(&self) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let stops = self.shared.begin_end(Ending::Disconnected);
        let shared = self.shared.clone();
        Box::pin(async move {
            if let Some(stops) = stops {
                shared.finish_end(stops).await;
            }
        })
    }
}

/// Outputs go through the device manager's output mapping (a group fans out to members).
fn submit_outputs(
    dm: &super::DeviceManager,
    device: u32,
    commands: &[(u32, OutputCommand)],
) -> Pending {
    all_done(dm.submit_outputs(device, commands))
}

/// Replies once every submitted command of one request has reached its device.
fn all_done(submitted: Result<Submitted, ButtplugError>) -> Pending {
    match submitted {
        Err(e) => Pending::Ready(Err(e)),
        Ok(mut submitted) => match submitted.pop() {
            // One device (nearly always): its completion, or why it refused the command.
            Some((index, Ok(completion))) if submitted.is_empty() => {
                Pending::One(index, completion)
            }
            Some((_, Err(e))) if submitted.is_empty() => Pending::Ready(Err(e.into())),
            last => {
                submitted.extend(last);
                Pending::AllDone(submitted)
            }
        },
    }
}

/// What a submitted request's reply waits for.
pub(crate) enum Pending {
    Ready(Result<Response, ButtplugError>),
    /// The command reaching its one device.
    One(u32, Completion),
    /// Every command of the request reaching its device (a group's members, say).
    AllDone(Submitted),
    Boxed(ResponseFuture),
}

impl Pending {
    /// The reply. Its future is moved into a box for every pipelined frame, so it holds
    /// a single completion's wait and boxes the rarer waits (perf: moving a 600-byte
    /// future was most of the memory copying per command).
    pub(crate) async fn resolve(self) -> Result<Response, ButtplugError> {
        match self {
            Pending::Ready(result) => result,
            Pending::One(index, completion) => {
                waited(index, completion.wait().await).map(|_| Response::Ok)
            }
            Pending::AllDone(submitted) => {
                Box::pin(wait_all(submitted)).await.map(|_| Response::Ok)
            }
            Pending::Boxed(future) => future.await,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.forwarder.abort();
        // The connection went away without a goodbye: stop everything all the same.
        let Some(stops) = self.shared.begin_end(Ending::Disconnected) else {
            return;
        };
        let shared = self.shared.clone();
        let finish = async move { shared.finish_end(stops).await };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(finish);
            }
            Err(_) => {
                // No runtime on this thread: use the server's.
                self.shared.server.runtime_handle().spawn(finish);
            }
        }
    }
}
