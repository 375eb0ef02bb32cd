// The log callback (#24): the library's records reach JS through the C ABI's pulled log
// queue, taken by a timer on the JS thread, so no library thread ever calls into JS. The
// queue is process-wide, and node --test runs each file in its own process, so this file
// owns it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ButtplugLogLevel,
  ButtplugLogger,
  LogLevel,
  LogMessage,
  PlugwireLogger,
  setLogCallback,
} from "plugwire";
import { LUSH, connected, eventually, manyRuns, scanFor, track } from "./helpers.mjs";

const RUNS = Number(process.env.PLUGWIRE_LOG_RUNS ?? 10);

/** A session that logs: connect, find the Lush, vibrate it, close. */
async function session(name) {
  const client = track(await connected([`LVS-Lush@${LUSH}`], { clientName: name }));
  const [lush] = await scanFor(client, "Lovense Lush");
  await lush.vibrate(0.5);
  await client.close();
}

test("the log callback gets the library's records on the JS thread, pulled without being asked", async () => {
  const got = [];
  let inside = false;
  setLogCallback((m) => {
    assert.equal(inside, false, "a record was delivered inside a client call");
    got.push(m);
  }, LogLevel.Info);
  try {
    const client = track(await connected([`LVS-Lush@${LUSH}`], { clientName: "log-test" }));
    inside = true;
    const scanning = client.startScanning();
    inside = false;
    await scanning;
    // The timer takes the records: no flush() here.
    await eventually(() => got.some((m) => m.message.includes('"log-test" connected')), 5_000, "the connect record");
    await eventually(() => got.some((m) => m.message.includes("Lovense Lush")), 5_000, "the device-added record");
    for (const m of got) {
      assert.ok(m instanceof LogMessage);
      assert.ok(m.level >= LogLevel.Error && m.level <= LogLevel.Info, `level ${m.level} above Info`);
      assert.equal(typeof m.message, "string");
      assert.ok(m.timestamp instanceof Date);
    }
    const connect = got.find((m) => m.message.includes('"log-test" connected'));
    assert.equal(connect.level, LogLevel.Info);
    assert.match(connect.message, /^plugwire::server::session: /);
    assert.match(connect.FormattedMessage, /^Info : \d{4}-.*Z : plugwire::server::session: /);
  } finally {
    setLogCallback(null);
  }
});

test("the level filters, changes any number of times, and Off stops the records", async () => {
  const got = [];
  setLogCallback((m) => got.push(m), "Info");
  await session("at-info");
  PlugwireLogger.Logger.flush();
  assert.ok(got.length > 0);
  assert.ok(got.every((m) => m.level <= LogLevel.Info), "nothing above Info");

  got.length = 0;
  setLogCallback((m) => got.push(m), LogLevel.Trace);
  await session("at-trace");
  PlugwireLogger.Logger.flush();
  assert.ok(got.some((m) => m.level === LogLevel.Trace), "Trace records at Trace");
  assert.ok(got.some((m) => m.message.includes('"at-trace" connected')));

  got.length = 0;
  setLogCallback(null);
  assert.equal(PlugwireLogger.Logger.MaximumEventLogLevel, LogLevel.Off);
  await session("off");
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(PlugwireLogger.Logger.flush(), 0, "the library's queue is off");
  assert.deepEqual(got, []);
});

