"""The C ABI through ctypes: finding and loading the library, and routing its callbacks.

Callbacks: the library calls back on each client's own callback thread (and logs from any
of its threads). One module-level CFUNCTYPE object per signature is created once and
never freed, so the library can never call a collected trampoline. The ``user_data`` the
library hands back is a plain integer context id, looked up in a registry:

* a reply context is registered for exactly one reply and removed *inside* the callback
  (the library calls each reply callback at most once, and never after its client is
  freed: ``NativeClient.free`` drops the contexts that will never be answered);
* an event context lives as long as its native client.

Nothing here touches asyncio: handlers are plain callables run on the library's callback
thread; the asyncio layer hands work to its loop with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import atexit
import ctypes
import itertools
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Callable, Optional

from .errors import (
    ClientClosedError,
    LibraryNotFoundError,
    NativeError,
    Status,
    error_from_status,
)

ABI_VERSION = 1

_log = logging.getLogger("plugwire")
_native_log = logging.getLogger("plugwire.native")

# void (*)(void *user_data, const uint8_t *data, size_t len)
CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
# void (*)(void *user_data): the completion of plugwire_client_close
CLOSED_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
# void (*)(void *user_data, PlugwireLogLevel level, const char *message)
LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)

Handler = Callable[[bytes], None]


def _library_names() -> list[str]:
    if sys.platform == "win32":
        return ["plugwire.dll"]
    if sys.platform == "darwin":
        return ["libplugwire.dylib"]
    return ["libplugwire.so"]


PACKAGE_DIR = Path(__file__).resolve().parent


def candidate_paths() -> list[Path]:
    """Where the library is looked for, in order: ``$PLUGWIRE_LIBRARY``, the library
    bundled in the package, then ``release`` and ``debug`` under ``$CARGO_TARGET_DIR`` and
    under the source checkout this package sits in (``bindings/python/../../target``), for
    development."""
    out: list[Path] = []
    env = os.environ.get("PLUGWIRE_LIBRARY")
    if env:
        out.append(Path(env))
    names = _library_names()
    out.extend(PACKAGE_DIR / n for n in names)
    repo = PACKAGE_DIR.parent.parent.parent
    targets = [repo / "target"]
    if os.environ.get("CARGO_TARGET_DIR"):
        targets.insert(0, Path(os.environ["CARGO_TARGET_DIR"]))
    for target in targets:
        for profile in ("release", "debug"):
            out.extend(target / profile / n for n in names)
    return out


class _Library:
    def __init__(self, path: Path) -> None:
        try:
            lib = ctypes.CDLL(str(path))
        except OSError as e:
            raise LibraryNotFoundError(f"cannot load the plugwire library {path}: {e}") from e
        self.path = path
        self.lib = lib
        c_void_p, c_int, c_size_t = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t

        lib.plugwire_version.argtypes = []
        lib.plugwire_version.restype = ctypes.c_char_p
        lib.plugwire_abi_version.argtypes = []
        lib.plugwire_abi_version.restype = ctypes.c_uint32
        lib.plugwire_last_error_message.argtypes = []
        lib.plugwire_last_error_message.restype = ctypes.c_char_p
        lib.plugwire_client_new.argtypes = [CALLBACK, c_void_p, ctypes.POINTER(c_void_p)]
        lib.plugwire_client_new.restype = c_int
        lib.plugwire_client_request.argtypes = [c_void_p, ctypes.c_char_p, c_size_t, CALLBACK, c_void_p]
        lib.plugwire_client_request.restype = c_int
        lib.plugwire_client_free.argtypes = [c_void_p]
        lib.plugwire_client_free.restype = c_int
        lib.plugwire_client_close.argtypes = [c_void_p, CLOSED_CALLBACK, c_void_p]
        lib.plugwire_client_close.restype = c_int
        lib.plugwire_set_log_callback.argtypes = [LOG_CALLBACK, c_void_p, ctypes.c_uint32]
        lib.plugwire_set_log_callback.restype = c_int
        lib.plugwire_set_log_level.argtypes = [ctypes.c_uint32]
        lib.plugwire_set_log_level.restype = c_int
        lib.plugwire_shutdown.argtypes = [ctypes.c_uint32]
        lib.plugwire_shutdown.restype = c_int

        abi = lib.plugwire_abi_version()
        if abi != ABI_VERSION:
            raise LibraryNotFoundError(
                f"{path} implements plugwire ABI {abi}; this package needs ABI {ABI_VERSION}"
            )

    def last_error(self) -> str:
        msg = self.lib.plugwire_last_error_message()
        return msg.decode("utf-8", errors="replace") if msg else ""

    def check(self, status: int, what: str) -> None:
        if status != Status.OK:
            detail = self.last_error()
            raise error_from_status(status, f"{what}: {detail}" if detail else what)


_library: Optional[_Library] = None
_library_lock = threading.Lock()


def library() -> _Library:
    """The loaded library (loaded on first use)."""
    global _library
    if _library is not None:
        return _library
    with _library_lock:
        if _library is None:
            env = os.environ.get("PLUGWIRE_LIBRARY")
            if env and not Path(env).is_file():
                raise LibraryNotFoundError(f"PLUGWIRE_LIBRARY={env} is not a file")
            tried = []
            for path in candidate_paths():
                if path.is_file():
                    _library = _Library(path)
                    _log.debug("loaded %s", path)
                    break
                tried.append(str(path))
            else:
                raise LibraryNotFoundError(
                    "the plugwire library was not found; set PLUGWIRE_LIBRARY to its path "
                    "(e.g. target/release/libplugwire.so after `cargo build --release`). Tried: "
                    + ", ".join(tried)
                )
    return _library


# ------------------------------------------------------------------------ callback routing

_ids = itertools.count(1)
_registry_lock = threading.Lock()
_replies: dict[int, Handler] = {}
_events: dict[int, Handler] = {}
_closers: dict[int, Callable[[], None]] = {}
# Closes started with plugwire_client_close whose completion has not run yet.
_closing_cv = threading.Condition()
_closing = 0
_in_callback = threading.local()


def in_library_callback() -> bool:
    """True on a library thread while it runs one of our callbacks."""
    return getattr(_in_callback, "depth", 0) > 0


def _run(handler: Handler, data: Optional[int], length: int) -> None:
    payload = ctypes.string_at(data, length) if length and data else b""
    _in_callback.depth = getattr(_in_callback, "depth", 0) + 1
    try:
        handler(payload)
    except BaseException:  # noqa: BLE001 - never let an exception reach the C caller
        _log.exception("exception in a plugwire callback handler")
    finally:
        _in_callback.depth -= 1


def _on_reply(user_data: Optional[int], data: Optional[int], length: int) -> None:
    with _registry_lock:
        handler = _replies.pop(user_data or 0, None)
    if handler is not None:
        _run(handler, data, length)


def _on_event(user_data: Optional[int], data: Optional[int], length: int) -> None:
    with _registry_lock:
        handler = _events.get(user_data or 0)
    if handler is not None:
        _run(handler, data, length)


def _on_closed(user_data: Optional[int]) -> None:
    global _closing
    with _registry_lock:
        done = _closers.pop(user_data or 0, None)
    try:
        if done is not None:
            done()
    except BaseException:  # noqa: BLE001 - never let an exception reach the C caller
        _log.exception("exception in a plugwire close completion")
    finally:
        if done is not None:
            with _closing_cv:
                _closing -= 1
                _closing_cv.notify_all()


_LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG, 5: logging.DEBUG}


def _on_log(_user_data: Optional[int], level: int, message: Optional[bytes]) -> None:
    try:
        text = message.decode("utf-8", errors="replace") if message else ""
        _native_log.log(_LEVELS.get(level, logging.INFO), "%s", text)
    except BaseException:  # noqa: BLE001
        pass


# Created once, never freed: the library may call them for as long as the process runs.
_REPLY_TRAMPOLINE = CALLBACK(_on_reply)
_EVENT_TRAMPOLINE = CALLBACK(_on_event)
_CLOSED_TRAMPOLINE = CLOSED_CALLBACK(_on_closed)
_LOG_TRAMPOLINE = LOG_CALLBACK(_on_log)


def pending_contexts() -> tuple[int, int]:
    """(reply contexts, event contexts) registered right now; for leak checks."""
    with _registry_lock:
        return len(_replies), len(_events)


# ------------------------------------------------------------------------------ clients

_live_lock = threading.Lock()
_live: set[NativeClient] = set()


class NativeClient:
    """One ``PlugwireClient`` handle. Thread-safe; knows nothing of asyncio.

    ``on_event`` runs on the library's callback thread with each encoded Event.
    """

    def __init__(self, on_event: Handler) -> None:
        self._lib = library()
        self._lock = threading.Lock()
        self._pending: dict[int, Callable[[BaseException], None]] = {}
        self._closed = False
        with _registry_lock:
            self._event_id = next(_ids)
            _events[self._event_id] = on_event
        handle = ctypes.c_void_p()
        status = self._lib.lib.plugwire_client_new(_EVENT_TRAMPOLINE, self._event_id, ctypes.byref(handle))
        if status != Status.OK:
            with _registry_lock:
                _events.pop(self._event_id, None)
            self._lib.check(status, "plugwire_client_new")
        self._handle: Optional[int] = handle.value
        with _live_lock:
            _live.add(self)

    @property
    def closed(self) -> bool:
        return self._closed

    def request(
        self, request: bytes, on_reply: Handler, on_dropped: Callable[[BaseException], None]
    ) -> None:
        """Sends an encoded Request. ``on_reply`` gets the encoded Reply on the callback
        thread; if the client is freed first, ``on_dropped`` gets a ClientClosedError."""
        with _registry_lock:
            rid = next(_ids)

        def reply(payload: bytes) -> None:
            with self._lock:
                self._pending.pop(rid, None)
            on_reply(payload)

        with self._lock:
            if self._closed or self._handle is None:
                raise ClientClosedError("the client is closed")
            self._pending[rid] = on_dropped
            with _registry_lock:
                _replies[rid] = reply
            # Under self._lock, so free() cannot run between the check and the call; the
            # call itself only queues the request and returns.
            status = self._lib.lib.plugwire_client_request(
                self._handle, request, len(request), _REPLY_TRAMPOLINE, rid
            )
            if status != Status.OK:
                self._pending.pop(rid, None)
                with _registry_lock:
                    _replies.pop(rid, None)
        if status != Status.OK:
            self._lib.check(status, "plugwire_client_request")

    def free(self) -> None:
        """Frees the handle: the library disconnects (stopping every device) and no
        callback of this client runs afterwards. Requests still in flight get
        ``on_dropped``. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            handle, self._handle = self._handle, None
        try:
            if handle is not None:
                # ctypes releases the GIL during the call, so a callback of this client
                # running on its thread can finish while we wait for it.
                status = self._lib.lib.plugwire_client_free(handle)
                if status != Status.OK:  # pragma: no cover - free only fails on a panic
                    _log.error("plugwire_client_free: %s", NativeError("failed", _enum_status(status)))
        finally:
            self._forget()

    def close(self, on_closed: Callable[[], None]) -> bool:
        """Releases the handle without waiting (``plugwire_client_close``): returns at
        once; requests in flight get ``on_dropped`` now and no event reaches the client's
        handler from now on. ``on_closed`` runs once, on a library thread, when the
        library has disconnected (stopping every device) and made its last callback of
        this client. False (and ``on_closed`` is never called) if already released."""
        global _closing
        with self._lock:
            if self._closed:
                return False
            self._closed = True
            handle, self._handle = self._handle, None
        with _registry_lock:
            cid = next(_ids)
            _closers[cid] = on_closed
        with _closing_cv:
            _closing += 1
        self._forget()
        status = self._lib.lib.plugwire_client_close(handle, _CLOSED_TRAMPOLINE, cid)
        if status != Status.OK:  # pragma: no cover - close only fails on a panic
            _log.error("plugwire_client_close: %s", NativeError("failed", _enum_status(status)))
            _on_closed(cid)
        return True

    def _forget(self) -> None:
        """Drops the client's contexts (its callbacks find nothing from now on) and tells
        the requests still in flight that they will never be answered."""
        with _registry_lock:
            _events.pop(self._event_id, None)
        with self._lock:
            dropped = list(self._pending.items())
            self._pending.clear()
        with _registry_lock:
            for rid, _ in dropped:
                _replies.pop(rid, None)
        with _live_lock:
            _live.discard(self)
        for _, on_dropped in dropped:
            try:
                on_dropped(ClientClosedError("the client was closed before the request finished"))
            except BaseException:  # noqa: BLE001
                _log.exception("exception while cancelling a request")


