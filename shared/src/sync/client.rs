//! The phone's side of sync, as plain functions over its records' sync states.
//!
//! A record is synced when the server has acknowledged every change the phone holds: the
//! phone keeps, per record, the heads the server is known to have (`server_heads`) and pushes
//! the changes after them. It marks a record synced only on the server's acknowledgement, and
//! a rejected record stays unsynced with the server's reason until it changes again.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crdt::{DocError, RecordDoc};
use crate::sync::wire::{ContactDetails, PushDoc, PushResult, SyncRequest, SyncResponse};

/// Where one record stands with the server, as the phone stores it beside the document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// Heads the server is known to hold, hex.
    pub server_heads: Vec<String>,
    /// The server's refusal of the version with these heads, if it refused one.
    pub rejected: Option<Refusal>,
}

/// A refused version: not sent again until the record changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The server's reason, for the volunteer.
    pub reason: String,
    /// The phone's heads when it pushed the refused version.
    pub heads: Vec<String>,
}

impl SyncState {
    /// The server committed the version with `pushed` heads.
    pub fn acknowledged(&mut self, pushed: Vec<String>) {
        self.server_heads = pushed;
        self.rejected = None;
    }

    /// The server refused the version with `pushed` heads. A refusal for missing history
    /// means the server lacks what the phone thought it had: send everything next time.
    pub fn refused(&mut self, code: &str, reason: String, pushed: Vec<String>) {
        if code == MISSING_HISTORY {
            self.server_heads.clear();
        } else {
            self.rejected = Some(Refusal {
                reason,
                heads: pushed,
            });
        }
    }

    /// The phone merged the server's document, whose heads it now holds.
    pub fn merged(&mut self, server_heads: Vec<String>) {
        self.server_heads = server_heads;
    }
}

/// The rejection code for changes whose history the server lacks.
pub const MISSING_HISTORY: &str = "missing_history";

/// What the phone shows for a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Changes the server has not acknowledged.
    OnPhone,
    /// The server holds every change.
    Synced,
    /// The server refused the current version, for this reason.
    Rejected(String),
}

/// The status of a record whose document has `local_heads`.
pub fn status(state: &SyncState, local_heads: &[String]) -> Status {
    match &state.rejected {
        Some(refusal) if same_heads(&refusal.heads, local_heads) => {
            Status::Rejected(refusal.reason.clone())
        }
        _ if !local_heads.is_empty() && same_heads(&state.server_heads, local_heads) => {
            Status::Synced
        }
        _ => Status::OnPhone,
    }
}

/// Whether a record needs pushing: it has changes the server lacks and is not a version the
/// server already refused.
pub fn needs_push(state: &SyncState, local_heads: &[String]) -> bool {
    status(state, local_heads) == Status::OnPhone
}

/// Two sets of heads, in any order, are the same.
pub fn same_heads(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort();
    b.sort();
    a == b
}

/// Hex strings of a document's heads.
pub fn heads_hex(doc: &mut RecordDoc) -> Vec<String> {
    doc.heads().iter().map(ToString::to_string).collect()
}

/// A record that needs pushing: its id, document, sync state and (for a flagged, consented
/// reading) contact details.
pub struct Outgoing<'a> {
    /// Record id.
    pub id: Uuid,
    /// Its document.
    pub doc: &'a mut RecordDoc,
    /// What the server has.
    pub state: &'a SyncState,
    /// Contact details to send beside it, once.
    pub contact: Option<ContactDetails>,
}

/// What one request carried, to match the response against.
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    /// For each pushed record, the local heads at the time of pushing.
    pub pushed: HashMap<Uuid, Vec<String>>,
    /// For each pushed record, the contact details that went with it.
    pub contacts: HashMap<Uuid, ContactDetails>,
}

/// Builds the request: for every record with unacknowledged changes, the changes after its
/// server heads; a rejected record is sent again only if it changed since.
pub fn build_request<'a>(
    cursor: u64,
    outgoing: impl IntoIterator<Item = Outgoing<'a>>,
    page_size: Option<u32>,
) -> (SyncRequest, InFlight) {
    let mut request = SyncRequest {
        cursor,
        push: Vec::new(),
        page_size,
    };
    let mut in_flight = InFlight::default();
    for item in outgoing {
        let local = heads_hex(item.doc);
        if !needs_push(item.state, &local) {
            continue;
        }
        let server_heads: Vec<automerge::ChangeHash> = item
            .state
            .server_heads
            .iter()
            .filter_map(|h| h.parse().ok())
            .collect();
        if let Some(contact) = &item.contact {
            in_flight.contacts.insert(item.id, contact.clone());
        }
        request.push.push(PushDoc {
            id: item.id,
            changes: item.doc.changes_since(&server_heads),
            heads: local.clone(),
            contact: item.contact,
        });
        in_flight.pushed.insert(item.id, local);
    }
    (request, in_flight)
}

/// What the phone must store after a response, in order.
#[derive(Debug)]
pub enum Effect {
    /// The server committed the record at these heads (the phone's heads when it pushed).
    Acknowledged {
        /// Record id.
        id: Uuid,
        /// New server heads.
        server_heads: Vec<String>,
        /// The contact details that went with the push: pass them to [`forget_sent_contact`].
        sent_contact: Option<ContactDetails>,
    },
    /// The server refused the record.
    Rejected {
        /// Record id.
        id: Uuid,
        /// A stable code.
        code: String,
        /// The reason to show.
        reason: String,
        /// The phone's heads when it pushed.
        pushed_heads: Vec<String>,
    },
    /// A document changed on the server: merge it into the phone's copy (or store it).
    Merge {
        /// Record id.
        id: Uuid,
        /// The server's whole document.
        doc: Vec<u8>,
        /// The server's heads, which the phone will hold after merging.
        server_heads: Vec<String>,
    },
}

/// Turns a response into effects for the store, plus the next cursor and whether to ask again.
pub fn apply_response(in_flight: &InFlight, response: &SyncResponse) -> (Vec<Effect>, u64, bool) {
    let mut effects = Vec::new();
    for result in &response.results {
        match result {
            PushResult::Accepted { id, .. } => {
                if let Some(pushed) = in_flight.pushed.get(id) {
                    effects.push(Effect::Acknowledged {
                        id: *id,
                        server_heads: pushed.clone(),
                        sent_contact: in_flight.contacts.get(id).cloned(),
                    });
                }
            }
            PushResult::Rejected { id, code, reason } => effects.push(Effect::Rejected {
                id: *id,
                code: code.clone(),
                reason: reason.clone(),
                pushed_heads: in_flight.pushed.get(id).cloned().unwrap_or_default(),
            }),
        }
    }
    for pulled in &response.pulled {
        effects.push(Effect::Merge {
            id: pulled.id,
            doc: pulled.doc.clone(),
            server_heads: pulled.heads.clone(),
        });
    }
    (effects, response.cursor, response.more)
}

/// Forgets a contact number once the server has it: only the number that went with the
/// acknowledged push; one typed during the round trip still has to go.
pub fn forget_sent_contact(held: &mut Option<ContactDetails>, sent: Option<&ContactDetails>) {
    if held.is_some() && held.as_ref() == sent {
        *held = None;
    }
}

/// Merges a pulled document into the phone's copy (if any); returns the merged document.
pub fn merge_pulled(local: Option<RecordDoc>, pulled: &[u8]) -> Result<RecordDoc, DocError> {
    let mut doc = local.unwrap_or_else(RecordDoc::empty);
    doc.apply(pulled)?;
    Ok(doc)
}
