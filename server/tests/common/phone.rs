//! A simulated phone: the app's sync logic (the shared sans-IO client) over a real HTTP
//! client, with records as real Automerge documents. Tests and benchmarks drive it.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::record::{CheckPart, CheckRecord, FollowUpPart, Reading, ReviewPart};
use stallside_shared::sync::client::{
    apply_response, build_request, forget_sent_contact, heads_hex, merge_pulled, needs_push,
    status, Effect, Outgoing, Status, SyncState,
};
use stallside_shared::sync::wire::{ContactDetails, SyncResponse, MAX_PUSH_DOCS};
use stallside_shared::triage::{assess, ProgrammeSettings, TriageInput};
use uuid::Uuid;

use super::Client;

/// One record on the phone.
pub struct Stored {
    pub doc: RecordDoc,
    pub state: SyncState,
    pub contact: Option<ContactDetails>,
}

/// What a sync did.
#[derive(Debug, Default, Clone)]
pub struct SyncReport {
    pub requests: usize,
    pub accepted: usize,
    pub rejected: Vec<(Uuid, String, String)>,
    pub pulled: usize,
    pub bytes_sent: usize,
    pub bytes_received: usize,
}

/// Why a sync did not finish.
#[derive(Debug)]
pub enum SyncError {
    Transport(String),
    Status(u16, String),
}

/// A phone with its own device id and actor id.
pub struct Phone {
    pub client: Client,
    pub actor: ActorId,
    pub records: BTreeMap<Uuid, Stored>,
    pub cursor: u64,
    pub push_batch: usize,
    pub page_size: Option<u32>,
}

impl Phone {
    pub fn new(client: Client) -> Self {
        Phone {
            client,
            actor: ActorId::random(),
            records: BTreeMap::new(),
            cursor: 0,
            push_batch: MAX_PUSH_DOCS,
            page_size: None,
        }
    }

    fn meta(&self) -> ChangeMeta {
        ChangeMeta {
            actor: self.actor.clone(),
            time_secs: now_secs(),
        }
    }

    /// Saves a new check (band and follow-up set by triage, as the app does).
    pub fn record(&mut self, mut check: CheckPart, contact: Option<&str>) -> Uuid {
        let assessment = assess(
            &TriageInput::from_check(&check),
            &ProgrammeSettings::default(),
        );
        check.band = assessment.band;
        let id = Uuid::new_v4();
        let record = CheckRecord::new(id, check, assessment.is_flagged());
        let doc = RecordDoc::create(&record, &self.meta()).expect("create doc");
        self.records.insert(
            id,
            Stored {
                doc,
                state: SyncState::default(),
                contact: contact.map(|phone| ContactDetails {
                    phone: phone.to_owned(),
                }),
            },
        );
        id
    }

    /// Takes a copy of another device's record as the server holds it, as a staff device
    /// that read it elsewhere would (staff pull no documents).
    pub fn adopt(&mut self, other: &Phone, id: Uuid) {
        self.hold_synced(id, other.records[&id].doc.clone());
    }

    /// Takes the server's current copy of record `id`, as a staff device that read it would.
    pub fn adopt_stored(&mut self, server: &super::Server, id: Uuid) {
        let bytes: Vec<u8> = server.value_of("SELECT doc FROM documents WHERE id = ?1", id);
        self.hold_synced(id, RecordDoc::load(&bytes).expect("stored document loads"));
    }

    /// Holds `doc` as record `id`, synced at its current heads.
    fn hold_synced(&mut self, id: Uuid, mut doc: RecordDoc) {
        let state = SyncState {
            server_heads: heads_hex(&mut doc),
            rejected: None,
        };
        let contact = None;
        self.records.insert(
            id,
            Stored {
                doc,
                state,
                contact,
            },
        );
    }

    pub fn record_of(&self, id: Uuid) -> CheckRecord {
        self.records[&id].doc.record().expect("record")
    }

    pub fn correct(&mut self, id: Uuid, change: impl FnOnce(&mut CheckPart)) {
        let meta = self.meta();
        let stored = self.records.get_mut(&id).expect("record on phone");
        let mut check = stored.doc.record().unwrap().check;
        change(&mut check);
        check.band = stallside_shared::triage::band(&TriageInput::from_check(&check));
        stored.doc.write_check(&check, &meta).unwrap();
    }

    pub fn review(&mut self, id: Uuid, change: impl FnOnce(&mut ReviewPart)) {
        let meta = self.meta();
        let stored = self.records.get_mut(&id).expect("record on phone");
        let mut review = stored.doc.record().unwrap().review;
        change(&mut review);
        stored.doc.write_review(&review, &meta).unwrap();
    }

    pub fn follow_up(&mut self, id: Uuid, change: impl FnOnce(&mut FollowUpPart)) {
        let meta = self.meta();
        let stored = self.records.get_mut(&id).expect("record on phone");
        let mut follow_up = stored.doc.record().unwrap().follow_up;
        change(&mut follow_up);
        stored.doc.write_follow_up(&follow_up, &meta).unwrap();
    }

