//! Erasing one record at the person's request (UK GDPR article 17): the document and its whole
//! history, the projected row (and so its flag), and any contact number are deleted in one
//! transaction; a tombstone takes the next number of the sync sequence so every phone's next
//! pull drops its copy, and a later push of the id is refused. Audited, with no personal data.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use rusqlite::{params, Connection, TransactionBehavior};
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::sync::judge::Pusher;
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::db::next_seq;
use crate::error::ApiError;
use crate::sync::edit::visible;
use crate::AppState;

/// Erases a record in the coordinator's boroughs; 404 alike for "not there", "not yours"
/// and "already erased".
#[utoipa::path(delete, path = "/api/records/{id}", tag = "records",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn erase(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    session.require(Role::Coordinator)?;
    let pusher = session.pusher();
    state
        .db
        .write(move |conn| erase_record(conn, &pusher, id, now_ms()))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes everything the server holds of record `id` and leaves a tombstone.
pub fn erase_record(
    conn: &mut Connection,
    by: &Pusher,
    id: Uuid,
    now_ms: i64,
) -> Result<(), ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if !visible(&tx, by, id)? {
        return Err(ApiError::NotFound);
    }
    let key = id.to_string();
    let seq = next_seq(&tx)?;
    for table in [
        "DELETE FROM documents WHERE id = ?1",
        "DELETE FROM checks WHERE id = ?1",
        "DELETE FROM contacts WHERE record_id = ?1",
    ] {
        tx.execute(table, params![key])?;
    }
    tx.execute(
        "INSERT INTO erased (id, seq, erased_at_ms) VALUES (?1, ?2, ?3)",
        params![key, seq, now_ms],
    )?;
    audit::record(
        &tx,
        Some(&by.user_id),
        Action::Erase,
        &format!("record {key}"),
    )?;
    tx.commit()?;
    Ok(())
}
