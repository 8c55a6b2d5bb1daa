//! The supervisors' flag queue: flagged readings by urgency then age, with their deadlines;
//! claim, contact attempts, outcome, close; a coordinator's release or hand-over of a claim. Each action is a CRDT edit of the record's
//! follow-up part, made on the server for the supervisor's session and judged by the same
//! rules as a pushed change, so it syncs back to the volunteer's phone like any other.

mod live;

use axum::extract::{Path, State};
use rusqlite::{params, OptionalExtension};
use stallside_shared::api::{
    AttemptRequest, CloseRequest, ContactView, Flag, ReassignRequest, SupervisorView,
};
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::follow_up::{self, FollowUpAction, FollowUpContext};
use stallside_shared::record::{CheckRecord, FollowUpState, Outcome};
use stallside_shared::retention::{contact_erase_at, contact_retention, ContactRetention};
use stallside_shared::triage::{assess, TriageInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::db::in_areas_of;
use crate::error::{ApiError, ApiJson};
use crate::sync::edit::edit_own_part;
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(live::live))
        .routes(routes!(claim))
        .routes(routes!(release))
        .routes(routes!(reassign))
        .routes(routes!(supervisors))
        .routes(routes!(attempt))
        .routes(routes!(close))
        .routes(routes!(contact))
}

/// The queue: open and claimed flags in the supervisor's boroughs, most urgent first, then
/// oldest (up to 500); then the 50 most recently closed. Coordinators see their boroughs'
/// queue too, to release or hand over a claim.
#[utoipa::path(get, path = "/api/flags", tag = "flags",
    responses((status = 200, body = Vec<Flag>), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn queue(
    State(state): State<AppState>,
    session: Session,
) -> Result<ApiJson<Vec<Flag>>, ApiError> {
    require_staff(&session)?;
    let settings = state.policy.get().settings;
    state
        .db
        .read(move |conn| {
            let columns = "c.id, c.band, c.urgency, c.systolic, c.diastolic, c.recorded_at_ms,
                    c.deadline_at_ms, c.follow_up_state, c.claimed_by, c.outcome, c.borough,
                    c.event_id, (SELECT added_at_ms FROM contacts k WHERE k.record_id = c.id),
                    (SELECT display_name FROM users u WHERE u.id = c.claimed_by)";
            let mine = in_areas_of("c.borough", "?1");
            let mut statement = conn.prepare_cached(&format!(
                "SELECT * FROM (SELECT {columns} FROM checks c INDEXED BY checks_open_flags
                   WHERE c.flagged = 1 AND c.follow_up_state <> 'closed' AND {mine}
                   ORDER BY c.urgency DESC, c.recorded_at_ms ASC LIMIT 500)
                 UNION ALL
                 SELECT * FROM (SELECT {columns} FROM checks c INDEXED BY checks_closed_flags
                   WHERE c.flagged = 1 AND c.follow_up_state = 'closed' AND {mine}
                   ORDER BY c.closed_at_ms DESC LIMIT 50)"
            ))?;
            let now = now_ms();
            let rows = statement.query_map(params![session.user_id], |row| {
                let deadline: Option<i64> = row.get(6)?;
                let state: FollowUpState = crate::db::coded(row, 7)?;
                let claimed_by: Option<String> = row.get(8)?;
                let contact_added: Option<i64> = row.get(12)?;
                Ok(Flag {
                    id: row.get(0)?,
                    band: crate::db::coded(row, 1)?,
                    urgency: row.get(2)?,
                    systolic: row.get(3)?,
                    diastolic: row.get(4)?,
                    recorded_at_ms: row.get(5)?,
                    deadline_at_ms: deadline,
                    overdue: state != FollowUpState::Closed && deadline.is_some_and(|d| d < now),
                    claimed_by_me: claimed_by.as_deref() == Some(session.user_id.as_str()),
                    claimed_by_other: claimed_by.as_ref().is_some_and(|c| *c != session.user_id),
                    claimed_by_name: row.get(13)?,
                    state,
                    outcome: row
                        .get::<_, Option<String>>(9)?
                        .as_deref()
                        .and_then(Outcome::from_code),
                    borough: row.get(10)?,
                    event_id: row.get(11)?,
                    has_contact: contact_added.is_some(),
                    contact_erased_at_ms: contact_added.and_then(|added| {
                        match contact_retention(added, now, &settings) {
                            ContactRetention::Keep => None,
                            ContactRetention::Warn { erase_at_ms } => Some(erase_at_ms),
                            ContactRetention::Erase => Some(contact_erase_at(added, &settings)),
                        }
                    }),
                })
            })?;
            Ok(ApiJson(rows.collect::<Result<_, _>>()?))
        })
        .await
}

