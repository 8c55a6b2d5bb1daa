//! CSV exports: the records (pseudonymous, one row a check) and the report tables, which
//! leave the system and so carry suppressed figures ([`stallside_shared::published`]).

use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rusqlite::params;
use stallside_shared::calendar::{london_date, london_date_time};
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::published::{
    publish, PublishedCount, PublishedRow, PublishedVoice, PUBLISHED_COLUMNS,
};
use stallside_shared::record::{
    borough_name, Advice, AgeBand, Barrier, Condition, Enabler, EnglishFirstLanguage, Ethnicity,
    FollowUpState, KnownHypertension, Language, Outcome, ReviewState, Sex, Smoking, VenueType,
};
use stallside_shared::suppression::Cell;
use stallside_shared::triage::Band;
use stallside_shared::Vocab;

use super::{compute, ReportQuery};
use crate::audit::{self, Action};
use crate::auth::Session;
use crate::db::in_areas_of;
use crate::error::ApiError;
use crate::AppState;

/// Every record in the coordinator's boroughs as CSV, without personal data: no contact
/// details, no LSOA (small areas with age, sex and ethnicity could identify someone). A check
/// whose area is not known reads `unknown` for its decile and Core20, never 0.
#[utoipa::path(get, path = "/api/reports/export/records.csv", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn export_records(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    session.require(Role::Coordinator)?;
    let (from_ms, until_ms) = query
        .period()
        .range()
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let user = session.user_id.clone();
    let (csv, count) = state
        .db
        .read(move |conn| {
            let mut out = record_header();
            out.push('\n');
            let mut statement = conn.prepare(&format!(
                "SELECT {} FROM checks c WHERE {}
                   AND (?2 IS NULL OR c.borough = ?2) AND (?3 IS NULL OR c.event_id = ?3)
                   AND (?4 IS NULL OR c.volunteer_id = ?4) AND (?5 IS NULL OR c.week = ?5)
                   AND (?6 IS NULL OR c.venue_type = ?6)
                   AND (?7 IS NULL OR c.recorded_at_ms >= ?7) AND (?8 IS NULL OR c.recorded_at_ms < ?8)
                 ORDER BY c.recorded_at_ms",
                RECORD_COLUMNS.iter().map(|(_, sql, _)| *sql).collect::<Vec<_>>().join(", "),
                in_areas_of("c.borough", "?1")
            ))?;
            let mut rows = statement.query(params![
                session.user_id, query.borough, query.event, query.volunteer, query.week,
                query.venue_type, from_ms, until_ms
            ])?;
            let mut count = 0;
            while let Some(row) = rows.next()? {
                count += 1;
                out.push_str(&record_line(row)?);
                out.push('\n');
            }
            Ok((out, count))
        })
        .await?;
    state
        .db
        .write(move |conn| {
            audit::record(
                conn,
                Some(&user),
                Action::Export,
                &format!("records.csv rows {count}"),
            )
        })
        .await?;
    Ok(csv_response(&dated_name("records"), csv))
}

/// One report table as CSV, suppressed: reach (people reached, events held, workshops), people
/// (distinct people checked by participant card, and cards seen again), bands, barriers,
/// enablers, flags, barriers_by_borough, barriers_by_ethnicity, enablers_by_borough,
/// enablers_by_ethnicity, or a breakdown (by_borough, by_event, by_venue_type, by_week,
/// by_month, by_volunteer, by_ethnicity, by_imd_decile, by_age_band, by_sex) ending with a
/// row for all checks. "<5" is a count of 0 to 4; "*" is hidden so that one cannot be
/// worked out.
#[utoipa::path(get, path = "/api/reports/export/tables/{table}", tag = "reports", params(ReportQuery,
        ("table" = String, Path, description = "reach, people, bands, barriers, enablers, flags, barriers_by_borough, barriers_by_ethnicity, enablers_by_borough, enablers_by_ethnicity, by_borough, by_event, by_venue_type, by_week, by_month, by_volunteer, by_ethnicity, by_imd_decile, by_age_band, by_sex")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn export_table(
    State(state): State<AppState>,
    session: Session,
    Path(table): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let user = session.user_id.clone();
    let published = publish(&compute(&state, &session, query).await?);
    let out = match table.as_str() {
        "bands" => counts_csv(&published.bands),
        "reach" => counts_csv(&published.reach),
        "barriers" => counts_csv(&published.barriers),
        "enablers" => counts_csv(&published.enablers),
        "flags" => {
            let f = &published.flags;
            format!(
                "flagged,closed,closed_within_deadline,open_overdue\n{},{},{},{}\n",
                f.flagged.text(),
                f.closed.text(),
                f.closed_within_deadline.text(),
                f.open_overdue.text()
            )
        }
        "people" => {
            let p = &published.people;
            format!(
                "people_checked,people_with_card,checks_without_card,people_seen_again\n{},{},{},{}\n",
                p.checked.text(),
                p.with_card.text(),
                p.checks_without_card.text(),
                p.seen_again.text()
            )
        }
        "barriers_by_borough" => voice_csv(&published.barriers_by_borough),
        "barriers_by_ethnicity" => voice_csv(&published.barriers_by_ethnicity),
        "enablers_by_borough" => voice_csv(&published.enablers_by_borough),
        "enablers_by_ethnicity" => voice_csv(&published.enablers_by_ethnicity),
        name => {
            let rows = &published.table(name).ok_or(ApiError::NotFound)?.rows;
            let mut out = format!("key,label,{}\n", PUBLISHED_COLUMNS.join(","));
            for row in rows.iter().chain([&published.totals]) {
                row_csv(&mut out, row);
            }
            out
        }
    };
    let detail = format!("table {table}");
    state
        .db
        .write(move |conn| audit::record(conn, Some(&user), Action::Export, &detail))
        .await?;
    Ok(csv_response(&dated_name(&table), out))
}

