//! `/healthz` and `/readyz`, for a process supervisor, a container's health check or a load
//! balancer: unauthenticated, tiny, and saying nothing about the programme's data.
//!
//! Health is "the process answers"; readiness is "it can do its job": the database takes a
//! write, and the dashboard's facts are loaded, so the first coordinator after a restart is
//! not kept waiting.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::error::{ApiError, ApiJson};
use crate::AppState;

/// `GET /healthz`: the process is up and answering.
pub async fn healthz() -> &'static str {
    "ok"
}

/// What `/readyz` found.
#[derive(Debug, Serialize)]
pub struct Readiness {
    /// Whether the database took a write (rolled back at once).
    pub database_writable: bool,
    /// Whether the dashboard's facts are in memory.
    pub facts_loaded: bool,
}

/// `GET /readyz`: 200 when the database is writable and the facts are loaded, else 503
/// with what is missing.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, ApiJson<Readiness>) {
    let writable = state.db.write(try_write).await;
    if let Err(error) = &writable {
        tracing::warn!(%error, "not ready: the database did not take a write");
    }
    let readiness = Readiness {
        database_writable: writable.is_ok(),
        facts_loaded: state.ops.facts_ready(),
    };
    let status = if readiness.database_writable && readiness.facts_loaded {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, ApiJson(readiness))
}

/// Writes a row and rolls back: fails on a read-only file, a full or failing disk at the
/// lock, or a database that another process holds.
fn try_write(conn: &mut rusqlite::Connection) -> Result<(), ApiError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute("UPDATE sequence SET value = value WHERE only_row = 1", [])?;
    tx.rollback()?;
    Ok(())
}
