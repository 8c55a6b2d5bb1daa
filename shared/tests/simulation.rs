//! Deterministic simulation of sync, FoundationDB-style: volunteers' phones, supervisors and
//! coordinators, and a server made of the real judge over an in-memory store, run from a seed
//! with seeded faults — dropped requests, lost answers, duplicated and late deliveries, a
//! server crash that loses the request in progress, a page prefetched while the one before it
//! fails to store, a batch pushed ahead of the answer to the request before it (reaching the
//! server before or after that request, or lost either way), a phone reinstalled from scratch,
//! phone clocks days out — then brought to quiescence and checked:
//!
//! - every record a phone holds as synced is on the server, once, with the same heads;
//! - every record the server holds reached its volunteer's phone, at the server's heads;
//! - no stored change is outside its author's part or areas;
//! - a contact number is held only while the rules allow it.
//!
//! `SIM_SEEDS` sets how many seeds run (2,000 by default); a failure names its seed, and
//! `SIM_SEED=N` re-runs just that one.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, HashMap};

use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc, Role, Touched};
use stallside_shared::follow_up::{self, FollowUpAction, FollowUpContext};
use stallside_shared::record::*;
use stallside_shared::review;
use stallside_shared::sync::client::{heads_hex, same_heads, status, Status};
use stallside_shared::sync::judge::{
    judge, settle, ActorOwner, ContactEffect, Policy, Pusher, Settled,
};
use stallside_shared::sync::replica::{Held, Replica};
use stallside_shared::sync::session::{Limits, Phase, Session, SessionError};
use stallside_shared::sync::wire::{
    ContactDetails, PulledDoc, PushDoc, PushResult, SyncRequest, SyncResponse,
};
use stallside_shared::synthetic::{self, SplitMix as Rng, Stall};
use stallside_shared::triage::{assess, TriageInput};
use uuid::Uuid;

const START_MS: i64 = 1_800_000_000_000;
const DAY_MS: i64 = 24 * 3_600_000;
const ISLINGTON: &str = "E09000019";
const CAMDEN: &str = "E09000007";
/// Small batches and pages, so a session takes several rounds and faults land between them;
/// a smaller first batch, as phones with large batches use.
const LIMITS: Limits = Limits {
    batch: 3,
    first_batch: 2,
    page_size: 4,
    first_pull_page_size: 6,
    max_rounds: 200,
};

#[test]
fn sync_survives_seeded_faults() {
    let seeds: Vec<u64> = match std::env::var("SIM_SEED") {
        Ok(seed) => vec![seed.parse().expect("SIM_SEED is a number")],
        Err(_) => {
            let n = std::env::var("SIM_SEEDS").map_or(2_000, |n| n.parse().expect("a number"));
            (0..n).collect()
        }
    };
    let mut stored = 0;
    for seed in &seeds {
        let seed = *seed;
        match std::panic::catch_unwind(|| run(seed)) {
            Ok(records) => stored += records,
            Err(failure) => {
                let why = failure
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| failure.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("simulation seed {seed} failed (re-run with SIM_SEED={seed}): {why}");
            }
        }
    }
    assert!(
        stored >= seeds.len(),
        "the runs stored too little to prove anything: {stored} records over {} seeds",
        seeds.len()
    );
}

/// One seeded run: a busy period with faults, then quiescence, then the invariants. Returns
/// how many records the server ends with.
fn run(seed: u64) -> usize {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut world = World::new(&mut rng);
    for _ in 0..12 {
        world.now_ms += rng.below(3_600_000) as i64;
        match rng.below(10) {
            0..=3 => world.record(&mut rng),
            4 => world.correct(&mut rng),
            5 => world.staff_move(&mut rng),
            6 => world.hostile_push(&mut rng),
            7 if rng.below(8) == 0 => world.reinstall(&mut rng),
            _ => world.sync_with_faults(&mut rng),
        }
    }
    world.quiesce();
    world.check_invariants();
    world.server.docs.len()
}

