// The installed package: its bundled library, ESM and CommonJS entry points, and the
// error naming every place searched when the library is missing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as esm from "plugwire";

test("ESM and CommonJS load the same module", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("plugwire");
  assert.equal(esm.PlugwireClient, cjs.PlugwireClient);
  assert.equal(typeof esm.default, "object");
  assert.equal(esm.libraryVersion(), cjs.libraryVersion());
  assert.match(esm.libraryVersion(), /^\d+\.\d+\.\d+/);
});

test("the library is the one bundled in the package", { skip: !process.env.PLUGWIRE_EXPECT_BUNDLED }, () => {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve("plugwire/package.json"));
  assert.equal(esm.libraryPath(), `${pkg}/native/${esm.platformTag()}/${esm.libraryFileName()}`);
});

test("a missing library is an error naming what was searched", () => {
  const r = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `import { PlugwireClient } from "plugwire"; new PlugwireClient().connectEmbedded().catch((e) => { console.log(e.name + ": " + e.message); });`],
    { env: { ...process.env, PLUGWIRE_LIBRARY: "/nonexistent/libplugwire.so" }, encoding: "utf8" },
  );
  assert.match(r.stdout, /LibraryNotFoundError: PLUGWIRE_LIBRARY=\/nonexistent\/libplugwire.so is not a file/);
  const names = esm.candidatePaths();
  assert.ok(names.length >= 2);
});

test("CommonJS require works from a .cjs script", () => {
  const out = execFileSync(process.execPath, ["-e", `const p = require("plugwire"); console.log(typeof p.PlugwireClient, p.ABI_VERSION);`], {
    encoding: "utf8",
  });
  assert.equal(out.trim(), "function 1");
});
