//! Coordinators' reports: the reach and equity dashboard, and CSV exports of the records
//! (pseudonymous) and of every report table. Everything is limited to the coordinator's
//! boroughs, and every export is audited.

pub mod facts;

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rusqlite::params;
use serde::Deserialize;
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::record::VenueType;
use stallside_shared::reports::{dashboard, index_of, Dashboard, Filter, Labels, Row};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::error::{ApiError, ApiJson};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_dashboard))
        .routes(routes!(export_records))
        .routes(routes!(export_table))
}

/// Filters for the dashboard and exports; all optional.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// ONS borough code.
    pub borough: Option<String>,
    /// Event id.
    pub event: Option<String>,
    /// Volunteer id.
    pub volunteer: Option<String>,
    /// ISO week, e.g. 2026-W47.
    pub week: Option<String>,
    /// Venue type code.
    pub venue_type: Option<String>,
}

/// The dashboard for the coordinator's boroughs.
#[utoipa::path(get, path = "/api/reports/dashboard", tag = "reports", params(ReportQuery),
    responses((status = 200, body = Dashboard), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn get_dashboard(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ReportQuery>,
) -> Result<ApiJson<Dashboard>, ApiError> {
    Ok(ApiJson(compute(&state, &session, query).await?))
}

/// Every record in the coordinator's boroughs as CSV, without personal data: no contact
/// details, no LSOA (small areas with age, sex and ethnicity could identify someone).
#[utoipa::path(get, path = "/api/reports/export/records.csv", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn export_records(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    session.require(Role::Coordinator)?;
    let user = session.user_id.clone();
    let (csv, count) = state
        .db
        .read(move |conn| {
            let mut out = RECORD_COLUMNS.join(",");
            out.push('\n');
            let mut statement = conn.prepare(&format!(
                "SELECT {} FROM checks c WHERE c.borough IN (SELECT borough FROM user_areas WHERE user_id = ?1)
                   AND (?2 IS NULL OR c.borough = ?2) AND (?3 IS NULL OR c.event_id = ?3)
                   AND (?4 IS NULL OR c.volunteer_id = ?4) AND (?5 IS NULL OR c.week = ?5)
                   AND (?6 IS NULL OR c.venue_type = ?6)
                 ORDER BY c.recorded_at_ms",
                RECORD_COLUMNS.iter().map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ")
            ))?;
            let mut rows = statement.query(params![
                session.user_id, query.borough, query.event, query.volunteer, query.week, query.venue_type
            ])?;
            let mut count = 0;
            while let Some(row) = rows.next()? {
                count += 1;
                let fields: Vec<String> = (0..RECORD_COLUMNS.len())
                    .map(|i| match row.get_ref(i) {
                        Ok(rusqlite::types::ValueRef::Integer(n)) => n.to_string(),
                        Ok(rusqlite::types::ValueRef::Text(t)) => csv_field(&String::from_utf8_lossy(t)),
                        _ => String::new(),
                    })
                    .collect();
                out.push_str(&fields.join(","));
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
    Ok(csv_response("stallside-records.csv", csv))
}

/// One report table as CSV: bands, barriers, by_borough, by_event, by_venue_type, by_week,
/// by_volunteer, by_ethnicity or by_language.
#[utoipa::path(get, path = "/api/reports/export/tables/{table}", tag = "reports", params(ReportQuery,
        ("table" = String, Path, description = "bands, barriers, by_borough, by_event, by_venue_type, by_week, by_volunteer, by_ethnicity, by_language")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn export_table(
    State(state): State<AppState>,
    session: Session,
    Path(table): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let user = session.user_id.clone();
    let d = compute(&state, &session, query).await?;
    let mut out = String::new();
    match table.as_str() {
        "bands" | "barriers" => {
            out.push_str("key,label,count\n");
            for c in if table == "bands" {
                &d.bands
            } else {
                &d.barriers
            } {
                let _ = writeln!(
                    out,
                    "{},{},{}",
                    csv_field(&c.key),
                    csv_field(&c.label),
                    c.count
                );
            }
        }
        _ => {
            let rows: &[Row] = match table.as_str() {
                "by_borough" => &d.by_borough,
                "by_event" => &d.by_event,
                "by_venue_type" => &d.by_venue_type,
                "by_week" => &d.by_week,
                "by_volunteer" => &d.by_volunteer,
                "by_ethnicity" => &d.by_ethnicity,
                "by_language" => &d.by_language,
                _ => return Err(ApiError::NotFound),
            };
            out.push_str("key,label,checks,newly_identified,severe,signposted,core20,area_known,english_not_first\n");
            for r in rows {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{}",
                    csv_field(&r.key),
                    csv_field(&r.label),
                    r.checks,
                    r.newly_identified,
                    r.severe,
                    r.signposted,
                    r.core20,
                    r.area_known,
                    r.english_not_first
                );
            }
        }
    }
    let detail = format!("table {table}");
    state
        .db
        .write(move |conn| audit::record(conn, Some(&user), Action::Export, &detail))
        .await?;
    Ok(csv_response(&format!("stallside-{table}.csv"), out))
}

/// The columns of the records export.
const RECORD_COLUMNS: &[&str] = &[
    "id",
    "event_id",
    "volunteer_id",
    "venue_type",
    "borough",
    "recorded_at_ms",
    "week",
    "age_band",
    "sex",
    "ethnicity",
    "nhs_ethnic_code",
    "english_first_language",
    "main_language",
    "imd_decile",
    "core20",
    "known_hypertension",
    "conditions",
    "smoking",
    "systolic",
    "diastolic",
    "pulse",
    "band",
    "newly_identified",
    "flagged",
    "advice",
    "signposted",
    "goal_set",
    "barriers",
    "review_state",
    "follow_up_state",
    "outcome",
];

async fn compute(
    state: &AppState,
    session: &Session,
    query: ReportQuery,
) -> Result<Dashboard, ApiError> {
    session.require(Role::Coordinator)?;
    if query
        .borough
        .as_ref()
        .is_some_and(|b| !session.areas.contains(b))
    {
        return Err(ApiError::Forbidden(
            "That borough is not one you coordinate",
        ));
    }
    let cache = state.facts.clone();
    let areas = session.areas.clone();
    state
        .db
        .read(move |conn| {
            let labels = labels(conn)?;
            let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.refresh(conn)?;
            let dims = &cache.dims;
            let known = |name: Option<u32>, asked: &Option<String>| match (asked, name) {
                (None, _) => Ok(None),
                (Some(_), Some(id)) => Ok(Some(id)),
                (Some(_), None) => Err(()),
            };
            let filter = (|| -> Result<Filter, ()> {
                Ok(Filter {
                    areas: areas.iter().filter_map(|a| dims.boroughs.get(a)).collect(),
                    borough: known(
                        query.borough.as_deref().and_then(|b| dims.boroughs.get(b)),
                        &query.borough,
                    )?,
                    event: known(
                        query.event.as_deref().and_then(|e| dims.events.get(e)),
                        &query.event,
                    )?,
                    volunteer: known(
                        query
                            .volunteer
                            .as_deref()
                            .and_then(|v| dims.volunteers.get(v)),
                        &query.volunteer,
                    )?,
                    week: known(
                        query.week.as_deref().and_then(|w| dims.weeks.get(w)),
                        &query.week,
                    )?,
                    venue_type: match &query.venue_type {
                        None => None,
                        Some(code) => Some(index_of(
                            VenueType::ALL,
                            &VenueType::from_code(code).ok_or(())?,
                        )),
                    },
                })
            })();
            Ok(match filter {
                // Nothing has that borough, event, week or volunteer yet.
                Err(()) => dashboard(&[], &Filter::default(), dims, &labels, now_ms()),
                Ok(filter) if filter.areas.is_empty() => {
                    dashboard(&[], &filter, dims, &labels, now_ms())
                }
                Ok(filter) => dashboard(&cache.facts, &filter, dims, &labels, now_ms()),
            })
        })
        .await
}

fn labels(conn: &rusqlite::Connection) -> Result<Labels, ApiError> {
    let pairs = |sql: &str| -> Result<HashMap<String, String>, ApiError> {
        let mut statement = conn.prepare_cached(sql)?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    Ok(Labels {
        events: pairs("SELECT id, name || ' (' || date || ')' FROM events")?,
        volunteers: pairs("SELECT id, display_name FROM users")?,
    })
}

/// A CSV field, quoted when it needs to be, and with a leading apostrophe on text that a
/// spreadsheet could take as a formula (OWASP's list: `=`, `+`, `-`, `@`, tab and carriage
/// return; also a leading space, which some spreadsheets skip before reading a formula, and
/// the full-width forms that some convert to their ASCII twins).
fn csv_field(text: &str) -> String {
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

fn csv_response(filename: &str, body: String) -> Response {
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
