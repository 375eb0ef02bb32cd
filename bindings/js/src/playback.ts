// Playback: funscripts and patterns played by the library (in an embedded server) on
// device outputs. The player keeps time next to the device tasks; every stop of a device
// (device.stop, client.stopAllDevices, a disconnect, close) ends the playback of that device
// in the same step. A command to an output under playback is refused (DeviceError, "under
// playback") until the playback ends. Over a websocket connection the player runs in the
// library and sends output commands to the server, with the same API; the connection
// lost ends it (stopped, DEVICE_STOPPED, the message says so). Events reach JS like every
// other event: pulled from the library's queue on the JS thread.

import { EventEmitter } from "node:events";

import { ClientClosedError, InvalidArgumentError, PlugwireError, UnsupportedError } from "./errors.js";
import {
  PlaybackEasing,
  PlaybackInterpolation,
  PlaybackSpeedMode,
  PlaybackStopReason,
  PlaybackWaveform,
  type PlaybackEvent as PlaybackEventMessage,
  type Reply,
} from "./gen/plugwire_pb.js";
import type { PlugwireClient, RequestOptions } from "./client.js";
import type { PlugwireDevice } from "./device.js";
import { outputTypeName, outputTypeOf, schemaValue, type OutputType } from "./names.js";

export { PlaybackEasing, PlaybackInterpolation, PlaybackSpeedMode, PlaybackStopReason, PlaybackWaveform };

type Named<E> = E | Lowercase<string>;

/** One axis of a funscript (parsed by the library, which names the place of anything unusable). */
export interface FunscriptSource {
  /** The funscript's JSON text, or the parsed object. */
  funscript: string | object;
  /** A TCode axis (L0-L2, R0-R2, V0-V2, A0-A2) or alias (stroke, twist, vib, ...); L0 when omitted. */
  axis?: string;
  interpolation?: Named<PlaybackInterpolation>;
}

export interface Keyframe {
  atMs: number;
  /** 0..1 */
  value: number;
  /** The curve from the previous keyframe; linear when omitted. */
  easing?: Named<PlaybackEasing>;
}

/** A generated waveform or keyframes, looped unless `once`. */
export interface PatternSource {
  /** "sine", "square", "saw", "triangle", "pulse", "random_walk" or "keyframes". */
  pattern: Named<PlaybackWaveform>;
  periodMs?: number;
  /** Pulse: the fraction of the period at 1. */
  duty?: number;
  /** Random walk: the seed and the largest step per period (0..1). */
  seed?: number | bigint;
  step?: number;
  keyframes?: Keyframe[];
  once?: boolean;
  /** 1 when omitted. */
  amplitude?: number;
  /** 1 when omitted; 2 plays twice as fast. */
  timeScale?: number;
}

export type PlaybackSource = FunscriptSource | PatternSource;

/** How a track drives its output. */
export interface TrackMapping {
  /** The feature; the device's first feature with the output when omitted. */
  featureIndex?: number;
  /** The part of the output's range used, as fractions; [0, 1] when omitted. */
  range?: [number, number];
  invert?: boolean;
  /** Gain; 1 when omitted. */
  scale?: number;
  /** What speed-like outputs get: "direct" (the value) or "movement" (the speed of the movement). */
  speedMode?: Named<PlaybackSpeedMode>;
  /** How early this device is told (ms). */
  latencyMs?: number;
}

/** One source played on one output of a device. */
export interface PlaybackTrack extends TrackMapping {
  device: PlugwireDevice;
  output: Named<OutputType>;
  source: PlaybackSource;
}

export interface PlaybackOptions extends RequestOptions {
  startMs?: number;
  /** 1 when omitted. */
  rate?: number;
  paused?: boolean;
  /** Global offset in ms (positive plays ahead). */
  offsetMs?: number;
  /** Shortest time between two writes of a track (10 ms when omitted). */
  minIntervalMs?: number;
  /** Time between 'position' events (250 ms when omitted). */
  positionEveryMs?: number;
}

