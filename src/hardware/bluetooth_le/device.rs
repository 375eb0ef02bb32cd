//! A connected Bluetooth LE peripheral: the configuration's named endpoints mapped to the
//! characteristics the device really has, writes, reads and notifications.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;
use btleplug::api::{CharPropFlags, Characteristic, Peripheral as _, WriteType};
use btleplug::platform::Peripheral;
use futures_util::StreamExt;
use tokio::sync::broadcast;

use super::Inner;
use crate::device::config::{BtleSpecifier, Communication};
use crate::hardware::{
    ConnectRequest, Endpoint, HardwareConnector, HardwareDevice, HardwareError, HardwareEvent,
};

/// How long connecting (and resolving services) may take before it counts as failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

pub(super) fn btle_error(e: btleplug::Error) -> HardwareError {
    match e {
        btleplug::Error::NotConnected => HardwareError::Disconnected,
        btleplug::Error::TimedOut(_) => HardwareError::Timeout,
        other => HardwareError::Other(other.to_string()),
    }
}

/// The configuration's endpoints that exist on the device: every (service, characteristic)
/// pair the specifier names and the device offers. Services a model lacks are skipped, as
/// models of one family differ.
fn map_endpoints(
    spec: &BtleSpecifier,
    peripheral: &Peripheral,
) -> BTreeMap<Endpoint, Characteristic> {
    let services = peripheral.services();
    let mut endpoints = BTreeMap::new();
    for (service_uuid, chars) in &spec.services {
        let Some(service) = services
            .iter()
            .find(|s| s.uuid.to_string().eq_ignore_ascii_case(service_uuid))
        else {
            continue;
        };
        for (endpoint_name, char_uuid) in chars {
            let Some(endpoint) = Endpoint::from_name(endpoint_name) else {
                tracing::debug!("unknown endpoint name {endpoint_name} in the configuration");
                continue;
            };
            if let Some(c) = service
                .characteristics
                .iter()
                .find(|c| c.uuid.to_string().eq_ignore_ascii_case(char_uuid))
            {
                endpoints.insert(endpoint, c.clone());
            }
        }
    }
    endpoints
}

/// Connects one peripheral the manager found.
pub(super) struct BleConnector {
    pub(super) peripheral: Peripheral,
    pub(super) name: String,
    pub(super) address: String,
    pub(super) manager: Weak<Inner>,
}

#[async_trait]
impl HardwareConnector for BleConnector {
    async fn connect(
        &self,
        request: ConnectRequest<'_>,
    ) -> Result<Arc<dyn HardwareDevice>, HardwareError> {
        let Communication::Btle(spec) = request.communication else {
            return Err(HardwareError::Other(format!(
                "{} is not a Bluetooth LE protocol",
                request.protocol.name
            )));
        };
        let peripheral = &self.peripheral;
        let link = async {
            if !peripheral.is_connected().await.map_err(btle_error)? {
                peripheral.connect().await.map_err(btle_error)?;
            }
            peripheral.discover_services().await.map_err(btle_error)
        };
        let linked = tokio::time::timeout(CONNECT_TIMEOUT, link)
            .await
            .map_err(|_| HardwareError::Timeout)
            .and_then(|r| r);
        let endpoints = linked.and_then(|()| {
            let endpoints = map_endpoints(spec, peripheral);
            if endpoints.is_empty() {
                return Err(HardwareError::Other(format!(
                    "{} ({}) has none of the services its configuration names",
                    self.name, self.address
                )));
            }
            Ok(endpoints)
        });
        let endpoints = match endpoints {
            Ok(endpoints) => endpoints,
            Err(e) => {
                // Also cancels a connection attempt still pending in the Bluetooth service.
                let _ = peripheral.disconnect().await;
                if let Some(manager) = self.manager.upgrade() {
                    manager.connect_failed(&self.address);
                }
                return Err(e);
            }
        };
        let notifications = peripheral.notifications().await.map_err(btle_error)?;
        let (events, _) = broadcast::channel(256);
        let connected = Arc::new(AtomicBool::new(true));
        let routes: Vec<(Endpoint, Characteristic)> =
            endpoints.iter().map(|(e, c)| (*e, c.clone())).collect();
        let notify_events = events.clone();
        let notify_task = tokio::spawn(async move {
            let mut notifications = notifications;
            while let Some(n) = notifications.next().await {
                let endpoint = routes
                    .iter()
                    .find(|(_, c)| c.uuid == n.uuid && c.service_uuid == n.service_uuid)
                    .map(|(e, _)| *e);
                if let Some(endpoint) = endpoint {
                    let _ = notify_events.send(HardwareEvent::Notification {
                        endpoint,
                        data: n.value,
                    });
                }
            }
        });
        let device = Arc::new(BleDevice {
            name: self.name.clone(),
            address: self.address.clone(),
            peripheral: peripheral.clone(),
            endpoints,
            events,
            connected,
            manager: self.manager.clone(),
            notify_task,
        });
        if let Some(manager) = self.manager.upgrade() {
            manager.linked(&device);
        }
        // A link lost while the services were being mapped would have gone unseen.
        if !peripheral.is_connected().await.unwrap_or(false) {
            device.lost();
        }
        Ok(device)
    }
}