test("buttplug's logger shape: ButtplugLogger.Logger, 'log' events, MaximumEventLogLevel, console", async () => {
  assert.equal(ButtplugLogger.Logger, PlugwireLogger.Logger);
  assert.equal(ButtplugLogLevel.Debug, 4);
  const logger = ButtplugLogger.Logger;
  const events = [];
  const printed = [];
  const listener = (m) => events.push(m);
  const log = console.log;
  console.log = (...args) => printed.push(args.join(" "));
  try {
    logger.addListener("log", listener);
    logger.MaximumEventLogLevel = ButtplugLogLevel.Info;
    logger.MaximumConsoleLogLevel = ButtplugLogLevel.Warn;
    await session("shape");
    logger.flush();
    // Events up to Info; the console only up to Warn, and a session logs no warnings.
    assert.ok(events.some((m) => m.Message.includes('"shape" connected') && m.LogLevel === ButtplugLogLevel.Info));
    assert.ok(printed.every((p) => /^(Error|Warn) : /.test(p)), `printed: ${printed}`);
    logger.MaximumConsoleLogLevel = ButtplugLogLevel.Info;
    events.length = 0;
    await session("console");
    logger.flush();
    assert.ok(printed.some((p) => p.startsWith("Info : ") && p.includes('"console" connected')));
    assert.ok(events.some((m) => m.Message.includes('"console" connected')), "events still flow");
  } finally {
    console.log = log;
    logger.removeListener("log", listener);
    logger.MaximumEventLogLevel = ButtplugLogLevel.Off;
    logger.MaximumConsoleLogLevel = ButtplugLogLevel.Off;
  }
  assert.equal(logger.flush(), 0);
});

test("bad levels and callbacks are the language's own errors and change nothing", () => {
  const logger = PlugwireLogger.Logger;
  assert.throws(() => setLogCallback("not a function"), TypeError);
  assert.throws(() => setLogCallback(() => {}, 6), RangeError);
  assert.throws(() => setLogCallback(() => {}, "Loud"), /unknown log level "Loud"/);
  assert.throws(() => setLogCallback(() => {}, 1.5), RangeError);
  assert.throws(() => setLogCallback(() => {}, {}), TypeError);
  assert.throws(() => (logger.MaximumEventLogLevel = -1), RangeError);
  assert.throws(() => (logger.MaximumConsoleLogLevel = null), TypeError);
  assert.equal(logger.MaximumEventLogLevel, LogLevel.Off);
  assert.equal(logger.MaximumConsoleLogLevel, LogLevel.Off);
  assert.equal(logger.listenerCount("log"), 0, "a refused callback is not added");
});

const CHILD_SESSION = `
  import { PlugwireClient, setLogCallback } from "plugwire";
  let records = 0;
  setLogCallback(() => records++, "Trace");
  process.on("exit", () => console.log("records " + records));
  const client = new PlugwireClient("child");
  await client.connectEmbedded({ simulatedDevices: ["LVS-Lush@${LUSH}"], defaultMessageGapMs: 0 });
  const added = new Promise((r) => client.once("deviceadded", r));
  await client.startScanning();
  const lush = await added;
`;

test(`logging on never keeps Node running: an unref()'d client with commands in flight exits (${RUNS} runs)`, async () => {
  await manyRuns(
    RUNS,
    () => CHILD_SESSION + `
      client.unref();
      for (let k = 0; k < 100; k++) lush.vibrate(k / 100).catch(() => {});
    `,
    (r, i) => {
      assert.equal(r.code, 0, `run ${i}: exit code ${r.code}: ${r.err}`);
      const records = Number(/records (\d+)/.exec(r.out)?.[1]);
      assert.ok(records > 0, `run ${i}: no record reached the callback: ${r.out}`);
    },
  );
});

const WORKER_SOURCE = CHILD_SESSION + `
  import("node:worker_threads").then(({ parentPort }) => parentPort.postMessage("driving"));
  const drive = () => {
    lush.vibrate(Math.random()).catch(() => {});
    setTimeout(drive, 5);
  };
  drive();
`;

test(`worker.terminate() while the worker logs at Trace and drives a toy (${RUNS} runs)`, async () => {
  await manyRuns(
    RUNS,
    (i) => `
      import { Worker } from "node:worker_threads";
      const worker = new Worker(${JSON.stringify(WORKER_SOURCE)}, { eval: true });
      worker.on("error", (e) => { console.error("worker error", e); process.exit(2); });
      worker.once("message", () => setTimeout(async () => {
        await worker.terminate();
        console.log("terminated");
      }, ${10 + (i % 10) * 15}));
    `,
    (r, i) => {
      assert.equal(r.code, 0, `run ${i}: exit code ${r.code}: ${r.err}`);
      assert.match(r.out, /terminated/);
    },
  );
});
