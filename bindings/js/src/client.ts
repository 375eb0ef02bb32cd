// PlugwireClient: the Buttplug client, shaped like npm `buttplug`'s ButtplugClient, over
// the C ABI (protobuf requests in, replies and events out through callbacks).

import { EventEmitter } from "node:events";
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";

import {
  ClientClosedError,
  ErrorCategory,
  ErrorCode,
  InvalidArgumentError,
  PlugwireError,
  errorFromCode,
} from "./errors.js";
import {
  RecordKind,
  RequestSchema,
  WriteFault,
  type Device as DeviceMessage,
  type Event,
  type Reply,
} from "./gen/plugwire_pb.js";
import { NativeClient } from "./native.js";
import { PlugwireDevice, type InputReading } from "./device.js";
import { inputTypeName } from "./names.js";
import {
  PlaybackRegistry,
  play,
  playFunscript,
  type PlaybackEventInfo,
  type PlaybackInterpolation,
  type PlaybackOptions,
  type PlaybackTrack,
  type PlugwirePlayback,
} from "./playback.js";

type RequestInit = MessageInitShape<typeof RequestSchema>;
type RequestKind = NonNullable<RequestInit["kind"]>;

/**
 * Options every promise-returning method takes last. `signal`: an AbortSignal; aborted
 * before the call, nothing is sent; aborted later, the promise rejects with the signal's
 * reason while the request goes on (the command may still reach the toy). Requests keep
 * their order, so a stop sent after an aborted command acts after it.
 */
export interface RequestOptions {
  signal?: AbortSignal;
}

function checkSignal(options: RequestOptions | undefined): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== "object") throw new TypeError("options must be an object like { signal }");
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("options.signal must be an AbortSignal");
  }
  return signal;
}

/** A simulated toy for `connectEmbedded({ simulatedDevices })` or `simulation.addDevice`. */
export interface SimulatedDeviceOptions {
  /** Advertised name a built-in protocol knows, e.g. "LVS-Lush". */
  name: string;
  /** Address; generated when omitted. */
  address?: string;
  /** Model the toy reports during identification; from the name when omitted. */
  model?: string;
  /** Battery level 0..100 the toy reports. */
  battery?: number;
  /** Present the toy as a serial port of this name instead of a BLE advertisement. */
  serialPort?: string;
}

/** What the server said at the handshake (`client.serverInfo`, as npm buttplug's). */
export interface ServerInfo {
  serverName: string;
  /** The ping interval the server asks for, in ms (0: no pings); the client pings by itself. */
  maxPingTime: number;
}

/** Options of `connect(url, options)`. */
export interface WebsocketOptions extends RequestOptions {
  /**
   * The client pings a server that asks for pings (MaxPingTime > 0) by itself (true, the
   * default). false turns that off: the application then calls `ping()` itself, or the
   * server stops every device at its deadline.
   */
  ping?: boolean;
  /** Milliseconds between the client's pings; omitted: MaxPingTime / 2. */
  pingIntervalMs?: number;
  /**
   * Dial a dropped connection again (false, the default: a drop is final). While the link
   * is down 'connectionlost' has been emitted and every request rejects with
   * NotConnectedError (nothing is queued or replayed); once back the device list is
   * fetched again ('deviceremoved'/'deviceadded' for each difference) and 'reconnected'
   * follows. Giving up (reconnectMaxAttempts) ends with 'disconnect'.
   */
  reconnect?: boolean;
  /** Delay before the first attempt in ms (default 250); it doubles after each failure. */
  reconnectInitialDelayMs?: number;
  /** Longest delay between attempts in ms (default 10000). */
  reconnectMaxDelayMs?: number;
  /** Attempts before giving up (default: no limit, until disconnect or close). */
  reconnectMaxAttempts?: number;
}

function uint32Option(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new TypeError(`${what} must be an integer between 0 and 4294967295, not ${String(value)}`);
  }
  return value;
}

