//! The phone's sync session as a state machine, driven through the in-memory replica with
//! answers written out by hand: when it asks, when it is done, what a lost or duplicated
//! answer does, and which effects each answer gives. The simulation drives the same session
//! against the real judge; these pin down each transition on its own.

use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::record::CheckRecord;
use stallside_shared::record::VenueType;
use stallside_shared::sync::client::{
    heads_hex, same_heads, status, Outgoing, OutgoingDoc, Status, SyncState,
};
use stallside_shared::sync::replica::{Held, Replica};
use stallside_shared::sync::session::{Effect, Limits, Phase, Session, SessionError};
use stallside_shared::sync::wire::{
    ContactDetails, Event, PulledDoc, PushResult, Summary, SyncRequest, SyncResponse,
};
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::triage::ProgrammeSettings;
use uuid::Uuid;

const NOW_MS: i64 = 1_800_000_000_000;
const LIMITS: Limits = Limits {
    batch: 2,
    first_batch: 2,
    page_size: 10,
    first_pull_page_size: 25,
    max_rounds: 50,
};

fn meta() -> ChangeMeta {
    ChangeMeta {
        actor: ActorId::from([7u8; 16]),
        time_secs: NOW_MS / 1000,
    }
}

fn doc(seed: u64) -> RecordDoc {
    let stall = Stall::library("vol-1", "E09000019");
    let check = synthetic::check(seed, &stall, NOW_MS);
    let id = Uuid::from_u128(u128::from(seed) + 1);
    RecordDoc::create(&CheckRecord::new(id, check, false), &meta()).expect("create")
}

fn replica_with(n: u64) -> Replica {
    let mut replica = Replica::default();
    for seed in 0..n {
        replica.records.insert(
            Uuid::from_u128(u128::from(seed) + 1),
            Held::new(doc(seed), None),
        );
    }
    replica
}

/// The answer a server that accepts everything would give, with `more` pages waiting or not.
fn accept_all(request: &SyncRequest, cursor: u64, more: bool) -> SyncResponse {
    SyncResponse {
        results: request
            .push
            .iter()
            .map(|p| PushResult::Accepted {
                id: p.id,
                heads: p.heads.clone(),
                warning: None,
            })
            .collect(),
        pulled: Vec::new(),
        cursor,
        more,
        events: Vec::new(),
        settings: ProgrammeSettings::default(),
        erased: Vec::new(),
        stop: false,
        event_results: Vec::new(),
    }
}

#[test]
fn nothing_to_push_asks_once_to_pull_then_is_done() {
    let mut replica = Replica::default();
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).expect("a first request");
    assert!(request.push.is_empty());
    assert_eq!(session.phase(), Phase::Waiting);
    assert_eq!(
        replica.poll_request(&mut session),
        None,
        "one request at a time"
    );
    let effects = session
        .handle_response(&accept_all(&request, 9, false))
        .unwrap();
    assert_eq!(effects.last(), Some(&Effect::Cursor(9)));
    replica.apply(effects).unwrap();
    assert_eq!(replica.poll_request(&mut session), None);
    assert_eq!(session.phase(), Phase::Done);
    assert_eq!(replica.cursor, 9);
}

#[test]
fn more_pages_ask_again_from_the_new_cursor() {
    let mut replica = Replica::default();
    let mut session = replica.session(LIMITS);
    let first = replica.poll_request(&mut session).unwrap();
    let effects = session
        .handle_response(&accept_all(&first, 5, true))
        .unwrap();
    replica.apply(effects).unwrap();
    let second = replica.poll_request(&mut session).expect("the next page");
    assert_eq!(second.cursor, 5);
    assert_eq!(second.page_size, Some(LIMITS.first_pull_page_size));
}

#[test]
fn a_first_pull_asks_for_bigger_pages_than_a_phone_that_has_synced_before() {
    let mut fresh = Replica::default();
    let mut first = fresh.session(LIMITS);
    let request = fresh.poll_request(&mut first).unwrap();
    assert_eq!(request.page_size, Some(LIMITS.first_pull_page_size));
    let mut synced = Replica {
        cursor: 40,
        ..Replica::default()
    };
    let mut later = synced.session(LIMITS);
    let request = synced.poll_request(&mut later).unwrap();
    assert_eq!(request.page_size, Some(LIMITS.page_size));
}

