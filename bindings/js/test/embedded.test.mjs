// The client on an embedded server with simulated Lovense (and Galaku) toys: scanning,
// devices, every output kind down to the bytes the toy got, timed moves, battery,
// subscriptions and input events, concurrency, and calls from inside event handlers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputType, OutputType, PlugwireDevice } from "plugwire";
import { EDGE, GALAKU, GALAKU_CONFIG, LUSH, MAX, NORA, SOLACE, SOLACE_PRO, connected, deviceNamed, eventually, scanFor, track } from "./helpers.mjs";

// The commands a toy was written, without the identification query every Lovense toy
// gets when it connects ("DeviceType;").
const writes = async (client, address, clear = false) =>
  (await client.simulation.writes(address, { clear })).filter((w) => w !== "DeviceType;");

test("connect embedded, scan, devices added with their features", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`, { name: "LVS-Nora", address: NORA, battery: 55 }]));
  assert.equal(client.connected, true);
  assert.equal(client.devices.size, 0);
  const added = [];
  client.on("deviceadded", (d) => added.push(d));
  // Simulated toys never finish a scan (as in the reference's passive managers), and a
  // stopped scan is answered by stopScanning alone: no 'scanningfinished' at all.
  let finished = 0;
  client.on("scanningfinished", () => finished++);
  await client.startScanning();
  assert.equal(client.isScanning, true);
  await eventually(() => client.devices.size === 2, 10_000, "two devices");
  assert.deepEqual(added.map((d) => d.name).sort(), ["Lovense Lush", "Lovense Nora"]);
  for (const d of added) {
    assert.ok(d instanceof PlugwireDevice);
    assert.equal(client.devices.get(d.index), d);
  }
  const nora = await deviceNamed(client, "Lovense Nora");
  assert.deepEqual([...nora.features.keys()], [0, 1, 2]);
  const rotate = nora.features.get(1).output(OutputType.ROTATE);
  assert.deepEqual(rotate.valueRange, [-20, 20]);
  assert.ok(nora.hasOutput(OutputType.VIBRATE) && !nora.hasOutput(OutputType.CONSTRICT));
  assert.ok(nora.hasInput(InputType.BATTERY));
  await client.stopScanning();
  assert.equal(client.isScanning, false);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(finished, 0);
});

test("vibrate reaches the toy; every vibrating feature without a feature index", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`, `LVS-Edge@${EDGE}`]));
  const [lush, edge] = await scanFor(client, "Lovense Lush", "Lovense Edge");
  await lush.vibrate(0.5);
  await lush.runOutput({ type: OutputType.VIBRATE, steps: 3 });
  await lush.vibrate(1, 0);
  await lush.vibrate(0.05);
  assert.deepEqual(await writes(client, LUSH), ["Vibrate:10;", "Vibrate:3;", "Vibrate:20;", "Vibrate:1;"]);
  await edge.vibrate(0.25);
  assert.deepEqual((await writes(client, EDGE, true)).sort(), ["Vibrate1:5;", "Vibrate2:5;"]);
  await edge.vibrate(0.75, 1);
  assert.deepEqual(await writes(client, EDGE, true), ["Vibrate2:15;"]);
});

test("runOutputs sends several features as one DeviceOutputs batch", async () => {
  const client = track(await connected([`LVS-Edge@${EDGE}`]));
  const [edge] = await scanFor(client, "Lovense Edge");
  await edge.runOutputs([
    { type: OutputType.VIBRATE, value: 0.25, featureIndex: 0 },
    { type: OutputType.VIBRATE, value: 0.5, featureIndex: 1 },
  ]);
  assert.deepEqual((await writes(client, EDGE, true)).sort(), ["Vibrate1:5;", "Vibrate2:10;"]);
  // Nothing is sent when one entry is invalid (feature 7 does not exist).
  await assert.rejects(
    edge.runOutputs([
      { type: OutputType.VIBRATE, value: 0.5, featureIndex: 0 },
      { type: OutputType.VIBRATE, value: 0.5, featureIndex: 7 },
    ]),
  );
  assert.deepEqual(await writes(client, EDGE), []);
});

