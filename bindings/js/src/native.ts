// The C ABI through koffi: finding and loading the library, every function declaration
// (all of them are in this file, so a signature change is a one-line edit here), and the
// routing of the library's callbacks to JS.
//
// Threads. The library calls a client's callbacks on that client's own callback thread.
// koffi relays such a call to the JS thread and blocks the native thread until the JS
// function has returned. So the JS thread must never wait on the library while a callback
// may be pending: every ABI function that can block (plugwire_client_free, which waits for
// a running callback; plugwire_shutdown) is called through koffi's `.async`, on a libuv
// worker thread. The process 'exit' hook is the exception (NativeClient.closeAtExit).
//
// Callbacks. Two koffi callbacks are registered, one for events and one for replies; the
// `user_data` the library hands back is a plain integer (a client id or a request id),
// looked up in the maps below. They are registered while at least one client is open and
// unregistered once the last client has been freed (after plugwire_client_free returns no
// callback of that client runs, so none can reach an unregistered trampoline).

import * as fs from "node:fs";
import * as path from "node:path";
import koffi from "koffi";

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

const CallbackProto = koffi.proto(
  "void PlugwireCallback(uintptr_t user_data, const uint8_t *data, size_t len)",
);
const ClientType = koffi.opaque("PlugwireClient");
const ClientPtr = koffi.pointer(ClientType);

/** The loaded library: one JS function per C export this package uses. */
export interface Library {
  path: string;
  version(): string;
  abiVersion(): number;
  lastErrorMessage(): string;
  /** `plugwire_client_new(PlugwireCallback, void *user_data, PlugwireClient **out)` */
  clientNew(eventCallback: unknown, userData: number, out: unknown[]): number;
  /** `plugwire_client_request(const PlugwireClient *, const uint8_t *, size_t, PlugwireCallback, void *)` */
  clientRequest(client: unknown, request: Uint8Array, len: number, replyCallback: unknown, userData: number): number;
  /**
   * `plugwire_client_free(PlugwireClient *)` on the JS thread: only from the process
   * 'exit' hook, and only when no reply can be waiting for the JS thread.
   */
  clientFreeSync(client: unknown): number;
  /** `plugwire_client_free(PlugwireClient *)` on a libuv worker thread. */
  clientFreeAsync(client: unknown): Promise<number>;
  /** `plugwire_shutdown(uint32_t timeout_ms)` on a libuv worker thread. */
  shutdownAsync(timeoutMs: number): Promise<number>;
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
  // user_data is declared uintptr_t (pointer-sized): the library never dereferences it.
  const clientNew = lib.func(
    "int plugwire_client_new(PlugwireCallback *event_callback, uintptr_t event_user_data, _Out_ PlugwireClient **out_client)",
  );
  const clientRequest = lib.func(
    "int plugwire_client_request(const PlugwireClient *client, const uint8_t *request, size_t request_len, PlugwireCallback *reply_callback, uintptr_t reply_user_data)",
  );
  const clientFree = lib.func("int plugwire_client_free(PlugwireClient *client)");
  const shutdown = lib.func("int plugwire_shutdown(uint32_t timeout_ms)");

