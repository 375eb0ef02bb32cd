// The package's install step (and, with --bundle, `npm pack`'s): makes sure a plugwire
// library for this platform is there.
//
//   node scripts/install.cjs           on install: nothing to do when a prebuilt library is
//                                      bundled (native/<platform>-<arch>/), the per-platform
//                                      package is installed, or PLUGWIRE_LIBRARY is set;
//                                      otherwise, in a source checkout, builds it with cargo
//                                      and bundles it
//   node scripts/install.cjs --bundle  always (re)bundles the library (prepack)
//
// Environment: PLUGWIRE_LIBRARY (use this library, build nothing), PLUGWIRE_BUNDLE_LIBRARY
// (bundle this already-built library instead of running cargo), PLUGWIRE_CARGO_PROFILE
// (default release), CARGO (default cargo on PATH), PLUGWIRE_STRIP=0 (keep debug info),
// PLUGWIRE_BUNDLE_OTHER (with --bundle: libraries built for other platforms to bundle too,
// as "PLATFORM-ARCH=PATH" separated by spaces, e.g. "win32-x64=.../plugwire.dll" from
// scripts/build-windows; one package then serves every platform it carries).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const here = path.resolve(__dirname, "..");
function libraryName(platform) {
  return platform === "win32" ? "plugwire.dll" : platform === "darwin" ? "libplugwire.dylib" : "libplugwire.so";
}
const name = libraryName(process.platform);
const tag = `${process.platform}-${process.arch}`;
const bundled = path.join(here, "native", tag, name);
const bundle = process.argv.includes("--bundle");

function say(text) {
  console.log(`plugwire: ${text}`);
}

function fail(text) {
  console.error(`plugwire: ${text}`);
  process.exit(1);
}

function platformPackage() {
  try {
    return path.dirname(require.resolve(`@plugwire/${tag}/package.json`, { paths: [here] }));
  } catch {
    return undefined;
  }
}

function findCheckout() {
  for (let dir = here; ; dir = path.dirname(dir)) {
    try {
      if (fs.readFileSync(path.join(dir, "Cargo.toml"), "utf8").includes('name = "plugwire"')) return dir;
    } catch {}
    if (path.dirname(dir) === dir) return undefined;
  }
}

function build() {
  const given = process.env.PLUGWIRE_BUNDLE_LIBRARY;
  if (given) {
    if (!fs.existsSync(given)) fail(`PLUGWIRE_BUNDLE_LIBRARY=${given} is not a file`);
    return given;
  }
  const root = findCheckout();
  if (!root) {
    fail(
      `no prebuilt library for ${tag} and no source checkout above ${here} to build one: ` +
        `install @plugwire/${tag}, or set PLUGWIRE_LIBRARY to a built library`,
    );
  }
  const cargo = process.env.CARGO || "cargo";
  const profile = process.env.PLUGWIRE_CARGO_PROFILE || "release";
  const manifest = path.join(root, "Cargo.toml");
  const args = ["build", "--lib", "--manifest-path", manifest, ...(profile === "release" ? ["--release"] : ["--profile", profile])];
  say(`${cargo} ${args.join(" ")}`);
  const run = spawnSync(cargo, args, { cwd: root, stdio: "inherit" });
  if (run.error) fail(`cannot run ${cargo} (${run.error.message}); install Rust (https://rustup.rs) or set CARGO`);
  if (run.status !== 0) fail(`cargo failed (exit ${run.status})`);
  const meta = spawnSync(cargo, ["metadata", "--format-version", "1", "--no-deps", "--manifest-path", manifest], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (meta.status !== 0) fail("cargo metadata failed");
  const target = JSON.parse(meta.stdout).target_directory;
  const built = path.join(target, profile === "dev" || profile === "debug" ? "debug" : profile, name);
  if (!fs.existsSync(built)) fail(`cargo built, but ${built} is missing`);
  return built;
}

function npm(args) {
  const cli = process.env.npm_execpath;
  const run = cli ? spawnSync(process.execPath, [cli, ...args], { cwd: here, stdio: "inherit" }) : spawnSync("npm", args, { cwd: here, stdio: "inherit", shell: process.platform === "win32" });
  if (run.status !== 0) fail(`npm ${args.join(" ")} failed`);
}

// Installed from the source folder (`npm install ./bindings/js`), the JS is not compiled
// yet: compile it with the package's pinned TypeScript.
if (!bundle && !fs.existsSync(path.join(here, "dist", "cjs", "index.js")) && fs.existsSync(path.join(here, "src", "index.ts"))) {
  say("compiling the TypeScript sources (npm ci --ignore-scripts, npm run build)");
  npm(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]);
  npm(["run", "build"]);
}

if (!bundle) {
  if (process.env.PLUGWIRE_LIBRARY) {
    say(`using PLUGWIRE_LIBRARY=${process.env.PLUGWIRE_LIBRARY}`);
    process.exit(0);
  }
  if (fs.existsSync(bundled)) {
    say(`prebuilt library ${path.relative(here, bundled)}`);
    process.exit(0);
  }
  const pkg = platformPackage();
  if (pkg && fs.existsSync(path.join(pkg, name))) {
    say(`prebuilt library from @plugwire/${tag}`);
    process.exit(0);
  }
}

const built = build();
fs.mkdirSync(path.dirname(bundled), { recursive: true });
fs.copyFileSync(built, bundled);
if (process.platform === "linux" && process.env.PLUGWIRE_STRIP !== "0") {
  spawnSync("strip", ["--strip-debug", bundled], { stdio: "ignore" });
}
say(`bundled ${built} as ${path.relative(here, bundled)}`);

if (bundle) {
  for (const entry of (process.env.PLUGWIRE_BUNDLE_OTHER || "").split(/\s+/).filter(Boolean)) {
    const eq = entry.indexOf("=");
    const other = entry.slice(0, eq);
    const file = entry.slice(eq + 1);
    if (eq < 1 || !/^[a-z0-9]+-[a-z0-9]+$/.test(other)) fail(`PLUGWIRE_BUNDLE_OTHER: "${entry}" is not PLATFORM-ARCH=PATH`);
    if (other === tag) fail(`PLUGWIRE_BUNDLE_OTHER: ${other} is this platform; its library is built or given by PLUGWIRE_BUNDLE_LIBRARY`);
    if (!fs.existsSync(file)) fail(`PLUGWIRE_BUNDLE_OTHER: ${file} (for ${other}) is not a file`);
    const dest = path.join(here, "native", other, libraryName(other.split("-")[0]));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(file, dest);
    say(`bundled ${file} as ${path.relative(here, dest)}`);
  }
}
