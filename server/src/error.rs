//! The one error type of every endpoint: JSON with status, code and message.
//!
//! Messages are for people; codes are for programs. Database and internal errors say nothing
//! about their cause to the client (it is logged without personal data instead).

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use stallside_shared::follow_up::FollowUpError;
use stallside_shared::review::ReviewError;
use thiserror::Error;

/// Why a request failed.
#[derive(Debug, Error)]
pub enum ApiError {
    /// The request is malformed or breaks a rule; the message says which.
    #[error("{0}")]
    BadRequest(String),
    /// No valid session.
    #[error("Sign in again: your session has ended")]
    Unauthorized,
    /// Wrong username or password.
    #[error("The username or password is not right")]
    BadCredentials,
    /// Signed in, but this role or user may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Nothing there (or nothing this user may see).
    #[error("Not found")]
    NotFound,
    /// Clashes with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; try later.
    #[error("Too many attempts: wait a few minutes and try again")]
    TooManyRequests,
    /// Over a budget that is not sign-in's (the message says which and when it renews).
    #[error("{0}")]
    OverBudget(&'static str),
    /// Over a size limit.
    #[error("{0}")]
    TooLarge(String),
    /// The request took longer than the server allows (a slow or stalled client).
    #[error("The request took too long: try again")]
    Timeout,
    /// The database failed.
    #[error("The server could not reach its database")]
    Database(#[from] rusqlite::Error),
    /// Something else went wrong inside.
    #[error("Something went wrong on the server")]
    Internal(&'static str),
}

#[derive(Serialize, utoipa::ToSchema)]
/// The body of every error response.
pub struct ErrorBody {
    /// HTTP status.
    pub status: u16,
    /// Stable code.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::OverBudget(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Timeout => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ApiError::Database(_) => (StatusCode::INTERNAL_SERVER_ERROR, "database"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        match &self {
            ApiError::Database(e) => tracing::error!(error = %e, "database error"),
            ApiError::Internal(what) => tracing::error!(what, "internal error"),
            _ => {}
        }
        let body = ErrorBody {
            status: status.as_u16(),
            code,
            message: self.to_string(),
        };
        (status, Json(body)).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::TooLarge("The request is larger than the server accepts".into())
            }
            _ => ApiError::BadRequest(format!(
                "The request could not be read: {}",
                rejection.body_text()
            )),
        }
    }
}

impl From<FollowUpError> for ApiError {
    /// A move the flag's state does not allow now is a conflict; a move that is never allowed
    /// is a bad request.
    fn from(error: FollowUpError) -> Self {
        match error {
            FollowUpError::NotFlagged
            | FollowUpError::AlreadyClosed
            | FollowUpError::ClaimedByOther
            | FollowUpError::NotClaimed
            | FollowUpError::AlreadyTheirs
            | FollowUpError::NotASupervisorHere => ApiError::Conflict(error.to_string()),
            FollowUpError::NotACoordinatorMove => ApiError::Forbidden(
                "A coordinator can only release a claim or hand it to another supervisor",
            ),
            FollowUpError::NotASupervisorMove => {
                ApiError::Forbidden("Only a coordinator can hand a flag to another supervisor")
            }
            FollowUpError::UnreachableWithoutAttempt
            | FollowUpError::ImplausibleTime
            | FollowUpError::TooManyAttempts
            | FollowUpError::NotAMove => ApiError::BadRequest(error.to_string()),
        }
    }
}

impl From<ReviewError> for ApiError {
    fn from(error: ReviewError) -> Self {
        ApiError::BadRequest(error.to_string())
    }
}

/// JSON in and out, with rejections turned into [`ApiError`].
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}
