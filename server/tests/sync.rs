//! Sync over real HTTP on loopback against the real server binary and its SQLite file.

mod common;

use common::checks::{checks, healthy, severe};
use common::phone::{now, Phone, SyncError};
use common::{add_user, Server, BARNET, CAMDEN, ISLINGTON};
use serde_json::json;
use stallside_shared::crdt::RecordDoc;
use stallside_shared::record::{FollowUpState, Outcome, Reading, ReviewState};
use stallside_shared::sync::client::Status;
use stallside_shared::sync::wire::{Summary, SyncResponse};
use stallside_shared::triage::Band;

#[test]
fn push_then_pull_round_trip_and_a_repeat_push_changes_nothing() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let ids: Vec<_> = checks(&phone, 20, 100)
        .into_iter()
        .map(|c| phone.record(c, None))
        .collect();
    assert_eq!(phone.unsynced(), 20);
    let report = phone.sync().unwrap();
    assert_eq!(report.accepted, 20);
    assert_eq!(
        report.pulled, 0,
        "the phone already has everything it pushed"
    );
    assert_eq!(phone.unsynced(), 0);
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 20);
    assert_eq!(server.count("SELECT COUNT(*) FROM checks"), 20);

    // The same changes pushed again (a retried request whose answer was lost).
    let seq_before = server.count("SELECT value FROM sequence");
    let doc_bytes: Vec<u8> = server
        .sqlite()
        .query_row(
            "SELECT doc FROM documents WHERE id = ?1",
            [ids[0].to_string()],
            |r| r.get(0),
        )
        .unwrap();
    for stored in phone.records.values_mut() {
        stored.state.server_heads.clear();
    }
    let again = phone.sync().unwrap();
    assert_eq!(again.accepted, 20);
    assert_eq!(
        server.count("SELECT value FROM sequence"),
        seq_before,
        "nothing new committed"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 20);
    let doc_after: Vec<u8> = server
        .sqlite()
        .query_row(
            "SELECT doc FROM documents WHERE id = ?1",
            [ids[0].to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(doc_bytes, doc_after);

    // A new phone of the same volunteer pulls every record, page by page.
    let mut second = Phone::new(server.demo("volunteer", "phone-b"));
    second.limits.first_pull_page_size = 7;
    let pulled = second.sync().unwrap();
    assert_eq!(pulled.pulled, 20);
    assert_eq!(pulled.requests, 3);
    for id in &ids {
        assert_eq!(second.record_of(*id), phone.record_of(*id));
        assert_eq!(second.status(*id), Status::Synced);
    }
    assert_pulled_summaries_match_their_documents(&server, 20);
}

/// A fresh phone of the demo volunteer pulls everything raw: each record's summary (read
/// from the projection, so the phone need not decode the document) equals the summary of
/// the document it came with.
fn assert_pulled_summaries_match_their_documents(server: &Server, expected: usize) {
    let fresh = server.demo("volunteer", "summary-check");
    let response: SyncResponse = fresh.post("/api/sync", &json!({ "cursor": 0, "push": [] }));
    assert_eq!(response.pulled.len(), expected);
    for pulled in response.pulled {
        let record = RecordDoc::load(&pulled.doc).unwrap().record().unwrap();
        assert_eq!(pulled.summary, Some(Summary::of(&record)), "{}", pulled.id);
    }
}

#[test]
fn one_invalid_document_is_rejected_with_its_reason_and_the_rest_are_stored() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let good: Vec<_> = checks(&phone, 5, 200)
        .into_iter()
        .map(|c| phone.record(c, None))
        .collect();
    let mut bad = checks(&phone, 1, 300).remove(0);
    bad.readings = vec![Reading::bp(80, 95)];
    let bad_id = phone.record(bad, None);
    let report = phone.sync().unwrap();
    assert_eq!(report.accepted, 5);
    assert_eq!(report.rejected.len(), 1);
    let (id, code, reason) = &report.rejected[0];
    assert_eq!((*id, code.as_str()), (bad_id, "invalid"));
    assert!(
        reason.contains("Reading 1: systolic must be higher than diastolic"),
        "{reason}"
    );
    assert!(matches!(phone.status(bad_id), Status::Rejected(r) if r == *reason));
    for id in good {
        assert_eq!(phone.status(id), Status::Synced);
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM checks"), 5);

    // The refused version is not sent again; a correction is, and is accepted.
    assert_eq!(phone.sync().unwrap().rejected.len(), 0);
    phone.correct(bad_id, |c| c.readings = vec![Reading::bp(120, 80)]);
    let fixed = phone.sync().unwrap();
    assert_eq!(fixed.accepted, 1, "{fixed:?}");
    assert_eq!(phone.status(bad_id), Status::Synced);
}

#[test]
fn a_tampered_band_and_garbage_bytes_are_refused() {
    let server = Server::start();
    let volunteer = server.demo("volunteer", "phone-a");
    let mut phone = Phone::new(volunteer.clone());
    let mut check = checks(&phone, 1, 400).remove(0);
    check.readings = vec![Reading::bp(185, 100), Reading::bp(183, 100)];
    check.red_flags.clear();
    check.pulse_irregular_on_repeat = None;
    let id = phone.record(check, None);
    let meta = stallside_shared::crdt::ChangeMeta {
        actor: phone.actor.clone(),
        time_secs: 1_790_000_000,
    };
    let stored = phone.records.get_mut(&id).unwrap();
    let mut tampered = stored.doc.record().unwrap().check;
    tampered.band = Band::Normal;
    stored.doc.write_check(&tampered, &meta).unwrap();
    let report = phone.sync().unwrap();
    assert_eq!(report.rejected[0].1, "band_mismatch");

    let (status, body) = volunteer.post_raw(
        "/api/sync",
        &json!({ "cursor": 0, "push": [{ "id": uuid::Uuid::new_v4(), "changes": "bm90IGF1dG9tZXJnZQ==", "heads": [] }] }),
    );
    assert_eq!(status, 200);
    assert_eq!(body["results"][0]["status"], "rejected");
    assert_eq!(body["results"][0]["code"], "undecodable");
}

#[test]
fn every_authorisation_rule_is_enforced() {
    let server = Server::start();
    add_user(
        &server.data_dir,
        "camden-coordinator",
        "coordinator",
        CAMDEN,
        "camden-lantern-orbit",
    );
    add_user(
        &server.data_dir,
        "camden-supervisor",
        "supervisor",
        CAMDEN,
        "camden-tulip-harbour",
    );
    add_user(
        &server.data_dir,
        "other-volunteer",
        "volunteer",
        ISLINGTON,
        "other-volunteer-pass",
    );
    add_user(
        &server.data_dir,
        "barnet-volunteer",
        "volunteer",
        BARNET,
        "barnet-volunteer-pass",
    );

    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let severe_id = volunteer.record(severe(&volunteer), None);
    let normal_id = volunteer.record(healthy(&volunteer, 500), None);
    volunteer.sync().unwrap();

    let coordinator = Phone::new(server.demo("coordinator", "laptop-c"));
    let supervisor = Phone::new(server.demo("supervisor", "laptop-s"));

    // A copy of the volunteer's documents on another device, to edit as someone else.
    let fork = |phone: &Phone, client: common::Client| {
        let mut other = Phone::new(client);
        for id in phone.records.keys() {
            other.adopt(phone, *id);
        }
        other
    };
    let expect_refused = |mut phone: Phone, code: &str| {
        let report = phone.sync().unwrap();
        assert_eq!(report.rejected.len(), 1, "{code}: {report:?}");
        assert_eq!(report.rejected[0].1, code);
    };

    // Wrong role: a coordinator changing the check, a volunteer changing the review, a
    // supervisor changing the review; a coordinator closing a flag (a coordinator's only
    // follow-up moves are releasing and handing over a claim).
    let mut p = fork(&volunteer, coordinator.client.clone());
    p.correct(severe_id, |c| {
        c.goal = Some("changed by a coordinator".into())
    });
    expect_refused(p, "part_not_yours");
    let mut p = fork(&volunteer, volunteer.client.clone());
    p.actor = volunteer.actor.clone();
    p.review(severe_id, |r| r.state = ReviewState::Approved);
    expect_refused(p, "part_not_yours");
    let mut p = fork(&volunteer, supervisor.client.clone());
    p.review(severe_id, |r| r.state = ReviewState::Approved);
    expect_refused(p, "part_not_yours");
    let mut p = fork(&volunteer, coordinator.client.clone());
    p.follow_up(severe_id, |f| f.state = FollowUpState::Closed);
    expect_refused(p, "follow_up_rule");

    // Wrong owner: another volunteer correcting this volunteer's check, or creating one in
    // this volunteer's name.
    let other = server.login("other-volunteer", "other-volunteer-pass", "phone-o");
    let mut p = fork(&volunteer, other.clone());
    p.correct(severe_id, |c| c.goal = Some("not mine".into()));
    expect_refused(p, "not_your_record");
    let mut p = Phone::new(other);
    p.record(severe(&volunteer), None);
    expect_refused(p, "not_your_record");

    // Wrong area: Camden's coordinator reviewing an Islington record; Camden's supervisor
    // following it up; a Barnet volunteer recording in Islington.
    let mut p = fork(
        &volunteer,
        server.login("camden-coordinator", "camden-lantern-orbit", "c2"),
    );
    p.review(severe_id, |r| r.state = ReviewState::Approved);
    expect_refused(p, "outside_area");
    let mut p = fork(
        &volunteer,
        server.login("camden-supervisor", "camden-tulip-harbour", "s2"),
    );
    p.follow_up(severe_id, |f| f.state = FollowUpState::Claimed);
    expect_refused(p, "outside_area");
    let barnet = server.login("barnet-volunteer", "barnet-volunteer-pass", "phone-b");
    let mut p = Phone::new(barnet.clone());
    let mut c = severe(&volunteer);
    c.volunteer_id = barnet.user_id.clone();
    p.record(c, None);
    expect_refused(p, "outside_area");

    // A supervisor on a reading that is not flagged; a coordinator creating a check.
    let mut p = fork(&volunteer, supervisor.client.clone());
    p.records.retain(|id, _| *id == normal_id);
    p.follow_up(normal_id, |f| f.state = FollowUpState::Claimed);
    expect_refused(p, "not_flagged");
    let mut p = Phone::new(coordinator.client.clone());
    p.record(severe(&volunteer), None);
    expect_refused(p, "not_a_creator");

    // A forged actor id: the supervisor signing changes with the volunteer's actor id, and the
    // volunteer reusing it from another device.
    let mut p = fork(&volunteer, supervisor.client.clone());
    p.actor = volunteer.actor.clone();
    let me = p.client.user_id.clone();
    p.follow_up(severe_id, |f| {
        f.state = FollowUpState::Claimed;
        f.claimed_by = Some(me);
    });
    expect_refused(p, "foreign_actor");
    let mut p = fork(&volunteer, server.demo("volunteer", "phone-z"));
    p.actor = volunteer.actor.clone();
    p.correct(severe_id, |c| c.goal = Some("from a second phone".into()));
    expect_refused(p, "foreign_actor");

    // What is allowed still works.
    let mut p = fork(&volunteer, supervisor.client.clone());
    let me = p.client.user_id.clone();
    p.follow_up(severe_id, |f| {
        f.state = FollowUpState::Claimed;
        f.claimed_by = Some(me);
    });
    assert_eq!(p.sync().unwrap().rejected.len(), 0);
}

#[test]
fn a_volunteer_cannot_correct_after_the_edit_window() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let mut old = checks(&phone, 1, 600).remove(0);
    old.recorded_at_ms = now() - 8 * 24 * 3_600_000;
    let id = phone.record(old, None);
    assert_eq!(
        phone.sync().unwrap().accepted,
        1,
        "a late sync of an old check is fine"
    );
    phone.correct(id, |c| c.goal = Some("late correction".into()));
    assert_eq!(phone.sync().unwrap().rejected[0].1, "edit_window_closed");
}