#[test]
fn a_prefetched_page_is_taken_only_after_the_page_before_it_is_stored() {
    let mut replica = replica_with(1);
    let mut session = replica.session(LIMITS);
    let first = replica.poll_request(&mut session).unwrap();
    let effects = session
        .handle_response(&accept_all(&first, 5, true))
        .unwrap();
    let next = session.prefetch().expect("the next page goes out at once");
    assert_eq!(next.cursor, 5, "from the cursor of the answer being stored");
    assert!(next.push.is_empty(), "a prefetched request only pulls");
    assert_eq!(session.prefetch(), None, "one request out at a time");
    let answer = accept_all(&next, 9, false);
    assert_eq!(
        session.handle_response(&answer),
        Err(SessionError::NotStored),
        "not before the page before it is stored"
    );
    replica.apply(effects).unwrap();
    session.stored();
    replica
        .apply(session.handle_response(&answer).unwrap())
        .unwrap();
    assert_eq!(session.prefetch(), None, "no page left");
    assert_eq!(replica.poll_request(&mut session), None);
    assert_eq!(session.phase(), Phase::Done);
    assert_eq!(replica.cursor, 9);
    assert!(!replica.has_unsent());
}

#[test]
fn a_page_that_fails_to_store_ends_the_session_and_its_prefetched_page_is_not_taken() {
    let mut replica = Replica::default();
    let mut session = replica.session(LIMITS);
    let first = replica.poll_request(&mut session).unwrap();
    session
        .handle_response(&accept_all(&first, 5, true))
        .unwrap();
    let next = session.prefetch().unwrap();
    // The store's transaction aborts: the driver reports the session lost.
    session.handle_lost();
    assert_eq!(session.phase(), Phase::Interrupted);
    assert_eq!(
        session.handle_response(&accept_all(&next, 9, false)),
        Err(SessionError::NotWaiting)
    );
    assert_eq!(replica.cursor, 0, "the next session pulls both pages again");
}

#[test]
fn no_page_is_prefetched_while_records_wait_to_go_or_the_phone_is_stopping() {
    // A full batch went: more records may wait, and they go before the next page.
    let mut replica = replica_with(3);
    let mut session = replica.session(LIMITS);
    let first = replica.poll_request(&mut session).unwrap();
    assert_eq!(first.push.len(), LIMITS.batch);
    let effects = session
        .handle_response(&accept_all(&first, 5, true))
        .unwrap();
    assert_eq!(session.prefetch(), None);
    replica.apply(effects).unwrap();
    let second = replica.poll_request(&mut session).unwrap();
    assert_eq!(
        second.push.len(),
        1,
        "the last record goes with the next page"
    );

    let mut stopping = Replica::default();
    let mut session = stopping.session(LIMITS);
    let request = stopping.poll_request(&mut session).unwrap();
    let mut answer = accept_all(&request, 5, true);
    answer.stop = true;
    session.handle_response(&answer).unwrap();
    assert_eq!(
        session.prefetch(),
        None,
        "a stopped phone pulls nothing more"
    );
}

#[test]
fn records_go_in_batches_until_all_are_acknowledged() {
    let mut replica = replica_with(5);
    let mut session = replica.session(LIMITS);
    let mut sizes = Vec::new();
    while let Some(request) = replica.poll_request(&mut session) {
        sizes.push(request.push.len());
        let effects = session
            .handle_response(&accept_all(&request, 1, false))
            .unwrap();
        replica.apply(effects).unwrap();
    }
    assert_eq!(sizes, vec![2, 2, 1]);
    assert_eq!(session.phase(), Phase::Done);
    assert!(!replica.has_unsent());
}

#[test]
fn a_lost_answer_acknowledges_nothing_and_the_next_session_sends_again() {
    let mut replica = replica_with(1);
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    session.handle_lost();
    assert_eq!(session.phase(), Phase::Interrupted);
    assert!(session.is_over());
    assert_eq!(replica.poll_request(&mut session), None);
    assert!(replica.has_unsent(), "not acknowledged without an answer");
    let mut again = replica.session(LIMITS);
    let resent = replica.poll_request(&mut again).unwrap();
    assert_eq!(resent.push, request.push);
}

#[test]
fn a_duplicated_answer_is_refused() {
    let mut replica = replica_with(1);
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    let answer = accept_all(&request, 3, false);
    replica
        .apply(session.handle_response(&answer).unwrap())
        .unwrap();
    assert_eq!(
        session.handle_response(&answer),
        Err(SessionError::NotWaiting)
    );
}

