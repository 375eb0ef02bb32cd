//! The Bluetooth LE hardware manager, on btleplug (BlueZ over D-Bus on Linux, CoreBluetooth,
//! WinRT).
//!
//! The adapter is looked up at the first scan, so a server without Bluetooth costs nothing
//! until a client scans, and a missing adapter or Bluetooth service is an error for this
//! manager only. While a client scans, every advertising peripheral is offered to the device
//! manager (again when what it advertises changes). A connected device whose link drops is
//! reported disconnected, and the manager keeps the adapter discovering until it is heard
//! again; it is then offered again and the device manager, which knows its address,
//! reconnects it with the same index.

mod advertisement;
mod device;

use std::collections::{HashMap, HashSet};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use async_trait::async_trait;
use btleplug::api::{
    Central as _, CentralEvent, CentralState, Manager as _, Peripheral as _, PeripheralProperties,
};
use btleplug::platform::{Adapter, Manager, Peripheral, PeripheralId};
use futures_util::{Stream, StreamExt};

use super::{
    DiscoveredDevice, HardwareError, HardwareInfo, HardwareManager, ManagerEvent, ManagerSink,
};
use device::{BleConnector, BleDevice, btle_error};

use crate::poison::lock;

fn unavailable(why: impl Into<String>) -> HardwareError {
    HardwareError::Unavailable("Bluetooth LE", why.into())
}

#[derive(Default)]
struct State {
    /// A client asked to scan.
    user_scan: bool,
    /// The adapter is discovering (for a client's scan or for devices that dropped out).
    discovering: bool,
    /// What was offered during the current scan, to offer again only on change.
    offered: HashMap<String, HardwareInfo>,
    /// Connected devices by peripheral.
    links: HashMap<PeripheralId, Weak<BleDevice>>,
    /// Addresses of devices whose link dropped, listened for until they come back.
    awaiting: HashSet<String>,
}

struct Inner {
    me: Weak<Inner>,
    sink: OnceLock<ManagerSink>,
    /// Found at the first scan; the lock also orders discovery start/stop calls.
    adapter: tokio::sync::Mutex<Option<Adapter>>,
    state: Mutex<State>,
    event_loop: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// Finds and connects Bluetooth LE devices.
pub struct BluetoothLeManager {
    inner: Arc<Inner>,
}

impl BluetoothLeManager {
    pub fn new() -> Arc<BluetoothLeManager> {
        Arc::new(BluetoothLeManager {
            inner: Arc::new_cyclic(|me| Inner {
                me: me.clone(),
                sink: OnceLock::new(),
                adapter: tokio::sync::Mutex::new(None),
                state: Mutex::new(State::default()),
                event_loop: Mutex::new(None),
            }),
        })
    }
}

impl Drop for BluetoothLeManager {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.inner.event_loop).take() {
            task.abort();
        }
        let discovering = lock(&self.inner.state).discovering;
        let adapter = self.inner.adapter.try_lock().ok().and_then(|a| a.clone());
        if let (true, Some(adapter), Ok(runtime)) =
            (discovering, adapter, tokio::runtime::Handle::try_current())
        {
            runtime.spawn(async move {
                let _ = adapter.stop_scan().await;
            });
        }
    }
}

type CentralEvents = Pin<Box<dyn Stream<Item = CentralEvent> + Send>>;

impl Inner {
    /// The first adapter, looked up (and its events followed) on first use.
    async fn adapter(&self) -> Result<Adapter, HardwareError> {
        let mut slot = self.adapter.lock().await;
        if let Some(adapter) = slot.as_ref() {
            return Ok(adapter.clone());
        }
        let manager = Manager::new()
            .await
            .map_err(|e| unavailable(format!("cannot reach the Bluetooth service: {e}")))?;
        let adapter = manager
            .adapters()
            .await
            .map_err(|e| unavailable(format!("cannot list Bluetooth adapters: {e}")))?
            .into_iter()
            .next()
            .ok_or_else(|| unavailable("no Bluetooth adapter found"))?;
        let events = adapter.events().await.map_err(btle_error)?;
        tracing::info!(
            "Bluetooth LE adapter: {}",
            adapter.adapter_info().await.unwrap_or_default()
        );
        *lock(&self.event_loop) = Some(tokio::spawn(event_loop(
            self.me.clone(),
            adapter.clone(),
            events,
        )));
        *slot = Some(adapter.clone());
        Ok(adapter)
    }

    /// Starts or stops discovery to match what is wanted: a client's scan or devices to
    /// wait for.
    async fn sync_discovery(&self) -> Result<(), HardwareError> {
        let slot = self.adapter.lock().await;
        let Some(adapter) = slot.as_ref() else {
            return Ok(());
        };
        let (wanted, on) = {
            let s = lock(&self.state);
            (s.user_scan || !s.awaiting.is_empty(), s.discovering)
        };
        if wanted == on {
            return Ok(());
        }
        if wanted {
            adapter
                .start_scan(btleplug::api::ScanFilter::default())
                .await
                .map_err(btle_error)?;
        } else if let Err(e) = adapter.stop_scan().await {
            tracing::debug!("stopping Bluetooth LE discovery: {e}");
        }
        lock(&self.state).discovering = wanted;
        Ok(())
    }

    fn sync_discovery_later(&self) {
        let Some(me) = self.me.upgrade() else { return };
        tokio::spawn(async move {
            if let Err(e) = me.sync_discovery().await {
                tracing::warn!("Bluetooth LE discovery: {e}");
            }
        });
    }