/// Everyone, the server, and the clock.
struct World {
    server: Server,
    phones: Vec<Phone>,
    supervisor: Pusher,
    coordinator: Pusher,
    now_ms: i64,
}

impl World {
    fn new(rng: &mut Rng) -> Self {
        let mut server = Server::default();
        let phones = (0..2)
            .map(|i| {
                let user = Pusher {
                    user_id: format!("vol-{i}"),
                    device_id: format!("phone-{i}-0"),
                    role: Role::Volunteer,
                    areas: vec![ISLINGTON.into()],
                };
                server.users.insert(user.user_id.clone(), user.clone());
                Phone::new(user, (rng.below(7) as i64 - 3) * DAY_MS)
            })
            .collect();
        let staff = |user_id: &str, role| Pusher {
            user_id: user_id.into(),
            device_id: format!("{user_id}-laptop"),
            role,
            areas: vec![ISLINGTON.into()],
        };
        let supervisor = staff("sup", Role::Supervisor);
        let coordinator = staff("coord", Role::Coordinator);
        for user in [&supervisor, &coordinator] {
            server.users.insert(user.user_id.clone(), user.clone());
        }
        World {
            server,
            phones,
            supervisor,
            coordinator,
            now_ms: START_MS,
        }
    }

    fn phone(&mut self, rng: &mut Rng) -> &mut Phone {
        let i = rng.below(self.phones.len() as u64) as usize;
        &mut self.phones[i]
    }

