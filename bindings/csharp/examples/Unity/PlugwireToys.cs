// A Unity component: connects to the embedded server when the scene starts, raises the
// client's events on the main thread from Update (pull mode), vibrates every toy found
// while the space bar is held, and disposes the client (stopping the toys) when destroyed.
// The package's PlugwireUnityLifecycle shuts the library down when play mode ends, so the
// editor never keeps the library's threads.
#if UNITY_5_3_OR_NEWER
using System;
using Plugwire;
using UnityEngine;

public class PlugwireToys : MonoBehaviour
{
    public bool simulated = true;      // simulated toys in the editor; Bluetooth LE otherwise
    PlugwireClient client;
    bool wasHeld;

    async void Start()
    {
        client = new PlugwireClient(Application.productName, pullMode: true);
        client.DeviceAdded += (s, e) => Debug.Log("plugwire: found " + e.Device.Name);
        client.DeviceRemoved += (s, e) => Debug.Log("plugwire: lost " + e.Device.Name);
        client.ErrorReceived += (s, e) => Debug.LogWarning("plugwire: " + e.Exception.Message);
        var options = new EmbeddedOptions { BluetoothLE = !simulated };
        if (simulated) options.WithSimulatedDevices("LVS-Lush");
        try
        {
            await client.ConnectEmbeddedAsync(options);
            await client.StartScanningAsync();
        }
        catch (Exception e)
        {
            Debug.LogWarning("plugwire: " + e.Message);
        }
    }

    void Update()
    {
        if (client == null) return;
        client.PollEvents();               // events raised here, on the main thread
        bool held = Input.GetKey(KeyCode.Space);
        if (held == wasHeld) return;
        wasHeld = held;
        foreach (var toy in client.Devices)
        {
            if (toy.HasOutput(OutputType.Vibrate)) Forget(toy.VibrateAsync(held ? 0.5 : 0));
        }
    }

    static async void Forget(System.Threading.Tasks.Task task)
    {
        try { await task; }
        catch (Exception e) { Debug.LogWarning("plugwire: " + e.Message); }
    }

    void OnDestroy()
    {
        if (client != null) client.CloseAsync();   // stops the toys; never blocks the main thread
        client = null;
    }
}
#endif
