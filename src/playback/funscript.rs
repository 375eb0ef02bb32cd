//! Funscripts: the community format for timed positions (`*.funscript`, JSON).
//!
//! Read leniently where real files are sloppy and strictly where they are unusable:
//! - actions may be unsorted (they are sorted by `at`); a duplicate `at` keeps the last one
//!   in the file; `at` and `pos` may be integers, floats or numeric strings;
//! - `range` (legacy; positions run `0..=range`, default 100) and `inverted` are applied,
//!   so every position comes out as a fraction `0.0..=1.0`;
//! - `metadata` (title, creator, chapters, bookmarks, ...) is kept; chapter and bookmark
//!   times may be `"HH:MM:SS.mmm"` strings or milliseconds;
//! - multi-axis scripts: an `axes` array (`{"id": "R0", "actions": [...]}`) in one file, or
//!   sibling files `name.<axis>.funscript` (see [`Axis::from_file_name`]);
//! - an unusable file gets a [`FunscriptError`] naming the place (`actions[12].pos`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why a funscript cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FunscriptError {
    #[error("{file}: not JSON: {message} (line {line}, column {column})")]
    Json {
        file: String,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("{file}: {place}: {problem}")]
    Field {
        file: String,
        place: String,
        problem: String,
    },
    #[error("{file}: {message}")]
    Io { file: String, message: String },
}

/// The TCode axes a multi-axis script drives.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Axis {
    L0,
    L1,
    L2,
    R0,
    R1,
    R2,
    V0,
    V1,
    V2,
    A0,
    A1,
    A2,
}

impl Axis {
    pub const ALL: [Axis; 12] = [
        Axis::L0,
        Axis::L1,
        Axis::L2,
        Axis::R0,
        Axis::R1,
        Axis::R2,
        Axis::V0,
        Axis::V1,
        Axis::V2,
        Axis::A0,
        Axis::A1,
        Axis::A2,
    ];

    /// The TCode name (`L0`).
    pub fn name(self) -> &'static str {
        match self {
            Axis::L0 => "L0",
            Axis::L1 => "L1",
            Axis::L2 => "L2",
            Axis::R0 => "R0",
            Axis::R1 => "R1",
            Axis::R2 => "R2",
            Axis::V0 => "V0",
            Axis::V1 => "V1",
            Axis::V2 => "V2",
            Axis::A0 => "A0",
            Axis::A1 => "A1",
            Axis::A2 => "A2",
        }
    }

    /// The word players use in multi-file names (`name.surge.funscript`).
    pub fn alias(self) -> &'static str {
        match self {
            Axis::L0 => "stroke",
            Axis::L1 => "surge",
            Axis::L2 => "sway",
            Axis::R0 => "twist",
            Axis::R1 => "roll",
            Axis::R2 => "pitch",
            Axis::V0 => "vib",
            Axis::V1 => "pump",
            Axis::V2 => "v2",
            Axis::A0 => "valve",
            Axis::A1 => "suck",
            Axis::A2 => "lube",
        }
    }

    /// An axis from its TCode name or its alias, any case.
    pub fn from_name(name: &str) -> Option<Axis> {
        Axis::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name) || a.alias().eq_ignore_ascii_case(name))
    }

    /// The axis a file of a multi-file script carries: `video.funscript` is L0,
    /// `video.twist.funscript` or `video.R0.funscript` is R0; `None` when the file is not
    /// a funscript or names no axis.
    pub fn from_file_name(file_name: &str) -> Option<Axis> {
        let stem = strip_suffix_ignore_case(file_name, ".funscript")?;
        match stem.rsplit_once('.') {
            Some((_, word)) => Axis::from_name(word).or(Some(Axis::L0)),
            None => Some(Axis::L0),
        }
    }
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

/// One point of a script: at `at_ms` the axis is at `pos` (a fraction, 0 bottom, 1 top).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Action {
    pub at_ms: f64,
    pub pos: f64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Chapter {
    pub name: String,
    pub start_ms: f64,
    pub end_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Bookmark {
    pub name: String,
    pub at_ms: f64,
}

/// The `metadata` object. Unknown fields are ignored.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Metadata {
    pub title: String,
    pub creator: String,
    pub description: String,
    /// `duration` as written (seconds in most editors).
    pub duration: Option<f64>,
    pub license: String,
    pub notes: String,
    pub performers: Vec<String>,
    pub script_url: String,
    pub tags: Vec<String>,
    pub kind: String,
    pub video_url: String,
    pub chapters: Vec<Chapter>,
    pub bookmarks: Vec<Bookmark>,
}

