//! Time: a wall clock behind a trait (tests drive a simulated one) and the media clock
//! that maps wall time to media time.
//!
//! The media clock plays at a rate, pauses, seeks and changes rate, each re-anchoring it
//! (`media = anchor_media + (wall - anchor_wall) * rate`). `sync(media)` from an external
//! player never jumps for small errors: the error is absorbed by running faster or slower
//! by at most [`MediaClock::max_slew`] of the rate until it is gone (a 100 ms error at the
//! default 5 % takes 2 s of playback). Errors beyond [`MediaClock::jump_after_ms`] are a
//! seek on the player's side and are followed at once.

use std::sync::Mutex;
use std::time::Instant;

/// A monotonic wall clock in milliseconds.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> f64;
}

/// The machine's monotonic clock.
pub struct MonotonicClock {
    start: Instant,
}

impl Default for MonotonicClock {
    fn default() -> Self {
        MonotonicClock {
            start: Instant::now(),
        }
    }
}

impl MonotonicClock {
    /// The instant `ms` after the start; beyond a year (or not a number) it is a year,
    /// which no schedule reaches, instead of a panic in `Duration`.
    pub fn instant_at(&self, ms: f64) -> Instant {
        const YEAR_MS: f64 = 365.0 * 24.0 * 3600.0 * 1000.0;
        let ms = if ms.is_nan() {
            YEAR_MS
        } else {
            ms.clamp(0.0, YEAR_MS)
        };
        self.start + std::time::Duration::from_secs_f64(ms / 1000.0)
    }
}

impl Clock for MonotonicClock {
    fn now_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }
}

/// A clock that moves only when told to, for tests.
#[derive(Default)]
pub struct SimulatedClock {
    now: Mutex<f64>,
}

impl SimulatedClock {
    pub fn advance(&self, ms: f64) {
        *crate::poison::lock(&self.now) += ms;
    }

    pub fn set(&self, ms: f64) {
        *crate::poison::lock(&self.now) = ms;
    }
}

impl Clock for SimulatedClock {
    fn now_ms(&self) -> f64 {
        *crate::poison::lock(&self.now)
    }
}

/// Why a clock request was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClockError {
    #[error("rate must be a finite number within 0.01..=16, got {0}")]
    Rate(f64),
    #[error("media time must be a finite number of milliseconds, got {0}")]
    Time(f64),
}

fn check_rate(rate: f64) -> Result<f64, ClockError> {
    if rate.is_finite() && (0.01..=16.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(ClockError::Rate(rate))
    }
}

fn check_time(ms: f64) -> Result<f64, ClockError> {
    if ms.is_finite() {
        Ok(ms)
    } else {
        Err(ClockError::Time(ms))
    }
}

/// Media time as a function of wall time (both in ms).
#[derive(Clone, Debug, PartialEq)]
pub struct MediaClock {
    playing: bool,
    rate: f64,
    anchor_wall: f64,
    anchor_media: f64,
    /// Error still to absorb since the anchor (ms of media time).
    correction: f64,
    /// Most extra rate used to absorb a sync error, as a fraction of the rate.
    pub max_slew: f64,
    /// Sync errors beyond this are followed at once (the player seeked).
    pub jump_after_ms: f64,
}

impl MediaClock {
    /// A paused clock at media time 0.
    pub fn new() -> MediaClock {
        MediaClock {
            playing: false,
            rate: 1.0,
            anchor_wall: 0.0,
            anchor_media: 0.0,
            correction: 0.0,
            max_slew: 0.05,
            jump_after_ms: 1000.0,
        }
    }

