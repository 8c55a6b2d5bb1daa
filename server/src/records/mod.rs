//! Coordinators' record review: synced records in their boroughs, filtered by event,
//! volunteer, band and review state; "has issues" with a comment that reaches the volunteer's
//! phone, or "approved". The review is a CRDT edit of the record's review part.

use axum::extract::{Path, Query, State};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use stallside_shared::api::{AttemptView, HistoryEntry, RecordDetail, RecordRow, ReviewRequest};
use stallside_shared::crdt::{ActorId, RecordDoc, Role};
use stallside_shared::record::{CheckRecord, ReviewState};
use stallside_shared::review;
use stallside_shared::sync::wire::Summary;
use stallside_shared::triage::Band;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

mod erase;

use crate::auth::Session;
use crate::db::in_areas_of;
use crate::error::{ApiError, ApiJson};
use crate::sync::edit::edit_own_part;
use crate::sync::projection::{read_summary, SUMMARY_COLUMNS};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_records))
        .routes(routes!(detail))
        .routes(routes!(history))
        .routes(routes!(review))
        .routes(routes!(erase::erase))
}

/// Filters for the review list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Event id.
    pub event: Option<String>,
    /// Volunteer id.
    pub volunteer: Option<String>,
    /// Only this band.
    #[param(value_type = Option<String>)]
    pub band: Option<Band>,
    /// Only this review state.
    #[param(value_type = Option<String>)]
    pub review_state: Option<ReviewState>,
    /// Page size (at most 500).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// Records in the coordinator's boroughs, newest first.
#[utoipa::path(get, path = "/api/records", tag = "records", params(RecordQuery),
    responses((status = 200, body = Vec<RecordRow>), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn list_records(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<RecordQuery>,
) -> Result<ApiJson<Vec<RecordRow>>, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .read(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT c.id, e.name, u.display_name, {SUMMARY_COLUMNS}
                 FROM checks c
                 LEFT JOIN events e ON e.id = c.event_id
                 LEFT JOIN users u ON u.id = c.volunteer_id
                 WHERE {}
                   AND (?2 IS NULL OR c.event_id = ?2) AND (?3 IS NULL OR c.volunteer_id = ?3)
                   AND (?4 IS NULL OR c.band = ?4) AND (?5 IS NULL OR c.review_state = ?5)
                 ORDER BY c.recorded_at_ms DESC LIMIT ?6 OFFSET ?7",
                in_areas_of("c.borough", "?1")
            ))?;
            let rows = statement.query_map(
                params![
                    session.user_id,
                    query.event,
                    query.volunteer,
                    query.band.map(Band::code),
                    query.review_state.map(ReviewState::code),
                    query.limit.unwrap_or(100).min(500),
                    query.offset.unwrap_or(0)
                ],
                |r| {
                    Ok(RecordRow {
                        id: r.get(0)?,
                        event_name: r.get(1)?,
                        volunteer_name: r.get(2)?,
                        // Never the card: a coordinator could link one person's visits.
                        summary: Summary {
                            card: None,
                            ..read_summary(r, 3)?
                        },
                    })
                },
            )?;
            Ok(ApiJson(rows.collect::<Result<_, _>>()?))
        })
        .await
}

/// The whole check behind a review row or a flag: coordinators see their boroughs' records,
/// supervisors the flagged ones.
#[utoipa::path(get, path = "/api/records/{id}", tag = "records",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = RecordDetail), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<RecordDetail>, ApiError> {
    let flagged_only = flagged_only(&session)?;
    state
        .db
        .read(move |conn| {
            Ok(ApiJson(record_detail(
                conn,
                id,
                &session.user_id,
                flagged_only,
            )?))
        })
        .await
}

/// Who changed a record, in which role, when and which fields, read from its Automerge
/// history and the server's actor bindings. Coordinators see their boroughs' records,
/// supervisors the flagged ones.
#[utoipa::path(get, path = "/api/records/{id}/history", tag = "records",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn history(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<Vec<HistoryEntry>>, ApiError> {
    let flagged_only = flagged_only(&session)?;
    state
        .db
        .read(move |conn| {
            let doc = stored_doc(conn, id, &session.user_id, flagged_only)?.doc;
            let mut entries = Vec::new();
            for edit in doc_of(&doc)?.field_history() {
                let author = author(conn, &edit.actor)?;
                entries.push(HistoryEntry {
                    at_ms: edit.time_secs.saturating_mul(1000),
                    who: author.as_ref().map(|(name, _)| name.clone()),
                    role: author.map(|(_, role)| role),
                    fields: edit.fields.into_iter().collect(),
                });
            }
            Ok(ApiJson(entries))
        })
        .await
}

