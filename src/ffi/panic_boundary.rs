//! The panic boundary: every export runs its body through `ffi_boundary!`, so a panic
//! inside the library becomes `PLUGWIRE_STATUS_PANIC` instead of unwinding into C.

use std::cell::RefCell;
use std::ffi::CString;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records the message `plugwire_last_error_message` returns on this thread.
pub(crate) fn set_last_error(message: impl Into<String>) {
    let mut text = message.into();
    text.retain(|c| c != '\0');
    let c = CString::new(text).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = c);
}

/// Pointer to this thread's last error message (valid until the next failing call on it).
pub(crate) fn last_error_ptr() -> *const std::os::raw::c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// Runs `body`; a panic becomes `PlugwireStatus::Panic` with the message recorded.
macro_rules! ffi_boundary {
    ($body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(status) => status,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                $crate::ffi::panic_boundary::set_last_error(format!("internal error: {message}"));
                $crate::ffi::PlugwireStatus::Panic
            }
        }
    }};
}

pub(crate) use ffi_boundary;

/// Fails with `NullArgument` (and a message) when a pointer is NULL.
macro_rules! require {
    ($ptr:expr, $name:literal) => {
        if $ptr.is_null() {
            $crate::ffi::panic_boundary::set_last_error(concat!($name, " is NULL"));
            return $crate::ffi::PlugwireStatus::NullArgument;
        }
    };
}

pub(crate) use require;
