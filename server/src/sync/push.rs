//! Storing a push: judge each document, write the accepted ones with their projection, bind
//! new actor ids, keep contact details apart, and commit once.

use std::cell::RefCell;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use stallside_shared::crdt::{ActorId, RecordDoc, Role};
use stallside_shared::record::FollowUpState;
use stallside_shared::sync::client::heads_hex;
use stallside_shared::sync::judge::{judge, ActorOwner, Policy, Pusher, Verdict};
use stallside_shared::sync::wire::{ContactDetails, PushDoc, PushResult, MAX_DOC_BYTES};
use stallside_shared::validation::normalise_phone;
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::db::next_seq;
use crate::error::ApiError;
use crate::sync::project;

/// Judges and stores every pushed document in one transaction; answers per document.
pub fn push(
    conn: &mut Connection,
    pusher: &Pusher,
    docs: Vec<PushDoc>,
    policy: &Policy,
    now_ms: i64,
) -> Result<Vec<PushResult>, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(docs.len());
    let (mut accepted, mut rejected) = (0usize, 0usize);
    for pushed in docs {
        let result = push_one(&tx, pusher, pushed, policy, now_ms)?;
        match &result {
            PushResult::Accepted { .. } => accepted += 1,
            PushResult::Rejected { .. } => rejected += 1,
        }
        results.push(result);
    }
    audit::record(
        &tx,
        Some(&pusher.user_id),
        Action::Sync,
        &format!(
            "device {} accepted {accepted} rejected {rejected}",
            pusher.device_id
        ),
    )?;
    tx.commit()?;
    Ok(results)
}

pub(crate) fn push_one(
    conn: &Connection,
    pusher: &Pusher,
    pushed: PushDoc,
    policy: &Policy,
    now_ms: i64,
) -> Result<PushResult, ApiError> {
    let id = pushed.id;
    if pushed.changes.len() > MAX_DOC_BYTES {
        return Ok(PushResult::Rejected {
            id,
            code: "too_large".into(),
            reason: "The record is larger than the server accepts.".into(),
        });
    }
    let stored = load(conn, id)?;
    let lookup_error = RefCell::new(None);
    let owner = |actor: &ActorId| match actor_owner(conn, actor) {
        Ok(owner) => owner,
        Err(e) => {
            *lookup_error.borrow_mut() = Some(e);
            ActorOwner::Bound {
                user_id: String::new(),
                device_id: String::new(),
            }
        }
    };
    let verdict = judge(id, stored, &pushed.changes, pusher, owner, policy, now_ms);
    if let Some(error) = lookup_error.into_inner() {
        return Err(error);
    }
    match verdict {
        Ok(verdict) => store(conn, id, verdict, pusher, pushed.contact, now_ms),
        Err(rejection) => Ok(PushResult::Rejected {
            id,
            code: rejection.code().into(),
            reason: rejection.to_string(),
        }),
    }
}

fn store(
    conn: &Connection,
    id: Uuid,
    mut verdict: Verdict,
    pusher: &Pusher,
    contact: Option<ContactDetails>,
    now_ms: i64,
) -> Result<PushResult, ApiError> {
    let heads = heads_hex(&mut verdict.doc);
    if verdict.changed {
        let seq = next_seq(conn)?;
        conn.execute(
            "INSERT INTO documents (id, seq, heads, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, heads = excluded.heads, doc = excluded.doc",
            params![id.to_string(), seq, heads.join(","), verdict.doc.save()],
        )?;
        project(conn, seq, &verdict.record, &verdict.assessment, now_ms)?;
        for actor in &verdict.new_actors {
            conn.execute(
                "INSERT INTO actors (actor_id, user_id, device_id, first_seen_ms) VALUES (?1, ?2, ?3, ?4)",
                params![actor.to_hex_string(), pusher.user_id, pusher.device_id, now_ms],
            )?;
        }
        if verdict.record.follow_up.state == FollowUpState::Closed {
            conn.execute(
                "DELETE FROM contacts WHERE record_id = ?1",
                params![id.to_string()],
            )?;
        }
    }
    let warning = match contact {
        Some(contact) => keep_contact(conn, id, &verdict, pusher, &contact, now_ms)?,
        None => None,
    };
    Ok(PushResult::Accepted { id, heads, warning })
}

/// Keeps a contact number only for a flagged reading, with consent, sent by its volunteer,
/// while the follow-up is open. Otherwise says why it was not kept.
fn keep_contact(
    conn: &Connection,
    id: Uuid,
    verdict: &Verdict,
    pusher: &Pusher,
    contact: &ContactDetails,
    now_ms: i64,
) -> Result<Option<String>, ApiError> {
    let record = &verdict.record;
    let refusal = if pusher.role != Role::Volunteer || record.check.volunteer_id != pusher.user_id {
        Some("Only the volunteer who took the check can send contact details.")
    } else if !verdict.assessment.is_flagged() {
        Some("The reading is not flagged, so the contact number was not kept.")
    } else if !record.check.consent_to_contact {
        Some("The person did not agree to be contacted, so the number was not kept.")
    } else if record.follow_up.state == FollowUpState::Closed {
        Some("The follow-up is closed, so the number was not kept.")
    } else {
        None
    };
    if let Some(refusal) = refusal {
        return Ok(Some(refusal.into()));
    }
    match normalise_phone(&contact.phone) {
        Ok(phone) => {
            conn.execute(
                "INSERT INTO contacts (record_id, phone, added_at_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (record_id) DO UPDATE SET phone = excluded.phone",
                params![id.to_string(), phone, now_ms],
            )?;
            Ok(None)
        }
        Err(e) => Ok(Some(format!("{e}. The check was saved without it."))),
    }
}

fn load(conn: &Connection, id: Uuid) -> Result<Option<RecordDoc>, ApiError> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT doc FROM documents WHERE id = ?1")?
        .query_row(params![id.to_string()], |row| row.get(0))
        .optional()?;
    bytes
        .map(|b| RecordDoc::load(&b).map_err(|_| ApiError::Internal("stored document unreadable")))
        .transpose()
}

fn actor_owner(conn: &Connection, actor: &ActorId) -> Result<ActorOwner, ApiError> {
    let bound: Option<(String, String)> = conn
        .prepare_cached("SELECT user_id, device_id FROM actors WHERE actor_id = ?1")?
        .query_row(params![actor.to_hex_string()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    Ok(match bound {
        Some((user_id, device_id)) => ActorOwner::Bound { user_id, device_id },
        None => ActorOwner::Unbound,
    })
}
