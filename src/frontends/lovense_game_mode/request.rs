//! Game Mode requests: the JSON a game posts to `/command`, checked and turned into
//! [`Command`]s; every mistake becomes an [`ApiError`] with the protocol's code.

use std::time::Duration;

use serde_json::Value;

/// The protocol's error codes (see docs/lovense-game-mode.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidCommand = 400,
    ToyNotFound = 401,
    ToyNotConnected = 402,
    Unsupported = 403,
    InvalidParameter = 404,
    ServerError = 506,
}

/// An error answer: its code and a message naming what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    fn parameter(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidParameter, message)
    }
}

/// A Lovense function (an action of `Function`, a letter of a `Pattern` rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    Vibrate,
    Rotate,
    Pump,
    Thrusting,
    Fingering,
    Suction,
    Depth,
    Stroke,
    Oscillate,
    All,
}

impl Function {
    const NAMES: [(Function, &'static str, char); 10] = [
        (Function::Vibrate, "Vibrate", 'v'),
        (Function::Rotate, "Rotate", 'r'),
        (Function::Pump, "Pump", 'p'),
        (Function::Thrusting, "Thrusting", 't'),
        (Function::Fingering, "Fingering", 'f'),
        (Function::Suction, "Suction", 's'),
        (Function::Depth, "Depth", 'd'),
        (Function::Stroke, "Stroke", 'x'),
        (Function::Oscillate, "Oscillate", 'o'),
        (Function::All, "All", 'a'),
    ];

    fn from_name(name: &str) -> Option<Function> {
        Self::NAMES
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(f, _, _)| *f)
    }

    fn from_letter(letter: char) -> Option<Function> {
        Self::NAMES
            .iter()
            .filter(|(f, _, _)| !matches!(f, Function::Stroke | Function::All))
            .find(|(_, _, l)| *l == letter.to_ascii_lowercase())
            .map(|(f, _, _)| *f)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// The highest level of the function.
    pub fn top(self) -> u32 {
        match self {
            Function::Pump | Function::Depth => 3,
            Function::Stroke => 100,
            _ => 20,
        }
    }

    /// Every function a `Pattern` with an empty `F:` drives.
    pub const PATTERN_ALL: [Function; 5] = [
        Function::Vibrate,
        Function::Rotate,
        Function::Pump,
        Function::Thrusting,
        Function::Suction,
    ];
}

/// A level as a fraction `num / den` of a function's full range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level {
    pub num: u32,
    pub den: u32,
}

impl Level {
    pub const FULL: Level = Level { num: 1, den: 1 };
    pub const ZERO: Level = Level { num: 0, den: 1 };

    pub fn new(num: u32, den: u32) -> Level {
        Level { num, den }
    }

    pub fn times(self, other: Level) -> Level {
        Level {
            num: self.num * other.num,
            den: self.den * other.den,
        }
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }
}

/// Which toys a command is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Toys {
    All,
    Ids(Vec<String>),
}

/// A `Function` request (without `Stop`).
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionRequest {
    pub actions: Vec<(Function, Level)>,
    pub time: Option<Duration>,
    pub looped: Option<(Duration, Duration)>,
    pub stop_previous: bool,
}

/// A strength series played at a fixed step.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternRequest {
    pub functions: Vec<Function>,
    pub step: Duration,
    /// Levels out of 20.
    pub levels: Vec<u32>,
    pub time: Option<Duration>,
}

/// One PatternV2 keyframe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keyframe {
    pub ts_ms: u32,
    pub pos: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    GetToys,
    GetToyName,
    Function {
        toys: Toys,
        request: FunctionRequest,
    },
    Stop {
        toys: Toys,
    },
    Pattern {
        toys: Toys,
        pattern: PatternRequest,
    },
    Position {
        toys: Toys,
        value: u32,
    },
    PatternV2Setup {
        actions: Vec<Keyframe>,
    },
    PatternV2Play {
        toys: Toys,
        start_ms: u32,
        offset_ms: u32,
        total: Option<Duration>,
    },
    PatternV2Stop {
        toys: Toys,
    },
    PatternV2SyncTime,
}

/// The built-in presets: (name, levels out of 20, step). The app's own shapes are not
/// public; these are plugwire's.
pub const PRESETS: [(&str, &[u32], u64); 4] = [
    ("pulse", &[20, 0], 500),
    ("wave", &[4, 8, 12, 16, 20, 16, 12, 8], 300),
    ("fireworks", &[20, 14, 8, 4, 0, 0], 200),
    ("earthquake", &[20, 12, 18, 6, 16, 10, 20, 4], 150),
];

