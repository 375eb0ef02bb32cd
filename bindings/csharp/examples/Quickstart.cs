// Quickstart: an embedded server with two simulated Lovense toys; scan, vibrate, rotate,
// read a battery, stop, and print the bytes each toy received.
//
//   mcs -r:Plugwire.dll Quickstart.cs && LD_LIBRARY_PATH=<folder of libplugwire.so> mono Quickstart.exe
using System;
using System.Linq;
using System.Threading.Tasks;
using Plugwire;

public static class Quickstart
{
    public static int Main()
    {
        return Run().GetAwaiter().GetResult();
    }

    static async Task<int> Run()
    {
        Console.WriteLine("plugwire " + PlugwireLibrary.Version);
        using (var client = new PlugwireClient("quickstart"))
        {
            client.DeviceAdded += (s, e) => Console.WriteLine("device added: " + e.Device);
            client.ErrorReceived += (s, e) => Console.WriteLine("error: " + e.Exception.Message);

            var options = new EmbeddedOptions();
            options.SimulatedDevices.Add(new SimulatedDeviceOptions("LVS-Lush") { Address = "lush-1" });
            options.SimulatedDevices.Add(new SimulatedDeviceOptions("LVS-Nora") { Address = "nora-1", BatteryLevel = 80 });
            await client.ConnectEmbeddedAsync(options);
            await client.StartScanningAsync();
            while (client.Devices.Length < 2) await Task.Delay(10);
            await client.StopScanningAsync();

            foreach (var device in client.Devices)
            {
                if (device.HasOutput(OutputType.Vibrate)) await device.VibrateAsync(0.5);
                if (device.HasOutput(OutputType.Rotate)) await device.RotateAsync(-0.25);
                if (device.HasInput(InputType.Battery))
                    Console.WriteLine(device.Name + " battery: " + (await device.BatteryAsync()).ToString("P0"));
            }
            await client.StopAllDevicesAsync();

            Console.WriteLine("What each toy received:");
            foreach (var address in new[] { "lush-1", "nora-1" })
            {
                var log = await client.Simulation.WriteLogAsync(address);
                Console.WriteLine("  " + address + ": " + string.Join(" ", log.Where(r => r.Kind == RecordKind.Write).Select(r => r.Text)));
            }
        }
        Console.WriteLine("every toy stopped, client disposed");
        return 0;
    }
}
