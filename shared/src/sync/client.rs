//! The phone's side of sync, as plain functions over its records' sync states.
//!
//! A record is synced when the server has acknowledged every change the phone holds: the
//! phone keeps, per record, the heads the server is known to have (`server_heads`) and pushes
//! the changes after them. It marks a record synced only on the server's acknowledgement, and
//! a rejected record stays unsynced with the server's reason until it changes again.

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crdt::{DocError, RecordDoc};
#[cfg(doc)]
use crate::sync::chunk::is_plain_document;
use crate::sync::wire::ContactDetails;

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
///
/// Compared by containment both ways after the lengths, not by sorting: a document has a
/// handful of heads, the lengths settle anything longer at once, and each sort compiled into
/// the phone costs its download about a kilobyte. With one side a document's own heads
/// (distinct), this is exactly equality as multisets.
pub fn same_heads(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|h| b.contains(h)) && b.iter().all(|h| a.contains(h))
}

/// Hex strings of a document's heads.
pub fn heads_hex(doc: &mut RecordDoc) -> Vec<String> {
    doc.heads().iter().map(ToString::to_string).collect()
}

/// A record that may need pushing, offered to [`Session::poll_request`]: its id, document,
/// sync state and (for a flagged, consented reading) contact details.
///
/// [`Session::poll_request`]: crate::sync::session::Session::poll_request
pub struct Outgoing<'a> {
    /// Record id.
    pub id: Uuid,
    /// Its document.
    pub doc: OutgoingDoc<'a>,
    /// What the server has.
    pub state: &'a SyncState,
    /// Contact details to send beside it, once.
    pub contact: Option<ContactDetails>,
}

/// An outgoing record's document, as the client holds it.
pub enum OutgoingDoc<'a> {
    /// Loaded: what the server lacks is worked out from it.
    Loaded(&'a mut RecordDoc),
    /// As the client saved it, with the heads it was saved at, for a record the server
    /// holds none of: most of what a phone pushes. The bytes go as they are, so the phone
    /// neither loads nor saves the document again (the app's push of 5,000 checks the server
    /// had lost spent most of its time doing both). A whole document is right whatever the
    /// server holds (it merges), only larger than the changes it lacks.
    ///
    /// The heads must be the document's own: the client reads both from one stored value,
    /// written together. Only a whole document saved without compression
    /// ([`is_plain_document`]) may be offered so: the server refuses deflated columns, which
    /// an older version saved.
    Saved {
        /// The saved document.
        bytes: &'a [u8],
        /// Its heads, hex.
        heads: Vec<String>,
    },
}

impl OutgoingDoc<'_> {
    /// The document's heads, hex.
    pub fn heads(&mut self) -> Vec<String> {
        match self {
            OutgoingDoc::Loaded(doc) => heads_hex(doc),
            OutgoingDoc::Saved { heads, .. } => heads.clone(),
        }
    }

    /// What to push to a server that holds `server_heads` of it ([`RecordDoc::to_push`]).
    pub fn to_push(&mut self, server_heads: &[ChangeHash]) -> Vec<u8> {
        match self {
            OutgoingDoc::Loaded(doc) => doc.to_push(server_heads),
            OutgoingDoc::Saved { bytes, .. } => bytes.to_vec(),
        }
    }
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
