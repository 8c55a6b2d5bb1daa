//! The HTTP API's contract: the OpenAPI document matches the routes, errors are JSON with
//! status, code and message, limits hold, sign-in is rate-limited, and the command line's
//! backup and production guard work.

mod common;

use common::{add_user, fresh_dir, request, Server};
use serde_json::{json, Value};

#[test]
fn every_documented_operation_is_routed_and_every_api_route_is_documented() {
    let server = Server::start();
    let (status, doc) = server.get("/api/openapi.json", None);
    assert_eq!(status, 200);
    assert_eq!(
        doc["openapi"].as_str().map(|v| v.starts_with("3.")),
        Some(true)
    );
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            operations.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    operations.sort();
    assert_eq!(
        operations,
        [
            "DELETE /api/records/{id}",
            "GET /api/audit",
            "GET /api/audit.csv",
            "GET /api/cards/{code}/visits",
            "GET /api/devices",
            "GET /api/events",
            "GET /api/events/overview",
            "GET /api/flags",
            "GET /api/flags/live",
            "GET /api/flags/{id}/contact",
            "GET /api/flags/{id}/supervisors",
            "GET /api/me",
            "GET /api/records",
            "GET /api/records/{id}",
            "GET /api/records/{id}/history",
            "GET /api/reports/dashboard",
            "GET /api/reports/export/records.csv",
            "GET /api/reports/export/tables/{table}",
            "GET /api/reports/published",
            "GET /api/settings",
            "GET /api/users",
            "POST /api/devices/report",
            "POST /api/devices/{user_id}/{device_id}/stop",
            "POST /api/events",
            "POST /api/events/{id}/copy",
            "POST /api/flags/{id}/attempts",
            "POST /api/flags/{id}/claim",
            "POST /api/flags/{id}/close",
            "POST /api/flags/{id}/reassign",
            "POST /api/flags/{id}/release",
            "POST /api/login",
            "POST /api/logout",
            "POST /api/records/{id}/review",
            "POST /api/sync",
            "POST /api/users",
            "POST /api/users/{id}/disable",
            "POST /api/users/{id}/revoke-sessions",
            "PUT /api/events/{id}",
            "PUT /api/settings",
        ]
    );
    for operation in &operations {
        let (method, path) = operation.split_once(' ').unwrap();
        let path = path
            .replace("{id}", "00000000-0000-0000-0000-000000000000")
            .replace("{table}", "bands");
        let (status, body) = request(&server.url, method, &path, None, Some(&json!({})));
        assert!(
            matches!(status, 400 | 401 | 422),
            "{operation} answered {status}: it must be routed and refuse an anonymous empty call"
        );
        assert_error_shape(status, &body);
    }
    let (status, body) = request(&server.url, "GET", "/api/nothing-here", None, None);
    assert_eq!(status, 404);
    assert_error_shape(status, &body);
}

fn assert_error_shape(status: u16, body: &Value) {
    assert_eq!(body["status"].as_u64(), Some(u64::from(status)), "{body}");
    assert!(body["code"].is_string(), "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[test]
fn malformed_and_oversized_requests_get_clear_json_errors() {
    let server = Server::start();
    let volunteer = server.demo("volunteer", "phone");
    let (status, body) = volunteer.post_raw("/api/sync", &json!({ "push": "not a list" }));
    assert_eq!(status, 400);
    assert_eq!(body["code"], "bad_request");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("The request could not be read"));

    let too_many: Vec<Value> = (0..1_001)
        .map(|_| json!({ "id": uuid::Uuid::new_v4(), "changes": "", "heads": [] }))
        .collect();
    let (status, body) = volunteer.post_raw("/api/sync", &json!({ "cursor": 0, "push": too_many }));
    assert_eq!((status, body["code"].as_str()), (413, Some("too_large")));

    // The server answers 413 as soon as the body passes its limit and stops reading; a client
    // still sending may see that answer or, racing it, the connection closed under its upload.
    // Either way nothing is stored and the server carries on.
    let huge = "A".repeat(17 * 1024 * 1024);
    let body = json!({ "cursor": 0, "push": [{ "id": uuid::Uuid::new_v4(), "changes": huge, "heads": [] }] });
    match common::agent()
        .post(format!("{}/api/sync", server.url))
        .header("Authorization", format!("Bearer {}", volunteer.token))
        .send_json(&body)
    {
        Ok(response) => assert_eq!(response.status().as_u16(), 413),
        Err(ureq::Error::Io(_)) => {}
        Err(other) => panic!("neither refused nor cut off: {other}"),
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 0);
    let (status, _) = volunteer.post_raw("/api/sync", &json!({ "cursor": 0, "push": [] }));
    assert_eq!(status, 200, "the server carries on");
}

#[test]
fn sign_in_is_rate_limited_and_wrong_passwords_are_refused_and_audited() {
    let server = Server::start();
    let (status, body) = server.post_json(
        "/api/login",
        None,
        &json!({ "username": "volunteer", "password": "wrong", "device_id": "d" }),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("bad_credentials"))
    );
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let (status, _) = server.post_json(
            "/api/login",
            None,
            &json!({ "username": "volunteer", "password": "wrong", "device_id": "d" }),
        );
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        3,
        "{statuses:?}"
    );
    let failed: i64 = server
        .sqlite()
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'login_failed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 10);
    let details: Vec<String> = server
        .sqlite()
        .prepare("SELECT detail FROM audit")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        details.iter().all(|d| !d.contains("wrong")),
        "no passwords in the audit trail"
    );
}

