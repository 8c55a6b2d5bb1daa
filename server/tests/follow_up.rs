//! Handing a flag on: only the supervisor who claimed it, or a coordinator of its borough, can
//! release it; only a coordinator can hand a claim to another supervisor of the borough; the
//! attempts stay with the flag, and both are audited.

mod common;

use common::checks::{healthy, severe};
use common::phone::Phone;
use common::{add_user, Server, CAMDEN, ISLINGTON};
use serde_json::{json, Value};
use stallside_shared::api::{HistoryEntry, RecordDetail};
use stallside_shared::crdt::Role;
use stallside_shared::record::FollowUpState;

/// A second supervisor of Islington, signed in on their laptop.
fn second_supervisor(server: &Server) -> common::Client {
    add_user(
        &server.data_dir,
        "second-supervisor",
        "supervisor",
        ISLINGTON,
        "second-supervisor-pass",
    );
    server.login("second-supervisor", "second-supervisor-pass", "laptop-2")
}

#[test]
fn only_the_claimer_releases_and_the_attempts_stay_with_the_flag() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let first = server.demo("supervisor", "laptop-1");
    let second = second_supervisor(&server);
    let path = |action: &str| format!("/api/flags/{id}/{action}");

    let _: Value = first.post(&path("claim"), &json!({}));
    let _: Value = first.post(&path("attempts"), &json!({ "reached": false }));
    let (status, body) = second.post_raw(&path("release"), &json!({}));
    assert_eq!(status, 409, "another supervisor's claim: {body}");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'flag_release'"),
        0
    );

    let queue: Vec<Value> = first.post(&path("release"), &json!({}));
    assert_eq!(queue[0]["state"], "open");
    assert_eq!(queue[0]["claimed_by_me"], false);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'flag_release'"),
        1
    );
    assert_eq!(
        first.get_raw(&path("contact")).0,
        404,
        "the number goes with the claim"
    );

    let _: Value = second.post(&path("claim"), &json!({}));
    let _: Value = second.post(&path("attempts"), &json!({ "reached": true }));
    let _: Value = second.post(&path("close"), &json!({ "outcome": "advised_gp" }));
    volunteer.sync().unwrap();
    let follow_up = volunteer.record_of(id).follow_up;
    assert_eq!(follow_up.state, FollowUpState::Closed);
    assert_eq!(
        follow_up.attempts.len(),
        2,
        "the first supervisor's attempt stayed"
    );
    assert_eq!(
        follow_up.claimed_by.as_deref(),
        Some(second.user_id.as_str())
    );
}

