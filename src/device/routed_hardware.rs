//! The hardware as a protocol sees it outside the device task (input reads): its writes
//! and subscriptions go through the device's mailbox, so they keep the device's order,
//! gap and timeouts like every other write; reads and events go straight to the device.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::broadcast;

use crate::device::error::DeviceError;
use crate::device::mailbox::Mailbox;
use crate::device::protocol::HardwareCommand;
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

pub(crate) struct RoutedHardware {
    pub hw: Arc<dyn HardwareDevice>,
    pub mailbox: Arc<Mailbox>,
    pub timeout: Duration,
}

impl RoutedHardware {
    async fn through_task(&self, command: HardwareCommand) -> Result<(), HardwareError> {
        let completion = self
            .mailbox
            .submit_hardware(command)
            .map_err(hardware_error)?;
        completion.wait().await.map_err(hardware_error)
    }
}

fn hardware_error(e: DeviceError) -> HardwareError {
    match e {
        DeviceError::Hardware(h) => h,
        DeviceError::Removed => HardwareError::Disconnected,
        other => HardwareError::Other(other.to_string()),
    }
}

#[async_trait]
impl HardwareDevice for RoutedHardware {
    fn name(&self) -> &str {
        self.hw.name()
    }

    fn address(&self) -> &str {
        self.hw.address()
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        self.hw.endpoints()
    }

    async fn write(
        &self,
        endpoint: Endpoint,
        data: &[u8],
        with_response: bool,
    ) -> Result<(), HardwareError> {
        self.through_task(HardwareCommand::write(endpoint, data, with_response))
            .await
    }

    async fn read(&self, endpoint: Endpoint, timeout: Duration) -> Result<Vec<u8>, HardwareError> {
        let bound = timeout.min(self.timeout);
        tokio::time::timeout(bound, self.hw.read(endpoint, bound))
            .await
            .map_err(|_| HardwareError::Timeout)?
    }

    async fn subscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        self.through_task(HardwareCommand::Subscribe(endpoint))
            .await
    }

    async fn unsubscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        self.through_task(HardwareCommand::Unsubscribe(endpoint))
            .await
    }

    fn events(&self) -> broadcast::Receiver<HardwareEvent> {
        self.hw.events()
    }

    async fn disconnect(&self) {
        // A protocol's read never ends the link; the device task owns it.
    }
}