/// Reviews a record; the comment reaches the volunteer's phone with the next sync.
#[utoipa::path(post, path = "/api/records/{id}/review", tag = "records", request_body = ReviewRequest,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn review(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    session.require(Role::Coordinator)?;
    let review_state = request.state;
    edit_own_part(&state, &session, id, move |record: &mut CheckRecord, me| {
        Ok(review::apply(
            &mut record.review,
            review_state,
            request.comment.as_deref(),
            me,
        )?)
    })
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Reads the whole check of a record in the user's boroughs from its document (flagged ones
/// only, for a supervisor); not found otherwise.
fn record_detail(
    conn: &Connection,
    id: Uuid,
    user_id: &str,
    flagged_only: bool,
) -> Result<RecordDetail, ApiError> {
    let StoredRecord {
        doc,
        event_name,
        volunteer_name,
        volunteer_phone,
    } = stored_doc(conn, id, user_id, flagged_only)?;
    let mut doc = doc_of(&doc)?;
    let record = doc
        .record()
        .map_err(|_| ApiError::Internal("a stored document could not be read"))?;
    let attempts = record
        .follow_up
        .attempts
        .iter()
        .zip(doc.attempt_actors())
        .map(|(attempt, actor)| {
            let by = match actor {
                Some(actor) => author(conn, &actor)?.map(|(name, _)| name),
                None => None,
            };
            Ok(AttemptView {
                at_ms: attempt.at_ms,
                reached: attempt.reached,
                by,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let check = record.check;
    Ok(RecordDetail {
        readings: check.readings,
        pulse_irregular_on_repeat: check.pulse_irregular_on_repeat,
        red_flags: check
            .red_flags
            .iter()
            .map(|f| f.label().to_owned())
            .collect(),
        low_bp_symptoms: check
            .low_bp_symptoms
            .iter()
            .map(|s| s.label().to_owned())
            .collect(),
        known_hypertension: check.known_hypertension.label().to_owned(),
        age_band: check.age_band.label().to_owned(),
        sex: check.sex.label().to_owned(),
        event_name,
        volunteer_name,
        volunteer_phone,
        attempts,
    })
}

/// A record's stored document with its event's and volunteer's names and the volunteer's
/// work number.
struct StoredRecord {
    doc: Vec<u8>,
    event_name: Option<String>,
    volunteer_name: Option<String>,
    volunteer_phone: Option<String>,
}

/// A record's stored document, with its event's and volunteer's names, if the user may see
/// it (by area; flagged records only for a supervisor).
fn stored_doc(
    conn: &Connection,
    id: Uuid,
    user_id: &str,
    flagged_only: bool,
) -> Result<StoredRecord, ApiError> {
    conn.query_row(
        &format!(
            "SELECT d.doc, e.name, u.display_name, u.phone FROM checks c
                 JOIN documents d ON d.id = c.id
                 LEFT JOIN events e ON e.id = c.event_id
                 LEFT JOIN users u ON u.id = c.volunteer_id
                 WHERE c.id = ?1 AND (?3 = 0 OR c.flagged = 1) AND {}",
            in_areas_of("c.borough", "?2")
        ),
        params![id.to_string(), user_id, flagged_only],
        |r| {
            Ok(StoredRecord {
                doc: r.get(0)?,
                event_name: r.get(1)?,
                volunteer_name: r.get(2)?,
                volunteer_phone: r.get(3)?,
            })
        },
    )
    .optional()?
    .ok_or(ApiError::NotFound)
}

/// What of a record staff may read: coordinators their boroughs' records, supervisors the
/// flagged ones; volunteers read theirs on their phones.
fn flagged_only(session: &Session) -> Result<bool, ApiError> {
    match session.role {
        Role::Coordinator => Ok(false),
        Role::Supervisor => Ok(true),
        Role::Volunteer => Err(ApiError::Forbidden("Your role cannot do this")),
    }
}

/// The name and role of the user an actor id is bound to, if any.
fn author(conn: &Connection, actor: &ActorId) -> Result<Option<(String, Role)>, ApiError> {
    Ok(conn
        .prepare_cached(
            "SELECT u.display_name, u.role FROM actors a JOIN users u ON u.id = a.user_id
             WHERE a.actor_id = ?1",
        )?
        .query_row(params![actor.to_hex_string()], |r| {
            Ok((r.get::<_, String>(0)?, crate::db::coded::<Role>(r, 1)?))
        })
        .optional()?)
}

/// Loads a stored document.
fn doc_of(bytes: &[u8]) -> Result<RecordDoc, ApiError> {
    RecordDoc::load(bytes).map_err(|_| ApiError::Internal("a stored document could not be read"))
}
