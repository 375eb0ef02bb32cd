//! The device manager: turns what hardware managers find into connected devices with stable
//! indices, tracks scanning, and reports devices coming and going.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc};

use crate::device::config::{DeviceConfigDb, UserConfig, find_protocol};
use crate::device::device_task::TASK_EVENT_LIMIT;
use crate::device::protocols::ProtocolRegistry;
use crate::device::{Completion, DeviceError, NewDevice};
use crate::device::{DeviceTaskEvent, ServerDevice};
use crate::hardware::{
    ConnectRequest, DiscoveredDevice, HardwareIdentity, HardwareManager, ManagerEvent, ManagerSink,
};
use crate::spec::ButtplugError;
use crate::spec::message::{DeviceInfo, OutputCommand, ServerEvent};

use super::mapping::{Mapping, OutputMap, Submitted};

/// Gap between writes for devices whose configuration names none, as for BLE toys.
pub const DEFAULT_MESSAGE_GAP_MS: u32 = 75;

#[derive(Default)]
struct ScanState {
    active: bool,
    finished: HashSet<&'static str>,
    /// Connections started by a scan and not yet done, per manager.
    connecting: HashMap<&'static str, usize>,
}

#[derive(Default)]
struct Indices {
    by_address: HashMap<String, u32>,
    reserved: HashMap<u32, String>,
}

struct Inner {
    config: DeviceConfigDb,
    user: UserConfig,
    protocols: ProtocolRegistry,
    managers: Vec<Arc<dyn HardwareManager>>,
    devices: RwLock<BTreeMap<u32, Arc<ServerDevice>>>,
    indices: Mutex<Indices>,
    /// Addresses being connected right now, so a device found twice connects once.
    in_flight: Mutex<HashSet<String>>,
    scan: Mutex<ScanState>,
    events: broadcast::Sender<ServerEvent>,
    task_events: mpsc::Sender<DeviceTaskEvent>,
    default_gap_ms: u32,
    hw_timeout: Duration,
    /// Output mapping and groups: how clients see devices, and the one way outputs and
    /// stops reach them.
    mapping: Mapping,
}

/// Shared handle to the device manager.
#[derive(Clone)]
pub struct DeviceManager {
    inner: Arc<Inner>,
}

use crate::poison::lock;

impl DeviceManager {
    pub(crate) fn start(
        config: DeviceConfigDb,
        user: UserConfig,
        protocols: ProtocolRegistry,
        managers: Vec<Arc<dyn HardwareManager>>,
        default_gap_ms: u32,
        hw_timeout: Duration,
        output_map: OutputMap,
    ) -> DeviceManager {
        let mapping = Mapping::new(output_map);
        let (events, _) = broadcast::channel(1024);
        let (manager_tx, manager_rx) = mpsc::unbounded_channel();
        let (task_tx, task_rx) = mpsc::channel(TASK_EVENT_LIMIT);
        let mut indices = Indices::default();
        for (index, address) in user.reserved_indices() {
            indices.reserved.insert(index, address.to_string());
            indices.by_address.insert(address.to_string(), index);
        }
        // Group indices are taken: no real device gets one.
        for index in mapping.group_indices() {
            indices.reserved.insert(index, format!("group:{index}"));
        }
        for m in &managers {
            m.attach(ManagerSink::new(m.name(), manager_tx.clone()));
        }
        let manager = DeviceManager {
            inner: Arc::new(Inner {
                config,
                user,
                protocols,
                managers,
                devices: RwLock::new(BTreeMap::new()),
                indices: Mutex::new(indices),
                in_flight: Mutex::new(HashSet::new()),
                scan: Mutex::new(ScanState::default()),
                events,
                task_events: task_tx,
                default_gap_ms,
                hw_timeout,
                mapping,
            }),
        };
        // The loop holds only a weak reference so dropping the server ends it.
        tokio::spawn(event_loop(
            Arc::downgrade(&manager.inner),
            manager_rx,
            task_rx,
        ));
        manager
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ServerEvent> {
        self.inner.events.subscribe()
    }

    pub fn config(&self) -> &DeviceConfigDb {
        &self.inner.config
    }

    pub fn device(&self, index: u32) -> Option<Arc<ServerDevice>> {
        self.inner
            .devices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&index)
            .cloned()
    }

