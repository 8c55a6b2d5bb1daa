//! Outreach events (stalls): coordinators create them; they ride along with sync to the
//! phones of volunteers who work in the event's borough.

use axum::extract::State;
use rusqlite::{params, Connection, Row};
use stallside_shared::api::NewEvent;
use stallside_shared::calendar::is_date;
use stallside_shared::crdt::Role;
use stallside_shared::record::borough_name;
use stallside_shared::sync::wire::Event;
use stallside_shared::text::TextRule;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::db::next_seq;
use crate::error::{ApiError, ApiJson};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events, create_event))
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
    let event = validate(new.clone())?;
    if !session.areas.contains(&event.borough) {
        return Err(ApiError::Forbidden(
            "Events can only be created in boroughs you coordinate",
        ));
    }
    let stored = event.clone();
    state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            insert(&tx, &stored, &session.user_id)?;
            for volunteer in &new.volunteer_ids {
                tx.execute(
                    "INSERT OR IGNORE INTO event_volunteers (event_id, user_id)
                     SELECT ?1, id FROM users WHERE id = ?2",
                    params![stored.id, volunteer],
                )?;
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

/// Stores an event with the next sequence number (inside the caller's transaction).
pub fn insert(conn: &Connection, event: &Event, created_by: &str) -> Result<(), ApiError> {
    let seq = next_seq(conn)?;
    conn.execute(
        "INSERT INTO events (id, name, date, venue, venue_type, borough, seq, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            event.id,
            event.name,
            event.date,
            event.venue,
            event.venue_type.code(),
            event.borough,
            seq,
            created_by
        ],
    )?;
    Ok(())
}

/// Events in these boroughs changed after `cursor`.
pub fn changed_since(
    conn: &Connection,
    areas: &[String],
    cursor: u64,
) -> Result<Vec<Event>, ApiError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, name, date, venue, venue_type, borough FROM events
         WHERE seq > ?1 ORDER BY date DESC, name",
    )?;
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

fn from_row(row: &Row) -> rusqlite::Result<Event> {
    Ok(Event {
        id: row.get(0)?,
        name: row.get(1)?,
        date: row.get(2)?,
        venue: row.get(3)?,
        venue_type: crate::db::coded(row, 4)?,
        borough: row.get(5)?,
    })
}

/// The longest event or venue name.
pub const NAME_MAX: usize = 120;

/// Checks what a coordinator typed (names by the shared text rule, the date as a real day),
/// naming the field that is wrong.
fn validate(new: NewEvent) -> Result<Event, ApiError> {
    let bad = |m: String| Err(ApiError::BadRequest(m));
    let rule = TextRule::name(NAME_MAX);
    if let Err(e) = rule.check(&new.name) {
        return bad(format!("Event name: {e}"));
    }
    if let Err(e) = rule.check(&new.venue) {
        return bad(format!("Venue: {e}"));
    }
    if !is_date(&new.date) {
        return bad("Date: give a real day, written like 2026-11-21".into());
    }
    if borough_name(&new.borough).is_none() {
        return bad("Borough: choose a London borough".into());
    }
    Ok(Event {
        id: uuid::Uuid::new_v4().to_string(),
        name: new.name.trim().to_owned(),
        date: new.date,
        venue: new.venue.trim().to_owned(),
        venue_type: new.venue_type,
        borough: new.borough,
    })
}
