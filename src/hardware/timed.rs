//! The hardware with a bound on every operation, for the steps that talk to a device
//! outside its device task (identification and initialisation while connecting).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::broadcast;

use super::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

pub(crate) struct TimedHardware {
    pub hw: Arc<dyn HardwareDevice>,
    pub timeout: Duration,
}

impl TimedHardware {
    async fn bounded<T>(
        &self,
        bound: Duration,
        op: impl std::future::Future<Output = Result<T, HardwareError>>,
    ) -> Result<T, HardwareError> {
        tokio::time::timeout(bound, op)
            .await
            .map_err(|_| HardwareError::Timeout)?
    }
}

#[async_trait]
impl HardwareDevice for TimedHardware {
    fn name(&self) -> &str {
        self.hw.name()
    }

    fn address(&self) -> &str {
        self.hw.address()
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        self.hw.endpoints()
    }

    fn is_connected(&self) -> bool {
        self.hw.is_connected()
    }

    async fn write(
        &self,
        endpoint: Endpoint,
        data: &[u8],
        with_response: bool,
    ) -> Result<(), HardwareError> {
        self.bounded(self.timeout, self.hw.write(endpoint, data, with_response))
            .await
    }

    /// A read waits as long as its caller asks, and never longer than that or the
    /// hardware bound, whichever is longer.
    async fn read(&self, endpoint: Endpoint, timeout: Duration) -> Result<Vec<u8>, HardwareError> {
        self.bounded(timeout.max(self.timeout), self.hw.read(endpoint, timeout))
            .await
    }

    async fn subscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        self.bounded(self.timeout, self.hw.subscribe(endpoint))
            .await
    }

    async fn unsubscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        self.bounded(self.timeout, self.hw.unsubscribe(endpoint))
            .await
    }

    fn events(&self) -> broadcast::Receiver<HardwareEvent> {
        self.hw.events()
    }

    async fn disconnect(&self) {
        if tokio::time::timeout(self.timeout, self.hw.disconnect())
            .await
            .is_err()
        {
            tracing::warn!("{}: disconnect timed out", self.hw.address());
        }
    }
}