    pub fn devices(&self) -> Vec<Arc<ServerDevice>> {
        self.inner
            .devices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Whether any device was last commanded to run ([`ServerDevice::is_running`]).
    pub fn any_device_running(&self) -> bool {
        self.devices().iter().any(|d| d.is_running()) || self.inner.mapping.any_timer_active()
    }

    /// Every device (and group) as clients see it: mapped features included.
    pub fn device_infos(&self) -> Vec<DeviceInfo> {
        self.inner.mapping.present_all(&self.devices())
    }

    /// One device or group as clients see it.
    pub fn device_info(&self, index: u32) -> Option<DeviceInfo> {
        self.inner.mapping.present_one(index, self.device(index))
    }

    /// Submits one message's outputs to a device or group, through the output mapping
    /// (one batch per real device); await the completions for the writes.
    pub fn submit_outputs(
        &self,
        index: u32,
        commands: &[(u32, OutputCommand)],
    ) -> Result<Submitted, ButtplugError> {
        self.inner
            .mapping
            .submit_outputs(index, self.device(index), commands, || self.devices())
    }

    /// Submits a stop of one device or group (one feature or all), through the output
    /// mapping: timed writers it covers end first.
    pub fn submit_stop(
        &self,
        index: u32,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
    ) -> Result<Submitted, ButtplugError> {
        self.inner
            .mapping
            .submit_stop(index, self.device(index), feature, outputs, inputs, || {
                self.devices()
            })
    }

    pub fn is_scanning(&self) -> bool {
        lock(&self.inner.scan).active
    }

    /// Starts every manager scanning. ScanningFinished follows once each manager has
    /// finished and the devices it found have connected (or failed to).
    pub async fn start_scanning(&self) -> Result<(), ButtplugError> {
        if self.inner.managers.is_empty() {
            return Err(ButtplugError::unknown(
                "no hardware managers are enabled on this server",
            ));
        }
        {
            let mut scan = lock(&self.inner.scan);
            if scan.active {
                return Ok(());
            }
            scan.active = true;
            scan.finished.clear();
        }
        let mut failed = Vec::new();
        for m in &self.inner.managers {
            if let Err(e) = m.start_scanning().await {
                tracing::warn!("{} cannot scan: {e}", m.name());
                failed.push((m.name(), e));
            }
        }
        // A manager that cannot scan (no Bluetooth adapter, say) does not hold up the
        // others; only when none can scan does the client get the reasons.
        if failed.len() == self.inner.managers.len() {
            lock(&self.inner.scan).active = false;
            let reasons: Vec<String> = failed.iter().map(|(_, e)| e.to_string()).collect();
            return Err(ButtplugError::device(format!(
                "cannot scan: {}",
                reasons.join("; ")
            )));
        }
        for (name, _) in failed {
            self.inner.manager_finished(name);
        }
        Ok(())
    }

    pub async fn stop_scanning(&self) -> Result<(), ButtplugError> {
        if !self.is_scanning() {
            return Ok(());
        }
        for m in &self.inner.managers {
            if let Err(e) = m.stop_scanning().await {
                tracing::warn!("{} cannot stop scanning: {e}", m.name());
                self.inner.manager_finished(m.name());
            }
        }
        Ok(())
    }

    /// Submits a stop of every device's outputs and/or input subscriptions, at once (see
    /// [`ServerDevice::submit_stop`]); await the completions for the writes.
    pub fn submit_stop_all(
        &self,
        outputs: bool,
        inputs: bool,
    ) -> Vec<(u32, Result<Completion, DeviceError>)> {
        self.inner
            .mapping
            .submit_stop_all(&self.devices(), outputs, inputs)
    }

    /// Stops every device's outputs and input subscriptions, all devices in parallel.
    /// Bounded: each hardware operation has its timeout, and a device that does not answer
    /// is disconnected.
    pub async fn stop_all(&self) -> Result<(), ButtplugError> {
        wait_all(self.submit_stop_all(true, true)).await
    }
}

/// Waits for submitted commands of several devices; the first error wins.
pub(crate) async fn wait_all(
    submitted: Vec<(u32, Result<Completion, DeviceError>)>,
) -> Result<(), ButtplugError> {
    let mut first_error = None;
    let mut waiting = Vec::with_capacity(submitted.len());
    for (index, s) in submitted {
        match s {
            Ok(c) => waiting.push((index, c)),
            Err(e) => {
                first_error.get_or_insert(ButtplugError::from(e));
            }
        }
    }
    // Completions resolve on the device tasks; awaiting them one after another still
    // lets every device stop in parallel.
    for (index, completion) in waiting {
        if let Err(e) = completion.wait().await {
            tracing::warn!("device {index}: stop failed: {e}");
            first_error.get_or_insert(ButtplugError::from(e));
        }
    }
    first_error.map_or(Ok(()), Err)
}

impl Inner {
    /// Devices on a websocket take writes as fast as they come (as in the reference);
    /// radio links (BLE, and the simulated toys that stand in for them) and serial ports get
    /// the default gap.
    fn default_gap_for(&self, identity: &HardwareIdentity) -> u32 {
        match identity {
            HardwareIdentity::Websocket { .. } => 0,
            HardwareIdentity::Ble { .. } | HardwareIdentity::Serial { .. } => self.default_gap_ms,
        }
    }