def _enum_status(status: int) -> Optional[Status]:
    try:
        return Status(status)
    except ValueError:
        return None


# Freeing from a library callback thread of *another* client would make that client's
# callbacks wait for our disconnect; such frees (from garbage collection) go to a reaper.
_reaper_lock = threading.Lock()
_reaper_queue: list[NativeClient] = []
_reaper_wakeup = threading.Condition(_reaper_lock)
_reaper_thread: Optional[threading.Thread] = None


def _reaper() -> None:
    while True:
        with _reaper_wakeup:
            while not _reaper_queue:
                _reaper_wakeup.wait()
            native = _reaper_queue.pop(0)
        native.free()


def free_soon(native: NativeClient) -> None:
    """Frees now, unless called on a library callback thread: then on a helper thread."""
    global _reaper_thread
    if not in_library_callback():
        native.free()
        return
    with _reaper_wakeup:
        _reaper_queue.append(native)
        if _reaper_thread is None:
            _reaper_thread = threading.Thread(target=_reaper, name="plugwire-reaper", daemon=True)
            _reaper_thread.start()
        _reaper_wakeup.notify()


def live_clients() -> int:
    """How many native clients are open right now."""
    with _live_lock:
        return len(_live)


def version() -> str:
    """The library's version, e.g. "0.1.0"."""
    return str(library().lib.plugwire_version().decode())


