//! Edits made on the server for a signed-in coordinator or supervisor (whose screens work
//! online, without a copy of the documents): the change is made as a CRDT edit with an actor
//! id bound to that user's session, and stored through the same judge as a pushed change, so
//! it is authorised by the same rules and syncs back to the phones like any other.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ActorId, ChangeMeta, Role};
use stallside_shared::record::CheckRecord;
use stallside_shared::sync::client::heads_hex;
use stallside_shared::sync::judge::Pusher;
use stallside_shared::sync::wire::{PushDoc, PushResult};
use uuid::Uuid;

use crate::auth::Session;
use crate::db::in_areas_of;
use crate::error::ApiError;
use crate::sync::push::{load_doc, push_one};
use crate::AppState;

/// Changes the staff parts of a record (the review and the follow-up) with `change`, which
/// sees the whole record and may refuse; the judge decides whether this role may write what
/// changed (a coordinator: the review, and releasing or handing over a claim; a supervisor:
/// the follow-up).
pub async fn edit_own_part(
    state: &AppState,
    session: &Session,
    id: Uuid,
    change: impl FnOnce(&mut CheckRecord, &str) -> Result<(), ApiError> + Send + 'static,
) -> Result<(), ApiError> {
    let pusher = session.pusher();
    let actor = session_actor(session);
    let policy = state.policy.get();
    let edited = state
        .db
        .write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if !visible(&tx, &pusher, id)? {
                return Err(ApiError::NotFound);
            }
            let mut doc = load_doc(&tx, id)?.ok_or(ApiError::NotFound)?;
            let before = doc.heads();
            let mut record = doc
                .record()
                .map_err(|_| ApiError::Internal("stored document unreadable"))?;
            if pusher.role == Role::Volunteer {
                return Err(ApiError::Forbidden("Volunteers edit on their phones"));
            }
            let original = record.clone();
            change(&mut record, &pusher.user_id)?;
            let meta = ChangeMeta {
                actor,
                time_secs: now_secs(),
            };
            if record.review != original.review {
                doc.write_review(&record.review, &meta)
                    .map_err(|_| ApiError::Internal("edit failed"))?;
            }
            if record.follow_up != original.follow_up {
                doc.write_follow_up(&record.follow_up, &meta)
                    .map_err(|_| ApiError::Internal("edit failed"))?;
            }
            let pushed = PushDoc {
                id,
                changes: doc.changes_since(&before),
                heads: heads_hex(&mut doc),
                contact: None,
            };
            match push_one(&tx, &pusher, pushed, &policy, now_ms())? {
                PushResult::Accepted { .. } => {
                    tx.commit()?;
                    Ok(())
                }
                PushResult::Rejected { reason, .. } => Err(ApiError::Conflict(reason)),
            }
        })
        .await;
    if edited.is_ok() {
        state.commits.send_modify(|n| *n = n.wrapping_add(1));
    }
    edited
}

/// Whether the record is one this staff member may see, by the same rule as their pull (a
/// coordinator: their boroughs; a supervisor: flagged readings in their boroughs). Asked
/// before anything else about the record, so "not yours" gets the same answer as "not there".
pub(crate) fn visible(conn: &Connection, pusher: &Pusher, id: Uuid) -> Result<bool, ApiError> {
    let flagged_only = match pusher.role {
        Role::Coordinator => false,
        Role::Supervisor => true,
        Role::Volunteer => return Ok(false),
    };
    Ok(conn
        .query_row(
            &format!(
                "SELECT 1 FROM checks WHERE id = ?1 AND (?2 = 0 OR flagged = 1) AND {}",
                in_areas_of("borough", "?3")
            ),
            params![id.to_string(), flagged_only, pusher.user_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The actor id of a web session: stable per user and device, bound like a phone's.
fn session_actor(session: &Session) -> ActorId {
    let digest = Sha256::digest(format!(
        "stallside-web\0{}\0{}",
        session.user_id, session.device_id
    ));
    ActorId::from(&digest[..16])
}
