//! The stop promise over every built-in family, as a property: random sequences of outputs,
//! stops, timed moves, positions, reads, write faults (failing and hanging writes), drops
//! and reconnects, and after every stop the server acknowledged:
//! - the device task's picture says the toy is not running;
//! - every write the toy receives afterwards, until the next command, is one of the
//!   family's stopped packets (learned from a twin toy of the same family that is driven
//!   hard and stopped, with the bytes that change from packet to packet, such as
//!   counters and a stroker's position, left out of the comparison).
//!
//! A toggle (F-Machine's on/off button) writes the same packet to switch on and off, so
//! for it the byte check cannot tell the two apart; the picture's check still applies.
//!
//! The bounded run here takes one sequence per family with a fixed base seed; set
//! `PLUGWIRE_PROPERTY_SEED` and `PLUGWIRE_PROPERTY_ROUNDS` for more (scripts/stop-property
//! runs a longer one). A failure prints the family, the seed and the operations so far.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use plugwire::device::config::DeviceConfigDb;
use plugwire::hardware::Endpoint;
use plugwire::hardware::simulated::{
    RecordKind, SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware, WriteFault,
};
use plugwire::{ButtplugClient, ButtplugServer, ClientDevice, OutputType, OutputValue};

/// How long a toy may take to connect (some handshakes take seconds, and every family
/// connects at once).
const CONNECT: Duration = Duration::from_secs(30);
/// Families driven at the same time.
const PARALLEL: usize = 24;
/// How long the writes after an acknowledged stop are watched: longer than every
/// family's tick and most keepalives.
const WATCH: Duration = Duration::from_millis(700);
const HARDWARE_TIMEOUT: Duration = Duration::from_millis(250);
const OPS_PER_SEQUENCE: usize = 14;

/// A small, seedable generator (xorshift64*), so a failing seed replays.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    fn between(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            return lo;
        }
        lo + i32::try_from(self.below(u64::try_from(hi - lo).unwrap_or(0) + 1)).unwrap_or(0)
    }
}

/// One built-in family and an advertised name that reaches it.
fn families() -> Vec<(String, String)> {
    let db = DeviceConfigDb::builtin();
    let mut out = Vec::new();
    for p in db.protocols() {
        let Some(pattern) = p.btle().flat_map(|b| b.names.iter()).next() else {
            continue;
        };
        let name = match pattern.strip_suffix('*') {
            // A prefix: a model's identifier that has it, else the prefix and a digit.
            Some(prefix) => p
                .configurations
                .iter()
                .flat_map(|c| c.identifiers.iter())
                .find(|id| id.starts_with(prefix))
                .cloned()
                .unwrap_or_else(|| format!("{prefix}1")),
            None => pattern.clone(),
        };
        out.push((p.name.clone(), name));
    }
    out
}

struct Rig {
    hw: SimulatedHardware,
    server: Arc<ButtplugServer>,
    client: ButtplugClient,
    sim: SimulatedDevice,
}

async fn rig(name: &str) -> Option<Rig> {
    let hw = SimulatedHardware::new();
    let sim = hw.add_device(SimulatedDeviceSpec {
        name: name.to_string(),
        ..Default::default()
    });
    let server = ButtplugServer::builder()
        .simulated(hw.clone())
        .default_message_gap_ms(0)
        .hardware_timeout(HARDWARE_TIMEOUT)
        .build()
        .ok()?;
    let client = ButtplugClient::connect_in_process("property", &server)
        .await
        .ok()?;
    client.start_scanning().await.ok()?;
    let rig = Rig {
        hw,
        server,
        client,
        sim,
    };
    rig.device().await?;
    Some(rig)
}