    pub fn status(&mut self, id: Uuid) -> Status {
        let stored = self.records.get_mut(&id).expect("record on phone");
        let heads = heads_hex(&mut stored.doc);
        status(&stored.state, &heads)
    }

    pub fn unsynced(&mut self) -> usize {
        self.records
            .values_mut()
            .map(|s| {
                let heads = heads_hex(&mut s.doc);
                status(&s.state, &heads) != Status::Synced
            })
            .filter(|unsynced| *unsynced)
            .count()
    }

    /// Syncs until nothing is left to push and no page is left to pull.
    pub fn sync(&mut self) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        loop {
            let batch = self.push_batch;
            let outgoing: Vec<Outgoing> = self
                .records
                .iter_mut()
                .filter_map(|(id, s)| {
                    let heads = heads_hex(&mut s.doc);
                    needs_push(&s.state, &heads).then(|| Outgoing {
                        id: *id,
                        doc: &mut s.doc,
                        state: &s.state,
                        contact: s.contact.clone(),
                    })
                })
                .take(batch)
                .collect();
            let (request, in_flight) = build_request(self.cursor, outgoing, self.page_size);
            let pushed_any = !request.push.is_empty();
            let body = serde_json::to_vec(&request).expect("encode");
            let (response, sent, received) = post_gzip(&self.client, "/api/sync", &body)?;
            report.requests += 1;
            report.bytes_sent += sent;
            report.bytes_received += received;
            let (effects, cursor, more) = apply_response(&in_flight, &response);
            for effect in effects {
                match effect {
                    Effect::Acknowledged {
                        id,
                        server_heads,
                        sent_contact,
                    } => {
                        report.accepted += 1;
                        if let Some(s) = self.records.get_mut(&id) {
                            s.state.acknowledged(server_heads);
                            forget_sent_contact(&mut s.contact, sent_contact.as_ref());
                        }
                    }
                    Effect::Rejected {
                        id,
                        code,
                        reason,
                        pushed_heads,
                    } => {
                        report.rejected.push((id, code.clone(), reason.clone()));
                        if let Some(s) = self.records.get_mut(&id) {
                            s.state.refused(&code, reason, pushed_heads);
                        }
                    }
                    Effect::Merge {
                        id,
                        doc,
                        server_heads,
                    } => {
                        report.pulled += 1;
                        let local = self.records.remove(&id);
                        let (local_doc, mut state, contact) = match local {
                            Some(s) => (Some(s.doc), s.state, s.contact),
                            None => (None, SyncState::default(), None),
                        };
                        let merged = merge_pulled(local_doc, &doc).expect("merge pulled doc");
                        state.merged(server_heads);
                        self.records.insert(
                            id,
                            Stored {
                                doc: merged,
                                state,
                                contact,
                            },
                        );
                    }
                }
            }
            self.cursor = cursor;
            let left = self.records.values_mut().any(|s| {
                let heads = heads_hex(&mut s.doc);
                needs_push(&s.state, &heads)
            });
            if !(more || left && pushed_any) {
                return Ok(report);
            }
        }
    }
}

/// POSTs a gzip body, accepts a gzip answer; returns the decoded answer and the bytes that
/// crossed the wire each way (bodies only).
pub fn post_gzip(
    client: &Client,
    path: &str,
    body: &[u8],
) -> Result<(SyncResponse, usize, usize), SyncError> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(body).expect("gzip");
    let compressed = encoder.finish().expect("gzip");
    let sent = compressed.len();
    let mut response = super::agent()
        .post(format!("{}{path}", client.url))
        .header("Authorization", format!("Bearer {}", client.token))
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .header("Accept-Encoding", "gzip")
        .send(&compressed[..])
        .map_err(|e| SyncError::Transport(e.to_string()))?;
    let status = response.status().as_u16();
    let gzipped = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes() == b"gzip");
    let raw = response
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| SyncError::Transport(e.to_string()))?;
    let received = raw.len();
    let plain = if gzipped {
        let mut out = Vec::new();
        GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| SyncError::Transport(e.to_string()))?;
        out
    } else {
        raw
    };
    if status != 200 {
        return Err(SyncError::Status(
            status,
            String::from_utf8_lossy(&plain).into_owned(),
        ));
    }
    let response =
        serde_json::from_slice(&plain).map_err(|e| SyncError::Transport(e.to_string()))?;
    Ok((response, sent, received))
}

/// Milliseconds now, for records made in tests.
pub fn now() -> i64 {
    now_ms()
}

/// `check` with only these readings and no symptoms, so triage goes by the numbers alone.
pub fn with_readings(mut check: CheckPart, readings: Vec<Reading>) -> CheckPart {
    check.readings = readings;
    check.red_flags.clear();
    check.pulse_irregular_on_repeat = None;
    check.low_bp_symptoms.clear();
    check
}
