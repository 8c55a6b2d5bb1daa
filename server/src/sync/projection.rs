//! A record projected into the `checks` row that reports and queues read, written in the
//! same transaction as its document so the two never disagree.

use rusqlite::{params, Connection, Row};
use stallside_shared::calendar::iso_week;
use stallside_shared::readings::recorded_reading;
use stallside_shared::record::{Advice, CheckRecord, Reading};
use stallside_shared::sync::wire::Summary;
use stallside_shared::triage::Assessment;

use crate::db::coded;
use crate::error::ApiError;

/// Writes (or rewrites) the row of a record.
pub fn project(
    conn: &Connection,
    seq: u64,
    record: &CheckRecord,
    assessment: &Assessment,
    received_at_ms: i64,
) -> Result<(), ApiError> {
    let check = &record.check;
    let reading = recorded_reading(&check.readings).unwrap_or(Reading::bp(0, 0));
    let deadline_at_ms = assessment
        .deadline_minutes
        .map(|minutes| check.recorded_at_ms + i64::from(minutes) * 60_000);
    let signposted = check.advice.iter().any(|a| {
        matches!(
            a,
            Advice::Gp | Advice::Pharmacy | Advice::Nhs111 | Advice::Call999
        )
    });
    let codes = |items: Vec<&'static str>| items.join(",");
    conn.prepare_cached(
        "INSERT OR REPLACE INTO checks (
            id, seq, volunteer_id, event_id, venue_type, borough, recorded_at_ms, received_at_ms,
            week, age_band, sex, ethnicity, nhs_ethnic_code, english_first_language, lsoa,
            imd_decile, core20, known_hypertension, conditions, smoking, systolic, diastolic,
            pulse, band, urgency, newly_identified, flagged, deadline_at_ms, advice, signposted,
            goal_set, barriers, review_state, review_comment, follow_up_state, claimed_by,
            outcome, closed_at_ms, main_language, enablers, card_id
        ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
            COALESCE((SELECT received_at_ms FROM checks WHERE id = ?1), ?8),
            ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25,
            ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41)",
    )?
    .execute(params![
        record.id.to_string(),
        seq,
        check.volunteer_id,
        check.event_id,
        check.venue_type.code(),
        check.borough,
        check.recorded_at_ms,
        received_at_ms,
        iso_week(check.recorded_at_ms),
        check.age_band.code(),
        check.sex.code(),
        check.ethnicity.code(),
        check.ethnicity.nhs_code().to_string(),
        check.english_first_language.code(),
        check.lsoa,
        check.imd_decile,
        check.is_core20(),
        check.known_hypertension.code(),
        codes(check.other_conditions.iter().map(|c| c.code()).collect()),
        check.smoking.code(),
        reading.systolic,
        reading.diastolic,
        reading.pulse,
        assessment.band.code(),
        assessment.band.urgency(),
        assessment.newly_identified,
        assessment.is_flagged(),
        deadline_at_ms,
        codes(check.advice.iter().map(|a| a.code()).collect()),
        signposted,
        check.goal.as_ref().is_some_and(|g| !g.trim().is_empty()),
        codes(check.barriers.iter().map(|b| b.code()).collect()),
        record.review.state.code(),
        record.review.comment,
        record.follow_up.state.code(),
        record.follow_up.claimed_by,
        record.follow_up.outcome.map(|o| o.code()),
        record.follow_up.closed_at_ms,
        check.main_language.map(|l| l.code()),
        codes(check.enablers.iter().map(|e| e.code()).collect()),
        check.card,
    ])?;
    Ok(())
}

/// The projection's columns of a check's list summary (of `checks c`), in the order
/// [`read_summary`] reads them.
pub const SUMMARY_COLUMNS: &str = "c.recorded_at_ms, c.band, c.systolic, c.diastolic, c.event_id,
    c.volunteer_id, c.review_state, c.review_comment, c.follow_up_state, c.outcome, c.card_id";

/// A check's list summary from the [`SUMMARY_COLUMNS`] starting at column `first`: the
/// phone's list and the coordinator's review rows read the same projection the same way.
pub fn read_summary(row: &Row, first: usize) -> rusqlite::Result<Summary> {
    let outcome: Option<String> = row.get(first + 9)?;
    Ok(Summary {
        recorded_at_ms: row.get(first)?,
        band: coded(row, first + 1)?,
        systolic: row.get(first + 2)?,
        diastolic: row.get(first + 3)?,
        event_id: row.get(first + 4)?,
        volunteer_id: row.get(first + 5)?,
        review_state: coded(row, first + 6)?,
        review_comment: row.get(first + 7)?,
        follow_up_state: coded(row, first + 8)?,
        outcome: match outcome {
            Some(_) => Some(coded(row, first + 9)?),
            None => None,
        },
        card: row.get(first + 10)?,
    })
}
