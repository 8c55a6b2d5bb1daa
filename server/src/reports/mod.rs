//! Coordinators' reports: the reach and equity dashboard, and CSV exports of the records
//! (pseudonymous) and of every report table. Everything is limited to the coordinator's
//! boroughs, and every export is audited.

pub(crate) mod csv;
pub mod facts;

use std::collections::HashMap;

use axum::extract::{Query, State};
use serde::Deserialize;
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::published::{publish, Published};
use stallside_shared::record::VenueType;
use stallside_shared::reports::{
    dashboard, index_of, Dashboard, Dimensions, EventFact, EventFilter, Fact, Filter, Labels,
    Period,
};
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
        .routes(routes!(get_published))
        .routes(routes!(csv::export_records))
        .routes(routes!(csv::export_table))
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
    /// First day covered, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last day covered (inclusive), YYYY-MM-DD.
    pub to: Option<String>,
    /// NHS financial quarter, e.g. 2026-27-Q1 (April to June 2026).
    pub quarter: Option<String>,
}

impl ReportQuery {
    /// The period asked for.
    fn period(&self) -> Period {
        Period {
            from: self.from.clone(),
            to: self.to.clone(),
            quarter: self.quarter.clone(),
        }
    }
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

/// The report as it may be handed on (to a board, in the printable report): every count of
/// 1 to 4 reads "<5" and further cells are hidden so none can be worked out. Audited.
#[utoipa::path(get, path = "/api/reports/published", tag = "reports", params(ReportQuery),
    responses((status = 200, body = Published), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn get_published(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ReportQuery>,
) -> Result<ApiJson<Published>, ApiError> {
    let user = session.user_id.clone();
    let published = publish(&compute(&state, &session, query).await?);
    state
        .db
        .write(move |conn| audit::record(conn, Some(&user), Action::Export, "published report"))
        .await?;
    Ok(ApiJson(published))
}

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
    let period = query.period();
    let (from_ms, until_ms) = period
        .range()
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let cache = state.facts.clone();
    let areas = session.areas.clone();
    state
        .db
        .read(move |conn| {
            let areas = areas;
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
                    from_ms,
                    until_ms,
                })
            })();
            let mut report = match filter {
                // Nothing has that borough, event, week or volunteer yet.
                Err(()) => dashboard(&[], &Filter::default(), dims, &labels, now_ms()),
                Ok(filter) if filter.areas.is_empty() => {
                    dashboard(&[], &filter, dims, &labels, now_ms())
                }
                Ok(filter) => dashboard(&cache.facts, &filter, dims, &labels, now_ms()),
            };
            report.period = period.label();
            let venue_type = query.venue_type.as_deref().map(VenueType::from_code);
            if venue_type != Some(None) {
                let event_filter = EventFilter {
                    areas,
                    borough: query.borough,
                    event: query.event,
                    volunteer: query.volunteer,
                    week: query.week,
                    venue_type: venue_type.flatten(),
                    from_ms,
                    until_ms,
                };
                let events = event_facts(conn, &event_filter.areas, &cache.facts, dims)?;
                report.reach.add_events(&events, &event_filter, now_ms());
            }
            Ok(report)
        })
        .await
}

/// Every event in the coordinator's boroughs with its checks (counted from the facts, all
/// of them: a check at an event makes it held whatever the filter) and its debriefs.
fn event_facts(
    conn: &rusqlite::Connection,
    areas: &[String],
    facts: &[Fact],
    dims: &Dimensions,
) -> Result<Vec<EventFact>, ApiError> {
    let mut checks = vec![0u64; dims.events.len()];
    for f in facts {
        if let Some(slot) = checks.get_mut(f.event as usize) {
            *slot += 1;
        }
    }
    Ok(crate::events::facts(conn, areas)?
        .into_iter()
        .map(|(event, debriefs)| EventFact {
            checks: dims.events.get(&event.id).map_or(0, |i| checks[i as usize]),
            day_ms: stallside_shared::calendar::day_ms(&event.date).unwrap_or(0),
            id: event.id,
            borough: event.borough,
            venue_type: event.venue_type,
            kind: event.kind,
            cancelled: event.cancelled,
            debriefs,
        })
        .collect())
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
