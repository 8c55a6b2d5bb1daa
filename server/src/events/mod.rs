//! Outreach events (stalls and health workshops): coordinators create, edit, cancel and copy
//! them; volunteers start stalls on their phones and file debriefs, which arrive with sync
//! ([`apply_pushes`], judged by [`stallside_shared::events::judge_event`]); every change
//! rides along with sync to the phones of volunteers who work in the event's borough.

use std::collections::HashMap;

use axum::extract::{Path, State};
use rusqlite::{params, Connection, OptionalExtension, Row};
use stallside_shared::api::{CopyEvent, DebriefView, EventOverview, NewEvent};
use stallside_shared::crdt::Role;
use stallside_shared::events::{
    coordinator_plan, judge_event, Debrief, EventRejection, Plan, PlanEffect, StoredEvent,
};
use stallside_shared::sync::judge::Pusher;
use stallside_shared::sync::wire::{Event, EventPush, EventResult, PlanPush};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::db::{in_areas_of, next_seq};
use crate::error::{ApiError, ApiJson};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events, create_event))
        .routes(routes!(overview))
        .routes(routes!(edit_event))
        .routes(routes!(copy_event))
}

/// Events in the user's boroughs, newest first.
#[utoipa::path(get, path = "/api/events", tag = "events",
    responses((status = 200, body = Vec<Event>), (status = 401, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn list_events(
    State(state): State<AppState>,
    session: Session,
) -> Result<ApiJson<Vec<Event>>, ApiError> {
    state
        .db
        .read(move |conn| Ok(ApiJson(changed_since(conn, &session.areas, 0)?)))
        .await
}

/// Creates an event in one of the coordinator's boroughs.
#[utoipa::path(post, path = "/api/events", tag = "events", request_body = NewEvent,
    responses((status = 200, body = Event), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn create_event(
    State(state): State<AppState>,
    session: Session,
    ApiJson(new): ApiJson<NewEvent>,
) -> Result<ApiJson<Event>, ApiError> {
    session.require(Role::Coordinator)?;
    let plan = PlanPush {
        name: new.name,
        date: new.date,
        venue: new.venue,
        venue_type: new.venue_type.code().into(),
        borough: new.borough,
        kind: new.kind.code().into(),
        cancelled: false,
    };
    let plan = coordinator_plan(None, &plan, &session.pusher()).map_err(refusal)?;
    let event = plan.event(&uuid::Uuid::new_v4().to_string(), 1);
    let stored = event.clone();
    state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            insert(&tx, &stored, &session.user_id, false)?;
            for volunteer in &new.volunteer_ids {
                add_volunteer(&tx, &stored.id, volunteer)?;
            }
            audit::record(
                &tx,
                Some(&session.user_id),
                Action::EventChange,
                &format!("create {}", stored.id),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(ApiJson(event))
}

/// Changes an event's plan (including cancelling it, or taking a cancellation back): a
/// coordinator, in their boroughs before and after. A cancelled event keeps its checks and
/// debriefs; phones receive the change with their next sync.
#[utoipa::path(put, path = "/api/events/{id}", tag = "events", request_body = PlanPush,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = Event), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn edit_event(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    ApiJson(plan): ApiJson<PlanPush>,
) -> Result<ApiJson<Event>, ApiError> {
    session.require(Role::Coordinator)?;
    let who = session.pusher();
    let event = state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            let stored = load(&tx, &id)?.ok_or(ApiError::NotFound)?;
            let plan = coordinator_plan(Some(&stored.plan), &plan, &who).map_err(refusal)?;
            let rev = update_plan(&tx, &id, &plan)?;
            audit::record(
                &tx,
                Some(&who.user_id),
                Action::EventChange,
                &format!("{} {id}", if plan.cancelled { "cancel" } else { "edit" }),
            )?;
            tx.commit()?;
            Ok(plan.event(&id, rev))
        })
        .await?;
    Ok(ApiJson(event))
}

/// Copies an event (plan and volunteers, not cancelled) to another day.
#[utoipa::path(post, path = "/api/events/{id}/copy", tag = "events", request_body = CopyEvent,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = Event), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn copy_event(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    ApiJson(copy): ApiJson<CopyEvent>,
) -> Result<ApiJson<Event>, ApiError> {
    session.require(Role::Coordinator)?;
    let who = session.pusher();
    let event = state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            let stored = load(&tx, &id)?.ok_or(ApiError::NotFound)?;
            let mut plan = stored.plan.push();
            plan.date = copy.date;
            plan.cancelled = false;
            let plan = coordinator_plan(Some(&stored.plan), &plan, &who).map_err(refusal)?;
            let event = plan.event(&uuid::Uuid::new_v4().to_string(), 1);
            insert(&tx, &event, &who.user_id, false)?;
            tx.execute(
                "INSERT INTO event_volunteers (event_id, user_id)
                 SELECT ?1, user_id FROM event_volunteers WHERE event_id = ?2",
                params![event.id, id],
            )?;
            audit::record(
                &tx,
                Some(&who.user_id),
                Action::EventChange,
                &format!("copy {id} to {}", event.id),
            )?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    Ok(ApiJson(event))
}