/// Most levels in one `Pattern`.
pub const PATTERN_MAX_LEVELS: usize = 50;
/// Shortest `Pattern` step.
pub const PATTERN_MIN_STEP_MS: u64 = 100;
/// Latest PatternV2 time.
pub const PATTERN_V2_MAX_MS: u64 = 7_200_000;
/// Largest PatternV2 `offsetTime`.
pub const PATTERN_V2_MAX_OFFSET_MS: u64 = 15_000;

/// Parses a request body.
pub fn parse(body: &[u8]) -> Result<Command, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidCommand,
            format!("the body is not JSON: {e}"),
        )
    })?;
    let Some(object) = value.as_object() else {
        return Err(ApiError::new(
            ErrorCode::InvalidCommand,
            "the body must be a JSON object",
        ));
    };
    let command = match object.get("command") {
        Some(Value::String(c)) => c.as_str(),
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidCommand,
                "command: must be a string",
            ));
        }
        None => {
            return Err(ApiError::new(ErrorCode::InvalidCommand, "command: missing"));
        }
    };
    match command {
        "GetToys" => Ok(Command::GetToys),
        "GetToyName" => Ok(Command::GetToyName),
        "Function" => parse_function(&value),
        "Stop" => Ok(Command::Stop {
            toys: toys(&value)?,
        }),
        "Pattern" => Ok(Command::Pattern {
            toys: toys(&value)?,
            pattern: parse_pattern(&value)?,
        }),
        "Preset" => Ok(Command::Pattern {
            toys: toys(&value)?,
            pattern: parse_preset(&value)?,
        }),
        "Position" => Ok(Command::Position {
            toys: toys(&value)?,
            value: parse_position(&value)?,
        }),
        "PatternV2" => parse_pattern_v2(&value),
        other => Err(ApiError::new(
            ErrorCode::InvalidCommand,
            format!("command: unknown command {other:?}"),
        )),
    }
}

fn toys(v: &Value) -> Result<Toys, ApiError> {
    match v.get("toy") {
        None | Some(Value::Null) => Ok(Toys::All),
        Some(Value::String(s)) if s.is_empty() => Ok(Toys::All),
        Some(Value::String(s)) => Ok(Toys::Ids(vec![s.clone()])),
        Some(Value::Array(ids)) => {
            let ids = ids
                .iter()
                .map(|id| id.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ApiError::parameter("toy: a list of toy ids must hold strings"))?;
            if ids.is_empty() {
                Ok(Toys::All)
            } else {
                Ok(Toys::Ids(ids))
            }
        }
        Some(_) => Err(ApiError::parameter(
            "toy: must be a toy id or a list of toy ids",
        )),
    }
}

/// A number field, also accepted as a numeric string (games send both).
fn number(v: &Value, field: &str) -> Result<Option<f64>, ApiError> {
    let n = match v.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match n {
        Some(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(ApiError::parameter(format!("{field}: must be a number"))),
    }
}

/// Seconds: 0 (or absent) = no limit; otherwise positive.
fn seconds(v: &Value, field: &str) -> Result<Option<Duration>, ApiError> {
    match number(v, field)? {
        None => Ok(None),
        Some(0.0) => Ok(None),
        Some(s) if s > 0.0 && s <= 1e9 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(ApiError::parameter(format!(
            "{field}: {s} seconds is not a time (0 or more)"
        ))),
    }
}

fn parse_function(v: &Value) -> Result<Command, ApiError> {
    let toys = toys(v)?;
    let action = match v.get("action") {
        Some(Value::String(a)) => a.trim(),
        Some(_) => return Err(ApiError::parameter("action: must be a string")),
        None => return Err(ApiError::parameter("action: missing")),
    };
    if action.eq_ignore_ascii_case("stop") {
        return Ok(Command::Stop { toys });
    }
    let mut actions = Vec::new();
    for part in action.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, level) = part.split_once(':').ok_or_else(|| {
            ApiError::parameter(format!("action: {part:?} needs a level (Name:level)"))
        })?;
        let function = Function::from_name(name.trim()).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("action: unknown action {:?}", name.trim()),
            )
        })?;
        if function == Function::Stroke {
            // Stroke is a min-max pair (`Stroke:20-80`); plugwire has no output for it.
            actions.push((function, Level::ZERO));
            continue;
        }
        let level: u32 = level.trim().parse().map_err(|_| {
            ApiError::parameter(format!(
                "action: {part:?}: the level must be a whole number"
            ))
        })?;
        if level > function.top() {
            return Err(ApiError::parameter(format!(
                "action: {part:?}: {} takes 0-{}",
                function.name(),
                function.top()
            )));
        }
        actions.push((function, Level::new(level, function.top())));
    }
    if actions.is_empty() {
        return Err(ApiError::parameter("action: empty"));
    }
    let time = seconds(v, "timeSec")?;
    let running = seconds(v, "loopRunningSec")?;
    let pause = seconds(v, "loopPauseSec")?;
    let looped = match (running, pause) {
        (Some(r), Some(p)) => Some((r, p)),
        _ => None,
    };
    let stop_previous = match number(v, "stopPrevious")? {
        None => true,
        Some(1.0) => true,
        Some(0.0) => false,
        Some(n) => {
            return Err(ApiError::parameter(format!(
                "stopPrevious: {n} (must be 0 or 1)"
            )));
        }
    };
    Ok(Command::Function {
        toys,
        request: FunctionRequest {
            actions,
            time,
            looped,
            stop_previous,
        },
    })
}