#[test]
fn a_check_corrected_into_a_flagged_band_can_be_worked() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let id = phone.record(healthy(&phone, 800), None);
    phone.sync().unwrap();
    phone.correct(id, |c| {
        c.readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)];
    });
    assert_eq!(phone.sync().unwrap().accepted, 1);
    let supervisor = server.demo("supervisor", "laptop-s");
    let (status, body) = supervisor.get_raw("/api/flags");
    assert_eq!(status, 200);
    assert!(body.to_string().contains(&id.to_string()), "in the queue");
    for step in ["claim", "attempts", "close"] {
        let body = match step {
            "attempts" => json!({ "reached": true }),
            "close" => json!({ "outcome": "advised_gp" }),
            _ => json!({}),
        };
        let (status, answer) = supervisor.post_raw(&format!("/api/flags/{id}/{step}"), &body);
        assert_eq!(status, 200, "{step}: {answer}");
    }
}

#[test]
fn the_servers_edit_window_reaches_the_phone_and_is_the_one_enforced() {
    let server = Server::start_in(
        common::fresh_dir(),
        &["--demo", "--edit-window-hours", "48"],
    );
    let volunteer = server.demo("volunteer", "phone-a");
    let response: serde_json::Value =
        volunteer.post("/api/sync", &json!({ "cursor": 0, "push": [] }));
    assert_eq!(response["settings"]["edit_window_hours"], 48);

    let mut phone = Phone::new(volunteer);
    let mut recent = checks(&phone, 1, 700).remove(0);
    recent.recorded_at_ms = now() - 24 * 3_600_000;
    let mut older = checks(&phone, 1, 701).remove(0);
    older.recorded_at_ms = now() - 3 * 24 * 3_600_000;
    let (recent, older) = (phone.record(recent, None), phone.record(older, None));
    assert_eq!(phone.sync().unwrap().accepted, 2);
    phone.correct(recent, |c| c.goal = Some("within two days".into()));
    phone.correct(older, |c| c.goal = Some("three days on".into()));
    let report = phone.sync().unwrap();
    assert_eq!(report.accepted, 1, "{report:?}");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(
        (report.rejected[0].0, report.rejected[0].1.as_str()),
        (older, "edit_window_closed")
    );
}