/// The coordinator's events list: each event in their boroughs with its checks and the
/// volunteers' debriefs, newest first.
#[utoipa::path(get, path = "/api/events/overview", tag = "events",
    responses((status = 200, body = Vec<EventOverview>), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn overview(
    State(state): State<AppState>,
    session: Session,
) -> Result<ApiJson<Vec<EventOverview>>, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .read(move |conn| Ok(ApiJson(overviews(conn, &session.user_id)?)))
        .await
}

/// The events in the coordinator's boroughs with their figures: the area rule is applied in
/// SQL, so neither other boroughs' debriefs nor their check counts are read.
fn overviews(conn: &Connection, user_id: &str) -> Result<Vec<EventOverview>, ApiError> {
    let mut debriefs: HashMap<String, Vec<DebriefView>> = HashMap::new();
    let mut statement = conn.prepare_cached(&format!(
        "SELECT d.event_id, COALESCE(u.display_name, d.volunteer_id), d.footfall,
                d.conversations, d.leaflets, d.attendance, d.kit_used, d.note
         FROM event_debriefs d JOIN events e ON e.id = d.event_id
         LEFT JOIN users u ON u.id = d.volunteer_id
         WHERE {}
         ORDER BY d.updated_at_ms",
        in_areas_of("e.borough", "?1")
    ))?;
    let mut rows = statement.query([user_id])?;
    while let Some(row) = rows.next()? {
        debriefs.entry(row.get(0)?).or_default().push(DebriefView {
            volunteer: row.get(1)?,
            footfall: row.get(2)?,
            conversations: row.get(3)?,
            leaflets: row.get(4)?,
            attendance: row.get(5)?,
            kit_used: row.get(6)?,
            note: row.get(7)?,
        });
    }
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS}, e.started_on_phone,
                (SELECT COUNT(*) FROM checks c WHERE c.event_id = e.id)
         FROM events e WHERE {} ORDER BY e.date DESC, e.name",
        in_areas_of("e.borough", "?1")
    ))?;
    let rows = statement.query_map([user_id], |row| {
        Ok((
            from_row(row)?,
            row.get::<_, bool>(9)?,
            row.get::<_, u64>(10)?,
        ))
    })?;
    let mut list = Vec::new();
    for row in rows {
        let (event, started_on_phone, checks) = row?;
        let debriefs = debriefs.remove(&event.id).unwrap_or_default();
        let most =
            |f: fn(&DebriefView) -> Option<u32>| debriefs.iter().filter_map(f).map(u64::from).max();
        list.push(EventOverview {
            started_on_phone,
            checks,
            conversations: debriefs.iter().map(|d| u64::from(d.conversations)).sum(),
            leaflets: debriefs.iter().map(|d| u64::from(d.leaflets)).sum(),
            footfall: most(|d| d.footfall),
            attendance: most(|d| d.attendance),
            debriefs,
            event,
        });
    }
    Ok(list)
}

