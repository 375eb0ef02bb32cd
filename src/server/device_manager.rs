//! The device manager: turns what hardware managers find into connected devices with stable
//! indices, tracks scanning, and reports devices coming and going.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};

use crate::device::config::{DeviceConfigDb, UserConfig, find_protocol};
use crate::device::device_task::TASK_EVENT_LIMIT;
use crate::device::protocols::ProtocolRegistry;
use crate::device::{Completion, DeviceError, NewDevice};
use crate::device::{DeviceTaskEvent, ServerDevice};
use crate::hardware::timed::TimedHardware;
use crate::hardware::{
    ConnectRequest, DiscoveredDevice, HardwareDevice, HardwareEvent, HardwareIdentity,
    HardwareManager, ManagerEvent, ManagerSink,
};
use crate::spec::ButtplugError;
use crate::spec::message::{DeviceInfo, OutputCommand, ServerEvent};

use super::mapping::{Mapping, OutputMap, Submitted};

/// Gap between writes for devices whose configuration names none, as for BLE toys.
pub const DEFAULT_MESSAGE_GAP_MS: u32 = 75;

/// Most scan requests (start or stop) waiting for the ones before them; more are refused.
pub const SCAN_QUEUE_LIMIT: usize = 64;

/// A scan request's reply on its way.
pub type ScanFuture = Pin<Box<dyn Future<Output = Result<(), ButtplugError>> + Send>>;

enum ScanOp {
    Start,
    Stop,
}

type ScanRequest = (ScanOp, oneshot::Sender<Result<(), ButtplugError>>);

/// Bound on connecting one found device (connect, identify, initialise); a connection that
/// takes longer is given up and its link closed.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct ScanState {
    active: bool,
    /// Managers that scan in rounds and started this scan: ScanningFinished waits for
    /// each of them. Passive managers (and managers that could not start) are not here.
    rounds: HashSet<&'static str>,
    finished: HashSet<&'static str>,
    /// Connections started by a scan and not yet done, per manager.
    connecting: HashMap<&'static str, usize>,
}

