//! Playback accuracy and cost, as figures (not timed tests). Run with
//! `cargo bench --bench playback`; `PLAYBACK_BENCH_SECS` sets how long each run plays
//! (default 20 s) out of a 10-minute 6-axis script; `PLAYBACK_BENCH_GAPS` (say `20,75`)
//! picks the gaps; `PLAYBACK_BENCH_WORKERS` the runtime's worker threads (default: the
//! library's own setting, `plugwire::runtime::WORKER_THREADS`).
//!
//! For message gaps 0, 20 and 75 ms, six simulated vibrators each play one axis:
//! - write time against the ideal schedule (slot k at first write + k * interval, moved
//!   back by the earliest write when the first was itself late), p50 and p99, taken at
//!   the toy (so it includes the device task and the simulated link);
//! - each written value against the script interpolated at the slot time (plus latency),
//!   in device steps (worst);
//! - process CPU time while playing, as % of one core (everything: player thread, device
//!   tasks, simulated toys, runtime), and per thread with how often each was scheduled
//!   (context switches cost more CPU here than the work of a slot);
//! - stop and seek: time from the call to the toy's first write that reflects it.
//!
//! Clock drift with a 1 Hz external sync is checked on a simulated clock by the unit
//! test `playback::clock::tests::drift_stays_within_5ms_per_hour_with_1hz_sync`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use plugwire::ButtplugServer;
use plugwire::OutputType;
use plugwire::hardware::simulated::{SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::playback::{
    Funscript, Interpolation, Mapping, Playback, PlaybackOptions, Source, TrackSpec,
};

const AXES: [&str; 6] = ["L0", "L1", "L2", "R0", "R1", "R2"];
const LATENCY_MS: f64 = 30.0;

/// A 10-minute script: each axis strokes with its own period and depth, actions every
/// 150-400 ms, deterministic.
fn script() -> Funscript {
    let mut axes = Vec::new();
    for (k, name) in AXES.iter().enumerate() {
        let step = 150 + 50 * k as u64;
        let actions: Vec<String> = (0..=600_000 / step)
            .map(|i| {
                let pos = if i % 2 == 0 { 5 + 3 * k } else { 95 - 4 * k };
                format!(r#"{{"at": {}, "pos": {pos}}}"#, i * step)
            })
            .collect();
        axes.push(format!(
            r#"{{"id": "{name}", "actions": [{}]}}"#,
            actions.join(",")
        ));
    }
    Funscript::parse(&format!(r#"{{"axes": [{}]}}"#, axes.join(",")), "bench").unwrap()
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line; 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// Per thread name (threads of one name summed): CPU time (ms) and how many times the
/// threads were scheduled onto a CPU, from `/proc/self/task/*/schedstat`.
fn thread_times() -> std::collections::BTreeMap<String, (f64, u64)> {
    let mut by_name = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return by_name;
    };
    for task in tasks.flatten() {
        let read = |f: &str| std::fs::read_to_string(task.path().join(f)).unwrap_or_default();
        let stat: Vec<u64> = read("schedstat")
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        if let [run_ns, _, runs] = stat[..] {
            let entry = by_name
                .entry(read("comm").trim().to_string())
                .or_insert((0.0, 0));
            entry.0 += run_ns as f64 / 1e6;
            entry.1 += runs;
        }
    }
    by_name
}

fn level(data: &[u8]) -> Option<i32> {
    std::str::from_utf8(data)
        .ok()?
        .strip_prefix("Vibrate:")?
        .strip_suffix(';')?
        .parse()
        .ok()
}

/// Ms from `called` until the toy logs (after its first `seen` records) a write whose
/// data passes `check`; polled every 100 µs for up to a second.
fn time_until(
    toy: &SimulatedDevice,
    seen: usize,
    called: Instant,
    check: impl Fn(&[u8]) -> bool,
) -> f64 {
    while called.elapsed() < Duration::from_secs(1) {
        if toy.log().iter().skip(seen).any(|r| check(&r.data)) {
            return called.elapsed().as_secs_f64() * 1000.0;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    f64::NAN
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Rig {
    server: Arc<ButtplugServer>,
    toys: Vec<SimulatedDevice>,
    indices: Vec<u32>,
}

async fn rig(gap_ms: u32) -> Rig {
    let hw = SimulatedHardware::new();
    let toys: Vec<SimulatedDevice> = (0..AXES.len())
        .map(|i| {
            hw.add_device(SimulatedDeviceSpec {
                name: "LVS-Lush".into(),
                address: format!("BB:00:00:00:00:{i:02X}"),
                ..Default::default()
            })
        })
        .collect();
    let server = ButtplugServer::builder()
        .simulated(hw.clone())
        .default_message_gap_ms(gap_ms)
        .build()
        .unwrap();
    let dm = server.device_manager();
    dm.start_scanning().await.unwrap();
    while dm.devices().len() < toys.len() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let indices = toys
        .iter()
        .map(|t| {
            dm.devices()
                .iter()
                .find(|d| d.address() == t.address())
                .unwrap()
                .index()
        })
        .collect();
    Rig {
        server,
        toys,
        indices,
    }
}

fn tracks(rig: &Rig, script: &Funscript) -> Vec<TrackSpec> {
    AXES.iter()
        .enumerate()
        .map(|(i, name)| TrackSpec {
            device: rig.indices[i],
            feature: 0,
            output: OutputType::Vibrate,
            source: Source::script(
                &script.axes[&plugwire::playback::Axis::from_name(name).unwrap()],
                Interpolation::Linear,
            ),
            mapping: Mapping::default(),
            latency_ms: LATENCY_MS,
        })
        .collect()
}

async fn run(gap_ms: u32, seconds: f64, script: &Funscript) {
    let rig = rig(gap_ms).await;
    let interval = plugwire::playback::player::slot_for_gap(f64::from(gap_ms))
        .max(PlaybackOptions::default().min_interval_ms);
    for t in &rig.toys {
        t.clear_log();
    }
    let threads0 = thread_times();
    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    let start_ms = 60_000.0;
    let playback = Playback::start(
        rig.server.device_manager(),
        tracks(&rig, script),
        PlaybackOptions {
            start_ms,
            ..PlaybackOptions::default()
        },
    )
    .unwrap();
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    let wall = wall0.elapsed().as_secs_f64();
    let cpu = (cpu_seconds() - cpu0) / wall * 100.0;
    let by_thread: Vec<String> = thread_times()
        .iter()
        .filter_map(|(name, (ms, runs))| {
            let (ms0, runs0) = threads0.get(name).copied().unwrap_or((0.0, 0));
            let cpu = (ms - ms0) / wall / 10.0;
            (cpu >= 0.01).then(|| {
                format!(
                    "{name} {cpu:.2} % ({:.0} runs/s)",
                    (runs - runs0) as f64 / wall
                )
            })
        })
        .collect();
    // Seek, then stop, each timed to the toy's first write that reflects it.
    let toy = &rig.toys[0];
    let seen = toy.log().len();
    let called = Instant::now();
    playback.seek(300_000.0).unwrap();
    let seek_effective = time_until(toy, seen, called, |_| true);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let seen = toy.log().len();
    let called = Instant::now();
    let _ = rig.server.device_manager().submit_stop_all(true, true);
    let stop_effective = time_until(toy, seen, called, |d| level(d) == Some(0));
    drop(playback);

    let mut lateness = Vec::new();
    // Lateness of writes whose previous write was within 1 ms of its slot: what is left
    // when lateness carried over from the write before is taken out.
    let mut lateness_after_on_time = Vec::new();
    let mut worst_steps = 0i32;
    let mut steps_off = Vec::new();
    let mut values = 0usize;
    for (i, toy) in rig.toys.iter().enumerate() {
        let writes: Vec<_> = toy
            .log()
            .into_iter()
            .filter(|r| level(&r.data).is_some())
            .collect();
        let Some(first) = writes.first() else {
            continue;
        };
        let t0 = first.at.as_secs_f64() * 1000.0;
        let axis = plugwire::playback::Axis::from_name(AXES[i]).unwrap();
        let source = Source::script(&script.axes[&axis], Interpolation::Linear);
        // Each write's nearest slot on a grid anchored at the first write, and how late it
        // came. The first write may itself have been late: then writes on time show as
        // early, and the grid moves back by the earliest of them (a write never comes
        // before its slot).
        let mut placed = Vec::new();
        for w in &writes {
            let at = w.at.as_secs_f64() * 1000.0;
            if at > t0 + seconds * 1000.0 - 2.0 * interval {
                break; // the seek and stop follow
            }
            let slot = ((at - t0) / interval).round();
            placed.push((slot, at - (t0 + slot * interval), w));
        }
        let anchor_late = placed
            .iter()
            .map(|(_, late, _)| *late)
            .fold(0.0f64, f64::min);
        let mut previous: Option<f64> = None;
        for (slot, late, w) in placed {
            let late = late - anchor_late;
            lateness.push(late);
            if previous.is_some_and(|p| p <= 1.0) {
                lateness_after_on_time.push(late);
            }
            previous = Some(late);
            let media = start_ms + slot * interval + LATENCY_MS;
            let expected = (source.value_at(media) * 20.0).round() as i32;
            let off = (level(&w.data).unwrap() - expected).abs();
            worst_steps = worst_steps.max(off);
            steps_off.push(off);
            values += 1;
        }
    }
    lateness.sort_by(f64::total_cmp);
    lateness_after_on_time.sort_by(f64::total_cmp);
    let within_step =
        steps_off.iter().filter(|s| **s <= 1).count() as f64 / values.max(1) as f64 * 100.0;
    println!(
        "gap {gap_ms:>2} ms (slot {interval} ms): {values} writes; write vs ideal slot p50 {:.3} ms, p99 {:.3} ms; \
         after an on-time write p99 {:.3} ms; {within_step:.2} % of values within one step of the script; \
         value vs script worst {worst_steps} step(s); CPU {cpu:.2} % of one core; \
         seek effective in {seek_effective:.1} ms; stop effective in {stop_effective:.1} ms",
        percentile(&lateness, 0.5),
        percentile(&lateness, 0.99),
        percentile(&lateness_after_on_time, 0.99),
    );
    println!("  CPU by thread: {}", by_thread.join(", "));
    rig.server.shutdown().await;
}

fn main() {
    let seconds: f64 = std::env::var("PLAYBACK_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20.0);
    // The library's own runtime settings (as every binding gets them);
    // `PLAYBACK_BENCH_WORKERS` sets another count to compare.
    let workers = std::env::var("PLAYBACK_BENCH_WORKERS")
        .ok()
        .map(|w| {
            w.parse()
                .expect("PLAYBACK_BENCH_WORKERS: a number of worker threads")
        })
        .unwrap_or(plugwire::runtime::WORKER_THREADS);
    let mut builder = plugwire::runtime::builder();
    let runtime = builder.worker_threads(workers).build().expect("runtime");
    let script = script();
    println!(
        "6 axes of a 10-minute script on 6 simulated vibrators, {seconds} s per run, latency {LATENCY_MS} ms, \
         {workers} runtime worker(s)"
    );
    let gaps: Vec<u32> = match std::env::var("PLAYBACK_BENCH_GAPS") {
        Ok(list) => list
            .split(',')
            .map(|g| {
                g.trim()
                    .parse()
                    .expect("PLAYBACK_BENCH_GAPS: gaps in ms, comma-separated")
            })
            .collect(),
        Err(_) => vec![0, 20, 75],
    };
    for gap in gaps {
        runtime.block_on(run(gap, seconds, &script));
    }
}
