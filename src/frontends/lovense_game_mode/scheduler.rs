//! Timed actions, loops and patterns as jobs: a job is a timeline of levels, each due at a
//! time measured from the job's start (so steps never drift), repeated or not, ending at a
//! total time. The job does not write anything itself: at each step it asks its [`JobSink`]
//! (the Game Mode controller, which submits through the server's session) to apply the
//! level, and the sink says whether the job still exists. Cancelling a job is removing it
//! from the sink's table (and aborting its task); a job that finds itself gone ends
//! without writing. Kept apart from the HTTP and session code so it can move onto a
//! shared playback engine.

use std::sync::Weak;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::request::Level;

/// One step of a timeline: at `at` from the start of the cycle, the job's outputs go to
/// their own level times `level`; outputs that move to a position over a time head for
/// `moving`'s level over its duration (the next keyframe), or to `level` when it is unset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub at: Duration,
    pub level: Level,
    pub moving: Option<(Level, Duration)>,
}

impl Step {
    /// A step at the start with no move.
    pub fn now(level: Level) -> Step {
        Step {
            at: Duration::ZERO,
            level,
            moving: None,
        }
    }
}

/// What a job plays.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Steps in time order; the first is at zero and applied by whoever starts the job.
    pub steps: Vec<Step>,
    /// The steps repeat with this period.
    pub cycle: Option<Duration>,
    /// The job ends (outputs to zero) at this time; without it a repeating job runs until
    /// cancelled and a non-repeating one ends at its last step.
    pub end: Option<Duration>,
}

impl Plan {
    /// On for the whole time (a timed action).
    pub fn timed(time: Duration) -> Plan {
        Plan {
            steps: vec![Step::now(Level::FULL)],
            cycle: None,
            end: Some(time),
        }
    }

    /// On for `running`, off for `pause`, repeated until `end`.
    pub fn looped(running: Duration, pause: Duration, end: Option<Duration>) -> Plan {
        Plan {
            steps: vec![
                Step::now(Level::FULL),
                Step {
                    at: running,
                    level: Level::ZERO,
                    moving: None,
                },
            ],
            cycle: Some(running + pause),
            end,
        }
    }

    /// Levels out of 20, one every `step`, repeated until `end`.
    pub fn series(levels: &[u32], step: Duration, end: Option<Duration>) -> Plan {
        Plan {
            steps: levels
                .iter()
                .enumerate()
                .map(|(i, l)| Step {
                    at: step * i as u32,
                    level: Level::new(*l, 20),
                    moving: None,
                })
                .collect(),
            cycle: Some(step * levels.len().max(1) as u32),
            end,
        }
    }

    /// Whether the plan needs a job after its first step.
    pub fn needs_job(&self) -> bool {
        self.steps.len() > 1 || self.cycle.is_some() || self.end.is_some()
    }

    /// The `n`-th step after the first, with its time from the start; `None` once a
    /// non-repeating plan has no more steps.
    fn nth(&self, n: usize) -> Option<(Duration, Step)> {
        let len = self.steps.len();
        if len == 0 {
            return None;
        }
        match self.cycle {
            Some(cycle) if !cycle.is_zero() => {
                let step = self.steps[n % len];
                Some((cycle * (n / len) as u32 + step.at, step))
            }
            _ => self.steps.get(n).map(|s| (s.at, *s)),
        }
    }
}

/// Where a job's steps go.
pub trait JobSink: Send + Sync + 'static {
    /// Applies a step to the job's outputs; `false` when the job no longer exists.
    fn step(&self, job: u64, step: Step) -> bool;
    /// The job's time is over: its outputs go to zero and it is removed.
    fn finish(&self, job: u64);
}

/// Runs a job whose first step was applied at `start`.
pub fn spawn(sink: Weak<dyn JobSink>, job: u64, plan: Plan, start: Instant) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut n = 1;
        loop {
            let next = plan.nth(n);
            let due = match (next, plan.end) {
                (Some((at, _)), Some(end)) if at >= end => None,
                (Some((at, step)), _) => Some((at, step)),
                (None, _) => None,
            };
            match due {
                Some((at, step)) => {
                    tokio::time::sleep_until(start + at).await;
                    let Some(sink) = sink.upgrade() else { return };
                    if !sink.step(job, step) {
                        return;
                    }
                    n += 1;
                }
                None => {
                    if let Some(end) = plan.end {
                        tokio::time::sleep_until(start + end).await;
                    }
                    if let Some(sink) = sink.upgrade() {
                        sink.finish(job);
                    }
                    return;
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    struct Recorder {
        steps: Mutex<Vec<(u128, Level)>>,
        finished: Mutex<Option<u128>>,
        start: Mutex<Option<Instant>>,
    }

    impl JobSink for Recorder {
        fn step(&self, _job: u64, step: Step) -> bool {
            let at = self.start.lock().unwrap().unwrap().elapsed().as_millis();
            self.steps.lock().unwrap().push((at, step.level));
            true
        }
        fn finish(&self, _job: u64) {
            let at = self.start.lock().unwrap().unwrap().elapsed().as_millis();
            *self.finished.lock().unwrap() = Some(at);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn loops_keep_time_and_end() {
        let rec = Arc::new(Recorder::default());
        let start = Instant::now();
        *rec.start.lock().unwrap() = Some(start);
        let sink: Arc<dyn JobSink> = rec.clone();
        let plan = Plan::looped(
            Duration::from_secs(2),
            Duration::from_secs(1),
            Some(Duration::from_secs(7)),
        );
        spawn(Arc::downgrade(&sink), 1, plan, start).await.unwrap();
        let steps = rec.steps.lock().unwrap().clone();
        let times: Vec<u128> = steps.iter().map(|s| s.0).collect();
        assert_eq!(times, vec![2000, 3000, 5000, 6000]);
        assert_eq!(steps[1].1, Level::FULL);
        assert_eq!(*rec.finished.lock().unwrap(), Some(7000));
    }

    #[tokio::test(start_paused = true)]
    async fn series_repeat_at_their_step() {
        let rec = Arc::new(Recorder::default());
        let start = Instant::now();
        *rec.start.lock().unwrap() = Some(start);
        let sink: Arc<dyn JobSink> = rec.clone();
        let plan = Plan::series(
            &[20, 5, 10],
            Duration::from_millis(100),
            Some(Duration::from_millis(650)),
        );
        spawn(Arc::downgrade(&sink), 1, plan, start).await.unwrap();
        let steps = rec.steps.lock().unwrap().clone();
        assert_eq!(
            steps,
            vec![
                (100, Level::new(5, 20)),
                (200, Level::new(10, 20)),
                (300, Level::new(20, 20)),
                (400, Level::new(5, 20)),
                (500, Level::new(10, 20)),
                (600, Level::new(20, 20)),
            ]
        );
        assert_eq!(*rec.finished.lock().unwrap(), Some(650));
    }
}