    /// A volunteer saves a check (a third of them severe, with a number to call).
    fn record(&mut self, rng: &mut Rng) {
        let now = self.now_ms;
        let seed = rng.next_u64();
        let severe = rng.below(3) == 0;
        let phone = self.phone(rng);
        let at = now + phone.clock_skew_ms;
        let mut check = synthetic::check(seed, &Stall::library(&phone.user.user_id, ISLINGTON), at);
        if severe {
            check.readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)];
            check.red_flags.clear();
            check.low_bp_symptoms.clear();
            check.pulse_irregular_on_repeat = None;
            check.consent_to_contact = true;
        }
        let assessment = assess(&TriageInput::from_check(&check), &Default::default());
        check.band = assessment.band;
        let id = Uuid::from_u64_pair(seed, 7);
        let record = CheckRecord::new(id, check, assessment.is_flagged());
        let doc = RecordDoc::create(&record, &phone.meta(now)).expect("create");
        let contact = severe.then(|| ContactDetails {
            phone: "07700 900123".into(),
        });
        phone.replica.records.insert(id, Held::new(doc, contact));
    }

    /// A volunteer corrects one of their checks (sometimes into another borough: refused).
    fn correct(&mut self, rng: &mut Rng) {
        let now = self.now_ms;
        let elsewhere = rng.below(4) == 0;
        let phone = self.phone(rng);
        let Some(id) = phone.pick(rng) else { return };
        let meta = phone.meta(now);
        let held = phone.replica.records.get_mut(&id).expect("held");
        let mut check = held.doc.record().expect("record").check;
        check.goal = Some(format!("Goal {}", rng.below(100)));
        if elsewhere {
            check.borough = CAMDEN.into();
        } else if rng.below(3) == 0 {
            // A reading typed wrong: corrected into a flagged band after it was saved.
            check.readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)];
            check.red_flags.clear();
            check.low_bp_symptoms.clear();
            check.pulse_irregular_on_repeat = None;
        }
        check.band = assess(&TriageInput::from_check(&check), &Default::default()).band;
        held.doc.write_check(&check, &meta).expect("correct");
    }

    /// A supervisor or coordinator acts on a stored record through the server, as the screens
    /// do (the move may be refused by the rules, as on screen).
    fn staff_move(&mut self, rng: &mut Rng) {
        let Some(id) = self.server.pick(rng) else {
            return;
        };
        let now = self.now_ms;
        let (pusher, write): (Pusher, StaffWrite) = if rng.below(2) == 0 {
            let action = match rng.below(4) {
                0 => FollowUpAction::Claim,
                1 => FollowUpAction::Release,
                2 => FollowUpAction::Attempt {
                    reached: false,
                    at_ms: now,
                },
                _ => FollowUpAction::Close {
                    outcome: Outcome::AdvisedGp,
                    at_ms: now,
                },
            };
            let me = self.supervisor.user_id.clone();
            (
                self.supervisor.clone(),
                Box::new(move |record: &mut CheckRecord| {
                    let triage = TriageInput::from_check(&record.check);
                    let ctx = FollowUpContext {
                        me: &me,
                        recorded_at_ms: record.check.recorded_at_ms,
                        now_ms: now,
                        flagged: assess(&triage, &Default::default()).is_flagged(),
                        coordinator: false,
                    };
                    follow_up::apply(&mut record.follow_up, action, &ctx).is_ok()
                }),
            )
        } else {
            let state = ReviewState::ALL[rng.below(3) as usize];
            let me = self.coordinator.user_id.clone();
            (
                self.coordinator.clone(),
                Box::new(move |record: &mut CheckRecord| {
                    review::apply(&mut record.review, state, Some("Please check"), &me).is_ok()
                }),
            )
        };
        self.server.staff_edit(&pusher, id, now, write);
    }

    /// A staff member writes a stored record directly, breaking a rule: always refused.
    fn hostile_push(&mut self, rng: &mut Rng) {
        let Some(id) = self.server.pick(rng) else {
            return;
        };
        let now = self.now_ms;
        let pusher = self.supervisor.clone();
        let mut doc = self.server.docs[&id].doc.clone();
        let before = doc.heads();
        let mut follow_up = doc.record().expect("record").follow_up;
        follow_up.state = FollowUpState::Claimed;
        follow_up.claimed_by = Some("ghost-user".into());
        let meta = ChangeMeta {
            actor: actor_of(&pusher),
            time_secs: now / 1000,
        };
        doc.write_follow_up(&follow_up, &meta).expect("write");
        let request = SyncRequest {
            cursor: 0,
            push: vec![PushDoc {
                id,
                changes: doc.changes_since(&before),
                heads: heads_hex(&mut doc),
                contact: None,
            }],
            ..SyncRequest::default()
        };
        let response = self.server.sync(&pusher, &request, now);
        assert!(
            matches!(response.results[0], PushResult::Rejected { .. }),
            "a ghost claim was accepted"
        );
    }

    /// A phone is wiped and reinstalled: a new device, nothing on it, synced from scratch.
    /// What it had not synced is lost with it (the invariants only speak of acknowledged
    /// records).
    fn reinstall(&mut self, rng: &mut Rng) {
        let phone = self.phone(rng);
        phone.installs += 1;
        phone.user.device_id = format!("{}-{}", phone.user.user_id, phone.installs);
        phone.actor = actor_of(&phone.user);
        phone.replica = Replica::default();
    }

    /// One phone's session meets a faulty network for one round trip.
    fn sync_with_faults(&mut self, rng: &mut Rng) {
        let now = self.now_ms;
        let i = rng.below(self.phones.len() as u64) as usize;
        let fault = rng.below(8);
        let phone = &mut self.phones[i];
        let mut session = phone.replica.session(LIMITS);
        let request = phone
            .replica
            .poll_request(&mut session)
            .expect("a new session always asks");
        // Sometimes the next batch goes ahead of the answer, and reaches the server before or
        // after the request it followed, or not at all.
        let ahead = if rng.below(2) == 0 {
            phone.replica.push_ahead(&mut session)
        } else {
            None
        };
        let ahead_first = rng.below(2) == 0;
        let ahead_fault = rng.below(5);
        let mut ahead_answer = None;
        if let (Some(ahead), true) = (&ahead, ahead_first) {
            ahead_answer = self.server.deliver(&phone.user, ahead, ahead_fault, now);
        }
        match fault {
            // Dropped on the way: the server never sees it.
            0 => session.handle_lost(),
            // The answer is lost: the server committed, the phone heard nothing.
            1 => {
                self.server.sync(&phone.user, &request, now);
                session.handle_lost();
            }
            // Delivered twice; the phone hears both answers, and the second is refused.
            2 => {
                let first = self.server.sync(&phone.user, &request, now);
                let second = self.server.sync(&phone.user, &request, now);
                phone.take(&mut session, &first);
                assert_eq!(
                    session.handle_response(&second),
                    Err(SessionError::NotWaiting),
                    "a duplicated answer was taken"
                );
            }
            // The server crashes mid-request: nothing it did is kept.
            3 => {
                let saved = self.server.clone();
                self.server.sync(&phone.user, &request, now);
                self.server = saved;
                session.handle_lost();
            }
            // An old request arrives late, after a newer one was answered.
            4 => {
                let response = self.server.sync(&phone.user, &request, now);
                phone.take(&mut session, &response);
                if let Some(stale) = phone.last_request.take() {
                    self.server.sync(&phone.user, &stale, now);
                }
            }
            // The next page is prefetched, then storing this answer fails: neither is kept.
            5 => {
                let response = self.server.sync(&phone.user, &request, now);
                session
                    .handle_response(&response)
                    .expect("a request was out");
                if let Some(next) = session.prefetch() {
                    let page = self.server.sync(&phone.user, &next, now);
                    session.handle_lost();
                    assert_eq!(
                        session.handle_response(&page),
                        Err(SessionError::NotWaiting),
                        "a page taken after the one before it failed to store"
                    );
                } else {
                    session.handle_lost();
                }
            }
            _ => {
                let response = self.server.sync(&phone.user, &request, now);
                phone.take(&mut session, &response);
            }
        }
        if let (Some(ahead), false) = (&ahead, ahead_first) {
            ahead_answer = self.server.deliver(&phone.user, ahead, ahead_fault, now);
        }
        if ahead.is_some() {
            match ahead_answer {
                Some(response) => {
                    let effects = session
                        .handle_ahead_response(&response)
                        .expect("a push was sent ahead");
                    phone.replica.apply(effects).expect("apply");
                    assert_eq!(
                        session.handle_ahead_response(&response),
                        Err(SessionError::NotWaiting),
                        "a duplicated answer to a push sent ahead was taken"
                    );
                }
                None => session.handle_ahead_lost(),
            }
        }
        phone.last_request = Some(request);
    }

    /// The network heals: every phone runs a session until it is done.
    fn quiesce(&mut self) {
        let now = self.now_ms;
        for phone in &mut self.phones {
            let mut session = phone.replica.session(LIMITS);
            while let Some(request) = phone.replica.poll_request(&mut session) {
                let mut response = self.server.sync(&phone.user, &request, now);
                // As the app does: the next batch goes ahead while this request is out.
                let ahead = phone
                    .replica
                    .push_ahead(&mut session)
                    .map(|ahead| self.server.sync(&phone.user, &ahead, now));
                // As the app does: the next page goes out before this one is stored.
                loop {
                    let effects = session
                        .handle_response(&response)
                        .expect("a request was out");
                    let next = session
                        .prefetch()
                        .map(|request| self.server.sync(&phone.user, &request, now));
                    phone.replica.apply(effects).expect("merge");
                    session.stored();
                    match next {
                        Some(page) => response = page,
                        None => break,
                    }
                }
                if let Some(answer) = ahead {
                    let effects = session
                        .handle_ahead_response(&answer)
                        .expect("a push was sent ahead");
                    phone.replica.apply(effects).expect("apply");
                }
            }
            assert_eq!(session.phase(), Phase::Done, "sync did not settle");
        }
    }

    fn check_invariants(&mut self) {
        for phone in &mut self.phones {
            for (id, held) in &mut phone.replica.records {
                let heads = heads_hex(&mut held.doc);
                if status(&held.state, &heads) == Status::Synced {
                    let stored = self
                        .server
                        .docs
                        .get_mut(id)
                        .expect("a synced record is stored");
                    let mut server_heads = heads_hex(&mut stored.doc);
                    server_heads.sort();
                    let mut heads = heads;
                    heads.sort();
                    assert_eq!(server_heads, heads, "record {id} did not converge");
                }
            }
        }
        let ids: Vec<Uuid> = self.server.docs.keys().copied().collect();
        for id in ids {
            let stored = self.server.docs.get_mut(&id).expect("stored");
            let record = stored.doc.record().expect("a stored record reads");
            let stored = &mut stored.clone();
            let phone = self
                .phones
                .iter_mut()
                .find(|p| p.user.user_id == record.check.volunteer_id)
                .expect("the volunteer's phone");
            let held = phone
                .replica
                .records
                .get_mut(&id)
                .expect("every stored record reached its volunteer's phone");
            let server_heads = heads_hex(&mut stored.doc);
            assert!(
                server_heads.iter().all(|h| held.doc.has_change(h)),
                "record {id}: the phone lacks changes the server holds"
            );
            self.check_history(id);
            let may_hold = assess(&TriageInput::from_check(&record.check), &Default::default())
                .is_flagged()
                && record.check.consent_to_contact
                && record.follow_up.state != FollowUpState::Closed;
            assert!(
                may_hold || !self.server.contacts.contains_key(&id),
                "record {id} keeps a number it may not"
            );
        }
        assert!(self
            .server
            .contacts
            .keys()
            .all(|id| self.server.docs.contains_key(id)));
    }

    /// Every stored change is by a bound actor, in its author's part and areas.
    fn check_history(&mut self, id: Uuid) {
        let server = &mut self.server;
        let stored = server.docs.get_mut(&id).expect("stored");
        let record = stored.doc.record().expect("record");
        for edit in stored.doc.edits_since(&[]) {
            let (user_id, _) = server
                .actors
                .get(&edit.actor.to_hex_string())
                .expect("every actor is bound");
            let user = &server.users[user_id];
            assert!(
                user.areas.contains(&record.check.borough),
                "outside an area"
            );
            if edit.is_root {
                assert_eq!(user.role, Role::Volunteer, "only volunteers create");
            } else {
                let own = Touched::Part(user.role.part());
                assert!(
                    edit.touched.iter().all(|t| *t == own),
                    "{:?} wrote {:?}",
                    user.role,
                    edit.touched
                );
            }
        }
        assert!(record
            .follow_up
            .claimed_by
            .as_ref()
            .is_none_or(|by| server.users[by].role == Role::Supervisor));
    }
}

