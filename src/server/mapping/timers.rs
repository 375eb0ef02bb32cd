//! The timed writers a mapping runs for one device: strokes (an intensity driving a
//! stroker) and holds (a speed-derived intensity that falls to 0 when its move is over).
//!
//! Each runs as a small task that writes through [`super::submit`] while holding the
//! device's timer lock, and checks under that lock that it is still wanted. A halt (every
//! stop path, a newer value, a direct command to the same output) removes it under the
//! same lock before the stop is submitted, so no timed write can follow a stop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::time::Instant;

use super::translate::{move_command, stroke_position, zero};
use super::view::Route;
use crate::device::ServerDevice;
use crate::poison::lock;

/// (mapped feature, route position).
pub type Key = (u32, usize);

struct Stroke {
    generation: u64,
    duration: Duration,
    up: bool,
}

struct Hold {
    generation: u64,
    deadline: Instant,
}

#[derive(Default)]
pub struct State {
    next_generation: u64,
    strokes: HashMap<Key, Stroke>,
    holds: HashMap<Key, Hold>,
    /// Last position and when, per mapped feature (for stroke speed).
    pub positions: HashMap<u32, (f64, Instant)>,
}

/// The timers of one device.
#[derive(Default)]
pub struct Timers {
    state: Mutex<State>,
}

impl State {
    /// Ends every timer whose route drives a real feature `covered` accepts.
    pub fn halt(&mut self, routes: &dyn Fn(Key) -> u32, covered: &dyn Fn(u32) -> bool) {
        self.strokes.retain(|k, _| !covered(routes(*k)));
        self.holds.retain(|k, _| !covered(routes(*k)));
    }

    pub fn halt_all(&mut self) {
        self.strokes.clear();
        self.holds.clear();
        self.positions.clear();
    }

    pub fn stop_stroke(&mut self, key: Key) {
        self.strokes.remove(&key);
    }

    pub fn is_active(&self) -> bool {
        !self.strokes.is_empty() || !self.holds.is_empty()
    }

    /// Strokes at `duration`; returns whether a task must start (none runs for `key`).
    pub fn set_stroke(&mut self, key: Key, duration: Duration) -> Option<u64> {
        renew(
            &mut self.next_generation,
            &mut self.strokes,
            key,
            |s| s.duration = duration,
            |generation| Stroke {
                generation,
                duration,
                up: true,
            },
        )
    }

    /// Falls to 0 at `deadline`; returns whether a task must start.
    pub fn set_hold(&mut self, key: Key, deadline: Instant) -> Option<u64> {
        renew(
            &mut self.next_generation,
            &mut self.holds,
            key,
            |h| h.deadline = deadline,
            |generation| Hold {
                generation,
                deadline,
            },
        )
    }

    pub fn clear_hold(&mut self, key: Key) {
        self.holds.remove(&key);
    }
}

/// Updates the timer running for `key` with `update`, or makes one with `make` and a new
/// generation; returns that generation when a task must start for it.
fn renew<T>(
    next_generation: &mut u64,
    timers: &mut HashMap<Key, T>,
    key: Key,
    update: impl FnOnce(&mut T),
    make: impl FnOnce(u64) -> T,
) -> Option<u64> {
    if let Some(timer) = timers.get_mut(&key) {
        update(timer);
        return None;
    }
    *next_generation += 1;
    timers.insert(key, make(*next_generation));
    Some(*next_generation)
}

impl Timers {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub fn is_active(&self) -> bool {
        self.lock().is_active()
    }
}

/// Runs a stroke until it is halted or its device is gone.
pub async fn run_stroke(
    timers: Arc<Timers>,
    device: Weak<ServerDevice>,
    key: Key,
    route: Route,
    generation: u64,
) {
    loop {
        let wait = {
            let Some(device) = device.upgrade() else {
                return;
            };
            let mut state = timers.lock();
            let Some(s) = state
                .strokes
                .get_mut(&key)
                .filter(|s| s.generation == generation)
            else {
                return;
            };
            let step = stroke_position(&route.target, &route.limits, s.up);
            s.up = !s.up;
            let command = move_command(&route.limits, route.target.output, step, s.duration);
            if super::submit(&device, &[(route.feature, command)]).is_err() {
                state.strokes.remove(&key);
                return;
            }
            s_duration(&state, key)
        };
        tokio::time::sleep(wait).await;
    }
}

fn s_duration(state: &State, key: Key) -> Duration {
    state
        .strokes
        .get(&key)
        .map_or(Duration::from_millis(100), |s| s.duration)
}

/// Writes 0 once the hold's deadline passes, unless it was halted or moved on.
pub async fn run_hold(
    timers: Arc<Timers>,
    device: Weak<ServerDevice>,
    key: Key,
    route: Route,
    generation: u64,
) {
    loop {
        let deadline = {
            let state = timers.lock();
            match state.holds.get(&key).filter(|h| h.generation == generation) {
                Some(h) => h.deadline,
                None => return,
            }
        };
        tokio::time::sleep_until(deadline).await;
        let Some(device) = device.upgrade() else {
            return;
        };
        let mut state = timers.lock();
        match state.holds.get(&key).filter(|h| h.generation == generation) {
            None => return,
            Some(h) if h.deadline > Instant::now() => continue,
            Some(_) => {
                state.holds.remove(&key);
                let _ = super::submit(&device, &[(route.feature, zero(route.target.output))]);
                return;
            }
        }
    }
}
