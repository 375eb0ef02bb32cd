using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Plugwire.Proto;

namespace Plugwire
{
    /// <summary>Waiting for a task with a CancellationToken (netstandard2.0 has no Task.WaitAsync).</summary>
    internal static class Cancellation
    {
        /// <summary>
        /// The task's result, or OperationCanceledException once the token is cancelled
        /// first. The task itself goes on; its outcome is observed and dropped.
        /// </summary>
        internal static async Task<T> Wait<T>(Task<T> task, CancellationToken token)
        {
            if (!token.CanBeCanceled || task.IsCompleted) return await task.ConfigureAwait(false);
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(Signal, cancelled))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    ObserveLater(task);
                    throw new OperationCanceledException(token);
                }
            }
            return await task.ConfigureAwait(false);
        }

        private static void Signal(object state) { ((TaskCompletionSource<bool>)state).TrySetResult(true); }

        private static void Observe(Task t) { GC.KeepAlive(t.Exception); }

        /// <summary>Marks a fault of an abandoned task observed (no UnobservedTaskException).</summary>
        private static void ObserveLater(Task task)
        {
            task.ContinueWith(Observe, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously).GetType();
        }
    }

    /// <summary>A request waiting for its reply callback; its GCHandle is the native user_data.</summary>
    internal sealed class PendingRequest
    {
        private readonly ClientCore _core;
        private readonly TaskCompletionSource<Reply> _tcs =
            new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        internal IntPtr Context;

        internal PendingRequest(ClientCore core) { _core = core; }

        internal Task<Reply> Task { get { return _tcs.Task; } }

        /// <summary>On the callback thread: completes the task on the core's inbox, in order.</summary>
        internal void CompleteLater(byte[] bytes)
        {
            _core.Inbox.Post(new ReplyWork(this, bytes).Run);
        }

        private sealed class ReplyWork
        {
            private readonly PendingRequest _pending;
            private readonly byte[] _bytes;
            internal ReplyWork(PendingRequest pending, byte[] bytes) { _pending = pending; _bytes = bytes; }
            internal void Run() { _pending.Complete(_bytes); }
        }

        /// <summary>Decodes the reply and completes the task.</summary>
        internal void Complete(byte[] bytes)
        {
            if (!_core.Forget(this)) return;
            try
            {
                _tcs.TrySetResult(Reply.Parse(bytes));
            }
            catch (Exception e)
            {
                _tcs.TrySetException(e);
            }
        }

        internal void Abandon(Exception e)
        {
            _tcs.TrySetException(e);
        }
    }

    /// <summary>
    /// The part of a client native code knows about: the handle, the pending requests and
    /// the event context. It never references the public <see cref="PlugwireClient"/>
    /// strongly, so a client nobody holds can be collected (its finalizer closes this).
    /// </summary>
    internal sealed class ClientCore
    {
        private readonly object _lock = new object();
        private readonly HashSet<PendingRequest> _pending = new HashSet<PendingRequest>();
        private readonly WeakReference _owner;
        private ClientSafeHandle _handle;
        private IntPtr _context;
        private bool _closed;
        internal readonly bool PullMode;

        internal ClientCore(PlugwireClient owner, bool pullMode)
        {
            Native.EnsureLoaded();
            _owner = new WeakReference(owner);
            PullMode = pullMode;
            // The context roots this core (and so the handle) until Close: the SafeHandle
            // is never finalized behind our back, and never on the finalizer thread.
            _context = Native.NewContext(this);
            ClientSafeHandle handle;
            int status = Native.plugwire_client_new(pullMode ? null : Native.EventCallback, _context, out handle);
            if (status != (int)NativeStatus.Ok)
            {
                Native.FreeContext(_context);
                _context = IntPtr.Zero;
                throw PlugwireNativeException.FromStatus(status, "plugwire_client_new");
            }
            _handle = handle;
        }

        internal bool IsClosed { get { lock (_lock) return _closed; } }

        internal Task<Reply> SendAsync(Request request)
        {
            byte[] bytes = request.ToByteArray();
            var pending = new PendingRequest(this);
            ClientSafeHandle handle;
            lock (_lock)
            {
                if (_closed) throw new ObjectDisposedException("PlugwireClient");
                pending.Context = Native.NewContext(pending);
                _pending.Add(pending);
                handle = _handle;
            }
            int status;
            try
            {
                // The SafeHandle parameter holds a reference for the call, so a concurrent
                // Dispose cannot free the native client under it.
                status = Native.plugwire_client_request(handle, bytes, (UIntPtr)bytes.Length, Native.ReplyCallback, pending.Context);
            }
            catch (ObjectDisposedException)
            {
                status = (int)NativeStatus.ClientClosed;
            }
            if (status != (int)NativeStatus.Ok)
            {
                var error = PlugwireNativeException.FromStatus(status, "plugwire_client_request");
                if (Forget(pending)) pending.Abandon(error);
                throw error;
            }
            return pending.Task;
        }

        /// <summary>Removes a pending request and frees its context; false if already done.</summary>
        internal bool Forget(PendingRequest pending)
        {
            lock (_lock)
            {
                if (!_pending.Remove(pending)) return false;
                Native.FreeContext(pending.Context);
                pending.Context = IntPtr.Zero;
                return true;
            }
        }

        /// <summary>
        /// Replies and events from the library's callback thread, handled in the order they
        /// came on the thread pool (see Native.HandleReply).
        /// </summary>
        internal readonly EventDispatcher Inbox = new EventDispatcher(null);

        /// <summary>On the callback thread (push mode).</summary>
        internal void OnNativeEventLater(byte[] bytes)
        {
            Inbox.Post(() => OnNativeEvent(bytes));
        }

        private void OnNativeEvent(byte[] bytes)
        {
            var owner = _owner.Target as PlugwireClient;
            if (owner == null) return;
            owner.OnEvent(Event.Parse(bytes), false);
        }

        /// <summary>Pull mode: takes the next queued event, or null.</summary>
        internal Event NextEvent(uint timeoutMs)
        {
            ClientSafeHandle handle;
            lock (_lock)
            {
                if (_closed) throw new ObjectDisposedException("PlugwireClient");
                handle = _handle;
            }
            IntPtr buffer;
            UIntPtr len;
            int status;
            try
            {
                status = Native.plugwire_client_next_event(handle, timeoutMs, out buffer, out len);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            if (status == (int)NativeStatus.Timeout || status == (int)NativeStatus.ClientClosed) return null;
            if (status != (int)NativeStatus.Ok) throw PlugwireNativeException.FromStatus(status, "plugwire_client_next_event");
            try
            {
                return Event.Parse(Native.Copy(buffer, len));
            }
            finally
            {
                Native.plugwire_buffer_free(buffer, len);
            }
        }

        /// <summary>
        /// Frees the native client (which stops the toys and waits for a running callback),
        /// then the contexts. When it returns no callback of this client runs again.
        /// Requests still pending fail with ObjectDisposedException.
        /// </summary>
        internal void Close()
        {
            ClientSafeHandle handle;
            lock (_lock)
            {
                if (_closed) return;
                _closed = true;
                handle = _handle;
            }
            handle.Dispose();
            FreeContexts(TakePending());
        }

        /// <summary>
        /// Closes without waiting (plugwire_client_close): requests still pending fail with
        /// ObjectDisposedException at once; the task completes on the thread pool after the
        /// library's last callback of this client, when the toys are stopped and every
        /// context is freed. Null if the client was already closed.
        /// </summary>
        internal Task CloseAsync()
        {
            ClientSafeHandle handle;
            lock (_lock)
            {
                if (_closed) return null;
                _closed = true;
                handle = _handle;
            }
            // Contexts a running callback may still look up are freed only in Done.
            List<PendingRequest> abandoned = TakePending();
            var closing = new Closing(this, abandoned);
            handle.CloseContext = Native.NewContext(closing);
            Native.CloseStarted();
            // Releases now, or when a request call still inside the library returns; the
            // release itself returns at once.
            handle.Dispose();
            foreach (var p in abandoned) p.Abandon(Disposed());
            return closing.Task;
        }

        private static ObjectDisposedException Disposed()
        {
            return new ObjectDisposedException("PlugwireClient", "the client was disposed before the reply came");
        }

        /// <summary>Empties the pending set (their replies will never be handled).</summary>
        private List<PendingRequest> TakePending()
        {
            lock (_lock)
            {
                var taken = new List<PendingRequest>(_pending);
                _pending.Clear();
                return taken;
            }
        }

        /// <summary>Frees the contexts of requests taken from the pending set, and the event
        /// context; fails their tasks. Only once no callback of the client can run.</summary>
        private void FreeContexts(List<PendingRequest> abandoned)
        {
            lock (_lock)
            {
                foreach (var p in abandoned)
                {
                    if (p.Context == IntPtr.Zero) continue;
                    Native.FreeContext(p.Context);
                    p.Context = IntPtr.Zero;
                }
                if (_context != IntPtr.Zero)
                {
                    Native.FreeContext(_context);
                    _context = IntPtr.Zero;
                }
            }
            foreach (var p in abandoned) p.Abandon(Disposed());
        }

        /// <summary>A close under way: its GCHandle is the on_closed context.</summary>
        internal sealed class Closing
        {
            private readonly ClientCore _core;
            private readonly List<PendingRequest> _abandoned;
            private readonly TaskCompletionSource<bool> _done =
                new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

            internal Closing(ClientCore core, List<PendingRequest> abandoned)
            {
                _core = core;
                _abandoned = abandoned;
            }

            internal Task Task { get { return _done.Task; } }

            /// <summary>On the library's close thread, after the client's last callback.</summary>
            internal void Done()
            {
                try
                {
                    _core.FreeContexts(_abandoned);
                }
                finally
                {
                    _done.TrySetResult(true);
                }
            }
        }

        /// <summary>For the finalizer: closes on a background thread, never blocking the finalizer thread.</summary>
        internal void CloseInBackground()
        {
            try
            {
                ThreadPool.QueueUserWorkItem(state => ((ClientCore)state).CloseQuietly(), this);
            }
            catch
            {
                // Shutting down: the process is ending anyway.
            }
        }

        private void CloseQuietly()
        {
            try
            {
                Close();
            }
            catch (Exception e)
            {
                Diagnostics.Report("closing a collected client", e);
            }
        }
    }

    /// <summary>
    /// Raises a client's events in order: on the SynchronizationContext captured when the
    /// client was made, else on one thread-pool work item at a time.
    /// </summary>
    internal sealed class EventDispatcher
    {
        private readonly SynchronizationContext _context;
        private readonly Queue<Action> _queue = new Queue<Action>();
        private bool _draining;

        internal EventDispatcher(SynchronizationContext context) { _context = context; }

        internal void Post(Action action)
        {
            if (_context != null)
            {
                _context.Post(state => ((Action)state)(), action);
                return;
            }
            lock (_queue)
            {
                _queue.Enqueue(action);
                if (_draining) return;
                _draining = true;
            }
            ThreadPool.QueueUserWorkItem(_ => Drain());
        }

        private void Drain()
        {
            while (true)
            {
                Action next;
                lock (_queue)
                {
                    if (_queue.Count == 0)
                    {
                        _draining = false;
                        return;
                    }
                    next = _queue.Dequeue();
                }
                next();
            }
        }
    }
}