/// Judges and stores the events a phone pushed, each on its own: a refused event is answered
/// with its reason and the others are stored (inside the caller's transaction).
pub fn apply_pushes(
    conn: &Connection,
    pusher: &Pusher,
    pushes: &[EventPush],
) -> Result<Vec<EventResult>, ApiError> {
    let mut results = Vec::with_capacity(pushes.len());
    for push in pushes {
        let stored = load(conn, &push.id)?;
        let debrief_at: Option<i64> = conn
            .query_row(
                "SELECT updated_at_ms FROM event_debriefs WHERE event_id = ?1 AND volunteer_id = ?2",
                params![push.id, pusher.user_id],
                |r| r.get(0),
            )
            .optional()?;
        let verdict = match judge_event(push, stored.as_ref(), debrief_at, pusher) {
            Ok(verdict) => verdict,
            Err(rejection) => {
                results.push(EventResult::Rejected {
                    id: push.id.clone(),
                    code: rejection.code().into(),
                    reason: rejection.to_string(),
                });
                continue;
            }
        };
        match &verdict.plan {
            PlanEffect::Create(plan) => {
                insert(conn, &plan.event(&push.id, 1), &pusher.user_id, true)?;
                add_volunteer(conn, &push.id, &pusher.user_id)?;
                audit::record(
                    conn,
                    Some(&pusher.user_id),
                    Action::EventChange,
                    &format!("start on a phone {}", push.id),
                )?;
            }
            PlanEffect::Update(plan) => {
                update_plan(conn, &push.id, plan)?;
            }
            PlanEffect::Unchanged | PlanEffect::Stale => {}
        }
        if let Some(debrief) = &verdict.debrief {
            store_debrief(conn, &push.id, &pusher.user_id, debrief)?;
        }
        results.push(EventResult::Accepted {
            id: push.id.clone(),
            warning: verdict.warning,
        });
    }
    Ok(results)
}

/// A refused plan as the forms show it (the message names the field).
fn refusal(rejection: EventRejection) -> ApiError {
    match rejection {
        EventRejection::OutsideArea => {
            ApiError::Forbidden("Events can only be in boroughs you coordinate")
        }
        EventRejection::WrongRole(_) => ApiError::Forbidden("Your role cannot do this"),
        other => ApiError::BadRequest(other.to_string()),
    }
}

fn add_volunteer(conn: &Connection, event_id: &str, user_id: &str) -> Result<(), ApiError> {
    conn.execute(
        "INSERT OR IGNORE INTO event_volunteers (event_id, user_id)
         SELECT ?1, id FROM users WHERE id = ?2",
        params![event_id, user_id],
    )?;
    Ok(())
}

/// Stores an event with the next sequence number (inside the caller's transaction).
pub fn insert(
    conn: &Connection,
    event: &Event,
    created_by: &str,
    started_on_phone: bool,
) -> Result<(), ApiError> {
    let seq = next_seq(conn)?;
    conn.execute(
        "INSERT INTO events (id, name, date, venue, venue_type, borough, seq, created_by,
                             kind, cancelled, plan_rev, started_on_phone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            event.id,
            event.name,
            event.date,
            event.venue,
            event.venue_type.code(),
            event.borough,
            seq,
            created_by,
            event.kind.code(),
            event.cancelled,
            event.plan_rev,
            started_on_phone
        ],
    )?;
    Ok(())
}

