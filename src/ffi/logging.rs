//! Log forwarding: the library's `tracing` output goes to a C callback whose level (and the
//! callback itself) can be changed at any time, any number of times.

use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Log levels, most severe first. `Off` silences the callback.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlugwireLogLevel {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

/// `void (*)(void *user_data, PlugwireLogLevel level, const char *message)`; the message is
/// NUL-terminated UTF-8, borrowed for the call.
pub type PlugwireLogCallback = Option<
    unsafe extern "C" fn(user_data: *mut c_void, level: PlugwireLogLevel, message: *const c_char),
>;

#[derive(Copy, Clone)]
struct Sink {
    func: unsafe extern "C" fn(*mut c_void, PlugwireLogLevel, *const c_char),
    user_data: *mut c_void,
}

// SAFETY: the API contract requires user_data to be usable from any thread.
unsafe impl Send for Sink {}
unsafe impl Sync for Sink {}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static LEVEL: AtomicU8 = AtomicU8::new(PlugwireLogLevel::Off as u8);
static INSTALL: Once = Once::new();

fn level_of(l: &Level) -> PlugwireLogLevel {
    match *l {
        Level::ERROR => PlugwireLogLevel::Error,
        Level::WARN => PlugwireLogLevel::Warn,
        Level::INFO => PlugwireLogLevel::Info,
        Level::DEBUG => PlugwireLogLevel::Debug,
        Level::TRACE => PlugwireLogLevel::Trace,
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

struct CallbackLayer;

impl<S: Subscriber> Layer<S> for CallbackLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let level = level_of(event.metadata().level());
        if level as u8 > LEVEL.load(Ordering::Relaxed) {
            return;
        }
        // Copy the sink out so a callback that changes logging does not deadlock.
        let sink = *SINK.read().unwrap_or_else(|e| e.into_inner());
        let Some(sink) = sink else { return };
        let mut message = Message(format!("{}: ", event.metadata().target()));
        event.record(&mut message);
        message.0.retain(|c| c != '\0');
        let Ok(text) = CString::new(message.0) else {
            return;
        };
        // SAFETY: the caller registered this function and user_data; the string lives for
        // the call.
        unsafe { (sink.func)(sink.user_data, level, text.as_ptr()) }
    }
}

fn install() {
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(CallbackLayer);
        // If the host process already installed a subscriber, ours stays inactive.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

pub(crate) fn set_callback(
    callback: PlugwireLogCallback,
    user_data: *mut c_void,
    level: PlugwireLogLevel,
) {
    install();
    *SINK.write().unwrap_or_else(|e| e.into_inner()) =
        callback.map(|func| Sink { func, user_data });
    LEVEL.store(level as u8, Ordering::Relaxed);
}

pub(crate) fn set_level(level: PlugwireLogLevel) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}