#[test]
fn coordinators_invite_volunteers_who_can_then_sign_in() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let invited: Value = coordinator.post(
        "/api/users",
        &json!({ "username": "new-volunteer", "display_name": "Bilal", "areas": [common::BARNET] }),
    );
    let password = invited["temporary_password"].as_str().unwrap();
    let bilal = server.login("new-volunteer", password, "phone-b");
    assert_eq!(bilal.get_raw("/api/me").1["role"], "volunteer");

    let (status, _) = coordinator.post_raw(
        "/api/users",
        &json!({ "username": "elsewhere", "display_name": "X", "areas": [common::CAMDEN] }),
    );
    assert_eq!(status, 403, "not the coordinator's borough");
    let (status, _) = bilal.get_raw("/api/users");
    assert_eq!(status, 403, "volunteers cannot list accounts");

    let (status, _) =
        coordinator.post_raw(&format!("/api/users/{}/disable", bilal.user_id), &json!({}));
    assert_eq!(status, 204);
    assert_eq!(bilal.get_raw("/api/me").0, 401);
    let (status, _) = server.post_json(
        "/api/login",
        None,
        &json!({ "username": "new-volunteer", "password": password, "device_id": "phone-b" }),
    );
    assert_eq!(status, 401);
}

#[test]
fn production_refuses_demo_data_and_weak_passwords_and_backup_copies_the_live_database() {
    let server = Server::start();
    let phone = server.demo("volunteer", "phone");
    let mut sim = common::phone::Phone::new(phone);
    let stall = stallside_shared::synthetic::Stall {
        event_id: "e".into(),
        volunteer_id: sim.client.user_id.clone(),
        borough: common::BARNET.into(),
        venue_type: stallside_shared::record::VenueType::Library,
    };
    for seed in 0..5 {
        sim.record(
            stallside_shared::synthetic::check(seed, &stall, common::phone::now()),
            None,
        );
    }
    sim.sync().unwrap();

    let target = fresh_dir().join("backup.sqlite");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stallside-server"))
        .args(["backup"])
        .arg(&target)
        .arg("--data-dir")
        .arg(&server.data_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let copy = rusqlite::Connection::open(&target).unwrap();
    let checks: i64 = copy
        .query_row("SELECT COUNT(*) FROM checks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(checks, 5);

    let data_dir = server.kill();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stallside-server"))
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("demo accounts"));

    let fresh = fresh_dir();
    let weak = std::process::Command::new(env!("CARGO_BIN_EXE_stallside-server"))
        .args([
            "add-user",
            "--username",
            "lead",
            "--display-name",
            "Lead",
            "--role",
            "coordinator",
        ])
        .args(["--areas", common::BARNET, "--data-dir"])
        .arg(&fresh)
        .env("STALLSIDE_PASSWORD", "changeme")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    add_user(
        &fresh,
        "lead",
        "coordinator",
        common::BARNET,
        "a-long-and-unusual-phrase",
    );
    let production = Server::start_in(fresh, &[]);
    let lead = production.login("lead", "a-long-and-unusual-phrase", "laptop");
    assert_eq!(lead.get_raw("/api/me").1["role"], "coordinator");
    let (status, _) = production.post_json(
        "/api/login",
        None,
        &json!({ "username": "volunteer", "password": "volunteer-demo", "device_id": "d" }),
    );
    assert_eq!(status, 401, "no demo accounts in production");
}