#[test]
fn answers_for_records_not_pushed_are_ignored() {
    let mut replica = replica_with(1);
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    let mut answer = accept_all(&request, 3, false);
    let stranger = Uuid::from_u128(999);
    answer.results.push(PushResult::Accepted {
        id: stranger,
        heads: Vec::new(),
        warning: None,
    });
    answer.results.push(PushResult::Rejected {
        id: stranger,
        code: "x".into(),
        reason: "x".into(),
    });
    let effects = session.handle_response(&answer).unwrap();
    assert!(effects.iter().all(|e| !matches!(
        e,
        Effect::Acknowledged { id, .. } | Effect::Rejected { id, .. } if *id == stranger
    )));
}

#[test]
fn a_number_typed_during_the_round_trip_is_kept() {
    let id = Uuid::from_u128(1);
    let sent = ContactDetails {
        phone: "07700 900123".into(),
    };
    let typed = ContactDetails {
        phone: "07700 900456".into(),
    };
    let mut replica = Replica::default();
    replica
        .records
        .insert(id, Held::new(doc(0), Some(sent.clone())));
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    assert_eq!(request.push[0].contact.as_ref(), Some(&sent));
    // The volunteer corrects the check and types a new number while the push is out.
    let corrected = synthetic::check(5, &Stall::library("vol-1", "E09000019"), NOW_MS);
    let held = replica.records.get_mut(&id).unwrap();
    held.doc.write_check(&corrected, &meta()).unwrap();
    held.contact = Some(typed.clone());
    let effects = session
        .handle_response(&accept_all(&request, 1, false))
        .unwrap();
    replica.apply(effects).unwrap();
    assert_eq!(replica.records[&id].contact.as_ref(), Some(&typed));

    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    assert_eq!(request.push[0].contact.as_ref(), Some(&typed));
    let effects = session
        .handle_response(&accept_all(&request, 2, false))
        .unwrap();
    replica.apply(effects).unwrap();
    assert_eq!(
        replica.records[&id].contact, None,
        "the number sent and acknowledged is forgotten"
    );
}

#[test]
fn a_refused_record_is_not_offered_again_until_it_changes() {
    let mut replica = replica_with(1);
    let id = Uuid::from_u128(1);
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    let mut answer = accept_all(&request, 1, false);
    answer.results = vec![PushResult::Rejected {
        id,
        code: "invalid".into(),
        reason: "Systolic must be 70 to 250".into(),
    }];
    replica
        .apply(session.handle_response(&answer).unwrap())
        .unwrap();
    assert_eq!(replica.poll_request(&mut session), None);
    assert_eq!(session.phase(), Phase::Done);
    let held = replica.records.get_mut(&id).unwrap();
    let heads = heads_hex(&mut held.doc);
    assert_eq!(
        status(&held.state, &heads),
        Status::Rejected("Systolic must be 70 to 250".into())
    );
}

#[test]
fn pulled_erased_events_and_settings_become_effects_in_order() {
    let mut replica = replica_with(1);
    let held_id = Uuid::from_u128(1);
    let mut pulled_doc = doc(41);
    let pulled_id = Uuid::from_u128(42);
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    let mut answer = accept_all(&request, 8, false);
    answer.pulled.push(PulledDoc {
        id: pulled_id,
        heads: heads_hex(&mut pulled_doc),
        doc: pulled_doc.save(),
        summary: Some(Summary::of(&pulled_doc.record().unwrap())),
    });
    answer.erased.push(held_id);
    answer.events.push(Event {
        id: "ev-1".into(),
        name: "Saturday market".into(),
        date: "2026-11-28".into(),
        venue: "Chapel Market".into(),
        venue_type: VenueType::Market,
        borough: "E09000019".into(),
        kind: Default::default(),
        cancelled: false,
        plan_rev: 1,
    });
    answer.settings.edit_window_hours = 24;
    let effects = session.handle_response(&answer).unwrap();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Merge { summary: Some(s), .. }
            if s.band == pulled_doc.record().unwrap().check.band)),
        "the server's summary reaches the phone with the document"
    );
    let kinds: Vec<&str> = effects
        .iter()
        .map(|e| match e {
            Effect::Acknowledged { .. } => "ack",
            Effect::Rejected { .. } => "rejected",
            Effect::Merge { .. } => "merge",
            Effect::Erase { .. } => "erase",
            Effect::Events(_) => "events",
            Effect::Settings(_) => "settings",
            Effect::Cursor(_) => "cursor",
        })
        .collect();
    assert_eq!(
        kinds,
        ["ack", "merge", "erase", "events", "settings", "cursor"]
    );
    let applied = replica.apply(effects).unwrap();
    assert_eq!(
        (applied.accepted, applied.pulled, applied.erased),
        (1, 1, 1)
    );
    assert!(
        !replica.records.contains_key(&held_id),
        "the erased record is dropped"
    );
    assert!(replica.records.contains_key(&pulled_id));
    assert_eq!(replica.settings.edit_window_hours, 24);
    assert!(replica.events.contains_key("ev-1"));
    assert_eq!(replica.cursor, 8);
}