/// A volunteer's phone: its records as Automerge documents with their sync states.
struct Phone {
    user: Pusher,
    actor: ActorId,
    replica: Replica,
    clock_skew_ms: i64,
    installs: u32,
    last_request: Option<SyncRequest>,
}

impl Phone {
    fn new(user: Pusher, clock_skew_ms: i64) -> Self {
        Phone {
            actor: actor_of(&user),
            user,
            replica: Replica::default(),
            clock_skew_ms,
            installs: 0,
            last_request: None,
        }
    }

    fn meta(&self, now_ms: i64) -> ChangeMeta {
        ChangeMeta {
            actor: self.actor.clone(),
            time_secs: (now_ms + self.clock_skew_ms) / 1000,
        }
    }

    fn pick(&self, rng: &mut Rng) -> Option<Uuid> {
        pick(&self.replica.records, rng)
    }

    /// Takes an answer and stores what it says.
    fn take(&mut self, session: &mut Session, response: &SyncResponse) {
        let effects = session
            .handle_response(response)
            .expect("a request was out");
        self.replica.apply(effects).expect("merge");
    }
}

/// The server: the real judge and settle over maps, in the SQL adapter's order.
#[derive(Clone, Default)]
struct Server {
    docs: BTreeMap<Uuid, StoredDoc>,
    actors: HashMap<String, (String, String)>,
    contacts: HashMap<Uuid, String>,
    users: HashMap<String, Pusher>,
    seq: u64,
}