    /// A peripheral advertised: see whether to offer it.
    async fn on_advertisement(&self, adapter: &Adapter, id: PeripheralId) {
        if self.is_linked(&id) {
            return;
        }
        let Ok(peripheral) = adapter.peripheral(&id).await else {
            return;
        };
        let Ok(Some(properties)) = peripheral.properties().await else {
            return;
        };
        self.offer(peripheral, &properties);
    }

    /// Offers an advertising peripheral when a client scans (and it is new or changed) or
    /// when it is a device that dropped out.
    fn offer(&self, peripheral: Peripheral, properties: &PeripheralProperties) {
        let Some(info) = advertisement::hardware_info(properties) else {
            return;
        };
        {
            let mut s = lock(&self.state);
            let offer = if s.user_scan {
                s.offered.get(&info.address) != Some(&info)
            } else {
                s.awaiting.contains(&info.address)
            };
            if !offer {
                return;
            }
            if s.user_scan {
                s.offered.insert(info.address.clone(), info.clone());
            }
        }
        let Some(sink) = self.sink.get() else { return };
        tracing::debug!("Bluetooth LE: offering {} ({})", info.name, info.address);
        sink.send(ManagerEvent::Found(DiscoveredDevice {
            connector: Box::new(BleConnector {
                peripheral,
                name: info.name.clone(),
                address: info.address.clone(),
                manager: self.me.clone(),
            }),
            info,
        }));
    }

    fn is_linked(&self, id: &PeripheralId) -> bool {
        lock(&self.state)
            .links
            .get(id)
            .is_some_and(|d| d.strong_count() > 0)
    }

    fn on_disconnected(&self, id: &PeripheralId) {
        let device = lock(&self.state).links.get(id).and_then(Weak::upgrade);
        if let Some(device) = device {
            device.lost();
        }
    }

    /// A device connected.
    fn linked(&self, device: &Arc<BleDevice>) {
        {
            let mut s = lock(&self.state);
            s.links
                .insert(device.peripheral_id(), Arc::downgrade(device));
            s.awaiting.remove(device.address_text());
        }
        self.sync_discovery_later();
    }

    /// Connecting failed: the device is offered again when it next advertises.
    fn connect_failed(&self, address: &str) {
        lock(&self.state).offered.remove(address);
    }

    /// A device's link ended; `await_return` when it dropped rather than was let go (a
    /// device let go, say after a failed identification, is offered again when it next
    /// advertises during a scan).
    fn unlinked(&self, id: &PeripheralId, address: &str, await_return: bool) {
        {
            let mut s = lock(&self.state);
            s.links.remove(id);
            if await_return {
                s.awaiting.insert(address.to_string());
            } else {
                s.offered.remove(address);
            }
        }
        if await_return {
            self.sync_discovery_later();
        }
    }
}

async fn event_loop(inner: Weak<Inner>, adapter: Adapter, mut events: CentralEvents) {
    while let Some(event) = events.next().await {
        let Some(inner) = inner.upgrade() else { return };
        match event {
            CentralEvent::DeviceDisconnected(id) => inner.on_disconnected(&id),
            CentralEvent::DeviceDiscovered(id)
            | CentralEvent::DeviceUpdated(id)
            | CentralEvent::RssiUpdate { id, .. }
            | CentralEvent::ServicesAdvertisement { id, .. }
            | CentralEvent::ManufacturerDataAdvertisement { id, .. }
            | CentralEvent::ServiceDataAdvertisement { id, .. } => {
                inner.on_advertisement(&adapter, id).await
            }
            CentralEvent::StateUpdate(state) => {
                tracing::info!("Bluetooth adapter state: {state:?}")
            }
            _ => {}
        }
    }
    tracing::warn!("Bluetooth LE events ended: the Bluetooth service went away");
}

#[async_trait]
impl HardwareManager for BluetoothLeManager {
    fn name(&self) -> &'static str {
        "bluetooth-le"
    }

    fn attach(&self, sink: ManagerSink) {
        let _ = self.inner.sink.set(sink);
    }

    async fn start_scanning(&self) -> Result<(), HardwareError> {
        let adapter = self.inner.adapter().await?;
        if adapter.adapter_state().await.ok() == Some(CentralState::PoweredOff) {
            return Err(unavailable("the Bluetooth adapter is switched off"));
        }
        {
            let mut s = lock(&self.inner.state);
            s.user_scan = true;
            s.offered.clear();
        }
        if let Err(e) = self.inner.sync_discovery().await {
            lock(&self.inner.state).user_scan = false;
            return Err(e);
        }
        // Peripherals the Bluetooth service heard recently (they carry a signal strength)
        // will not necessarily advertise anew.
        for peripheral in adapter.peripherals().await.unwrap_or_default() {
            if self.inner.is_linked(&peripheral.id()) {
                continue;
            }
            if let Ok(Some(properties)) = peripheral.properties().await {
                if properties.rssi.is_some() {
                    self.inner.offer(peripheral, &properties);
                }
            }
        }
        Ok(())
    }

    async fn stop_scanning(&self) -> Result<(), HardwareError> {
        lock(&self.inner.state).user_scan = false;
        let result = self.inner.sync_discovery().await;
        if let Some(sink) = self.inner.sink.get() {
            sink.send(ManagerEvent::ScanningFinished);
        }
        result
    }
}
