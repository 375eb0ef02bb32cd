// The one file that knows the C ABI (include/plugwire.h): P/Invoke declarations, the
// static callbacks native code calls, the client SafeHandle and the library check. When
// an ABI signature changes, this is the file to adapt.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.ConstrainedExecution;
using System.Runtime.InteropServices;
using System.Threading;
using Plugwire.Proto;

namespace Plugwire
{
    /// <summary>
    /// Marks a static method that native code calls through a function pointer. IL2CPP
    /// (Unity's ahead-of-time compiler) recognises this attribute by its name and generates
    /// the reverse P/Invoke wrapper; Mono and .NET ignore it. Defined here so the binding
    /// needs no Unity assembly.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type delegateType) { DelegateType = delegateType; }
        public Type DelegateType { get; private set; }
    }

    /// <summary>PlugwireStatus of include/plugwire.h.</summary>
    internal enum NativeStatus
    {
        Ok = 0,
        NullArgument = 1,
        InvalidArgument = 2,
        Panic = 3,
        ShutDown = 4,
        Timeout = 5,
        ClientClosed = 6,
        RuntimeFailed = 7,
    }

    /// <summary>PlugwireCallback: void (*)(void *user_data, const uint8_t *data, size_t len).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void NativeCallback(IntPtr userData, IntPtr data, UIntPtr len);

    /// <summary>PlugwireClosedCallback: void (*)(void *user_data), the completion of plugwire_client_close.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void NativeClosedCallback(IntPtr userData);

    /// <summary>
    /// A PlugwireClient* owned by the binding; released with plugwire_client_free, or with
    /// plugwire_client_close when <see cref="CloseContext"/> is set (CloseAsync).
    /// </summary>
    internal sealed class ClientSafeHandle : SafeHandle
    {
        public ClientSafeHandle() : base(IntPtr.Zero, true) { }

        /// <summary>
        /// Set (once, before Dispose) to release with the non-blocking plugwire_client_close:
        /// the GCHandle of the object whose OnNativeClosed the library calls last.
        /// </summary>
        internal IntPtr CloseContext;

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        // Called by Dispose (the binding only disposes it from PlugwireClient.Dispose or the
        // background closer, never on the finalizer thread: the client context roots it).
        // plugwire_client_free stops the toys and waits for a running callback; it is
        // safe from any thread, including a callback thread.
        [ReliabilityContract(Consistency.WillNotCorruptState, Cer.Success)]
        protected override bool ReleaseHandle()
        {
            // Release runs when the last call holding the handle returns (a request on
            // another thread), so the library never sees the handle after close.
            if (CloseContext != IntPtr.Zero)
            {
                if (Native.plugwire_client_close(handle, Native.ClosedCallback, CloseContext) == (int)NativeStatus.Ok) return true;
                // Not closed (only a panic in the library does that): complete anyway.
                Native.ClosedCallback(CloseContext);
                return false;
            }
            return Native.plugwire_client_free(handle) == (int)NativeStatus.Ok;
        }
    }

    internal static class Native
    {
#if (UNITY_IOS || UNITY_WEBGL) && !UNITY_EDITOR
        // Statically linked into the player.
        internal const string Library = "__Internal";
#else
        // libplugwire.so, plugwire.dll, libplugwire.dylib.
        internal const string Library = "plugwire";
#endif
        internal const uint AbiVersion = 1;

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr plugwire_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint plugwire_abi_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr plugwire_last_error_message();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int plugwire_client_new(NativeCallback eventCallback, IntPtr eventUserData, out ClientSafeHandle client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int plugwire_client_request(ClientSafeHandle client, byte[] request, UIntPtr requestLen, NativeCallback replyCallback, IntPtr replyUserData);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int plugwire_client_next_event(ClientSafeHandle client, uint timeoutMs, out IntPtr evt, out UIntPtr len);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int plugwire_buffer_free(IntPtr buffer, UIntPtr len);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int plugwire_client_free(IntPtr client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int plugwire_client_close(IntPtr client, NativeClosedCallback onClosed, IntPtr userData);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int plugwire_shutdown(uint timeoutMs);

        // Kept in static fields for the life of the domain: native code may hold these
        // function pointers, so they must never be collected. One per native signature.
        internal static readonly NativeCallback ReplyCallback = OnReply;
        internal static readonly NativeCallback EventCallback = OnEvent;
        internal static readonly NativeClosedCallback ClosedCallback = OnClosed;

        private static int s_loaded; // 0 unknown, 1 checked

        /// <summary>plugwire_client_close calls whose completion has not run yet.</summary>
        private static int s_closing;

        /// <summary>Before a plugwire_client_close: its completion is owed.</summary>
        internal static void CloseStarted()
        {
            Interlocked.Increment(ref s_closing);
        }

        /// <summary>
        /// Waits (at most this long) until every plugwire_client_close has made its
        /// completion callback: at exit and before the host unloads the code, so no
        /// completion enters a runtime that is gone.
        /// </summary>
        internal static void WaitForCloses(uint timeoutMs)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (Volatile.Read(ref s_closing) > 0 && watch.ElapsedMilliseconds < timeoutMs) Thread.Sleep(5);
        }

        /// <summary>Live GCHandles the binding allocated (contexts for native code); for tests.</summary>
        internal static int LiveContexts;

        internal static IntPtr NewContext(object target)
        {
            Interlocked.Increment(ref LiveContexts);
            return GCHandle.ToIntPtr(GCHandle.Alloc(target, GCHandleType.Normal));
        }

        internal static object ContextTarget(IntPtr context)
        {
            return GCHandle.FromIntPtr(context).Target;
        }

        internal static void FreeContext(IntPtr context)
        {
            GCHandle.FromIntPtr(context).Free();
            Interlocked.Decrement(ref LiveContexts);
        }

        internal static byte[] Copy(IntPtr data, UIntPtr len)
        {
            ulong n = len.ToUInt64();
            if (n > int.MaxValue) throw new OverflowException("buffer too large");
            var bytes = new byte[(int)n];
            if (n > 0) Marshal.Copy(data, bytes, 0, (int)n);
            return bytes;
        }

        internal static string Utf8(IntPtr s)
        {
            if (s == IntPtr.Zero) return "";
            int len = 0;
            while (Marshal.ReadByte(s, len) != 0) len++;
            var bytes = new byte[len];
            Marshal.Copy(s, bytes, 0, len);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        internal static string LastError()
        {
            return Utf8(plugwire_last_error_message());
        }

        // Native code calls these on a client's callback thread. Nothing here may throw
        // into native frames, and no user code runs here: replies complete tasks whose
        // continuations run asynchronously, events are queued for the client's dispatcher.
        [MonoPInvokeCallback(typeof(NativeCallback))]
        private static void OnReply(IntPtr userData, IntPtr data, UIntPtr len)
        {
            try
            {
                HandleReply(userData, data, len);
            }
            catch (Exception e)
            {
                Diagnostics.Report("reply callback", e);
            }
        }

        [MonoPInvokeCallback(typeof(NativeCallback))]
        private static void OnEvent(IntPtr userData, IntPtr data, UIntPtr len)
        {
            try
            {
                HandleEvent(userData, data, len);
            }
            catch (Exception e)
            {
                Diagnostics.Report("event callback", e);
            }
        }

        // The completion of plugwire_client_close: the client's last callback, on the
        // library's plugwire-close thread.
        [MonoPInvokeCallback(typeof(NativeClosedCallback))]
        private static void OnClosed(IntPtr userData)
        {
            try
            {
                var closing = ContextTarget(userData) as ClientCore.Closing;
                FreeContext(userData);
                if (closing != null) closing.Done();
            }
            catch (Exception e)
            {
                Diagnostics.Report("close callback", e);
            }
            finally
            {
                Interlocked.Decrement(ref s_closing);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void HandleReply(IntPtr userData, IntPtr data, UIntPtr len)
        {
            // The work is handed to the thread pool: the library's callback thread (which
            // Mono scans conservatively for as long as the client lives) then never holds
            // a reference to the task's continuation, so an abandoned client can still be
            // collected.
            var pending = ContextTarget(userData) as PendingRequest;
            if (pending != null) pending.CompleteLater(Copy(data, len));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void HandleEvent(IntPtr userData, IntPtr data, UIntPtr len)
        {
            var core = ContextTarget(userData) as ClientCore;
            if (core != null) core.OnNativeEventLater(Copy(data, len));
        }


        /// <summary>
        /// Loads the native library and checks its ABI version once; throws
        /// <see cref="PlugwireLibraryNotFoundException"/> naming what was searched.
        /// </summary>
        internal static void EnsureLoaded()
        {
            if (Volatile.Read(ref s_loaded) == 1) return;
            uint abi;
            try
            {
                abi = plugwire_abi_version();
            }
            catch (DllNotFoundException e)
            {
                throw new PlugwireLibraryNotFoundException(SearchDescription(), e);
            }
            catch (EntryPointNotFoundException e)
            {
                throw new PlugwireLibraryNotFoundException(
                    "a library named plugwire was found but it does not export plugwire_abi_version (not plugwire?). " + SearchDescription(), e);
            }
            if (abi != AbiVersion)
            {
                throw new PlugwireException(ErrorCode.Unsupported, ErrorCategory.Request,
                    "the native plugwire library implements ABI version " + abi + " but this binding needs " + AbiVersion);
            }
            if (Interlocked.Exchange(ref s_exitHooked, 1) == 0)
            {
                // A client still open when the process exits (or the domain unloads) would
                // otherwise be freed by its SafeHandle's critical finalizer during runtime
                // shutdown, when its callback thread can no longer enter managed code: the
                // process would hang. Shutting the library down first stops the toys, closes
                // every client and ends the library's threads within the timeout.
                AppDomain.CurrentDomain.ProcessExit += OnExit;
                AppDomain.CurrentDomain.DomainUnload += OnExit;
            }
            Volatile.Write(ref s_loaded, 1);
        }

        private static int s_exitHooked;

        /// <summary>How long shutting down at process exit may take.</summary>
        internal const uint ExitTimeoutMs = 1500;

        private static void OnExit(object sender, EventArgs e)
        {
            try
            {
                plugwire_shutdown(ExitTimeoutMs);
                WaitForCloses(ExitTimeoutMs);
            }
            catch
            {
                // Exiting: nothing more can be done.
            }
        }

        internal static string SearchDescription()
        {
            string names = Library == "__Internal"
                ? "the plugwire symbols linked into the executable (__Internal)"
                : "libplugwire.so (Linux), plugwire.dll (Windows), libplugwire.dylib (macOS)";
            string baseDir = AppDomain.CurrentDomain.BaseDirectory;
            return "The native plugwire library could not be loaded. Searched for " + names +
                " by the name \"" + Library + "\" in the application folder (" + baseDir +
                "), runtimes/<rid>/native/ beside it (NuGet), Assets/Plugins (Unity) and the system's library path (" +
                "LD_LIBRARY_PATH=" + (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "") +
                "; DYLD_LIBRARY_PATH=" + (Environment.GetEnvironmentVariable("DYLD_LIBRARY_PATH") ?? "") +
                "; PATH on Windows). Build it with `cargo build --lib` and put it on one of these paths.";
        }
    }

    /// <summary>Where failures inside callbacks go (they must never reach native code).</summary>
    internal static class Diagnostics
    {
        internal static void Report(string where, Exception e)
        {
            try
            {
                Console.Error.WriteLine("plugwire: exception in " + where + " (ignored): " + e);
            }
            catch
            {
                // Nothing else can be done without risking the host.
            }
        }
    }
}