#[derive(Clone)]
struct StoredDoc {
    doc: RecordDoc,
    seq: u64,
    volunteer_id: String,
    /// The device that pushed exactly this state, whose pulls pass it over (as the server's
    /// `documents.holder_device`).
    holder: Option<String>,
}

impl Server {
    fn pick(&self, rng: &mut Rng) -> Option<Uuid> {
        pick(&self.docs, rng)
    }

    fn sync(&mut self, pusher: &Pusher, request: &SyncRequest, now_ms: i64) -> SyncResponse {
        let results = request
            .push
            .iter()
            .map(|pushed| self.push(pusher, pushed, now_ms))
            .collect();
        let pulled = self.pull(pusher, request);
        SyncResponse {
            results,
            pulled: pulled.0,
            cursor: pulled.1,
            more: pulled.2,
            events: Vec::new(),
            settings: Default::default(),
            erased: Vec::new(),
            stop: false,
            event_results: Vec::new(),
        }
    }

    /// Delivers a push sent ahead through a faulty network: dropped on the way (0), answered
    /// into the void (1), lost with the server's crash (2), or answered (3, 4). The answer,
    /// if the phone hears one.
    fn deliver(
        &mut self,
        pusher: &Pusher,
        request: &SyncRequest,
        fault: u64,
        now_ms: i64,
    ) -> Option<SyncResponse> {
        match fault {
            0 => None,
            1 => {
                self.sync(pusher, request, now_ms);
                None
            }
            2 => {
                let saved = self.clone();
                self.sync(pusher, request, now_ms);
                *self = saved;
                None
            }
            _ => Some(self.sync(pusher, request, now_ms)),
        }
    }

