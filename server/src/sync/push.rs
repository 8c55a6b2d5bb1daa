//! Storing a push: judge each document (in parallel, outside the writer), then write the
//! accepted ones with their projection, bind new actor ids, keep contact details apart, and
//! commit once.

use std::collections::HashMap;

use rayon::prelude::*;
use rusqlite::{params, Connection, OptionalExtension};
use stallside_shared::crdt::{ActorId, RecordDoc, Role};
use stallside_shared::follow_up::FollowUpError;
use stallside_shared::sync::client::{heads_hex, same_heads};
use stallside_shared::sync::judge::{
    judge_contained, settle as settle_verdict, ActorOwner, ContactEffect, Policy, Pusher,
    Rejection, Settled, Verdict,
};
use stallside_shared::sync::wire::{PushDoc, PushResult};
use uuid::Uuid;

use crate::audit::{self, Action};
use crate::db::next_seq;
use crate::error::ApiError;
use crate::sync::project;

/// A push judged outside the writer: each document's verdict, and the stored heads it was
/// judged against.
pub struct Judged {
    items: Vec<JudgedDoc>,
}

/// The stored documents (and their heads) a push will be judged against, as saved bytes:
/// they are loaded on the judging pool, in parallel.
pub fn load_stored(conn: &Connection, ids: &[Uuid]) -> Result<Vec<Stored>, ApiError> {
    ids.iter().map(|id| stored_row(conn, *id)).collect()
}

/// The stored document of a record, loaded, for an edit made on the server.
pub fn load_doc(conn: &Connection, id: Uuid) -> Result<Option<RecordDoc>, ApiError> {
    stored_row(conn, id)?
        .0
        .as_deref()
        .map(doc_from_bytes)
        .transpose()
}

/// Judges a push on every core, holding no connection and no thread while it waits: this is
/// the costly part (decoding and checking each Automerge document), so concurrent pushes from
/// many phones are judged in parallel on the persistent pool (in the order they came) and
/// only [`store_judged`] takes turns. A blocking thread a push, parked until the pool was
/// free, was two hundred threads when two hundred phones synced at once.
pub async fn judge_push(
    docs: Vec<PushDoc>,
    stored: Vec<Stored>,
    pusher: Pusher,
    policy: Policy,
    now_ms: i64,
) -> Result<Judged, ApiError> {
    let (answer, judged) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        // A panic must not reach the pool (it would abort the server): one loading a stored
        // document fails this push; each pushed document's own panics are already contained
        // by the judge.
        let items = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            judge_all(docs, stored, &pusher, &policy, now_ms)
        }));
        let _ = answer.send(items);
    });
    match judged.await {
        Ok(Ok(Ok(items))) => Ok(Judged { items }),
        Ok(Ok(Err(error))) => Err(error),
        _ => Err(ApiError::Internal("judging failed")),
    }
}

/// What storing a push did.
pub struct StoredPush {
    /// Each document's answer.
    pub results: Vec<PushResult>,
    /// How many of them were accepted.
    pub accepted: usize,
    /// How many accepted documents changed what the server holds: a repeat of a push whose
    /// answer was lost is accepted again but changes nothing, and must not be counted twice
    /// off what the phone still holds.
    pub changed: usize,
}

/// Stores a judged push inside the caller's write (a savepoint of a grouped commit) and
/// answers per document. A document changed by someone else since it was judged is judged
/// again here, against what is stored now. The caller commits, so the phone's note rides in
/// the same commit.
pub fn store_judged(
    tx: &Connection,
    pusher: &Pusher,
    judged: Judged,
    policy: &Policy,
    now_ms: i64,
) -> Result<StoredPush, ApiError> {
    let mut results = Vec::with_capacity(judged.items.len());
    let (mut accepted, mut rejected) = (0usize, 0usize);
    let mut write = PushWrite::default();
    for item in judged.items {
        let result = if stored_heads(tx, item.pushed.id)? == item.judged_against {
            settle(tx, &mut write, pusher, item.pushed, item.verdict, now_ms)?
        } else {
            let stored = stored_row(tx, item.pushed.id)?;
            let item = judge_one(item.pushed, stored, pusher, policy, now_ms)?;
            settle(tx, &mut write, pusher, item.pushed, item.verdict, now_ms)?
        };
        match &result {
            PushResult::Accepted { .. } => accepted += 1,
            PushResult::Rejected { .. } => rejected += 1,
        }
        results.push(result);
    }
    audit::record(
        tx,
        Some(&pusher.user_id),
        Action::Sync,
        &format!(
            "device {} accepted {accepted} rejected {rejected}",
            pusher.device_id
        ),
    )?;
    Ok(StoredPush {
        results,
        accepted,
        changed: write.changed,
    })
}

