// The shared protobuf test vectors (protobuf/test-vectors, written by the Rust library's
// own encoder: examples/protobuf_test_vectors.rs): every vector decodes with the package's
// generated code and re-encodes to identical bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRegistry, fromBinary, toBinary } from "@bufbuild/protobuf";
import { proto } from "plugwire";

const dir = process.env.PLUGWIRE_TEST_VECTORS;

test("shared test vectors decode and re-encode byte-identically", { skip: !dir && "PLUGWIRE_TEST_VECTORS not set" }, () => {
  const registry = createRegistry(proto.file_plugwire);
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  const files = Object.keys(index);
  assert.ok(files.length >= 19, `only ${files.length} vectors`);
  const seen = new Set();
  for (const file of files) {
    const schema = registry.getMessage(index[file]);
    assert.ok(schema, `${file}: unknown message ${index[file]}`);
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    const message = fromBinary(schema, bytes);
    assert.ok(message.kind.case, `${file} decoded to an empty message`);
    seen.add(`${index[file]}.${message.kind.case}`);
    assert.deepEqual(Buffer.from(toBinary(schema, message)), Buffer.from(bytes), `${file} re-encoded differently`);
  }
  // A few decoded values, checked against what the Rust side wrote.
  const decode = (file) => fromBinary(registry.getMessage(index[file]), new Uint8Array(readFileSync(join(dir, file))));
  const log = decode("reply_write_log.bin").kind.value.records;
  assert.equal(log[1].atUs, 18_000_000_000_000_000_000n);
  assert.equal(Buffer.from(log[0].data).toString(), "Vibrate:10;");
  const out = decode("request_device_output_steps_duration.bin").kind.value;
  assert.deepEqual([out.value.case, out.value.value, out.duration.value], ["steps", -7, 500]);
  const embedded = decode("request_connect_embedded.bin").kind.value;
  assert.equal(embedded.serverName, "plugwire ✓");
  assert.deepEqual(embedded.defaultGap, { case: "defaultMessageGapMs", value: 0 });
  assert.ok(seen.has("plugwire.v1.Event.deviceAdded") && seen.has("plugwire.v1.Reply.deviceList"));
});
