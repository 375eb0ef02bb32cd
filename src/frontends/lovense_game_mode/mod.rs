//! Lovense Game Mode (the local "Standard API" of the Lovense Remote app): games that speak
//! only Lovense drive any toy plugwire has. An HTTP server (`POST /command`) whose commands
//! run through one in-process session of the server. The protocol's facts and plugwire's
//! choices are in docs/lovense-game-mode.md.
//!
//! - `request`: the JSON a game sends, checked, with the protocol's error codes.
//! - `toys`: devices as toys (ids, names, functions) and levels as steps.
//! - `scheduler`: timed actions, loops and patterns as jobs that keep time.
//! - `controller`: the session, the jobs and the answers.
//! - `http`: the HTTP server.

mod controller;
mod http;
pub mod request;
pub mod scheduler;
pub mod toys;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::server::ButtplugServer;
use controller::Controller;

/// The Lovense Remote app's plain HTTP port.
pub const DEFAULT_PORT: u16 = 20010;
/// How long Game Mode keeps the client slot after the game's last command when nothing runs.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(10);

/// Settings of the front end.
#[derive(Clone, Debug)]
pub struct GameModeOptions {
    /// See [`DEFAULT_IDLE`].
    pub idle: Duration,
}

impl Default for GameModeOptions {
    fn default() -> Self {
        GameModeOptions { idle: DEFAULT_IDLE }
    }
}

/// A running Game Mode front end.
pub struct LovenseGameMode {
    controller: Arc<Controller>,
    address: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl LovenseGameMode {
    /// Listens on `address` and serves Game Mode for `server`'s devices; starts a scan so
    /// toys connect before a game asks for them.
    pub async fn start(
        server: Arc<ButtplugServer>,
        address: SocketAddr,
        options: GameModeOptions,
    ) -> std::io::Result<LovenseGameMode> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let controller = Controller::new(server, options.idle);
        let (stop, stopped) = watch::channel(false);
        let mut tasks = vec![tokio::spawn(http::serve(
            listener,
            controller.clone(),
            stopped.clone(),
        ))];
        let weak = Arc::downgrade(&controller);
        tasks.push(tokio::spawn(async move {
            if let Some(c) = weak.upgrade() {
                c.scan_without_session().await;
            }
            let mut ticker = tokio::time::interval(Duration::from_millis(250));
            loop {
                ticker.tick().await;
                let Some(c) = weak.upgrade() else { return };
                c.release_if_idle().await;
            }
        }));
        Ok(LovenseGameMode {
            controller,
            address,
            stop,
            tasks,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Stops serving: no further command is taken, every job ends, and the client slot is
    /// given back (stopping the toys Game Mode drove). Call it before shutting the server
    /// down.
    pub async fn shutdown(&self) {
        let _ = self.stop.send(true);
        self.controller.close().await;
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Drop for LovenseGameMode {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for t in &self.tasks {
            t.abort();
        }
    }
}