pub(super) struct BleDevice {
    name: String,
    address: String,
    peripheral: Peripheral,
    endpoints: BTreeMap<Endpoint, Characteristic>,
    events: broadcast::Sender<HardwareEvent>,
    connected: Arc<AtomicBool>,
    manager: Weak<Inner>,
    notify_task: tokio::task::JoinHandle<()>,
}

impl Drop for BleDevice {
    fn drop(&mut self) {
        self.notify_task.abort();
    }
}

impl BleDevice {
    pub(super) fn peripheral_id(&self) -> btleplug::platform::PeripheralId {
        self.peripheral.id()
    }

    pub(super) fn address_text(&self) -> &str {
        &self.address
    }

    /// The link dropped (out of range, switched off): tell the device's users once.
    pub(super) fn lost(&self) {
        if self.end_link(true) {
            tracing::info!(
                "Bluetooth LE device {} ({}) disconnected",
                self.name,
                self.address
            );
        }
    }

    /// Marks the link ended, once: the manager forgets it (and waits for the device when
    /// it `dropped` rather than was let go) and the device's users hear of it. False when
    /// it had already ended.
    fn end_link(&self, dropped: bool) -> bool {
        if !self.connected.swap(false, Ordering::AcqRel) {
            return false;
        }
        if let Some(manager) = self.manager.upgrade() {
            manager.unlinked(&self.peripheral.id(), &self.address, dropped);
        }
        let _ = self.events.send(HardwareEvent::Disconnected);
        true
    }

    fn characteristic(&self, endpoint: Endpoint) -> Result<&Characteristic, HardwareError> {
        if !self.connected.load(Ordering::Acquire) {
            return Err(HardwareError::Disconnected);
        }
        self.endpoints
            .get(&endpoint)
            .ok_or(HardwareError::NoEndpoint(endpoint))
    }
}

/// The write type to use: what the protocol asked for when the characteristic allows it,
/// otherwise the one it does allow.
fn write_type(flags: CharPropFlags, with_response: bool) -> WriteType {
    let can_request = flags.contains(CharPropFlags::WRITE);
    let can_command = flags.contains(CharPropFlags::WRITE_WITHOUT_RESPONSE);
    match (with_response, can_request, can_command) {
        (true, false, true) => WriteType::WithoutResponse,
        (false, true, false) => WriteType::WithResponse,
        (true, _, _) => WriteType::WithResponse,
        (false, _, _) => WriteType::WithoutResponse,
    }
}

#[async_trait]
impl HardwareDevice for BleDevice {
    fn name(&self) -> &str {
        &self.name
    }

    fn address(&self) -> &str {
        &self.address
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        self.endpoints.keys().copied().collect()
    }

    async fn write(
        &self,
        endpoint: Endpoint,
        data: &[u8],
        with_response: bool,
    ) -> Result<(), HardwareError> {
        let c = self.characteristic(endpoint)?;
        self.peripheral
            .write(c, data, write_type(c.properties, with_response))
            .await
            .map_err(btle_error)
    }

    async fn read(&self, endpoint: Endpoint, timeout: Duration) -> Result<Vec<u8>, HardwareError> {
        let c = self.characteristic(endpoint)?;
        tokio::time::timeout(timeout, self.peripheral.read(c))
            .await
            .map_err(|_| HardwareError::Timeout)?
            .map_err(btle_error)
    }

    async fn subscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        let c = self.characteristic(endpoint)?;
        self.peripheral.subscribe(c).await.map_err(btle_error)
    }

    async fn unsubscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        let c = self.characteristic(endpoint)?;
        self.peripheral.unsubscribe(c).await.map_err(btle_error)
    }

    fn events(&self) -> broadcast::Receiver<HardwareEvent> {
        self.events.subscribe()
    }

    async fn disconnect(&self) {
        // Asked for: not a device to wait for.
        if !self.end_link(false) {
            return;
        }
        if let Err(e) = self.peripheral.disconnect().await {
            tracing::debug!("disconnecting {}: {e}", self.address);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_type_follows_what_the_characteristic_allows() {
        let both = CharPropFlags::WRITE | CharPropFlags::WRITE_WITHOUT_RESPONSE;
        assert_eq!(write_type(both, true), WriteType::WithResponse);
        assert_eq!(write_type(both, false), WriteType::WithoutResponse);
        assert_eq!(
            write_type(CharPropFlags::WRITE_WITHOUT_RESPONSE, true),
            WriteType::WithoutResponse
        );
        assert_eq!(
            write_type(CharPropFlags::WRITE, false),
            WriteType::WithResponse
        );
        // Flags that say nothing: do as asked.
        assert_eq!(
            write_type(CharPropFlags::empty(), true),
            WriteType::WithResponse
        );
    }
}
