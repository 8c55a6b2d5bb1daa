//! Sign-in attempts, limited so that a guessed password costs an attacker hours, while a
//! stranger cannot keep a named person out and no request can make the server hold more
//! than a fixed amount of memory.
//!
//! Three counters, each over a fixed five-minute window:
//! - per client address and username: [`PAIR_LIMIT`] attempts, then that address is refused
//!   for that username (the guard against guessing from one place);
//! - per client address: [`ADDRESS_LIMIT`] attempts over all usernames (password spraying);
//! - per username, over every address: after [`USERNAME_FAILURES`] failed attempts each further
//!   attempt for that username takes the next free slot, [`SLOT_MS`] after the one before, and
//!   waits for it. This caps guessing from many addresses at one a second without refusing
//!   anyone: an attempt is refused only when its slot is more than [`MAX_WAIT_MS`] away, which
//!   takes a sustained flood from dozens of addresses, not ten requests every five minutes.
//!
//! Keys are 64-bit keyed hashes (SipHash with a random key made at start), so a username of
//! any length costs the same few bytes, and an attacker cannot aim collisions. At most
//! [`MAX_KEYS`] windows are held; expired ones are dropped every [`SWEEP_MS`].

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;

/// The window every counter runs over, in milliseconds.
pub const WINDOW_MS: i64 = 5 * 60 * 1000;
/// Attempts allowed per address and username in the window.
pub const PAIR_LIMIT: u32 = 10;
/// Attempts allowed per address in the window, over all usernames: enough for a community
/// centre's shared connection on a busy morning.
pub const ADDRESS_LIMIT: u32 = 100;
/// Failed attempts per username, from anywhere, before attempts for it are spaced out.
pub const USERNAME_FAILURES: u32 = 20;
/// The spacing of attempts for a username past [`USERNAME_FAILURES`].
pub const SLOT_MS: i64 = 1000;
/// The longest an attempt waits for its slot; past it, the attempt is refused.
pub const MAX_WAIT_MS: i64 = 10_000;
/// The most windows held at once (a few megabytes).
pub const MAX_KEYS: usize = 100_000;
/// How often expired windows are dropped.
pub const SWEEP_MS: i64 = 10_000;

/// What the limiter says about one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead after waiting this many milliseconds (zero when nothing is spaced out).
    Allow {
        /// How long to wait before checking the password.
        wait_ms: i64,
    },
    /// Refuse: too many attempts.
    Refuse,
}

/// The address a counter is kept for: an IPv4 address, or an IPv6 address's /64 (one
/// subscriber's network, whose 2^64 addresses would otherwise each get a fresh count).
fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
    }
}

/// Which counter a key belongs to.
#[derive(Hash)]
enum Key<'a> {
    Pair(IpAddr, &'a str),
    Address(IpAddr),
    Username(&'a str),
}

/// One counter's fixed window, and for a username the next free slot.
#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: i64,
    count: u32,
    next_slot_ms: i64,
}

impl Window {
    fn new(now_ms: i64) -> Self {
        Window {
            start_ms: now_ms,
            count: 0,
            next_slot_ms: 0,
        }
    }

    fn expired(&self, now_ms: i64) -> bool {
        now_ms - self.start_ms >= WINDOW_MS && self.next_slot_ms <= now_ms
    }

    fn current(&mut self, now_ms: i64) -> &mut Self {
        if now_ms - self.start_ms >= WINDOW_MS {
            self.start_ms = now_ms;
            self.count = 0;
        }
        self
    }
}

struct Inner {
    windows: HashMap<u64, Window>,
    last_sweep_ms: i64,
}

/// Remembers recent attempts; sans-IO: the caller says what time it is.
pub struct RateLimiter {
    hasher: RandomState,
    inner: Mutex<Inner>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter {
            hasher: RandomState::new(),
            inner: Mutex::new(Inner {
                windows: HashMap::new(),
                last_sweep_ms: i64::MIN,
            }),
        }
    }
}