#[test]
fn expired_and_revoked_tokens_are_refused() {
    let server = Server::start();
    let volunteer = server.demo("volunteer", "phone-a");
    let (status, _) = volunteer.get_raw("/api/me");
    assert_eq!(status, 200);
    let (status, body) = volunteer.post_raw("/api/logout", &json!({}));
    assert_eq!(status, 204, "{body}");
    let (status, body) = volunteer.post_raw("/api/sync", &json!({ "cursor": 0, "push": [] }));
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));

    let again = server.demo("volunteer", "phone-a");
    server
        .sqlite()
        .execute(
            "UPDATE sessions SET expires_at_ms = 1 WHERE revoked = 0",
            [],
        )
        .unwrap();
    let (status, _) = again.post_raw("/api/sync", &json!({ "cursor": 0, "push": [] }));
    assert_eq!(status, 401);

    let coordinator = server.demo("coordinator", "laptop");
    let third = server.demo("volunteer", "phone-b");
    let (status, _) = coordinator.post_raw(
        &format!("/api/users/{}/revoke-sessions", third.user_id),
        &json!({}),
    );
    assert_eq!(status, 204);
    assert_eq!(third.get_raw("/api/me").0, 401);
    let (status, _) = request_without_token(&server);
    assert_eq!(status, 401);
}

