// connect(url) to a `plugwire serve` subprocess (PLUGWIRE_SERVE names the binary).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NoSimulatedHardwareError, PlugwireClient } from "plugwire";
import { LUSH, deviceNamed, track } from "./helpers.mjs";

const serve = process.env.PLUGWIRE_SERVE;

function startServe(args) {
  const child = spawn(serve, ["serve", "--websocket-port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
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

test("connect() to a plugwire serve subprocess drives its toy", { skip: !serve && "PLUGWIRE_SERVE not set" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "plugwire-js-"));
  const log = join(dir, "log.json");
  const server = startServe(["--simulate", `LVS-Lush@${LUSH}`, "--simulated-log", log]);
  try {
    const url = await server.url;
    const client = new PlugwireClient("js-websocket");
    try {
      await client.connect(url);
      assert.equal(client.connected, true);
      const found = deviceNamed(client, "Lovense Lush");
      await client.startScanning();
      const lush = await found;
      await lush.vibrate(0.5);
      await assert.rejects(client.simulation.writeLog(LUSH), NoSimulatedHardwareError);
      let disconnected = 0;
      client.on("disconnect", () => disconnected++);
      await client.disconnect();
      assert.equal(disconnected, 1);
    } finally {
      await client.close();
    }
    server.child.kill("SIGTERM");
    assert.equal((await server.stopped).code, 0);
    const writes = JSON.parse(readFileSync(log, "utf8"))[LUSH]
      .filter((r) => r.kind === "Write")
      .map((r) => r.text);
    // The vibration, then the stop the server sends when the client leaves.
    assert.deepEqual(writes.filter((w) => w !== "DeviceType;"), ["Vibrate:10;", "Vibrate:0;"]);
  } finally {
    server.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the server going away emits 'disconnect'", { skip: !serve && "PLUGWIRE_SERVE not set" }, async () => {
  const server = startServe(["--simulate", `LVS-Lush@${LUSH}`]);
  try {
    const client = track(new PlugwireClient("js-websocket"));
    await client.connect(await server.url);
    const gone = new Promise((resolve) => client.once("disconnect", resolve));
    server.child.kill("SIGTERM");
    await gone;
    assert.equal(client.connected, false);
  } finally {
    server.child.kill("SIGKILL");
  }
});
