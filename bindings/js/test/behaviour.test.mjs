// The JS row of bindings/README.md's behaviour table, and AbortSignal on requests (#24).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as plugwire from "plugwire";
import { PlugwireClient, proto } from "plugwire";
import { LUSH, connected, deviceNamed, track } from "./helpers.mjs";

test("disconnect when not connected rejects with NotConnectedError, every time", async () => {
  const client = track(new PlugwireClient());
  await assert.rejects(client.disconnect(), plugwire.NotConnectedError);
  await client.connectEmbedded({ simulated: true });
  await client.disconnect();
  await assert.rejects(client.disconnect(), plugwire.NotConnectedError);
  await assert.rejects(client.disconnect(), plugwire.NotConnectedError);
});

test("calls after close reject with ClientClosedError; close twice is the same promise", async () => {
  const client = await connected([`LVS-Lush@${LUSH}`]);
  const first = client.close();
  assert.equal(client.close(), first);
  await first;
  await assert.rejects(client.startScanning(), plugwire.ClientClosedError);
  await assert.rejects(client.disconnect(), plugwire.ClientClosedError);
});

test("no event is delivered after close", async () => {
  const client = await connected([`LVS-Lush@${LUSH}`]);
  let events = 0;
  client.on("deviceadded", () => events++);
  client.on("deviceremoved", () => events++);
  client.on("disconnect", () => events++);
  await client.close();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(events, 0);
});

test("an unknown simulated toy name is an error naming the name", async () => {
  const client = track(new PlugwireClient());
  await assert.rejects(client.connectEmbedded({ simulatedDevices: ["NoSuchToy-9"] }), (e) => {
    assert.ok(e instanceof plugwire.InvalidArgumentError, e.constructor.name);
    assert.match(e.message, /NoSuchToy-9/);
    return true;
  });
  assert.equal(client.connected, false);
});

test("an AbortSignal aborted before the call sends nothing", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`]));
  const added = deviceNamed(client, "Lovense Lush");
  await client.startScanning();
  const lush = await added;
  await client.simulation.writeLog(LUSH, { clear: true });
  const aborted = AbortSignal.abort();
  await assert.rejects(lush.vibrate(0.5, undefined, { signal: aborted }), { name: "AbortError" });
  await assert.rejects(client.startScanning({ signal: aborted }), { name: "AbortError" });
  await lush.stop();
  const writes = await client.simulation.writes(LUSH);
  assert.ok(!writes.some((w) => w.startsWith("Vibrate:1")), writes.join(" "));
});

test("aborting a hung request ends the wait at once; a stop after it leaves the toy stopped", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`]));
  const added = deviceNamed(client, "Lovense Lush");
  await client.startScanning();
  const lush = await added;
  // Every write takes 1.5 s: the vibrate's reply would come after that.
  await client.request({ case: "simulatedSetWriteFault", value: { address: LUSH, fault: proto.WriteFault.DELAY, delayMs: 1500 } });
  const controller = new AbortController();
  const started = Date.now();
  const pending = lush.vibrate(0.7, undefined, { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(pending, { name: "AbortError" });
  assert.ok(Date.now() - started < 1000, `aborted after ${Date.now() - started} ms`);
  await client.request({ case: "simulatedSetWriteFault", value: { address: LUSH, fault: proto.WriteFault.NONE } });
  await lush.stop();
  await lush.vibrate(0.2);
  await lush.stop();
  const writes = await client.simulation.writes(LUSH);
  assert.equal(writes.at(-1), "Vibrate:0;");
});

test("a bad options argument is a TypeError", async () => {
  const client = track(new PlugwireClient());
  await assert.rejects(client.startScanning({ signal: "no" }), TypeError);
  await assert.rejects(client.connect(42), TypeError);
});

test("serverInfo: the server's name and ping interval while connected, as npm buttplug's (#24)", async () => {
  const client = track(new PlugwireClient("js-server-info"));
  assert.equal(client.serverInfo, undefined);
  await client.connectEmbedded({ serverName: "info test", maxPingTimeMs: 4000, simulatedDevices: [`LVS-Lush@${LUSH}`] });
  assert.deepEqual(client.serverInfo, { serverName: "info test", maxPingTime: 4000 });
  await client.disconnect();
  assert.equal(client.serverInfo, undefined);
  await assert.rejects(client.request({ case: "getServerInfo", value: {} }), plugwire.NotConnectedError);
  await client.close();
});