fn request_without_token(server: &Server) -> (u16, serde_json::Value) {
    server.post_json("/api/sync", None, &json!({ "cursor": 0, "push": [] }))
}

#[test]
fn acknowledged_records_survive_sigkill_and_retries_complete_without_duplicates() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    for c in checks(&phone, 600, 700) {
        phone.record(c, None);
    }
    phone.limits.batch = 25;
    // Push in a thread while the main thread kills the server mid-stream.
    let data_dir = server.data_dir.clone();
    let url = server.url.clone();
    let handle = std::thread::spawn(move || {
        let result = phone.sync();
        (phone, result)
    });
    loop {
        let done: i64 = rusqlite::Connection::open(data_dir.join("stallside.sqlite"))
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0)))
            .unwrap_or(0);
        if done >= 100 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let data_dir = server.kill();
    let (mut phone, result) = handle.join().unwrap();
    assert!(
        matches!(result, Err(SyncError::Transport(_))),
        "the connection was cut: {url}"
    );
    let acknowledged: Vec<_> = phone
        .records
        .iter_mut()
        .filter(|(_, s)| !s.state.server_heads.is_empty())
        .map(|(id, _)| *id)
        .collect();
    assert!(
        acknowledged.len() >= 75 && acknowledged.len() < 600,
        "{}",
        acknowledged.len()
    );

    let server = Server::start_in(data_dir, &["--demo"]);
    let db = server.sqlite();
    for id in &acknowledged {
        let found: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM checks WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "acknowledged record {id} is in the database");
    }
    phone.client = server.demo("volunteer", "phone-a");
    phone.sync().unwrap();
    assert_eq!(phone.unsynced(), 0);
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 600);
    assert_eq!(server.count("SELECT COUNT(*) FROM checks"), 600);
    let integrity: String = server
        .sqlite()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn a_correction_and_a_follow_up_converge_in_either_order() {
    for volunteer_first in [true, false] {
        let server = Server::start();
        let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
        let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
        volunteer.sync().unwrap();
        // Staff pull no documents: the supervisor's device starts from the volunteer's copy.
        let mut supervisor = Phone::new(server.demo("supervisor", "laptop-s"));
        assert_eq!(
            supervisor.sync().unwrap().pulled,
            0,
            "staff pull no documents"
        );
        supervisor.adopt(&volunteer, id);
        let me = supervisor.client.user_id.clone();
        volunteer.correct(id, |c| c.goal = Some("Cut down on salt".into()));
        supervisor.follow_up(id, |f| {
            f.state = FollowUpState::Closed;
            f.claimed_by = Some(me);
            f.outcome = Some(Outcome::UrgentCare);
            f.closed_at_ms = Some(now());
        });
        if volunteer_first {
            volunteer.sync().unwrap();
            supervisor.sync().unwrap();
        } else {
            supervisor.sync().unwrap();
            volunteer.sync().unwrap();
        }
        volunteer.sync().unwrap();
        supervisor.sync().unwrap();

        let on_volunteer = volunteer.record_of(id);
        assert_eq!(on_volunteer.check.goal.as_deref(), Some("Cut down on salt"));
        assert_eq!(on_volunteer.follow_up.outcome, Some(Outcome::UrgentCare));
        let mut doc: Vec<u8> = server
            .sqlite()
            .query_row(
                "SELECT doc FROM documents WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        let on_server = stallside_shared::crdt::RecordDoc::load(&std::mem::take(&mut doc))
            .unwrap()
            .record()
            .unwrap();
        assert_eq!(on_server, on_volunteer);
        assert_eq!(volunteer.status(id), Status::Synced);
        let (state, outcome): (String, String) = server
            .sqlite()
            .query_row(
                "SELECT follow_up_state, outcome FROM checks WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (state.as_str(), outcome.as_str()),
            ("closed", "urgent_care")
        );
        assert_eq!(
            server.count("SELECT COUNT(*) FROM contacts"),
            0,
            "deleted at close"
        );
    }
}

#[test]
fn contact_details_are_kept_apart_only_for_flagged_consented_readings() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let flagged = phone.record(severe(&phone), Some("+44 7700 900123"));
    let mut no_consent = severe(&phone);
    no_consent.consent_to_contact = false;
    phone.record(no_consent, Some("07700 900999"));
    let mut bad_number = severe(&phone);
    bad_number.goal = None;
    phone.record(bad_number, Some("call me maybe"));
    let report = phone.sync().unwrap();
    assert_eq!(report.accepted, 3);
    let phone_number: String = server
        .sqlite()
        .query_row(
            "SELECT phone FROM contacts WHERE record_id = ?1",
            [flagged.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(phone_number, "07700900123");
    assert_eq!(server.count("SELECT COUNT(*) FROM contacts"), 1);
    let doc: Vec<u8> = server
        .sqlite()
        .query_row(
            "SELECT doc FROM documents WHERE id = ?1",
            [flagged.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    let needle = b"900123";
    assert!(
        !doc.windows(needle.len()).any(|w| w == needle),
        "the number never enters the document"
    );
}

#[test]
fn events_and_settings_ride_along_and_the_coordinator_sees_the_area() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let event: serde_json::Value = coordinator.post(
        "/api/events",
        &json!({ "name": "Food bank stall", "date": "2026-11-28", "venue": "St Luke's",
                 "venue_type": "food_bank", "borough": ISLINGTON }),
    );
    let (status, body) = coordinator.post_raw(
        "/api/events",
        &json!({ "name": "Elsewhere", "date": "2026-11-28", "venue": "Hall",
                 "venue_type": "library", "borough": CAMDEN }),
    );
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));

    let volunteer = server.demo("volunteer", "phone-a");
    let response: serde_json::Value =
        volunteer.post("/api/sync", &json!({ "cursor": 0, "push": [] }));
    let names: Vec<&str> = response["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Food bank stall"), "{names:?}");
    assert_eq!(response["settings"]["same_day_minutes"], 1440);
    let cursor = response["cursor"].as_u64().unwrap();
    let later: serde_json::Value =
        volunteer.post("/api/sync", &json!({ "cursor": cursor, "push": [] }));
    assert_eq!(
        later["events"].as_array().unwrap().len(),
        0,
        "only changes after the cursor"
    );
    assert_eq!(event["venue_type"], "food_bank");

    let mut phone = Phone::new(volunteer);
    for c in checks(&phone, 3, 900) {
        phone.record(c, None);
    }
    phone.sync().unwrap();
    let (status, rows) = coordinator.get_raw("/api/records");
    assert_eq!(status, 200);
    assert_eq!(
        rows.as_array().map(Vec::len),
        Some(3),
        "the coordinator's screens see the area's records"
    );
    let mut laptop = Phone::new(coordinator);
    assert_eq!(
        laptop.sync().unwrap().pulled,
        0,
        "but a coordinator's device pulls no documents (no area codes, no goals)"
    );
}

