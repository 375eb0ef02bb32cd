// Teardown races (issue #24): each case runs in a child process, RUNS times, and every
// run must end promptly on its own with the expected status, never a signal (SIGSEGV,
// SIGABRT from a koffi relay into a dead environment) and never a hang. The binding
// pulls (no library thread calls into JS), so these hold by construction; the runs are
// what shows it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LUSH, manyRuns } from "./helpers.mjs";

const RUNS = Number(process.env.PLUGWIRE_TEARDOWN_RUNS ?? 50);
/** Runs `source(i)` RUNS times in child processes; `check` asserts on each result. */
const many = (source, check) => manyRuns(RUNS, source, check);

const CONNECT = `
  import { PlugwireClient } from "plugwire";
  const client = new PlugwireClient("child");
  await client.connectEmbedded({ simulatedDevices: ["LVS-Lush@${LUSH}"], defaultMessageGapMs: 0 });
  const added = new Promise((r) => client.once("deviceadded", r));
  await client.startScanning();
  const lush = await added;
`;

/** Keeps events flowing: the toy's battery is read over and over (readings are events). */
const EVENT_FLOOD = `
  await lush.vibrate(0.5);
  const flood = setInterval(() => {
    for (let k = 0; k < 20; k++) client.simulation.notify("${LUSH}", "rx", "5;").catch(() => {});
    lush.vibrate(Math.random()).catch(() => {});
  }, 1);
`;

test(`exit hook: process.exit() while events and replies are being delivered (${RUNS} runs)`, async () => {
  await many(
    (i) => CONNECT + EVENT_FLOOD + `setTimeout(() => process.exit(7), ${5 + (i % 10) * 7});`,
    (r, i) => assert.equal(r.code, 7, `run ${i}: exit code ${r.code}`),
  );
});

test(`a deviceadded listener throwing while replies and events flow ends the process (${RUNS} runs)`, async () => {
  await many(
    (i) =>
      CONNECT +
      EVENT_FLOOD +
      `client.on("deviceadded", () => { throw new Error("listener failed ${i}"); });
       await client.simulation.addDevice("LVS-Edge@AA:00:00:00:00:06");
       await client.startScanning();`,
    (r, i) => {
      assert.equal(r.code, 1, `run ${i}: exit code ${r.code}`);
      assert.match(r.err, new RegExp(`listener failed ${i}`));
    },
  );
});

test(`a deviceadded listener that throws ends the process (${RUNS} runs)`, async () => {
  await many(
    (i) => `
      import { PlugwireClient } from "plugwire";
      const client = new PlugwireClient("child");
      client.on("deviceadded", () => { throw new Error("deviceadded failed ${i}"); });
      await client.connectEmbedded({ simulatedDevices: ["LVS-Lush@${LUSH}"], defaultMessageGapMs: 0 });
      await client.startScanning();
      setInterval(() => {}, 1000);
    `,
    (r, i) => {
      assert.equal(r.code, 1, `run ${i}: exit code ${r.code}`);
      assert.match(r.err, new RegExp(`deviceadded failed ${i}`));
    },
  );
});

test(`unref() with 200 requests in flight when main returns (${RUNS} runs)`, async () => {
  await many(
    () =>
      CONNECT +
      `client.unref();
       for (let k = 0; k < 200; k++) lush.vibrate((k % 20) / 20).catch(() => {});
       console.log("main done");`,
    (r, i) => {
      assert.equal(r.code, 0, `run ${i}: exit code ${r.code}`);
      assert.match(r.out, /main done/);
    },
  );
});

test(`unref() before connectEmbedded (${RUNS} runs)`, async () => {
  await many(
    (i) => `
      import { PlugwireClient } from "plugwire";
      const client = new PlugwireClient("child").unref();
      client.connectEmbedded({ simulatedDevices: ["LVS-Lush@${LUSH}"] }).then(
        () => client.startScanning(), () => {}).catch(() => {});
      ${i % 2 ? "" : "await new Promise((r) => setImmediate(r));"}
      console.log("main done");
    `,
    (r, i) => {
      assert.equal(r.code, 0, `run ${i}: exit code ${r.code}`);
      assert.match(r.out, /main done/);
    },
  );
});

const WORKER = (i) => `
  import { Worker } from "node:worker_threads";
  const source = \`
    import { parentPort } from "node:worker_threads";
    import { PlugwireClient } from "plugwire";
    {
      const client = new PlugwireClient("worker");
      await client.connectEmbedded({ simulatedDevices: ["LVS-Lush@${LUSH}"] });
      const added = new Promise((r) => client.once("deviceadded", r));
      await client.startScanning();
      const lush = await added;
      let level = 0;
      const drive = () => {
        level = (level + 1) % 20;
        lush.vibrate(level / 20).catch(() => {});
        client.simulation.notify("${LUSH}", "rx", "5;").catch(() => {});
        setTimeout(drive, 20 + Math.floor(Math.random() * 80));
      };
      drive();
      parentPort.postMessage("driving");
    }
  \`;
  const worker = new Worker(source, { eval: true });
  worker.on("error", (e) => { console.error("worker error", e); process.exit(2); });
  worker.once("message", () => setTimeout(async () => {
    await worker.terminate();
    console.log("terminated");
  }, ${10 + (i % 10) * 15}));
`;

test(`worker.terminate() while the worker drives a toy (${RUNS} runs)`, async () => {
  await many(WORKER, (r, i) => {
    assert.equal(r.code, 0, `run ${i}: exit code ${r.code}`);
    assert.match(r.out, /terminated/);
  });
});
