//! Signing in and out, and the [`Session`] every other endpoint authorises with.

pub mod password;
pub mod rate_limit;
pub mod token;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use rusqlite::{params, OptionalExtension};
use stallside_shared::api::{LoginRequest, LoginResponse, Me};
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::sync::judge::Pusher;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::rate_limit::Decision;
use crate::error::{ApiError, ApiJson};
use crate::users;
use crate::AppState;

/// How long a session lasts: long enough for a volunteer to work offline for weeks.
pub const SESSION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .layer(DefaultBodyLimit::max(LOGIN_BODY_BYTES))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// A signed-in user on one device, resolved from the bearer token.
#[derive(Debug, Clone)]
pub struct Session {
    /// User id.
    pub user_id: String,
    /// Device the session was opened on.
    pub device_id: String,
    /// Role.
    pub role: Role,
    /// Boroughs the user works in.
    pub areas: Vec<String>,
    /// Name to show.
    pub display_name: String,
    token_hash: Vec<u8>,
}

impl Session {
    /// Refuses unless the user has this role.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role == role {
            Ok(())
        } else {
            Err(ApiError::Forbidden("Your role cannot do this"))
        }
    }

    /// Who is pushing, for the sync judge.
    pub fn pusher(&self) -> Pusher {
        Pusher {
            user_id: self.user_id.clone(),
            device_id: self.device_id.clone(),
            role: self.role,
            areas: self.areas.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized)?;
        let token_hash = token::hash(token.trim());
        state
            .db
            .read(move |conn| {
                let found = conn
                    .query_row(
                        "SELECT s.user_id, s.device_id, u.role, u.display_name
                         FROM sessions s JOIN users u ON u.id = s.user_id
                         WHERE s.token_hash = ?1 AND s.revoked = 0 AND s.expires_at_ms > ?2
                           AND u.disabled = 0",
                        params![token_hash, now_ms()],
                        |row| {
                            Ok((
                                row.get::<_, String>(0)?,
                                row.get::<_, String>(1)?,
                                row.get::<_, String>(2)?,
                                row.get::<_, String>(3)?,
                            ))
                        },
                    )
                    .optional()?;
                let (user_id, device_id, role, display_name) =
                    found.ok_or(ApiError::Unauthorized)?;
                let areas = users::areas(conn, &user_id)?;
                Ok(Session {
                    role: Role::from_code(&role).ok_or(ApiError::Internal("unknown role"))?,
                    user_id,
                    device_id,
                    areas,
                    display_name,
                    token_hash,
                })
            })
            .await
    }
}

/// The largest sign-in request: a username, a password and a device id are a few hundred
/// bytes; nothing bigger is read before the request is refused.
pub const LOGIN_BODY_BYTES: usize = 4 * 1024;

/// Signs in on a device.
#[utoipa::path(post, path = "/api/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<ApiJson<LoginResponse>, ApiError> {
    let device_id = request.device_id.trim().to_owned();
    if device_id.is_empty() || device_id.len() > 100 {
        return Err(ApiError::BadRequest(
            "The device id is missing or too long".into(),
        ));
    }
    let username = request.username.trim().to_lowercase();
    let account = check_credentials(&state, peer.ip(), &username, request.password).await?;
    let session = open_session(&state, &account.id, device_id).await?;
    Ok(ApiJson(LoginResponse {
        token: session.token,
        expires_at_ms: session.expires_at_ms,
        user: Me {
            id: account.id,
            display_name: account.display_name,
            role: account.role,
            areas: session.areas,
        },
    }))
}

/// The account a username and password sign in to, after the rate limit; every failure
/// takes one Argon2 run whether or not the account exists, and is audited.
async fn check_credentials(
    state: &AppState,
    peer: std::net::IpAddr,
    username: &str,
    password: String,
) -> Result<users::Credentials, ApiError> {
    let possible = users::could_exist(username);
    let now = now_ms();
    match state
        .login_limiter
        .attempt(peer, possible.then_some(username), now)
    {
        Decision::Refuse => return Err(ApiError::TooManyRequests),
        Decision::Allow { wait_ms } => {
            let wait = u64::try_from(wait_ms).unwrap_or(0);
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        }
    }
    let account = if possible {
        let username = username.to_owned();
        state
            .db
            .read(move |conn| users::credentials(conn, &username))
            .await?
    } else {
        None
    };
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let matches = state.passwords.check(password, stored).await?;
    match account {
        Some(account) if matches && !account.disabled => Ok(account),
        _ => {
            if possible {
                state.login_limiter.failed(username, now);
            }
            state
                .db
                .write(|conn| audit::record(conn, None, Action::LoginFailed, "bad credentials"))
                .await?;
            Err(ApiError::BadCredentials)
        }
    }
}

/// A new session's token (shown once) and what the device is told with it.
struct NewSession {
    token: String,
    expires_at_ms: i64,
    areas: Vec<String>,
}

/// Stores a new session for a user on a device, audited.
async fn open_session(
    state: &AppState,
    user_id: &str,
    device_id: String,
) -> Result<NewSession, ApiError> {
    let token = token::new_token()?;
    let token_hash = token::hash(&token);
    let expires_at_ms = now_ms() + SESSION_MS;
    let user_id = user_id.to_owned();
    let areas = state
        .db
        .write(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, device_id, created_at_ms, expires_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, user_id, device_id, now_ms(), expires_at_ms],
            )?;
            audit::record(
                &tx,
                Some(&user_id),
                Action::Login,
                &format!("device {device_id}"),
            )?;
            let areas = users::areas(&tx, &user_id)?;
            tx.commit()?;
            Ok(areas)
        })
        .await?;
    Ok(NewSession {
        token,
        expires_at_ms,
        areas,
    })
}

/// Signs this device out: the token stops working at once.
#[utoipa::path(post, path = "/api/logout", tag = "auth",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn logout(
    State(state): State<AppState>,
    session: Session,
) -> Result<axum::http::StatusCode, ApiError> {
    state
        .db
        .write(move |conn| {
            conn.execute(
                "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1",
                params![session.token_hash],
            )?;
            Ok(())
        })
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Who is signed in on this device.
#[utoipa::path(get, path = "/api/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn me(session: Session) -> ApiJson<Me> {
    ApiJson(Me {
        id: session.user_id,
        display_name: session.display_name,
        role: session.role,
        areas: session.areas,
    })
}