#[test]
fn a_server_that_always_says_more_cannot_keep_the_phone_for_ever() {
    let mut replica = Replica::default();
    let mut session = replica.session(LIMITS);
    let mut rounds = 0;
    while let Some(request) = replica.poll_request(&mut session) {
        rounds += 1;
        let effects = session
            .handle_response(&accept_all(&request, rounds, true))
            .unwrap();
        replica.apply(effects).unwrap();
    }
    assert_eq!(rounds, u64::from(LIMITS.max_rounds));
    assert_eq!(session.phase(), Phase::Interrupted);
}

#[test]
fn a_new_session_starts_from_the_stored_cursor() {
    let session = Session::new(77, LIMITS);
    assert_eq!(session.cursor(), 77);
    assert_eq!(session.phase(), Phase::Ready);
}

#[test]
fn a_stopped_phone_sends_what_it_holds_then_stops_without_pulling_more() {
    let mut replica = replica_with(3);
    let mut session = replica.session(LIMITS);
    let first = replica.poll_request(&mut session).unwrap();
    assert_eq!(first.push.len(), 2);
    let mut answer = accept_all(&first, 4, true);
    answer.stop = true;
    replica
        .apply(session.handle_response(&answer).unwrap())
        .unwrap();
    let second = replica
        .poll_request(&mut session)
        .expect("the last record still goes");
    assert_eq!(second.push.len(), 1);
    let mut answer = accept_all(&second, 5, true);
    answer.stop = true;
    replica
        .apply(session.handle_response(&answer).unwrap())
        .unwrap();
    assert_eq!(
        replica.poll_request(&mut session),
        None,
        "no further page is pulled"
    );
    assert_eq!(session.phase(), Phase::Stopped);
    assert!(!replica.has_unsent(), "everything was sent before stopping");
}

#[test]
fn the_next_batch_goes_ahead_while_a_full_one_is_answered() {
    let mut replica = replica_with(7);
    let mut session = replica.session(LIMITS);
    assert!(!session.may_push_ahead());
    assert!(
        replica.push_ahead(&mut session).is_none(),
        "nothing goes ahead of no request"
    );
    first_round(&mut replica, &mut session);
    let first = replica
        .poll_request(&mut session)
        .expect("a second request");
    assert_eq!(first.push.len(), 2, "a full batch");
    assert!(session.may_push_ahead(), "a driver reads the next batch");
    let ahead = replica
        .push_ahead(&mut session)
        .expect("the next batch goes ahead");
    assert_eq!(ahead.page_size, Some(0), "a push sent ahead pulls nothing");
    let ids = |r: &SyncRequest| r.push.iter().map(|p| p.id).collect::<Vec<_>>();
    assert!(
        ids(&ahead).iter().all(|id| !ids(&first).contains(id)),
        "a record in flight is not sent twice"
    );
    assert!(!session.may_push_ahead());
    assert!(
        replica.push_ahead(&mut session).is_none(),
        "one request ahead at a time"
    );

    // The answer to the push sent ahead comes first; its cursor, if any, is not taken.
    let mut early = accept_all(&ahead, 99, true);
    early.results.push(PushResult::Accepted {
        id: first.push[0].id,
        heads: first.push[0].heads.clone(),
        warning: None,
    });
    let effects = session.handle_ahead_response(&early).expect("ahead is out");
    assert_eq!(
        effects.len(),
        2,
        "only the records it carried, and nothing else: {effects:?}"
    );
    assert!(effects
        .iter()
        .all(|e| matches!(e, Effect::Acknowledged { id, .. } if ids(&ahead).contains(id))));
    replica.apply(effects).expect("apply");
    assert_eq!(session.cursor(), 1, "a push sent ahead moves no cursor");
    assert_eq!(
        session.handle_ahead_response(&early),
        Err(SessionError::NotWaiting),
        "a duplicated answer is refused"
    );

    let effects = session
        .handle_response(&accept_all(&first, 4, false))
        .expect("the second is out");
    replica.apply(effects).expect("apply");
    let last = replica.poll_request(&mut session).expect("one record left");
    assert_eq!(last.push.len(), 1);
    assert!(
        !session.may_push_ahead(),
        "a driver does not read a batch that cannot go"
    );
    assert!(
        replica.push_ahead(&mut session).is_none(),
        "nothing goes ahead of a batch that was not full"
    );
    finish(&mut replica, &mut session, &last, 5);
}

