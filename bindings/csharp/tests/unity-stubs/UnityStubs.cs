// Stand-ins with the signatures of the few Unity APIs src/Unity/ uses, so run-tests.sh can
// compile the Unity lifecycle helper (with UNITY_5_3_OR_NEWER and UNITY_EDITOR defined)
// without Unity. Signatures only: nothing here runs.
using System;

namespace UnityEngine
{
    public enum RuntimeInitializeLoadType { AfterSceneLoad, BeforeSceneLoad }

    [AttributeUsage(AttributeTargets.Method)]
    public sealed class RuntimeInitializeOnLoadMethodAttribute : Attribute
    {
        public RuntimeInitializeOnLoadMethodAttribute(RuntimeInitializeLoadType loadType) { }
    }

    public static class Application
    {
        public static event Action quitting { add { } remove { } }
        public static string productName { get { return ""; } }
    }

    public static class Debug
    {
        public static void Log(object message) { }
        public static void LogWarning(object message) { }
    }

    public class MonoBehaviour { }

    public enum KeyCode { Space = 32 }

    public static class Input
    {
        public static bool GetKey(KeyCode key) { return false; }
    }
}

namespace UnityEditor
{
    public enum PlayModeStateChange { EnteredEditMode, ExitingEditMode, EnteredPlayMode, ExitingPlayMode }

    [AttributeUsage(AttributeTargets.Method)]
    public sealed class InitializeOnLoadMethodAttribute : Attribute { }

    public static class EditorApplication
    {
        public static event Action<PlayModeStateChange> playModeStateChanged { add { } remove { } }
    }

    public static class AssemblyReloadEvents
    {
        public delegate void AssemblyReloadCallback();
        public static event AssemblyReloadCallback beforeAssemblyReload { add { } remove { } }
    }
}
