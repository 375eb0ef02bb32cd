// Interop: the official Buttplug JS client (npm `buttplug`, spec v4) against
// `plugwire serve`. Usage: node client.mjs ws://127.0.0.1:PORT
// Scans, finds the simulated Nora, vibrates and rotates it, reads its battery, stops it
// and disconnects. Exits non-zero on any failure. (hasOutput needs Node 22: not used.)
import { ButtplugClient, ButtplugNodeWebsocketClientConnector, DeviceOutput } from 'buttplug';

const url = process.argv[2];
const client = new ButtplugClient('plugwire interop (js)');
const fail = (why) => { console.error(`FAIL: ${why}`); process.exit(1); };
const timer = setTimeout(() => fail('timed out'), 20000);

await client.connect(new ButtplugNodeWebsocketClientConnector(url));
const found = new Promise((resolve) => client.on('deviceadded', resolve));
await client.startScanning();
const device = await found;
console.log(`found ${device.name} (index ${device.index})`);
if (device.name !== 'Lovense Nora') fail(`unexpected device ${device.name}`);
await device.runOutput(DeviceOutput.Vibrate.percent(0.5));
await device.runOutput(DeviceOutput.Rotate.value(-5));
const battery = await device.battery();
console.log(`battery ${battery}`);
// The v4 JS client reports the battery reading as the server sends it (percent).
if (battery !== 90) fail(`battery ${battery}`);
await device.stop();
await client.disconnect();
clearTimeout(timer);
console.log('js interop ok');