export interface EmbeddedOptions extends RequestOptions {
  clientName?: string;
  serverName?: string;
  /** Ping watchdog in ms (0: off). The library pings for the client. */
  maxPingTimeMs?: number;
  /** The simulated hardware manager (implied by `simulatedDevices`). */
  simulated?: boolean;
  /** Simulated toys to create: names, or full descriptions. */
  simulatedDevices?: Array<string | SimulatedDeviceOptions>;
  bluetoothLE?: boolean;
  serial?: boolean;
  /** Devices connecting over websocket (the device websocket manager). */
  deviceWebsocket?: boolean;
  /** Ecosystem device configuration (v4/v5 JSON): text or a parsed object. */
  deviceConfig?: string | object;
  /** Intiface user device configuration: text or a parsed object. */
  userConfig?: string | object;
  /** Gap between writes for devices whose configuration names none (default 75 ms). */
  defaultMessageGapMs?: number;
}

/** One thing a simulated toy saw: a write (with its bytes), read, subscribe, unsubscribe. */
export interface WriteRecord {
  kind: "write" | "read" | "subscribe" | "unsubscribe" | "unspecified";
  endpoint: string;
  data: Uint8Array;
  /** The bytes as Latin-1 text (Lovense and friends speak ASCII). */
  text: string;
  withResponse: boolean;
  /** Microseconds since the simulated device was created. */
  atUs: bigint;
}

export interface PlugwireClientEvents {
  deviceadded: [device: PlugwireDevice];
  deviceremoved: [device: PlugwireDevice];
  scanningfinished: [];
  inputreading: [reading: InputReading];
  disconnect: [];
  error: [error: PlugwireError];
  /** Every event of every playback of this client. */
  playback: [event: PlaybackEventInfo];
  /** The link dropped and the client is reconnecting (`connect(url, { reconnect: true })`). */
  connectionlost: [];
  /** The link is back and the device list re-synced ('deviceremoved'/'deviceadded' came first). */
  reconnected: [devices: PlugwireDevice[], attempts: number];
}

const RECORD_KINDS: Record<number, WriteRecord["kind"]> = {
  [RecordKind.WRITE]: "write",
  [RecordKind.READ]: "read",
  [RecordKind.SUBSCRIBE]: "subscribe",
  [RecordKind.UNSUBSCRIBE]: "unsubscribe",
};

function configText(value: string | object | undefined, what: string): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  throw new InvalidArgumentError(`${what} must be JSON text or an object`);
}

/** "LVS-Lush" or "LVS-Lush@AA:00:00:00:00:01" (name and address), or full options. */
function simulatedDevice(d: string | SimulatedDeviceOptions) {
  let o: SimulatedDeviceOptions;
  if (typeof d === "string") {
    const at = d.lastIndexOf("@");
    o = at > 0 ? { name: d.slice(0, at), address: d.slice(at + 1) } : { name: d };
  } else if (d && typeof d === "object" && typeof d.name === "string") {
    o = d;
  } else {
    throw new InvalidArgumentError("a simulated device is a name (optionally NAME@ADDRESS) or { name, ... }");
  }
  return {
    name: o.name,
    address: o.address ?? "",
    model: o.model ?? "",
    serialPort: o.serialPort ?? "",
    battery: o.battery === undefined ? undefined : { case: "batteryLevel" as const, value: o.battery },
  };
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? new TextEncoder().encode(data) : data;
}

/**
 * npm buttplug's websocket connector, for `client.connect(new
 * ButtplugNodeWebsocketClientConnector(url))`: here it only carries the address (the
 * websocket itself lives in the library; `connect(url, options)` takes the same address).
 */
export class ButtplugNodeWebsocketClientConnector {
  constructor(readonly url: string) {
    if (typeof url !== "string") throw new TypeError("ButtplugNodeWebsocketClientConnector takes the server's ws:// address");
  }
}

/** Open clients, freed by the process 'exit' hook if still open then. */
const openClients = new Set<PlugwireClient>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // No library thread ever calls into JS (the binding pulls), so freeing here, on the JS
  // thread, never waits on JS: the library disconnects (the server stops every device)
  // and releases the client, whatever was in flight.
  process.on("exit", () => {
    for (const client of [...openClients].reverse()) client.closeAtExit();
  });
}

/**
 * A Buttplug client. Connect it to a server embedded in the library
 * (`connectEmbedded`) or to any Buttplug server over websocket (`connect(url)`).
 *
 * An open client keeps Node running, as an open socket does (`unref()` opts out);
 * `close()` (or `await using`) releases it.
 */
