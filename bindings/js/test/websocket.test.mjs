// connect(url) to a `plugwire serve` subprocess (PLUGWIRE_SERVE names the binary).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ButtplugClient, ButtplugNodeWebsocketClientConnector, NoSimulatedHardwareError, NotConnectedError, PlugwireClient } from "plugwire";
import { LUSH, connectWhenFree, deviceNamed, needsServe, serveToys, startServe, track } from "./helpers.mjs";

test("connect() to a plugwire serve subprocess drives its toy (as npm buttplug 5 spells it: ButtplugClient, a connector)", needsServe, async () => {
  const server = serveToys([`LVS-Lush@${LUSH}`]);
  try {
    const url = await server.url;
    const client = new ButtplugClient("js-websocket");
    assert.ok(client instanceof PlugwireClient);
    try {
      await client.connect(new ButtplugNodeWebsocketClientConnector(url));
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
    // The vibration, then the stop the server sends when the client leaves.
    assert.deepEqual(await server.writes(LUSH), ["Vibrate:10;", "Vibrate:0;"]);
  } finally {
    server.dispose();
  }
});

test("the server going away emits 'disconnect'", needsServe, async () => {
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

// Both ways a client learns of its replies and events: the event descriptor libuv watches
// (POSIX), and the timer Windows uses (PLUGWIRE_EVENT_POLL=1 takes it here), where the
// library sees the terminated worker stop pulling.
for (const [how, poll] of [["event descriptor", "0"], ["timer (Windows' path)", "1"]]) {
test(`worker.terminate() while it drives a toy over websocket, ${how}: the toy ends stopped (5 runs)`, needsServe, async () => {
  const { Worker } = await import("node:worker_threads");
  for (let run = 0; run < 5; run++) {
    const server = serveToys([`LVS-Lush@${LUSH}`]);
    try {
      const url = await server.url;
      const worker = new Worker(
        `import { parentPort } from "node:worker_threads";
         import { PlugwireClient } from "plugwire";
         const client = new PlugwireClient("worker");
         await client.connect(${JSON.stringify(url)});
         const added = new Promise((r) => client.once("deviceadded", r));
         await client.startScanning();
         const lush = await added;
         let level = 0;
         const drive = () => {
           level = (level % 19) + 1;
           lush.vibrate(level / 20).catch(() => {});
           setTimeout(drive, 20);
         };
         drive();
         parentPort.postMessage("driving");`,
        { eval: true, type: "module", env: { ...process.env, PLUGWIRE_EVENT_POLL: poll } },
      );
      await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      await new Promise((r) => setTimeout(r, 50 + run * 30));
      await worker.terminate();
      // The worker's session ends by itself (the library saw its event socket close, or
      // the worker stop pulling): the server then takes a new client.
      const next = new PlugwireClient("after");
      await connectWhenFree(next, url);
      await next.close();
      const writes = await server.writes(LUSH);
      assert.ok(writes.some((w) => w !== "Vibrate:0;"), `run ${run}: it vibrated: ${writes}`);
      assert.equal(writes.at(-1), "Vibrate:0;", `run ${run}: ${writes.join(" ")}`);
    } finally {
      server.dispose();
    }
  }
});
}

test("connect() ping options reach the connection (#24)", needsServe, async () => {
  // The server asks for a ping every 300 ms: the default pinging and a 50 ms interval keep
  // the session; ping: false, or an interval longer than the deadline, lets it end.
  const server = startServe(["--simulate", `LVS-Lush@${LUSH}`, "--max-ping-time", "300"]);
  try {
    const url = await server.url;
    const survives = async (options) => {
      const client = track(new PlugwireClient("js-ping"));
      client.on("error", () => {}); // the ping timeouts this test provokes
      await client.connect(url, options);
      await new Promise((r) => setTimeout(r, 1200));
      const alive = client.connected;
      await client.close();
      // The server takes the next client once this one is gone.
      await new Promise((r) => setTimeout(r, 200));
      return alive;
    };
    assert.equal(await survives(undefined), true, "default pinging");
    assert.equal(await survives({ pingIntervalMs: 50 }), true, "every 50 ms");
    assert.equal(await survives({ ping: false }), false, "no pings");
    assert.equal(await survives({ pingIntervalMs: 5000 }), false, "every 5 s");
    const client = track(new PlugwireClient("js-bad-options"));
    await assert.rejects(client.connect(url, { ping: "no" }), TypeError);
    await assert.rejects(client.connect(url, { pingIntervalMs: -1 }), TypeError);
    await client.close();
  } finally {
    server.child.kill("SIGKILL");
  }
});

test("connect(url, { reconnect: true }): the server is killed and restarted (#24)", needsServe, async () => {
  const { createServer } = await import("node:net");
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const first = startServe(["--websocket-port", String(port), "--simulate", `LVS-Lush@${LUSH}`]);
  let second;
  try {
    const client = track(new PlugwireClient("js-reconnect"));
    const url = await first.url;
    await client.connect(url, { reconnect: true, reconnectInitialDelayMs: 50, reconnectMaxDelayMs: 200 });
    await client.startScanning();
    const lush = await deviceNamed(client, "Lovense Lush");
    await lush.vibrate(0.5);
    const lost = new Promise((resolve) => client.once("connectionlost", resolve));
    const removed = new Promise((resolve) => client.once("deviceremoved", resolve));
    const back = new Promise((resolve) => client.once("reconnected", (devices, attempts) => resolve({ devices, attempts })));
    first.child.kill("SIGKILL");
    await lost;
    assert.equal(client.connected, false);
    await assert.rejects(lush.vibrate(0.75), (e) => e instanceof NotConnectedError && /re-established/.test(e.message));
    second = serveToys([`LVS-Lush@${LUSH}`], ["--websocket-port", String(port)]);
    await second.url;
    assert.equal((await removed).name, "Lovense Lush");
    const { devices, attempts } = await back;
    assert.ok(attempts >= 1);
    assert.deepEqual(devices, []);
    assert.equal(client.connected, true);
    await client.startScanning();
    const again = await deviceNamed(client, "Lovense Lush");
    await again.vibrate(0.25);
    await client.close();
    const texts = await second.writes(LUSH);
    assert.ok(texts.includes("Vibrate:5;"), texts.join(" "));
    assert.ok(!texts.includes("Vibrate:10;") && !texts.includes("Vibrate:15;"), texts.join(" "));
  } finally {
    first.child.kill("SIGKILL");
    second?.dispose();
  }
});
