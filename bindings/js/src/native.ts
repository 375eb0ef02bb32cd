// The C ABI through koffi: finding and loading the library, every function declaration
// (all of them are in this file, so a signature change is a one-line edit here), and how
// replies and events reach JS.
//
// Threads. No library thread ever calls into JS, and no koffi call is ever left running
// on a libuv worker: both would abort the process when a worker_thread is terminated or
// Node tears down (koffi's relay or an async call's completion then throws into a dead
// environment). So the binding pulls, as deltachat's Node binding does: every request
// goes out with `plugwire_client_submit`, whose reply is queued with the events; the
// library's event descriptor (`plugwire_client_event_fd`, a socket watched by libuv like
// any other) becomes readable when something is queued, and the JS thread then takes
// everything with `plugwire_client_next_event(timeout 0)`, which never blocks. On
// Windows, which has no such descriptor, a timer polls the queue every few milliseconds.
//
// So `plugwire_client_free` on the JS thread never waits on JS: close(), the process
// 'exit' hook and an uncaught exception all free synchronously. A terminated worker
// cannot free: libuv closes its socket, and the library then abandons the client (its
// connection is disconnected and the server stops every device). On the timer path a
// worker's client is abandoned when the worker stops pulling for a few seconds.

import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { isMainThread } from "node:worker_threads";
import koffi from "koffi";
import { create, fromBinary } from "@bufbuild/protobuf";

import { EventSchema, ReplySchema, type Event, type Reply } from "./gen/plugwire_pb.js";

import { LibraryNotFoundError, NativeError, Status, errorFromStatus } from "./errors.js";

/** The C ABI version this package is written against (`PLUGWIRE_ABI_VERSION`). */
export const ABI_VERSION = 1;

// ------------------------------------------------------------------ finding the library

export function libraryFileName(platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return "plugwire.dll";
  if (platform === "darwin") return "libplugwire.dylib";
  return "libplugwire.so";
}

/** `<platform>-<arch>`, the folder (or package suffix) of a prebuilt library. */
export function platformTag(): string {
  return `${process.platform}-${process.arch}`;
}

/** The package's own folder (dist/cjs/.. /..). */
const PACKAGE_DIR = path.resolve(__dirname, "..", "..");

function isPlugwireCheckout(dir: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, "Cargo.toml"), "utf8").includes('name = "plugwire"');
  } catch {
    return false;
  }
}

/**
 * Where the library is looked for, in order: `$PLUGWIRE_LIBRARY`; the prebuilt one bundled
 * in this package (`native/<platform>-<arch>/`); the per-platform package
 * `@plugwire/<platform>-<arch>` if installed; then `release` and `debug` under
 * `$CARGO_TARGET_DIR` and under the source checkout this package sits in (development).
 */
export function candidatePaths(): string[] {
  const name = libraryFileName();
  const out: string[] = [];
  const env = process.env.PLUGWIRE_LIBRARY;
  if (env) out.push(path.resolve(env));
  out.push(path.join(PACKAGE_DIR, "native", platformTag(), name));
  try {
    const pkg = require.resolve(`@plugwire/${platformTag()}/package.json`);
    out.push(path.join(path.dirname(pkg), name));
  } catch {
    // not installed: fine
  }
  const targets: string[] = [];
  if (process.env.CARGO_TARGET_DIR) targets.push(path.resolve(process.env.CARGO_TARGET_DIR));
  const repo = path.resolve(PACKAGE_DIR, "..", "..");
  if (isPlugwireCheckout(repo)) targets.push(path.join(repo, "target"));
  for (const target of targets) {
    for (const profile of ["release", "debug"]) out.push(path.join(target, profile, name));
  }
  return out;
}

// ------------------------------------------------------------------ the declarations

const ClientType = koffi.opaque("PlugwireClient");
const ClientPtr = koffi.pointer(ClientType);

/** The loaded library: one JS function per C export this package uses. */
export interface Library {
  path: string;
  version(): string;
  abiVersion(): number;
  lastErrorMessage(): string;
  /** `plugwire_client_new(NULL, NULL, PlugwireClient **out)`: pull mode. */
  clientNew(out: unknown[]): number;
  /** `plugwire_client_submit(const PlugwireClient *, const uint8_t *, size_t, uint64_t request_id)` */
  clientSubmit(client: unknown, request: Uint8Array, len: number, requestId: number): number;
  /** `plugwire_client_next_event(client, 0, &buf, &len)`: never blocks. */
  nextEvent(client: unknown, out: unknown[], outLen: number[]): number;
  /** `plugwire_buffer_free(uint8_t *, size_t)` */
  bufferFree(buffer: unknown, len: number): number;
  /** `plugwire_client_event_fd(client, int *out_fd)` (PLUGWIRE_STATUS_UNSUPPORTED on Windows). */
  eventFd(client: unknown, out: number[]): number;
  /** `plugwire_client_abandon_when_idle(client, uint32_t idle_ms)`: for the timer path. */
  abandonWhenIdle(client: unknown, idleMs: number): number;
  /** `plugwire_client_free(PlugwireClient *)`; never waits on JS (no callbacks). */
  clientFree(client: unknown): number;
  /** `plugwire_set_log_queue(uint32_t level)`: the pulled log queue on (1..5) or off (0). */
  setLogQueue(level: number): number;
  /** `plugwire_log_next(0, &level, &message, &len)`: never blocks. */
  logNext(outLevel: number[], out: unknown[], outLen: number[]): number;
}