export class PlugwireClient extends EventEmitter<PlugwireClientEvents> {
  readonly name: string;
  /** Devices by index. */
  readonly devices = new Map<number, PlugwireDevice>();
  /** Simulated-device control, for tests (needs `connectEmbedded` with simulation). */
  readonly simulation: Simulation;
  private native: NativeClient | undefined;
  private _connected = false;
  /** Between 'connectionlost' and 'reconnected' (or the final 'disconnect'). */
  private _reconnecting = false;
  private _isScanning = false;
  private _serverInfo: ServerInfo | undefined;
  private closing: Promise<void> | undefined;
  private refed = true;
  /** @internal */
  readonly playbacks = new PlaybackRegistry();

  constructor(name = "plugwire") {
    super();
    this.name = name;
    this.simulation = new Simulation(this);
  }

  /** Whether a connection is open. */
  get connected(): boolean {
    return this._connected;
  }

  /** The server's name and ping interval while connected (undefined before). */
  get serverInfo(): ServerInfo | undefined {
    return this._serverInfo;
  }

  /** Whether a scan is running (until `stopScanning`, or 'scanningfinished' where a manager scans in rounds). */
  get isScanning(): boolean {
    return this._isScanning;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Lets Node exit while this client is open (like `socket.unref()`). */
  unref(): this {
    this.refed = false;
    this.native?.unref();
    return this;
  }

  /** Keeps Node running while this client is open (the default). */
  ref(): this {
    this.refed = true;
    this.native?.ref();
    return this;
  }

  private ensureNative(): NativeClient {
    if (this.closing) throw new ClientClosedError("the client is closed");
    if (!this.native) {
      // The native client's event source (a socket libuv watches) is what keeps the
      // event loop alive while the client is open, unless unref()'d.
      this.native = new NativeClient((event) => this.onNativeEvent(event));
      if (!this.refed) this.native.unref();
      openClients.add(this);
      installExitHook();
    }
    return this.native;
  }

  /** Sends one request and resolves with its reply (rejects with the reply's error). */
  request(kind: RequestKind, options?: RequestOptions): Promise<Reply> {
    let native: NativeClient;
    let signal: AbortSignal | undefined;
    try {
      signal = checkSignal(options);
      native = this.ensureNative();
    } catch (e) {
      return Promise.reject(e);
    }
    const bytes = toBinary(RequestSchema, create(RequestSchema, { kind }));
    return native.request(bytes, signal).then((reply) => {
      if (reply.kind.case === "error") {
        const err = reply.kind.value;
        throw errorFromCode(err.code, err.category, err.message);
      }
      return reply;
    });
  }

  private async requestOk(kind: RequestKind, options?: RequestOptions): Promise<void> {
    await this.request(kind, options);
  }

  /** Starts a server inside the library (simulated toys, Bluetooth LE, serial...) and connects to it. */
  async connectEmbedded(options: EmbeddedOptions = {}): Promise<void> {
    const devices = (options.simulatedDevices ?? []).map(simulatedDevice);
    await this.requestOk({
      case: "connectEmbedded",
      value: {
        clientName: options.clientName ?? this.name,
        serverName: options.serverName ?? "",
        maxPingTimeMs: options.maxPingTimeMs ?? 0,
        simulated: options.simulated ?? devices.length > 0,
        bluetoothLe: options.bluetoothLE ?? false,
        serial: options.serial ?? false,
        deviceWebsocket: options.deviceWebsocket ?? false,
        deviceConfigJson: configText(options.deviceConfig, "deviceConfig"),
        userConfigJson: configText(options.userConfig, "userConfig"),
        simulatedDevices: devices,
        defaultGap:
          options.defaultMessageGapMs === undefined
            ? undefined
            : { case: "defaultMessageGapMs", value: options.defaultMessageGapMs },
      },
    }, options);
    await this.afterConnect();
  }

  /**
   * Connects to a Buttplug server over websocket, e.g. "ws://127.0.0.1:12345", or (as npm
   * buttplug) `new ButtplugNodeWebsocketClientConnector(url)`.
   */
  async connect(server: string | ButtplugNodeWebsocketClientConnector, options?: WebsocketOptions): Promise<void> {
    const url = server instanceof ButtplugNodeWebsocketClientConnector ? server.url : server;
    if (typeof url !== "string") throw new TypeError("connect(url) takes the server's ws:// address or a ButtplugNodeWebsocketClientConnector");
    checkSignal(options);
    const ping = options?.ping ?? true;
    if (typeof ping !== "boolean") throw new TypeError("options.ping must be a boolean");
    const pingIntervalMs = uint32Option(options?.pingIntervalMs, "options.pingIntervalMs") ?? 0;
    const reconnect = options?.reconnect ?? false;
    if (typeof reconnect !== "boolean") throw new TypeError("options.reconnect must be a boolean");
    await this.requestOk(
      {
        case: "connectWebsocket",
        value: {
          clientName: this.name,
          url,
          noPing: !ping,
          pingIntervalMs,
          reconnect,
          reconnectInitialDelayMs: uint32Option(options?.reconnectInitialDelayMs, "options.reconnectInitialDelayMs") ?? 0,
          reconnectMaxDelayMs: uint32Option(options?.reconnectMaxDelayMs, "options.reconnectMaxDelayMs") ?? 0,
          reconnectMaxAttempts: uint32Option(options?.reconnectMaxAttempts, "options.reconnectMaxAttempts") ?? 0,
        },
      },
      options,
    );
    await this.afterConnect();
  }

  private async afterConnect(): Promise<void> {
    this._connected = true;
    await this.fetchServerInfo();
    const reply = await this.request({ case: "requestDeviceList", value: {} });
    if (reply.kind.case === "deviceList") {
      for (const d of reply.kind.value.devices) {
        const device = this.addDevice(d);
        if (device) this.emit("deviceadded", device);
      }
    }
  }

  /**
   * Asks the server for its device list (RequestDeviceList on the wire) and brings
   * `devices` in line with it ('deviceadded' / 'deviceremoved' for the differences).
   */
  async refreshDevices(options?: RequestOptions): Promise<PlugwireDevice[]> {
    const reply = await this.request({ case: "requestDeviceList", value: {} }, options);
    if (reply.kind.case !== "deviceList") return [...this.devices.values()];
    const listed = new Set(reply.kind.value.devices.map((d) => d.index));
    for (const [index, device] of [...this.devices]) {
      if (!listed.has(index)) {
        this.devices.delete(index);
        this.emit("deviceremoved", device);
      }
    }
    for (const d of reply.kind.value.devices) {
      const device = this.addDevice(d);
      if (device) this.emit("deviceadded", device);
    }
    return reply.kind.value.devices.map((d) => this.devices.get(d.index)!).filter((d) => d !== undefined);
  }

  async startScanning(options?: RequestOptions): Promise<void> {
    await this.requestOk({ case: "startScanning", value: {} }, options);
    this._isScanning = true;
  }

  async stopScanning(options?: RequestOptions): Promise<void> {
    await this.requestOk({ case: "stopScanning", value: {} }, options);
    this._isScanning = false;
  }

  /** Stops every device. */
  async stopAllDevices(options?: RequestOptions): Promise<void> {
    await this.requestOk({ case: "stopAll", value: {} }, options);
  }

  async ping(options?: RequestOptions): Promise<void> {
    await this.requestOk({ case: "ping", value: {} }, options);
  }

  /**
   * Disconnects (the server stops every device); the client can connect again. When not
   * connected (never, or already disconnected) it rejects with NotConnectedError, every time.
   */
  async disconnect(options?: RequestOptions): Promise<void> {
    await this.requestOk({ case: "disconnect", value: {} }, options);
    this.lostConnection(true);
  }

  /**
   * Disconnects, stops every device, and releases the native client and its callback
   * thread. Requests still in flight reject with ClientClosedError. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const native = this.native;
    const dropped = () => new ClientClosedError("the client was closed before the reply came");
    this.closing = (async () => {
      if (native?.open && this._connected) {
        // Stop the devices first without blocking the JS thread; the free below is then
        // quick. (Free alone would also disconnect, on this thread, within 5 s.)
        try {
          await native.request(toBinary(RequestSchema, create(RequestSchema, { kind: { case: "disconnect", value: {} } })));
        } catch {
          // not connected any more, or abandoned: free does what remains
        }
      }
      const closed = native?.free(dropped);
      this.released();
      await closed;
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal The process 'exit' hook: frees the native client on the JS thread. */
  closeAtExit(): void {
    if (!this.native || this.closing) return;
    this.closing = Promise.resolve();
    void this.native.free(() => new ClientClosedError("the process exited before the reply came"));
    this.released();
  }

  /**
   * Plays funscript axes and patterns on device outputs, together on one clock (see
   * README, "Playback"). Resolves with the running playback.
   */
  play(tracks: PlaybackTrack[], options?: PlaybackOptions): Promise<PlugwirePlayback> {
    return play(this, this.playbacks, tracks, options);
  }

  /**
   * Plays a funscript (JSON text or object) on every connected output it has an axis for
   * (positions get L0; vibrators V0, else the speed of L0; rotators R0, else the speed of
   * L0; oscillators the speed of L0; constrictors A1).
   */
  playFunscript(
    funscript: string | object,
    options?: PlaybackOptions & { interpolation?: PlaybackInterpolation | Lowercase<string> },
  ): Promise<PlugwirePlayback> {
    return playFunscript(this, this.playbacks, funscript, options);
  }

  private released(): void {
    this.playbacks.close();
    openClients.delete(this);
    this._connected = false;
    this._isScanning = false;
  }

  private async fetchServerInfo(): Promise<void> {
    const info = await this.request({ case: "getServerInfo", value: {} });
    if (info.kind.case === "serverInfo") {
      this._serverInfo = { serverName: info.kind.value.serverName, maxPingTime: info.kind.value.maxPingTimeMs };
    }
  }

  private lostConnection(emit: boolean): void {
    this._serverInfo = undefined;
    const wasConnected = this._connected || this._reconnecting;
    this._connected = false;
    this._reconnecting = false;
    this._isScanning = false;
    this.devices.clear();
    if (emit && wasConnected) this.emit("disconnect");
  }

  private addDevice(message: DeviceMessage): PlugwireDevice | undefined {
    const existing = this.devices.get(message.index);
    if (existing && existing.name === message.name) return undefined;
    const device = new PlugwireDevice(this, message);
    this.devices.set(message.index, device);
    return device;
  }

  /** Emits 'error' when someone listens; otherwise a process warning (never a throw). */
  private reportError(error: PlugwireError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else process.emitWarning(`plugwire: ${error.message}`, { code: `PLUGWIRE_${ErrorCode[error.code]}` });
  }

  private onNativeEvent(event: Event): void {
    // Called while the native queue is drained: the listeners run in a microtask, so the
    // drain completes whatever they do, and a listener's exception is an ordinary uncaught
    // exception.
    queueMicrotask(() => {
      if (this.closing) return;
      const kind = event.kind;
      switch (kind.case) {
        case "deviceAdded": {
          const device = this.addDevice(kind.value);
          if (device) this.emit("deviceadded", device);
          break;
        }
        case "deviceRemoved": {
          const device = this.devices.get(kind.value.index);
          if (device) {
            this.devices.delete(kind.value.index);
            this.emit("deviceremoved", device);
            device.emit("deviceremoved");
          }
          break;
        }
        case "scanningFinished":
          this._isScanning = false;
          this.emit("scanningfinished");
          break;
        case "inputReading": {
          const r = kind.value;
          const device = this.devices.get(r.deviceIndex);
          const reading: InputReading = device
            ? device.reading(r.featureIndex, r.input, r.value)
            : {
                device,
                feature: undefined,
                inputType: inputTypeName(r.input),
                value: r.value,
                deviceIndex: r.deviceIndex,
                featureIndex: r.featureIndex,
                type: r.input,
              };
          this.emit("inputreading", reading);
          device?.emit("inputreading", reading);
          reading.feature?.emit("inputreading", reading);
          break;
        }
        case "serverDisconnected":
          this.lostConnection(true);
          break;
        case "pingTimeout":
          this.reportError(errorFromCode(ErrorCode.SERVER_PING, ErrorCategory.CONNECTION, "ping timeout"));
          this.lostConnection(true);
          break;
        case "error":
          this.reportError(errorFromCode(kind.value.code, kind.value.category, kind.value.message));
          break;
        case "playback": {
          const e = this.playbacks.deliver(kind.value);
          if (e) this.emit("playback", e);
          break;
        }
        case "connectionLost":
          this._connected = false;
          this._reconnecting = true;
          this.emit("connectionlost");
          break;
        case "reconnected": {
          this._connected = true;
          this._reconnecting = false;
          const devices = kind.value.devices.map((d) => {
            this.addDevice(d);
            return this.devices.get(d.index)!;
          });
          // The server may be another one now: its name and ping interval are asked again
          // (serverInfo follows shortly; 'reconnected' keeps its place among the events).
          this.fetchServerInfo().catch(() => {});
          this.emit("reconnected", devices, kind.value.attempts);
          break;
        }
        default:
          break;
      }
    });
  }
}

/** `client.simulation`: add simulated toys, make them notify, see the bytes they got. */
export class Simulation {
  constructor(private readonly client: PlugwireClient) {}

