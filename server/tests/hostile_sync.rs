//! Hostile clients on `POST /api/sync`: staff and volunteers with valid accounts writing the
//! document directly to skip the rules their screens enforce. Each attack is refused with its
//! reason and stores nothing; the honest move after it still works.

mod common;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use common::checks::{checks, severe};
use common::phone::{now, Phone};
use common::{add_user, Server, CAMDEN};
use serde_json::json;
use stallside_shared::crdt::RecordDoc;
use stallside_shared::record::{
    CheckPart, ContactAttempt, Enabler, FollowUpState, Outcome, ReviewState,
};
use stallside_shared::sync::client::SyncState;
use uuid::Uuid;

fn check(phone: &Phone, seed: u64) -> CheckPart {
    checks(phone, 1, seed).remove(0)
}

/// A hostile edit of the follow-up part.
type FollowUpEdit = Box<dyn Fn(&mut stallside_shared::record::FollowUpPart)>;

/// The stored document's heads, to show a refused push stored nothing.
fn stored_heads(server: &Server, id: Uuid) -> Option<String> {
    server
        .sqlite()
        .query_row(
            "SELECT heads FROM documents WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .ok()
}

/// Pushes the one record `phone` holds changes for and returns the refusal code, if any.
fn push_code(phone: &mut Phone) -> Option<String> {
    let report = phone.sync().expect("sync round trip");
    assert!(
        report.rejected.len() + report.accepted >= 1,
        "something was pushed"
    );
    report.rejected.first().map(|(_, code, _)| code.clone())
}

/// A copy of `from`'s record `id` on `client`'s device.
fn fork(from: &Phone, client: common::Client, id: Uuid) -> Phone {
    let mut phone = Phone::new(client);
    phone.adopt(from, id);
    phone
}

/// A record whose document was edited with raw Automerge calls by `phone`'s own actor, as a
/// hostile client would, and put on `phone` as unsynced.
fn raw_record(phone: &mut Phone, check: CheckPart, edit: impl FnOnce(&mut AutoCommit)) -> Uuid {
    let id = phone.record(check, None);
    let saved = phone.records.get_mut(&id).unwrap().doc.save();
    let mut doc = AutoCommit::load(&saved).unwrap();
    doc.set_actor(phone.actor.clone());
    edit(&mut doc);
    doc.commit();
    let stored = phone.records.get_mut(&id).unwrap();
    stored.doc = RecordDoc::load(&doc.save()).unwrap();
    stored.state = SyncState::default();
    id
}

#[test]
fn a_supervisor_cannot_skip_the_follow_up_rules_through_sync() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let supervisor = server.demo("supervisor", "laptop-s");
    let me = supervisor.user_id.clone();
    let stored = stored_heads(&server, id);

    let attacks: Vec<(&str, FollowUpEdit, &str)> = vec![
        (
            "closed as unreachable, never claimed, no attempts",
            Box::new(|f| {
                f.state = FollowUpState::Closed;
                f.outcome = Some(Outcome::Unreachable);
                f.closed_at_ms = Some(now());
            }),
            "follow_up_rule",
        ),
        (
            "closed as unreachable with no attempts, claimed by me",
            Box::new({
                let me = me.clone();
                move |f| {
                    f.state = FollowUpState::Closed;
                    f.claimed_by = Some(me.clone());
                    f.outcome = Some(Outcome::Unreachable);
                    f.closed_at_ms = Some(now());
                }
            }),
            "follow_up_rule",
        ),
        (
            "closed with claimed_by another supervisor",
            Box::new(|f| {
                f.state = FollowUpState::Closed;
                f.claimed_by = Some("another-supervisor".into());
                f.outcome = Some(Outcome::AdvisedGp);
                f.closed_at_ms = Some(now());
            }),
            "follow_up_rule",
        ),
        (
            "closed in 2020",
            Box::new({
                let me = me.clone();
                move |f| {
                    f.state = FollowUpState::Closed;
                    f.claimed_by = Some(me.clone());
                    f.outcome = Some(Outcome::AdvisedGp);
                    f.closed_at_ms = Some(1_577_836_800_000);
                }
            }),
            "follow_up_rule",
        ),
        (
            "an attempt dated before the check",
            Box::new({
                let me = me.clone();
                move |f| {
                    f.state = FollowUpState::Claimed;
                    f.claimed_by = Some(me.clone());
                    f.attempts.push(ContactAttempt {
                        at_ms: 1_577_836_800_000,
                        reached: false,
                    });
                }
            }),
            "follow_up_rule",
        ),
        (
            "claimed for a ghost user (would lock the flag for good)",
            Box::new(|f| {
                f.state = FollowUpState::Claimed;
                f.claimed_by = Some("ghost-user".into());
            }),
            "follow_up_rule",
        ),
    ];
    for (attack, change, code) in attacks {
        let mut p = fork(&volunteer, supervisor.clone(), id);
        p.follow_up(id, change);
        assert_eq!(push_code(&mut p).as_deref(), Some(code), "{attack}");
        assert_eq!(
            stored_heads(&server, id),
            stored,
            "{attack}: nothing stored"
        );
    }

    // The flag is still workable: the screens' claim, then a raw attempt and close on top.
    let (status, body) = supervisor.post_raw(&format!("/api/flags/{id}/claim"), &json!({}));
    assert_eq!(status, 200, "{body}");
    let mut p = Phone::new(supervisor.clone());
    p.adopt_stored(&server, id);
    let mine = me.clone();
    p.follow_up(id, move |f| {
        f.state = FollowUpState::Closed;
        f.claimed_by = Some(mine);
        f.attempts.push(ContactAttempt {
            at_ms: now() - 1_000,
            reached: true,
        });
        f.outcome = Some(Outcome::UrgentCare);
        f.closed_at_ms = Some(now());
    });
    assert_eq!(
        push_code(&mut p),
        None,
        "an honest claim, attempt and close"
    );
    let state: String = server.value_of("SELECT follow_up_state FROM checks WHERE id = ?1", id);
    assert_eq!(state, "closed");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM contacts"),
        0,
        "the number is erased at close"
    );
}

