//! Following a connection's events, and re-establishing a dropped websocket connection
//! with backoff when the application asked for it.
//!
//! Safety: while the link is down every request fails at once with
//! [`ClientError::Reconnecting`]; nothing is queued, and nothing sent before the drop is
//! replayed on the new connection (the server stopped every device when the old session
//! ended). After a reconnect the device list is fetched again and the client's list
//! brought in line with it before [`ClientEvent::Reconnected`] is sent. The new server's
//! `MaxPingTime` replaces the old one's, and the ping follows it: pinging starts, changes
//! rate or (with the default [`super::PingPolicy::FromServer`] and a server asking for
//! none) stops.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::mpsc;

use super::{ClientEvent, ClientInner, Connector, ConnectorEvent, handshake};

/// Opens a new connection to the same server.
pub(crate) type Dial = Arc<
    dyn Fn() -> Pin<Box<dyn Future<Output = Result<Arc<dyn Connector>, String>> + Send>>
        + Send
        + Sync,
>;

/// How a dropped websocket connection is re-established: attempts `initial_delay` after
/// the drop, then at doubling delays up to `max_delay`, `max_attempts` times at most
/// (`None`: until the application disconnects or drops the client).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconnectPolicy {
    pub initial_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: Option<u32>,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_attempts: None,
        }
    }
}

impl ReconnectPolicy {
    /// The delay before attempt `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.initial_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay.max(self.initial_delay))
    }
}

/// What a client needs to reconnect.
pub(crate) struct Redial {
    pub(crate) policy: ReconnectPolicy,
    pub(crate) dial: Dial,
    pub(crate) client_name: String,
}

/// Hands the connection's events to the client until it ends; then, with a `redial`,
/// reconnects and goes on with the new connection's events.
pub(crate) async fn follow_events(
    weak: Weak<ClientInner>,
    mut events: mpsc::Receiver<ConnectorEvent>,
    redial: Option<Redial>,
) {
    loop {
        while let Some(event) = events.recv().await {
            let Some(inner) = weak.upgrade() else { return };
            match event {
                ConnectorEvent::Server(e) => super::handle_server_event(&inner, e),
                ConnectorEvent::Disconnected => break,
            }
        }
        let Some(inner) = weak.upgrade() else { return };
        // Playbacks end before anything else learns the link is gone (after the client's
        // own disconnect they have ended already).
        inner.end_all_claims(crate::device::ClaimEnd::ConnectionLost);
        let Some(redial) = &redial else {
            inner.mark_disconnected();
            return;
        };
        {
            let _link = inner.link.lock().unwrap_or_else(|e| e.into_inner());
            if inner.closing.load(Ordering::Acquire) || !inner.connected.load(Ordering::Acquire) {
                drop(_link);
                inner.mark_disconnected();
                return;
            }
            inner.reconnecting.store(true, Ordering::Release);
            inner.connected.store(false, Ordering::Release);
        }
        tracing::info!("connection to the server lost; reconnecting");
        let _ = inner.events.send(ClientEvent::ConnectionLost);
        drop(inner);
        match reconnect(&weak, redial).await {
            Some(next) => events = next,
            None => {
                if let Some(inner) = weak.upgrade() {
                    inner.mark_disconnected();
                }
                return;
            }
        }
    }
}

/// Attempts to reconnect; on success the new connector is installed, the device list
/// re-synced and `Reconnected` sent, and the new connection's events are returned.
async fn reconnect(
    weak: &Weak<ClientInner>,
    redial: &Redial,
) -> Option<mpsc::Receiver<ConnectorEvent>> {
    let mut attempt = 0u32;
    loop {
        attempt = attempt.saturating_add(1);
        if redial.policy.max_attempts.is_some_and(|max| attempt > max) {
            tracing::warn!("giving up reconnecting after {} attempts", attempt - 1);
            return None;
        }
        tokio::time::sleep(redial.policy.delay(attempt)).await;
        if weak.upgrade()?.closing.load(Ordering::Acquire) {
            return None;
        }
        let connector = match (redial.dial)().await {
            Ok(c) => c,
            Err(e) => {
                tracing::info!("reconnect attempt {attempt} failed: {e}");
                continue;
            }
        };
        let Some(events) = connector.take_events() else {
            continue;
        };
        let (server_name, max_ping_time_ms) =
            match handshake(&*connector, &redial.client_name).await {
                Ok(info) => info,
                Err(e) => {
                    tracing::info!("reconnect attempt {attempt}: handshake failed: {e}");
                    connector.disconnect().await;
                    continue;
                }
            };
        let inner = weak.upgrade()?;
        {
            let _link = inner.link.lock().unwrap_or_else(|e| e.into_inner());
            if inner.closing.load(Ordering::Acquire) {
                drop(_link);
                connector.disconnect().await;
                return None;
            }
            *inner.connector.write().unwrap_or_else(|e| e.into_inner()) = connector;
            inner.set_server_info(server_name, max_ping_time_ms);
            inner.connected.store(true, Ordering::Release);
            inner.reconnecting.store(false, Ordering::Release);
        }
        tracing::info!("reconnected after {attempt} attempts");
        // Events of the new connection wait in `events` meanwhile; the list comes first.
        match inner.refresh_devices().await {
            Ok(devices) => {
                let _ = inner.events.send(ClientEvent::Reconnected {
                    attempts: attempt,
                    devices,
                });
            }
            // The new link dropped already: its events end with Disconnected, and the
            // loop reconnects again.
            Err(e) => tracing::info!("device list after reconnecting: {e}"),
        }
        return Some(events);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_the_cap() {
        let p = ReconnectPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_attempts: None,
        };
        let delays: Vec<u64> = (1..=6).map(|a| p.delay(a).as_millis() as u64).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.delay(u32::MAX), Duration::from_millis(1000));
    }
}
