// The npm buttplug 5 shape (#24): string-valued enums (numbers kept as aliases), features
// as a Map of feature objects with their own runOutput/runInput, buttplug's command
// builders, and buttplug's class names as aliases. Everything down to the bytes the
// simulated toy received.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ButtplugClient,
  ButtplugClientDevice,
  ButtplugClientDeviceFeature,
  ButtplugDeviceError,
  ButtplugError,
  ButtplugInitError,
  ButtplugMessageError,
  ButtplugPingError,
  ButtplugUnknownError,
  DeviceError,
  DeviceOutput,
  HandshakeError,
  InputCommand,
  InputCommandType,
  InputType,
  InvalidArgumentError,
  MessageError,
  OutputType,
  PingError,
  PlugwireClient,
  PlugwireDevice,
  PlugwireDeviceFeature,
  PlugwireError,
  ServerUnknownError,
  UnsupportedError,
  proto,
} from "plugwire";
import { EDGE, GALAKU, GALAKU_CONFIG, LUSH, NORA, SOLACE_PRO, connected, eventually, scanFor, track } from "./helpers.mjs";

const writes = async (client, address) =>
  (await client.simulation.writes(address, { clear: true })).filter((w) => w !== "DeviceType;");

test("enums are buttplug 5's strings, with the schema's numbers kept as aliases", () => {
  assert.equal(OutputType.Vibrate, "Vibrate");
  assert.equal(OutputType.HwPositionWithDuration, "HwPositionWithDuration");
  assert.equal(OutputType.Led, "Led");
  assert.equal(OutputType.VIBRATE, 1);
  assert.equal(OutputType.VIBRATE, proto.OutputType.VIBRATE);
  assert.equal(OutputType.HW_POSITION_WITH_DURATION, proto.OutputType.HW_POSITION_WITH_DURATION);
  assert.equal(InputType.Battery, "Battery");
  assert.equal(InputType.RSSI, "RSSI");
  assert.equal(InputType.Button, "Button");
  assert.equal(InputType.Pressure, "Pressure");
  assert.equal(InputType.BATTERY, proto.InputType.BATTERY);
  assert.equal(InputCommandType.Read, "Read");
  assert.equal(InputCommandType.Subscribe, "Subscribe");
  assert.equal(InputCommandType.Unsubscribe, "Unsubscribe");
  assert.equal(InputCommand.READ, proto.InputCommand.READ);
  assert.ok(Object.isFrozen(OutputType));
});

