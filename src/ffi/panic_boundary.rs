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

/// Returns `PLUGWIRE_STATUS_CLIENT_CLOSED` (with the last error) from an export when the
/// client it was handed is closed.
macro_rules! require_open {
    ($core:expr) => {
        if $core.is_closed() {
            $crate::ffi::panic_boundary::set_last_error("the client is closed");
            return $crate::ffi::PlugwireStatus::ClientClosed;
        }
    };
}

pub(crate) use require_open;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::PlugwireStatus;

    fn exploding() -> PlugwireStatus {
        ffi_boundary!({
            if std::hint::black_box(true) {
                panic!("boom");
            }
            PlugwireStatus::Ok
        })
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        assert_eq!(exploding(), PlugwireStatus::Panic);
        let msg = unsafe { std::ffi::CStr::from_ptr(last_error_ptr()) };
        assert_eq!(msg.to_str().unwrap(), "internal error: boom");
    }

    /// Every `.rs` file under `dir`, recursively.
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read the source tree") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every export of the ABI, wherever it lives in the crate, runs behind the boundary;
    /// and every function of the C header is an export this test saw.
    #[test]
    fn every_export_uses_the_boundary() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&root.join("src"), &mut files);
        let mut seen = Vec::new();
        for file in files {
            let source = std::fs::read_to_string(&file).expect("read a source file");
            // Both spellings of the attribute export a symbol (at the start of a line, so
            // this test's own strings do not count).
            let marked = source
                .split("\n#[unsafe(no_mangle)]")
                .skip(1)
                .chain(source.split("\n#[no_mangle]").skip(1));
            for export in marked {
                let body_end = export.find("\n}\n").unwrap_or(export.len());
                let body = &export[..body_end];
                let name = body
                    .split("fn ")
                    .nth(1)
                    .and_then(|s| s.split('(').next())
                    .unwrap_or("?")
                    .trim()
                    .to_string();
                // Accessors that only return static data cannot panic.
                let trivial = matches!(
                    name.as_str(),
                    "plugwire_version" | "plugwire_abi_version" | "plugwire_last_error_message"
                );
                assert!(
                    trivial || body.contains("ffi_boundary!"),
                    "{name} in {} is not behind the panic boundary",
                    file.display()
                );
                seen.push(name);
            }
        }
        assert!(seen.len() >= 10, "found {} exports", seen.len());
        let header = std::fs::read_to_string(root.join("include/plugwire.h")).expect("header");
        for line in header.lines() {
            let Some(before_paren) = line.split('(').next() else {
                continue;
            };
            let Some(name) = before_paren.split_whitespace().last() else {
                continue;
            };
            let name = name.trim_start_matches('*');
            if name.starts_with("plugwire_") && line.contains('(') && !line.contains("typedef") {
                assert!(
                    seen.iter().any(|s| s == name),
                    "{name} is in the header but the boundary check did not find its source"
                );
            }
        }
    }
}