/// Every allowed and refused release and hand-over: (who, move, expected status).
#[test]
fn only_the_claimer_or_a_coordinator_releases_and_only_a_coordinator_hands_over() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let add = |name: &str, role: &str, areas: &str| {
        add_user(&server.data_dir, name, role, areas, "a-long-enough-pass");
        server.login(name, "a-long-enough-pass", &format!("{name}-laptop"))
    };
    let claimer = server.demo("supervisor", "laptop-1");
    let other = add("islington-supervisor", "supervisor", ISLINGTON);
    let camden_supervisor = add("camden-supervisor", "supervisor", CAMDEN);
    let coordinator = server.demo("coordinator", "laptop-c");
    let camden_coordinator = add("camden-coordinator", "coordinator", CAMDEN);
    let path = |action: &str| format!("/api/flags/{id}/{action}");
    let to = |user: &common::Client| json!({ "to": user.user_id });
    let audited = |action: &str| {
        server.count(&format!(
            "SELECT COUNT(*) FROM audit WHERE action = '{action}'"
        ))
    };

    let _: Value = claimer.post(&path("claim"), &json!({}));
    let _: Value = claimer.post(&path("attempts"), &json!({ "reached": false }));
    let refused = [
        (
            &other,
            "release",
            json!({}),
            409,
            "another supervisor's claim",
        ),
        (
            &other,
            "reassign",
            to(&other),
            403,
            "a supervisor takes a claim over",
        ),
        (
            &claimer,
            "reassign",
            to(&other),
            403,
            "the claimer hands it over",
        ),
        (&volunteer.client, "release", json!({}), 403, "a volunteer"),
        (
            &camden_coordinator,
            "release",
            json!({}),
            404,
            "another borough's coordinator",
        ),
        (
            &camden_coordinator,
            "reassign",
            to(&other),
            404,
            "another borough's coordinator",
        ),
        (
            &coordinator,
            "reassign",
            to(&camden_supervisor),
            409,
            "a supervisor of another borough",
        ),
        (
            &coordinator,
            "reassign",
            to(&volunteer.client),
            409,
            "not a supervisor",
        ),
        (
            &coordinator,
            "reassign",
            json!({ "to": "no-such-user" }),
            409,
            "nobody",
        ),
        (
            &coordinator,
            "reassign",
            to(&claimer),
            409,
            "the claimer already has it",
        ),
        (
            &coordinator,
            "claim",
            json!({}),
            403,
            "a coordinator claims",
        ),
        (
            &coordinator,
            "attempts",
            json!({ "reached": true }),
            403,
            "a coordinator's attempt",
        ),
        (
            &coordinator,
            "close",
            json!({ "outcome": "advised_gp" }),
            403,
            "a coordinator closes",
        ),
    ];
    for (who, action, body, status, why) in refused {
        let (got, answer) = who.post_raw(&path(action), &body);
        assert_eq!(got, status, "{why}: {answer}");
    }
    assert_eq!(audited("flag_release") + audited("flag_reassign"), 0);

    // Allowed: the coordinator hands the claim to another supervisor of the borough, who now
    // holds it (and the number); the first claimer no longer does.
    let queue: Vec<Value> = coordinator.post(&path("reassign"), &to(&other));
    assert_eq!(queue[0]["state"], "claimed");
    assert_eq!(audited("flag_reassign"), 1);
    let mine: Vec<Value> = serde_json::from_value(other.get_raw("/api/flags").1).unwrap();
    assert_eq!(mine[0]["claimed_by_me"], true);
    assert_eq!(other.get_raw(&path("contact")).0, 200);
    assert_eq!(claimer.get_raw(&path("contact")).0, 403);
    let _: Value = other.post(&path("attempts"), &json!({ "reached": false }));

    // Allowed: the coordinator releases it; releasing an unclaimed flag is refused.
    let queue: Vec<Value> = coordinator.post(&path("release"), &json!({}));
    assert_eq!(queue[0]["state"], "open");
    assert_eq!(audited("flag_release"), 1);
    assert_eq!(coordinator.post_raw(&path("release"), &json!({})).0, 409);
    assert_eq!(coordinator.post_raw(&path("reassign"), &to(&other)).0, 409);

    // Allowed: the claimer releases their own claim.
    let _: Value = claimer.post(&path("claim"), &json!({}));
    let _: Value = claimer.post(&path("release"), &json!({}));
    assert_eq!(audited("flag_release"), 2);

    volunteer.sync().unwrap();
    let follow_up = volunteer.record_of(id).follow_up;
    assert_eq!(follow_up.state, FollowUpState::Open);
    assert_eq!(
        follow_up.attempts.len(),
        2,
        "both supervisors' attempts stay"
    );
}