    fn push(&mut self, pusher: &Pusher, pushed: &PushDoc, now_ms: i64) -> PushResult {
        let stored = self.docs.get(&pushed.id).map(|s| s.doc.clone());
        let settled = judge(
            pushed.id,
            stored,
            &pushed.changes,
            &pushed.heads,
            pusher,
            &Policy::default(),
            now_ms,
        )
        .and_then(|verdict| {
            let owners: Vec<(ActorId, ActorOwner)> = verdict
                .actors
                .iter()
                .map(|a| {
                    let owner = match self.actors.get(&a.to_hex_string()) {
                        Some((user_id, device_id)) => ActorOwner::Bound {
                            user_id: user_id.clone(),
                            device_id: device_id.clone(),
                        },
                        None => ActorOwner::Unbound,
                    };
                    (a.clone(), owner)
                })
                .collect();
            settle(verdict, &owners, None, pusher, pushed.contact.as_ref())
        });
        match settled {
            Err(rejection) => PushResult::Rejected {
                id: pushed.id,
                code: rejection.code().into(),
                reason: rejection.to_string(),
            },
            Ok(settled) => self.store(pushed, settled, pusher),
        }
    }

    fn store(&mut self, pushed: &PushDoc, settled: Settled, pusher: &Pusher) -> PushResult {
        let id = pushed.id;
        let Settled {
            mut verdict,
            bind,
            contact,
            warning,
        } = settled;
        let heads = heads_hex(&mut verdict.doc);
        if verdict.changed {
            self.seq += 1;
            self.docs.insert(
                id,
                StoredDoc {
                    doc: verdict.doc,
                    seq: self.seq,
                    volunteer_id: verdict.record.check.volunteer_id.clone(),
                    holder: same_heads(&heads, &pushed.heads).then(|| pusher.device_id.clone()),
                },
            );
            for actor in bind {
                self.actors.insert(
                    actor.to_hex_string(),
                    (pusher.user_id.clone(), pusher.device_id.clone()),
                );
            }
        }
        match contact {
            ContactEffect::Keep(phone) => {
                self.contacts.insert(id, phone);
            }
            ContactEffect::Erase => {
                self.contacts.remove(&id);
            }
            ContactEffect::Unchanged => {}
        }
        PushResult::Accepted { id, heads, warning }
    }

