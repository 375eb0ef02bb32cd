//! The websocket connector against a server that stops reading: the frames it holds for
//! the socket are bounded of their own, not only by the replies owed.

use std::time::Duration;

use futures_util::FutureExt;
use plugwire::client::{Connector, MAX_PENDING_REQUESTS, WebsocketConnector};
use plugwire::spec::{Request, SpecVersion};
use tokio::net::TcpListener;

/// A request whose frame is about 1 KB, so the socket's buffers fill well before the
/// bound does.
fn big_request() -> Request {
    Request::RequestServerInfo {
        client_name: "x".repeat(1000),
        version: SpecVersion::V4,
    }
}

/// Submits `n` requests, each reply awaited on its own task; returns the refusals (a
/// refused request's future is ready at once).
async fn submit(connector: &WebsocketConnector, n: usize) -> Vec<String> {
    let mut refusals = Vec::new();
    for _ in 0..n {
        let mut reply = connector.submit(big_request());
        match (&mut reply).now_or_never() {
            Some(Err(e)) => refusals.push(e.message),
            _ => {
                tokio::spawn(reply);
            }
        }
    }
    refusals
}

// Paused time: the 30 s reply timeouts pass as soon as the runtime has nothing else to do.
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn frames_for_a_server_that_stops_reading_are_bounded() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        // The handshake, then nothing is read again.
        tokio_tungstenite::accept_async(tcp).await.unwrap()
    });
    let connector = WebsocketConnector::connect(&url).await.unwrap();
    let _held = server.await.unwrap();

    // Replies owed fill up first...
    let owed = MAX_PENDING_REQUESTS;
    let refusals = submit(&connector, owed).await;
    assert!(refusals.is_empty(), "{:?}", refusals.first());
    let refusals = submit(&connector, 1).await;
    assert!(
        refusals[0].contains("waiting for the server's replies"),
        "{refusals:?}"
    );
    // ...and once their replies have timed out (leaving the frames still queued), the
    // queue itself is the bound: without it, it would grow by as many again every 30 s.
    tokio::time::sleep(Duration::from_secs(31)).await;
    let refusals = submit(&connector, owed).await;
    assert!(
        !refusals.is_empty(),
        "{owed} more frames queued for a server that is not reading"
    );
    assert!(
        refusals[0].contains("frames are already waiting to be written: the server is not reading"),
        "{:?}",
        refusals[0]
    );
}