#[test]
fn the_session_waits_for_a_push_sent_ahead_and_a_lost_one_goes_again() {
    let (mut replica, mut session, first, ahead) = pipelined();
    let effects = session
        .handle_response(&accept_all(&first, 2, false))
        .expect("out");
    replica.apply(effects).expect("apply");
    assert!(
        replica.poll_request(&mut session).is_none(),
        "nothing else to send while the push ahead is out"
    );
    assert!(session.ahead_out());
    assert_eq!(
        session.phase(),
        Phase::Ready,
        "not done while a push sent ahead may still be refused or lost"
    );

    session.handle_ahead_lost();
    let again = replica
        .poll_request(&mut session)
        .expect("the lost batch goes again");
    assert_eq!(
        again.push.iter().map(|p| p.id).collect::<Vec<_>>(),
        ahead.push.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    finish(&mut replica, &mut session, &again, 3);
}

#[test]
fn a_push_sent_ahead_is_answered_even_after_the_main_request_was_lost() {
    let (mut replica, mut session, _second, ahead) = pipelined();
    session.handle_lost();
    assert!(replica.push_ahead(&mut session).is_none());
    let effects = session
        .handle_ahead_response(&accept_all(&ahead, 0, false))
        .expect("its answer is still true");
    assert_eq!(effects.len(), 2);
    replica.apply(effects).expect("apply");
    assert_eq!(session.phase(), Phase::Interrupted);
    let unsent = replica
        .records
        .values_mut()
        .map(|held| {
            let heads = heads_hex(&mut held.doc);
            status(&held.state, &heads)
        })
        .filter(|status| *status != Status::Synced)
        .count();
    assert_eq!(
        unsent, 2,
        "only the lost request's records wait for the next session"
    );
}

#[test]
fn a_stop_heard_in_the_answer_to_a_push_sent_ahead_pulls_nothing_more() {
    let (mut replica, mut session, second, ahead) = pipelined();
    let effects = session
        .handle_response(&accept_all(&second, 2, true))
        .expect("out");
    replica.apply(effects).expect("apply");
    let mut stop = accept_all(&ahead, 2, false);
    stop.stop = true;
    let effects = session.handle_ahead_response(&stop).expect("ahead is out");
    replica.apply(effects).expect("apply");
    assert!(
        replica.poll_request(&mut session).is_none(),
        "a stopped phone asked for another page"
    );
    assert_eq!(session.phase(), Phase::Stopped);
}

/// Takes an accepting answer to the session's last request: the session is then done, with
/// nothing left to send.
fn finish(replica: &mut Replica, session: &mut Session, last: &SyncRequest, cursor: u64) {
    let effects = session
        .handle_response(&accept_all(last, cursor, false))
        .expect("out");
    replica.apply(effects).expect("apply");
    assert!(replica.poll_request(session).is_none());
    assert_eq!(session.phase(), Phase::Done);
    assert!(!replica.has_unsent());
}

/// The session's first round: nothing goes ahead of it (the server counts down from the
/// report it carries), then it is answered.
fn first_round(replica: &mut Replica, session: &mut Session) {
    let first = replica.poll_request(session).expect("a first request");
    assert_eq!(first.push.len(), 2, "a full batch");
    assert!(!session.may_push_ahead());
    assert!(
        replica.push_ahead(session).is_none(),
        "nothing goes ahead of the session's first request"
    );
    let effects = session
        .handle_response(&accept_all(&first, 1, false))
        .expect("out");
    replica.apply(effects).expect("apply");
}

/// Six records past the session's first round, with the second request and a push sent ahead
/// out (two records each).
fn pipelined() -> (Replica, Session, SyncRequest, SyncRequest) {
    let mut replica = replica_with(6);
    let mut session = replica.session(LIMITS);
    first_round(&mut replica, &mut session);
    let second = replica
        .poll_request(&mut session)
        .expect("a second request");
    let ahead = replica.push_ahead(&mut session).expect("ahead");
    (replica, session, second, ahead)
}

#[test]
fn a_sessions_first_request_carries_its_smaller_first_batch_and_the_pipeline_starts_after_it() {
    let mut replica = replica_with(7);
    let mut session = replica.session(Limits {
        batch: 3,
        first_batch: 1,
        ..LIMITS
    });
    let first = replica.poll_request(&mut session).expect("a first request");
    assert_eq!(first.push.len(), 1, "the first batch");
    assert!(!session.may_push_ahead(), "nothing goes ahead of the first");
    let effects = session
        .handle_response(&accept_all(&first, 1, false))
        .expect("out");
    replica.apply(effects).expect("apply");

    let second = replica
        .poll_request(&mut session)
        .expect("a second request");
    assert_eq!(second.push.len(), 3, "full batches after the first");
    let ahead = replica
        .push_ahead(&mut session)
        .expect("the first batch was full, so the next goes ahead");
    assert_eq!(ahead.push.len(), 3);
    let effects = session
        .handle_ahead_response(&accept_all(&ahead, 0, false))
        .expect("ahead is out");
    replica.apply(effects).expect("apply");
    let effects = session
        .handle_response(&accept_all(&second, 2, false))
        .expect("the second is out");
    replica.apply(effects).expect("apply");
    assert_eq!(replica.poll_request(&mut session), None);
    assert_eq!(session.phase(), Phase::Done);
    assert!(
        !replica.has_unsent(),
        "all seven went in two requests and one ahead"
    );
}

#[test]
fn heads_are_the_same_as_sets_in_any_order_and_only_then() {
    let heads = |list: &[&str]| list.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>();
    let rows: [(&[&str], &[&str], bool); 8] = [
        (&[], &[], true),
        (&["a"], &["a"], true),
        (&["a", "b"], &["b", "a"], true),
        (&["a"], &["b"], false),
        (&["a"], &["a", "b"], false),
        (&["a", "b"], &["a"], false),
        (&["a", "b"], &["a", "a"], false),
        (&["a", "a"], &["a", "b"], false),
    ];
    for (a, b, same) in rows {
        assert_eq!(
            same_heads(&heads(a), &heads(b)),
            same,
            "{a:?} against {b:?}"
        );
    }
}

#[test]
fn a_record_the_server_holds_none_of_goes_as_it_was_saved_and_is_acknowledged_at_its_heads() {
    // Stand-ins, not a real document: loading and saving a real one again gives the same
    // bytes, so only these tell the stored bytes and heads went out untouched.
    let bytes = b"the document as the phone saved it".to_vec();
    let heads = vec!["ab".repeat(32)];
    let id = Uuid::from_u128(1);
    let state = SyncState::default();
    let item = Outgoing {
        id,
        doc: OutgoingDoc::Saved {
            bytes: &bytes,
            heads: heads.clone(),
        },
        state: &state,
        contact: None,
    };
    let mut session = Session::new(0, LIMITS);
    let request = session.poll_request([item]).expect("a request");
    assert_eq!(request.push.len(), 1);
    assert_eq!(request.push[0].changes, bytes);
    assert_eq!(request.push[0].heads, heads);
    let effects = session
        .handle_response(&accept_all(&request, 1, false))
        .unwrap();
    assert!(effects.iter().any(|effect| matches!(
        effect,
        Effect::Acknowledged { id: acked, server_heads, .. } if *acked == id && *server_heads == heads
    )));
}

#[test]
fn a_record_changed_after_it_was_saved_goes_as_it_is_now() {
    let mut replica = replica_with(1);
    let id = Uuid::from_u128(1);
    let held = replica.records.get_mut(&id).unwrap();
    let mut check = held.doc.record().unwrap().check;
    check.goal = Some("walk to the market".into());
    held.doc.write_check(&check, &meta()).unwrap();
    let heads = heads_hex(&mut held.doc);
    let mut session = replica.session(LIMITS);
    let request = replica.poll_request(&mut session).unwrap();
    assert_eq!(request.push[0].heads, heads);
    let mut pushed = RecordDoc::load(&request.push[0].changes).expect("loads");
    assert_eq!(heads_hex(&mut pushed), heads);
    assert_eq!(
        pushed.record().unwrap().check.goal.as_deref(),
        Some("walk to the market")
    );
}