  /** Adds a simulated toy ("NAME", "NAME@ADDRESS" or options); it is found at the next scan. Resolves with its address. */
  async addDevice(device: string | SimulatedDeviceOptions, requestOptions?: RequestOptions): Promise<string> {
    const reply = await this.client.request({ case: "simulatedAddDevice", value: { device: simulatedDevice(device) } }, requestOptions);
    return reply.kind.case === "simulatedDeviceAdded" ? reply.kind.value.address : "";
  }

  /** The toy sends a notification on an endpoint (e.g. a sensor reading). */
  async notify(address: string, endpoint: string, data: Uint8Array | string, requestOptions?: RequestOptions): Promise<void> {
    await this.client.request({ case: "simulatedNotify", value: { address, endpoint, data: bytesOf(data) } }, requestOptions);
  }

  /** Queues the answer to the toy's next read of an endpoint. */
  async queueRead(address: string, endpoint: string, data: Uint8Array | string, requestOptions?: RequestOptions): Promise<void> {
    await this.client.request({ case: "simulatedQueueRead", value: { address, endpoint, data: bytesOf(data) } }, requestOptions);
  }

  /** The toy goes out of range (its device is removed). */
  async drop(address: string, requestOptions?: RequestOptions): Promise<void> {
    await this.client.request({ case: "simulatedDrop", value: { address } }, requestOptions);
  }

