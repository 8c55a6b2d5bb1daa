//! The audit trail: who signed in, synced, exported, or read contact details, and when.
//! Details hold ids and counts only, never personal data. Coordinators read it, filtered, and
//! export it as CSV: the actions of the people who work in their boroughs.

use axum::extract::{Query, State};
use axum::response::Response;
use rusqlite::{params, Connection};
use serde::Deserialize;
use stallside_shared::api::AuditEntry;
use stallside_shared::crdt::Role;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Session;
use crate::db::in_areas_of;
use crate::error::{ApiError, ApiJson};
use crate::reports::csv::{csv_field, csv_response, dated_name};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(export_audit))
}

/// Filters for the audit trail.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action (its code, e.g. `contact_read`).
    pub action: Option<String>,
    /// Only this user's actions.
    pub user: Option<String>,
    /// From this time, milliseconds since the Unix epoch.
    pub from_ms: Option<i64>,
    /// Before this time.
    pub to_ms: Option<i64>,
    /// At most this many, newest first (default and most 1,000).
    pub limit: Option<u32>,
}

/// The audit trail of the people in the coordinator's boroughs, newest first.
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn list_audit(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<AuditQuery>,
) -> Result<ApiJson<Vec<AuditEntry>>, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .read(move |conn| Ok(ApiJson(read_audit(conn, &session, &query, 1_000)?)))
        .await
}

/// The same trail as CSV, named by the day it was taken; the export is itself audited.
#[utoipa::path(get, path = "/api/audit.csv", tag = "audit", params(AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn export_audit(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    session.require(Role::Coordinator)?;
    let entries = state
        .db
        .write(move |conn| {
            let entries = read_audit(conn, &session, &query, 100_000)?;
            record(
                conn,
                Some(&session.user_id),
                Action::Export,
                &format!("audit {}", entries.len()),
            )?;
            Ok(entries)
        })
        .await?;
    let mut body = String::from("time,user,name,action,detail\n");
    for entry in entries {
        let row = [
            stallside_shared::calendar::london_date_time(entry.at_ms),
            entry.user_id.unwrap_or_default(),
            entry.who.unwrap_or_default(),
            entry.action,
            entry.detail,
        ];
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        body.push_str(&fields.join(","));
        body.push('\n');
    }
    Ok(csv_response(&dated_name("audit"), body))
}

fn read_audit(
    conn: &Connection,
    session: &Session,
    query: &AuditQuery,
    most: u32,
) -> Result<Vec<AuditEntry>, ApiError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT a.at_ms, a.user_id, u.display_name, a.action, a.detail FROM audit a
         JOIN users u ON u.id = a.user_id
         WHERE EXISTS (SELECT 1 FROM user_areas ua WHERE ua.user_id = a.user_id AND {})
           AND (?2 IS NULL OR a.action = ?2) AND (?3 IS NULL OR a.user_id = ?3)
           AND (?4 IS NULL OR a.at_ms >= ?4) AND (?5 IS NULL OR a.at_ms < ?5)
         ORDER BY a.at_ms DESC, a.id DESC LIMIT ?6",
        in_areas_of("ua.borough", "?1")
    ))?;
    let rows = statement.query_map(
        params![
            session.user_id,
            query.action,
            query.user,
            query.from_ms,
            query.to_ms,
            query.limit.unwrap_or(most).min(most)
        ],
        |r| {
            Ok(AuditEntry {
                at_ms: r.get(0)?,
                user_id: r.get(1)?,
                who: r.get(2)?,
                action: r.get(3)?,
                detail: r.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A successful sign-in.
    Login,
    /// A refused sign-in.
    LoginFailed,
    /// A sync request.
    Sync,
    /// A CSV export.
    Export,
    /// A supervisor read a person's contact details.
    ContactRead,
    /// A coordinator changed an account.
    AccountChange,
    /// A coordinator created or changed an event.
    EventChange,
    /// A coordinator stopped a phone.
    DeviceStop,
    /// A supervisor handed a flag back to the queue, or a coordinator released a claim.
    FlagRelease,
    /// A coordinator handed a claimed flag to another supervisor.
    FlagReassign,
    /// Supervisors were emailed about an emergency or overdue flag.
    Escalation,
    /// A coordinator erased a record at the person's request.
    Erase,
    /// The retention sweep erased contact numbers past their time, or pseudonymised checks
    /// past theirs.
    Retention,
    /// A coordinator changed the programme settings.
    SettingsChange,
    /// A volunteer looked up the earlier visits of a participant card shown in person.
    CardLookup,
    /// A card lookup refused: over the volunteer's hourly budget.
    CardLookupRefused,
}

impl Action {
    fn code(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Sync => "sync",
            Action::Export => "export",
            Action::ContactRead => "contact_read",
            Action::AccountChange => "account_change",
            Action::EventChange => "event_change",
            Action::DeviceStop => "device_stop",
            Action::FlagRelease => "flag_release",
            Action::FlagReassign => "flag_reassign",
            Action::Escalation => "escalation",
            Action::Erase => "erase",
            Action::Retention => "retention",
            Action::SettingsChange => "settings_change",
            Action::CardLookup => "card_lookup",
            Action::CardLookupRefused => "card_lookup_refused",
        }
    }
}

/// Appends one line to the audit trail (inside the caller's transaction, if any).
pub fn record(
    conn: &Connection,
    user_id: Option<&str>,
    action: Action,
    detail: &str,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO audit (at_ms, user_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![
            stallside_shared::clock::now_ms(),
            user_id,
            action.code(),
            detail
        ],
    )?;
    Ok(())
}