    /// A volunteer's records changed after the cursor, a page at a time; staff pull none.
    fn pull(&mut self, pusher: &Pusher, request: &SyncRequest) -> (Vec<PulledDoc>, u64, bool) {
        const PAGE: usize = 3;
        if request.page_size == Some(0) {
            // Push only: no page, the cursor stays.
            return (Vec::new(), request.cursor, false);
        }
        if pusher.role != Role::Volunteer {
            return (Vec::new(), self.seq.max(request.cursor), false);
        }
        let mut changed: Vec<(&Uuid, &mut StoredDoc)> = self
            .docs
            .iter_mut()
            .filter(|(_, s)| s.seq > request.cursor && s.volunteer_id == pusher.user_id)
            .collect();
        changed.sort_by_key(|(_, s)| s.seq);
        let more = changed.len() > PAGE;
        let mut last = request.cursor;
        let mut docs = Vec::new();
        for (id, stored) in changed.into_iter().take(PAGE) {
            last = stored.seq;
            let heads = heads_hex(&mut stored.doc);
            let held = stored.holder.as_deref() == Some(pusher.device_id.as_str())
                || request
                    .push
                    .iter()
                    .any(|p| p.id == *id && same_heads(&p.heads, &heads));
            if !held {
                docs.push(PulledDoc {
                    id: *id,
                    doc: stored.doc.save(),
                    heads,
                    summary: None,
                });
            }
        }
        let cursor = if more {
            last
        } else {
            self.seq.max(request.cursor)
        };
        (docs, cursor, more)
    }

    /// A staff screen's edit: the part changed by the shared rule on the server's copy, with
    /// the staff session's actor, and judged like any push.
    fn staff_edit(&mut self, pusher: &Pusher, id: Uuid, now_ms: i64, write: StaffWrite) {
        let mut doc = self.docs[&id].doc.clone();
        let before = doc.heads();
        let mut record = doc.record().expect("record");
        if !write(&mut record) {
            return;
        }
        let meta = ChangeMeta {
            actor: actor_of(pusher),
            time_secs: now_ms / 1000,
        };
        match pusher.role {
            Role::Supervisor => doc.write_follow_up(&record.follow_up, &meta),
            _ => doc.write_review(&record.review, &meta),
        }
        .expect("write");
        let pushed = PushDoc {
            id,
            changes: doc.changes_since(&before),
            heads: heads_hex(&mut doc),
            contact: None,
        };
        let result = self.push(pusher, &pushed, now_ms);
        if let PushResult::Rejected { code, .. } = &result {
            assert!(
                code == "not_flagged",
                "a screen's move allowed by the shared rules was refused: {code}"
            );
        }
    }
}

/// A staff screen's change to a record through a shared rule; `false` when the rule refused.
type StaffWrite = Box<dyn FnOnce(&mut CheckRecord) -> bool>;

/// One actor id per user and device, as the app and the staff sessions make them.
fn actor_of(user: &Pusher) -> ActorId {
    let mut bytes = [0u8; 16];
    for (i, b) in format!("{}/{}", user.user_id, user.device_id)
        .bytes()
        .enumerate()
    {
        bytes[i % 16] = bytes[i % 16].wrapping_mul(31).wrapping_add(b);
    }
    ActorId::from(bytes)
}

/// A key of `map` chosen by `rng`, if it has any.
fn pick<V>(map: &BTreeMap<Uuid, V>, rng: &mut Rng) -> Option<Uuid> {
    let n = map.len() as u64;
    (n > 0).then(|| *map.keys().nth(rng.below(n) as usize).expect("in range"))
}