/// The choice of whom to hand a claim to: the active supervisors of the record's borough
/// other than the claimer, for its borough's coordinators only.
#[test]
fn a_coordinator_of_the_borough_lists_the_supervisors_a_claim_can_go_to() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    let healthy_id = volunteer.record(healthy(&volunteer, 1), None);
    volunteer.sync().unwrap();
    let claimer = server.demo("supervisor", "laptop-1");
    let other = second_supervisor(&server);
    for (name, role, areas) in [
        ("camden-supervisor", "supervisor", CAMDEN),
        ("gone-supervisor", "supervisor", ISLINGTON),
        ("camden-coordinator", "coordinator", CAMDEN),
    ] {
        add_user(&server.data_dir, name, role, areas, "a-long-enough-pass");
    }
    server
        .sqlite()
        .execute(
            "UPDATE users SET disabled = 1 WHERE username = 'gone-supervisor'",
            [],
        )
        .unwrap();
    let coordinator = server.demo("coordinator", "laptop-c");
    let camden_coordinator = server.login("camden-coordinator", "a-long-enough-pass", "laptop-d");
    let path = format!("/api/flags/{id}/supervisors");
    let _: Value = claimer.post(&format!("/api/flags/{id}/claim"), &json!({}));

    let (status, body) = coordinator.get_raw(&path);
    assert_eq!(status, 200, "{body}");
    let ids: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [other.user_id.as_str()], "{body}");
    let _: Value = coordinator.post(
        &format!("/api/flags/{id}/reassign"),
        &json!({ "to": body[0]["id"] }),
    );
    let (_, body) = coordinator.get_raw(&path);
    assert_eq!(
        body[0]["id"], claimer.user_id,
        "the new claimer is left out"
    );

    let refused = [
        (
            &camden_coordinator,
            path.clone(),
            404,
            "another borough's coordinator",
        ),
        (&claimer, path.clone(), 403, "a supervisor"),
        (&volunteer.client, path.clone(), 403, "a volunteer"),
        (
            &coordinator,
            format!("/api/flags/{healthy_id}/supervisors"),
            404,
            "a record that is not flagged",
        ),
        (
            &coordinator,
            "/api/flags/00000000-0000-4000-8000-000000000000/supervisors".to_owned(),
            404,
            "no record",
        ),
    ];
    for (who, path, status, why) in refused {
        let (got, body) = who.get_raw(&path);
        assert_eq!(got, status, "{why}: {body}");
    }
}

