// Quickstart (JavaScript, ES module): vibrate a simulated Lovense Lush.
//
//   node examples/quickstart.mjs
import { PlugwireClient } from "plugwire";

const client = new PlugwireClient("quickstart-esm");
try {
  await client.connectEmbedded({ simulatedDevices: ["LVS-Lush@AA:00:00:00:00:01"] });
  const added = new Promise((resolve) => client.once("deviceadded", resolve));
  await client.startScanning();
  /** @type {import("plugwire").PlugwireDevice} */
  const lush = await added;
  await lush.vibrate(0.5);
  await lush.stop();
  console.log(`${lush.name} received: ${(await client.simulation.writes("AA:00:00:00:00:01")).join(" ")}`);
} finally {
  await client.close();
}