    fn manager_finished(&self, name: &'static str) {
        let mut scan = lock(&self.scan);
        scan.finished.insert(name);
        self.maybe_finish_scan(&mut scan);
    }

    fn maybe_finish_scan(&self, scan: &mut ScanState) {
        let all_done = self
            .managers
            .iter()
            .all(|m| scan.finished.contains(m.name()));
        let none_connecting = scan.connecting.values().all(|n| *n == 0);
        if scan.active && all_done && none_connecting {
            scan.active = false;
            let _ = self.events.send(ServerEvent::ScanningFinished);
        }
    }

    fn knows(&self, address: &str) -> bool {
        lock(&self.indices).by_address.contains_key(address)
    }

    fn allocate_index(&self, address: &str) -> u32 {
        let mut indices = lock(&self.indices);
        if let Some(i) = indices.by_address.get(address) {
            return *i;
        }
        let used: HashSet<u32> = indices
            .by_address
            .values()
            .copied()
            .chain(indices.reserved.keys().copied())
            .collect();
        let index = (0..).find(|i| !used.contains(i)).unwrap_or(u32::MAX);
        indices.by_address.insert(address.to_string(), index);
        index
    }

    fn is_connected(&self, address: &str) -> bool {
        self.devices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .any(|d| d.address() == address)
    }