/// Each attempt names who made it (read from the history's actor bindings: the attempt
/// itself holds no author), and the flag shows the volunteer's work number given at
/// invitation, normalised, for the supervisor to ring.
#[test]
fn attempts_name_who_made_them_and_the_volunteer_can_be_reached() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop-c");
    let invited: Value = coordinator.post(
        "/api/users",
        &json!({ "username": "bilal", "display_name": "Bilal", "areas": [ISLINGTON],
                 "phone": "07700 900777" }),
    );
    let (status, body) = coordinator.post_raw(
        "/api/users",
        &json!({ "username": "bad-number", "display_name": "Bad", "areas": [ISLINGTON],
                 "phone": "12345" }),
    );
    assert_eq!(status, 400, "{body}");
    let password = invited["temporary_password"].as_str().unwrap();
    let mut volunteer = Phone::new(server.login("bilal", password, "phone-b"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let first = server.demo("supervisor", "laptop-1");
    let second = second_supervisor(&server);
    let path = |action: &str| format!("/api/flags/{id}/{action}");
    let _: Value = first.post(&path("claim"), &json!({}));
    let _: Value = first.post(&path("attempts"), &json!({ "reached": false }));
    let _: Value = first.post(&path("release"), &json!({}));
    let _: Value = second.post(&path("claim"), &json!({}));
    let _: Value = second.post(&path("attempts"), &json!({ "reached": true }));

    let (status, detail) = second.get_raw(&format!("/api/records/{id}"));
    assert_eq!(status, 200, "{detail}");
    let detail: RecordDetail = serde_json::from_value(detail).unwrap();
    let who: Vec<(Option<&str>, bool)> = detail
        .attempts
        .iter()
        .map(|a| (a.by.as_deref(), a.reached))
        .collect();
    assert_eq!(
        who,
        [
            (Some("Grace (supervisor)"), false),
            (Some("second-supervisor"), true)
        ]
    );
    assert!(detail.attempts[0].at_ms <= detail.attempts[1].at_ms);
    assert_eq!(detail.volunteer_name.as_deref(), Some("Bilal"));
    assert_eq!(detail.volunteer_phone.as_deref(), Some("07700900777"));
}

#[test]
fn a_supervisor_sees_the_whole_check_behind_a_flag_and_a_volunteer_does_not() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let mut check = severe(&volunteer);
    check.red_flags = vec![stallside_shared::record::RedFlag::ChestPain];
    let id = volunteer.record(check.clone(), Some("07700 900123"));
    let normal = volunteer.record(healthy(&volunteer, 7), None);
    volunteer.sync().unwrap();
    let supervisor = server.demo("supervisor", "laptop-1");
    let _: Value = supervisor.post(&format!("/api/flags/{id}/claim"), &json!({}));
    let _: Value = supervisor.post(
        &format!("/api/flags/{id}/attempts"),
        &json!({ "reached": false }),
    );

    let (status, detail) = supervisor.get_raw(&format!("/api/records/{id}"));
    assert_eq!(status, 200, "{detail}");
    let detail: RecordDetail = serde_json::from_value(detail).unwrap();
    assert_eq!(detail.readings, check.readings, "every reading");
    assert_eq!(detail.red_flags, vec!["Chest pain".to_owned()]);
    assert_eq!(detail.age_band, check.age_band.label());
    assert_eq!(detail.sex, check.sex.label());
    assert_eq!(detail.known_hypertension, check.known_hypertension.label());
    assert_eq!(detail.volunteer_name.as_deref(), Some("Amina (volunteer)"));
    assert_eq!(detail.attempts.len(), 1);
    assert!(!detail.attempts[0].reached);
    let text = serde_json::to_string(&detail).unwrap();
    assert!(!text.contains("900123"), "never the number");

    assert_eq!(
        volunteer.client.get_raw(&format!("/api/records/{id}")).0,
        403
    );
    let coordinator = server.demo("coordinator", "laptop-c");
    assert_eq!(
        coordinator.get_raw(&format!("/api/records/{normal}")).0,
        200
    );
    assert_eq!(
        supervisor.get_raw(&format!("/api/records/{normal}")).0,
        404,
        "a supervisor reads flagged records only"
    );
}

#[test]
fn the_queue_is_live_a_new_flag_is_announced_without_a_refresh() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::Duration;

    let server = Server::start();
    let supervisor = server.demo("supervisor", "laptop-1");
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    assert_eq!(
        volunteer.client.get_raw("/api/flags/live").0,
        403,
        "volunteers are not told of flags"
    );

    let (lines, received) = mpsc::channel();
    let url = format!("{}/api/flags/live", server.url);
    let token = supervisor.token.clone();
    std::thread::spawn(move || {
        let response = common::agent()
            .get(&url)
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .expect("stream opens");
        assert_eq!(response.status().as_u16(), 200);
        for line in BufReader::new(response.into_body().into_reader()).lines() {
            let Ok(line) = line else { return };
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));

    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let mut event = Vec::new();
    while let Ok(line) = received.recv_timeout(Duration::from_secs(10)) {
        let done = line.starts_with("data:");
        event.push(line);
        if done {
            break;
        }
    }
    assert_eq!(
        event.first().map(String::as_str),
        Some("event: flag"),
        "{event:?}"
    );
    let data: Value =
        serde_json::from_str(event.last().unwrap().trim_start_matches("data:").trim()).unwrap();
    assert_eq!(data["id"], id.to_string());
    assert_eq!(data["band"], "severe");
    assert!(
        !event.concat().contains("900123"),
        "nothing about the person"
    );
}