function declare(file: string): Library {
  let lib: koffi.IKoffiLib;
  try {
    lib = koffi.load(file);
  } catch (e) {
    throw new LibraryNotFoundError(`cannot load the plugwire library ${file}: ${(e as Error).message}`);
  }
  const version = lib.func("const char *plugwire_version(void)");
  const abiVersion = lib.func("uint32_t plugwire_abi_version(void)");
  const lastError = lib.func("const char *plugwire_last_error_message(void)");
  const clientNew = lib.func(
    "int plugwire_client_new(void *event_callback, void *event_user_data, _Out_ PlugwireClient **out_client)",
  );
  const clientSubmit = lib.func(
    "int plugwire_client_submit(const PlugwireClient *client, const uint8_t *request, size_t request_len, uint64_t request_id)",
  );
  const nextEvent = lib.func(
    "int plugwire_client_next_event(const PlugwireClient *client, uint32_t timeout_ms, _Out_ void **out_event, _Out_ size_t *out_len)",
  );
  const bufferFree = lib.func("int plugwire_buffer_free(void *buffer, size_t len)");
  const eventFd = lib.func("int plugwire_client_event_fd(const PlugwireClient *client, _Out_ int *out_fd)");
  const abandonWhenIdle = lib.func("int plugwire_client_abandon_when_idle(const PlugwireClient *client, uint32_t idle_ms)");
  const clientFree = lib.func("int plugwire_client_free(PlugwireClient *client)");
  const setLogQueue = lib.func("int plugwire_set_log_queue(uint32_t level)");
  const logNext = lib.func(
    "int plugwire_log_next(uint32_t timeout_ms, _Out_ uint32_t *out_level, _Out_ void **out_message, _Out_ size_t *out_len)",
  );

  const abi = abiVersion() as number;
  if (abi !== ABI_VERSION) {
    throw new LibraryNotFoundError(`${file} implements plugwire ABI ${abi}; this package needs ABI ${ABI_VERSION}`);
  }
  return {
    path: file,
    version: () => version() as string,
    abiVersion: () => abi,
    lastErrorMessage: () => (lastError() as string | null) ?? "",
    clientNew: (out) => clientNew(null, null, out) as number,
    clientSubmit: (client, req, len, id) => clientSubmit(client, req, len, id) as number,
    nextEvent: (client, out, outLen) => nextEvent(client, 0, out, outLen) as number,
    bufferFree: (buffer, len) => bufferFree(buffer, len) as number,
    eventFd: (client, out) => eventFd(client, out) as number,
    abandonWhenIdle: (client, idleMs) => abandonWhenIdle(client, idleMs) as number,
    clientFree: (client) => clientFree(client) as number,
    setLogQueue: (level) => setLogQueue(level) as number,
    logNext: (outLevel, out, outLen) => logNext(0, outLevel, out, outLen) as number,
  };
}

let loaded: Library | undefined;

/** Loads the library on first use (see `candidatePaths` for where it looks). */
export function library(): Library {
  if (loaded) return loaded;
  const env = process.env.PLUGWIRE_LIBRARY;
  if (env && !fs.existsSync(env)) {
    throw new LibraryNotFoundError(`PLUGWIRE_LIBRARY=${env} is not a file`);
  }
  const tried: string[] = [];
  for (const candidate of candidatePaths()) {
    if (fs.existsSync(candidate)) {
      loaded = declare(candidate);
      return loaded;
    }
    tried.push(candidate);
  }
  throw new LibraryNotFoundError(
    "the plugwire library was not found; install the package from a source checkout (it builds " +
      "the library with cargo), or set PLUGWIRE_LIBRARY to its path (e.g. target/release/" +
      `${libraryFileName()} after \`cargo build --release\`). Tried: ${tried.join(", ")}`,
  );
}

/** Throws the error class for a non-OK status, with the library's message. */
export function check(status: number, what: string): void {
  if (status === Status.OK) return;
  const detail = library().lastErrorMessage();
  throw errorFromStatus(status, detail ? `${what}: ${detail}` : what);
}

// ------------------------------------------------------------------ pulling

/**
 * Copies a buffer the library handed out into JS memory and frees it: a copy, never a view
 * of the library's memory (Electron forbids external buffers).
 */
export function takeBuffer(buffer: unknown, len: number): Uint8Array {
  const bytes = len ? new Uint8Array(koffi.view(buffer, len)).slice() : new Uint8Array(0);
  library().bufferFree(buffer, len);
  return bytes;
}

/** Native clients created and not yet freed. */
let liveClients = 0;

/** How often the queue is polled where there is no event descriptor (Windows). */
const POLL_MS = 4;
/** How long a worker on the timer path may go without pulling before the library takes it
 * for terminated: a worker whose event loop stalls this long (a long synchronous
 * computation) loses its client. */