impl Rig {
    /// The device as the client sees it now (it comes back after a lost link).
    async fn device(&self) -> Option<ClientDevice> {
        let deadline = tokio::time::Instant::now() + CONNECT;
        loop {
            if let Some(d) = self.client.devices().pop() {
                return Some(d);
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The device after a lost link: the link heals (faults end) and the toy is found again.
    async fn device_after_faults(&self) -> Option<ClientDevice> {
        if let Some(d) = self.client.devices().pop() {
            return Some(d);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        if let Some(d) = self.client.devices().pop() {
            return Some(d);
        }
        self.sim.set_write_fault(WriteFault::None);
        self.sim.drop_device();
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.hw.restore(self.sim.address());
        self.device().await
    }

    fn running(&self, index: u32) -> bool {
        self.server
            .device_manager()
            .device(index)
            .is_some_and(|d| d.is_running())
    }

    fn writes(&self) -> Vec<(Endpoint, Vec<u8>)> {
        self.sim
            .take_log()
            .into_iter()
            .filter(|r| r.kind == RecordKind::Write)
            .map(|r| (r.endpoint, r.data))
            .collect()
    }
}

/// What a family's stopped toy may be sent: packets, and per (endpoint, length) the byte
/// positions that vary between them.
#[derive(Default)]
struct Stopped {
    packets: BTreeSet<(Endpoint, Vec<u8>)>,
    volatile: BTreeMap<(Endpoint, usize), BTreeSet<usize>>,
}

impl Stopped {
    fn learn(&mut self, writes: Vec<(Endpoint, Vec<u8>)>) {
        for (endpoint, data) in writes {
            for (e, known) in &self.packets {
                if *e == endpoint && known.len() == data.len() {
                    let varying = self.volatile.entry((endpoint, data.len())).or_default();
                    varying.extend((0..data.len()).filter(|i| known[*i] != data[*i]));
                }
            }
            self.packets.insert((endpoint, data));
        }
    }

    fn allows(&self, endpoint: Endpoint, data: &[u8]) -> bool {
        let empty = BTreeSet::new();
        let varying = self.volatile.get(&(endpoint, data.len())).unwrap_or(&empty);
        self.packets.iter().any(|(e, p)| {
            *e == endpoint
                && p.len() == data.len()
                && (0..data.len()).all(|i| varying.contains(&i) || p[i] == data[i])
        })
    }
}

/// Every (feature, output, lo, hi) a device drives.
fn outputs_of(device: &ClientDevice) -> Vec<(u32, OutputType, i32, i32)> {
    device
        .features()
        .iter()
        .flat_map(|f| {
            f.outputs
                .iter()
                .map(move |(o, l)| (f.index, *o, l.value.0, l.value.1))
        })
        .collect()
}

async fn set(device: &ClientDevice, feature: u32, output: OutputType, value: i32, ms: u32) {
    let duration = (output == OutputType::HwPositionWithDuration).then_some(ms);
    let _ = device
        .outputs(&[(feature, output, OutputValue::Steps(value), duration)])
        .await;
}

/// Learns a family's stopped packets from a twin: stopped fresh, then twice driven with
/// every output away from zero (a different way each time) and stopped, with what follows
/// each stop for a while.
async fn learn_stopped(name: &str) -> Option<Stopped> {
    let twin = rig(name).await?;
    let device = twin.device().await?;
    let mut stopped = Stopped::default();
    twin.writes();
    let _ = device.stop().await;
    tokio::time::sleep(WATCH).await;
    stopped.learn(twin.writes());
    for round in 0..3 {
        for (feature, output, lo, hi) in outputs_of(&device) {
            let value = match (round, output.stops_at_zero()) {
                (0, _) => hi,
                (1, true) if lo < 0 => lo,
                (1, _) => (lo + hi) / 2,
                (_, true) => (hi / 3).max(1),
                (_, false) => lo,
            };
            set(&device, feature, output, value, 200).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        twin.writes();
        let _ = device.stop().await;
        tokio::time::sleep(WATCH).await;
        stopped.learn(twin.writes());
    }
    Some(stopped)
}

#[derive(Debug)]
enum Op {
    Output(u32, OutputType, i32, u32),
    Stop,
    Read,
    Fault(WriteFault),
    Heal,
    DropAndRestore,
    Sleep(u64),
}

fn random_op(rng: &mut Rng, outputs: &[(u32, OutputType, i32, i32)]) -> Op {
    match rng.below(20) {
        0..=8 if !outputs.is_empty() => {
            let (f, o, lo, hi) = outputs[rng.below(outputs.len() as u64) as usize];
            let value = if rng.below(4) == 0 && lo <= 0 {
                0
            } else {
                rng.between(lo, hi)
            };
            Op::Output(f, o, value, 100 * rng.between(0, 6) as u32)
        }
        9..=12 => Op::Stop,
        13 => Op::Read,
        14 => Op::Fault(WriteFault::Fail),
        15 => Op::Fault(WriteFault::Hang),
        16 => Op::Heal,
        17 => Op::DropAndRestore,
        _ => Op::Sleep(rng.below(150)),
    }
}

/// Runs one random sequence against a family; returns the first broken promise.
async fn run_sequence(
    protocol: &str,
    name: &str,
    stopped: &Stopped,
    seed: u64,
) -> Result<usize, String> {
    let rig = rig(name)
        .await
        .ok_or_else(|| format!("{protocol} ({name}) did not connect"))?;
    let mut rng = Rng::new(seed);
    let mut done = Vec::new();
    let mut checked = 0;
    for _ in 0..OPS_PER_SEQUENCE {
        let Some(device) = rig.device_after_faults().await else {
            return Err(format!(
                "{protocol}: the toy never came back after {done:?}"
            ));
        };
        let op = random_op(&mut rng, &outputs_of(&device));
        match &op {
            Op::Output(f, o, v, ms) => set(&device, *f, *o, *v, (*ms).max(1)).await,
            Op::Read => {
                let _ = tokio::time::timeout(Duration::from_millis(500), device.battery()).await;
            }
            Op::Fault(fault) => rig.sim.set_write_fault(*fault),
            Op::Heal => rig.sim.set_write_fault(WriteFault::None),
            Op::DropAndRestore => {
                rig.sim.drop_device();
                tokio::time::sleep(Duration::from_millis(20)).await;
                rig.hw.restore(rig.sim.address());
            }
            Op::Sleep(ms) => tokio::time::sleep(Duration::from_millis(*ms)).await,
            Op::Stop => {
                rig.writes();
                if device.stop().await.is_ok() {
                    checked += 1;
                    if rig.running(device.index()) {
                        return Err(format!(
                            "{protocol} seed {seed}: acknowledged stop, but the device task \
                             says it is running; ops {done:?}"
                        ));
                    }
                    let stop_writes = rig.writes();
                    tokio::time::sleep(WATCH).await;
                    let after = rig.writes();
                    // A stop whose writes failed is not acknowledged; an acknowledged one
                    // may have found everything at zero already and written nothing.
                    let faulty = after.is_empty() && stop_writes.is_empty();
                    for (endpoint, data) in stop_writes.iter().chain(&after) {
                        if !faulty && !stopped.allows(*endpoint, data) {
                            return Err(format!(
                                "{protocol} seed {seed}: after an acknowledged stop the toy \
                                 got {endpoint:?} {data:02x?}, which is not a stopped packet \
                                 of the family; ops {done:?}"
                            ));
                        }
                    }
                }
            }
        }
        done.push(op);
    }
    rig.sim.set_write_fault(WriteFault::None);
    Ok(checked)
}

fn seed_and_rounds() -> (u64, u64) {
    let seed = std::env::var("PLUGWIRE_PROPERTY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5107_u64);
    let rounds = std::env::var("PLUGWIRE_PROPERTY_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    (seed, rounds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_family_keeps_the_stop_promise() {
    let (base_seed, rounds) = seed_and_rounds();
    let families = families();
    assert!(
        families.len() > 100,
        "only {} families found",
        families.len()
    );
    let slots = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut tasks = Vec::new();
    for (i, (protocol, name)) in families.into_iter().enumerate() {
        let slots = slots.clone();
        tasks.push(tokio::spawn(async move {
            let _slot = slots.acquire_owned().await.expect("semaphore");
            let stopped = learn_stopped(&name)
                .await
                .ok_or_else(|| format!("{protocol} ({name}): the twin did not connect"))?;
            let mut checked = 0;
            for round in 0..rounds {
                let seed = base_seed ^ ((i as u64) << 32) ^ round;
                checked += run_sequence(&protocol, &name, &stopped, seed).await?;
            }
            Ok::<(String, usize), String>((protocol, checked))
        }));
    }
    let mut failures = Vec::new();
    let mut stops = 0;
    for task in tasks {
        match task.await.expect("family task") {
            Ok((_, checked)) => stops += checked,
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} families broke the promise:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(stops > 100, "only {stops} acknowledged stops were checked");
}
