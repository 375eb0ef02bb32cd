// Unity only (compiled when the sources are in a Unity project, e.g. from the UPM package;
// UNITY_5_3_OR_NEWER is defined by every Unity version this supports).
//
// The library's threads must not outlive play mode in the editor: leaving play mode does
// not unload native plugins, and a domain reload (after a script change) throws away the
// managed side while native threads could still call into it. This helper calls
// plugwire_shutdown (PlugwireLibrary.Shutdown) when play mode ends, before an assembly
// reload, when the application quits and when the domain unloads. It installs itself
// before the first scene loads; nothing to add to a scene.
//
// Example component (see README.md):
//
//   public class Toys : MonoBehaviour
//   {
//       PlugwireClient client;
//       async void Start()
//       {
//           client = new PlugwireClient("my game", pullMode: true);
//           client.DeviceAdded += (s, e) => Debug.Log("toy: " + e.Device.Name);
//           await client.ConnectEmbeddedAsync(new EmbeddedOptions { BluetoothLE = true });
//           await client.StartScanningAsync();
//       }
//       void Update() { client?.PollEvents(); }   // events raised here, on the main thread
//       void OnDestroy() { client?.CloseAsync(); } // stops the toys without blocking
//   }
#if UNITY_5_3_OR_NEWER
using System;
using UnityEngine;

namespace Plugwire.Unity
{
    public static class PlugwireUnityLifecycle
    {
        /// <summary>How long plugwire_shutdown may wait for the library's threads.</summary>
        public const uint ShutdownTimeoutMs = 2000;

        private static bool s_installed;

#if UNITY_EDITOR
        // Also in edit mode (editor scripts may use the library without entering play mode).
        [UnityEditor.InitializeOnLoadMethod]
        private static void InstallInEditor()
        {
            Install();
        }
#endif

        [RuntimeInitializeOnLoadMethod(RuntimeInitializeLoadType.BeforeSceneLoad)]
        private static void Install()
        {
            if (s_installed) return;
            s_installed = true;
            Application.quitting += Shutdown;
            AppDomain.CurrentDomain.DomainUnload += (s, e) => Shutdown();
#if UNITY_EDITOR
            UnityEditor.EditorApplication.playModeStateChanged += state =>
            {
                if (state == UnityEditor.PlayModeStateChange.ExitingPlayMode) Shutdown();
            };
            UnityEditor.AssemblyReloadEvents.beforeAssemblyReload += Shutdown;
#endif
        }

        /// <summary>Stops every toy and ends the library's threads (clients must still be disposed).</summary>
        public static void Shutdown()
        {
            try
            {
                PlugwireLibrary.Shutdown(ShutdownTimeoutMs);
            }
            catch (Exception e)
            {
                Debug.LogWarning("plugwire: shutdown failed: " + e.Message);
            }
        }
    }
}
#endif
