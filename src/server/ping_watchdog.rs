//! The ping watchdog: if the client does not ping within MaxPingTime, it fires once.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub struct PingWatchdog {
    pinged: Arc<Notify>,
    task: JoinHandle<()>,
}

impl PingWatchdog {
    /// Starts watching; `on_timeout` runs once if a whole `max_ping_time` passes unpinged.
    pub fn start<F>(max_ping_time: Duration, on_timeout: F) -> PingWatchdog
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let pinged = Arc::new(Notify::new());
        let watched = pinged.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = watched.notified() => continue,
                    _ = tokio::time::sleep(max_ping_time) => break,
                }
            }
            on_timeout.await;
        });
        PingWatchdog { pinged, task }
    }

    pub fn ping(&self) {
        self.pinged.notify_one();
    }
}

impl Drop for PingWatchdog {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[tokio::test(start_paused = true)]
    async fn fires_only_without_pings() {
        let fired = Arc::new(AtomicBool::new(false));
        let f = fired.clone();
        let dog = PingWatchdog::start(Duration::from_millis(100), async move {
            f.store(true, Ordering::SeqCst);
        });
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(60)).await;
            dog.ping();
        }
        assert!(!fired.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(fired.load(Ordering::SeqCst));
    }
}
