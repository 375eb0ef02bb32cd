// Shared helpers of the node:test suite. The tests import the package by its name, so
// run-tests.sh runs them against the package installed from the `npm pack` tarball.
import { afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlugwireClient } from "plugwire";

const tracked = [];

/** Closes the client when the current test ends (what \`await using\` does in TypeScript). */
export function track(client) {
  tracked.push(client);
  return client;
}

afterEach(async () => {
  const clients = tracked.splice(0);
  await Promise.all(clients.map((c) => c[Symbol.asyncDispose]()));
});

export const LUSH = "AA:00:00:00:00:01";
export const NORA = "AA:00:00:00:00:02";
export const MAX = "AA:00:00:00:00:03";
export const SOLACE = "AA:00:00:00:00:04";
export const SOLACE_PRO = "AA:00:00:00:00:05";
export const EDGE = "AA:00:00:00:00:06";
export const GALAKU = "AA:00:00:00:00:10";

/** A device configuration naming a Galaku toy with a vibrator and a subscribable battery. */
export const GALAKU_CONFIG = {
  version: { major: 4, minor: 0 },
  protocols: {
    galaku: {
      communication: [
        {
          btle: {
            names: ["GX85"],
            services: {
              "00001000-0000-1000-8000-00805f9b34fb": {
                tx: "00001001-0000-1000-8000-00805f9b34fb",
                rxblebattery: "00001002-0000-1000-8000-00805f9b34fb",
              },
            },
          },
        },
      ],
      defaults: {
        id: "c1766383-def6-4bd0-b6ce-1e8f993fa6ae",
        name: "Galaku Device",
        features: [
          { id: "f650b5a9-7413-4ac9-b25e-863180daa04c", index: 0, description: "vibrate", output: { vibrate: { value: [0, 100] } } },
          {
            id: "d9c34cf9-5645-4e04-bf92-51e5df708417",
            index: 1,
            description: "battery Level",
            input: { battery: { command: ["Read", "Subscribe"], value: [[0, 100]] } },
          },
        ],
      },
      configurations: [{ id: "6c62e478-d684-4c3a-9d74-0860be907a8e", identifier: ["GX85"], name: "Galaku Shana" }],
    },
  },
};

/** A client connected to an embedded server with these simulated toys (gap off). */
export async function connected(devices = [], options = {}) {
  const client = new PlugwireClient("js-tests");
  await client.connectEmbedded({ simulatedDevices: devices, defaultMessageGapMs: 0, ...options });
  return client;
}

/** Resolves with the first device named `name` (now or when it is added). */
export function deviceNamed(client, name, timeoutMs = 10_000) {
  for (const d of client.devices.values()) if (d.name === name) return Promise.resolve(d);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("deviceadded", on);
      reject(new Error(`no device named ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (d) => {
      if (d.name === name) {
        clearTimeout(timer);
        client.off("deviceadded", on);
        resolve(d);
      }
    };
    client.on("deviceadded", on);
  });
}

/** Scans until every named device is there. */
export async function scanFor(client, ...names) {
  const waits = names.map((n) => deviceNamed(client, n));
  await client.startScanning();
  return Promise.all(waits);
}

/** Polls `check` (sync or async) until it is truthy. */
export async function eventually(check, timeoutMs = 5_000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The `plugwire` binary the websocket tests start (`plugwire serve`). */
export const SERVE = process.env.PLUGWIRE_SERVE;

/** Options of a test that needs `plugwire serve`: skipped without PLUGWIRE_SERVE. */
export const needsServe = { skip: !SERVE && "PLUGWIRE_SERVE not set" };

/**
 * Starts `plugwire serve` with these arguments (and --websocket-port 0 unless they name a
 * port): `url` resolves with where it listens, `stopped` with how it exited.
 */
export function startServe(args) {
  const port = args.includes("--websocket-port") ? [] : ["--websocket-port", "0"];
  const child = spawn(SERVE, ["serve", ...port, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const url = new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /plugwire serve: listening on (ws:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`plugwire serve exited (${code}): ${err}`)));
  });
  const stopped = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, url, stopped };
}

/**
 * `plugwire serve` with these simulated toys and a scratch log (startServe's `child`, `url`
 * and `stopped`). `writes(address)` stops it (SIGTERM: it stops its devices and writes the
 * log) and returns what that toy got, as text, without the Lovense identification;
 * `dispose()` kills it and removes the log.
 */
export function serveToys(simulate, args = []) {
  const dir = mkdtempSync(join(tmpdir(), "plugwire-js-"));
  const log = join(dir, "log.json");
  const server = startServe([...simulate.flatMap((s) => ["--simulate", s]), "--simulated-log", log, ...args]);
  return {
    ...server,
    async writes(address) {
      server.child.kill("SIGTERM");
      assert.equal((await server.stopped).code, 0, "plugwire serve exits cleanly on SIGTERM");
      return JSON.parse(readFileSync(log, "utf8"))[address]
        .filter((r) => r.kind === "Write" && r.text !== "DeviceType;")
        .map((r) => r.text);
    },
    dispose() {
      server.child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Connects `client` to `url`, again while it is refused: `plugwire serve` takes one client
 * at a time and may still be ending the last one's session.
 */
export async function connectWhenFree(client, url, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await client.connect(url);
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`the server took no new client within ${timeoutMs} ms: ${e.message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Threads of this process (Linux). */
export async function threadCount() {
  const { readdirSync } = await import("node:fs");
  return readdirSync("/proc/self/task").length;
}

/** Open file descriptors of this process (Linux). */
export async function fdCount() {
  const { readdirSync } = await import("node:fs");
  return readdirSync("/proc/self/fd").length;
}

/** A run of a child process that takes longer than this is a hang. */
const HANG_MS = 15_000;

/**
 * Runs an ES module `source` in a child Node, killed (SIGKILL) after `timeoutMs`; resolves
 * with its code, signal, output and time.
 */
export function runChild(source, timeoutMs = HANG_MS) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--input-type=module", "-e", source], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, ms: Date.now() - started });
    });
  });
}

/**
 * Runs `source(i)` `runs` times in child processes, 4 at once; every run must end on its
 * own (no hang, no signal) and pass `check(result, i)`.
 */
export async function manyRuns(runs, source, check) {
  let next = 0;
  const failures = [];
  const worker = async () => {
    while (next < runs) {
      const i = next++;
      const r = await runChild(source(i));
      try {
        assert.notEqual(r.signal, "SIGKILL", `run ${i} hung (killed after ${HANG_MS} ms)`);
        assert.equal(r.signal, null, `run ${i} died of ${r.signal}: ${r.err}`);
        check(r, i);
      } catch (e) {
        failures.push(`${e.message}\n--- stderr of run ${i}:\n${r.err.slice(-2000)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  assert.deepEqual(failures, [], `${failures.length} of ${runs} runs failed`);
}