impl RateLimiter {
    /// Counts an attempt by `address` to sign in as `username` (`None` for a name that cannot
    /// be an account, which counts against the address only) and says whether it may go on.
    pub fn attempt(&self, address: IpAddr, username: Option<&str>, now_ms: i64) -> Decision {
        let pair = username.map(|u| self.hash(&Key::Pair(address, u)));
        let user = username.map(|u| self.hash(&Key::Username(u)));
        let address = self.hash(&Key::Address(network_of(address)));
        let mut inner = self.lock();
        inner.sweep(now_ms);
        let keys = [Some(address), pair, user];
        let new_keys = keys
            .iter()
            .flatten()
            .filter(|k| !inner.windows.contains_key(k))
            .count();
        inner.make_room(new_keys);
        let address_over = inner.count(address, now_ms) > ADDRESS_LIMIT;
        let pair_over = pair.is_some_and(|key| inner.count(key, now_ms) > PAIR_LIMIT);
        if address_over || pair_over {
            return Decision::Refuse;
        }
        let Some(user) = user else {
            return Decision::Allow { wait_ms: 0 };
        };
        let window = inner.window(user, now_ms);
        if window.count < USERNAME_FAILURES {
            return Decision::Allow { wait_ms: 0 };
        }
        let slot = window.next_slot_ms.max(now_ms);
        if slot - now_ms > MAX_WAIT_MS {
            return Decision::Refuse;
        }
        window.next_slot_ms = slot + SLOT_MS;
        Decision::Allow {
            wait_ms: slot - now_ms,
        }
    }

    /// Counts a failed attempt against the username, from wherever it came.
    pub fn failed(&self, username: &str, now_ms: i64) {
        let user = self.hash(&Key::Username(username));
        let mut inner = self.lock();
        if !inner.windows.contains_key(&user) {
            inner.make_room(1);
        }
        inner.count(user, now_ms);
    }

    /// How many windows are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().windows.len()
    }

    /// Whether no window is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn hash(&self, key: &Key<'_>) -> u64 {
        self.hasher.hash_one(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    /// The current window of `key`, made if there is none.
    fn window(&mut self, key: u64, now_ms: i64) -> &mut Window {
        self.windows
            .entry(key)
            .or_insert_with(|| Window::new(now_ms))
            .current(now_ms)
    }

    /// Counts one more in the current window of `key`; the count.
    fn count(&mut self, key: u64, now_ms: i64) -> u32 {
        let window = self.window(key, now_ms);
        window.count = window.count.saturating_add(1);
        window.count
    }

    /// Frees room for `needed` new windows when the limiter is full, by forgetting the tenth
    /// of windows that started longest ago. A flood of new keys (many addresses, many made-up
    /// names) so costs the flooder's own oldest windows first, and never locks everyone out.
    fn make_room(&mut self, needed: usize) {
        if self.windows.len() + needed <= MAX_KEYS {
            return;
        }
        let mut starts: Vec<i64> = self.windows.values().map(|w| w.start_ms).collect();
        let cut = (MAX_KEYS / 10).max(needed).min(starts.len() - 1);
        let (_, oldest_kept, _) = starts.select_nth_unstable(cut);
        let threshold = *oldest_kept;
        let mut to_free = self.windows.len() + needed - MAX_KEYS + MAX_KEYS / 10;
        self.windows.retain(|_, w| {
            if to_free > 0 && w.start_ms <= threshold {
                to_free -= 1;
                false
            } else {
                true
            }
        });
    }

    fn sweep(&mut self, now_ms: i64) {
        if now_ms.saturating_sub(self.last_sweep_ms) < SWEEP_MS {
            return;
        }
        self.last_sweep_ms = now_ms;
        self.windows.retain(|_, window| !window.expired(now_ms));
        self.windows.shrink_to_fit();
    }
}

/// A per-user budget over a fixed hour: how many participant cards a volunteer may look up.
/// A volunteer at a busy stall sees a few dozen people an hour, each with one card, so the
/// budget is a small multiple of that; someone reading through printed codes runs out at once.
/// Keyed by user id (accounts are few), so memory is bounded by the number of accounts.
pub struct HourlyBudget {
    per_hour: u32,
    windows: Mutex<HashMap<String, Window>>,
}

/// One hour, in milliseconds.
pub const HOUR_MS: i64 = 60 * 60 * 1000;

