//! Oversight of volunteers' phones: what each one reported at its last sync (checks still
//! waiting, app version) and "stop this phone" for one that is lost or stolen. A stopped phone
//! is told so at its next sync: it sends what it holds, then erases its records and session.

use axum::extract::{Path, State};
use rusqlite::{params, Connection, OptionalExtension};
use stallside_shared::api::DeviceView;
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::sync::wire::{DeviceReport, APP_VERSION_MAX};
use stallside_shared::text::TextRule;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::db::in_areas_of;
use crate::error::{ApiError, ApiJson};
use crate::users::volunteer_of;
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_devices))
        .routes(routes!(report))
        .routes(routes!(stop_device))
}

/// A phone says what it holds before it uploads it: on a weak signal the upload may never
/// get through, and that phone is the one its coordinator most needs to see.
#[utoipa::path(post, path = "/api/devices/report", tag = "devices", request_body = DeviceReport,
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn report(
    State(state): State<AppState>,
    session: Session,
    ApiJson(report): ApiJson<DeviceReport>,
) -> Result<axum::http::StatusCode, ApiError> {
    session.require(Role::Volunteer)?;
    state
        .db
        .write(move |conn| {
            let held = Held {
                report: Some(&report),
                accepted: 0,
                changed: 0,
            };
            note_sync(conn, &session, held, false)
        })
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// What one request says of what the phone holds.
pub struct Held<'a> {
    /// The phone's report, on a session's first request.
    pub report: Option<&'a DeviceReport>,
    /// Records the request pushed that the server acknowledged.
    pub accepted: usize,
    /// Of those, the ones that changed what the server holds (not repeats of a push whose
    /// answer was lost).
    pub changed: usize,
}

/// Notes a volunteer's phone's contact, inside the sync's write: when, what it still holds
/// after this request (with a report: its `unsynced` less what this request had accepted;
/// without, a session's later requests: the figure left less what this request stored new,
/// in whatever order they commit), its version. Returns
/// whether a coordinator has stopped it, and (`telling`: a sync, whose answer says so) marks
/// when it was first told: the phone sends what it still holds in the same session, then
/// erases itself.
pub fn note_sync(
    conn: &Connection,
    session: &Session,
    held: Held<'_>,
    telling: bool,
) -> Result<bool, ApiError> {
    let Held {
        report,
        accepted,
        changed,
    } = held;
    if session.role != Role::Volunteer {
        return Ok(false);
    }
    let now = now_ms();
    let unsynced = report.map(|r| u64::from(r.unsynced).saturating_sub(accepted as u64));
    let version = report
        .map(|r| r.app_version.as_str())
        .filter(|v| TextRule::name(APP_VERSION_MAX).check(v).is_ok());
    // One statement: note the contact, mark a stopped phone as told, say whether it is stopped.
    let stop_requested = conn
        .prepare_cached(
            "INSERT INTO devices (user_id, device_id, last_sync_ms, unsynced, app_version)
             VALUES (?1, ?2, ?3, COALESCE(?4, 0), ?5)
             ON CONFLICT (user_id, device_id) DO UPDATE SET last_sync_ms = ?3,
               unsynced = COALESCE(?4, MAX(unsynced - ?7, 0)),
               app_version = COALESCE(?5, app_version),
               stopped_at_ms = CASE WHEN ?6 = 0 OR stop_requested_at_ms IS NULL THEN stopped_at_ms
                                    ELSE COALESCE(stopped_at_ms, ?3) END
             RETURNING stop_requested_at_ms IS NOT NULL",
        )?
        .query_row(
            params![
                session.user_id,
                session.device_id,
                now,
                unsynced,
                version,
                telling,
                changed as u64
            ],
            |r| r.get(0),
        )?;
    Ok(stop_requested)
}

/// The phones of the volunteers in the coordinator's boroughs, most recently seen first.
#[utoipa::path(get, path = "/api/devices", tag = "devices",
    responses((status = 200, body = Vec<DeviceView>), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn list_devices(
    State(state): State<AppState>,
    session: Session,
) -> Result<ApiJson<Vec<DeviceView>>, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .read(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT d.user_id, u.display_name, d.device_id, d.last_sync_ms, d.unsynced,
                        d.app_version, d.stop_requested_at_ms, d.stopped_at_ms
                 FROM devices d JOIN users u ON u.id = d.user_id
                 WHERE u.role = 'volunteer' AND EXISTS (SELECT 1 FROM user_areas a
                   WHERE a.user_id = d.user_id AND {})
                 ORDER BY d.last_sync_ms DESC",
                in_areas_of("a.borough", "?1")
            ))?;
            let rows = statement.query_map(params![session.user_id], |r| {
                Ok(DeviceView {
                    user_id: r.get(0)?,
                    display_name: r.get(1)?,
                    device_id: r.get(2)?,
                    last_sync_ms: r.get(3)?,
                    unsynced: r.get(4)?,
                    app_version: r.get(5)?,
                    stop_requested_at_ms: r.get(6)?,
                    stopped_at_ms: r.get(7)?,
                })
            })?;
            Ok(ApiJson(rows.collect::<Result<_, _>>()?))
        })
        .await
}

/// Stops a volunteer's phone: at its next sync it sends what it holds, then erases its
/// records and session. Audited.
#[utoipa::path(post, path = "/api/devices/{user_id}/{device_id}/stop", tag = "devices",
    params(("user_id" = String, Path, description = "Volunteer id"),
           ("device_id" = String, Path, description = "Device id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn stop_device(
    State(state): State<AppState>,
    session: Session,
    Path((user_id, device_id)): Path<(String, String)>,
) -> Result<axum::http::StatusCode, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            volunteer_of(&tx, &session, &user_id)?;
            let known = tx
                .query_row(
                    "SELECT 1 FROM devices WHERE user_id = ?1 AND device_id = ?2",
                    params![user_id, device_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !known {
                return Err(ApiError::NotFound);
            }
            tx.execute(
                "UPDATE devices SET stop_requested_at_ms = COALESCE(stop_requested_at_ms, ?3),
                   stop_requested_by = COALESCE(stop_requested_by, ?4)
                 WHERE user_id = ?1 AND device_id = ?2",
                params![user_id, device_id, now_ms(), session.user_id],
            )?;
            audit::record(
                &tx,
                Some(&session.user_id),
                Action::DeviceStop,
                &format!("stop {user_id} {device_id}"),
            )?;
            tx.commit()?;
            Ok(axum::http::StatusCode::NO_CONTENT)
        })
        .await
}