#[test]
fn a_supervisor_works_a_flag_through_the_api_and_the_outcome_reaches_the_phone() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    let normal = volunteer.record(healthy(&volunteer, 950), None);
    volunteer.sync().unwrap();
    let supervisor = server.demo("supervisor", "laptop-s");
    let other = {
        add_user(
            &server.data_dir,
            "second-supervisor",
            "supervisor",
            ISLINGTON,
            "second-supervisor-pass",
        );
        server.login("second-supervisor", "second-supervisor-pass", "laptop-2")
    };

    let queue: Vec<serde_json::Value> =
        serde_json::from_value(supervisor.get_raw("/api/flags").1).unwrap();
    assert_eq!(queue.len(), 1, "only the flagged reading: {queue:?}");
    assert_eq!(queue[0]["id"], id.to_string());
    assert_eq!(queue[0]["band"], "severe");
    assert!(queue.iter().all(|f| f["id"] != normal.to_string()));

    let path = |action: &str| format!("/api/flags/{id}/{action}");
    assert_eq!(
        supervisor.get_raw(&path("contact")).0,
        404,
        "no claimed flag to read yet"
    );
    let _: serde_json::Value = supervisor.post(&path("claim"), &json!({}));
    assert_eq!(other.post_raw(&path("claim"), &json!({})).0, 409);
    assert_eq!(
        other.get_raw(&path("contact")).0,
        403,
        "only the claimer sees the number"
    );
    let (status, body) = supervisor.get_raw(&path("contact"));
    assert_eq!((status, body["phone"].as_str()), (200, Some("07700900123")));
    let _: serde_json::Value = supervisor.post(&path("attempts"), &json!({ "reached": true }));
    let (status, _) = supervisor.post_raw(&path("close"), &json!({ "outcome": "teleport" }));
    assert_eq!(status, 400);
    let _: serde_json::Value =
        supervisor.post(&path("close"), &json!({ "outcome": "urgent_care" }));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM contacts"),
        0,
        "deleted at close"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'contact_read'"),
        1
    );
    assert_eq!(supervisor.get_raw(&path("contact")).0, 404);

    volunteer.sync().unwrap();
    let record = volunteer.record_of(id);
    assert_eq!(record.follow_up.state, FollowUpState::Closed);
    assert_eq!(record.follow_up.outcome, Some(Outcome::UrgentCare));
    assert_eq!(record.follow_up.attempts.len(), 1);
    assert_eq!(volunteer.status(id), Status::Synced);
    assert_pulled_summaries_match_their_documents(&server, 2);
}

