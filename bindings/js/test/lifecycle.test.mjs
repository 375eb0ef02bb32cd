// Threads and lifetime: clients opened and closed leave no threads, handles or
// registered callbacks behind; an open client keeps Node alive unless unref()'d; a
// process exits cleanly after close() and with a client still open.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PlugwireClient, callbacksRegistered, nativeClientsOpen } from "plugwire";
import { LUSH, eventually, fdCount, runChild, threadCount } from "./helpers.mjs";

test("200 clients opened and closed leave no threads, fds, handles or callbacks", async () => {
  // Warm up: the first client starts the library's runtime threads.
  const warm = new PlugwireClient();
  await warm.connectEmbedded({ simulated: true });
  await warm[Symbol.asyncDispose]();
  const threads = await threadCount();
  const fds = await fdCount();
  const handles = process._getActiveHandles().length;
  assert.equal(callbacksRegistered(), false);
  assert.equal(nativeClientsOpen(), 0);
  for (let round = 0; round < 10; round++) {
    const clients = Array.from({ length: 20 }, () => new PlugwireClient());
    await Promise.all(clients.map((c) => c.connectEmbedded({ simulatedDevices: [`LVS-Lush@${LUSH}`] })));
    // The binding pulls: no library callback is ever registered with koffi.
    assert.equal(callbacksRegistered(), false);
    assert.equal(nativeClientsOpen(), 20);
    assert.ok((await threadCount()) > threads, "open clients have callback threads");
    await Promise.all(clients.map((c) => c.close()));
  }
  assert.equal(nativeClientsOpen(), 0);
  await eventually(async () => (await threadCount()) <= threads, 5_000, `threads back to ${threads}`);
  assert.equal(await fdCount(), fds);
  assert.equal(process._getActiveHandles().length, handles);
});

const SESSION = `
  import { PlugwireClient } from "plugwire";
  const client = new PlugwireClient("child");
  await client.connectEmbedded({ simulatedDevices: ["LVS-Lush@${LUSH}"], defaultMessageGapMs: 0 });
  const added = new Promise((r) => client.once("deviceadded", r));
  await client.startScanning();
  const lush = await added;
  await lush.vibrate(0.5);
  console.log((await client.simulation.writes("${LUSH}")).join(" "));
`;

test("a process exits on its own, promptly and cleanly, after close()", async () => {
  const r = await runChild(SESSION + `await client.close(); console.log("closed");`);
  assert.equal(r.signal, null, r.err);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Vibrate:10;/);
  assert.match(r.out, /closed/);
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
});

test("a process that exits with a client still open exits cleanly (the exit hook frees it)", async () => {
  const r = await runChild(SESSION + `process.exitCode = 3; setTimeout(() => process.exit(), 50);`);
  assert.equal(r.signal, null, r.err);
  assert.equal(r.code, 3, r.err);
  assert.match(r.out, /Vibrate:10;/);
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
});

test("process.exit() with 2000 requests in flight neither hangs nor crashes", async () => {
  // Replies are waiting for the JS thread when the process exits: they can never be
  // delivered, and the exit must not wait for them.
  const r = await runChild(
    SESSION +
      `for (let i = 0; i < 2000; i++) lush.vibrate((i % 20) / 20).catch(() => {});
       process.exit(0);`,
  );
  assert.equal(r.signal, null, r.err);
  assert.equal(r.code, 0, r.err);
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
});

test("an unref()'d open client lets the process end; the exit hook frees it", async () => {
  // This 'exit' listener runs after the package's own (installed with the first client).
  const r = await runChild(SESSION + `client.unref(); process.on("exit", () => console.log("at exit: closed=" + client.closed));`);
  assert.equal(r.signal, null, r.err);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /at exit: closed=true/);
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
});

test("an open client keeps the process alive, like a socket", async () => {
  const r = await runChild(SESSION + `console.log("still open"); setTimeout(() => { console.log("alive after 1.5 s"); process.exit(0); }, 1500).unref();`);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /alive after 1.5 s/);
});
