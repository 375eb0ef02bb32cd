using System;
using Plugwire.Proto;

namespace Plugwire
{
    /// <summary>
    /// A failure reported by plugwire: <see cref="Code"/> and <see cref="Category"/> are the
    /// ABI's stable ErrorCode and ErrorCategory. Subclasses group the codes:
    /// <see cref="PlugwireRequestException"/> (the request was wrong),
    /// <see cref="PlugwireConnectionException"/> (not connected, connection failed or lost),
    /// <see cref="PlugwireServerException"/> (the server refused it),
    /// <see cref="PlugwireDeviceException"/> (unknown device, the device failed).
    /// </summary>
    public class PlugwireException : Exception
    {
        public PlugwireException(ErrorCode code, ErrorCategory category, string message)
            : base(message)
        {
            Code = code;
            Category = category;
        }

        public PlugwireException(ErrorCode code, ErrorCategory category, string message, Exception inner)
            : base(message, inner)
        {
            Code = code;
            Category = category;
        }

        public ErrorCode Code { get; private set; }
        public ErrorCategory Category { get; private set; }

        /// <summary>The exception for an Error reply or event.</summary>
        public static PlugwireException FromError(Error e)
        {
            string message = string.IsNullOrEmpty(e.Message) ? e.Code.ToString() : e.Message;
            switch (e.Code)
            {
                case ErrorCode.NotConnected:
                    return new PlugwireNotConnectedException(e.Category, message);
                case ErrorCode.ConnectionFailed:
                case ErrorCode.EventsDropped:
                    return new PlugwireConnectionException(e.Code, e.Category, message);
                case ErrorCode.ServerPing:
                    return new PlugwirePingException(e.Category, message);
                case ErrorCode.UnknownDevice:
                    return new PlugwireUnknownDeviceException(e.Category, message);
                case ErrorCode.ServerDevice:
                    return new PlugwireDeviceException(e.Code, e.Category, message);
                case ErrorCode.ServerUnknown:
                case ErrorCode.ServerHandshake:
                case ErrorCode.ServerMessage:
                    return new PlugwireServerException(e.Code, e.Category, message);
                case ErrorCode.InvalidArgument:
                    return new PlugwireInvalidArgumentException(e.Category, message);
                case ErrorCode.InvalidRequest:
                case ErrorCode.AlreadyConnected:
                case ErrorCode.NoSimulatedHardware:
                case ErrorCode.Unsupported:
                case ErrorCode.Configuration:
                case ErrorCode.PlaybackInvalid:
                case ErrorCode.PlaybackUnknown:
                case ErrorCode.PlaybackBusy:
                case ErrorCode.PlaybackUnavailable:
                    return new PlugwireRequestException(e.Code, e.Category, message);
                case ErrorCode.Internal:
                    return new PlugwireInternalException(e.Category, message);
                default:
                    return new PlugwireException(e.Code, e.Category, message);
            }
        }
    }

    /// <summary>A bug inside the library (it caught a panic, ErrorCode.Internal); the request
    /// may not have been carried out.</summary>
    public class PlugwireInternalException : PlugwireException
    {
        public PlugwireInternalException(ErrorCategory category, string message)
            : base(ErrorCode.Internal, category, message) { }
    }

    /// <summary>The request was wrong (invalid, unsupported, already connected, bad configuration...).</summary>
    public class PlugwireRequestException : PlugwireException
    {
        public PlugwireRequestException(ErrorCode code, ErrorCategory category, string message)
            : base(code, category, message) { }
    }

    /// <summary>A value, index or name out of range (ErrorCode.InvalidArgument).</summary>
    public class PlugwireInvalidArgumentException : PlugwireRequestException
    {
        public PlugwireInvalidArgumentException(ErrorCategory category, string message)
            : base(ErrorCode.InvalidArgument, category, message) { }
    }

    /// <summary>The connection failed, is gone, or was never made.</summary>
    public class PlugwireConnectionException : PlugwireException
    {
        public PlugwireConnectionException(ErrorCode code, ErrorCategory category, string message)
            : base(code, category, message) { }
    }

    /// <summary>The client is not connected (ErrorCode.NotConnected).</summary>
    public class PlugwireNotConnectedException : PlugwireConnectionException
    {
        public PlugwireNotConnectedException(ErrorCategory category, string message)
            : base(ErrorCode.NotConnected, category, message) { }
    }

    /// <summary>The server's ping watchdog ended the session (ErrorCode.ServerPing).</summary>
    public class PlugwirePingException : PlugwireConnectionException
    {
        public PlugwirePingException(ErrorCategory category, string message)
            : base(ErrorCode.ServerPing, category, message) { }
    }

    /// <summary>The Buttplug server refused or failed the request.</summary>
    public class PlugwireServerException : PlugwireException
    {
        public PlugwireServerException(ErrorCode code, ErrorCategory category, string message)
            : base(code, category, message) { }
    }

    /// <summary>A device failed or refused the command.</summary>
    public class PlugwireDeviceException : PlugwireException
    {
        public PlugwireDeviceException(ErrorCode code, ErrorCategory category, string message)
            : base(code, category, message) { }
    }

    /// <summary>No device at that index (ErrorCode.UnknownDevice), e.g. it was removed.</summary>
    public class PlugwireUnknownDeviceException : PlugwireDeviceException
    {
        public PlugwireUnknownDeviceException(ErrorCategory category, string message)
            : base(ErrorCode.UnknownDevice, category, message) { }
    }

    /// <summary>A status from the ABI itself (not an Error reply): the library was shut down, panicked, could not start.</summary>
    public class PlugwireNativeException : PlugwireException
    {
        internal PlugwireNativeException(int status, string message)
            : base(ErrorCode.Unspecified, ErrorCategory.Unspecified, message)
        {
            Status = status;
        }

        /// <summary>The PlugwireStatus value the call returned.</summary>
        public int Status { get; private set; }

        internal static Exception FromStatus(int status, string operation)
        {
            string detail = Native.LastError();
            string text = operation + " failed (" + (NativeStatus)status + ")" + (detail.Length > 0 ? ": " + detail : "");
            if (status == (int)NativeStatus.ClientClosed) return new ObjectDisposedException("PlugwireClient", text);
            if (status == (int)NativeStatus.ShutDown) return new PlugwireShutDownException(text);
            return new PlugwireNativeException(status, text);
        }
    }

    /// <summary>The library was shut down (PlugwireLibrary.Shutdown); dispose the client.</summary>
    public class PlugwireShutDownException : PlugwireNativeException
    {
        internal PlugwireShutDownException(string message) : base((int)NativeStatus.ShutDown, message) { }
    }

    /// <summary>The native library could not be loaded; the message says what was searched.</summary>
    public class PlugwireLibraryNotFoundException : DllNotFoundException
    {
        public PlugwireLibraryNotFoundException(string message, Exception inner) : base(message, inner) { }
    }
}