#[test]
fn a_ghost_claim_cannot_lock_a_flag() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let supervisor = server.demo("supervisor", "laptop-s");
    let mut p = fork(&volunteer, supervisor.clone(), id);
    p.follow_up(id, |f| {
        f.state = FollowUpState::Claimed;
        f.claimed_by = Some("ghost-user".into());
    });
    assert_eq!(push_code(&mut p).as_deref(), Some("follow_up_rule"));

    let (status, body) = supervisor.post_raw(&format!("/api/flags/{id}/claim"), &json!({}));
    assert_eq!(status, 200, "the flag can still be claimed: {body}");
    let (status, body) = supervisor.get_raw(&format!("/api/flags/{id}/contact"));
    assert_eq!(status, 200, "and its number read: {body}");
    assert_eq!(body["phone"], "07700900123");
}

#[test]
fn a_coordinator_cannot_skip_the_review_rules_through_sync() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), None);
    volunteer.sync().unwrap();
    let coordinator = server.demo("coordinator", "laptop-c");
    let me = coordinator.user_id.clone();
    let stored = stored_heads(&server, id);

    let long = "x".repeat(5_000);
    let cases = [
        (
            ReviewState::HasIssues,
            Some(long.clone()),
            Some(me.clone()),
            "long comment",
        ),
        (
            ReviewState::Approved,
            None,
            Some("someone-else".to_owned()),
            "signed by another",
        ),
        (
            ReviewState::HasIssues,
            None,
            Some(me.clone()),
            "issues without a comment",
        ),
        (
            ReviewState::HasIssues,
            Some("fix \u{202E}this".into()),
            Some(me.clone()),
            "bidi override",
        ),
    ];
    for (state, comment, by, attack) in cases {
        let mut p = fork(&volunteer, coordinator.clone(), id);
        p.review(id, move |r| {
            r.state = state;
            r.comment = comment;
            r.reviewed_by = by;
        });
        assert_eq!(
            push_code(&mut p).as_deref(),
            Some("review_rule"),
            "{attack}"
        );
        assert_eq!(
            stored_heads(&server, id),
            stored,
            "{attack}: nothing stored"
        );
    }
    let (status, body) = coordinator.post_raw(
        &format!("/api/records/{id}/review"),
        &json!({ "state": "has_issues", "comment": long }),
    );
    assert_eq!(status, 400, "the screen's path refuses the same: {body}");

    let mut p = fork(&volunteer, coordinator.clone(), id);
    p.review(id, move |r| {
        r.state = ReviewState::HasIssues;
        r.comment = Some("Check the borough".into());
        r.reviewed_by = Some(me);
    });
    assert_eq!(push_code(&mut p), None, "an honest review is accepted");
}