  /** The toy comes back. */
  async restore(address: string, requestOptions?: RequestOptions): Promise<void> {
    await this.client.request({ case: "simulatedRestore", value: { address } }, requestOptions);
  }

  /** What the toy received, in order; `clear` forgets it afterwards. */
  async writeLog(address: string, options: { clear?: boolean } & RequestOptions = {}): Promise<WriteRecord[]> {
    const reply = await this.client.request({
      case: "simulatedWriteLog",
      value: { address, clear: options.clear ?? false },
    }, options);
    if (reply.kind.case !== "writeLog") return [];
    return reply.kind.value.records.map((r) => ({
      kind: RECORD_KINDS[r.kind] ?? "unspecified",
      endpoint: r.endpoint,
      data: r.data,
      text: Buffer.from(r.data).toString("latin1"),
      withResponse: r.withResponse,
      atUs: r.atUs,
    }));
  }

  /** The texts of the writes only (what the toy was told to do). */
  async writes(address: string, options: { clear?: boolean } & RequestOptions = {}): Promise<string[]> {
    return (await this.writeLog(address, options)).filter((r) => r.kind === "write").map((r) => r.text);
  }

  /**
   * Makes the toy's writes fail (WriteFault.FAIL), hang until the hardware timeout
   * (HANG) or lag by `delayMs` (DELAY) from now on; WriteFault.NONE heals it.
   */
  async setWriteFault(
    address: string,
    fault: WriteFault,
    options: { delayMs?: number } & RequestOptions = {},
  ): Promise<void> {
    await this.client.request(
      { case: "simulatedSetWriteFault", value: { address, fault, delayMs: options.delayMs ?? 0 } },
      options,
    );
  }
}
