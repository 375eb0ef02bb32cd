//! Interpolation between keyframes: linear, PCHIP (monotone cubic: never overshoots the
//! keyframes, so a stroke never goes past the positions the script names) and step.

/// How values between keyframes are found.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Interpolation {
    #[default]
    Linear,
    /// Piecewise cubic Hermite with Fritsch-Carlson slopes: monotone between keyframes.
    Pchip,
    /// Holds each keyframe's value until the next one.
    Step,
}

/// Keyframes (time in ms, value) and how to read between them. Before the first keyframe
/// the value is the first one's, after the last the last one's.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    times: Vec<f64>,
    values: Vec<f64>,
    slopes: Vec<f64>,
    interpolation: Interpolation,
}

impl Curve {
    /// `points` must be sorted by time with distinct times (as [`super::funscript`] gives
    /// them); points out of order are dropped.
    pub fn new(
        points: impl IntoIterator<Item = (f64, f64)>,
        interpolation: Interpolation,
    ) -> Curve {
        let mut times: Vec<f64> = Vec::new();
        let mut values = Vec::new();
        for (t, v) in points {
            if times.last().is_some_and(|last| t <= *last) || !t.is_finite() || !v.is_finite() {
                continue;
            }
            times.push(t);
            values.push(v);
        }
        let slopes = if interpolation == Interpolation::Pchip {
            pchip_slopes(&times, &values)
        } else {
            Vec::new()
        };
        Curve {
            times,
            values,
            slopes,
            interpolation,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn first_ms(&self) -> f64 {
        self.times.first().copied().unwrap_or(0.0)
    }

    pub fn last_ms(&self) -> f64 {
        self.times.last().copied().unwrap_or(0.0)
    }

    /// The keyframe `i` (time, value).
    pub fn point(&self, i: usize) -> Option<(f64, f64)> {
        Some((*self.times.get(i)?, self.values[i]))
    }

    /// Index of the first keyframe strictly after `t`.
    pub fn next_index(&self, t: f64) -> usize {
        self.times.partition_point(|x| *x <= t)
    }

    /// The value at time `t` (ms).
    pub fn value_at(&self, t: f64) -> f64 {
        let n = self.times.len();
        if n == 0 {
            return 0.0;
        }
        let i = self.next_index(t);
        if i == 0 {
            return self.values[0];
        }
        if i == n {
            return self.values[n - 1];
        }
        let (t0, t1) = (self.times[i - 1], self.times[i]);
        let (v0, v1) = (self.values[i - 1], self.values[i]);
        let h = t1 - t0;
        let s = (t - t0) / h;
        match self.interpolation {
            Interpolation::Step => v0,
            Interpolation::Linear => v0 + (v1 - v0) * s,
            Interpolation::Pchip => {
                let (d0, d1) = (self.slopes[i - 1], self.slopes[i]);
                let s2 = s * s;
                let s3 = s2 * s;
                let h00 = 2.0 * s3 - 3.0 * s2 + 1.0;
                let h10 = s3 - 2.0 * s2 + s;
                let h01 = -2.0 * s3 + 3.0 * s2;
                let h11 = s3 - s2;
                h00 * v0 + h10 * h * d0 + h01 * v1 + h11 * h * d1
            }
        }
    }
}

/// Fritsch-Carlson slopes: the weighted harmonic mean of the neighbouring secants inside,
/// zero where the secants change sign (an extremum stays at its keyframe), and a
/// shape-preserving one-sided estimate at the ends.
fn pchip_slopes(t: &[f64], v: &[f64]) -> Vec<f64> {
    let n = t.len();
    if n < 2 {
        return vec![0.0; n];
    }
    let h: Vec<f64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    let delta: Vec<f64> = (0..n - 1).map(|i| (v[i + 1] - v[i]) / h[i]).collect();
    if n == 2 {
        return vec![delta[0]; 2];
    }
    let mut d = vec![0.0; n];
    for k in 1..n - 1 {
        let (a, b) = (delta[k - 1], delta[k]);
        if a == 0.0 || b == 0.0 || a.signum() != b.signum() {
            d[k] = 0.0;
        } else {
            let w1 = 2.0 * h[k] + h[k - 1];
            let w2 = h[k] + 2.0 * h[k - 1];
            d[k] = (w1 + w2) / (w1 / a + w2 / b);
        }
    }
    d[0] = end_slope(h[0], h[1], delta[0], delta[1]);
    d[n - 1] = end_slope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
    d
}

fn end_slope(h0: f64, h1: f64, del0: f64, del1: f64) -> f64 {
    let d = ((2.0 * h0 + h1) * del0 - h0 * del1) / (h0 + h1);
    if d.signum() != del0.signum() || del0 == 0.0 {
        0.0
    } else if del0.signum() != del1.signum() && d.abs() > 3.0 * del0.abs() {
        3.0 * del0
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(points: &[(f64, f64)], i: Interpolation) -> Curve {
        Curve::new(points.iter().copied(), i)
    }

    #[test]
    fn linear_and_step_by_hand() {
        let pts = [(0.0, 0.0), (100.0, 1.0), (300.0, 0.5)];
        let l = curve(&pts, Interpolation::Linear);
        assert_eq!(l.value_at(-5.0), 0.0);
        assert_eq!(l.value_at(25.0), 0.25);
        assert_eq!(l.value_at(100.0), 1.0);
        assert_eq!(l.value_at(200.0), 0.75);
        assert_eq!(l.value_at(1000.0), 0.5);
        let s = curve(&pts, Interpolation::Step);
        assert_eq!(s.value_at(99.9), 0.0);
        assert_eq!(s.value_at(100.0), 1.0);
        assert_eq!(s.value_at(299.0), 1.0);
    }

    #[test]
    fn pchip_by_hand() {
        // Secants 1/100 and 1/100 per ms: equal, so the inner slope is 0.01 and the curve
        // is the straight line.
        let c = curve(
            &[(0.0, 0.0), (100.0, 1.0), (200.0, 2.0)],
            Interpolation::Pchip,
        );
        assert!((c.value_at(50.0) - 0.5).abs() < 1e-12);
        assert!((c.value_at(150.0) - 1.5).abs() < 1e-12);
        // A peak: slope 0 at the middle keyframe. Left end slope by the three-point
        // formula: ((2*100+100)*0.01 - 100*(-0.01)) / 200 = 0.02. At s = 0.5 of the first
        // segment: h00*0 + h10*100*0.02 + h01*1 + h11*100*0 = 0.125*2 + 0.5 = 0.75.
        let p = curve(
            &[(0.0, 0.0), (100.0, 1.0), (200.0, 0.0)],
            Interpolation::Pchip,
        );
        assert!((p.value_at(50.0) - 0.75).abs() < 1e-12);
        assert!((p.value_at(150.0) - 0.75).abs() < 1e-12);
    }

    #[test]
    fn pchip_is_monotone_and_never_overshoots() {
        // A deterministic ragged script: strokes of uneven size and speed.
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut pts = Vec::new();
        let mut t = 0.0;
        for _ in 0..500 {
            t += 20.0 + next() * 400.0;
            let v = if next() < 0.2 {
                pts.last().map_or(0.0, |p: &(f64, f64)| p.1)
            } else {
                next()
            };
            pts.push((t, v));
        }
        let c = curve(&pts, Interpolation::Pchip);
        for w in pts.windows(2) {
            let ((t0, v0), (t1, v1)) = (w[0], w[1]);
            let (lo, hi) = (v0.min(v1), v0.max(v1));
            let mut prev = v0;
            for k in 0..=50 {
                let x = c.value_at(t0 + (t1 - t0) * k as f64 / 50.0);
                assert!(
                    x >= lo - 1e-9 && x <= hi + 1e-9,
                    "overshoot {x} outside [{lo}, {hi}]"
                );
                if v1 >= v0 {
                    assert!(x >= prev - 1e-9, "not monotone rising");
                } else {
                    assert!(x <= prev + 1e-9, "not monotone falling");
                }
                prev = x;
            }
        }
    }

    #[test]
    fn out_of_order_points_are_dropped() {
        let c = curve(
            &[(0.0, 0.0), (10.0, 1.0), (5.0, 0.3), (10.0, 0.2)],
            Interpolation::Linear,
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c.next_index(0.0), 1);
        assert_eq!(c.next_index(10.0), 2);
    }
}