/// A parsed script: one or more axes of sorted actions.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Funscript {
    pub version: Option<String>,
    /// `inverted` as written (already applied to the positions).
    pub inverted: bool,
    /// `range` as written (already applied to the positions).
    pub range: f64,
    pub metadata: Metadata,
    pub axes: BTreeMap<Axis, Vec<Action>>,
}

impl Funscript {
    /// Parses the text of a funscript; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Funscript, FunscriptError> {
        let root: Value = serde_json::from_str(text).map_err(|e| FunscriptError::Json {
            file: file.to_string(),
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        })?;
        Reader { file }.script(&root)
    }

    /// Reads a script file and, beside it, the files of its other axes
    /// (`name.<axis>.funscript`). An axis given in the main file wins over a sibling file.
    pub fn load(path: &Path) -> Result<Funscript, FunscriptError> {
        let mut script = read_file(path)?;
        let Some(base) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| strip_suffix_ignore_case(n, ".funscript"))
        else {
            return Ok(script);
        };
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let dir = dir.unwrap_or(Path::new("."));
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(script);
        };
        let mut siblings: Vec<(Axis, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let rest = name.strip_prefix(base)?.strip_prefix('.')?;
                let word = strip_suffix_ignore_case(rest, ".funscript")?;
                Some((Axis::from_name(word)?, e.path()))
            })
            .collect();
        siblings.sort();
        for (axis, sibling) in siblings {
            if script.axes.contains_key(&axis) {
                continue;
            }
            let other = read_file(&sibling)?;
            if let Some(actions) = other.axes.get(&Axis::L0) {
                script.axes.insert(axis, actions.clone());
            }
        }
        Ok(script)
    }

    /// The main axis (L0), or the first axis a multi-axis file has.
    pub fn main_axis(&self) -> Option<(Axis, &[Action])> {
        self.axes
            .iter()
            .next()
            .map(|(axis, actions)| (*axis, actions.as_slice()))
    }

    /// Time of the last action of any axis.
    pub fn end_ms(&self) -> f64 {
        self.axes
            .values()
            .filter_map(|a| a.last())
            .map(|a| a.at_ms)
            .fold(0.0, f64::max)
    }
}

fn read_file(path: &Path) -> Result<Funscript, FunscriptError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| FunscriptError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    Funscript::parse(&text, &file)
}

struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn bad(&self, place: &str, problem: impl Into<String>) -> FunscriptError {
        FunscriptError::Field {
            file: self.file.to_string(),
            place: place.to_string(),
            problem: problem.into(),
        }
    }

    /// A number written as a number or a numeric string.
    fn number(&self, v: &Value, place: &str) -> Result<f64, FunscriptError> {
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        match n {
            Some(n) if n.is_finite() => Ok(n),
            _ => Err(self.bad(place, format!("expected a number, found {v}"))),
        }
    }

    fn flag(&self, v: Option<&Value>, place: &str) -> Result<bool, FunscriptError> {
        match v {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(self.bad(place, format!("expected true or false, found {v}"))),
        }
    }

    fn text(v: Option<&Value>) -> String {
        match v {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }

    fn texts(v: Option<&Value>) -> Vec<String> {
        match v {
            Some(Value::Array(a)) => a.iter().map(|v| Self::text(Some(v))).collect(),
            Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    fn script(&self, root: &Value) -> Result<Funscript, FunscriptError> {
        let Value::Object(obj) = root else {
            return Err(self.bad("top level", "expected a JSON object"));
        };
        let inverted = self.flag(obj.get("inverted"), "inverted")?;
        let range = match obj.get("range") {
            None | Some(Value::Null) => 100.0,
            Some(v) => self.number(v, "range")?,
        };
        if range <= 0.0 {
            return Err(self.bad("range", format!("must be above 0, found {range}")));
        }
        let mut axes = BTreeMap::new();
        if let Some(actions) = obj.get("actions") {
            axes.insert(Axis::L0, self.actions(actions, "actions", range, inverted)?);
        }
        if let Some(list) = obj.get("axes") {
            let Value::Array(list) = list else {
                return Err(self.bad("axes", "expected an array"));
            };
            for (i, entry) in list.iter().enumerate() {
                let place = format!("axes[{i}]");
                let id = entry.get("id").or_else(|| entry.get("name"));
                let id = Self::text(id);
                let axis = Axis::from_name(&id).ok_or_else(|| {
                    self.bad(
                        &format!("{place}.id"),
                        format!("{id:?} is not a TCode axis (L0-L2, R0-R2, V0-V2, A0-A2)"),
                    )
                })?;
                let actions = entry
                    .get("actions")
                    .ok_or_else(|| self.bad(&place, "has no actions"))?;
                let inverted_here =
                    inverted ^ self.flag(entry.get("inverted"), &format!("{place}.inverted"))?;
                let parsed =
                    self.actions(actions, &format!("{place}.actions"), range, inverted_here)?;
                axes.insert(axis, parsed);
            }
        }
        if axes.is_empty() {
            return Err(self.bad("top level", "no \"actions\" and no \"axes\""));
        }
        let metadata = match obj.get("metadata") {
            None | Some(Value::Null) => Metadata::default(),
            Some(m) => self.metadata(m)?,
        };
        Ok(Funscript {
            version: obj.get("version").map(|v| Self::text(Some(v))),
            inverted,
            range,
            metadata,
            axes,
        })
    }

    fn actions(
        &self,
        v: &Value,
        place: &str,
        range: f64,
        inverted: bool,
    ) -> Result<Vec<Action>, FunscriptError> {
        let Value::Array(list) = v else {
            return Err(self.bad(place, "expected an array of {\"at\", \"pos\"}"));
        };
        // Keyed by time: a later action at the same `at` replaces an earlier one.
        let mut by_time: BTreeMap<u64, Action> = BTreeMap::new();
        for (i, a) in list.iter().enumerate() {
            let here = format!("{place}[{i}]");
            if !a.is_object() {
                return Err(self.bad(&here, format!("expected an object, found {a}")));
            }
            let at = a
                .get("at")
                .ok_or_else(|| self.bad(&here, "has no \"at\""))?;
            let at = self.number(at, &format!("{here}.at"))?;
            if at < 0.0 {
                return Err(self.bad(&format!("{here}.at"), format!("negative time {at}")));
            }
            let pos = a
                .get("pos")
                .ok_or_else(|| self.bad(&here, "has no \"pos\""))?;
            let pos = self.number(pos, &format!("{here}.pos"))?;
            if !(0.0..=range).contains(&pos) {
                return Err(self.bad(
                    &format!("{here}.pos"),
                    format!("{pos} is outside 0..={range}"),
                ));
            }
            let mut fraction = pos / range;
            if inverted {
                fraction = 1.0 - fraction;
            }
            by_time.insert(
                at.to_bits(),
                Action {
                    at_ms: at,
                    pos: fraction,
                },
            );
        }
        let mut actions: Vec<Action> = by_time.into_values().collect();
        // Bit patterns of non-negative floats sort like the floats; sort anyway for clarity.
        actions.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        Ok(actions)
    }

    fn time(&self, v: Option<&Value>, place: &str) -> Result<f64, FunscriptError> {
        match v {
            None | Some(Value::Null) => Ok(0.0),
            Some(Value::String(s)) if s.contains(':') => parse_timestamp(s)
                .ok_or_else(|| self.bad(place, format!("{s:?} is not HH:MM:SS.mmm"))),
            Some(v) => self.number(v, place),
        }
    }

    fn metadata(&self, m: &Value) -> Result<Metadata, FunscriptError> {
        let Value::Object(o) = m else {
            return Err(self.bad("metadata", "expected an object"));
        };
        let list = |key: &str| match o.get(key) {
            None | Some(Value::Null) => Ok(&[][..]),
            Some(Value::Array(a)) => Ok(a.as_slice()),
            Some(_) => Err(self.bad(&format!("metadata.{key}"), "expected an array")),
        };
        let mut chapters = Vec::new();
        for (i, c) in list("chapters")?.iter().enumerate() {
            let place = format!("metadata.chapters[{i}]");
            chapters.push(Chapter {
                name: Self::text(c.get("name")),
                start_ms: self.time(c.get("startTime"), &format!("{place}.startTime"))?,
                end_ms: self.time(c.get("endTime"), &format!("{place}.endTime"))?,
            });
        }
        let mut bookmarks = Vec::new();
        for (i, b) in list("bookmarks")?.iter().enumerate() {
            let place = format!("metadata.bookmarks[{i}]");
            bookmarks.push(Bookmark {
                name: Self::text(b.get("name")),
                at_ms: self.time(b.get("time"), &format!("{place}.time"))?,
            });
        }
        let duration = match o.get("duration") {
            None | Some(Value::Null) => None,
            Some(v) => Some(self.number(v, "metadata.duration")?),
        };
        Ok(Metadata {
            title: Self::text(o.get("title")),
            creator: Self::text(o.get("creator")),
            description: Self::text(o.get("description")),
            duration,
            license: Self::text(o.get("license")),
            notes: Self::text(o.get("notes")),
            performers: Self::texts(o.get("performers")),
            script_url: Self::text(o.get("script_url")),
            tags: Self::texts(o.get("tags")),
            kind: Self::text(o.get("type")),
            video_url: Self::text(o.get("video_url")),
            chapters,
            bookmarks,
        })
    }
}

/// `HH:MM:SS.mmm` (or `MM:SS.mmm`) to milliseconds.
fn parse_timestamp(s: &str) -> Option<f64> {
    let mut total = 0.0;
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    for (i, p) in parts.iter().enumerate() {
        let n: f64 = p.parse().ok()?;
        if !n.is_finite() || n < 0.0 || (i + 1 < parts.len() && n.fract() != 0.0) {
            return None;
        }
        total = total * 60.0 + n;
    }
    Some(total * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Funscript, FunscriptError> {
        Funscript::parse(text, "t.funscript")
    }

    fn place(e: FunscriptError) -> String {
        match e {
            FunscriptError::Field { place, .. } => place,
            other => panic!("expected a field error, got {other}"),
        }
    }

    #[test]
    fn every_schema_field_is_read() {
        let s = parse(
            r#"{"version": "1.0", "inverted": false, "range": 100,
            "actions": [{"at": 0, "pos": 0}, {"at": 500, "pos": 100}],
            "metadata": {"title": "T", "creator": "C", "description": "D", "duration": 12.5,
              "license": "L", "notes": "N", "performers": ["P1", "P2"], "script_url": "S",
              "tags": ["a", "b"], "type": "basic", "video_url": "V",
              "chapters": [{"name": "intro", "startTime": "00:00:01.500", "endTime": "00:01:00.000"}],
              "bookmarks": [{"name": "here", "time": "01:00:00.250"}]}}"#,
        )
        .unwrap();
        assert_eq!(s.version.as_deref(), Some("1.0"));
        assert_eq!(
            s.axes[&Axis::L0],
            vec![
                Action {
                    at_ms: 0.0,
                    pos: 0.0
                },
                Action {
                    at_ms: 500.0,
                    pos: 1.0
                }
            ]
        );
        let m = &s.metadata;
        assert_eq!(
            (m.title.as_str(), m.creator.as_str(), m.description.as_str()),
            ("T", "C", "D")
        );
        assert_eq!(m.duration, Some(12.5));
        assert_eq!((m.license.as_str(), m.notes.as_str()), ("L", "N"));
        assert_eq!(m.performers, vec!["P1", "P2"]);
        assert_eq!(m.tags, vec!["a", "b"]);
        assert_eq!(
            (m.script_url.as_str(), m.kind.as_str(), m.video_url.as_str()),
            ("S", "basic", "V")
        );
        assert_eq!(
            m.chapters,
            vec![Chapter {
                name: "intro".into(),
                start_ms: 1500.0,
                end_ms: 60000.0
            }]
        );
        assert_eq!(
            m.bookmarks,
            vec![Bookmark {
                name: "here".into(),
                at_ms: 3_600_250.0
            }]
        );
        assert_eq!(s.end_ms(), 500.0);
    }

    #[test]
    fn range_and_inverted_apply() {
        let s = parse(r#"{"range": 90, "inverted": true, "actions": [{"at": 0, "pos": 45}, {"at": 10, "pos": 90}]}"#)
            .unwrap();
        let a = &s.axes[&Axis::L0];
        assert!((a[0].pos - 0.5).abs() < 1e-12);
        assert_eq!(a[1].pos, 0.0);
    }

    #[test]
    fn sloppy_forms_are_accepted() {
        let s = parse(
            r#"{"actions": [{"at": "300", "pos": "20.5"}, {"at": 100.7, "pos": 10},
                {"at": 100.7, "pos": 40}, {"at": 0, "pos": 0.0}], "inverted": "false"}"#,
        )
        .unwrap();
        let a = &s.axes[&Axis::L0];
        assert_eq!(
            a.iter().map(|a| a.at_ms).collect::<Vec<_>>(),
            vec![0.0, 100.7, 300.0],
            "sorted, the duplicate folded"
        );
        assert_eq!(a[1].pos, 0.4, "the last action at a duplicate time wins");
        assert!(
            (a[2].pos - 0.205).abs() < 1e-12,
            "a numeric string is a number"
        );
    }

    #[test]
    fn single_file_multi_axis() {
        let s = parse(
            r#"{"actions": [{"at": 0, "pos": 50}],
                "axes": [{"id": "R0", "actions": [{"at": 0, "pos": 100}]},
                         {"id": "surge", "actions": [{"at": 5, "pos": 0}]},
                         {"id": "V0", "inverted": true, "actions": [{"at": 5, "pos": 0}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            s.axes.keys().copied().collect::<Vec<_>>(),
            vec![Axis::L0, Axis::L1, Axis::R0, Axis::V0]
        );
        assert_eq!(s.axes[&Axis::R0][0].pos, 1.0);
        assert_eq!(s.axes[&Axis::V0][0].pos, 1.0);
    }

    #[test]
    fn axes_from_file_names() {
        assert_eq!(Axis::from_file_name("clip.funscript"), Some(Axis::L0));
        assert_eq!(Axis::from_file_name("my.clip.funscript"), Some(Axis::L0));
        assert_eq!(Axis::from_file_name("clip.twist.funscript"), Some(Axis::R0));
        assert_eq!(Axis::from_file_name("clip.R2.FUNSCRIPT"), Some(Axis::R2));
        assert_eq!(Axis::from_file_name("clip.json"), None);
    }

    #[test]
    fn multi_file_scripts_load_their_siblings() {
        let dir = std::env::temp_dir().join(format!("plugwire-fs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let act = |pos| format!(r#"{{"actions": [{{"at": 0, "pos": {pos}}}]}}"#);
        std::fs::write(dir.join("clip.funscript"), act(10)).unwrap();
        std::fs::write(dir.join("clip.twist.funscript"), act(20)).unwrap();
        std::fs::write(dir.join("clip.L1.funscript"), act(30)).unwrap();
        std::fs::write(dir.join("other.roll.funscript"), act(40)).unwrap();
        let s = Funscript::load(&dir.join("clip.funscript")).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(
            s.axes
                .iter()
                .map(|(a, v)| (*a, v[0].pos))
                .collect::<Vec<_>>(),
            vec![(Axis::L0, 0.1), (Axis::L1, 0.3), (Axis::R0, 0.2)]
        );
    }

    #[test]
    fn unusable_forms_name_their_place() {
        let cases = [
            (
                r#"{"actions": [{"at": 0, "pos": 0}, {"at": -5, "pos": 1}]}"#,
                "actions[1].at",
            ),
            (r#"{"actions": [{"at": 0, "pos": 101}]}"#, "actions[0].pos"),
            (
                r#"{"actions": [{"at": 0, "pos": "half"}]}"#,
                "actions[0].pos",
            ),
            (r#"{"actions": [{"pos": 3}]}"#, "actions[0]"),
            (r#"{"actions": [{"at": 1}]}"#, "actions[0]"),
            (r#"{"actions": [7]}"#, "actions[0]"),
            (r#"{"actions": {}}"#, "actions"),
            (r#"{"range": 0, "actions": []}"#, "range"),
            (r#"{"inverted": 3, "actions": []}"#, "inverted"),
            (r#"{"axes": [{"id": "Q9", "actions": []}]}"#, "axes[0].id"),
            (r#"{"axes": [{"id": "R1"}]}"#, "axes[0]"),
            (
                r#"{"axes": [{"id": "R1", "actions": [{"at": 0, "pos": null}]}]}"#,
                "axes[0].actions[0].pos",
            ),
            (
                r#"{"actions": [], "metadata": {"chapters": [{"startTime": "1:xx"}]}}"#,
                "metadata.chapters[0].startTime",
            ),
            (
                r#"{"actions": [], "metadata": {"bookmarks": 3}}"#,
                "metadata.bookmarks",
            ),
            (r#"{"version": "1.0"}"#, "top level"),
            (r#"[1, 2]"#, "top level"),
        ];
        for (text, expected) in cases {
            assert_eq!(place(parse(text).unwrap_err()), expected, "{text}");
        }
        match parse("{\"actions\": [\n{\"at\": 0,}]}").unwrap_err() {
            FunscriptError::Json { line, .. } => assert_eq!(line, 2),
            other => panic!("{other}"),
        }
        let e = parse(r#"{"actions": [{"at": 0, "pos": 101}]}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.funscript: actions[0].pos: 101 is outside 0..=100"
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("00:00:01.500"), Some(1500.0));
        assert_eq!(parse_timestamp("01:02.5"), Some(62500.0));
        assert_eq!(parse_timestamp("1:2:3:4"), None);
        assert_eq!(parse_timestamp("-1:00"), None);
    }
}