    /// Connects a found device: match, user rules, connect, identify, initialise, index.
    async fn connect(self: &Arc<Self>, found: DiscoveredDevice) -> Result<(), String> {
        let info = &found.info;
        let matched = find_protocol(&self.config, info)
            .ok_or_else(|| format!("no protocol matches {} ({})", info.name, info.address))?;
        if !self.user.may_connect(&info.address) {
            return Err(format!(
                "{} is denied by the user configuration",
                info.address
            ));
        }
        let protocol = self
            .protocols
            .get(&matched.protocol)
            .ok_or_else(|| format!("protocol {} is not implemented", matched.protocol))?
            .clone();
        let protocol_def = self.config.protocol(&matched.protocol).ok_or_else(|| {
            format!(
                "protocol {} vanished from the configuration",
                matched.protocol
            )
        })?;
        let hw = found
            .connector
            .connect(ConnectRequest {
                protocol: protocol_def,
                communication: &matched.communication,
            })
            .await
            .map_err(|e| format!("connecting {}: {e}", info.address))?;
        let result = async {
            let identifier = protocol
                .identify(&hw, info)
                .await
                .map_err(|e| format!("identifying {}: {e}", info.address))?
                .unwrap_or_else(|| info.name.clone());
            // Identification may find a model that another protocol of the family drives.
            let (protocol, protocol_def, protocol_name) = match protocol.hand_over(&identifier) {
                Some(name) => (
                    self.protocols
                        .get(name)
                        .ok_or_else(|| format!("protocol {name} is not implemented"))?
                        .clone(),
                    self.config
                        .protocol(name)
                        .ok_or_else(|| format!("protocol {name} is not configured"))?,
                    name.to_string(),
                ),
                None => (protocol.clone(), protocol_def, matched.protocol.clone()),
            };
            let mut definition =
                protocol_def
                    .definition_for(Some(&identifier))
                    .ok_or_else(|| {
                        format!("protocol {protocol_name} has no definition for {identifier}")
                    })?;
            let user = self
                .user
                .device(&info.address, &protocol_name, Some(&identifier));
            if let Some(user) = user {
                user.apply(&mut definition).map_err(|e| e.to_string())?;
            }
            let handler = protocol
                .initialize(&hw, &definition)
                .await
                .map_err(|e| format!("initialising {}: {e}", info.address))?;
            let index = self.allocate_index(&info.address);
            let device = ServerDevice::start(NewDevice {
                info: DeviceInfo {
                    index,
                    name: definition.name.clone(),
                    display_name: user.and_then(|u| u.display_name.clone()),
                    message_gap_ms: definition
                        .message_gap_ms
                        .unwrap_or_else(|| self.default_gap_for(&info.identity)),
                    features: Arc::new(definition.features),
                },
                address: info.address.clone(),
                protocol: protocol_name,
                hw: hw.clone(),
                handler,
                events: self.task_events.clone(),
                hw_timeout: self.hw_timeout,
            })
            .await;
            let added = device.info().clone();
            let events = self.mapping.added(&device);
            self.devices
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(index, device);
            tracing::info!("device {index} added: {} ({})", added.name, info.address);
            for event in events {
                let _ = self.events.send(event);
            }
            Ok(())
        }
        .await;
        if result.is_err() {
            hw.disconnect().await;
        }
        result
    }

    fn remove(&self, index: u32) {
        let removed = self
            .devices
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&index);
        if removed.is_some() {
            self.mapping.removed(index);
            tracing::info!("device {index} removed");
            let _ = self.events.send(ServerEvent::DeviceRemoved(index));
        }
    }
}

async fn event_loop(
    inner: std::sync::Weak<Inner>,
    mut managers: mpsc::UnboundedReceiver<(&'static str, ManagerEvent)>,
    mut tasks: mpsc::Receiver<DeviceTaskEvent>,
) {
    loop {
        tokio::select! {
            Some((manager, event)) = managers.recv() => {
                let Some(inner) = inner.upgrade() else { return };
                match event {
                    ManagerEvent::ScanningFinished => inner.manager_finished(manager),
                    ManagerEvent::Found(found) => on_found(&inner, manager, found),
                }
            }
            Some(event) = tasks.recv() => {
                let Some(inner) = inner.upgrade() else { return };
                match event {
                    DeviceTaskEvent::Input { device, feature, input, value } => {
                        let _ = inner.events.send(ServerEvent::InputReading { device, feature, input, value });
                    }
                    DeviceTaskEvent::Disconnected { device } => inner.remove(device),
                }
            }
            else => return,
        }
    }
}

fn on_found(inner: &Arc<Inner>, manager: &'static str, found: DiscoveredDevice) {
    let address = found.info.address.clone();
    let scanning = lock(&inner.scan).active;
    // Outside a scan only devices the server already knew come back on their own.
    if !scanning && !inner.knows(&address) {
        return;
    }
    if inner.is_connected(&address) || !lock(&inner.in_flight).insert(address.clone()) {
        return;
    }
    if scanning {
        *lock(&inner.scan).connecting.entry(manager).or_default() += 1;
    }
    let inner = inner.clone();
    tokio::spawn(async move {
        let result = tokio::time::timeout(Duration::from_secs(30), inner.connect(found)).await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::info!("{e}"),
            Err(_) => tracing::warn!("connecting {address} timed out"),
        }
        lock(&inner.in_flight).remove(&address);
        if scanning {
            let mut scan = lock(&inner.scan);
            if let Some(n) = scan.connecting.get_mut(manager) {
                *n = n.saturating_sub(1);
            }
            inner.maybe_finish_scan(&mut scan);
        }
    });
}