#[test]
fn unknown_fields_and_bad_ids_are_refused_and_never_stored() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let check = check(&phone, 3);

    let top = raw_record(&mut phone, check.clone(), |doc| {
        doc.put(ROOT, "note", "Call her on 07700 900123, lives at N1 9GU")
            .unwrap();
    });
    assert_eq!(push_code(&mut phone).as_deref(), Some("unknown_field"));
    phone.records.remove(&top);
    let inner = raw_record(&mut phone, check.clone(), |doc| {
        let (_, part) = doc.get(ROOT, "check").unwrap().unwrap();
        doc.put(&part, "nhs_number", "943 476 5919").unwrap();
    });
    assert_eq!(push_code(&mut phone).as_deref(), Some("unknown_field"));
    phone.records.remove(&inner);

    for event_id in [
        "e".repeat(250_000),
        "stall\0one".into(),
        "stall\u{202E}eno".into(),
    ] {
        let mut bad = check.clone();
        bad.event_id = event_id;
        let id = phone.record(bad, None);
        let code = push_code(&mut phone);
        assert!(
            matches!(code.as_deref(), Some("invalid" | "too_large")),
            "{code:?}"
        );
        phone.records.remove(&id);
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM documents"),
        0,
        "nothing was stored"
    );

    phone.record(check, None);
    assert_eq!(push_code(&mut phone), None, "an honest check is accepted");
}

#[test]
fn an_unknown_language_code_is_refused_and_the_rest_of_the_batch_is_kept() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let bad = check(&phone, 5);
    let crafted = raw_record(&mut phone, bad, |doc| {
        let (_, part) = doc.get(ROOT, "check").unwrap().unwrap();
        doc.put(&part, "main_language", "tlh").unwrap();
    });
    let mut old_phone = check(&phone, 6);
    old_phone.main_language = None;
    let old = phone.record(old_phone, None);
    let honest = phone.record(check(&phone, 7), None);

    let report = phone.sync().expect("sync round trip");
    let refused: Vec<_> = report
        .rejected
        .iter()
        .map(|(id, code, reason)| (*id, code.as_str(), reason.as_str()))
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "only the crafted record is refused: {refused:?}"
    );
    let (id, code, reason) = refused[0];
    assert_eq!((id, code), (crafted, "unknown_language"));
    assert!(
        reason.contains("\"tlh\""),
        "the reason names the code: {reason}"
    );
    assert_eq!(
        report.accepted, 2,
        "the old phone's record and the honest one are kept"
    );
    assert_eq!(
        stored_heads(&server, crafted),
        None,
        "nothing of it was stored"
    );
    for id in [old, honest] {
        assert!(stored_heads(&server, id).is_some());
    }
}

#[test]
fn a_small_push_cannot_buy_seconds_of_cpu() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let check = check(&phone, 4);

    // Ten records, each a whole compressed document holding a million-character text under an
    // extra key (about 2 KB on the wire), and ten whose plain changes hold a 3,000-character
    // text (over the operation budget).
    let mut hostile = Vec::new();
    for i in 0..20 {
        let size = if i < 10 { 1_000_000 } else { 3_000 };
        let id = raw_record(&mut phone, check.clone(), |doc| {
            let text = doc.put_object(ROOT, "extra", ObjType::Text).unwrap();
            doc.splice_text(&text, 0, 0, &"a".repeat(size)).unwrap();
        });
        hostile.push(id);
    }
    // The first ten go as whole documents (what `save` makes), the rest as changes.
    let bodies: Vec<serde_json::Value> = hostile
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let doc = &mut phone.records.get_mut(id).unwrap().doc;
            let heads = stallside_shared::sync::client::heads_hex(doc);
            let bytes = if i < 10 {
                doc.save()
            } else {
                doc.changes_since(&[])
            };
            json!({ "id": id, "changes": base64(&bytes), "heads": heads })
        })
        .collect();
    let wire: usize = bodies.iter().map(|b| b.to_string().len()).sum();
    let started = std::time::Instant::now();
    let (status, response) = phone
        .client
        .post_raw("/api/sync", &json!({ "cursor": 0, "push": bodies }));
    let took = started.elapsed();
    assert_eq!(status, 200, "{response}");
    let codes: Vec<&str> = response["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap_or("accepted"))
        .collect();
    assert!(
        codes[..10].iter().all(|c| *c == "undecodable"),
        "whole documents are refused: {codes:?}"
    );
    assert!(
        codes[10..].iter().all(|c| *c == "too_large"),
        "over the operation budget: {codes:?}"
    );
    eprintln!("20 hostile records, {wire} bytes of JSON, judged in {took:?}");
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 0);
    for id in hostile {
        phone.records.remove(&id);
    }
    phone.record(check, None);
    assert_eq!(push_code(&mut phone), None, "an honest check is accepted");
}

