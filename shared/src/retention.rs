//! The retention schedule (programme settings) as pure decisions: when a contact number must
//! be erased, when its supervisor is warned first, and when a check is old enough to be
//! pseudonymised further. The server's sweep and the flag queue ask these with their own
//! clock, so tests choose the time.

use crate::triage::ProgrammeSettings;

const DAY_MS: i64 = 86_400_000;

/// What to do with a contact number now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactRetention {
    /// Keep it; nothing to say yet.
    Keep,
    /// Keep it, but tell the supervisor it will be erased at this time (ms).
    Warn {
        /// When it will be erased.
        erase_at_ms: i64,
    },
    /// Its time is up: erase it, even if the flag is still open.
    Erase,
}

/// When a contact number added at `added_at_ms` is erased.
pub fn contact_erase_at(added_at_ms: i64, settings: &ProgrammeSettings) -> i64 {
    added_at_ms + i64::from(settings.contact_retention_days) * DAY_MS
}

/// The decision for a contact number added at `added_at_ms`, at `now_ms`.
pub fn contact_retention(
    added_at_ms: i64,
    now_ms: i64,
    settings: &ProgrammeSettings,
) -> ContactRetention {
    let erase_at_ms = contact_erase_at(added_at_ms, settings);
    if now_ms >= erase_at_ms {
        ContactRetention::Erase
    } else if now_ms >= erase_at_ms - i64::from(settings.contact_warning_days) * DAY_MS {
        ContactRetention::Warn { erase_at_ms }
    } else {
        ContactRetention::Keep
    }
}

/// Whether a check taken at `recorded_at_ms` is past the age at which it is pseudonymised
/// further (its small area and free text dropped).
pub fn pseudonymise_due(recorded_at_ms: i64, now_ms: i64, settings: &ProgrammeSettings) -> bool {
    now_ms - recorded_at_ms >= i64::from(settings.pseudonymise_after_years) * 365 * DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_kept_then_warned_about_then_erased() {
        let settings = ProgrammeSettings {
            contact_retention_days: 30,
            contact_warning_days: 7,
            ..ProgrammeSettings::default()
        };
        let added = 1_000_000;
        let at = |days: i64| contact_retention(added, added + days * DAY_MS, &settings);
        assert_eq!(at(0), ContactRetention::Keep);
        assert_eq!(at(22), ContactRetention::Keep);
        let erase_at_ms = added + 30 * DAY_MS;
        assert_eq!(at(23), ContactRetention::Warn { erase_at_ms });
        assert_eq!(at(29), ContactRetention::Warn { erase_at_ms });
        assert_eq!(at(30), ContactRetention::Erase);
        assert_eq!(at(400), ContactRetention::Erase);
    }

    #[test]
    fn records_are_pseudonymised_after_the_set_years() {
        let settings = ProgrammeSettings::default();
        let years = i64::from(settings.pseudonymise_after_years);
        assert!(!pseudonymise_due(0, years * 365 * DAY_MS - 1, &settings));
        assert!(pseudonymise_due(0, years * 365 * DAY_MS, &settings));
    }
}