#[test]
fn forged_parts_times_moves_and_claims_are_refused() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));

    // A new record that arrives already "approved" and "closed".
    let mut forged = Phone::new(volunteer.client.clone());
    forged.actor = volunteer.actor.clone();
    let id = forged.record(severe(&volunteer), None);
    forged.follow_up(id, |f| {
        f.state = FollowUpState::Closed;
        f.outcome = Some(Outcome::Declined);
    });
    assert_eq!(forged.sync().unwrap().rejected[0].1, "part_not_yours");

    // A check dated in the future; a correction that moves the time or the borough.
    let mut future = severe(&volunteer);
    future.recorded_at_ms = now() + 3_600_000;
    volunteer.record(future, None);
    assert_eq!(volunteer.sync().unwrap().rejected[0].1, "future_time");
    volunteer.records.clear();
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    assert_eq!(volunteer.sync().unwrap().accepted, 1);
    volunteer.correct(id, |c| c.recorded_at_ms -= 60_000);
    assert_eq!(volunteer.sync().unwrap().rejected[0].1, "time_changed");
    // Each refused correction is set aside: the phone goes on from the server's copy.
    volunteer.adopt_stored(&server, id);
    volunteer.correct(id, |c| c.borough = CAMDEN.into());
    assert_eq!(volunteer.sync().unwrap().rejected[0].1, "outside_area");

    // A correction that takes the reading out of the flagged range erases the number.
    volunteer.adopt_stored(&server, id);
    assert_eq!(server.count("SELECT COUNT(*) FROM contacts"), 1);
    volunteer.correct(id, |c| c.readings = vec![Reading::bp(118, 76)]);
    assert_eq!(volunteer.sync().unwrap().accepted, 1);
    assert_eq!(server.count("SELECT COUNT(*) FROM contacts"), 0);
    volunteer.correct(id, |c| {
        c.readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)]
    });
    volunteer.sync().unwrap();

    // A second supervisor overwriting the first one's claim through sync.
    let first = server.demo("supervisor", "laptop-1");
    let _: serde_json::Value = first.post(&format!("/api/flags/{id}/claim"), &json!({}));
    add_user(
        &server.data_dir,
        "second-supervisor",
        "supervisor",
        ISLINGTON,
        "second-supervisor-pass",
    );
    let mut second =
        Phone::new(server.login("second-supervisor", "second-supervisor-pass", "laptop-2"));
    second.adopt_stored(&server, id);
    let me = second.client.user_id.clone();
    second.follow_up(id, |f| f.claimed_by = Some(me));
    assert_eq!(second.sync().unwrap().rejected[0].1, "claimed_by_other");

    // A check first synced long after it was taken, corrected offline before that: accepted.
    let mut late = healthy(&volunteer, 77);
    late.recorded_at_ms = now() - 9 * 24 * 3_600_000;
    let late_id = volunteer.record(late, None);
    volunteer.correct(late_id, |c| c.goal = Some("corrected offline".into()));
    let report = volunteer.sync().unwrap();
    assert!(
        report.rejected.iter().all(|(id, _, _)| *id != late_id),
        "{report:?}"
    );
}