#[test]
fn changes_that_panic_the_crdt_library_fail_only_their_own_document() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let honest = phone.record(check(&phone, 9), None);
    let doc = &mut phone.records.get_mut(&honest).unwrap().doc;
    let honest_push = json!({
        "id": honest,
        "changes": base64(&doc.changes_since(&[])),
        "heads": stallside_shared::sync::client::heads_hex(doc),
    });
    // Found by `bash .ci/fuzz`: Automerge 0.12 panics merging these ("InvalidActorIndex").
    let crash = include_bytes!("../../shared/tests/fixtures/automerge-invalid-actor-index.bin");
    let hostile_push = json!({ "id": Uuid::nil(), "changes": base64(crash), "heads": [] });
    let (status, response) = phone.client.post_raw(
        "/api/sync",
        &json!({ "cursor": 0, "push": [hostile_push, honest_push] }),
    );
    assert_eq!(status, 200, "{response}");
    assert_eq!(response["results"][0]["code"], "undecodable");
    assert_eq!(response["results"][1]["status"], "accepted");
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 1);
}

#[test]
fn a_check_cannot_join_another_boroughs_event() {
    let server = Server::start();
    add_user(
        &server.data_dir,
        "camden-coordinator",
        "coordinator",
        CAMDEN,
        "camden-lantern-orbit",
    );
    let camden = server.login("camden-coordinator", "camden-lantern-orbit", "c1");
    let event: serde_json::Value = camden.post(
        "/api/events",
        &json!({ "name": "Camden market stall", "date": "2026-11-28", "venue": "Market",
                 "venue_type": "market", "borough": CAMDEN }),
    );
    let event_id = event["id"].as_str().unwrap().to_owned();

    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let mut check = check(&phone, 5);
    check.event_id = event_id;
    let id = phone.record(check.clone(), None);
    assert_eq!(push_code(&mut phone).as_deref(), Some("event_outside_area"));
    assert_eq!(stored_heads(&server, id), None);
    phone.records.remove(&id);

    check.event_id = "stall-started-on-this-phone".into();
    phone.record(check, None);
    assert_eq!(push_code(&mut phone), None, "a phone's own stall is fine");
}

#[test]
fn staff_pull_no_documents() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    volunteer.record(severe(&volunteer), None);
    volunteer.sync().unwrap();
    for who in ["coordinator", "supervisor"] {
        let (status, body) = server
            .demo(who, "laptop")
            .post_raw("/api/sync", &json!({ "cursor": 0, "push": [] }));
        assert_eq!(status, 200);
        assert_eq!(body["pulled"].as_array().map(Vec::len), Some(0), "{who}");
    }
    let (_, body) = server
        .demo("volunteer", "phone-b")
        .post_raw("/api/sync", &json!({ "cursor": 0, "push": [] }));
    assert_eq!(body["pulled"].as_array().map(Vec::len), Some(1));
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn enablers_from_the_closed_list_are_kept_an_old_phone_without_them_too_and_others_refused() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let (five, six) = (check(&phone, 5), check(&phone, 6));
    let crafted = raw_record(&mut phone, five, |doc| {
        let (_, part) = doc.get(ROOT, "check").unwrap().unwrap();
        let list = doc.put_object(&part, "enablers", ObjType::List).unwrap();
        doc.insert(&list, 0, "free").unwrap();
        doc.insert(&list, 1, "a_free_lunch").unwrap();
    });
    let old_phone = raw_record(&mut phone, six, |doc| {
        let (_, part) = doc.get(ROOT, "check").unwrap().unwrap();
        doc.delete(&part, "enablers").unwrap();
    });
    let mut honest_check = check(&phone, 7);
    honest_check.enablers = vec![Enabler::NoAppointment, Enabler::MyLanguage];
    let honest = phone.record(honest_check, None);

    let report = phone.sync().expect("sync round trip");
    let refused: Vec<Uuid> = report.rejected.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(
        refused,
        [crafted],
        "only the crafted record is refused: {report:?}"
    );
    assert_eq!(
        stored_heads(&server, crafted),
        None,
        "nothing of it was stored"
    );
    assert_eq!(report.accepted, 2);
    let enablers =
        |id| -> String { server.value_of("SELECT enablers FROM checks WHERE id = ?1", id) };
    assert_eq!(
        enablers(old_phone),
        "",
        "an old phone's check said nothing here"
    );
    assert_eq!(enablers(honest), "no_appointment,my_language");
}