/// One CSV line: a key, a label and published cells.
fn line(out: &mut String, key: &str, label: &str, cells: impl Iterator<Item = Cell>) {
    let cells: Vec<String> = cells.map(Cell::text).collect();
    let _ = writeln!(
        out,
        "{},{},{}",
        csv_field(key),
        csv_field(label),
        cells.join(",")
    );
}

fn row_csv(out: &mut String, row: &PublishedRow) {
    line(out, &row.key, &row.label, row.cells.iter().copied());
}

fn counts_csv(list: &[PublishedCount]) -> String {
    let mut out = String::from("key,label,count\n");
    for c in list {
        line(&mut out, &c.key, &c.label, [c.cell].into_iter());
    }
    out
}

fn voice_csv(groups: &[PublishedVoice]) -> String {
    let mut out = String::from("key,label");
    for b in groups
        .first()
        .map(|g| g.counts.as_slice())
        .unwrap_or_default()
    {
        out.push(',');
        out.push_str(&b.key);
    }
    out.push('\n');
    for g in groups {
        line(&mut out, &g.key, &g.label, g.counts.iter().map(|b| b.cell));
    }
    out
}

/// How a column of the records export is written.
#[derive(Clone, Copy)]
enum Shown {
    /// As read.
    Raw,
    /// The code, then a `_label` column with the words a person reads.
    Labelled(fn(&str) -> String),
    /// Milliseconds read as a London local ISO 8601 time.
    LocalTime,
}

/// The labels of a code, or of a comma-separated list of codes ("; " between them); a code
/// not on the list is kept as it is.
fn labels<T: Vocab>(codes: &str) -> String {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| T::parse_code(c).map_or(c, |t| t.label_of()))
        .collect::<Vec<_>>()
        .join("; ")
}

fn borough_label(code: &str) -> String {
    borough_name(code).unwrap_or(code).to_owned()
}