    pub fn is_playing(&self) -> bool {
        self.playing
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// How much of the correction has been absorbed by `wall`.
    fn absorbed(&self, wall: f64) -> f64 {
        if !self.playing || self.correction == 0.0 {
            return 0.0;
        }
        let capacity = (wall - self.anchor_wall).max(0.0) * self.rate * self.max_slew;
        self.correction.signum() * self.correction.abs().min(capacity)
    }

    /// Media time at wall time `wall`.
    pub fn media_at(&self, wall: f64) -> f64 {
        if !self.playing {
            return self.anchor_media;
        }
        self.anchor_media + (wall - self.anchor_wall).max(0.0) * self.rate + self.absorbed(wall)
    }

    /// The wall time at which media time `media` is reached (`None` while paused). Exact
    /// without a correction in progress; with one, within the slew of it (callers check
    /// again when they wake).
    pub fn wall_at(&self, media: f64) -> Option<f64> {
        if !self.playing {
            return None;
        }
        let guess = self.anchor_wall + (media - self.anchor_media) / self.rate;
        let guess = guess - (self.media_at(guess) - media) / self.rate;
        Some(guess.max(self.anchor_wall))
    }

    fn reanchor(&mut self, wall: f64) {
        let absorbed = self.absorbed(wall);
        self.anchor_media = self.media_at(wall);
        self.correction -= absorbed;
        self.anchor_wall = wall;
    }

    /// Plays from `media` at `rate`.
    pub fn play(&mut self, wall: f64, media: f64, rate: f64) -> Result<(), ClockError> {
        let rate = check_rate(rate)?;
        let media = check_time(media)?;
        self.playing = true;
        self.rate = rate;
        self.anchor_wall = wall;
        self.anchor_media = media;
        self.correction = 0.0;
        Ok(())
    }

    /// Plays on from where the clock is.
    pub fn resume(&mut self, wall: f64) {
        if !self.playing {
            self.anchor_wall = wall;
            self.playing = true;
        }
    }

    pub fn pause(&mut self, wall: f64) {
        if self.playing {
            self.reanchor(wall);
            self.correction = 0.0;
            self.playing = false;
        }
    }

    pub fn seek(&mut self, wall: f64, media: f64) -> Result<(), ClockError> {
        let media = check_time(media)?;
        self.anchor_wall = wall;
        self.anchor_media = media;
        self.correction = 0.0;
        Ok(())
    }

    pub fn set_rate(&mut self, wall: f64, rate: f64) -> Result<(), ClockError> {
        let rate = check_rate(rate)?;
        self.reanchor(wall);
        self.rate = rate;
        Ok(())
    }

    /// The external player says it is at `media` now. Small errors are slewed away, large
    /// ones followed at once; a paused clock just moves there.
    pub fn sync(&mut self, wall: f64, media: f64) -> Result<(), ClockError> {
        let media = check_time(media)?;
        if !self.playing {
            return self.seek(wall, media);
        }
        let error = media - self.media_at(wall);
        if error.abs() > self.jump_after_ms {
            return self.seek(wall, media);
        }
        self.reanchor(wall);
        self.correction = error;
        Ok(())
    }
}

impl Default for MediaClock {
    fn default() -> Self {
        MediaClock::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_instant_far_off_or_not_a_number_does_not_panic() {
        let clock = MonotonicClock::default();
        for ms in [f64::INFINITY, f64::NAN, 1e300, -5.0] {
            assert!(clock.instant_at(ms) >= clock.start);
        }
    }

    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) {
        assert!(
            (a - b).abs() <= tolerance,
            "{a} is not within {tolerance} of {b}"
        );
    }

    #[test]
    fn play_pause_seek_rate_on_a_simulated_clock() {
        let wall = SimulatedClock::default();
        let mut c = MediaClock::new();
        assert_eq!(c.media_at(wall.now_ms()), 0.0);
        c.play(wall.now_ms(), 1000.0, 1.0).unwrap();
        wall.advance(500.0);
        close(c.media_at(wall.now_ms()), 1500.0, 1e-9);
        c.pause(wall.now_ms());
        wall.advance(10_000.0);
        close(c.media_at(wall.now_ms()), 1500.0, 1e-9);
        assert_eq!(c.wall_at(2000.0), None);
        c.resume(wall.now_ms());
        wall.advance(100.0);
        close(c.media_at(wall.now_ms()), 1600.0, 1e-9);
        c.set_rate(wall.now_ms(), 2.0).unwrap();
        wall.advance(100.0);
        close(c.media_at(wall.now_ms()), 1800.0, 1e-9);
        close(c.wall_at(2000.0).unwrap(), wall.now_ms() + 100.0, 1e-9);
        c.seek(wall.now_ms(), 60_000.0).unwrap();
        wall.advance(10.0);
        close(c.media_at(wall.now_ms()), 60_020.0, 1e-9);
        assert_eq!(c.set_rate(0.0, 0.0), Err(ClockError::Rate(0.0)));
        assert!(matches!(c.seek(0.0, f64::NAN), Err(ClockError::Time(_))));
    }

    #[test]
    fn sync_slews_without_jumps_and_bounds_the_rate() {
        let mut c = MediaClock::new();
        c.play(0.0, 0.0, 1.0).unwrap();
        // The player is 200 ms ahead at wall 1000.
        c.sync(1000.0, 1200.0).unwrap();
        close(c.media_at(1000.0), 1000.0, 1e-9);
        let mut prev = c.media_at(1000.0);
        for step in 1..=10_000 {
            let w = 1000.0 + step as f64;
            let m = c.media_at(w);
            let rate = m - prev;
            assert!(
                (0.95 - 1e-9..=1.05 + 1e-9).contains(&rate),
                "rate {rate} at {w}"
            );
            prev = m;
        }
        // 200 ms absorbed at 5 %: done after 4 s.
        close(c.media_at(5000.0), 5200.0, 1e-9);
        close(c.media_at(9000.0), 9200.0, 1e-9);
        // A big error is a seek on the player's side: followed at once.
        c.sync(9000.0, 60_000.0).unwrap();
        close(c.media_at(9000.0), 60_000.0, 1e-9);
    }

    #[test]
    fn drift_stays_within_5ms_per_hour_with_1hz_sync() {
        // The player's clock runs 200 ppm fast (720 ms an hour) and reports with up to
        // 2 ms of jitter; we sync once a second.
        let mut c = MediaClock::new();
        c.play(0.0, 0.0, 1.0).unwrap();
        let mut worst: f64 = 0.0;
        let mut jitter_state = 1u64;
        for second in 1..=3600u32 {
            let wall = f64::from(second) * 1000.0;
            let truth = |w: f64| w * 1.0002;
            jitter_state = jitter_state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1);
            let jitter = ((jitter_state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 4.0;
            // Worst error just before this sync.
            worst = worst.max((c.media_at(wall) - truth(wall)).abs());
            c.sync(wall, truth(wall) + jitter).unwrap();
        }
        assert!(worst <= 5.0, "drifted {worst} ms");
    }
}