_log_enabled = False


def _native_level(level: int) -> int:
    if level < logging.DEBUG:
        return 5  # trace
    if level <= logging.DEBUG:
        return 4
    if level <= logging.INFO:
        return 3
    if level <= logging.WARNING:
        return 2
    return 1


def enable_native_logging(level: int = logging.INFO) -> None:
    """Routes the library's log lines to the ``plugwire.native`` logger, at ``level`` and
    above (below ``logging.DEBUG`` gives the library's trace lines too). The lines come from
    the library's threads. ``disable_native_logging`` stops it."""
    global _log_enabled
    lib = library()
    lib.check(
        lib.lib.plugwire_set_log_callback(_LOG_TRAMPOLINE, None, _native_level(level)),
        "plugwire_set_log_callback",
    )
    _log_enabled = True


def disable_native_logging() -> None:
    global _log_enabled
    if _library is not None and _log_enabled:
        _library.lib.plugwire_set_log_callback(LOG_CALLBACK(), None, 0)
        _log_enabled = False


@atexit.register
def _at_exit() -> None:
    # Before the interpreter tears down: free every client still open (stopping its
    # devices) so no library thread calls into Python during finalization.
    disable_native_logging()
    # Closes under way make one more callback (their completion): let it run before the
    # interpreter goes (bounded: the library's disconnect timeout is 5 s).
    with _closing_cv:
        _closing_cv.wait_for(lambda: _closing == 0, timeout=6)
    with _live_lock:
        clients = list(_live)
    for c in clients:
        try:
            c.free()
        except BaseException:  # noqa: BLE001
            pass