/// Judges and stores one document (inside the caller's transaction).
pub(crate) fn push_one(
    conn: &Connection,
    pusher: &Pusher,
    pushed: PushDoc,
    policy: &Policy,
    now_ms: i64,
) -> Result<PushResult, ApiError> {
    let stored = stored_row(conn, pushed.id)?;
    let item = judge_one(pushed, stored, pusher, policy, now_ms)?;
    settle(
        conn,
        &mut PushWrite::default(),
        pusher,
        item.pushed,
        item.verdict,
        now_ms,
    )
}

/// One document's verdict (carrying its encoding) and the stored heads it was judged against.
struct JudgedDoc {
    pushed: PushDoc,
    verdict: Result<Verdict<Encoded>, Rejection>,
    judged_against: Option<String>,
}

/// What the writer stores of an accepted document, encoded while judging (on every core) so
/// that the single writer only writes bytes.
struct Encoded {
    /// The merged document's heads, hex.
    heads: Vec<String>,
    /// The saved document, when the push changed it.
    bytes: Option<Vec<u8>>,
}

/// Saves an accepted document and takes its heads, then drops the Automerge document, all on
/// the judging thread: a push's documents are not held (a thousand of them, fresh pages for
/// the allocator) until the writer reaches them, and the writer does not free them. A new
/// record pushed as one saved document is kept as it came ([`Verdict::as_pushed`]): saving it
/// again was a tenth of judging it.
fn encode(verdict: Verdict, pushed: &[u8]) -> Verdict<Encoded> {
    let changed = verdict.changed;
    let as_pushed = verdict.as_pushed;
    verdict.map_doc(|mut doc| Encoded {
        heads: heads_hex(&mut doc),
        bytes: changed.then(|| {
            if as_pushed {
                pushed.to_vec()
            } else {
                doc.save_uncompressed()
            }
        }),
    })
}

/// A stored document's saved bytes and its heads as stored (neither, for a new record). Bytes,
/// not the loaded document: an Automerge document is four kilobytes before it holds anything,
/// and a push's worth of them loaded in the reader, one after another, was then copied twice
/// on its way to the judging pool.
pub type Stored = (Option<Vec<u8>>, Option<String>);

/// Judges documents in parallel on the persistent pool of one thread a core. What depends on
/// other rows (actor bindings, the event's borough) is checked by [`settle`] under the writer,
/// with the judge's own rules.
fn judge_all(
    docs: Vec<PushDoc>,
    stored: Vec<Stored>,
    pusher: &Pusher,
    policy: &Policy,
    now_ms: i64,
) -> Result<Vec<JudgedDoc>, ApiError> {
    docs.into_par_iter()
        .zip(stored)
        .with_min_len(8)
        .map(|(pushed, stored)| judge_one(pushed, stored, pusher, policy, now_ms))
        .collect()
}

/// Loads the stored document, then judges one document and encodes it if accepted.
fn judge_one(
    pushed: PushDoc,
    (stored, judged_against): Stored,
    pusher: &Pusher,
    policy: &Policy,
    now_ms: i64,
) -> Result<JudgedDoc, ApiError> {
    let stored = stored.as_deref().map(doc_from_bytes).transpose()?;
    let verdict = judge_contained(
        pushed.id,
        stored,
        &pushed.changes,
        &pushed.heads,
        pusher,
        policy,
        now_ms,
    )
    .map(|verdict| encode(verdict, &pushed.changes));
    Ok(JudgedDoc {
        pushed,
        verdict,
        judged_against,
    })
}

