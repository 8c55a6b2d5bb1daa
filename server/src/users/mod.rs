//! Accounts: the store functions the command line, the demo and sign-in use, and the
//! coordinator's endpoints to invite volunteers and supervisors, disable volunteers and revoke a lost phone.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use rusqlite::{params, Connection, OptionalExtension};
use stallside_shared::api::{Account, Invite, Invited};
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::record::{borough_name, FollowUpState};
use stallside_shared::text::TextRule;
use stallside_shared::validation::normalise_phone;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::{password, token, Session};
use crate::error::{ApiError, ApiJson};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, invite))
        .routes(routes!(disable))
        .routes(routes!(revoke_sessions))
}

/// A new account's details.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name, stored lower case.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Boroughs (ONS codes).
    pub areas: Vec<String>,
    /// Where escalation emails reach a supervisor.
    pub email: Option<String>,
    /// A volunteer's work number, as typed (stored in national format).
    pub phone: Option<String>,
}

/// What sign-in needs of an account.
pub struct Credentials {
    /// User id.
    pub id: String,
    /// Name to show.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Argon2 hash.
    pub password_hash: String,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

/// The longest username.
pub const USERNAME_MAX: usize = 64;
/// The longest display name: a full name with a role in brackets fits; a page of text does not.
pub const DISPLAY_NAME_MAX: usize = 80;

/// Whether `username` (trimmed, lower case) may name a new account: 1 to [`USERNAME_MAX`]
/// letters, digits and `. _ - @ +`, starting with a letter or digit.
pub fn is_username(username: &str) -> bool {
    username.len() <= USERNAME_MAX
        && username
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@+".contains(&b))
}

/// Whether some account could have `username` (trimmed, lower case): any name of 1 to
/// [`USERNAME_MAX`] bytes, as accounts made before [`is_username`] may have. Sign-in asks
/// this before it spends anything on a name.
pub fn could_exist(username: &str) -> bool {
    !username.is_empty() && username.len() <= USERNAME_MAX
}

impl NewUser {
    /// Refuses a username that [`is_username`] would not allow, a display name the shared
    /// text rule would not allow, or an unknown borough, naming the field.
    pub fn check(&self) -> Result<(), ApiError> {
        if !is_username(&self.username.trim().to_lowercase()) {
            return Err(ApiError::BadRequest(format!(
                "Username: use 1 to {USERNAME_MAX} letters, digits and . _ - @ +, starting with a letter or digit"
            )));
        }
        TextRule::name(DISPLAY_NAME_MAX)
            .check(&self.display_name)
            .map_err(|e| ApiError::BadRequest(format!("Display name: {e}")))?;
        if let Some(bad) = self.areas.iter().find(|a| borough_name(a).is_none()) {
            return Err(ApiError::BadRequest(format!(
                "Areas: {bad} is not a London borough code"
            )));
        }
        if let Some(phone) = &self.phone {
            normalise_phone(phone).map_err(|e| ApiError::BadRequest(format!("Phone: {e}")))?;
        }
        match &self.email {
            Some(email) if email.parse::<lettre::Address>().is_err() => Err(ApiError::BadRequest(
                "Email: write an address like name@example.org".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// Creates an account with an already-hashed password; returns its id. A borough listed
/// twice is stored once.
pub fn create(conn: &Connection, user: &NewUser, password_hash: &str) -> Result<String, ApiError> {
    user.check()?;
    let id = uuid::Uuid::new_v4().to_string();
    let inserted = conn.execute(
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at_ms, email,
                            phone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (username) DO NOTHING",
        params![
            id,
            user.username.trim().to_lowercase(),
            user.display_name.trim(),
            user.role.code(),
            password_hash,
            now_ms(),
            user.email,
            user.phone.as_deref().and_then(|p| normalise_phone(p).ok())
        ],
    )?;
    if inserted == 0 {
        return Err(ApiError::Conflict(format!(
            "The username {} is taken",
            user.username.trim().to_lowercase()
        )));
    }
    let areas: BTreeSet<&String> = user.areas.iter().collect();
    for area in areas {
        conn.execute(
            "INSERT INTO user_areas (user_id, borough) VALUES (?1, ?2)",
            params![id, area],
        )?;
    }
    Ok(id)
}

/// The account for a username, if any.
pub fn credentials(conn: &Connection, username: &str) -> Result<Option<Credentials>, ApiError> {
    Ok(conn
        .query_row(
            "SELECT id, display_name, role, password_hash, disabled FROM users WHERE username = ?1",
            params![username],
            |row| {
                Ok(Credentials {
                    id: row.get(0)?,
                    display_name: row.get(1)?,
                    role: crate::db::coded(row, 2)?,
                    password_hash: row.get(3)?,
                    disabled: row.get(4)?,
                })
            },
        )
        .optional()?)
}

/// The boroughs a user works in.
pub fn areas(conn: &Connection, user_id: &str) -> Result<Vec<String>, ApiError> {
    let mut statement =
        conn.prepare_cached("SELECT borough FROM user_areas WHERE user_id = ?1 ORDER BY borough")?;
    let rows = statement.query_map(params![user_id], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Refuses unless `id` is a volunteer in one of the coordinator's boroughs: whose phones a
/// coordinator may stop (an account elsewhere is not found, a staff account is forbidden).
pub fn volunteer_of(conn: &Connection, coordinator: &Session, id: &str) -> Result<(), ApiError> {
    account_of(
        conn,
        coordinator,
        id,
        &[Role::Volunteer],
        "Coordinators manage volunteer accounts only",
    )
    .map(|_| ())
}

/// The role of account `id` when it is one of `roles` and works in one of the coordinator's
/// boroughs; an account elsewhere is not found, any other role is refused with `refusal`.
fn account_of(
    conn: &Connection,
    coordinator: &Session,
    id: &str,
    roles: &[Role],
    refusal: &'static str,
) -> Result<Role, ApiError> {
    let role: Option<Role> = conn
        .query_row("SELECT role FROM users WHERE id = ?1", params![id], |r| {
            crate::db::coded(r, 0)
        })
        .optional()?;
    let target_areas = areas(conn, id)?;
    let role = match role {
        Some(role) if target_areas.iter().any(|a| coordinator.areas.contains(a)) => role,
        _ => return Err(ApiError::NotFound),
    };
    if !roles.contains(&role) {
        return Err(ApiError::Forbidden(refusal));
    }
    Ok(role)
}

/// The accounts that work in the coordinator's boroughs.
#[utoipa::path(get, path = "/api/users", tag = "users",
    responses((status = 200, body = Vec<Account>), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn list_users(
    State(state): State<AppState>,
    session: Session,
) -> Result<ApiJson<Vec<Account>>, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .read(move |conn| {
            let mut statement = conn.prepare(
                "SELECT u.id, u.username, u.display_name, u.role, u.disabled,
                   (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.revoked = 0
                      AND s.expires_at_ms > ?1)
                 FROM users u ORDER BY u.display_name",
            )?;
            let rows = statement.query_map(params![now_ms()], |row| {
                Ok(Account {
                    id: row.get(0)?,
                    username: row.get(1)?,
                    display_name: row.get(2)?,
                    role: crate::db::coded(row, 3)?,
                    disabled: row.get(4)?,
                    active_sessions: row.get(5)?,
                    areas: Vec::new(),
                })
            })?;
            let mut users = Vec::new();
            for row in rows {
                let mut user = row?;
                user.areas = areas(conn, &user.id)?;
                if user.areas.iter().any(|a| session.areas.contains(a)) {
                    users.push(user);
                }
            }
            Ok(ApiJson(users))
        })
        .await
}

/// Invites a volunteer, or a supervisor (with an email address for escalation, optional), to
/// the coordinator's boroughs.
#[utoipa::path(post, path = "/api/users", tag = "users", request_body = Invite,
    responses((status = 200, body = Invited), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn invite(
    State(state): State<AppState>,
    session: Session,
    ApiJson(invite): ApiJson<Invite>,
) -> Result<ApiJson<Invited>, ApiError> {
    session.require(Role::Coordinator)?;
    if invite.role == Role::Coordinator {
        return Err(ApiError::Forbidden(
            "Coordinators invite volunteers and supervisors only",
        ));
    }
    if invite.areas.is_empty() || !invite.areas.iter().all(|a| session.areas.contains(a)) {
        return Err(ApiError::Forbidden(
            "An account can only be invited to boroughs you coordinate",
        ));
    }
    let email = invite
        .email
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    if email.is_some() && invite.role != Role::Supervisor {
        return Err(ApiError::BadRequest(
            "Email: only a supervisor's account takes an email address".into(),
        ));
    }
    let user = NewUser {
        username: invite.username,
        display_name: invite.display_name,
        role: invite.role,
        areas: invite.areas,
        email,
        phone: invite.phone.filter(|p| !p.trim().is_empty()),
    };
    user.check()?;
    let role = user.role;
    let temporary_password = token::new_password()?;
    let hashed = {
        let p = temporary_password.clone();
        tokio::task::spawn_blocking(move || password::hash(&p))
            .await
            .map_err(|_| ApiError::Internal("hashing failed"))??
    };
    let id = state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            let id = create(&tx, &user, &hashed)?;
            audit::record(
                &tx,
                Some(&session.user_id),
                Action::AccountChange,
                &format!("invite {} {id}", role.code()),
            )?;
            tx.commit()?;
            Ok(id)
        })
        .await?;
    Ok(ApiJson(Invited {
        id,
        temporary_password,
    }))
}

/// Disables an account and ends all its sessions.
#[utoipa::path(post, path = "/api/users/{id}/disable", tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn disable(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    change_account(state, session, id, "disable").await
}

/// Ends every session of an account (a lost phone); the person signs in again.
#[utoipa::path(post, path = "/api/users/{id}/revoke-sessions", tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn revoke_sessions(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    change_account(state, session, id, "revoke").await
}

async fn change_account(
    state: AppState,
    session: Session,
    id: String,
    what: &'static str,
) -> Result<axum::http::StatusCode, ApiError> {
    session.require(Role::Coordinator)?;
    state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            // Coordinators invite supervisors (for email escalation), so they can also take
            // that access away; coordinator accounts stay with the administrator.
            let role = account_of(
                &tx,
                &session,
                &id,
                &[Role::Volunteer, Role::Supervisor],
                "Coordinators manage volunteer and supervisor accounts only",
            )?;
            if what == "disable" && role == Role::Supervisor {
                refuse_while_following_up(&tx, &id)?;
            }
            if what == "disable" {
                tx.execute("UPDATE users SET disabled = 1 WHERE id = ?1", params![id])?;
            }
            tx.execute(
                "UPDATE sessions SET revoked = 1 WHERE user_id = ?1",
                params![id],
            )?;
            audit::record(
                &tx,
                Some(&session.user_id),
                Action::AccountChange,
                &format!("{what} {id}"),
            )?;
            tx.commit()?;
            Ok(axum::http::StatusCode::NO_CONTENT)
        })
        .await
}

/// Refuses to disable a supervisor who is following up flags: nobody else would see those
/// people until the flags went overdue. The coordinator hands them over first.
fn refuse_while_following_up(conn: &Connection, supervisor: &str) -> Result<(), ApiError> {
    let claimed: i64 = conn.query_row(
        "SELECT COUNT(*) FROM checks WHERE claimed_by = ?1 AND follow_up_state = ?2",
        params![supervisor, FollowUpState::Claimed.code()],
        |row| row.get(0),
    )?;
    match claimed {
        0 => Ok(()),
        1 => Err(ApiError::Conflict(
            "This supervisor is following up 1 flag: hand it over to another supervisor first (Flags, then Hand over)".into(),
        )),
        n => Err(ApiError::Conflict(format!(
            "This supervisor is following up {n} flags: hand them over to other supervisors first (Flags, then Hand over)"
        ))),
    }
}
