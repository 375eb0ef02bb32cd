//! The Game Mode controller: runs [`Command`]s against the server through one in-process
//! session (taken when a game first drives a toy, given back when idle), owns the jobs of
//! the scheduler, and answers in the protocol's shapes.
//!
//! One lock (`state`) orders everything the front end submits: a command cancels or
//! trims jobs and submits its own outputs under it, and a job submits a step only under it
//! and only while it still exists. Submitting never waits (the session puts commands in
//! the devices' mailboxes at once), so the lock is never held across an await.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use futures_util::FutureExt;
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::request::{
    ApiError, Command, ErrorCode, Function, FunctionRequest, Keyframe, Level, PatternRequest, Toys,
};
use super::scheduler::{self, JobSink, Plan, Step};
use super::toys;
use crate::device::feature::{InputCommand, InputType, OutputType};
use crate::server::{ButtplugServer, Ending, Session};
use crate::spec::SpecVersion;
use crate::spec::message::{DeviceInfo, OutputCommand, Request};

/// The client name the Game Mode session gives the server.
pub const CLIENT_NAME: &str = "Lovense Game Mode";
/// How long a `Position` move takes on an output that moves over a time.
pub const POSITION_MOVE: Duration = Duration::from_millis(300);
/// How long a battery reading is reused, and how long one is waited for.
const BATTERY_REUSE: Duration = Duration::from_secs(30);
const BATTERY_WAIT: Duration = Duration::from_secs(1);

/// One output a command or job drives, at its own level.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Target {
    device: u32,
    feature: u32,
    output: OutputType,
    level: Level,
}