const WORKER_IDLE_MS = 3_000;

/**
 * Whether any library callback is registered with koffi: never, since the binding pulls
 * (kept for compatibility; always false).
 */
export function callbacksRegistered(): boolean {
  return false;
}

/** Native clients created and not yet freed (tests). */
export function nativeClientsOpen(): number {
  return liveClients;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** A native client handle: its requests in flight and the route of its events. */
export class NativeClient {
  private handle: unknown;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private socket: net.Socket | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(private readonly onEvent: (event: Event) => void) {
    const lib = library();
    const out: unknown[] = [null];
    check(lib.clientNew(out), "plugwire_client_new");
    this.handle = out[0];
    liveClients++;
    const fd = [-1];
    // PLUGWIRE_EVENT_POLL=1 takes the timer path Windows takes, so its tests run anywhere.
    const status = process.env.PLUGWIRE_EVENT_POLL === "1" ? Status.UNSUPPORTED : lib.eventFd(this.handle, fd);
    if (status === Status.OK) {
      this.socket = new net.Socket({ fd: fd[0], readable: true, writable: false });
      this.socket.on("data", () => this.drain());
      // The library closes its end when the client is freed; nothing to report.
      this.socket.on("error", () => {});
      this.socket.on("end", () => {});
    } else if (status === Status.UNSUPPORTED) {
      this.poller = setInterval(() => this.drain(), POLL_MS);
      // A terminated worker runs no exit hook and has no descriptor for libuv to close:
      // the library takes a worker that stops pulling for WORKER_IDLE_MS as gone (its toys stop).
      const watched = isMainThread ? Status.OK : lib.abandonWhenIdle(this.handle, WORKER_IDLE_MS);
      if (watched !== Status.OK) {
        clearInterval(this.poller);
        lib.clientFree(this.handle);
        this.handle = undefined;
        liveClients--;
        check(watched, "plugwire_client_abandon_when_idle");
      }
    } else {
      lib.clientFree(this.handle);
      this.handle = undefined;
      liveClients--;
      check(status, "plugwire_client_event_fd");
    }
  }

  get open(): boolean {
    return this.handle !== undefined;
  }

  /** Lets Node exit while this client is open (its event source stops holding the loop). */
  unref(): void {
    this.socket?.unref();
    this.poller?.unref();
  }

  ref(): void {
    this.socket?.ref();
    this.poller?.ref();
  }

  /** Sends an encoded Request; resolves with its Reply, rejects if the client is freed first. */
  request(bytes: Uint8Array, signal?: AbortSignal): Promise<Reply> {
    if (!this.open) return Promise.reject(errorFromStatus(Status.CLIENT_CLOSED, "the client is closed"));
    // Aborted before the call: nothing is sent.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    const status = library().clientSubmit(this.handle, bytes, bytes.length, id);
    if (status !== Status.OK) {
      try {
        check(status, "plugwire_client_submit");
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (!signal) return new Promise<Reply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Aborted later: the caller stops waiting; the request goes on and its reply is dropped.
    return new Promise<Reply>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: (reply) => {
          signal.removeEventListener("abort", onAbort);
          resolve(reply);
        },
        reject: (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
    });
  }

  /** Takes everything queued: replies settle their promises, events go to `onEvent`. */
  private drain(): void {
    const lib = library();
    const out: unknown[] = [null];
    const len = [0];
    while (this.handle !== undefined) {
      const status = lib.nextEvent(this.handle, out, len);
      if (status !== Status.OK) return; // TIMEOUT: empty; CLIENT_CLOSED: abandoned or freed
      const bytes = takeBuffer(out[0], Number(len[0]));
      let event: Event;
      try {
        event = fromBinary(EventSchema, bytes);
      } catch (e) {
        this.onEvent(create(EventSchema, {
          kind: { case: "error", value: { code: 11, category: 3, message: `undecodable event: ${(e as Error).message}` } },
        }));
        continue;
      }
      if (event.kind.case === "requestReply") {
        const id = Number(event.kind.value.requestId);
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.resolve(event.kind.value.reply ?? create(ReplySchema, {}));
      } else {
        this.onEvent(event);
      }
    }
  }

  /**
   * Frees the handle, on the JS thread: the library disconnects (the server stops every
   * device, within 5 s) and never waits on JS. Requests still in flight reject with
   * `dropped()`. Idempotent. The promise resolves once the event socket is closed.
   */
  free(dropped: () => Error): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return Promise.resolve();
    this.handle = undefined;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    library().clientFree(handle);
    const socket = this.socket;
    this.socket = undefined;
    // Resolves once libuv has closed the socket (no handle of this client is left).
    const closed = socket
      ? new Promise<void>((resolve) => {
          socket.once("close", () => resolve());
          socket.destroy();
        })
      : Promise.resolve();
    liveClients--;
    const error = dropped();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
    return closed;
  }

  /** Requests sent whose reply has not reached JS yet. */
  get inFlight(): number {
    return this.pending.size;
  }
}

export { ClientPtr };