  const abi = abiVersion() as number;
  if (abi !== ABI_VERSION) {
    throw new LibraryNotFoundError(`${file} implements plugwire ABI ${abi}; this package needs ABI ${ABI_VERSION}`);
  }
  const viaWorker = (fn: koffi.KoffiFunction, ...args: unknown[]): Promise<number> =>
    new Promise((resolve, reject) => {
      fn.async(...args, (err: unknown, status: number) => (err ? reject(err) : resolve(status)));
    });
  return {
    path: file,
    version: () => version() as string,
    abiVersion: () => abi,
    lastErrorMessage: () => (lastError() as string | null) ?? "",
    clientNew: (cb, ud, out) => clientNew(cb, ud, out) as number,
    clientRequest: (client, req, len, cb, ud) => clientRequest(client, req, len, cb, ud) as number,
    clientFreeSync: (client) => clientFree(client) as number,
    clientFreeAsync: (client) => viaWorker(clientFree, client),
    shutdownAsync: (timeoutMs) => viaWorker(shutdown, timeoutMs),
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

// ------------------------------------------------------------------ callback routing

export type Handler = (payload: Uint8Array) => void;

const events = new Map<number, Handler>();
const replies = new Map<number, Handler>();
let nextId = 1;

let eventTrampoline: koffi.IKoffiRegisteredCallback | undefined;
let replyTrampoline: koffi.IKoffiRegisteredCallback | undefined;
/** Native clients created and not yet freed; the trampolines live while this is > 0. */
let liveClients = 0;

function copyOut(data: unknown, len: number): Uint8Array {
  if (!len || data === null) return new Uint8Array(0);
  // A copy, never a view of the library's buffer: it is borrowed for the callback only
  // (and Electron forbids external buffers).
  return new Uint8Array(koffi.view(data, len)).slice();
}

function register(): void {
  if (eventTrampoline) return;
  eventTrampoline = koffi.register(
    (userData: number | bigint, data: unknown, len: number | bigint) => {
      const handler = events.get(Number(userData));
      if (handler) handler(copyOut(data, Number(len)));
    },
    koffi.pointer(CallbackProto),
  );
  replyTrampoline = koffi.register(
    (userData: number | bigint, data: unknown, len: number | bigint) => {
      const id = Number(userData);
      const handler = replies.get(id);
      replies.delete(id);
      if (handler) handler(copyOut(data, Number(len)));
    },
    koffi.pointer(CallbackProto),
  );
}

function unregisterIfIdle(): void {
  if (liveClients > 0 || !eventTrampoline) return;
  koffi.unregister(eventTrampoline);
  koffi.unregister(replyTrampoline!);
  eventTrampoline = undefined;
  replyTrampoline = undefined;
}

/** Whether the two trampolines are registered with koffi (tests). */
export function callbacksRegistered(): boolean {
  return eventTrampoline !== undefined;
}

/** A native client handle with its event route. */
export class NativeClient {
  private handle: unknown;
  private readonly eventId: number;
  private readonly pending = new Map<number, (error: Error) => void>();
  private freeing: Promise<void> | undefined;

  constructor(onEvent: Handler) {
    const lib = library();
    register();
    this.eventId = nextId++;
    events.set(this.eventId, onEvent);
    const out: unknown[] = [null];
    const status = lib.clientNew(eventTrampoline, this.eventId, out);
    if (status !== Status.OK) {
      events.delete(this.eventId);
      unregisterIfIdle();
      check(status, "plugwire_client_new");
    }
    this.handle = out[0];
    liveClients++;
  }

  get open(): boolean {
    return this.handle !== undefined && this.freeing === undefined;
  }

  /**
   * Sends an encoded Request; `onReply` gets the encoded Reply, or `onDropped` an error
   * if the client is freed before the reply came.
   */
  request(bytes: Uint8Array, onReply: Handler, onDropped: (error: Error) => void): void {
    if (!this.open) throw errorFromStatus(Status.CLIENT_CLOSED, "the client is closed");
    const id = nextId++;
    replies.set(id, (payload) => {
      this.pending.delete(id);
      onReply(payload);
    });
    this.pending.set(id, onDropped);
    const status = library().clientRequest(this.handle, bytes, bytes.length, replyTrampoline, id);
    if (status !== Status.OK) {
      replies.delete(id);
      this.pending.delete(id);
      check(status, "plugwire_client_request");
    }
  }

  private afterFree(dropped: Error): void {
    events.delete(this.eventId);
    for (const [id, fail] of this.pending) {
      replies.delete(id);
      fail(dropped);
    }
    this.pending.clear();
    liveClients--;
    unregisterIfIdle();
  }

  /** Frees the handle on a worker thread (the JS thread stays free to run callbacks). */
  free(dropped: () => Error): Promise<void> {
    if (this.freeing) return this.freeing;
    const handle = this.handle;
    if (handle === undefined) return Promise.resolve();
    this.freeing = library()
      .clientFreeAsync(handle)
      .then((status) => {
        this.handle = undefined;
        this.afterFree(dropped());
        if (status !== Status.OK) throw new NativeError(status, "plugwire_client_free failed");
      });
    return this.freeing;
  }

  /** Requests sent whose reply has not reached JS yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * For the process 'exit' hook, where no event loop turn will come again (and koffi
   * must not call into JS any more: an async call's completion or a relayed callback
   * arriving during Node's teardown aborts the process).
   *
   * With no request in flight, no reply can be waiting for the JS thread: the handle is
   * freed synchronously (the library stops the devices, ends the callback thread and,
   * for the last client, its runtime). With requests in flight, a reply may be blocked
   * in koffi's relay to the JS thread, and freeing (which waits for a running callback)
   * would hang the exit: the client then gets a fire-and-forget `Disconnect` (the server
   * stops every device) and the handle is left to the process's end. Returns whether
   * the handle was freed.
   */
  closeAtExit(disconnect: Uint8Array): boolean {
    const handle = this.handle;
    if (handle === undefined || this.freeing) return true;
    this.freeing = Promise.resolve();
    this.handle = undefined;
    const freed = this.pending.size === 0;
    if (freed) {
      library().clientFreeSync(handle);
    } else {
      library().clientRequest(handle, disconnect, disconnect.length, null, 0);
    }
    events.delete(this.eventId);
    for (const id of this.pending.keys()) replies.delete(id);
    this.pending.clear();
    if (freed) {
      liveClients--;
      unregisterIfIdle();
    }
    return freed;
  }
}

export { ClientPtr };
