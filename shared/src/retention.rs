//! The retention schedule (programme settings) as pure decisions: when a contact number must
//! be erased, when its supervisor is warned first, and when a check is old enough to be
//! pseudonymised further. The server's sweep and the flag queue ask these with their own
//! clock, so tests choose the time.

use crate::calendar::month_start_ms;
use crate::record::CheckRecord;
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
/// further ([`pseudonymise`]).
pub fn pseudonymise_due(recorded_at_ms: i64, now_ms: i64, settings: &ProgrammeSettings) -> bool {
    recorded_at_ms <= pseudonymise_cutoff(now_ms, settings)
}

/// The latest time a check may have been taken for it to be pseudonymised at `now_ms`: M
/// years of 365 days back (a day or two short of calendar years, never late).
pub fn pseudonymise_cutoff(now_ms: i64, settings: &ProgrammeSettings) -> i64 {
    now_ms - i64::from(settings.pseudonymise_after_years) * 365 * DAY_MS
}

/// What stands in for a link that pseudonymisation cuts (the volunteer who took the check, the
/// stall it was taken at): a valid identifier that names no one, so reports group every such
/// check together and the judge's identifier rule still holds.
pub const CUT_LINK: &str = "pseudonymised";

/// A check as it is kept once it is older than the programme's M years. What goes, and why:
/// - the exact date and time: every time in the record moves back by the same amount so the
///   check is taken at the first instant of its month (reports by month, and "followed up
///   within the deadline", which compares times within one record, stay exactly as they were);
/// - the volunteer and the stall: the stall's date and venue would give the day back, and the
///   volunteer is the link a person could be traced through (it names the person who met them);
/// - the small area (LSOA): the IMD decile, which is what reports use, stays;
/// - the free text: the person's goal and the coordinator's review comment;
/// - who reviewed and who followed up: staff links with nothing to add after M years.
///
/// What stays is what the programme's reports and its clinical audit need: the readings and
/// band, age band, sex, ethnic group, languages, borough, IMD decile, conditions, red flags,
/// advice, barriers and enablers, the review state and the follow-up's state, attempts and
/// outcome. The record holds no participant card id or contact number to drop (the number
/// lives outside the document and has long been erased by then). The caller must also drop
/// the document's history, which still holds every old value: see the server's retention
/// sweep.
pub fn pseudonymise(record: &CheckRecord) -> CheckRecord {
    let mut kept = record.clone();
    let shift = record.check.recorded_at_ms - month_start_ms(record.check.recorded_at_ms);
    let check = &mut kept.check;
    check.recorded_at_ms -= shift;
    check.volunteer_id = CUT_LINK.into();
    check.event_id = CUT_LINK.into();
    check.lsoa = None;
    check.goal = None;
    kept.review.comment = None;
    kept.review.reviewed_by = None;
    let follow_up = &mut kept.follow_up;
    follow_up.claimed_by = None;
    for attempt in &mut follow_up.attempts {
        attempt.at_ms -= shift;
    }
    if let Some(closed) = follow_up.closed_at_ms.as_mut() {
        *closed -= shift;
    }
    kept
}

/// Whether a record has already been through [`pseudonymise`].
pub fn is_pseudonymised(record: &CheckRecord) -> bool {
    pseudonymise(record) == *record
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
    fn pseudonymising_keeps_what_reports_need_and_drops_the_rest() {
        use crate::record::{ContactAttempt, ReviewState};
        use crate::synthetic::{self, Stall};
        let taken = crate::calendar::day_ms("2017-03-14").unwrap() + 11 * 3_600_000;
        let stall = Stall::library("volunteer-1", "E09000003");
        let mut record =
            CheckRecord::new(uuid::Uuid::nil(), synthetic::check(7, &stall, taken), true);
        record.check.goal = Some("Walk to the mosque".into());
        record.check.lsoa = Some("E01000001".into());
        record.check.imd_decile = Some(2);
        record.review.state = ReviewState::HasIssues;
        record.review.comment = Some("Check the second reading".into());
        record.review.reviewed_by = Some("coordinator-1".into());
        record.follow_up.claimed_by = Some("supervisor-1".into());
        record.follow_up.attempts = vec![ContactAttempt {
            at_ms: taken + 3 * DAY_MS,
            reached: true,
        }];
        record.follow_up.closed_at_ms = Some(taken + 4 * DAY_MS);
        let kept = pseudonymise(&record);
        let march = crate::calendar::day_ms("2017-03-01").unwrap();
        assert_eq!(kept.check.recorded_at_ms, march);
        assert_eq!(kept.follow_up.closed_at_ms, Some(march + 4 * DAY_MS));
        assert_eq!(kept.follow_up.attempts[0].at_ms, march + 3 * DAY_MS);
        assert_eq!(
            (
                kept.check.volunteer_id.as_str(),
                kept.check.event_id.as_str()
            ),
            (CUT_LINK, CUT_LINK)
        );
        assert_eq!(
            (kept.check.lsoa.as_deref(), kept.check.goal.as_deref()),
            (None, None)
        );
        assert_eq!(
            (
                kept.review.comment.as_deref(),
                kept.review.reviewed_by.as_deref()
            ),
            (None, None)
        );
        assert_eq!(kept.follow_up.claimed_by, None);
        assert_eq!(kept.check.readings, record.check.readings);
        assert_eq!(kept.check.band, record.check.band);
        assert_eq!(kept.check.age_band, record.check.age_band);
        assert_eq!(kept.check.imd_decile, Some(2));
        assert_eq!(kept.review.state, ReviewState::HasIssues);
        assert!(is_pseudonymised(&kept) && !is_pseudonymised(&record));
        assert_eq!(pseudonymise(&kept), kept, "once is enough");
    }

    #[test]
    fn records_are_pseudonymised_after_the_set_years() {
        let settings = ProgrammeSettings::default();
        let years = i64::from(settings.pseudonymise_after_years);
        assert!(!pseudonymise_due(0, years * 365 * DAY_MS - 1, &settings));
        assert!(pseudonymise_due(0, years * 365 * DAY_MS, &settings));
    }
}
