//! A client's records held in memory, a thin driver of the sans-IO [`Session`]: what the
//! simulated phones of the server's tests and benchmarks and the sync simulation hold. The
//! phone app drives the same session over IndexedDB instead; this is the one in-memory
//! adapter, so the native phones cannot drift from each other.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::crdt::{DocError, RecordDoc};
use crate::sync::client::{
    heads_hex, merge_pulled, needs_push, same_heads, Outgoing, OutgoingDoc, SyncState,
};
use crate::sync::session::{Effect, Limits, Session};
use crate::sync::wire::{ContactDetails, Event, SyncRequest};
use crate::triage::ProgrammeSettings;

/// One record on the client.
#[derive(Debug, Clone)]
pub struct Held {
    /// Its document.
    pub doc: RecordDoc,
    /// Where it stands with the server.
    pub state: SyncState,
    /// A contact number still to send beside it.
    pub contact: Option<ContactDetails>,
    /// The document as saved (without compression) when the record was made, with the heads
    /// it was saved at: the app keeps each check saved in IndexedDB and pushes a new one as it
    /// was saved ([`OutgoingDoc::Saved`]). Passed over once `doc` has moved on from those
    /// heads, and dropped once the server acknowledges the record.
    saved: Option<(Vec<String>, Vec<u8>)>,
}

impl Held {
    /// A record saved on the client and not yet sent.
    pub fn new(mut doc: RecordDoc, contact: Option<ContactDetails>) -> Self {
        let saved = Some((heads_hex(&mut doc), doc.save_uncompressed()));
        Held {
            doc,
            state: SyncState::default(),
            contact,
            saved,
        }
    }

    /// A record the server holds at the document's current heads.
    pub fn synced(mut doc: RecordDoc) -> Self {
        let state = SyncState {
            server_heads: heads_hex(&mut doc),
            rejected: None,
        };
        Held {
            doc,
            state,
            contact: None,
            saved: None,
        }
    }

    /// The record as the session takes it: its document as saved, while it has not moved on
    /// since.
    fn outgoing(&mut self, id: Uuid) -> Outgoing<'_> {
        let Held {
            doc,
            state,
            contact,
            saved,
        } = self;
        let doc = match saved {
            Some((heads, bytes))
                if state.server_heads.is_empty() && same_heads(heads, &heads_hex(doc)) =>
            {
                OutgoingDoc::Saved {
                    bytes,
                    heads: heads.clone(),
                }
            }
            _ => OutgoingDoc::Loaded(doc),
        };
        Outgoing {
            id,
            doc,
            state,
            contact: contact.clone(),
        }
    }
}

/// A client's records, its cursor and what the server last said about events and settings.
#[derive(Debug, Clone, Default)]
pub struct Replica {
    /// Records by id.
    pub records: BTreeMap<Uuid, Held>,
    /// The server's cursor from the last response applied.
    pub cursor: u64,
    /// Events the user works at, by id.
    pub events: BTreeMap<String, Event>,
    /// The programme settings from the last response.
    pub settings: ProgrammeSettings,
}

/// What one response did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Records the server acknowledged.
    pub accepted: usize,
    /// Records it refused: id, code, reason.
    pub rejected: Vec<(Uuid, String, String)>,
    /// Documents merged from the pull.
    pub pulled: usize,
    /// Records dropped because they were erased on request.
    pub erased: usize,
}

impl Replica {
    /// A session from this client's cursor.
    pub fn session(&self, limits: Limits) -> Session {
        Session::new(self.cursor, limits)
    }

    /// The session's next request over the records with changes the server lacks, or `None`
    /// when the session is over.
    pub fn poll_request(&mut self, session: &mut Session) -> Option<SyncRequest> {
        session.poll_request(self.outgoing())
    }

    /// The session's push-only request to send while its request out is answered, if it
    /// allows one ([`Session::push_ahead`]).
    pub fn push_ahead(&mut self, session: &mut Session) -> Option<SyncRequest> {
        session.push_ahead(self.outgoing())
    }

    /// Stores one response's effects, in order.
    pub fn apply(&mut self, effects: Vec<Effect>) -> Result<Applied, DocError> {
        let mut applied = Applied::default();
        for effect in effects {
            match &effect {
                Effect::Acknowledged { id, .. } => {
                    applied.accepted += 1;
                    self.update_record(*id, &effect);
                }
                Effect::Rejected {
                    id, code, reason, ..
                } => {
                    applied.rejected.push((*id, code.clone(), reason.clone()));
                    self.update_record(*id, &effect);
                }
                Effect::Merge { id, doc, .. } => {
                    applied.pulled += 1;
                    let (local, mut state, mut contact) = match self.records.remove(id) {
                        Some(held) => (Some(held.doc), held.state, held.contact),
                        None => (None, SyncState::default(), None),
                    };
                    let merged = merge_pulled(local, doc)?;
                    effect.update_record(&mut state, &mut contact);
                    self.records.insert(
                        *id,
                        Held {
                            doc: merged,
                            state,
                            contact,
                            saved: None,
                        },
                    );
                }
                Effect::Erase { id } => {
                    if self.records.remove(id).is_some() {
                        applied.erased += 1;
                    }
                }
                Effect::Events(events) => {
                    for event in events {
                        self.events.insert(event.id.clone(), event.clone());
                    }
                }
                Effect::Settings(settings) => self.settings = *settings,
                Effect::Cursor(cursor) => self.cursor = *cursor,
            }
        }
        Ok(applied)
    }

    /// Whether any record still has changes to send.
    pub fn has_unsent(&mut self) -> bool {
        self.records.values_mut().any(|held| {
            let heads = heads_hex(&mut held.doc);
            needs_push(&held.state, &heads)
        })
    }

    fn outgoing(&mut self) -> impl Iterator<Item = Outgoing<'_>> {
        self.records.iter_mut().map(|(id, held)| held.outgoing(*id))
    }

    fn update_record(&mut self, id: Uuid, effect: &Effect) {
        if let Some(held) = self.records.get_mut(&id) {
            effect.update_record(&mut held.state, &mut held.contact);
            if matches!(effect, Effect::Acknowledged { .. }) {
                held.saved = None;
            }
        }
    }
}
