// Playback from JS on simulated Lovense toys: a pattern started on a device's output,
// controlled and stopped, its events (on the playback and the client), a client command
// refused while the output plays, a funscript on whatever is connected, bad starts named,
// and the playback ending early through a device stop, stopAllDevices, a disconnect
// (session end), close, a failing write and a hanging write.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DeviceError,
  InvalidArgumentError,
  OutputType,
  PlaybackError,
  PlaybackStopReason,
  PlaybackWaveform,
  PlugwirePlayback,
  UnsupportedError,
  ClientClosedError,
  ErrorCode,
  WriteFault,
} from "plugwire";
import { EDGE, LUSH, connected, eventually, scanFor, track } from "./helpers.mjs";

const writes = async (client, address = LUSH) =>
  (await client.simulation.writes(address)).filter((w) => w !== "DeviceType;");

const SHORT_SCRIPT = { actions: [{ at: 0, pos: 0 }, { at: 250, pos: 100 }, { at: 300, pos: 100 }] };

async function lushPlaying(gap = 20) {
  const client = track(await connected([`LVS-Lush@${LUSH}`], { defaultMessageGapMs: gap }));
  const [lush] = await scanFor(client, "Lovense Lush");
  return { client, lush };
}

async function atLeast(client, n, address = LUSH) {
  let w = [];
  await eventually(async () => (w = await writes(client, address)).length >= n, 10_000, `${n} writes`);
  return w;
}

async function lastIsZero(client) {
  await eventually(async () => (await writes(client)).at(-1) === "Vibrate:0;", 10_000, "Vibrate:0; last");
}

async function nothingMore(client) {
  const w = await writes(client);
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(await writes(client), w, "no write after the end");
}

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms))),
  ]);
}

test("a pattern plays, is controlled and stops; events on the playback and the client", async () => {
  const { client, lush } = await lushPlaying();
  const onClient = [];
  client.on("playback", (e) => onClient.push(e));
  const playback = await lush.play("vibrate", { pattern: "saw", periodMs: 400 }, { positionEveryMs: 50 });
  assert.ok(playback instanceof PlugwirePlayback);
  await within(new Promise((r) => playback.once("position", r)), 5000, "a position event");
  assert.equal(playback.history[0].kind, "started");
  const w = await atLeast(client, 5);
  assert.ok(new Set(w).size > 2, `a saw climbs: ${w}`);

  await assert.rejects(lush.vibrate(1), (e) => e instanceof DeviceError && /under playback/.test(e.message));
  await assert.rejects(
    lush.play(OutputType.VIBRATE, { pattern: PlaybackWaveform.SINE }),
    (e) => e instanceof PlaybackError && e.code === ErrorCode.PLAYBACK_BUSY,
  );

  await playback.pause();
  await lastIsZero(client);
  await nothingMore(client);
  const paused = (await writes(client)).length;
  await playback.seek(100);
  await playback.resume();
  await playback.setRate(2);
  await playback.sync(500);
  await playback.setOffset(10);
  await playback.setLatency(lush, 30);
  await atLeast(client, paused + 3);
  assert.equal(playback.isFinished, false);

  const stopped = new Promise((r) => playback.once("stopped", (reason) => r(reason)));
  await playback.stop();
  assert.deepEqual(await within(playback.finished, 10_000, "finished"), {
    kind: "stopped",
    reason: PlaybackStopReason.REQUESTED,
    message: playback.result.message,
  });
  assert.equal(await stopped, PlaybackStopReason.REQUESTED);
  await lastIsZero(client);
  await nothingMore(client);
  await lush.vibrate(0.5);
  assert.equal((await writes(client)).at(-1), "Vibrate:10;");
  await assert.rejects(playback.seek(0), (e) => e instanceof PlaybackError && e.code === ErrorCode.PLAYBACK_UNKNOWN);
  assert.deepEqual(
    onClient.filter((e) => e.playbackId === playback.id),
    playback.history,
  );
});

test("a funscript plays on whatever is connected and ends", async () => {
  const { client } = await lushPlaying();
  const playback = await client.playFunscript(SHORT_SCRIPT);
  assert.deepEqual(await within(playback.finished, 10_000, "the end"), { kind: "ended" });
  assert.ok((await writes(client)).includes("Vibrate:20;"));
  await lastIsZero(client);
});