/// Claims a flag: this supervisor will follow it up.
#[utoipa::path(post, path = "/api/flags/{id}/claim", tag = "flags",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<Flag>), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn claim(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<Vec<Flag>>, ApiError> {
    edit(&state, &session, id, |_| FollowUpAction::Claim).await?;
    queue(State(state), session).await
}

/// Releases a claim, the claimer's own or (for a coordinator) anyone's: the flag goes back to
/// the queue with its attempts, for another supervisor to claim. Audited.
#[utoipa::path(post, path = "/api/flags/{id}/release", tag = "flags",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<Flag>), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn release(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<Vec<Flag>>, ApiError> {
    edit(&state, &session, id, |_| FollowUpAction::Release).await?;
    let by = session.user_id.clone();
    state
        .db
        .write(move |conn| audit::record(conn, Some(&by), Action::FlagRelease, &id.to_string()))
        .await?;
    queue(State(state), session).await
}

/// A coordinator hands a claimed flag to another supervisor of its borough, attempts kept.
/// Audited.
#[utoipa::path(post, path = "/api/flags/{id}/reassign", tag = "flags", request_body = ReassignRequest,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<Flag>), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn reassign(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    ApiJson(request): ApiJson<ReassignRequest>,
) -> Result<ApiJson<Vec<Flag>>, ApiError> {
    let to = request.to.clone();
    edit(&state, &session, id, move |_| FollowUpAction::Reassign {
        to,
    })
    .await?;
    let by = session.user_id.clone();
    state
        .db
        .write(move |conn| {
            audit::record(
                conn,
                Some(&by),
                Action::FlagReassign,
                &format!("{id} to {}", request.to),
            )
        })
        .await?;
    queue(State(state), session).await
}

/// The supervisors a coordinator may hand this flag to: the active supervisors of the
/// record's borough other than the one holding the claim, by name. Coordinators of the
/// record's borough only; anyone else's record is not found.
#[utoipa::path(get, path = "/api/flags/{id}/supervisors", tag = "flags",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<SupervisorView>), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn supervisors(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<Vec<SupervisorView>>, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .read(move |conn| {
            let claimed_by: Option<Option<String>> = conn
                .query_row(
                    &format!(
                        "SELECT claimed_by FROM checks WHERE id = ?1 AND flagged = 1 AND {}",
                        in_areas_of("borough", "?2")
                    ),
                    params![id.to_string(), session.user_id],
                    |row| row.get(0),
                )
                .optional()?;
            let claimed_by = claimed_by.ok_or(ApiError::NotFound)?;
            let mut statement = conn.prepare_cached(
                "SELECT u.id, u.display_name FROM checks c
                   JOIN user_areas a ON a.borough = c.borough
                   JOIN users u ON u.id = a.user_id
                 WHERE c.id = ?1 AND u.role = 'supervisor' AND u.disabled = 0
                   AND u.id IS NOT ?2
                 ORDER BY u.display_name",
            )?;
            let rows = statement.query_map(params![id.to_string(), claimed_by], |row| {
                Ok(SupervisorView {
                    id: row.get(0)?,
                    display_name: row.get(1)?,
                })
            })?;
            let list = rows.collect::<Result<Vec<_>, _>>()?;
            Ok(ApiJson(list))
        })
        .await
}

