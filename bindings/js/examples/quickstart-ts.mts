// Quickstart (TypeScript, ES module): an embedded server with two simulated Lovense toys.
// Scans, drives them, reads a battery, and prints the bytes each toy received.
//
//   npx tsc -p examples && node examples/build/quickstart-ts.mjs     (run-tests.sh does this)
import { OutputType, PlugwireClient, type PlugwireDevice } from "plugwire";

const LUSH = "AA:00:00:00:00:01";
const NORA = "AA:00:00:00:00:02";

await using client = new PlugwireClient("quickstart");
client.on("deviceadded", (device: PlugwireDevice) => console.log(`added: ${device.name} (index ${device.index})`));

await client.connectEmbedded({
  simulatedDevices: [`LVS-Lush@${LUSH}`, { name: "LVS-Nora", address: NORA, battery: 64 }],
});
const both = new Promise<void>((resolve) => {
  const check = () => client.devices.size === 2 && resolve();
  client.on("deviceadded", check);
  check();
});
await client.startScanning();
await both;
await client.stopScanning();

for (const device of client.devices.values()) {
  await device.vibrate(0.5);
  if (device.hasOutput(OutputType.ROTATE)) await device.rotate(-0.25);
  console.log(`${device.name}: battery ${Math.round((await device.battery()) * 100)} %`);
}
await client.stopAllDevices();

for (const address of [LUSH, NORA]) {
  console.log(`${address} received: ${(await client.simulation.writes(address)).join(" ")}`);
}
console.log("every toy stopped");
// `await using` closes the client here: Node exits on its own.