#[test]
fn a_staff_edit_made_on_the_volunteers_device_still_reaches_the_volunteer() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "stall-phone"));
    let id = volunteer.record(severe(&volunteer), None);
    volunteer.sync().unwrap();

    // A supervisor signs in on the same phone (the same device id) and claims the flag.
    let supervisor = server.demo("supervisor", "stall-phone");
    let _: serde_json::Value = supervisor.post(&format!("/api/flags/{id}/claim"), &json!({}));

    let report = volunteer.sync().unwrap();
    assert_eq!(report.pulled, 1, "the supervisor's claim was passed over");
    assert_eq!(
        volunteer.record_of(id).follow_up.claimed_by.as_deref(),
        Some(supervisor.user_id.as_str())
    );
}

#[test]
fn a_batch_pushed_ahead_pulls_nothing_and_is_not_sent_back_to_the_phone_that_pushed_it() {
    let mut hand = ByHand::start(6);
    let first = hand.next();
    let ahead = hand.ahead();
    let cursor = hand.session.cursor();

    // The push sent ahead reaches the server first: it is stored, and pulls nothing.
    let answer = hand.send(&ahead);
    assert_eq!(answer.results.len(), 2);
    assert!(answer.pulled.is_empty(), "a push sent ahead pulls nothing");
    assert_eq!(answer.cursor, cursor, "and leaves the cursor where it was");
    let effects = hand
        .session
        .handle_ahead_response(&answer)
        .expect("ahead is out");
    hand.phone.replica.apply(effects).unwrap();
    assert_eq!(
        hand.waiting(),
        2,
        "the coordinator sees what the phone still holds: 6 reported, 2 and 2 stored"
    );

    // The request before it pulls after it committed: the phone holds those records already.
    let answer = hand.send(&first);
    assert_eq!(answer.results.len(), 2);
    assert!(
        answer.pulled.is_empty(),
        "the phone was sent back what it pushed ahead: {:?}",
        answer.pulled.iter().map(|d| d.id).collect::<Vec<_>>()
    );
    assert_eq!(
        answer.cursor as i64,
        hand.server.count("SELECT value FROM sequence"),
        "the cursor passes over what it held"
    );
    hand.take(&answer);
    assert_eq!(hand.phone.unsynced(), 0);
    assert_eq!(hand.waiting(), 0);

    // Another phone of the same volunteer has none of them: it is sent all six.
    let mut second = Phone::new(hand.server.demo("volunteer", "phone-b"));
    let report = second.sync().unwrap();
    assert_eq!(report.pulled, 6);
    for id in hand.phone.records.keys() {
        assert!(second.records.contains_key(id));
    }
}

