//! The REST caller as a Buttplug client: one session shared by every REST request, held
//! on a lease.
//!
//! "Gone" for REST: the session (and the one client slot) is held while a request came
//! within the lease time or at least one event stream is open. When neither holds, the
//! session ends as a websocket client's does when its socket drops: every device stops,
//! scanning stops, its playbacks end, and the slot is free for the next client. A running
//! playback does not hold the lease. The next request opens a
//! new session. `PUT /api/v1/release` ends it at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plugwire::server::{ButtplugServer, Ending, ServerError, Session};
use plugwire::spec::SpecVersion;
use plugwire::spec::message::{Request, ServerEvent};
use tokio::sync::broadcast;
use tokio::time::Instant;

use super::events::RestEvent;
use super::playback::Playbacks;
use super::routes::RestError;

/// Most events waiting for a slow event-stream reader; it then gets `events-dropped`.
const EVENT_BUFFER: usize = 1024;

pub struct RestClient {
    server: Arc<ButtplugServer>,
    lease: Duration,
    held: tokio::sync::Mutex<Option<Arc<Session>>>,
    last_request: Mutex<Instant>,
    streams: AtomicUsize,
    events: broadcast::Sender<RestEvent>,
    playbacks: Playbacks,
}

/// Counts an open event stream while it lives.
pub struct StreamGuard(Arc<RestClient>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::AcqRel);
        self.0.renew();
    }
}

impl RestClient {
    pub fn new(server: Arc<ButtplugServer>, lease: Duration) -> Arc<RestClient> {
        Arc::new(RestClient {
            server,
            lease,
            held: tokio::sync::Mutex::new(None),
            last_request: Mutex::new(Instant::now()),
            streams: AtomicUsize::new(0),
            events: broadcast::channel(EVENT_BUFFER).0,
            playbacks: Playbacks::default(),
        })
    }

    pub fn server(&self) -> &Arc<ButtplugServer> {
        &self.server
    }

    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The REST session's playbacks.
    pub fn playbacks(&self) -> &Playbacks {
        &self.playbacks
    }

    fn renew(&self) {
        *self.last_request.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// Tells event streams something happened.
    pub fn publish(&self, event: RestEvent) {
        let _ = self.events.send(event);
    }

    pub fn subscribe(self: &Arc<Self>) -> (broadcast::Receiver<RestEvent>, StreamGuard) {
        self.streams.fetch_add(1, Ordering::AcqRel);
        (self.events.subscribe(), StreamGuard(self.clone()))
    }

    /// The REST session, opened when there is none; renews the lease. Refused while
    /// another client holds the server.
    pub async fn session(self: &Arc<Self>) -> Result<Arc<Session>, RestError> {
        self.renew();
        let mut held = self.held.lock().await;
        if let Some(session) = held.as_ref() {
            if *session.ending().borrow() == Ending::Open {
                // Keeps the Buttplug ping watchdog (when --max-ping-time is set) fed.
                let _ = session.submit(Request::Ping).await;
                return Ok(session.clone());
            }
        }
        let session = match self.server.connect() {
            Ok(s) => Arc::new(s),
            Err(ServerError::SessionActive) => return Err(RestError::Busy),
            Err(ServerError::ShuttingDown) => return Err(RestError::ShuttingDown),
            Err(e) => return Err(RestError::Internal(e.to_string())),
        };
        session
            .submit(Request::RequestServerInfo {
                client_name: "REST API".to_string(),
                version: SpecVersion::V4,
            })
            .await
            .map_err(RestError::Buttplug)?;
        tracing::info!("REST client holds the server");
        *held = Some(session.clone());
        drop(held);
        self.publish(RestEvent::SessionStarted);
        if let Some(mut events) = session.take_events() {
            let me = Arc::downgrade(self);
            tokio::spawn(async move {
                while let Some(event) = events.recv().await {
                    let Some(me) = me.upgrade() else { return };
                    if let Some(e) = RestEvent::from_server(&event) {
                        me.publish(e);
                    }
                    if event == ServerEvent::PingTimeout {
                        return;
                    }
                }
            });
        }
        tokio::spawn(self.clone().watch_lease(session.clone()));
        Ok(session)
    }

    /// Ends the session when the lease runs out with no event stream open.
    async fn watch_lease(self: Arc<Self>, session: Arc<Session>) {
        let mut ending = session.ending();
        // Keeps an open stream's session alive under the ping watchdog.
        let beat = (self.lease / 2).max(Duration::from_millis(50));
        loop {
            let expires = *self.last_request.lock().unwrap_or_else(|e| e.into_inner()) + self.lease;
            let wake = expires.min(Instant::now() + beat);
            tokio::select! {
                _ = ending.changed() => break,
                _ = tokio::time::sleep_until(wake) => {}
            }
            if *ending.borrow() != Ending::Open {
                break;
            }
            if self.streams.load(Ordering::Acquire) > 0 {
                let _ = session.submit(Request::Ping).await;
                continue;
            }
            let expires = *self.last_request.lock().unwrap_or_else(|e| e.into_inner()) + self.lease;
            if Instant::now() >= expires {
                tracing::info!(
                    "REST client gone (no request for {:?} and no event stream): stopping its devices",
                    self.lease
                );
                self.end(&session, "lease expired").await;
                return;
            }
        }
        let reason = match *ending.borrow() {
            Ending::PingedOut => "ping timed out",
            Ending::ShutDown => "server shutting down",
            _ => "ended",
        };
        self.end(&session, reason).await;
    }

    /// Ends `session` if it is still the held one: devices stop, the slot frees.
    async fn end(&self, session: &Arc<Session>, reason: &'static str) {
        let mut held = self.held.lock().await;
        if held.as_ref().is_some_and(|h| Arc::ptr_eq(h, session)) {
            *held = None;
            drop(held);
            session.disconnect().await;
            // Its devices stopped, which ends their playbacks; any left stop here.
            self.playbacks.session_ended(session).await;
            self.publish(RestEvent::SessionEnded { reason });
        }
    }

    /// `PUT /release`: ends the REST session now. Returns whether there was one.
    pub async fn release(&self) -> bool {
        let session = self.held.lock().await.clone();
        match session {
            Some(s) => {
                self.end(&s, "released").await;
                true
            }
            None => false,
        }
    }
}
