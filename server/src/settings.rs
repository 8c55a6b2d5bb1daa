//! The programme settings a coordinator changes from the staff app (the retention schedule and
//! "only reviewed translations on phones"). The server's flags give the starting values; once a
//! coordinator saves, the stored row is in force, survives restarts and wins over the flags.
//! The values in force are held in memory, read by every sync (so they ride along to phones),
//! by the flag queue and by the retention sweep.

use std::sync::RwLock;

use axum::extract::State;
use rusqlite::{params, Connection, OptionalExtension};
use stallside_shared::api::RetentionSettings;
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::sync::judge::Policy;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::error::{ApiError, ApiJson};
use crate::AppState;

/// The sync policy and programme settings in force, changed while the server runs.
pub struct LivePolicy(RwLock<Policy>);

impl LivePolicy {
    /// The policy the flags set, with the coordinators' stored settings over it.
    pub fn load(conn: &Connection, flags: Policy) -> Result<Self, ApiError> {
        let mut policy = flags;
        if let Some(stored) = stored(conn)? {
            stored.apply(&mut policy.settings);
        }
        Ok(LivePolicy(RwLock::new(policy)))
    }

    /// The policy in force now.
    pub fn get(&self) -> Policy {
        *self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, change: &RetentionSettings) {
        let mut policy = self.0.write().unwrap_or_else(|p| p.into_inner());
        change.apply(&mut policy.settings);
    }
}

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_settings, change_settings))
}

fn stored(conn: &Connection) -> Result<Option<RetentionSettings>, ApiError> {
    Ok(conn
        .query_row(
            "SELECT contact_retention_days, contact_warning_days, pseudonymise_after_years,
                    reviewed_languages_only
             FROM programme_settings WHERE id = 1",
            [],
            |row| {
                Ok(RetentionSettings {
                    contact_retention_days: row.get(0)?,
                    contact_warning_days: row.get(1)?,
                    pseudonymise_after_years: row.get(2)?,
                    reviewed_languages_only: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// The settings in force, for the coordinators' settings screen.
#[utoipa::path(get, path = "/api/settings", tag = "settings",
    responses((status = 200, body = RetentionSettings), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn read_settings(
    State(state): State<AppState>,
    session: Session,
) -> Result<ApiJson<RetentionSettings>, ApiError> {
    session.require(Role::Coordinator)?;
    Ok(ApiJson(RetentionSettings::of(&state.policy.get().settings)))
}

/// Changes the settings: coordinators only; checked by the same rule as the screen (nothing is
/// saved when any value is wrong); stored, audited with the old and new values, and in force
/// at once (the next sync carries them to phones).
#[utoipa::path(put, path = "/api/settings", tag = "settings", request_body = RetentionSettings,
    responses((status = 200, body = RetentionSettings), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn change_settings(
    State(state): State<AppState>,
    session: Session,
    ApiJson(change): ApiJson<RetentionSettings>,
) -> Result<ApiJson<RetentionSettings>, ApiError> {
    session.require(Role::Coordinator)?;
    let problems = change.problems();
    if !problems.is_empty() {
        let messages: Vec<String> = problems.into_iter().map(|p| p.message).collect();
        return Err(ApiError::BadRequest(messages.join("; ")));
    }
    let before = RetentionSettings::of(&state.policy.get().settings);
    state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO programme_settings (id, contact_retention_days, contact_warning_days,
                    pseudonymise_after_years, reviewed_languages_only, changed_by, changed_at_ms)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET
                    contact_retention_days = excluded.contact_retention_days,
                    contact_warning_days = excluded.contact_warning_days,
                    pseudonymise_after_years = excluded.pseudonymise_after_years,
                    reviewed_languages_only = excluded.reviewed_languages_only,
                    changed_by = excluded.changed_by,
                    changed_at_ms = excluded.changed_at_ms",
                params![
                    change.contact_retention_days,
                    change.contact_warning_days,
                    change.pseudonymise_after_years,
                    change.reviewed_languages_only,
                    session.user_id,
                    now_ms()
                ],
            )?;
            audit::record(
                &tx,
                Some(&session.user_id),
                Action::SettingsChange,
                &format!("{} -> {}", describe(&before), describe(&change)),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.policy.set(&change);
    Ok(ApiJson(change))
}

/// The settings in a line of the audit trail.
fn describe(s: &RetentionSettings) -> String {
    format!(
        "contact numbers {} days, warning {} days, pseudonymise after {} years, reviewed languages only {}",
        s.contact_retention_days,
        s.contact_warning_days,
        s.pseudonymise_after_years,
        if s.reviewed_languages_only { "on" } else { "off" }
    )
}