test("rotate with direction changes", async () => {
  const client = track(await connected([`LVS-Nora@${NORA}`]));
  const [nora] = await scanFor(client, "Lovense Nora");
  await nora.rotate(-0.5);
  await nora.rotate(-0.25);
  await nora.runOutput({ type: OutputType.ROTATE, value: 0.25, featureIndex: 1 });
  await nora.rotate(0);
  assert.deepEqual(await writes(client, NORA), [
    "RotateChange;",
    "Rotate:10;",
    "Rotate:5;",
    "RotateChange;",
    "Rotate:5;",
    "Rotate:0;",
  ]);
});

test("constrict and oscillate", async () => {
  const client = track(await connected([`LVS-Max@${MAX}`, `LVS-Solace@${SOLACE}`]));
  const [max, solace] = await scanFor(client, "Lovense Max", "Lovense Solace");
  await max.constrict(0.5);
  await max.runOutput({ type: OutputType.CONSTRICT, steps: 3 });
  assert.deepEqual(await writes(client, MAX), ["Air:Level:2;", "Air:Level:3;"]);
  await solace.oscillate(0.5);
  await solace.oscillate(0);
  assert.deepEqual(await writes(client, SOLACE), ["Mply:10:20;", "Mply:0:0;"]);
});

test("timed position: the toy gets there in the given time", async () => {
  const client = track(await connected([`LVS-Solace Pro@${SOLACE_PRO}`]));
  const [pro] = await scanFor(client, "Lovense Solace Pro");
  const feature = pro.featuresWithOutput(OutputType.HW_POSITION_WITH_DURATION)[0];
  const output = feature.output(OutputType.HW_POSITION_WITH_DURATION);
  assert.equal(output.valueRange[1], 100);
  assert.ok(output.durationRange);
  await pro.position(0.5, 500);
  const expected = [10, 20, 30, 40, 50].map((p) => `FSetSite:${p};`);
  const moves = async () => (await client.simulation.writeLog(SOLACE_PRO)).filter((r) => r.text.startsWith("FSetSite"));
  await eventually(async () => (await moves()).length >= expected.length, 5_000, "five moves");
  const got = await moves();
  assert.deepEqual(got.map((r) => r.text), expected);
  // One step every 100 ms.
  for (let i = 1; i < got.length; i++) {
    const gap = Number(got[i].atUs - got[i - 1].atUs);
    assert.ok(gap >= 50_000 && gap <= 500_000, `gap ${gap} us`);
  }
});

test("battery reads the toy's level", async () => {
  const client = track(await connected([{ name: "LVS-Lush", address: LUSH, battery: 77 }]));
  const [lush] = await scanFor(client, "Lovense Lush");
  assert.equal(await lush.battery(), 0.77);
  assert.ok((await writes(client, LUSH)).includes("Battery;"));
});

test("subscribe: input readings arrive as 'inputreading' events", async () => {
  // Galaku's handler implements battery notifications; the config marks them subscribable.
  const client = track(await connected([`GX85@${GALAKU}`], { deviceConfig: GALAKU_CONFIG }));
  const [toy] = await scanFor(client, "Galaku Shana");
  const readings = [];
  client.on("inputreading", (r) => readings.push(r));
  await toy.subscribe(InputType.BATTERY);
  let log = await client.simulation.writeLog(GALAKU);
  assert.ok(log.some((r) => r.kind === "subscribe" && r.endpoint === "rxblebattery"));
  await client.simulation.notify(GALAKU, "rxblebattery", new Uint8Array([42]));
  await client.simulation.notify(GALAKU, "rxblebattery", new Uint8Array([41]));
  await eventually(() => readings.length === 2, 5_000, "two readings");
  assert.deepEqual(
    readings.map((r) => [r.deviceIndex, r.featureIndex, r.type, r.value]),
    [
      [toy.index, 1, InputType.BATTERY, 42],
      [toy.index, 1, InputType.BATTERY, 41],
    ],
  );
  assert.equal(readings[0].device, toy);
  await toy.unsubscribe(InputType.BATTERY);
  log = await client.simulation.writeLog(GALAKU);
  assert.ok(log.some((r) => r.kind === "unsubscribe" && r.endpoint === "rxblebattery"));
});