impl Target {
    fn same_output(&self, other: &Target) -> bool {
        self.device == other.device && self.feature == other.feature && self.output == other.output
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JobKind {
    Function,
    Pattern,
    PatternV2,
}

struct Job {
    kind: JobKind,
    targets: Vec<Target>,
    task: Option<JoinHandle<()>>,
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The session while Game Mode holds the server's client slot.
struct Held {
    session: Session,
    pinger: Option<JoinHandle<()>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(p) = self.pinger.take() {
            p.abort();
        }
    }
}

struct State {
    held: Option<Held>,
    last_command: Instant,
    jobs: HashMap<u64, Job>,
    next_job: u64,
    pattern_v2: Vec<Keyframe>,
    battery: HashMap<u32, (Instant, i32)>,
    /// Outputs Game Mode last set to something other than zero: what `stopPrevious`
    /// turns off (an output Game Mode never drove is left alone, so no needless write).
    driven: HashSet<(u32, u32, OutputType)>,
}

impl State {
    /// The session ended (or was given back): nothing of Game Mode's runs any more.
    fn forget_session(&mut self) {
        self.held = None;
        self.jobs.clear();
        self.driven.clear();
    }
}

pub(super) struct Controller {
    server: Arc<ButtplugServer>,
    idle: Duration,
    state: Mutex<State>,
    closed: AtomicBool,
    me: Weak<Controller>,
}

/// A successful answer without data.
fn ok() -> Value {
    json!({"code": 200, "type": "ok"})
}

impl Controller {
    pub(super) fn new(server: Arc<ButtplugServer>, idle: Duration) -> Arc<Controller> {
        Arc::new_cyclic(|me| Controller {
            server,
            idle,
            state: Mutex::new(State {
                held: None,
                last_command: Instant::now(),
                jobs: HashMap::new(),
                next_job: 1,
                pattern_v2: Vec::new(),
                battery: HashMap::new(),
                driven: HashSet::new(),
            }),
            closed: AtomicBool::new(false),
            me: me.clone(),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        crate::poison::lock(&self.state)
    }

    /// Answers one request body.
    pub(super) async fn handle(&self, body: &[u8]) -> Value {
        if self.closed.load(Ordering::Acquire) {
            return error_json(&ApiError::new(
                ErrorCode::ServerError,
                "Game Mode is shutting down",
            ));
        }
        let result = match super::request::parse(body) {
            Ok(command) => self.run(command).await,
            Err(e) => Err(e),
        };
        result.unwrap_or_else(|e| error_json(&e))
    }

    async fn run(&self, command: Command) -> Result<Value, ApiError> {
        match command {
            Command::GetToys => Ok(self.get_toys().await),
            Command::GetToyName => Ok(json!({
                "code": 200,
                "data": self.server.device_manager().device_infos().iter().map(toys::display_name).collect::<Vec<_>>(),
                "type": "OK",
            })),
            Command::Function { toys, request } => self.function(&toys, &request),
            Command::Stop { toys } => self.stop(&toys, None),
            Command::Pattern { toys, pattern } => self.pattern(&toys, &pattern),
            Command::Position { toys, value } => self.position(&toys, value),
            Command::PatternV2Setup { actions } => {
                self.state().pattern_v2 = actions;
                Ok(ok())
            }
            Command::PatternV2Play {
                toys,
                start_ms,
                offset_ms,
                total,
            } => self.pattern_v2_play(&toys, start_ms + offset_ms, total),
            Command::PatternV2Stop { toys } => self.stop(&toys, Some(JobKind::PatternV2)),
            Command::PatternV2SyncTime => Ok(ok()),
        }
    }

    /// The devices a command names: every device, or those with the given ids.
    fn resolve(&self, toys: &Toys) -> Result<Vec<DeviceInfo>, ApiError> {
        let devices = self.server.device_manager().devices();
        match toys {
            Toys::All => Ok(devices.iter().map(|d| d.info().clone()).collect()),
            Toys::Ids(ids) => ids
                .iter()
                .map(|id| {
                    devices
                        .iter()
                        .find(|d| toys::toy_id(d.address()) == *id)
                        .map(|d| d.info().clone())
                        .ok_or_else(|| {
                            ApiError::new(ErrorCode::ToyNotFound, format!("toy: no toy {id:?}"))
                        })
                })
                .collect(),
        }
    }

    /// Takes the server's client slot if Game Mode does not hold it (or its session
    /// ended). Called with the state locked, so two requests cannot both take it.
    fn ensure_session<'a>(&self, state: &'a mut State) -> Result<&'a Session, ApiError> {
        state.last_command = Instant::now();
        if let Some(held) = &state.held
            && *held.session.ending().borrow() != Ending::Open
        {
            state.forget_session();
        }
        if state.held.is_none() {
            let session = self.server.connect().map_err(|e| {
                ApiError::new(
                    ErrorCode::ServerError,
                    format!("another client controls the toys ({e})"),
                )
            })?;
            // The handshake is answered at once (a ready future).
            let hello = session
                .submit(Request::RequestServerInfo {
                    client_name: CLIENT_NAME.to_string(),
                    version: SpecVersion::V4,
                })
                .now_or_never();
            if !matches!(hello, Some(Ok(_))) {
                return Err(ApiError::new(
                    ErrorCode::ServerError,
                    format!("the server refused the Game Mode session: {hello:?}"),
                ));
            }
            tracing::info!("Lovense Game Mode took the client slot");
            let scan = session.submit(Request::StartScanning);
            tokio::spawn(async move {
                if let Err(e) = scan.await {
                    tracing::debug!("Game Mode scan: {e}");
                }
            });
            let pinger = self.pinger();
            state.held = Some(Held { session, pinger });
        }
        Ok(&state.held.as_ref().expect("held").session)
    }

    /// Pings for the session when the server has a ping timeout.
    fn pinger(&self) -> Option<JoinHandle<()>> {
        let max = self.server.max_ping_time_ms();
        if max == 0 {
            return None;
        }
        let me = self.me.clone();
        let period = Duration::from_millis(u64::from(max / 2).max(1));
        Some(tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            loop {
                ticker.tick().await;
                let Some(me) = me.upgrade() else { return };
                let state = me.state();
                let Some(held) = &state.held else { return };
                drop(held.session.submit(Request::Ping));
            }
        }))
    }

    /// Removes targets from running jobs (they now belong to a newer command); a job left
    /// with none ends.
    fn claim(state: &mut State, taken: impl Fn(&Target) -> bool) {
        state.jobs.retain(|_, job| {
            job.targets.retain(|t| !taken(t));
            !job.targets.is_empty()
        });
    }

