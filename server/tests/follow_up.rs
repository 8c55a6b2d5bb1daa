//! Handing a flag on: only the supervisor who claimed it can release it; it goes back to the
//! queue with its attempts, audited, and another supervisor can claim and close it.

mod common;

use common::checks::{healthy, severe};
use common::phone::Phone;
use common::{add_user, Server, ISLINGTON};
use serde_json::{json, Value};
use stallside_shared::api::RecordDetail;
use stallside_shared::record::FollowUpState;

#[test]
fn only_the_claimer_releases_and_the_attempts_stay_with_the_flag() {
    let server = Server::start();
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let id = volunteer.record(severe(&volunteer), Some("07700 900123"));
    volunteer.sync().unwrap();
    let first = server.demo("supervisor", "laptop-1");
    add_user(
        &server.data_dir,
        "second-supervisor",
        "supervisor",
        ISLINGTON,
        "second-supervisor-pass",
    );
    let second = server.login("second-supervisor", "second-supervisor-pass", "laptop-2");
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

#[test]
fn a_supervisor_sees_the_whole_check_behind_a_flag_and_no_one_else_does() {
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

    let (status, detail) = supervisor.get_raw(&format!("/api/flags/{id}"));
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

    assert_eq!(volunteer.client.get_raw(&format!("/api/flags/{id}")).0, 403);
    let coordinator = server.demo("coordinator", "laptop-c");
    assert_eq!(coordinator.get_raw(&format!("/api/flags/{id}")).0, 403);
    assert_eq!(
        supervisor.get_raw(&format!("/api/flags/{normal}")).0,
        404,
        "a reading that is not flagged"
    );
}