#[test]
fn a_records_history_names_each_user_their_role_and_the_fields_they_changed() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    volunteer.correct(id, |check| {
        check.readings = vec![
            stallside_shared::record::Reading::bp(192, 126),
            stallside_shared::record::Reading::bp(188, 122),
        ];
    });
    volunteer.sync().unwrap();
    let coordinator = server.demo("coordinator", "laptop-c");
    let (status, _) = coordinator.post_raw(
        &format!("/api/records/{id}/review"),
        &json!({ "state": "has_issues", "comment": "Cuff size?" }),
    );
    assert_eq!(status, 204);
    let supervisor = server.demo("supervisor", "laptop-s");
    let _: Value = supervisor.post(&format!("/api/flags/{id}/claim"), &json!({}));

    let (status, history) = coordinator.get_raw(&format!("/api/records/{id}/history"));
    assert_eq!(status, 200, "{history}");
    let history: Vec<HistoryEntry> = serde_json::from_value(history).unwrap();
    let line = |who: &str, role: Role| {
        history
            .iter()
            .filter(|e| e.who.as_deref() == Some(who) && e.role == Some(role))
            .flat_map(|e| e.fields.clone())
            .collect::<Vec<_>>()
    };
    let volunteer_fields = line("Amina (volunteer)", Role::Volunteer);
    assert!(
        volunteer_fields.contains(&"created".to_owned()),
        "{history:?}"
    );
    assert!(
        volunteer_fields.contains(&"check.readings".to_owned()),
        "{history:?}"
    );
    let coordinator_fields = line("Dev (coordinator)", Role::Coordinator);
    assert!(
        coordinator_fields.contains(&"review.state".to_owned()),
        "{history:?}"
    );
    assert!(
        coordinator_fields.contains(&"review.comment".to_owned()),
        "{history:?}"
    );
    let supervisor_fields = line("Grace (supervisor)", Role::Supervisor);
    assert!(
        supervisor_fields.contains(&"follow_up.claimed_by".to_owned()),
        "{history:?}"
    );
    assert!(
        history
            .iter()
            .all(|e| e.fields.iter().all(|f| !f.starts_with("review"))
                || e.role == Some(Role::Coordinator)),
        "only the coordinator touched the review: {history:?}"
    );

    assert_eq!(
        supervisor.get_raw(&format!("/api/records/{id}/history")).0,
        200
    );
    assert_eq!(
        volunteer
            .client
            .get_raw(&format!("/api/records/{id}/history"))
            .0,
        403
    );
}

/// Coordinators invite supervisors (for email escalation), so they can take that access away
/// again; but not while the supervisor follows up a flag, which nobody else would then see.
/// Coordinator accounts and supervisors of other boroughs are not theirs to manage.
#[test]
fn a_coordinator_disables_a_supervisor_only_once_their_flags_are_handed_on() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let second = second_supervisor(&server);
    let coordinator = server.demo("coordinator", "laptop");
    let _: Value = second.post(&format!("/api/flags/{id}/claim"), &json!({}));

    let disable =
        |user: &str| coordinator.post_raw(&format!("/api/users/{user}/disable"), &json!({}));
    let (status, body) = disable(&second.user_id);
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|e| e.contains("following up 1 flag")),
        "{body}"
    );
    assert_eq!(second.get_raw("/api/me").0, 200, "still signed in");

    let _: Value = coordinator.post(&format!("/api/flags/{id}/release"), &json!({}));
    let (status, body) = disable(&second.user_id);
    assert_eq!(status, 204, "{body}");
    assert_eq!(second.get_raw("/api/me").0, 401, "signed out everywhere");

    let (status, _) = disable(&coordinator.user_id);
    assert_eq!(
        status, 403,
        "coordinator accounts stay with the administrator"
    );
    add_user(
        &server.data_dir,
        "camden-supervisor",
        "supervisor",
        CAMDEN,
        "camden-supervisor-pass",
    );
    let camden = server.login("camden-supervisor", "camden-supervisor-pass", "laptop-3");
    let (status, _) = disable(&camden.user_id);
    assert_eq!(status, 404, "another borough's supervisor is not found");
    assert_eq!(camden.get_raw("/api/me").0, 200);
}