    /// Submits targets at `level` times their own level, one batch per device, plus zeros
    /// for `zero_others` devices' other stoppable outputs.
    fn submit(state: &mut State, targets: &[Target], step: Step, zero_others: &[DeviceInfo]) {
        let Some(held) = &state.held else { return };
        let session = &held.session;
        let driven = &mut state.driven;
        let mut batches: Vec<(u32, Vec<(u32, OutputCommand)>)> = Vec::new();
        let dm = session.server().device_manager();
        for info in zero_others {
            let mut commands = Vec::new();
            for f in info.features.iter() {
                for (output, _) in f.outputs.iter() {
                    let named = targets.iter().any(|t| {
                        t.device == info.index && t.feature == f.index && t.output == *output
                    });
                    if !named && driven.remove(&(info.index, f.index, *output)) {
                        commands.push((
                            f.index,
                            OutputCommand {
                                output: *output,
                                value: 0,
                                duration: None,
                            },
                        ));
                    }
                }
            }
            batches.push((info.index, commands));
        }
        for t in targets {
            let Some(device) = dm.device(t.device) else {
                continue;
            };
            let Some(limits) = device
                .info()
                .features
                .iter()
                .find(|f| f.index == t.feature)
                .and_then(|f| f.output(t.output))
            else {
                continue;
            };
            let level = t.level.times(step.level);
            let command = match t.output {
                OutputType::HwPositionWithDuration => {
                    let (goal, time) = step.moving.unwrap_or((step.level, POSITION_MOVE));
                    let level = t.level.times(goal);
                    let wanted = time.as_millis();
                    let wanted = u32::try_from(wanted).unwrap_or(u32::MAX);
                    let duration = match limits.duration {
                        Some((lo, hi)) => wanted.clamp(lo, hi),
                        None => wanted,
                    };
                    OutputCommand {
                        output: t.output,
                        value: toys::position_to_step(limits, level),
                        duration: Some(duration),
                    }
                }
                OutputType::Position => OutputCommand {
                    output: t.output,
                    value: toys::position_to_step(limits, level),
                    duration: None,
                },
                _ => OutputCommand {
                    output: t.output,
                    value: toys::level_to_step(limits, level),
                    duration: None,
                },
            };
            if command.value != 0 && t.output.stops_at_zero() {
                driven.insert((t.device, t.feature, t.output));
            } else {
                driven.remove(&(t.device, t.feature, t.output));
            }
            match batches.iter_mut().find(|(d, _)| *d == t.device) {
                Some((_, commands)) => {
                    commands.retain(|(f, c)| !(*f == t.feature && c.output == t.output));
                    commands.push((t.feature, command));
                }
                None => batches.push((t.device, vec![(t.feature, command)])),
            }
        }
        for (device, commands) in batches {
            if commands.is_empty() {
                continue;
            }
            let reply = session.submit(Request::Outputs { device, commands });
            tokio::spawn(async move {
                if let Err(e) = reply.await {
                    tracing::warn!("Game Mode: device {device}: {e}");
                }
            });
        }
    }

    /// Starts a job for `targets` playing `plan` (its first step already applied).
    fn start_job(&self, state: &mut State, kind: JobKind, targets: Vec<Target>, plan: Plan) {
        if !plan.needs_job() || targets.is_empty() {
            return;
        }
        let id = state.next_job;
        state.next_job += 1;
        let me: Weak<dyn JobSink> = self.me.clone();
        let task = scheduler::spawn(me, id, plan, Instant::now());
        state.jobs.insert(
            id,
            Job {
                kind,
                targets,
                task: Some(task),
            },
        );
    }

    /// The outputs of `infos` the functions drive, each at its level.
    fn targets_for(infos: &[DeviceInfo], actions: &[(Function, Level)]) -> Vec<Target> {
        let mut targets: Vec<Target> = Vec::new();
        for info in infos {
            for (function, level) in actions {
                for f in info.features.iter() {
                    for output in toys::outputs_for(*function) {
                        if f.outputs.contains_key(output) {
                            let t = Target {
                                device: info.index,
                                feature: f.index,
                                output: *output,
                                level: *level,
                            };
                            targets.retain(|old| !old.same_output(&t));
                            targets.push(t);
                        }
                    }
                }
            }
        }
        targets
    }

