// The library's log records in JS, shaped like npm buttplug's logger (`ButtplugLogger.Logger`,
// a 'log' event with a LogMessage, `MaximumEventLogLevel`, `MaximumConsoleLogLevel`).
//
// Records are pulled, like the client's events: the C ABI's pulled log queue
// (`plugwire_set_log_queue`) keeps them until a timer on the JS thread takes them with
// `plugwire_log_next` at timeout 0, which never blocks. No library thread ever calls into
// JS and no koffi call is left running on a libuv worker, so a terminated worker or a
// process exit never meets a log call in flight. The timer is unref'd: logging never keeps
// Node running.

import { EventEmitter } from "node:events";

import { Status } from "./errors.js";
import { check, library, takeBuffer } from "./native.js";

/** Log levels, most severe first (the numbers of `PLUGWIRE_LOG_LEVEL_*` and of buttplug's). */
export enum LogLevel {
  Off = 0,
  Error = 1,
  Warn = 2,
  Info = 3,
  Debug = 4,
  Trace = 5,
}

export type LogLevelName = keyof typeof LogLevel;

/** How often the queue is taken while logging is on (also flushed at process exit). */
const POLL_MS = 50;
/** Records taken per turn at most, so a flood of logs cannot hold the JS thread. */
const PER_TURN = 2048;

/** One record of the library's log. */
export class LogMessage {
  /** When the record reached JS (the C ABI gives records no time of their own). */
  readonly timestamp: Date;

  constructor(
    readonly level: LogLevel,
    /** The record's text: "target: message fields", e.g. "plugwire::server: client connected". */
    readonly message: string,
    timestamp: Date = new Date(),
  ) {
    this.timestamp = timestamp;
  }

  /** buttplug's getters. */
  get Message(): string {
    return this.message;
  }
  get LogLevel(): LogLevel {
    return this.level;
  }
  get Timestamp(): string {
    return this.timestamp.toISOString();
  }
  get FormattedMessage(): string {
    return `${LogLevel[this.level]} : ${this.Timestamp} : ${this.message}`;
  }
}

/** A level from JS: a LogLevel number or its name ("Debug"); anything else throws. */
function parseLevel(level: unknown, what: string): LogLevel {
  if (typeof level === "string") {
    const found = (LogLevel as unknown as Record<string, unknown>)[level];
    if (typeof found === "number") return found;
    throw new RangeError(`${what}: unknown log level "${level}" (Off, Error, Warn, Info, Debug, Trace)`);
  }
  if (typeof level !== "number") throw new TypeError(`${what} must be a LogLevel, got ${typeof level}`);
  if (!Number.isInteger(level) || level < LogLevel.Off || level > LogLevel.Trace) {
    throw new RangeError(`${what} must be a LogLevel (0 Off .. 5 Trace), got ${level}`);
  }
  return level;
}

export interface PlugwireLoggerEvents {
  log: [LogMessage];
}

/**
 * The library's log, one per JS thread (`PlugwireLogger.Logger`). Set
 * `MaximumEventLogLevel` to get 'log' events up to that level, `MaximumConsoleLogLevel` to
 * print them. The library keeps one queue per process: take it from one thread.
 */
export class PlugwireLogger extends EventEmitter<PlugwireLoggerEvents> {
  private static instance: PlugwireLogger | undefined;
  private eventLevel = LogLevel.Off;
  private consoleLevel = LogLevel.Off;
  /** The level the library's queue is on at (the greater of the two). */
  private nativeLevel = LogLevel.Off;
  private timer: NodeJS.Timeout | undefined;
  private exitHook = false;

  /** The logger of this JS thread. */
  static get Logger(): PlugwireLogger {
    PlugwireLogger.instance ??= new PlugwireLogger();
    return PlugwireLogger.instance;
  }

  get MaximumEventLogLevel(): LogLevel {
    return this.eventLevel;
  }
  /** 'log' events for records up to this level (Off: none). Throws for a bad level. */
  set MaximumEventLogLevel(level: LogLevel | LogLevelName) {
    this.eventLevel = parseLevel(level, "MaximumEventLogLevel");
    this.apply();
  }

  get MaximumConsoleLogLevel(): LogLevel {
    return this.consoleLevel;
  }
  /** Records up to this level printed with console.log (Off: none). Throws for a bad level. */
  set MaximumConsoleLogLevel(level: LogLevel | LogLevelName) {
    this.consoleLevel = parseLevel(level, "MaximumConsoleLogLevel");
    this.apply();
  }

  /**
   * Takes every record waiting now (the timer does this every 50 ms) and emits them; returns
   * how many. Listeners run synchronously, in the library's order.
   */
  flush(): number {
    if (this.nativeLevel === LogLevel.Off) return 0;
    const lib = library();
    const level = [0];
    const out: unknown[] = [null];
    const len = [0];
    let n = 0;
    while (n < PER_TURN) {
      const status = lib.logNext(level, out, len);
      if (status !== Status.OK) break; // TIMEOUT: empty; INVALID_ARGUMENT: turned off elsewhere
      const text = new TextDecoder().decode(takeBuffer(out[0], Number(len[0])));
      n++;
      this.deliver(new LogMessage(level[0] as LogLevel, text));
    }
    return n;
  }

  private deliver(message: LogMessage): void {
    if (message.level <= this.consoleLevel) console.log(message.FormattedMessage);
    if (message.level <= this.eventLevel) this.emit("log", message);
  }

  /** Puts the library's queue at the level the two settings need, and the timer with it. */
  private apply(): void {
    const wanted = Math.max(this.eventLevel, this.consoleLevel) as LogLevel;
    if (wanted === this.nativeLevel) return;
    if (wanted === LogLevel.Off) {
      // Records already queued were produced while on: hand them out first.
      this.flush();
      this.nativeLevel = LogLevel.Off;
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      check(library().setLogQueue(LogLevel.Off), "plugwire_set_log_queue");
      return;
    }
    check(library().setLogQueue(wanted), "plugwire_set_log_queue");
    this.nativeLevel = wanted;
    if (!this.timer) {
      this.timer = setInterval(() => this.flush(), POLL_MS);
      this.timer.unref();
    }
    if (!this.exitHook) {
      this.exitHook = true;
      // Records of the last moments (clients freed at exit) still reach the listeners.
      process.on("exit", () => this.flush());
    }
  }
}

let callbackListener: ((message: LogMessage) => void) | undefined;

/**
 * The log callback: `callback` gets every record up to `level` (default Info), on the JS
 * thread; `null` removes it and turns 'log' events off. Sugar for one 'log' listener on
 * `PlugwireLogger.Logger` plus its `MaximumEventLogLevel`; a second call replaces the first.
 */
export function setLogCallback(
  callback: ((message: LogMessage) => void) | null,
  level: LogLevel | LogLevelName = LogLevel.Info,
): void {
  if (callback !== null && typeof callback !== "function") {
    throw new TypeError("setLogCallback: callback must be a function or null");
  }
  const logger = PlugwireLogger.Logger;
  const parsed = callback === null ? LogLevel.Off : parseLevel(level, "setLogCallback level");
  if (callbackListener) logger.off("log", callbackListener);
  callbackListener = callback ?? undefined;
  if (callbackListener) logger.on("log", callbackListener);
  logger.MaximumEventLogLevel = parsed;
}
