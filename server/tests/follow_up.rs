//! Handing a flag on: only the supervisor who claimed it can release it; it goes back to the
//! queue with its attempts, audited, and another supervisor can claim and close it.

mod common;

use common::checks::severe;
use common::phone::Phone;
use common::{add_user, Server, ISLINGTON};
use serde_json::{json, Value};
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
