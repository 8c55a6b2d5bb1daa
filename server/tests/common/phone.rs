//! A simulated phone: the app's sync logic (the shared sans-IO session) over a real HTTP
//! client, with records as real Automerge documents. Tests and benchmarks drive it.

use std::io::{Read, Write};
use std::sync::mpsc;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::record::{CheckPart, CheckRecord, FollowUpPart, Reading, ReviewPart};
use stallside_shared::sync::client::{heads_hex, status, Status};
use stallside_shared::sync::replica::Replica;
use stallside_shared::sync::session::{Limits, Phase};
use stallside_shared::sync::wire::{
    ContactDetails, DeviceReport, SyncRequest, SyncResponse, MAX_PAGE_SIZE, MAX_PUSH_DOCS,
};
use stallside_shared::triage::{assess, ProgrammeSettings, TriageInput};
use uuid::Uuid;

use super::Client;

pub use stallside_shared::sync::replica::Held as Stored;

/// The test phone's first batch of a session: nothing goes ahead of it, so a small one starts
/// the pipelined rounds (batches of [`MAX_PUSH_DOCS`]) sooner.
const FIRST_BATCH: usize = 200;

/// What a sync did.
#[derive(Debug, Default, Clone)]
pub struct SyncReport {
    pub requests: usize,
    pub accepted: usize,
    pub rejected: Vec<(Uuid, String, String)>,
    pub pulled: usize,
    pub erased: usize,
    pub stopped: bool,
    pub bytes_sent: usize,
    pub bytes_received: usize,
}

/// Which of a session's two requests an answer belongs to.
#[derive(Clone, Copy)]
enum Lane {
    Main,
    Ahead,
}

/// Why a sync did not finish.
#[derive(Debug)]
pub enum SyncError {
    Transport(String),
    Status(u16, String),
}

/// A phone with its own device id and actor id; its records and cursor are the shared
/// in-memory [`Replica`] (reached through `Deref`: `phone.records`, `phone.cursor`).
pub struct Phone {
    pub client: Client,
    pub actor: ActorId,
    pub replica: Replica,
    pub limits: Limits,
}

impl std::ops::Deref for Phone {
    type Target = Replica;

    fn deref(&self) -> &Replica {
        &self.replica
    }
}

impl std::ops::DerefMut for Phone {
    fn deref_mut(&mut self) -> &mut Replica {
        &mut self.replica
    }
}

impl Phone {
    pub fn new(client: Client) -> Self {
        Phone {
            client,
            actor: ActorId::random(),
            replica: Replica::default(),
            limits: Limits {
                batch: MAX_PUSH_DOCS,
                first_batch: FIRST_BATCH,
                page_size: MAX_PAGE_SIZE,
                first_pull_page_size: MAX_PAGE_SIZE,
                max_rounds: 10_000,
            },
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
        let contact = contact.map(|phone| ContactDetails {
            phone: phone.to_owned(),
        });
        self.records.insert(id, Stored::new(doc, contact));
        id
    }

    /// Takes a copy of another device's record as the server holds it, as a staff device
    /// that read it elsewhere would (staff pull no documents).
    pub fn adopt(&mut self, other: &Phone, id: Uuid) {
        let doc = other.records[&id].doc.clone();
        self.records.insert(id, Stored::synced(doc));
    }

    /// Takes the server's current copy of record `id`, as a staff device that read it would.
    pub fn adopt_stored(&mut self, server: &super::Server, id: Uuid) {
        let bytes: Vec<u8> = server.value_of("SELECT doc FROM documents WHERE id = ?1", id);
        let doc = RecordDoc::load(&bytes).expect("stored document loads");
        self.records.insert(id, Stored::synced(doc));
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

    /// Runs a sync session until nothing is left to push and no page is left to pull. While
    /// a request is out, the next batch goes ahead of its answer (as the app does), each on
    /// its own thread.
    pub fn sync(&mut self) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        let mut session = self.replica.session(self.limits);
        let client = &self.client.clone();
        let mut lost = None;
        std::thread::scope(|scope| {
            let (answers, answered) = mpsc::channel();
            let send = |lane: Lane, request: &SyncRequest| {
                let body = serde_json::to_vec(request).expect("encode");
                let answers = answers.clone();
                scope.spawn(move || {
                    let _ = answers.send((lane, post_gzip(client, "/api/sync", &body)));
                });
            };
            let mut main_out = false;
            let mut reported = false;
            loop {
                if !main_out {
                    match self.replica.poll_request(&mut session) {
                        Some(mut request) => {
                            // What the phone holds, in the session's first request.
                            if !std::mem::replace(&mut reported, true) {
                                request.device = Some(DeviceReport {
                                    unsynced: u32::try_from(self.unsynced()).unwrap_or(u32::MAX),
                                    app_version: "test-phone".into(),
                                });
                            }
                            send(Lane::Main, &request);
                            main_out = true;
                        }
                        None if session.ahead_out() => {}
                        None => break,
                    }
                }
                if !session.ahead_out() {
                    if let Some(request) = self.replica.push_ahead(&mut session) {
                        send(Lane::Ahead, &request);
                    }
                }
                let (lane, answer) = answered.recv().expect("a request is out");
                let response = match answer {
                    Ok((response, sent, received)) => {
                        report.requests += 1;
                        report.bytes_sent += sent;
                        report.bytes_received += received;
                        response
                    }
                    Err(e) => {
                        match lane {
                            Lane::Main => {
                                main_out = false;
                                session.handle_lost();
                            }
                            Lane::Ahead => session.handle_ahead_lost(),
                        }
                        lost.get_or_insert(e);
                        continue;
                    }
                };
                let effects = match lane {
                    Lane::Main => {
                        main_out = false;
                        session.handle_response(&response)
                    }
                    Lane::Ahead => session.handle_ahead_response(&response),
                }
                .expect("the request is out");
                let applied = self.replica.apply(effects).expect("merge pulled doc");
                report.accepted += applied.accepted;
                report.pulled += applied.pulled;
                report.erased += applied.erased;
                report.rejected.extend(applied.rejected);
            }
        });
        if let Some(e) = lost {
            if session.phase() == Phase::Interrupted {
                return Err(e);
            }
        }
        if session.phase() == Phase::Stopped {
            self.replica = Replica::default();
            report.stopped = true;
        }
        Ok(report)
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
