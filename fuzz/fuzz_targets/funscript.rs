//! Funscript parsing: any text either fails with an error that names the file, or gives
//! a script whose every axis is sorted by time with finite times and positions in 0..=1,
//! and which plays (as a curve, in every interpolation) to values inside that range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plugwire::playback::{Curve, Funscript, Interpolation};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let script = match Funscript::parse(&text, "fuzz.funscript") {
        Ok(s) => s,
        Err(e) => {
            assert!(e.to_string().contains("fuzz.funscript"), "{e}");
            return;
        }
    };
    let end = script.end_ms();
    assert!(end.is_finite() && end >= 0.0, "end {end}");
    for (axis, actions) in &script.axes {
        for pair in actions.windows(2) {
            assert!(
                pair[0].at_ms < pair[1].at_ms,
                "{axis:?} not sorted: {pair:?}"
            );
        }
        for a in actions {
            assert!(a.at_ms.is_finite(), "{axis:?} time {}", a.at_ms);
            assert!((0.0..=1.0).contains(&a.pos), "{axis:?} position {}", a.pos);
        }
        for interpolation in [
            Interpolation::Linear,
            Interpolation::Pchip,
            Interpolation::Step,
        ] {
            let curve = Curve::new(actions.iter().map(|a| (a.at_ms, a.pos)), interpolation);
            assert_eq!(curve.len(), actions.len());
            if curve.is_empty() {
                continue;
            }
            let (first, last) = (curve.first_ms(), curve.last_ms());
            for i in 0..=16 {
                let t = first - 1.0 + (last - first + 2.0) * f64::from(i) / 16.0;
                let v = curve.value_at(t);
                assert!((0.0..=1.0).contains(&v), "{interpolation:?} at {t}: {v}");
            }
        }
    }
});