    fn unsupported(what: &str) -> ApiError {
        ApiError::new(
            ErrorCode::Unsupported,
            format!("no toy the command names has {what}"),
        )
    }

    /// Runs a command that drives `targets` of `infos`: takes the slot, hands the outputs
    /// over from older jobs, applies the first step and starts the job.
    fn drive(
        &self,
        infos: &[DeviceInfo],
        targets: Vec<Target>,
        stop_previous: bool,
        kind: JobKind,
        plan: Plan,
    ) -> Result<Value, ApiError> {
        let mut state = self.state();
        self.ensure_session(&mut state)?;
        if stop_previous {
            let devices: Vec<u32> = infos.iter().map(|i| i.index).collect();
            Self::claim(&mut state, |t| devices.contains(&t.device));
        } else {
            Self::claim(&mut state, |t| targets.iter().any(|n| n.same_output(t)));
        }
        let first = plan
            .steps
            .first()
            .copied()
            .unwrap_or(Step::now(Level::FULL));
        Self::submit(
            &mut state,
            &targets,
            first,
            if stop_previous { infos } else { &[] },
        );
        self.start_job(&mut state, kind, targets, plan);
        Ok(ok())
    }

    fn function(&self, toys: &Toys, request: &FunctionRequest) -> Result<Value, ApiError> {
        let infos = self.resolve(toys)?;
        let targets = Self::targets_for(&infos, &request.actions);
        if targets.is_empty() {
            let names: Vec<&str> = request.actions.iter().map(|(f, _)| f.name()).collect();
            return Err(Self::unsupported(&names.join(", ")));
        }
        let plan = match (request.looped, request.time) {
            (Some((running, pause)), end) => Plan::looped(running, pause, end),
            (None, Some(time)) => Plan::timed(time),
            (None, None) => Plan {
                steps: vec![Step::now(Level::FULL)],
                cycle: None,
                end: None,
            },
        };
        self.drive(
            &infos,
            targets,
            request.stop_previous,
            JobKind::Function,
            plan,
        )
    }

    fn pattern(&self, toys: &Toys, pattern: &PatternRequest) -> Result<Value, ApiError> {
        let infos = self.resolve(toys)?;
        let actions: Vec<(Function, Level)> = pattern
            .functions
            .iter()
            .map(|f| (*f, Level::FULL))
            .collect();
        let targets = Self::targets_for(&infos, &actions);
        if targets.is_empty() {
            return Err(Self::unsupported("the pattern's functions"));
        }
        let plan = Plan::series(&pattern.levels, pattern.step, pattern.time);
        self.drive(&infos, targets, true, JobKind::Pattern, plan)
    }

    fn positional(infos: &[DeviceInfo]) -> Vec<Target> {
        let mut targets = Vec::new();
        for info in infos {
            for f in info.features.iter() {
                for output in [OutputType::HwPositionWithDuration, OutputType::Position] {
                    if f.outputs.contains_key(&output) {
                        targets.push(Target {
                            device: info.index,
                            feature: f.index,
                            output,
                            level: Level::FULL,
                        });
                        break;
                    }
                }
            }
        }
        targets
    }

    fn position(&self, toys: &Toys, value: u32) -> Result<Value, ApiError> {
        let infos = self.resolve(toys)?;
        let targets = Self::positional(&infos);
        if targets.is_empty() {
            return Err(Self::unsupported("a position output"));
        }
        let plan = Plan {
            steps: vec![Step {
                at: Duration::ZERO,
                level: Level::new(value, 100),
                moving: Some((Level::new(value, 100), POSITION_MOVE)),
            }],
            cycle: None,
            end: None,
        };
        self.drive(&infos, targets, false, JobKind::Function, plan)
    }

