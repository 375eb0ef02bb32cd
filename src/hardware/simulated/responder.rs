//! How a simulated toy answers: protocols that need the toy to talk back (identification,
//! battery) provide a responder so a simulated device behaves like the real one.

use crate::hardware::Endpoint;

/// The toy's side of a protocol.
pub trait SimulatedResponder: Send {
    /// Called for every write; returns notifications the toy sends in answer
    /// (delivered only on subscribed endpoints, as on real hardware).
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)>;

    /// Called when the host subscribes to an endpoint; returns notifications the toy sends
    /// straight away (toys that announce their state on subscription).
    fn on_subscribe(&mut self, _endpoint: Endpoint) -> Vec<(Endpoint, Vec<u8>)> {
        Vec::new()
    }

    /// Answers a read that no scripted read covers; `None` makes the read time out.
    fn on_read(&mut self, _endpoint: Endpoint) -> Option<Vec<u8>> {
        None
    }
}