test("every method taking an output or input type takes the string names and the numbers", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`, { name: "LVS-Nora", address: NORA, battery: 55 }]));
  const [lush, nora] = await scanFor(client, "Lovense Lush", "Lovense Nora");
  assert.ok(lush.hasOutput(OutputType.Vibrate) && lush.hasOutput("Vibrate") && lush.hasOutput(OutputType.VIBRATE));
  assert.ok(!lush.hasOutput(OutputType.Rotate) && !lush.hasOutput("Nonsense"));
  assert.ok(nora.hasInput(InputType.Battery) && nora.hasInput(InputType.BATTERY));
  await lush.runOutput({ type: OutputType.Vibrate, value: 0.5 });
  await lush.runOutput({ type: "Vibrate", steps: 3 });
  await lush.runOutput({ type: OutputType.VIBRATE, value: 0.25 });
  await lush.runOutputs([{ type: "Vibrate", steps: 7 }]);
  assert.deepEqual(await writes(client, LUSH), ["Vibrate:10;", "Vibrate:3;", "Vibrate:5;", "Vibrate:7;"]);
  assert.equal(await nora.read(InputType.Battery), 55);
  assert.equal(await nora.read("Battery"), 55);
  assert.equal(await nora.read(InputType.BATTERY), 55);
  assert.equal(lush.featuresWithOutput("Vibrate").length, 1);
  // A name the schema lacks (buttplug's Inflate), or none at all: an error naming it, nothing sent.
  await assert.rejects(lush.runOutput({ type: "Inflate", value: 0.5 }), (e) => e instanceof InvalidArgumentError && /Inflate/.test(e.message) && /Vibrate/.test(e.message));
  await assert.rejects(lush.runOutput({ type: OutputType.Unknown, value: 0.5 }), InvalidArgumentError);
  await assert.rejects(nora.read("Temperature"), (e) => e instanceof InvalidArgumentError && /input type Temperature/.test(e.message));
  await assert.rejects(lush.runOutput({ type: OutputType.Rotate, value: 0.5 }), (e) => e instanceof UnsupportedError && /no Rotate output/.test(e.message));
  assert.deepEqual(await writes(client, LUSH), []);
});

test("device.features is a Map of feature objects with their outputs and inputs by name", async () => {
  const client = track(await connected([`LVS-Nora@${NORA}`, `LVS-Solace Pro@${SOLACE_PRO}`]));
  const [nora, pro] = await scanFor(client, "Lovense Nora", "Lovense Solace Pro");
  assert.ok(nora.features instanceof Map);
  assert.deepEqual([...nora.features.keys()], [0, 1, 2]);
  const rotator = nora.features.get(1);
  assert.ok(rotator instanceof PlugwireDeviceFeature);
  assert.equal(rotator.index, 1);
  assert.equal(typeof rotator.descriptor, "string");
  assert.equal(rotator.featureDescriptor, rotator.descriptor);
  assert.deepEqual([...rotator.outputs.keys()], ["Rotate"]);
  assert.deepEqual(rotator.outputs.get("Rotate"), { type: "Rotate", valueRange: [-20, 20] });
  assert.equal(rotator.output(OutputType.ROTATE), rotator.outputs.get("Rotate"));
  assert.ok(rotator.hasOutput("Rotate") && !rotator.hasOutput("Vibrate") && !rotator.hasInput("Battery"));
  const battery = [...nora.features.values()].find((f) => f.hasInput(InputType.Battery));
  const input = battery.input("Battery");
  assert.equal(input.type, "Battery");
  assert.deepEqual(input.valueRange, [0, 100]);
  assert.ok(input.commands.includes("Read"));
  const timed = pro.featuresWithOutput(OutputType.HwPositionWithDuration)[0].output("HwPositionWithDuration");
  assert.deepEqual(timed.valueRange, [0, 100]);
  assert.equal(timed.durationRange.length, 2);
});

test("feature.runOutput: buttplug's DeviceOutput commands and plain ones, on that feature only", async () => {
  const client = track(await connected([`LVS-Edge@${EDGE}`, `LVS-Nora@${NORA}`]));
  const [edge, nora] = await scanFor(client, "Lovense Edge", "Lovense Nora");
  const [first, second] = [edge.features.get(0), edge.features.get(1)];
  await second.runOutput(DeviceOutput.Vibrate.percent(0.5));
  await first.runOutput(DeviceOutput.Vibrate.value(3));
  await second.runOutput({ type: "Vibrate", value: 1 });
  assert.deepEqual(await writes(client, EDGE), ["Vibrate2:10;", "Vibrate1:3;", "Vibrate2:20;"]);
  // On the device: every feature with the output, as buttplug 5's device.runOutput.
  await edge.runOutput(DeviceOutput.Vibrate.percent(0.25));
  assert.deepEqual((await writes(client, EDGE)).sort(), ["Vibrate1:5;", "Vibrate2:5;"]);
  // buttplug's percent spans the whole range: for a -20..20 rotation, 0.75 is +10 and 0.25 is -10.
  const rotator = nora.features.get(1);
  await rotator.runOutput(DeviceOutput.Rotate.percent(0.75));
  await rotator.runOutput(DeviceOutput.Rotate.percent(0.25));
  assert.deepEqual(await writes(client, NORA), ["Rotate:10;", "RotateChange;", "Rotate:10;"]);
  // An output the feature lacks: UnsupportedError, nothing sent. Bad builder values: refused at once.
  await assert.rejects(rotator.runOutput(DeviceOutput.Vibrate.percent(0.5)), (e) => e instanceof UnsupportedError && /feature 1 .* no Vibrate output/.test(e.message));
  assert.throws(() => DeviceOutput.Vibrate.percent(1.5), InvalidArgumentError);
  assert.throws(() => DeviceOutput.Vibrate.value(Number.NaN), InvalidArgumentError);
  assert.deepEqual(await writes(client, NORA), []);
  assert.equal(DeviceOutput.PositionWithDuration.percent(0.5, 300).duration, 300);
  assert.equal(DeviceOutput.HwPositionWithDuration.value(40, 300).outputType, "HwPositionWithDuration");
});

test("a timed move through the feature: DeviceOutput.PositionWithDuration", async () => {
  const client = track(await connected([`LVS-Solace Pro@${SOLACE_PRO}`]));
  const [pro] = await scanFor(client, "Lovense Solace Pro");
  const feature = pro.featuresWithOutput("HwPositionWithDuration")[0];
  await feature.runOutput(DeviceOutput.PositionWithDuration.percent(0.5, 500));
  const moves = async () => (await client.simulation.writeLog(SOLACE_PRO)).filter((r) => r.text.startsWith("FSetSite"));
  await eventually(async () => (await moves()).some((r) => r.text === "FSetSite:50;"), 5_000, "the move to 50");
});

test("feature.runInput: Read resolves with buttplug's reading; Subscribe sends readings to the feature", async () => {
  const client = track(await connected([{ name: "LVS-Nora", address: NORA, battery: 64 }]));
  const [nora] = await scanFor(client, "Lovense Nora");
  const feature = nora.featuresWithInput("Battery")[0];
  const reading = await feature.runInput(InputType.Battery, InputCommandType.Read);
  assert.equal(reading.device, nora);
  assert.equal(reading.feature, feature);
  assert.equal(reading.inputType, "Battery");
  assert.equal(reading.value, 64);
  assert.equal((await feature.runInput(InputType.BATTERY, InputCommand.READ)).value, 64);
  await assert.rejects(feature.runInput("Pressure", "Read"), UnsupportedError);
  await assert.rejects(feature.runInput("Battery", "Peek"), (e) => e instanceof InvalidArgumentError && /input command Peek/.test(e.message));
  await assert.rejects(nora.features.get(1).runInput("Battery", "Read"), (e) => e instanceof UnsupportedError && /feature 1/.test(e.message));
});

test("a subscribed feature emits 'inputreading' itself, with the client and the device", async () => {
  const client = track(await connected([`GX85@${GALAKU}`], { deviceConfig: GALAKU_CONFIG }));
  const [toy] = await scanFor(client, "Galaku Shana");
  const feature = toy.featuresWithInput(InputType.Battery)[0];
  const seen = { client: [], device: [], feature: [] };
  client.on("inputreading", (r) => seen.client.push(r));
  toy.on("inputreading", (r) => seen.device.push(r));
  feature.on("inputreading", (r) => seen.feature.push(r));
  assert.equal(await feature.runInput("Battery", "Subscribe"), undefined);
  await client.simulation.notify(GALAKU, "rxblebattery", new Uint8Array([42]));
  await eventually(() => seen.feature.length === 1, 5_000, "a reading on the feature");
  assert.equal(seen.feature[0], seen.device[0]);
  assert.equal(seen.feature[0], seen.client[0]);
  assert.equal(seen.feature[0].feature, feature);
  assert.equal(seen.feature[0].inputType, "Battery");
  assert.equal(await feature.runInput("Battery", InputCommandType.Unsubscribe), undefined);
});

test("buttplug 5's class names are plugwire's classes", async () => {
  assert.equal(ButtplugClient, PlugwireClient);
  assert.equal(ButtplugClientDevice, PlugwireDevice);
  assert.equal(ButtplugClientDeviceFeature, PlugwireDeviceFeature);
  assert.equal(ButtplugError, PlugwireError);
  assert.equal(ButtplugDeviceError, DeviceError);
  assert.equal(ButtplugInitError, HandshakeError);
  assert.equal(ButtplugMessageError, MessageError);
  assert.equal(ButtplugPingError, PingError);
  assert.equal(ButtplugUnknownError, ServerUnknownError);
  const client = track(new ButtplugClient("ported app"));
  await client.connectEmbedded({ simulatedDevices: [`LVS-Lush@${LUSH}`], defaultMessageGapMs: 0 });
  const [lush] = await scanFor(client, "Lovense Lush");
  assert.ok(lush instanceof ButtplugClientDevice);
  await lush.runOutput(DeviceOutput.Vibrate.percent(1));
  await lush.stop();
  assert.deepEqual(await writes(client, LUSH), ["Vibrate:20;", "Vibrate:0;"]);
  // Errors the server reports are buttplug's classes too.
  await assert.rejects(client.request({ case: "deviceOutput", value: { deviceIndex: 99, featureIndex: 0, output: 1, value: { case: "steps", value: 1 } } }), PlugwireError);
});