/// The columns of the records export, the SQL that reads each, and how it is written: names
/// beside ids, labels beside codes, London times.
const RECORD_COLUMNS: &[(&str, &str, Shown)] = &[
    ("id", "c.id", Shown::Raw),
    ("event_id", "c.event_id", Shown::Raw),
    (
        "event_name",
        "(SELECT e.name FROM events e WHERE e.id = c.event_id)",
        Shown::Raw,
    ),
    ("volunteer_id", "c.volunteer_id", Shown::Raw),
    (
        "volunteer_name",
        "(SELECT u.display_name FROM users u WHERE u.id = c.volunteer_id)",
        Shown::Raw,
    ),
    (
        "venue_type",
        "c.venue_type",
        Shown::Labelled(labels::<VenueType>),
    ),
    ("borough", "c.borough", Shown::Labelled(borough_label)),
    ("recorded_at", "c.recorded_at_ms", Shown::LocalTime),
    ("week", "c.week", Shown::Raw),
    ("age_band", "c.age_band", Shown::Labelled(labels::<AgeBand>)),
    ("sex", "c.sex", Shown::Labelled(labels::<Sex>)),
    (
        "ethnicity",
        "c.ethnicity",
        Shown::Labelled(labels::<Ethnicity>),
    ),
    ("nhs_ethnic_code", "c.nhs_ethnic_code", Shown::Raw),
    (
        "english_first_language",
        "c.english_first_language",
        Shown::Labelled(labels::<EnglishFirstLanguage>),
    ),
    (
        "main_language",
        "COALESCE(c.main_language, 'not_recorded')",
        Shown::Labelled(labels::<Language>),
    ),
    (
        "imd_decile",
        "COALESCE(CAST(c.imd_decile AS TEXT), 'unknown')",
        Shown::Raw,
    ),
    (
        "core20",
        "CASE WHEN c.imd_decile IS NULL THEN 'unknown' ELSE CAST(c.core20 AS TEXT) END",
        Shown::Raw,
    ),
    (
        "known_hypertension",
        "c.known_hypertension",
        Shown::Labelled(labels::<KnownHypertension>),
    ),
    (
        "conditions",
        "c.conditions",
        Shown::Labelled(labels::<Condition>),
    ),
    ("smoking", "c.smoking", Shown::Labelled(labels::<Smoking>)),
    ("systolic", "c.systolic", Shown::Raw),
    ("diastolic", "c.diastolic", Shown::Raw),
    ("pulse", "c.pulse", Shown::Raw),
    ("band", "c.band", Shown::Labelled(labels::<Band>)),
    ("newly_identified", "c.newly_identified", Shown::Raw),
    ("flagged", "c.flagged", Shown::Raw),
    ("advice", "c.advice", Shown::Labelled(labels::<Advice>)),
    ("signposted", "c.signposted", Shown::Raw),
    ("goal_set", "c.goal_set", Shown::Raw),
    ("barriers", "c.barriers", Shown::Labelled(labels::<Barrier>)),
    ("enablers", "c.enablers", Shown::Labelled(labels::<Enabler>)),
    (
        "review_state",
        "c.review_state",
        Shown::Labelled(labels::<ReviewState>),
    ),
    (
        "follow_up_state",
        "c.follow_up_state",
        Shown::Labelled(labels::<FollowUpState>),
    ),
    ("outcome", "c.outcome", Shown::Labelled(labels::<Outcome>)),
];

/// The header line of the records export.
fn record_header() -> String {
    let mut names = Vec::new();
    for (name, _, shown) in RECORD_COLUMNS {
        names.push((*name).to_owned());
        if let Shown::Labelled(_) = shown {
            names.push(format!("{name}_label"));
        }
    }
    names.join(",")
}

/// One row of the records export, its columns written as [`RECORD_COLUMNS`] says.
fn record_line(row: &rusqlite::Row<'_>) -> rusqlite::Result<String> {
    let mut fields = Vec::new();
    for (i, (_, _, shown)) in RECORD_COLUMNS.iter().enumerate() {
        let value = match row.get_ref(i)? {
            rusqlite::types::ValueRef::Integer(n) => match shown {
                Shown::LocalTime => london_date_time(n),
                _ => n.to_string(),
            },
            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            _ => String::new(),
        };
        if let Shown::Labelled(label) = shown {
            let words = if value.is_empty() {
                String::new()
            } else {
                label(&value)
            };
            fields.push(csv_field(&value));
            fields.push(csv_field(&words));
        } else {
            fields.push(csv_field(&value));
        }
    }
    Ok(fields.join(","))
}

/// A CSV field, quoted when it needs to be, and with a leading apostrophe on text that a
/// spreadsheet could take as a formula (OWASP's list: `=`, `+`, `-`, `@`, tab and carriage
/// return; also a leading space, which some spreadsheets skip before reading a formula, and
/// the full-width forms that some convert to their ASCII twins).
pub(crate) fn csv_field(text: &str) -> String {
    const FORMULA_STARTS: [char; 11] = [
        '=', '+', '-', '@', '\t', '\r', ' ', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ];
    let safe = if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// "stallside-{what}-{London date}.csv": a file per table and day, so downloads do not
/// overwrite each other.
pub(crate) fn dated_name(what: &str) -> String {
    format!("stallside-{what}-{}.csv", london_date(now_ms()))
}

/// A CSV file as a download named `filename`.
pub(crate) fn csv_response(filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn formula_starters_are_neutralised() {
        for risky in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            " =1",
            "\u{FF1D}1+1",
            "\u{FF0B}1",
            "\u{FF0D}1",
            "\u{FF20}A1",
        ] {
            let field = csv_field(risky);
            let unquoted = field.trim_start_matches('"');
            assert!(unquoted.starts_with('\''), "{risky:?} gave {field:?}");
        }
        assert_eq!(csv_field("Barnet"), "Barnet");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
    }
}
