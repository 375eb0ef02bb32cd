// Regenerates src/gen/plugwire_pb.ts from protobuf/plugwire.proto with the ecosystem's
// generator (@bufbuild/protoc-gen-es, run by @bufbuild/buf, both pinned devDependencies).
//
//   node scripts/regen-proto.cjs          rewrite the checked-in file
//   node scripts/regen-proto.cjs --check  exit 1 if it differs from what would be generated
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const here = path.resolve(__dirname, "..");
const file = path.join("src", "gen", "plugwire_pb.ts");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plugwire-proto-"));
try {
  const bin = path.join(here, "node_modules", ".bin");
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
  const run = spawnSync("buf", ["generate", "--template", "buf.gen.yaml", "-o", tmp], { cwd: here, env, encoding: "utf8" });
  if (run.status !== 0) {
    console.error(`buf generate failed:\n${run.stderr || run.error}`);
    process.exit(2);
  }
  const fresh = fs.readFileSync(path.join(tmp, file));
  const current = fs.existsSync(path.join(here, file)) ? fs.readFileSync(path.join(here, file)) : Buffer.alloc(0);
  if (process.argv.includes("--check")) {
    if (!fresh.equals(current)) {
      console.error(`${file} is stale: it differs from what protobuf/plugwire.proto generates; run npm run regen-proto and commit`);
      process.exit(1);
    }
    console.log(`${file} is current`);
  } else {
    fs.writeFileSync(path.join(here, file), fresh);
    console.log(`wrote ${file}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