test("stop, stopAllDevices and disconnect stop the toys", async () => {
  const client = await connected([`LVS-Lush@${LUSH}`, `LVS-Nora@${NORA}`]);
  try {
    const [lush, nora] = await scanFor(client, "Lovense Lush", "Lovense Nora");
    await lush.vibrate(0.5);
    await lush.stop();
    assert.deepEqual(await writes(client, LUSH, true), ["Vibrate:10;", "Vibrate:0;"]);
    await lush.vibrate(0.5);
    await nora.vibrate(0.25);
    await client.stopAllDevices();
    assert.deepEqual(await writes(client, LUSH, true), ["Vibrate:10;", "Vibrate:0;"]);
    // The rotation was never set, so its state is unknown: the stop writes its zero too.
    assert.deepEqual(await writes(client, NORA, true), ["Vibrate:5;", "Vibrate:0;", "Rotate:0;"]);
    await lush.vibrate(0.25);
    let disconnects = 0;
    client.on("disconnect", () => disconnects++);
    await client.disconnect();
    assert.equal(client.connected, false);
    assert.equal(client.devices.size, 0);
    assert.equal(disconnects, 1);
    // The simulated hardware outlives the session: the zero is in its log.
    assert.deepEqual(await writes(client, LUSH), ["Vibrate:5;", "Vibrate:0;"]);
  } finally {
    await client.close();
  }
});

test("100 concurrent commands all complete, and the newest value wins", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`]));
  const [lush] = await scanFor(client, "Lovense Lush");
  const values = Array.from({ length: 100 }, (_, i) => ((i % 20) + 1) / 20);
  values[99] = 0.35;
  await Promise.all(values.map((v) => lush.vibrate(v)));
  const got = await writes(client, LUSH);
  assert.ok(got.length >= 1 && got.length <= 100);
  assert.equal(got.at(-1), "Vibrate:7;");
});

test("event handlers may call into the library", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`]));
  const done = new Promise((resolve, reject) => {
    client.on("deviceadded", (device) => {
      // Inside the handler: a command, a write-log read and a stop, all through the library.
      device
        .vibrate(0.5)
        .then(() => client.stopScanning())
        .then(() => device.stop())
        .then(() => writes(client, LUSH))
        .then(resolve, reject);
    });
  });
  await client.startScanning();
  assert.deepEqual(await done, ["Vibrate:10;", "Vibrate:0;"]);
});

test("a simulated device added later is found at the next scan, dropped and restored", async () => {
  const client = track(await connected([], { simulated: true }));
  const address = await client.simulation.addDevice(`LVS-Max@${MAX}`);
  assert.equal(address, MAX);
  const generated = await client.simulation.addDevice("LVS-Lush");
  assert.match(generated, /\S/);
  const [max] = await scanFor(client, "Lovense Max", "Lovense Lush");
  const removed = new Promise((resolve) => client.once("deviceremoved", resolve));
  await client.simulation.drop(MAX);
  assert.equal(await removed, max);
  assert.equal(client.devices.has(max.index), false);
  const back = deviceNamed(client, "Lovense Max");
  await client.simulation.restore(MAX);
  assert.equal((await back).index, max.index);
});

test("npm buttplug shapes (#24): devices emit their own 'inputreading' and 'deviceremoved'; readings carry feature and inputType", async () => {
  const client = track(await connected([`GX85@${GALAKU}`], { deviceConfig: GALAKU_CONFIG }));
  const [toy] = await scanFor(client, "Galaku Shana");
  const onDevice = [];
  toy.on("inputreading", (r) => onDevice.push(r));
  await toy.subscribe(InputType.BATTERY);
  await client.simulation.notify(GALAKU, "rxblebattery", new Uint8Array([42]));
  await eventually(() => onDevice.length === 1, 5_000, "a reading on the device");
  const [reading] = onDevice;
  assert.equal(reading.device, toy);
  assert.equal(reading.inputType, "Battery");
  assert.equal(reading.value, 42);
  assert.equal(reading.feature, toy.features.get(1));
  const removed = new Promise((resolve) => toy.once("deviceremoved", resolve));
  await client.simulation.drop(GALAKU);
  await removed;
  assert.equal(client.devices.has(toy.index), false);
});