/// Where each device's link is in its life. Lock order: `links`, then `devices`.
#[derive(Default)]
struct Links {
    /// Addresses being connected right now, so a device found twice connects once.
    connecting: HashSet<String>,
    /// The newest `Found` of a device that was connected or being connected when it came
    /// (a toy that flickered out of range and back while its old link was torn down): it is
    /// handled once that connection has ended, not lost.
    waiting: HashMap<String, (&'static str, DiscoveredDevice)>,
    /// Devices connected at least once: when one comes back its state is unknown.
    seen: HashSet<String>,
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
    links: Mutex<Links>,
    /// The next connection generation (see [`NewDevice::connection`]).
    next_connection: AtomicU64,
    /// What lost devices were last asked to do, by address, for their next connection.
    last_values: Mutex<HashMap<String, crate::device::toy_model::LastValues>>,
    scan: Mutex<ScanState>,
    /// The managers' event channel, for the stop's barrier.
    manager_events: mpsc::UnboundedSender<(&'static str, ManagerEvent)>,
    /// Scan requests, run one after another in submission order.
    scan_ops: mpsc::Sender<ScanRequest>,
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
        let (scan_tx, scan_rx) = mpsc::channel(SCAN_QUEUE_LIMIT);
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
                links: Mutex::new(Links::default()),
                next_connection: AtomicU64::new(1),
                last_values: Mutex::new(HashMap::new()),
                scan: Mutex::new(ScanState::default()),
                manager_events: manager_tx,
                scan_ops: scan_tx,
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
        tokio::spawn(scan_worker(Arc::downgrade(&manager.inner), scan_rx));
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

    /// Submits a start of scanning: it acts after every scan request submitted before it
    /// and before every one submitted after it, whenever the returned future is awaited.
    /// ScanningFinished follows once each manager has finished and the devices it found
    /// have connected (or failed to).
    pub fn submit_start_scanning(&self) -> ScanFuture {
        self.submit_scan(ScanOp::Start)
    }

    /// Submits a stop of scanning, in order with the other scan requests (see
    /// [`DeviceManager::submit_start_scanning`]).
    pub fn submit_stop_scanning(&self) -> ScanFuture {
        self.submit_scan(ScanOp::Stop)
    }

    pub async fn start_scanning(&self) -> Result<(), ButtplugError> {
        self.submit_start_scanning().await
    }

    pub async fn stop_scanning(&self) -> Result<(), ButtplugError> {
        self.submit_stop_scanning().await
    }

    /// Stops scanning at a session's end: in order like any scan request, and never
    /// refused (with the queue full it waits for room; no next session starts meanwhile).
    pub(crate) fn submit_final_stop_scanning(&self) -> ScanFuture {
        let (tx, rx) = oneshot::channel();
        match self.inner.scan_ops.try_send((ScanOp::Stop, tx)) {
            Ok(()) => scan_reply(rx),
            Err(mpsc::error::TrySendError::Full(request)) => {
                let queue = self.inner.scan_ops.clone();
                Box::pin(async move {
                    let _ = queue.send(request).await;
                    scan_reply(rx).await
                })
            }
            // The worker is gone (the server is going): nothing scans any more.
            Err(mpsc::error::TrySendError::Closed(_)) => Box::pin(std::future::ready(Ok(()))),
        }
    }

    fn submit_scan(&self, op: ScanOp) -> ScanFuture {
        let (tx, rx) = oneshot::channel();
        if let Err(e) = self.inner.scan_ops.try_send((op, tx)) {
            let why = match e {
                mpsc::error::TrySendError::Full(_) => {
                    format!("{SCAN_QUEUE_LIMIT} scan requests are already waiting; try again later")
                }
                mpsc::error::TrySendError::Closed(_) => "the server is shutting down".into(),
            };
            return Box::pin(std::future::ready(Err(ButtplugError::unknown(why))));
        }
        scan_reply(rx)
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
            .into_vec()
    }

    /// Stops every device's outputs and input subscriptions, all devices in parallel.
    /// Bounded: each hardware operation has its timeout, and a device that does not answer
    /// is disconnected.
    pub async fn stop_all(&self) -> Result<(), ButtplugError> {
        let stops = self
            .inner
            .mapping
            .submit_stop_all(&self.devices(), true, true);
        wait_all(stops).await
    }
}

/// Waits for submitted commands of several devices; the first error wins.
/// A device's outcome for a command, logged when it failed.
pub(crate) fn waited(index: u32, outcome: Result<(), DeviceError>) -> Result<(), ButtplugError> {
    outcome.map_err(|e| {
        tracing::warn!("device {index}: stop failed: {e}");
        ButtplugError::from(e)
    })
}

pub(crate) async fn wait_all(submitted: Submitted) -> Result<(), ButtplugError> {
    // A command a device refused is the error, before any a device reports.
    let mut first_error = submitted
        .iter()
        .find_map(|(_, s)| s.as_ref().err())
        .map(|e| ButtplugError::from(e.clone()));
    // Completions resolve on the device tasks; awaiting them one after another still
    // lets every device stop in parallel.
    for (index, completion) in submitted
        .into_iter()
        .filter_map(|(index, s)| Some((index, s.ok()?)))
    {
        if let Err(e) = waited(index, completion.wait().await) {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

impl Inner {
    /// Starts every manager scanning. ScanningFinished follows once each manager has
    /// finished and the devices it found have connected (or failed to).
    async fn start_scanning(&self) -> Result<(), ButtplugError> {
        if self.managers.is_empty() {
            return Err(ButtplugError::unknown(
                "no hardware managers are enabled on this server",
            ));
        }
        {
            let mut scan = lock(&self.scan);
            if scan.active {
                return Ok(());
            }
            scan.active = true;
            scan.rounds.clear();
            scan.finished.clear();
        }
        let mut failed = Vec::new();
        for m in &self.managers {
            if let Err(e) = m.start_scanning().await {
                tracing::warn!("{} cannot scan: {e}", m.name());
                failed.push((m.name(), e));
            }
        }
        // A manager that cannot scan (no Bluetooth adapter, say) does not hold up the
        // others; only when none can scan does the client get the reasons.
        if failed.len() == self.managers.len() {
            lock(&self.scan).active = false;
            let reasons: Vec<String> = failed.iter().map(|(_, e)| e.to_string()).collect();
            return Err(ButtplugError::device(format!(
                "cannot scan: {}",
                reasons.join("; ")
            )));
        }
        let mut scan = lock(&self.scan);
        scan.rounds = self
            .managers
            .iter()
            .filter(|m| m.finishes_scans() && !failed.iter().any(|(n, _)| *n == m.name()))
            .map(|m| m.name())
            .collect();
        self.maybe_finish_scan(&mut scan);
        Ok(())
    }

    async fn stop_scanning(&self) -> Result<(), ButtplugError> {
        if !lock(&self.scan).active {
            return Ok(());
        }
        // As in the reference, a scan the client stopped ends without ScanningFinished:
        // the stop's Ok is the answer. Managers' own reports of the end are ignored.
        lock(&self.scan).rounds.clear();
        for m in &self.managers {
            if let Err(e) = m.stop_scanning().await {
                tracing::warn!("{} cannot stop scanning: {e}", m.name());
            }
        }
        // Devices found before the stop may still wait in the managers' channel: they were
        // found during the scan, so they connect; the scan ends once they were taken.
        let (tx, rx) = oneshot::channel();
        let barrier = ManagerEvent::Barrier(crate::hardware::ScanBarrier(tx));
        if self
            .manager_events
            .send(("device-manager", barrier))
            .is_ok()
        {
            let _ = rx.await;
        }
        lock(&self.scan).active = false;
        Ok(())
    }

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

    /// Sends ScanningFinished as the reference does: only when every manager that scans in
    /// rounds has finished its round (and what it found has connected or failed to).
    /// A scan with passive managers only (simulated toys, devices on a websocket) never
    /// finishes by itself: it runs until StopScanning or the session's end.
    fn maybe_finish_scan(&self, scan: &mut ScanState) {
        let all_done = scan.rounds.iter().all(|m| scan.finished.contains(m));
        let none_connecting = scan
            .rounds
            .iter()
            .all(|m| scan.connecting.get(m).is_none_or(|n| *n == 0));
        if scan.active && !scan.rounds.is_empty() && all_done && none_connecting {
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
        // Setup talks to the toy through a bound on every operation, and the link is closed
        // on every way out but a hand-over to the device task (cancellation included).
        let setup: Arc<TimedHardware> = Arc::new(TimedHardware {
            hw: hw.clone(),
            timeout: self.hw_timeout,
        });
        let link = LinkGuard(Some(setup.clone()));
        // A loss from here on is seen, even one before the device task listens.
        let mut losses = hw.events();
        let setup: Arc<dyn HardwareDevice> = setup;
        let prepared = async {
            let identifier = protocol
                .identify(&setup, info)
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
                .initialize(&setup, &definition)
                .await
                .map_err(|e| format!("initialising {}: {e}", info.address))?;
            let display_name = user.and_then(|u| u.display_name.clone());
            Ok::<_, String>((definition, handler, protocol_name, display_name))
        }
        .await;
        let (definition, handler, protocol_name, display_name) = match prepared {
            Ok(p) => p,
            Err(e) => {
                link.close().await;
                return Err(e);
            }
        };
        let index = self.allocate_index(&info.address);
        let resume = lock(&self.last_values)
            .remove(&info.address)
            .unwrap_or_default();
        let device = ServerDevice::start(NewDevice {
            info: DeviceInfo {
                index,
                name: definition.name.clone(),
                display_name,
                message_gap_ms: definition
                    .message_gap_ms
                    .unwrap_or_else(|| self.default_gap_for(&info.identity)),
                features: Arc::new(definition.features),
            },
            address: info.address.clone(),
            connection: self.next_connection.fetch_add(1, Ordering::Relaxed),
            protocol: protocol_name,
            hw: hw.clone(),
            handler,
            events: self.task_events.clone(),
            hw_timeout: self.hw_timeout,
            resume,
        })
        .await;
        // The device task owns the link now: dropping the device ends it (stop, disconnect).
        link.hand_over();
        let added = {
            let mut links = lock(&self.links);
            // Checked under the lock that removals take: a device whose link went before
            // this point is never listed (its task ends on its own, removing nothing).
            if link_lost(&mut losses) || !hw.is_connected() || device.is_closed() {
                // Its next connection starts from what this one was handed.
                lock(&self.last_values).insert(info.address.clone(), device.last_values());
                return Err(format!("{} went away while connecting", info.address));
            }
            if !links.seen.insert(info.address.clone()) {
                // A device coming back: what it runs is unknown (a session may have ended
                // while it was away), so it is stopped before any command can reach it.
                if let Err(e) = device.submit_stop(None, true, false) {
                    tracing::warn!("device {index}: stop on reconnect not submitted: {e}");
                }
            }
            // The device as clients see it (with its mapped outputs), and groups it joins.
            let events = self.mapping.added(&device);
            self.devices
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(index, device.clone());
            (device.info().clone(), events)
        };
        let (added, events) = added;
        tracing::info!("device {index} added: {} ({})", added.name, info.address);
        for event in events {
            let _ = self.events.send(event);
        }
        Ok(())
    }

    /// Removes a device whose task ended, if the map still holds that connection of it (a
    /// late report from an older connection leaves a newer one alone); then a `Found` that
    /// came during the teardown is handled.
    fn remove(self: &Arc<Self>, index: u32, connection: u64) {
        let (removed, waiting) = {
            let mut links = lock(&self.links);
            let mut devices = self.devices.write().unwrap_or_else(|e| e.into_inner());
            if devices
                .get(&index)
                .is_none_or(|d| d.connection() != connection)
            {
                return;
            }
            let Some(removed) = devices.remove(&index) else {
                return;
            };
            drop(devices);
            let waiting = if links.connecting.contains(removed.address()) {
                None
            } else {
                links.waiting.remove(removed.address())
            };
            (removed, waiting)
        };
        lock(&self.last_values).insert(removed.address().to_string(), removed.last_values());
        self.mapping.removed(index);
        tracing::info!("device {index} removed ({})", removed.address());
        let _ = self.events.send(ServerEvent::DeviceRemoved(index));
        if let Some((manager, found)) = waiting {
            on_found(self, manager, found);
        }
    }
}

/// Whether a link reported its loss.
fn link_lost(events: &mut broadcast::Receiver<HardwareEvent>) -> bool {
    loop {
        match events.try_recv() {
            Ok(HardwareEvent::Disconnected) | Err(broadcast::error::TryRecvError::Closed) => {
                return true;
            }
            Ok(HardwareEvent::Notification { .. })
            | Err(broadcast::error::TryRecvError::Lagged(_)) => {}
            Err(broadcast::error::TryRecvError::Empty) => return false,
        }
    }
}

/// A link being set up: closed (bounded) unless handed over, also when the connection
/// is cancelled by its timeout.
struct LinkGuard(Option<Arc<TimedHardware>>);

impl LinkGuard {
    fn hand_over(mut self) {
        self.0 = None;
    }

    async fn close(mut self) {
        if let Some(hw) = self.0.take() {
            hw.disconnect().await;
        }
    }
}

impl Drop for LinkGuard {
    fn drop(&mut self) {
        let Some(hw) = self.0.take() else { return };
        tracing::warn!("{}: connection given up; closing its link", hw.address());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { hw.disconnect().await });
        }
    }
}

fn scan_reply(rx: oneshot::Receiver<Result<(), ButtplugError>>) -> ScanFuture {
    Box::pin(async move {
        rx.await
            .unwrap_or_else(|_| Err(ButtplugError::unknown("the server is shutting down")))
    })
}

/// Runs scan requests one at a time, in the order they were submitted.
async fn scan_worker(inner: std::sync::Weak<Inner>, mut requests: mpsc::Receiver<ScanRequest>) {
    while let Some((op, reply)) = requests.recv().await {
        let Some(inner) = inner.upgrade() else { return };
        let result = match op {
            ScanOp::Start => inner.start_scanning().await,
            ScanOp::Stop => inner.stop_scanning().await,
        };
        let _ = reply.send(result);
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
                    ManagerEvent::Barrier(b) => {
                        let _ = b.0.send(());
                    }
                }
            }
            Some(event) = tasks.recv() => {
                let Some(inner) = inner.upgrade() else { return };
                match event {
                    DeviceTaskEvent::Input { device, feature, input, value } => {
                        let _ = inner.events.send(ServerEvent::InputReading { device, feature, input, value });
                    }
                    DeviceTaskEvent::Disconnected { device, connection } => inner.remove(device, connection),
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
    {
        let mut links = lock(&inner.links);
        if links.connecting.contains(&address) || inner.is_connected(&address) {
            // Its current connection may be on its way out: handle this when it is over.
            links.waiting.insert(address, (manager, found));
            return;
        }
        links.connecting.insert(address.clone());
    }
    if scanning {
        *lock(&inner.scan).connecting.entry(manager).or_default() += 1;
    }
    let inner = inner.clone();
    tokio::spawn(async move {
        // Cancelling the connection drops its link guard, which closes the link.
        let result = tokio::time::timeout(CONNECT_TIMEOUT, inner.connect(found)).await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::info!("{e}"),
            Err(_) => tracing::warn!("connecting {address} timed out"),
        }
        let waiting = {
            let mut links = lock(&inner.links);
            links.connecting.remove(&address);
            if inner.is_connected(&address) {
                None
            } else {
                links.waiting.remove(&address)
            }
        };
        if scanning {
            let mut scan = lock(&inner.scan);
            if let Some(n) = scan.connecting.get_mut(manager) {
                *n = n.saturating_sub(1);
            }
            inner.maybe_finish_scan(&mut scan);
        }
        if let Some((manager, found)) = waiting {
            on_found(&inner, manager, found);
        }
    });
}
