// Errors: each ABI error code the tests can provoke comes back as its error class.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as plugwire from "plugwire";
import { ErrorCategory, ErrorCode, InputType, OutputType, PlugwireClient } from "plugwire";
import { LUSH, connected, eventually, scanFor, track } from "./helpers.mjs";

test("every error code maps to its class", () => {
  const classes = {
    [ErrorCode.INVALID_REQUEST]: plugwire.InvalidRequestError,
    [ErrorCode.NOT_CONNECTED]: plugwire.NotConnectedError,
    [ErrorCode.ALREADY_CONNECTED]: plugwire.AlreadyConnectedError,
    [ErrorCode.CONNECTION_FAILED]: plugwire.ConnectionFailedError,
    [ErrorCode.INVALID_ARGUMENT]: plugwire.InvalidArgumentError,
    [ErrorCode.UNKNOWN_DEVICE]: plugwire.UnknownDeviceError,
    [ErrorCode.NO_SIMULATED_HARDWARE]: plugwire.NoSimulatedHardwareError,
    [ErrorCode.UNSUPPORTED]: plugwire.UnsupportedError,
    [ErrorCode.CONFIGURATION]: plugwire.ConfigurationError,
    [ErrorCode.EVENTS_DROPPED]: plugwire.EventsDroppedError,
    [ErrorCode.SERVER_UNKNOWN]: plugwire.ServerUnknownError,
    [ErrorCode.SERVER_HANDSHAKE]: plugwire.HandshakeError,
    [ErrorCode.SERVER_PING]: plugwire.PingError,
    [ErrorCode.SERVER_MESSAGE]: plugwire.MessageError,
    [ErrorCode.SERVER_DEVICE]: plugwire.DeviceError,
  };
  for (const [code, cls] of Object.entries(classes)) {
    const e = plugwire.errorFromCode(Number(code), ErrorCategory.REQUEST, "boom");
    assert.equal(e.constructor, cls);
    assert.equal(e.code, Number(code));
    assert.equal(e.name, cls.name);
    assert.ok(e instanceof plugwire.PlugwireError && e instanceof Error);
  }
  for (const cls of [plugwire.ServerUnknownError, plugwire.HandshakeError, plugwire.PingError, plugwire.MessageError, plugwire.DeviceError]) {
    assert.ok(cls.prototype instanceof plugwire.ServerError);
  }
  for (const cls of [plugwire.NotConnectedError, plugwire.ConnectionFailedError, plugwire.ClientClosedError]) {
    assert.ok(cls.prototype instanceof plugwire.PlugwireConnectionError);
  }
  assert.ok(plugwire.UnknownDeviceError.prototype instanceof plugwire.InvalidArgumentError);
  assert.equal(plugwire.errorFromCode(99, ErrorCategory.DEVICE, "new").constructor, plugwire.PlugwireError);
  assert.equal(plugwire.errorFromStatus(plugwire.Status.CLIENT_CLOSED, "").constructor, plugwire.ClientClosedError);
  const native = plugwire.errorFromStatus(plugwire.Status.PANIC, "x");
  assert.equal(native.constructor, plugwire.NativeError);
  assert.equal(native.status, plugwire.Status.PANIC);
});

test("not connected, bad configuration, failed connection, already connected", async () => {
  const client = track(new PlugwireClient());
  await assert.rejects(client.startScanning(), plugwire.NotConnectedError);
  await client.stopAllDevices().then(
    () => assert.fail("expected NotConnectedError"),
    (err) => {
      assert.ok(err instanceof plugwire.NotConnectedError);
      assert.equal(err.code, ErrorCode.NOT_CONNECTED);
      assert.equal(err.category, ErrorCategory.CONNECTION);
    },
  );
  await assert.rejects(client.connectEmbedded({ simulated: true, deviceConfig: "{not json" }), plugwire.ConfigurationError);
  await assert.rejects(client.connectEmbedded({ simulated: true, userConfig: "{oops" }), plugwire.ConfigurationError);
  await assert.rejects(client.connect("ws://127.0.0.1:9"), plugwire.ConnectionFailedError);
  await client.connectEmbedded({ simulated: true });
  await assert.rejects(client.connectEmbedded({ simulated: true }), plugwire.AlreadyConnectedError);
  await assert.rejects(client.connect("ws://127.0.0.1:9"), plugwire.AlreadyConnectedError);
});

test("no simulated hardware; unknown simulated device", async () => {
  {
    const client = track(new PlugwireClient());
    await client.connectEmbedded();
    await assert.rejects(client.simulation.writeLog(LUSH), plugwire.NoSimulatedHardwareError);
  }
  const client = track(await connected([], { simulated: true }));
  await assert.rejects(client.simulation.notify("nope", "rx", new Uint8Array([1])), (e) => {
    assert.ok(e instanceof plugwire.UnknownDeviceError);
    assert.match(e.message, /nope/);
    return true;
  });
  await assert.rejects(client.simulation.drop("nope"), plugwire.UnknownDeviceError);
});

test("refusals by the library and the server", async () => {
  const client = track(await connected([`LVS-Lush@${LUSH}`]));
  const [lush] = await scanFor(client, "Lovense Lush");
  await assert.rejects(lush.vibrate(1.5), (e) => e instanceof plugwire.InvalidArgumentError && e.code === ErrorCode.INVALID_ARGUMENT);
  await assert.rejects(lush.runOutput({ type: OutputType.VIBRATE, steps: 21 }), plugwire.InvalidArgumentError);
  await assert.rejects(lush.vibrate(Number.NaN), plugwire.InvalidArgumentError);
  // A feature without that input: the server refuses.
  await assert.rejects(lush.read(InputType.BATTERY, 0), (e) => e instanceof plugwire.DeviceError && e.code === ErrorCode.SERVER_DEVICE);
  // The ping watchdog is off: the server refuses pings.
  await assert.rejects(client.ping(), (e) => e instanceof plugwire.PingError && e.code === ErrorCode.SERVER_PING);
  // Subscribing to a read-only input.
  await assert.rejects(lush.subscribe(InputType.BATTERY), plugwire.ServerError);
  // Outputs and inputs the device does not have are named.
  await assert.rejects(lush.rotate(0.5), (e) => e instanceof plugwire.UnsupportedError && /Lovense Lush \(device 0\) has no Rotate output/.test(e.message));
  await assert.rejects(lush.read(InputType.PRESSURE), /Lovense Lush \(device 0\) has no Pressure input/);
  // Nothing reached the toy.
  assert.deepEqual((await client.simulation.writes(LUSH)).filter((w) => w !== "DeviceType;"), []);
  // A device that went away.
  await client.simulation.drop(LUSH);
  await eventually(() => client.devices.size === 0);
  await assert.rejects(lush.vibrate(0.5), plugwire.UnknownDeviceError);
});

test("a closed client rejects with ClientClosedError, and requests in flight end there too", async () => {
  const client = await connected([`LVS-Lush@${LUSH}`]);
  const inFlight = client.simulation.writeLog(LUSH).then(
    () => "answered",
    (e) => (e instanceof plugwire.ClientClosedError ? "closed" : e),
  );
  await client.close();
  assert.ok(["answered", "closed"].includes(await inFlight));
  assert.equal(client.closed, true);
  assert.equal(client.connected, false);
  await assert.rejects(client.startScanning(), plugwire.ClientClosedError);
  await assert.rejects(client.connectEmbedded({ simulated: true }), plugwire.ClientClosedError);
  await client.close(); // idempotent
});