/// Checks a judged document's actor ids against the bindings and its event against the
/// events table, and stores it, or answers why not.
fn settle(
    conn: &Connection,
    write: &mut PushWrite,
    pusher: &Pusher,
    pushed: PushDoc,
    verdict: Result<Verdict<Encoded>, Rejection>,
    now_ms: i64,
) -> Result<PushResult, ApiError> {
    let id = pushed.id;
    let rejected = |rejection: Rejection| PushResult::Rejected {
        id,
        code: rejection.code().into(),
        reason: rejection.to_string(),
    };
    if let Some((code, reason)) = dropped(conn, id)? {
        return Ok(PushResult::Rejected {
            id,
            code: code.into(),
            reason: reason.into(),
        });
    }
    let verdict = match verdict {
        Ok(judged) => judged,
        Err(rejection) => return Ok(rejected(rejection)),
    };
    let owners = verdict
        .actors
        .iter()
        .map(|actor| Ok((actor.clone(), write.owner(conn, actor)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    if let Some(to) = &verdict.handed_to {
        if !supervises(conn, to, &verdict.record.check.borough)? {
            return Ok(rejected(Rejection::FollowUp(
                FollowUpError::NotASupervisorHere,
            )));
        }
    }
    let event_borough = write.event_borough(conn, &verdict.record.check.event_id)?;
    match settle_verdict(
        verdict,
        &owners,
        event_borough.as_deref(),
        pusher,
        pushed.contact.as_ref(),
    ) {
        Ok(settled) => {
            // Only volunteers pull documents; a staff edit leaves no holder, so the record's
            // volunteer is sent it even on the same device.
            let holder = (pusher.role == Role::Volunteer
                && same_heads(&settled.verdict.doc.heads, &pushed.heads))
            .then_some(pusher.device_id.as_str());
            store(conn, write, id, settled, holder, pusher, now_ms)
        }
        Err(rejection) => Ok(rejected(rejection)),
    }
}

/// What the writer keeps across one push's documents, inside one transaction: the rows they
/// share, read once a push (a phone's batch is mostly one actor id and one or two events, and
/// each lookup was a statement a document) and told of each actor it binds; and how many
/// documents it changed.
#[derive(Default)]
struct PushWrite {
    owners: HashMap<ActorId, ActorOwner>,
    event_boroughs: HashMap<String, Option<String>>,
    changed: usize,
}

impl PushWrite {
    fn owner(&mut self, conn: &Connection, actor: &ActorId) -> Result<ActorOwner, ApiError> {
        if let Some(owner) = self.owners.get(actor) {
            return Ok(owner.clone());
        }
        let owner = actor_owner(conn, actor)?;
        self.owners.insert(actor.clone(), owner.clone());
        Ok(owner)
    }

    fn event_borough(
        &mut self,
        conn: &Connection,
        event_id: &str,
    ) -> Result<Option<String>, ApiError> {
        if let Some(borough) = self.event_boroughs.get(event_id) {
            return Ok(borough.clone());
        }
        let borough = event_borough(conn, event_id)?;
        self.event_boroughs
            .insert(event_id.to_owned(), borough.clone());
        Ok(borough)
    }
}

/// Writes an accepted document. `holder` is the pushing volunteer's device when the stored
/// state is exactly what it pushed, so that its pulls need not send it back.
fn store(
    conn: &Connection,
    write: &mut PushWrite,
    id: Uuid,
    settled: Settled<Encoded>,
    holder: Option<&str>,
    pusher: &Pusher,
    now_ms: i64,
) -> Result<PushResult, ApiError> {
    let Settled {
        verdict,
        bind,
        contact,
        warning,
    } = settled;
    let Verdict {
        doc: Encoded { heads, bytes },
        record,
        assessment,
        ..
    } = verdict;
    if let Some(bytes) = bytes {
        let seq = next_seq(conn)?;
        conn.prepare_cached(
            "INSERT INTO documents (id, seq, heads, doc, holder_device) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, heads = excluded.heads,
                 doc = excluded.doc, holder_device = excluded.holder_device",
        )?
        .execute(params![id.to_string(), seq, heads.join(","), bytes, holder])?;
        project(conn, seq, &record, &assessment, now_ms)?;
        for actor in bind {
            conn.prepare_cached(
                "INSERT INTO actors (actor_id, user_id, device_id, first_seen_ms) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![actor.to_hex_string(), pusher.user_id, pusher.device_id, now_ms])?;
            let owner = ActorOwner::Bound {
                user_id: pusher.user_id.clone(),
                device_id: pusher.device_id.clone(),
            };
            write.owners.insert(actor, owner);
        }
        write.changed += 1;
    }
    match contact {
        ContactEffect::Keep(phone) => {
            conn.prepare_cached(
                "INSERT INTO contacts (record_id, phone, added_at_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (record_id) DO UPDATE SET phone = excluded.phone",
            )?
            .execute(params![id.to_string(), phone, now_ms])?;
        }
        ContactEffect::Erase => {
            conn.prepare_cached("DELETE FROM contacts WHERE record_id = ?1")?
                .execute(params![id.to_string()])?;
        }
        ContactEffect::Unchanged => {}
    }
    Ok(PushResult::Accepted { id, heads, warning })
}

fn stored_row(conn: &Connection, id: Uuid) -> Result<Stored, ApiError> {
    let row: Option<(Vec<u8>, String)> = conn
        .prepare_cached("SELECT doc, heads FROM documents WHERE id = ?1")?
        .query_row(params![id.to_string()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    Ok(row.map_or((None, None), |(bytes, heads)| (Some(bytes), Some(heads))))
}

fn doc_from_bytes(bytes: &[u8]) -> Result<RecordDoc, ApiError> {
    RecordDoc::load(bytes).map_err(|_| ApiError::Internal("stored document unreadable"))
}

/// Why a push of a record the phones were told to drop is refused, by tombstone table: the code
/// and the reason. An offline phone's old copy can bring back neither an erased record nor the
/// history a pseudonymised one shed.
const DROPPED: [(&str, &str, &str); 2] = [
    (
        "SELECT 1 FROM erased WHERE id = ?1",
        "erased",
        "This record was erased at the person's request; the phone drops its copy.",
    ),
    (
        "SELECT 1 FROM pseudonymised WHERE id = ?1",
        "pseudonymised",
        "This record is past the programme's retention period and was pseudonymised; the phone drops its copy.",
    ),
];

/// The refusal for a push of a record that was erased or pseudonymised, if it was.
fn dropped(conn: &Connection, id: Uuid) -> Result<Option<(&'static str, &'static str)>, ApiError> {
    for (sql, code, reason) in DROPPED {
        let found = conn
            .prepare_cached(sql)?
            .query_row(params![id.to_string()], |_| Ok(()))
            .optional()?;
        if found.is_some() {
            return Ok(Some((code, reason)));
        }
    }
    Ok(None)
}

fn stored_heads(conn: &Connection, id: Uuid) -> Result<Option<String>, ApiError> {
    Ok(conn
        .prepare_cached("SELECT heads FROM documents WHERE id = ?1")?
        .query_row(params![id.to_string()], |row| row.get(0))
        .optional()?)
}

/// Whether `user_id` is an active supervisor of `borough`: the only one a claim may be handed
/// to.
fn supervises(conn: &Connection, user_id: &str, borough: &str) -> Result<bool, ApiError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM users u JOIN user_areas a ON a.user_id = u.id
             WHERE u.id = ?1 AND a.borough = ?2 AND u.role = 'supervisor' AND u.disabled = 0",
        )?
        .query_row(params![user_id, borough], |_| Ok(()))
        .optional()?
        .is_some())
}

fn event_borough(conn: &Connection, event_id: &str) -> Result<Option<String>, ApiError> {
    Ok(conn
        .prepare_cached("SELECT borough FROM events WHERE id = ?1")?
        .query_row(params![event_id], |row| row.get(0))
        .optional()?)
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
