//! Pattern construction and playback: waveforms and keyframe patterns with any numbers
//! (NaN, infinities, negatives, huge) either fail with an error or give a pattern whose
//! values stay in 0..=1 at every time and whose next point lies ahead of the time asked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plugwire::playback::{Easing, Keyframe, Pattern, Waveform};

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }

    /// Any f64 bit pattern half the time, a small ordinary number otherwise.
    fn number(&mut self) -> f64 {
        if self.byte() & 1 == 0 {
            f64::from_le_bytes(std::array::from_fn(|_| self.byte()))
        } else {
            f64::from(self.byte()) * 10.0 - 100.0
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let period = b.number();
    let built = match b.byte() % 7 {
        0 => Pattern::waveform(Waveform::Sine, period),
        1 => Pattern::waveform(Waveform::Square, period),
        2 => Pattern::waveform(Waveform::Saw, period),
        3 => Pattern::waveform(Waveform::Triangle, period),
        4 => Pattern::waveform(Waveform::Pulse { duty: b.number() }, period),
        5 => {
            let seed = u64::from_le_bytes(std::array::from_fn(|_| b.byte()));
            Pattern::waveform(
                Waveform::RandomWalk {
                    seed,
                    step: b.number(),
                },
                period,
            )
        }
        _ => {
            let count = usize::from(b.byte() % 12);
            let keyframes = (0..count)
                .map(|_| Keyframe {
                    at_ms: b.number(),
                    value: b.number(),
                    easing: match b.byte() % 5 {
                        0 => Easing::Linear,
                        1 => Easing::EaseIn,
                        2 => Easing::EaseOut,
                        3 => Easing::EaseInOut,
                        _ => Easing::Hold,
                    },
                })
                .collect();
            Pattern::keyframes(keyframes)
        }
    };
    let looped = b.byte() & 1 == 0;
    let (amplitude, time_scale) = (b.number(), b.number());
    let pattern = built
        .map(|p| p.looped(looped))
        .and_then(|p| p.amplitude(amplitude))
        .and_then(|p| p.time_scale(time_scale));
    let pattern = match pattern {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    if let Some(end) = pattern.end_ms() {
        assert!(end.is_finite() && end >= 0.0, "end {end}");
    }
    for _ in 0..16 {
        let t = b.number();
        let v = pattern.value_at(t);
        assert!((0.0..=1.0).contains(&v), "value at {t}: {v}");
        if let Some((at, value)) = pattern.next_point(t) {
            assert!(at.is_finite(), "next point at {at} after {t}");
            if t.is_finite() {
                assert!(at >= t, "next point at {at} before {t}");
            }
            assert!((0.0..=1.0).contains(&value), "next point value {value}");
        }
    }
});
