// Playback from JS on simulated Lovense toys: a pattern started on a device's output,
// controlled and stopped, its events (on the playback and the client), a client command
// refused while the output plays, a funscript on whatever is connected, bad starts named,
// and the playback ending early through a device stop, stopAllDevices, a disconnect
// (session end), close, a failing write and a hanging write; and playback over a websocket
// to `plugwire serve`, ended by a device stop, the client's disconnect and the server
// being killed.
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
  NotConnectedError,
  PlugwireClient,
  WriteFault,
} from "plugwire";
import { EDGE, LUSH, connectWhenFree, connected, eventually, needsServe, scanFor, serveToys, track } from "./helpers.mjs";

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms))),
  ]);
}

function aPosition(playback) {
  return within(new Promise((r) => playback.once("position", r)), 5000, "a position event");
}

test("a pattern plays, is controlled and stops; events on the playback and the client", async () => {
  const { client, lush } = await lushPlaying();
  const onClient = [];
  client.on("playback", (e) => onClient.push(e));
  const playback = await lush.play("vibrate", { pattern: "saw", periodMs: 400 }, { positionEveryMs: 50 });
  assert.ok(playback instanceof PlugwirePlayback);
  await aPosition(playback);
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

// Over a websocket the player runs in the library and writes output commands to `plugwire
// serve`; what the served toy got comes from the log the server writes when it exits.

/** A saw in the middle half of the range: a Lush gets levels 5 to 15 of 20, never a stop. */
const SAW = { pattern: "saw", periodMs: 300 };
const SAW_RANGE = { range: [0.25, 0.75] };
/** What the client itself sends between two parts of a test: a level no playback here writes. */
const MARK = "Vibrate:1;";

/** The served Lush's writes up to the client's mark, and after it. */
function splitAtMark(w) {
  const at = w.indexOf(MARK);
  assert.ok(at > 0, `the mark ${MARK} follows the playback: ${w.join(" ")}`);
  return [w.slice(0, at), w.slice(at + 1)];
}

/** The saw reached the toy: several levels, all of the middle half, or stops. */
function sawPlayed(w) {
  const levels = w.filter((x) => x !== "Vibrate:0;").map((x) => Number(/^Vibrate:(\d+);$/.exec(x)?.[1]));
  assert.ok(new Set(levels).size > 2, `a saw climbs: ${w.join(" ")}`);
  assert.ok(levels.every((l) => l >= 5 && l <= 15), `only the saw's levels: ${w.join(" ")}`);
}

/** The playback stopped with this reason, its track too. */
async function stoppedWith(playback, reason) {
  const result = await within(playback.finished, 10_000, "the end of the playback");
  assert.equal(result.kind, "stopped", JSON.stringify(result));
  assert.equal(result.reason, reason, `stop reason: ${JSON.stringify(result)}`);
  const track = playback.history.find((e) => e.kind === "trackstopped");
  assert.equal(track?.reason, reason, "the track stopped with the same reason");
  return result;
}

test("over a websocket: a pattern plays on the served toy and a device stop ends it; a funscript plays to its end", needsServe, async () => {
  const server = serveToys([`LVS-Lush@${LUSH}`]);
  try {
    const client = track(new PlugwireClient("js-playback-ws"));
    await client.connect(await server.url);
    const [lush] = await scanFor(client, "Lovense Lush");
    const playback = await lush.play("vibrate", SAW, { ...SAW_RANGE, positionEveryMs: 50 });
    await aPosition(playback);
    assert.equal(playback.history[0].kind, "started");
    await assert.rejects(lush.vibrate(1), (e) => e instanceof DeviceError && /under playback/.test(e.message));
    await assert.rejects(
      lush.play("vibrate", { pattern: "sine" }),
      (e) => e instanceof PlaybackError && e.code === ErrorCode.PLAYBACK_BUSY,
    );
    await playback.pause();
    await playback.seek(100);
    await playback.resume();
    await playback.setRate(2);
    await playback.sync(500);
    await aPosition(playback);
    // Long enough for several slots to reach the toy.
    await sleep(500);
    assert.equal(playback.isFinished, false);

    const stopped = new Promise((r) => playback.once("stopped", r));
    await lush.stop();
    await stoppedWith(playback, PlaybackStopReason.DEVICE_STOPPED);
    assert.equal(await stopped, PlaybackStopReason.DEVICE_STOPPED);
    // Quiet for a while, then the output is the client's again.
    await sleep(300);
    await lush.vibrate(0.05);
    const once = await client.playFunscript(SHORT_SCRIPT);
    assert.deepEqual(await within(once.finished, 10_000, "the funscript's end"), { kind: "ended" });
    await client.close();

    const [played, after] = splitAtMark(await server.writes(LUSH));
    sawPlayed(played);
    // The device stop was the last write before the mark: nothing of the playback followed it.
    assert.equal(played.at(-1), "Vibrate:0;", played.join(" "));
    // The funscript's stroke is full speed; its end stops the vibrator.
    assert.ok(after.includes("Vibrate:20;"), after.join(" "));
    assert.equal(after.at(-1), "Vibrate:0;", after.join(" "));
  } finally {
    server.dispose();
  }
});

test("over a websocket: the client disconnecting during playback ends it and the toy stops; the client connects again and plays", needsServe, async () => {
  const server = serveToys([`LVS-Lush@${LUSH}`]);
  try {
    const url = await server.url;
    const client = track(new PlugwireClient("js-playback-ws"));
    await client.connect(url);
    let [lush] = await scanFor(client, "Lovense Lush");
    const playback = await lush.play("vibrate", SAW, { ...SAW_RANGE, positionEveryMs: 50 });
    await aPosition(playback);
    await sleep(300);
    let disconnects = 0;
    client.on("disconnect", () => disconnects++);
    await client.disconnect();
    await stoppedWith(playback, PlaybackStopReason.DEVICE_STOPPED);
    assert.equal(disconnects, 1);
    assert.equal(client.connected, false);
    await assert.rejects(lush.vibrate(0.5), NotConnectedError);

    await connectWhenFree(client, url);
    [lush] = await scanFor(client, "Lovense Lush");
    await lush.vibrate(0.05);
    const again = await client.playFunscript(SHORT_SCRIPT);
    assert.deepEqual(await within(again.finished, 10_000, "the funscript's end"), { kind: "ended" });
    await client.close();

    const [played, after] = splitAtMark(await server.writes(LUSH));
    sawPlayed(played);
    // The session's end stopped the toy before the next session's first command.
    assert.equal(played.at(-1), "Vibrate:0;", played.join(" "));
    assert.ok(after.includes("Vibrate:20;"), after.join(" "));
  } finally {
    server.dispose();
  }
});

test("over a websocket: the server killed during playback ends it (connection lost), nothing unhandled; the client plays on another server", needsServe, async () => {
  const first = serveToys([`LVS-Lush@${LUSH}`]);
  const second = serveToys([`LVS-Lush@${LUSH}`]);
  const unhandled = [];
  const record = (e) => unhandled.push(e);
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
  try {
    const client = track(new PlugwireClient("js-playback-ws"));
    await client.connect(await first.url);
    const [lush] = await scanFor(client, "Lovense Lush");
    const playback = await lush.play("vibrate", SAW, { ...SAW_RANGE, positionEveryMs: 50 });
    await aPosition(playback);
    const gone = new Promise((r) => client.once("disconnect", r));
    const stopped = new Promise((r) => playback.once("stopped", (reason, message) => r({ reason, message })));
    first.child.kill("SIGKILL");

    const result = await stoppedWith(playback, PlaybackStopReason.DEVICE_STOPPED);
    assert.match(result.message, /connection to the server was lost/);
    assert.deepEqual(await stopped, { reason: result.reason, message: result.message });
    assert.match(playback.history.find((e) => e.kind === "trackstopped").message, /connection to the server was lost/);
    await within(gone, 10_000, "'disconnect'");
    assert.equal(client.connected, false);
    await assert.rejects(lush.vibrate(0.5), NotConnectedError);
    await assert.rejects(playback.stop(), (e) => e instanceof PlaybackError && e.code === ErrorCode.PLAYBACK_UNKNOWN);

    // The same client connects to another server and plays there.
    await client.connect(await second.url);
    const [again] = await scanFor(client, "Lovense Lush");
    const once = await again.play("vibrate", { ...SAW, once: true }, SAW_RANGE);
    assert.deepEqual(await within(once.finished, 10_000, "the saw's end"), { kind: "ended" });
    await client.close();
    const w = await second.writes(LUSH);
    sawPlayed(w);
    assert.equal(w.at(-1), "Vibrate:0;", w.join(" "));
    await sleep(50);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", record);
    process.off("uncaughtException", record);
    first.dispose();
    second.dispose();
  }
});