/** One event of a playback ('playback' on the client; also emitted by the playback itself). */
export type PlaybackEventInfo =
  | { playbackId: bigint; kind: "started"; mediaMs: number }
  | { playbackId: bigint; kind: "position"; mediaMs: number }
  | {
      playbackId: bigint;
      kind: "trackstopped";
      deviceIndex: number;
      featureIndex: number;
      output: OutputType;
      reason: PlaybackStopReason;
      message: string;
    }
  | { playbackId: bigint; kind: "ended" }
  | { playbackId: bigint; kind: "stopped"; reason: PlaybackStopReason; message: string };

/** How a playback finished: "ended" (every track reached its end) or "stopped" (with the reason). */
export type PlaybackResult =
  | { kind: "ended" }
  | { kind: "stopped"; reason: PlaybackStopReason; message: string };

export interface PlugwirePlaybackEvents {
  started: [mediaMs: number];
  position: [mediaMs: number];
  trackstopped: [event: Extract<PlaybackEventInfo, { kind: "trackstopped" }>];
  ended: [];
  stopped: [reason: PlaybackStopReason, message: string];
}

function named<E extends number>(enumObject: Record<string, string | number>, value: unknown, what: string): E {
  return schemaValue<E>(enumObject, value, what);
}

function num(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${what} must be a finite number, not ${String(value)}`);
  }
  return value;
}

function sourceInit(s: PlaybackSource) {
  if (s && typeof s === "object" && "funscript" in s) {
    const json = typeof s.funscript === "string" ? s.funscript : JSON.stringify(s.funscript);
    return {
      case: "funscript" as const,
      value: {
        json,
        axis: s.axis ?? "",
        interpolation: named<PlaybackInterpolation>(PlaybackInterpolation, s.interpolation ?? "linear", "interpolation"),
      },
    };
  }
  if (s && typeof s === "object" && "pattern" in s) {
    const seed = s.seed === undefined ? 0n : BigInt(s.seed);
    return {
      case: "pattern" as const,
      value: {
        waveform: named<PlaybackWaveform>(PlaybackWaveform, s.pattern, "waveform"),
        periodMs: num(s.periodMs, "periodMs", 1000),
        duty: num(s.duty, "duty", 0.5),
        seed,
        step: num(s.step, "step", 0),
        keyframes: (s.keyframes ?? []).map((k) => ({
          atMs: num(k.atMs, "keyframe atMs", NaN),
          value: num(k.value, "keyframe value", NaN),
          easing: named<PlaybackEasing>(PlaybackEasing, k.easing ?? "linear", "easing"),
        })),
        once: s.once ?? false,
        amplitude: num(s.amplitude, "amplitude", 1),
        timeScale: num(s.timeScale, "timeScale", 1),
      },
    };
  }
  throw new InvalidArgumentError("a playback source is { funscript, axis?, interpolation? } or { pattern, periodMs?, ... }");
}

function trackInit(t: PlaybackTrack) {
  if (!t || typeof t !== "object" || !t.device || typeof t.device.index !== "number") {
    throw new InvalidArgumentError("a track is { device, output, source, ... } with a PlugwireDevice");
  }
  const output = outputTypeOf(t.output);
  let featureIndex = t.featureIndex;
  if (featureIndex === undefined) {
    const feature = t.device.featuresWithOutput(output)[0];
    if (!feature) throw new UnsupportedError(`${t.device.name} (device ${t.device.index}) has no ${outputTypeName(output)} output`);
    featureIndex = feature.index;
  }
  const [min, max] = t.range ?? [0, 1];
  return {
    deviceIndex: t.device.index,
    featureIndex,
    output,
    source: sourceInit(t.source),
    rangeMin: num(min, "range min", 0),
    rangeMax: num(max, "range max", 1),
    invert: t.invert ?? false,
    scale: num(t.scale, "scale", 1),
    speedMode: named<PlaybackSpeedMode>(PlaybackSpeedMode, t.speedMode ?? "direct", "speed mode"),
    latencyMs: num(t.latencyMs, "latencyMs", 0),
  };
}

function optionsInit(o: PlaybackOptions) {
  return {
    startMs: num(o.startMs, "startMs", 0),
    rate: num(o.rate, "rate", 1),
    paused: o.paused ?? false,
    offsetMs: num(o.offsetMs, "offsetMs", 0),
    minIntervalMs: num(o.minIntervalMs, "minIntervalMs", 0),
    positionEveryMs: num(o.positionEveryMs, "positionEveryMs", 0),
  };
}

function info(e: PlaybackEventMessage): PlaybackEventInfo | undefined {
  const playbackId = e.playbackId;
  const k = e.kind;
  switch (k.case) {
    case "startedMs":
      return { playbackId, kind: "started", mediaMs: k.value };
    case "positionMs":
      return { playbackId, kind: "position", mediaMs: k.value };
    case "trackStopped":
      return {
        playbackId,
        kind: "trackstopped",
        deviceIndex: k.value.deviceIndex,
        featureIndex: k.value.featureIndex,
        output: k.value.output,
        reason: k.value.reason,
        message: k.value.message,
      };
    case "ended":
      return { playbackId, kind: "ended" };
    case "stopped":
      return { playbackId, kind: "stopped", reason: k.value.reason, message: k.value.message };
    default:
      return undefined;
  }
}

/**
 * A running playback: control it with its methods, follow it with its events ('started',
 * 'position', 'trackstopped', 'ended', 'stopped') or `await playback.finished`. Events that
 * came before `play` resolved (usually 'started') are in `history`.
 */
export class PlugwirePlayback extends EventEmitter<PlugwirePlaybackEvents> {
  readonly id: bigint;
  /** Every event of this playback so far, oldest first. */
  readonly history: PlaybackEventInfo[] = [];
  /**
   * Resolves with how the playback finished; rejects with ClientClosedError if the client
   * closed first (a rejection nobody awaits is not reported as unhandled).
   */
  readonly finished: Promise<PlaybackResult>;
  private _result: PlaybackResult | undefined;
  private settle!: (r: PlaybackResult) => void;
  private fail!: (e: Error) => void;
  private done = false;

  /** @internal */
  constructor(private readonly client: PlugwireClient, id: bigint) {
    super();
    this.id = id;
    this.finished = new Promise<PlaybackResult>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    this.finished.catch(() => {});
  }

  /** How it finished, once it has. */
  get result(): PlaybackResult | undefined {
    return this._result;
  }

  get isFinished(): boolean {
    return this.done;
  }

  /** @internal Records an event; `emit` also emits it (not for events before `play` resolved). */
  deliver(e: PlaybackEventInfo, emit: boolean): void {
    this.history.push(e);
    switch (e.kind) {
      case "started":
        if (emit) this.emit("started", e.mediaMs);
        break;
      case "position":
        if (emit) this.emit("position", e.mediaMs);
        break;
      case "trackstopped":
        if (emit) this.emit("trackstopped", e);
        break;
      case "ended":
        this.finish({ kind: "ended" });
        if (emit) this.emit("ended");
        break;
      case "stopped":
        this.finish({ kind: "stopped", reason: e.reason, message: e.message });
        if (emit) this.emit("stopped", e.reason, e.message);
        break;
    }
  }

  private finish(r: PlaybackResult): void {
    if (this.done) return;
    this.done = true;
    this._result = r;
    this.settle(r);
  }

  /** @internal The client closed before the end. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.fail(new ClientClosedError("the client was closed before the playback finished"));
  }

  private async control(action: { case: string; value: unknown }, options?: RequestOptions): Promise<void> {
    await this.client.request(
      { case: "playbackControl", value: { playbackId: this.id, action } } as Parameters<PlugwireClient["request"]>[0],
      options,
    );
  }

  /** Pauses: speed-like outputs rest at zero, positions hold. */
  pause(options?: RequestOptions): Promise<void> {
    return this.control({ case: "pause", value: {} }, options);
  }

  resume(options?: RequestOptions): Promise<void> {
    return this.control({ case: "resume", value: {} }, options);
  }

  seek(mediaMs: number, options?: RequestOptions): Promise<void> {
    return this.control({ case: "seekMs", value: num(mediaMs, "mediaMs", NaN) }, options);
  }

  setRate(rate: number, options?: RequestOptions): Promise<void> {
    return this.control({ case: "rate", value: num(rate, "rate", NaN) }, options);
  }

  /** An external player is at `mediaMs` now: small errors are slewed away (at most 5 %), over 1 s followed at once. */
  sync(mediaMs: number, options?: RequestOptions): Promise<void> {
    return this.control({ case: "syncMs", value: num(mediaMs, "mediaMs", NaN) }, options);
  }

  /** The global offset in ms (positive plays ahead). */
  setOffset(offsetMs: number, options?: RequestOptions): Promise<void> {
    return this.control({ case: "offsetMs", value: num(offsetMs, "offsetMs", NaN) }, options);
  }

  /** How early one device is told (ms). */
  setLatency(device: PlugwireDevice, latencyMs: number, options?: RequestOptions): Promise<void> {
    return this.control(
      { case: "latency", value: { deviceIndex: device.index, latencyMs: num(latencyMs, "latencyMs", NaN) } },
      options,
    );
  }

  /** Stops the playback and the speed-like outputs it drove (positions stay). */
  stop(options?: RequestOptions): Promise<void> {
    return this.control({ case: "stop", value: {} }, options);
  }
}

/** @internal A client's playbacks by id; events of an id whose start has not resolved yet wait here (bounded). */
export class PlaybackRegistry {
  private readonly running = new Map<bigint, PlugwirePlayback>();
  private readonly pending = new Map<bigint, PlaybackEventInfo[]>();
  private pendingCount = 0;
  private closed = false;

  /** Routes an event; returns it as the client emits it. */
  deliver(message: PlaybackEventMessage): PlaybackEventInfo | undefined {
    const e = info(message);
    if (!e) return undefined;
    const playback = this.running.get(e.playbackId);
    if (playback) {
      if (e.kind === "ended" || e.kind === "stopped") this.running.delete(e.playbackId);
      playback.deliver(e, true);
    } else if (!this.closed && this.pendingCount < 1024) {
      const list = this.pending.get(e.playbackId) ?? [];
      list.push(e);
      this.pending.set(e.playbackId, list);
      this.pendingCount++;
    }
    return e;
  }

  register(playback: PlugwirePlayback): PlugwirePlayback {
    const pending = this.pending.get(playback.id) ?? [];
    this.pending.delete(playback.id);
    this.pendingCount -= pending.length;
    for (const e of pending) playback.deliver(e, false);
    if (this.closed) playback.close();
    else if (!playback.isFinished) this.running.set(playback.id, playback);
    return playback;
  }

  close(): void {
    this.closed = true;
    for (const p of this.running.values()) p.close();
    this.running.clear();
    this.pending.clear();
    this.pendingCount = 0;
  }
}

async function start(
  client: PlugwireClient,
  registry: PlaybackRegistry,
  value: Record<string, unknown>,
  options: PlaybackOptions,
): Promise<PlugwirePlayback> {
  const reply: Reply = await client.request(
    { case: "playbackStart", value } as Parameters<PlugwireClient["request"]>[0],
    { signal: options.signal },
  );
  if (reply.kind.case !== "playbackStarted") {
    throw new PlugwireError(`expected PlaybackStarted, the library answered ${String(reply.kind.case)}`);
  }
  return registry.register(new PlugwirePlayback(client, reply.kind.value.playbackId));
}

/** @internal client.play */
export function play(
  client: PlugwireClient,
  registry: PlaybackRegistry,
  tracks: PlaybackTrack[],
  options: PlaybackOptions = {},
): Promise<PlugwirePlayback> {
  if (!Array.isArray(tracks) || tracks.length === 0) {
    return Promise.reject(new InvalidArgumentError("give at least one track"));
  }
  let value;
  try {
    value = { tracks: tracks.map(trackInit), ...optionsInit(options) };
  } catch (e) {
    return Promise.reject(e);
  }
  return start(client, registry, value, options);
}

/** @internal client.playFunscript */
export function playFunscript(
  client: PlugwireClient,
  registry: PlaybackRegistry,
  funscript: string | object,
  options: PlaybackOptions & { interpolation?: Named<PlaybackInterpolation> } = {},
): Promise<PlugwirePlayback> {
  let value;
  try {
    value = {
      funscriptJson: typeof funscript === "string" ? funscript : JSON.stringify(funscript),
      interpolation: named<PlaybackInterpolation>(PlaybackInterpolation, options.interpolation ?? "linear", "interpolation"),
      ...optionsInit(options),
    };
  } catch (e) {
    return Promise.reject(e);
  }
  return start(client, registry, value, options);
}