/// Records a contact attempt on a claimed flag.
#[utoipa::path(post, path = "/api/flags/{id}/attempts", tag = "flags", request_body = AttemptRequest,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<Flag>), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn attempt(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    ApiJson(request): ApiJson<AttemptRequest>,
) -> Result<ApiJson<Vec<Flag>>, ApiError> {
    edit(&state, &session, id, move |now_ms| {
        FollowUpAction::Attempt {
            reached: request.reached,
            at_ms: now_ms,
        }
    })
    .await?;
    queue(State(state), session).await
}

/// Closes a claimed flag with its outcome; the contact details are deleted.
#[utoipa::path(post, path = "/api/flags/{id}/close", tag = "flags", request_body = CloseRequest,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<Flag>), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn close(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    ApiJson(request): ApiJson<CloseRequest>,
) -> Result<ApiJson<Vec<Flag>>, ApiError> {
    let outcome = request.outcome;
    edit(&state, &session, id, move |now_ms| FollowUpAction::Close {
        outcome,
        at_ms: now_ms,
    })
    .await?;
    queue(State(state), session).await
}

/// The contact number of a flag this supervisor claimed. Every read is audited.
#[utoipa::path(get, path = "/api/flags/{id}/contact", tag = "flags",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = ContactView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn contact(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<ContactView>, ApiError> {
    session.require(Role::Supervisor)?;
    state
        .db
        .write(move |conn| {
            let claimed_by: Option<Option<String>> = conn
                .query_row(
                    &format!(
                        "SELECT claimed_by FROM checks
                         WHERE id = ?1 AND flagged = 1 AND follow_up_state = 'claimed' AND {}",
                        in_areas_of("borough", "?2")
                    ),
                    params![id.to_string(), session.user_id],
                    |r| r.get(0),
                )
                .optional()?;
            match claimed_by {
                None => return Err(ApiError::NotFound),
                Some(by) if by.as_deref() != Some(session.user_id.as_str()) => {
                    return Err(ApiError::Forbidden(
                        "Claim the flag to see the contact details",
                    ));
                }
                Some(_) => {}
            }
            let phone: String = conn
                .query_row(
                    "SELECT phone FROM contacts WHERE record_id = ?1",
                    params![id.to_string()],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(ApiError::NotFound)?;
            audit::record(
                conn,
                Some(&session.user_id),
                Action::ContactRead,
                &format!("record {id}"),
            )?;
            Ok(ApiJson(ContactView { phone }))
        })
        .await
}

/// Supervisors work the queue; coordinators oversee it.
fn require_staff(session: &Session) -> Result<(), ApiError> {
    match session.role {
        Role::Supervisor | Role::Coordinator => Ok(()),
        Role::Volunteer => Err(ApiError::Forbidden("Your role cannot do this")),
    }
}

/// Makes one follow-up move as this supervisor or coordinator, by the shared follow-up rules;
/// `action` is given the server's clock.
async fn edit(
    state: &AppState,
    session: &Session,
    id: Uuid,
    action: impl FnOnce(i64) -> FollowUpAction + Send + 'static,
) -> Result<(), ApiError> {
    require_staff(session)?;
    let coordinator = session.role == Role::Coordinator;
    let settings = state.policy.get().settings;
    edit_own_part(state, session, id, move |record: &mut CheckRecord, me| {
        let now_ms = now_ms();
        let ctx = FollowUpContext {
            me,
            recorded_at_ms: record.check.recorded_at_ms,
            now_ms,
            flagged: assess(&TriageInput::from_check(&record.check), &settings).is_flagged(),
            coordinator,
        };
        Ok(follow_up::apply(
            &mut record.follow_up,
            action(now_ms),
            &ctx,
        )?)
    })
    .await
}
