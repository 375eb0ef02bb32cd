// Quickstart (JavaScript, CommonJS): vibrate a simulated Lovense Lush.
//
//   node examples/quickstart.cjs
const { PlugwireClient, PlugwireError } = require("plugwire");

async function main() {
  const client = new PlugwireClient("quickstart-cjs");
  try {
    await client.connectEmbedded({ simulatedDevices: ["LVS-Lush@AA:00:00:00:00:01"] });
    const added = new Promise((resolve) => client.once("deviceadded", resolve));
    await client.startScanning();
    /** @type {import("plugwire").PlugwireDevice} */
    const lush = await added;
    await lush.vibrate(0.25);
    try {
      await lush.vibrate(2); // out of range: the library refuses it
    } catch (e) {
      if (!(e instanceof PlugwireError)) throw e;
      console.log(`refused: ${e.name}`);
    }
    await lush.stop();
    console.log(`${lush.name} received: ${(await client.simulation.writes("AA:00:00:00:00:01")).join(" ")}`);
  } finally {
    await client.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
