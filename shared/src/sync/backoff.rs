//! When to try a failed sync again: exponential backoff with full jitter, capped, so 200
//! phones that lose signal together do not come back in lockstep.

/// The first retry waits up to this long.
pub const BASE_DELAY_MS: u64 = 1_000;
/// No retry waits longer than this.
pub const MAX_DELAY_MS: u64 = 5 * 60 * 1_000;

/// The delay before retry number `attempt` (1 for the first retry), given a random number in
/// `[0, 1)` from the caller.
pub fn retry_delay_ms(attempt: u32, random_unit: f64) -> u64 {
    let ceiling = BASE_DELAY_MS
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(20))
        .min(MAX_DELAY_MS);
    let jittered = (ceiling as f64 * random_unit.clamp(0.0, 1.0)) as u64;
    jittered.max(BASE_DELAY_MS / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        assert_eq!(retry_delay_ms(1, 0.999_999), 999);
        assert_eq!(retry_delay_ms(3, 0.999_999), 3_999);
        assert_eq!(retry_delay_ms(30, 0.999_999), MAX_DELAY_MS - 1);
        assert_eq!(retry_delay_ms(5, 0.0), BASE_DELAY_MS / 2);
    }
}