test("tracks map a funscript and keyframes onto two motors", async () => {
  const client = track(await connected([`LVS-Edge@${EDGE}`]));
  const [edge] = await scanFor(client, "Lovense Edge");
  const playback = await client.play([
    { device: edge, output: "vibrate", featureIndex: 0, source: { funscript: JSON.stringify(SHORT_SCRIPT) }, speedMode: "movement", range: [0, 0.5] },
    {
      device: edge,
      output: OutputType.VIBRATE,
      featureIndex: 1,
      source: { pattern: "keyframes", once: true, keyframes: [{ atMs: 0, value: 0.25 }, { atMs: 300, value: 0.25, easing: "hold" }] },
    },
  ]);
  assert.equal((await within(playback.finished, 10_000, "the end")).kind, "ended");
  const w = await writes(client, EDGE);
  assert.ok(w.includes("Vibrate1:10;"), `full speed in half the range: ${w}`);
  assert.ok(w.includes("Vibrate2:5;"), `a quarter: ${w}`);
});

test("bad playbacks name what is wrong and claim nothing", async () => {
  const { client, lush } = await lushPlaying(0);
  await assert.rejects(
    lush.play("vibrate", { funscript: { actions: [{ at: 0, pos: 300 }] } }),
    (e) => e instanceof InvalidArgumentError && e.code === ErrorCode.PLAYBACK_INVALID && e.message.includes("actions[0].pos"),
  );
  await assert.rejects(lush.play("vibrate", { pattern: "sine", periodMs: -1 }), /pattern/);
  await assert.rejects(lush.play("vibrate", { pattern: "wobble" }), /unknown waveform wobble/);
  await assert.rejects(lush.play("rotate", { pattern: "sine" }), (e) => e instanceof UnsupportedError);
  await assert.rejects(client.play([]), InvalidArgumentError);
  await lush.vibrate(0.5);
  assert.equal((await writes(client)).at(-1), "Vibrate:10;");
});

test("a device stop and stopAllDevices end the playback; the stop is the last write", async () => {
  const { client, lush } = await lushPlaying();
  for (const stop of [() => lush.stop(), () => client.stopAllDevices()]) {
    const playback = await lush.play("vibrate", { pattern: "square", periodMs: 100 });
    await atLeast(client, (await writes(client)).length + 3);
    await stop();
    assert.equal((await writes(client)).at(-1), "Vibrate:0;");
    const result = await within(playback.finished, 10_000, "the end");
    assert.equal(result.kind, "stopped");
    assert.equal(result.reason, PlaybackStopReason.DEVICE_STOPPED);
    assert.ok(playback.history.some((e) => e.kind === "trackstopped" && e.reason === PlaybackStopReason.DEVICE_STOPPED));
    await nothingMore(client);
  }
});

test("a session ending during playback stops the toy and the playback", async () => {
  const { client, lush } = await lushPlaying();
  const playback = await lush.play("vibrate", { pattern: "square", periodMs: 100 });
  await atLeast(client, 3);
  await client.disconnect();
  assert.equal((await writes(client)).at(-1), "Vibrate:0;");
  await nothingMore(client);
  const result = await within(playback.finished, 10_000, "the end");
  assert.equal(result.kind, "stopped");
});

test("closing the client during playback rejects finished with ClientClosedError", async () => {
  const { client, lush } = await lushPlaying();
  const playback = await lush.play("vibrate", { pattern: "sine", periodMs: 200 });
  await atLeast(client, 3);
  await client.close();
  await assert.rejects(within(playback.finished, 5000, "finished"), ClientClosedError);
  assert.equal(playback.isFinished, true);
});

test("a failing write is retried; a hanging write ends the playback", { timeout: 90_000 }, async () => {
  const { client, lush } = await lushPlaying();
  const playback = await lush.play("vibrate", { pattern: "saw", periodMs: 300 });
  await atLeast(client, 3);
  await client.simulation.setWriteFault(LUSH, WriteFault.FAIL);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(playback.isFinished, false);
  const before = (await writes(client)).length;
  await client.simulation.setWriteFault(LUSH, WriteFault.NONE);
  await atLeast(client, before + 3);
  await client.simulation.setWriteFault(LUSH, WriteFault.HANG);
  const result = await within(playback.finished, 30_000, "the end after a hanging write");
  assert.equal(result.kind, "stopped");
  assert.ok(
    playback.history.some(
      (e) => e.kind === "trackstopped" && [PlaybackStopReason.DEVICE_REMOVED, PlaybackStopReason.WRITE_FAILED].includes(e.reason),
    ),
    JSON.stringify(playback.history, (_, v) => (typeof v === "bigint" ? String(v) : v)),
  );
});