    fn pattern_v2_play(
        &self,
        toys: &Toys,
        from_ms: u32,
        total: Option<Duration>,
    ) -> Result<Value, ApiError> {
        let infos = self.resolve(toys)?;
        let keyframes = self.state().pattern_v2.clone();
        if keyframes.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                "PatternV2 Play before Setup: no actions to play",
            ));
        }
        // Toys with a position output follow positions; the others take pos as a level.
        let mut targets = Self::positional(&infos);
        let moving: Vec<u32> = targets.iter().map(|t| t.device).collect();
        let others: Vec<DeviceInfo> = infos
            .iter()
            .filter(|i| !moving.contains(&i.index))
            .cloned()
            .collect();
        targets.extend(Self::targets_for(&others, &[(Function::All, Level::FULL)]));
        if targets.is_empty() {
            return Err(Self::unsupported("an output PatternV2 can drive"));
        }
        let Some(plan) = keyframe_plan(&keyframes, from_ms, total) else {
            return Ok(ok());
        };
        self.drive(&infos, targets, true, JobKind::PatternV2, plan)
    }

    /// Stops the toys (all their jobs, or only jobs of `kind`, and their outputs).
    fn stop(&self, toys: &Toys, kind: Option<JobKind>) -> Result<Value, ApiError> {
        let infos = self.resolve(toys)?;
        let mut state = self.state();
        if state.held.is_none() {
            if self.server.has_session() {
                return Err(ApiError::new(
                    ErrorCode::ServerError,
                    "another client controls the toys",
                ));
            }
            // Nothing of Game Mode's runs: the last client's end stopped every device.
            return Ok(ok());
        }
        let session = self.ensure_session(&mut state)?;
        let devices: Vec<u32> = infos.iter().map(|i| i.index).collect();
        match kind {
            None => {
                let stops: Vec<_> = match toys {
                    Toys::All => vec![session.submit(Request::Stop {
                        device: None,
                        feature: None,
                        inputs: false,
                        outputs: true,
                    })],
                    Toys::Ids(_) => devices
                        .iter()
                        .map(|d| {
                            session.submit(Request::Stop {
                                device: Some(*d),
                                feature: None,
                                inputs: false,
                                outputs: true,
                            })
                        })
                        .collect(),
                };
                for stop in stops {
                    tokio::spawn(async move {
                        if let Err(e) = stop.await {
                            tracing::warn!("Game Mode stop: {e}");
                        }
                    });
                }
                Self::claim(&mut state, |t| devices.contains(&t.device));
                state.driven.retain(|(d, _, _)| !devices.contains(d));
            }
            Some(kind) => {
                let mut ended = Vec::new();
                state.jobs.retain(|_, job| {
                    if job.kind != kind {
                        return true;
                    }
                    job.targets.retain(|t| {
                        let hit = devices.contains(&t.device);
                        if hit {
                            ended.push(*t);
                        }
                        !hit
                    });
                    !job.targets.is_empty()
                });
                let zero = Step::now(Level::ZERO);
                let stoppable: Vec<Target> = ended
                    .into_iter()
                    .filter(|t| t.output.stops_at_zero())
                    .collect();
                Self::submit(&mut state, &stoppable, zero, &[]);
            }
        }
        Ok(ok())
    }

    async fn get_toys(&self) -> Value {
        let devices = self.server.device_manager().devices();
        let mut listed = serde_json::Map::new();
        for d in devices {
            let info = d.info();
            let battery = self.battery(&d).await;
            let functions = toys::functions(info);
            let id = toys::toy_id(d.address());
            listed.insert(
                id.clone(),
                json!({
                    "id": id,
                    "name": toys::toy_name(info, d.protocol()),
                    "nickName": toys::display_name(info),
                    "status": "1",
                    "battery": battery,
                    "version": "",
                    "shortFunctionNames": functions.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
                    "fullFunctionNames": functions.iter().map(|(_, f)| *f).collect::<Vec<_>>(),
                }),
            );
        }
        json!({
            "code": 200,
            "data": {
                "toys": Value::Object(listed).to_string(),
                "platform": "pc",
                "appType": "remote",
            },
            "type": "OK",
        })
    }

    /// A battery reading, reused for a while; -1 when the toy has none or did not answer.
    async fn battery(&self, device: &crate::device::ServerDevice) -> i32 {
        let index = device.index();
        if let Some((at, value)) = self.state().battery.get(&index)
            && at.elapsed() < BATTERY_REUSE
        {
            return *value;
        }
        let feature = device
            .info()
            .features
            .iter()
            .find(|f| f.input(InputType::Battery).is_some())
            .map(|f| f.index);
        let value = match feature {
            None => -1,
            Some(feature) => {
                match device.submit_input(feature, InputType::Battery, InputCommand::Read) {
                    Ok(read) => match tokio::time::timeout(BATTERY_WAIT, read).await {
                        Ok(Ok(Some(v))) => v,
                        _ => -1,
                    },
                    Err(_) => -1,
                }
            }
        };
        self.state().battery.insert(index, (Instant::now(), value));
        value
    }

    /// Gives the client slot back when Game Mode is idle: no job, no toy running, and
    /// nothing from the game for the idle time.
    pub(super) async fn release_if_idle(&self) {
        let held = {
            let mut state = self.state();
            let Some(held) = &state.held else { return };
            if *held.session.ending().borrow() != Ending::Open {
                state.forget_session();
                return;
            }
            if !state.jobs.is_empty()
                || state.last_command.elapsed() < self.idle
                || self.server.device_manager().any_device_running()
            {
                return;
            }
            state.driven.clear();
            state.held.take()
        };
        if let Some(held) = held {
            tracing::info!("Lovense Game Mode gave the client slot back (idle)");
            held.session.disconnect().await;
            self.scan_without_session().await;
        }
    }

    /// Lets toys connect while no client scans, so a game finds them.
    pub(super) async fn scan_without_session(&self) {
        if self.server.has_session() {
            return;
        }
        if let Err(e) = self.server.device_manager().start_scanning().await {
            tracing::debug!("Game Mode scan: {e}");
        }
    }

    /// Refuses further commands, ends every job and gives the slot back (stopping the
    /// toys Game Mode drove).
    pub(super) async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let held = {
            let mut state = self.state();
            state.jobs.clear();
            state.driven.clear();
            state.held.take()
        };
        if let Some(held) = held {
            held.session.disconnect().await;
        }
    }
}