impl HourlyBudget {
    /// A budget of `per_hour` a user.
    pub fn new(per_hour: u32) -> Self {
        HourlyBudget {
            per_hour,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one use by `user` and says whether it is within the budget; a refused use is
    /// counted too, so hammering does not open the door sooner.
    pub fn spend(&self, user: &str, now_ms: i64) -> bool {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = windows
            .entry(user.to_owned())
            .or_insert_with(|| Window::new(now_ms));
        if now_ms - window.start_ms >= HOUR_MS {
            *window = Window::new(now_ms);
        }
        window.count = window.count.saturating_add(1);
        window.count <= self.per_hour
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));
    const GO: Decision = Decision::Allow { wait_ms: 0 };

    #[test]
    fn an_hourly_budget_is_per_user_and_renews_after_the_hour() {
        let budget = HourlyBudget::new(2);
        assert!(budget.spend("ana", 0));
        assert!(budget.spend("ana", 1));
        assert!(!budget.spend("ana", 2));
        assert!(
            budget.spend("bilal", 2),
            "another user has their own budget"
        );
        assert!(budget.spend("ana", HOUR_MS));
    }

    #[test]
    fn one_address_is_limited_per_username_and_then_forgiven() {
        let limiter = RateLimiter::default();
        for _ in 0..PAIR_LIMIT {
            assert_eq!(limiter.attempt(A, Some("ana"), 0), GO);
        }
        assert_eq!(limiter.attempt(A, Some("ana"), 1), Decision::Refuse);
        assert_eq!(limiter.attempt(A, Some("bilal"), 1), GO);
        assert_eq!(limiter.attempt(B, Some("ana"), 1), GO, "another address");
        assert_eq!(limiter.attempt(A, Some("ana"), WINDOW_MS + 1), GO);
    }

    #[test]
    fn one_address_cannot_spray_many_usernames() {
        let limiter = RateLimiter::default();
        for n in 0..ADDRESS_LIMIT {
            assert_eq!(limiter.attempt(A, Some(&format!("user{n}")), 0), GO);
        }
        assert_eq!(limiter.attempt(A, Some("new"), 0), Decision::Refuse);
        assert_eq!(limiter.attempt(A, None, 0), Decision::Refuse);
        assert_eq!(limiter.attempt(B, Some("new"), 0), GO);
    }

    #[test]
    fn many_failures_for_one_username_space_attempts_out_but_refuse_nobody_quickly() {
        let limiter = RateLimiter::default();
        for _ in 0..USERNAME_FAILURES {
            limiter.failed("ana", 0);
        }
        assert_eq!(limiter.attempt(B, Some("ana"), 0), GO);
        assert_eq!(
            limiter.attempt(B, Some("ana"), 0),
            Decision::Allow { wait_ms: SLOT_MS }
        );
        let waits = (MAX_WAIT_MS / SLOT_MS - 1) as usize;
        for n in 0..waits {
            let address = IpAddr::V4(std::net::Ipv4Addr::new(10, 1, 0, n as u8));
            assert!(matches!(
                limiter.attempt(address, Some("ana"), 0),
                Decision::Allow { .. }
            ));
        }
        assert_eq!(limiter.attempt(A, Some("ana"), 0), Decision::Refuse);
        assert!(matches!(
            limiter.attempt(A, Some("ana"), MAX_WAIT_MS),
            Decision::Allow { wait_ms } if wait_ms <= MAX_WAIT_MS
        ));
        assert_eq!(limiter.attempt(A, Some("bilal"), MAX_WAIT_MS), GO);
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let limiter = RateLimiter::default();
        for n in 0..ADDRESS_LIMIT {
            let address: IpAddr = format!("2001:db8:1:2::{:x}", n + 1).parse().unwrap();
            assert_eq!(limiter.attempt(address, Some(&format!("user{n}")), 0), GO);
        }
        let same_network: IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap();
        assert_eq!(
            limiter.attempt(same_network, Some("new"), 0),
            Decision::Refuse
        );
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limiter.attempt(other, Some("new"), 0), GO);
    }

    #[test]
    fn memory_is_bounded_and_expired_windows_are_dropped() {
        let limiter = RateLimiter::default();
        let long = "x".repeat(100);
        for n in 0..(MAX_KEYS as u32) {
            let address = IpAddr::V4(std::net::Ipv4Addr::from(n));
            limiter.attempt(address, Some(&long), 0);
        }
        assert!(limiter.len() <= MAX_KEYS);
        assert_eq!(
            limiter.attempt(A, Some("ana"), 1),
            GO,
            "a full limiter makes room instead of refusing everyone"
        );
        assert!(limiter.len() <= MAX_KEYS);
        assert_eq!(limiter.attempt(A, Some("ana"), WINDOW_MS + 1), GO);
        assert_eq!(limiter.len(), 3, "only the live windows remain");
    }
}
