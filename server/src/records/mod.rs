//! Coordinators' record review: synced records in their boroughs, filtered by event,
//! volunteer, band and review state; "has issues" with a comment that reaches the volunteer's
//! phone, or "approved". The review is a CRDT edit of the record's review part.

use axum::extract::{Path, Query, State};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use stallside_shared::crdt::Role;
use stallside_shared::record::{CheckRecord, ReviewState};
use stallside_shared::review;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

mod erase;

use crate::auth::Session;
use crate::error::{ApiError, ApiJson};
use crate::sync::edit::edit_own_part;
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_records))
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
    /// Band code.
    pub band: Option<String>,
    /// received, has_issues or approved.
    pub review_state: Option<String>,
    /// Page size (at most 500).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// A record as the review list shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordRow {
    /// Record id.
    pub id: String,
    /// When the check was taken.
    pub recorded_at_ms: i64,
    /// Event id.
    pub event_id: String,
    /// Event name, if the event is known to the server.
    pub event_name: Option<String>,
    /// Volunteer id.
    pub volunteer_id: String,
    /// Volunteer's name.
    pub volunteer_name: Option<String>,
    /// Band code.
    pub band: String,
    /// Recorded reading.
    pub systolic: u16,
    /// Recorded reading.
    pub diastolic: u16,
    /// Review state code.
    pub review_state: String,
    /// The coordinator's comment.
    pub review_comment: Option<String>,
    /// Follow-up state code.
    pub follow_up_state: String,
    /// Outcome code.
    pub outcome: Option<String>,
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
            let mut statement = conn.prepare_cached(
                "SELECT c.id, c.recorded_at_ms, c.event_id, e.name, c.volunteer_id, u.display_name,
                        c.band, c.systolic, c.diastolic, c.review_state, c.review_comment,
                        c.follow_up_state, c.outcome
                 FROM checks c
                 LEFT JOIN events e ON e.id = c.event_id
                 LEFT JOIN users u ON u.id = c.volunteer_id
                 WHERE c.borough IN (SELECT borough FROM user_areas WHERE user_id = ?1)
                   AND (?2 IS NULL OR c.event_id = ?2) AND (?3 IS NULL OR c.volunteer_id = ?3)
                   AND (?4 IS NULL OR c.band = ?4) AND (?5 IS NULL OR c.review_state = ?5)
                 ORDER BY c.recorded_at_ms DESC LIMIT ?6 OFFSET ?7",
            )?;
            let rows = statement.query_map(
                params![
                    session.user_id,
                    query.event,
                    query.volunteer,
                    query.band,
                    query.review_state,
                    query.limit.unwrap_or(100).min(500),
                    query.offset.unwrap_or(0)
                ],
                |r| {
                    Ok(RecordRow {
                        id: r.get(0)?,
                        recorded_at_ms: r.get(1)?,
                        event_id: r.get(2)?,
                        event_name: r.get(3)?,
                        volunteer_id: r.get(4)?,
                        volunteer_name: r.get(5)?,
                        band: r.get(6)?,
                        systolic: r.get(7)?,
                        diastolic: r.get(8)?,
                        review_state: r.get(9)?,
                        review_comment: r.get(10)?,
                        follow_up_state: r.get(11)?,
                        outcome: r.get(12)?,
                    })
                },
            )?;
            Ok(ApiJson(rows.collect::<Result<_, _>>()?))
        })
        .await
}

/// A coordinator's review.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// received, has_issues or approved.
    pub state: String,
    /// For the volunteer; needed with has_issues.
    pub comment: Option<String>,
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
    let review_state = ReviewState::from_code(&request.state)
        .ok_or_else(|| ApiError::BadRequest("Choose received, has issues or approved".into()))?;
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
