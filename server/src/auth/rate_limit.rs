//! Sign-in attempts per username and per client address, in a sliding window, so a guessed
//! password costs an attacker hours, not seconds.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Attempts allowed per key in the window.
pub const MAX_ATTEMPTS: usize = 10;
/// The window, in milliseconds.
pub const WINDOW_MS: i64 = 5 * 60 * 1000;

/// Remembers recent attempts; sans-IO: the caller says what time it is.
#[derive(Default)]
pub struct RateLimiter {
    attempts: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl RateLimiter {
    /// Counts an attempt for each key; `false` if any key is over its limit.
    pub fn allow(&self, keys: &[&str], now_ms: i64) -> bool {
        let mut attempts = self
            .attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if attempts.len() > 100_000 {
            attempts.retain(|_, times| times.back().is_some_and(|t| now_ms - t < WINDOW_MS));
        }
        let mut allowed = true;
        for key in keys {
            let times = attempts.entry((*key).to_owned()).or_default();
            while times.front().is_some_and(|t| now_ms - t >= WINDOW_MS) {
                times.pop_front();
            }
            if times.len() >= MAX_ATTEMPTS {
                allowed = false;
            } else {
                times.push_back(now_ms);
            }
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_then_forgets() {
        let limiter = RateLimiter::default();
        for _ in 0..MAX_ATTEMPTS {
            assert!(limiter.allow(&["user:a"], 0));
        }
        assert!(!limiter.allow(&["user:a"], 1));
        assert!(limiter.allow(&["user:b"], 1));
        assert!(limiter.allow(&["user:a"], WINDOW_MS + 1));
    }
}
