//! Lovense Game Mode request bodies: any bytes either fail with an error that says what
//! was wrong, or give a command within the documented limits (levels, pattern steps,
//! PatternV2 times and offsets).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plugwire::frontends::lovense_game_mode::request::{
    self, Command, PATTERN_MAX_LEVELS, PATTERN_MIN_STEP_MS, PATTERN_V2_MAX_MS,
    PATTERN_V2_MAX_OFFSET_MS,
};

fuzz_target!(|data: &[u8]| {
    let command = match request::parse(data) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.message.is_empty());
            return;
        }
    };
    match command {
        Command::Function { request, .. } => {
            assert!(!request.actions.is_empty());
            for (function, level) in &request.actions {
                assert!(
                    level.den > 0 && level.num <= level.den,
                    "{function:?} {level:?}"
                );
            }
        }
        Command::Pattern { pattern, .. } => {
            assert!(!pattern.levels.is_empty() && pattern.levels.len() <= PATTERN_MAX_LEVELS);
            assert!(
                pattern.levels.iter().all(|l| *l <= 20),
                "{:?}",
                pattern.levels
            );
            assert!(pattern.step.as_millis() >= u128::from(PATTERN_MIN_STEP_MS));
            assert!(!pattern.functions.is_empty());
        }
        Command::PatternV2Setup { actions } => {
            assert!(!actions.is_empty());
            for pair in actions.windows(2) {
                assert!(pair[0].ts_ms < pair[1].ts_ms, "{pair:?}");
            }
            for k in &actions {
                assert!(u64::from(k.ts_ms) <= PATTERN_V2_MAX_MS, "{k:?}");
                assert!(k.pos <= 100, "{k:?}");
            }
        }
        Command::PatternV2Play { offset_ms, .. } => {
            assert!(u64::from(offset_ms) <= PATTERN_V2_MAX_OFFSET_MS);
        }
        Command::Position { value, .. } => assert!(value <= 100, "position {value}"),
        _ => {}
    }
});