#[test]
fn a_push_repeated_after_its_answer_was_lost_is_not_counted_twice_off_what_the_phone_holds() {
    let mut hand = ByHand::start(8);
    assert_eq!(hand.waiting(), 6);

    // The push ahead is stored, but its answer never reaches the phone.
    let second = hand.next();
    let ahead = hand.ahead();
    hand.send(&ahead);
    hand.session.handle_ahead_lost();
    let answer = hand.send(&second);
    hand.take(&answer);
    assert_eq!(hand.waiting(), 2, "two checks the server lacks");

    // The lost batch goes again: the server already has it, and the phone still holds two
    // checks the server lacks.
    let again = hand.next();
    assert_eq!(
        again.push.iter().map(|p| p.id).collect::<Vec<_>>(),
        ahead.push.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    let answer = hand.send(&again);
    hand.take(&answer);
    assert_eq!(hand.waiting(), 2, "a repeat was counted off twice");

    let last = hand.next();
    let answer = hand.send(&last);
    hand.take(&answer);
    assert_eq!(hand.waiting(), 0);
    assert_eq!(hand.phone.unsynced(), 0);
}

/// A volunteer's phone driven a request at a time, in batches of two, for tests that deliver,
/// lose or reorder requests by hand. Its session's first request (two checks, and the report
/// of all `n` waiting) has been answered.
struct ByHand {
    server: Server,
    phone: Phone,
    session: stallside_shared::sync::session::Session,
}

impl ByHand {
    fn start(n: u64) -> Self {
        let server = Server::start();
        let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
        for c in checks(&phone, n, 300) {
            phone.record(c, None);
        }
        let session = phone
            .replica
            .session(stallside_shared::sync::session::Limits {
                batch: 2,
                ..phone.limits
            });
        let mut hand = ByHand {
            server,
            phone,
            session,
        };
        let mut opening = hand.next();
        opening.device = Some(stallside_shared::sync::wire::DeviceReport {
            unsynced: u32::try_from(n).unwrap(),
            app_version: "test-phone".into(),
        });
        let answer = hand.send(&opening);
        hand.take(&answer);
        hand
    }

    /// The session's next request.
    fn next(&mut self) -> stallside_shared::sync::wire::SyncRequest {
        self.phone
            .replica
            .poll_request(&mut self.session)
            .expect("a request")
    }

    /// The session's next push sent ahead.
    fn ahead(&mut self) -> stallside_shared::sync::wire::SyncRequest {
        self.phone
            .replica
            .push_ahead(&mut self.session)
            .expect("a push ahead")
    }

    fn send(&self, request: &stallside_shared::sync::wire::SyncRequest) -> SyncResponse {
        let body = serde_json::to_vec(request).unwrap();
        common::phone::post_gzip(&self.phone.client, "/api/sync", &body)
            .expect("answered")
            .0
    }

    /// Takes the answer to the main request out and stores what it says.
    fn take(&mut self, answer: &SyncResponse) {
        let effects = self.session.handle_response(answer).expect("out");
        self.phone.replica.apply(effects).unwrap();
    }

    /// What the coordinator sees as still on the phone.
    fn waiting(&self) -> i64 {
        self.server
            .count("SELECT unsynced FROM devices WHERE device_id = 'phone-a'")
    }
}

/// A new record pushed as one saved document (as the app pushes it) is kept as the bytes it
/// came in: Automerge rebuilt all of it and checked it against its heads, and saving it again
/// cost a tenth of judging it. Anything after the saved document is another matter: Automerge
/// passes over a change it already holds (or a second document whose heads it has) without
/// reading it, and a phone merging those bytes into its own copy might not, so such a push is
/// stored as the server saves it. Both are the same record to every device.
#[test]
fn only_a_lone_saved_document_is_kept_as_it_came() {
    use base64::Engine;
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    let lone = phone.record(healthy(&phone, 1), None);
    let padded = phone.record(healthy(&phone, 2), None);
    let mut push = Vec::new();
    let mut sent = Vec::new();
    for (id, more) in [(lone, false), (padded, true)] {
        let doc = &mut phone.records.get_mut(&id).unwrap().doc;
        let mut bytes = doc.to_push(&[]);
        if more {
            bytes.extend(doc.changes_since(&[]));
        }
        push.push(json!({
            "id": id,
            "changes": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "heads": stallside_shared::sync::client::heads_hex(doc),
        }));
        sent.push(bytes);
    }
    let (status, body) = phone
        .client
        .post_raw("/api/sync", &json!({ "cursor": 0, "push": push }));
    assert_eq!(status, 200, "{body}");
    for answer in body["results"].as_array().unwrap() {
        assert_eq!(answer["status"], "accepted", "{body}");
    }
    let stored = |id| -> Vec<u8> { server.value_of("SELECT doc FROM documents WHERE id = ?1", id) };
    assert!(stored(lone) == sent[0], "the app's push is kept as it came");
    let resaved = RecordDoc::load(&sent[1]).unwrap().save_uncompressed();
    assert!(
        stored(padded) == resaved,
        "a push with more after its document is stored re-saved: {} bytes stored of {} pushed",
        stored(padded).len(),
        sent[1].len()
    );

    let mut other = Phone::new(server.demo("volunteer", "phone-b"));
    other.sync().unwrap();
    for id in [lone, padded] {
        let pulled = &mut other.records.get_mut(&id).expect("pulled").doc;
        let mut original = phone.records[&id].doc.clone();
        assert_eq!(pulled.record().unwrap(), original.record().unwrap());
        assert_eq!(pulled.heads(), original.heads());
    }
}