/// Stores a new plan at the next revision and sequence number, so phones pull it; returns
/// the revision.
fn update_plan(conn: &Connection, id: &str, plan: &Plan) -> Result<u64, ApiError> {
    let seq = next_seq(conn)?;
    Ok(conn.query_row(
        "UPDATE events SET name = ?2, date = ?3, venue = ?4, venue_type = ?5, borough = ?6,
                kind = ?7, cancelled = ?8, plan_rev = plan_rev + 1, seq = ?9
         WHERE id = ?1 RETURNING plan_rev",
        params![
            id,
            plan.name,
            plan.date,
            plan.venue,
            plan.venue_type.code(),
            plan.borough,
            plan.kind.code(),
            plan.cancelled,
            seq
        ],
        |r| r.get(0),
    )?)
}

fn store_debrief(
    conn: &Connection,
    event_id: &str,
    volunteer_id: &str,
    d: &Debrief,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT OR REPLACE INTO event_debriefs (event_id, volunteer_id, updated_at_ms, footfall,
                conversations, leaflets, attendance, kit_used, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            event_id,
            volunteer_id,
            d.updated_at_ms,
            d.footfall,
            d.conversations,
            d.leaflets,
            d.attendance,
            d.kit_used,
            d.note
        ],
    )?;
    Ok(())
}

/// What the server holds of an event's plan.
fn load(conn: &Connection, id: &str) -> Result<Option<StoredEvent>, ApiError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {EVENT_COLUMNS}, e.created_by, e.started_on_phone FROM events e
                 WHERE e.id = ?1"
            ),
            params![id],
            |row| {
                let event = from_row(row)?;
                Ok(StoredEvent {
                    plan: Plan::of(&event),
                    plan_rev: event.plan_rev,
                    created_by: row.get(9)?,
                    started_on_phone: row.get(10)?,
                })
            },
        )
        .optional()?)
}

/// Events in these boroughs changed after `cursor`.
pub fn changed_since(
    conn: &Connection,
    areas: &[String],
    cursor: u64,
) -> Result<Vec<Event>, ApiError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events e WHERE e.seq > ?1 ORDER BY e.date DESC, e.name"
    ))?;
    let rows = statement.query_map(params![cursor], from_row)?;
    let mut events = Vec::new();
    for event in rows {
        let event = event?;
        if areas.contains(&event.borough) {
            events.push(event);
        }
    }
    Ok(events)
}

/// The columns [`from_row`] reads, in order.
const EVENT_COLUMNS: &str = "e.id, e.name, e.date, e.venue, e.venue_type, e.borough, e.kind, \
                             e.cancelled, e.plan_rev";

fn from_row(row: &Row) -> rusqlite::Result<Event> {
    Ok(Event {
        id: row.get(0)?,
        name: row.get(1)?,
        date: row.get(2)?,
        venue: row.get(3)?,
        venue_type: crate::db::coded(row, 4)?,
        borough: row.get(5)?,
        kind: crate::db::coded(row, 6)?,
        cancelled: row.get(7)?,
        plan_rev: row.get(8)?,
    })
}

/// What the reach report needs of every event in these boroughs (checks counted from the
/// report's facts by the caller).
pub fn facts(
    conn: &Connection,
    areas: &[String],
) -> Result<Vec<(Event, Vec<stallside_shared::reports::DebriefFact>)>, ApiError> {
    let mut debriefs: HashMap<String, Vec<stallside_shared::reports::DebriefFact>> = HashMap::new();
    let mut statement = conn.prepare_cached(
        "SELECT event_id, volunteer_id, conversations, COALESCE(attendance, 0)
         FROM event_debriefs",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        debriefs
            .entry(row.get(0)?)
            .or_default()
            .push(stallside_shared::reports::DebriefFact {
                volunteer: row.get(1)?,
                conversations: row.get(2)?,
                attendance: row.get(3)?,
            });
    }
    let events = changed_since(conn, areas, 0)?;
    Ok(events
        .into_iter()
        .map(|e| {
            let d = debriefs.remove(&e.id).unwrap_or_default();
            (e, d)
        })
        .collect())
}