fn string<'a>(v: &'a Value, field: &str) -> Result<&'a str, ApiError> {
    match v.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::parameter(format!("{field}: must be a string"))),
        None => Err(ApiError::parameter(format!("{field}: missing"))),
    }
}

fn parse_pattern(v: &Value) -> Result<PatternRequest, ApiError> {
    let rule = string(v, "rule")?;
    let mut functions = Vec::new();
    let mut step = None;
    for part in rule.trim().trim_end_matches('#').split(';') {
        let Some((key, value)) = part.split_once(':') else {
            continue;
        };
        match key.trim() {
            "V" => {}
            "F" => {
                for letter in value.chars().filter(|c| *c != ',' && !c.is_whitespace()) {
                    let f = Function::from_letter(letter).ok_or_else(|| {
                        ApiError::parameter(format!("rule: unknown function letter {letter:?}"))
                    })?;
                    if !functions.contains(&f) {
                        functions.push(f);
                    }
                }
            }
            "S" => {
                let ms: u64 = value.trim().parse().map_err(|_| {
                    ApiError::parameter(format!("rule: S:{value}: not a number of milliseconds"))
                })?;
                if ms < PATTERN_MIN_STEP_MS {
                    return Err(ApiError::parameter(format!(
                        "rule: S:{ms}: the step must be at least {PATTERN_MIN_STEP_MS} ms"
                    )));
                }
                step = Some(Duration::from_millis(ms));
            }
            other => {
                return Err(ApiError::parameter(format!("rule: unknown part {other:?}")));
            }
        }
    }
    let step = step.ok_or_else(|| ApiError::parameter("rule: no step (S:milliseconds)"))?;
    if functions.is_empty() {
        functions = Function::PATTERN_ALL.to_vec();
    }
    let strength = string(v, "strength")?;
    let levels = strength
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<u32>() {
            Ok(l) if l <= 20 => Ok(l),
            _ => Err(ApiError::parameter(format!(
                "strength: {s:?} is not a level 0-20"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if levels.is_empty() || levels.len() > PATTERN_MAX_LEVELS {
        return Err(ApiError::parameter(format!(
            "strength: {} levels (1 to {PATTERN_MAX_LEVELS})",
            levels.len()
        )));
    }
    Ok(PatternRequest {
        functions,
        step,
        levels,
        time: seconds(v, "timeSec")?,
    })
}

fn parse_preset(v: &Value) -> Result<PatternRequest, ApiError> {
    let name = string(v, "name")?;
    let (_, levels, step) = PRESETS
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            ApiError::parameter(format!(
                "name: unknown preset {name:?} (pulse, wave, fireworks, earthquake)"
            ))
        })?;
    Ok(PatternRequest {
        functions: Function::PATTERN_ALL.to_vec(),
        step: Duration::from_millis(*step),
        levels: levels.to_vec(),
        time: seconds(v, "timeSec")?,
    })
}

fn parse_position(v: &Value) -> Result<u32, ApiError> {
    match number(v, "value")? {
        Some(p) if (0.0..=100.0).contains(&p) && p.fract() == 0.0 => Ok(p as u32),
        Some(p) => Err(ApiError::parameter(format!(
            "value: {p} is not a position 0-100"
        ))),
        None => Err(ApiError::parameter("value: missing")),
    }
}

fn whole_ms(v: &Value, field: &str, max: u64) -> Result<Option<u32>, ApiError> {
    match number(v, field)? {
        None => Ok(None),
        Some(n) if n >= 0.0 && n <= max as f64 && n.fract() == 0.0 => Ok(Some(n as u32)),
        Some(n) => Err(ApiError::parameter(format!(
            "{field}: {n} (whole milliseconds, 0-{max})"
        ))),
    }
}

fn parse_pattern_v2(v: &Value) -> Result<Command, ApiError> {
    match string(v, "type")? {
        "Setup" => {
            let Some(Value::Array(list)) = v.get("actions") else {
                return Err(ApiError::parameter(
                    "actions: missing (a list of {ts, pos})",
                ));
            };
            let mut actions: Vec<Keyframe> = Vec::with_capacity(list.len());
            for (i, a) in list.iter().enumerate() {
                let ts = whole_ms(a, "ts", PATTERN_V2_MAX_MS)?
                    .ok_or_else(|| ApiError::parameter(format!("actions[{i}].ts: missing")))?;
                let pos = match number(a, "pos")? {
                    Some(p) if (0.0..=100.0).contains(&p) => p.round() as u32,
                    _ => {
                        return Err(ApiError::parameter(format!(
                            "actions[{i}].pos: a level 0-100"
                        )));
                    }
                };
                if actions.last().is_some_and(|last| ts <= last.ts_ms) {
                    return Err(ApiError::parameter(format!(
                        "actions[{i}].ts: {ts} is not after the previous one"
                    )));
                }
                actions.push(Keyframe { ts_ms: ts, pos });
            }
            if actions.is_empty() {
                return Err(ApiError::parameter("actions: empty"));
            }
            Ok(Command::PatternV2Setup { actions })
        }
        "Play" => {
            let total = match number(v, "timeMsTotal")? {
                None => None,
                Some(n) if n > 100.0 && n <= PATTERN_V2_MAX_MS as f64 => {
                    Some(Duration::from_millis(n as u64))
                }
                Some(n) => {
                    return Err(ApiError::parameter(format!(
                        "timeMsTotal: {n} (more than 100 ms)"
                    )));
                }
            };
            Ok(Command::PatternV2Play {
                toys: toys(v)?,
                start_ms: whole_ms(v, "startTime", PATTERN_V2_MAX_MS)?.unwrap_or(0),
                offset_ms: whole_ms(v, "offsetTime", PATTERN_V2_MAX_OFFSET_MS)?.unwrap_or(0),
                total,
            })
        }
        "Stop" => Ok(Command::PatternV2Stop { toys: toys(v)? }),
        "SyncTime" => Ok(Command::PatternV2SyncTime),
        other => Err(ApiError::parameter(format!(
            "type: unknown PatternV2 type {other:?} (Setup, Play, Stop, SyncTime)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: serde_json::Value) -> Result<Command, ApiError> {
        parse(v.to_string().as_bytes())
    }

    #[test]
    fn function_actions_levels_and_times() {
        let c = p(serde_json::json!({"command": "Function", "action": "Vibrate:2,Rotate:3,Pump:3",
            "timeSec": 20, "loopRunningSec": 9, "loopPauseSec": 4, "toy": "ff922f7fd345", "apiVer": 1}))
        .unwrap();
        let Command::Function { toys, request } = c else {
            panic!()
        };
        assert_eq!(toys, Toys::Ids(vec!["ff922f7fd345".into()]));
        assert_eq!(
            request.actions,
            vec![
                (Function::Vibrate, Level::new(2, 20)),
                (Function::Rotate, Level::new(3, 20)),
                (Function::Pump, Level::new(3, 3))
            ]
        );
        assert_eq!(request.time, Some(Duration::from_secs(20)));
        assert_eq!(
            request.looped,
            Some((Duration::from_secs(9), Duration::from_secs(4)))
        );
        assert!(request.stop_previous);
    }

    #[test]
    fn bad_requests_get_the_protocol_codes() {
        let code = |v| p(v).unwrap_err().code;
        assert_eq!(
            code(serde_json::json!({"command": "Fly"})),
            ErrorCode::InvalidCommand
        );
        assert_eq!(code(serde_json::json!({"x": 1})), ErrorCode::InvalidCommand);
        assert_eq!(
            code(serde_json::json!({"command": "Function", "action": "Vibrate:21", "timeSec": 0})),
            ErrorCode::InvalidParameter
        );
        assert_eq!(
            code(serde_json::json!({"command": "Function", "action": "Pump:4", "timeSec": 0})),
            ErrorCode::InvalidParameter
        );
        assert_eq!(
            code(serde_json::json!({"command": "Function", "action": "Vibrate:5", "timeSec": -1})),
            ErrorCode::InvalidParameter
        );
        assert_eq!(
            code(
                serde_json::json!({"command": "Pattern", "rule": "V:1;F:v;S:50#", "strength": "1"})
            ),
            ErrorCode::InvalidParameter
        );
        assert_eq!(
            code(serde_json::json!({"command": "Preset", "name": "storm"})),
            ErrorCode::InvalidParameter
        );
        assert!(parse(b"{not json").is_err());
    }

    #[test]
    fn pattern_rules_both_spellings() {
        for rule in ["V:1;F:vrp;S:1000#", "V:1;F:v,r,p;S:1000#"] {
            let Command::Pattern { pattern, .. } = p(serde_json::json!({"command": "Pattern",
                "rule": rule, "strength": "20;20;5;20;10", "timeSec": 9}))
            .unwrap() else {
                panic!()
            };
            assert_eq!(
                pattern.functions,
                vec![Function::Vibrate, Function::Rotate, Function::Pump]
            );
            assert_eq!(pattern.step, Duration::from_millis(1000));
            assert_eq!(pattern.levels, vec![20, 20, 5, 20, 10]);
        }
    }
}
