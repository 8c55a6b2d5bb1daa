//! A client's records held in memory, driven through the sans-IO client: what the simulated
//! phones of the server's tests and benchmarks and the sync simulation hold. The phone app
//! applies the same [`Effect`]s to IndexedDB instead; this is the one in-memory adapter, so
//! the native phones cannot drift from each other.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::crdt::{DocError, RecordDoc};
use crate::sync::client::{
    apply_response, build_request, forget_sent_contact, heads_hex, merge_pulled, needs_push,
    Effect, InFlight, Outgoing, SyncState,
};
use crate::sync::wire::{ContactDetails, SyncRequest, SyncResponse};

/// One record on the client.
#[derive(Debug, Clone)]
pub struct Held {
    /// Its document.
    pub doc: RecordDoc,
    /// Where it stands with the server.
    pub state: SyncState,
    /// A contact number still to send beside it.
    pub contact: Option<ContactDetails>,
}

impl Held {
    /// A record saved on the client and not yet sent.
    pub fn new(doc: RecordDoc, contact: Option<ContactDetails>) -> Self {
        Held {
            doc,
            state: SyncState::default(),
            contact,
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
        }
    }
}

/// A client's records and its cursor.
#[derive(Debug, Clone, Default)]
pub struct Replica {
    /// Records by id.
    pub records: BTreeMap<Uuid, Held>,
    /// The server's cursor from the last response applied.
    pub cursor: u64,
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
    /// More pages wait.
    pub more: bool,
}

impl Replica {
    /// The next request: up to `batch` records with changes the server lacks, and a pull of
    /// up to `page_size` documents.
    pub fn request(&mut self, batch: usize, page_size: Option<u32>) -> (SyncRequest, InFlight) {
        let outgoing: Vec<Outgoing> = self
            .records
            .iter_mut()
            .filter_map(|(id, held)| {
                let heads = heads_hex(&mut held.doc);
                needs_push(&held.state, &heads).then(|| Outgoing {
                    id: *id,
                    doc: &mut held.doc,
                    state: &held.state,
                    contact: held.contact.clone(),
                })
            })
            .take(batch)
            .collect();
        build_request(self.cursor, outgoing, page_size)
    }

    /// Applies the server's answer to the request that `in_flight` describes.
    pub fn apply(
        &mut self,
        in_flight: &InFlight,
        response: &SyncResponse,
    ) -> Result<Applied, DocError> {
        let (effects, cursor, more) = apply_response(in_flight, response);
        let mut applied = Applied {
            more,
            ..Applied::default()
        };
        for effect in effects {
            match effect {
                Effect::Acknowledged {
                    id,
                    server_heads,
                    sent_contact,
                } => {
                    applied.accepted += 1;
                    if let Some(held) = self.records.get_mut(&id) {
                        held.state.acknowledged(server_heads);
                        forget_sent_contact(&mut held.contact, sent_contact.as_ref());
                    }
                }
                Effect::Rejected {
                    id,
                    code,
                    reason,
                    pushed_heads,
                } => {
                    applied.rejected.push((id, code.clone(), reason.clone()));
                    if let Some(held) = self.records.get_mut(&id) {
                        held.state.refused(&code, reason, pushed_heads);
                    }
                }
                Effect::Merge {
                    id,
                    doc,
                    server_heads,
                } => {
                    applied.pulled += 1;
                    let (local, mut state, contact) = match self.records.remove(&id) {
                        Some(held) => (Some(held.doc), held.state, held.contact),
                        None => (None, SyncState::default(), None),
                    };
                    let merged = merge_pulled(local, &doc)?;
                    state.merged(server_heads);
                    self.records.insert(
                        id,
                        Held {
                            doc: merged,
                            state,
                            contact,
                        },
                    );
                }
            }
        }
        self.cursor = cursor;
        Ok(applied)
    }

    /// Whether any record still has changes to send.
    pub fn has_unsent(&mut self) -> bool {
        self.records.values_mut().any(|held| {
            let heads = heads_hex(&mut held.doc);
            needs_push(&held.state, &heads)
        })
    }
}