impl JobSink for Controller {
    fn step(&self, job: u64, step: Step) -> bool {
        let mut state = self.state();
        let Some(targets) = state.jobs.get(&job).map(|j| j.targets.clone()) else {
            return false;
        };
        if state.held.is_none() {
            return false;
        }
        Self::submit(&mut state, &targets, step, &[]);
        true
    }

    fn finish(&self, job: u64) {
        let mut state = self.state();
        let Some(mut j) = state.jobs.remove(&job) else {
            return;
        };
        // This runs on the job's own task: do not abort it.
        j.task = None;
        let stoppable: Vec<Target> = j
            .targets
            .iter()
            .copied()
            .filter(|t| t.output.stops_at_zero())
            .collect();
        Self::submit(&mut state, &stoppable, Step::now(Level::ZERO), &[]);
    }
}

/// PatternV2 keyframes from `from_ms` on as a plan: the level in force at `from_ms` first,
/// then each later keyframe at its time; ends at the last keyframe or after `total`.
fn keyframe_plan(keyframes: &[Keyframe], from_ms: u32, total: Option<Duration>) -> Option<Plan> {
    let last = keyframes.last()?;
    if from_ms > last.ts_ms {
        return None;
    }
    let current = keyframes
        .iter()
        .rev()
        .find(|k| k.ts_ms <= from_ms)
        .unwrap_or(&keyframes[0]);
    let mut times: Vec<(u32, u32)> = vec![(0, current.pos)];
    times.extend(
        keyframes
            .iter()
            .filter(|k| k.ts_ms > from_ms)
            .map(|k| (k.ts_ms - from_ms, k.pos)),
    );
    let steps: Vec<Step> = times
        .iter()
        .enumerate()
        .map(|(i, (at, pos))| Step {
            at: Duration::from_millis(u64::from(*at)),
            level: Level::new(*pos, 100),
            moving: times.get(i + 1).map(|(next, next_pos)| {
                (
                    Level::new(*next_pos, 100),
                    Duration::from_millis(u64::from(next - at)),
                )
            }),
        })
        .collect();
    let length = Duration::from_millis(u64::from(last.ts_ms - from_ms));
    let end = Some(total.map_or(length, |t| t.min(length)));
    Some(Plan {
        steps,
        cycle: None,
        end,
    })
}

fn error_json(e: &ApiError) -> Value {
    json!({"code": e.code as u16, "type": "error", "message": e.message})
}
