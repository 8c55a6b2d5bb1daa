//! The wall clock, for the edges (app and server) to stamp changes with.
//!
//! `std::time::SystemTime::now()` panics on wasm32, so the browser reads `Date.now()`.

/// Milliseconds since the Unix epoch.
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Milliseconds since the Unix epoch.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Seconds since the Unix epoch, the unit Automerge change times use.
pub fn now_secs() -> i64 {
    now_ms() / 1000
}
