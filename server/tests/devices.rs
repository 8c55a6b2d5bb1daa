//! Oversight of phones over real HTTP: what a phone still holds as its coordinator sees it,
//! and "stop this phone" — at its next sync it sends everything, then erases itself.

mod common;

use common::checks::checks;
use common::phone::Phone;
use common::{add_user, Server, CAMDEN};
use serde_json::{json, Value};
use stallside_shared::api::{AuditEntry, DeviceView};

#[test]
fn a_coordinator_sees_what_a_phone_still_holds_and_stops_it() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-lost"));
    for c in checks(&phone, 3, 300) {
        phone.record(c, None);
    }
    // Signal drops after the first of three records went.
    phone.limits.batch = 1;
    phone.limits.max_rounds = 1;
    phone.sync().unwrap();
    assert_eq!(server.count("SELECT COUNT(*) FROM checks"), 1);

    let coordinator = server.demo("coordinator", "laptop-c");
    let devices: Vec<DeviceView> =
        serde_json::from_value(coordinator.get_raw("/api/devices").1).unwrap();
    assert_eq!(devices.len(), 1, "{devices:?}");
    let seen = &devices[0];
    assert_eq!(seen.device_id, "phone-lost");
    assert_eq!(seen.unsynced, 2, "two checks still wait on the phone");
    assert_eq!(seen.app_version.as_deref(), Some("test-phone"));
    assert_eq!(seen.stop_requested_at_ms, None);

    let stop = format!("/api/devices/{}/phone-lost/stop", seen.user_id);
    let (status, _) = coordinator.post_raw(&stop, &json!({}));
    assert_eq!(status, 204);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'device_stop'"),
        1
    );

    phone.limits.max_rounds = 10_000;
    let report = phone.sync().unwrap();
    assert!(report.stopped, "the phone was told to stop");
    assert_eq!(report.accepted, 2, "it sent what it held first");
    assert_eq!(server.count("SELECT COUNT(*) FROM checks"), 3);
    assert!(phone.records.is_empty(), "then erased its records");

    let devices: Vec<DeviceView> =
        serde_json::from_value(coordinator.get_raw("/api/devices").1).unwrap();
    assert_eq!(devices[0].unsynced, 0);
    assert!(devices[0].stop_requested_at_ms.is_some());
    assert!(
        devices[0].stopped_at_ms.is_some(),
        "the coordinator sees when it was told"
    );
}

#[test]
fn only_a_coordinator_of_the_volunteers_area_sees_or_stops_a_phone() {
    let server = Server::start();
    let volunteer = server.demo("volunteer", "phone-a");
    let mut phone = Phone::new(volunteer.clone());
    phone.sync().unwrap();
    let stop = format!("/api/devices/{}/phone-a/stop", volunteer.user_id);

    assert_eq!(volunteer.get_raw("/api/devices").0, 403);
    assert_eq!(volunteer.post_raw(&stop, &json!({})).0, 403);
    let supervisor = server.demo("supervisor", "laptop-s");
    assert_eq!(supervisor.get_raw("/api/devices").0, 403);
    assert_eq!(supervisor.post_raw(&stop, &json!({})).0, 403);

    let elsewhere = camden_coordinator(&server);
    let (status, listed) = elsewhere.get_raw("/api/devices");
    assert_eq!(status, 200);
    assert_eq!(listed, Value::Array(Vec::new()), "another borough's phones");
    assert_eq!(elsewhere.post_raw(&stop, &json!({})).0, 404);

    let coordinator = server.demo("coordinator", "laptop-c");
    let unknown = format!("/api/devices/{}/no-such-phone/stop", volunteer.user_id);
    assert_eq!(coordinator.post_raw(&unknown, &json!({})).0, 404);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM devices WHERE stop_requested_at_ms IS NOT NULL"),
        0,
        "nothing was stopped by a refused request"
    );
}

#[test]
fn coordinators_read_and_export_the_audit_trail_of_their_boroughs() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone-a"));
    phone.sync().unwrap();
    let coordinator = server.demo("coordinator", "laptop-c");
    let stop = format!("/api/devices/{}/phone-a/stop", phone.client.user_id);
    assert_eq!(coordinator.post_raw(&stop, &json!({})).0, 204);

    let (status, entries) = coordinator.get_raw("/api/audit?action=device_stop");
    assert_eq!(status, 200);
    let entries: Vec<AuditEntry> = serde_json::from_value(entries).unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].who.as_deref(), Some("Dev (coordinator)"));
    let (_, logins) = coordinator.get_raw(&format!(
        "/api/audit?action=login&user={}",
        phone.client.user_id
    ));
    assert_eq!(logins.as_array().map(Vec::len), Some(1), "{logins}");

    let response = common::agent()
        .get(format!("{}/api/audit.csv?action=device_stop", server.url))
        .header("Authorization", format!("Bearer {}", coordinator.token))
        .call()
        .unwrap();
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.contains("stallside-audit-20"),
        "named by the day: {disposition}"
    );
    let csv = response.into_body().read_to_string().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "time,user,name,action,detail");
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains("T") && (lines[1].contains("+00:00,") || lines[1].contains("+01:00,")),
        "a London ISO time: {csv}"
    );
    assert!(lines[1].contains("Dev (coordinator),device_stop"), "{csv}");

    assert_eq!(
        server
            .demo("supervisor", "laptop-s")
            .get_raw("/api/audit")
            .0,
        403
    );
    let elsewhere = camden_coordinator(&server);
    let (_, theirs) = elsewhere.get_raw("/api/audit?action=device_stop");
    assert_eq!(theirs, Value::Array(Vec::new()), "another borough's people");
}

/// A coordinator who works in Camden only, not in the demo accounts' boroughs.
fn camden_coordinator(server: &Server) -> common::Client {
    add_user(
        &server.data_dir,
        "camden-coordinator",
        "coordinator",
        CAMDEN,
        "camden-coordinator-pass",
    );
    server.login("camden-coordinator", "camden-coordinator-pass", "laptop-x")
}

/// A phone says what it holds before uploading it: when every upload is then cut, its
/// coordinator still sees the checks waiting; a report is not the sync that tells a stopped
/// phone to stop; only a volunteer's phone reports.
#[test]
fn a_phone_reports_what_waits_before_it_uploads() {
    let server = Server::start();
    let volunteer = server.demo("volunteer", "phone-weak");
    let coordinator = server.demo("coordinator", "laptop-c");
    let report = json!({ "unsynced": 3, "app_version": "0.1.0" });
    assert_eq!(volunteer.post_raw("/api/devices/report", &report).0, 204);
    let devices: Vec<DeviceView> =
        serde_json::from_value(coordinator.get_raw("/api/devices").1).unwrap();
    assert_eq!(devices[0].device_id, "phone-weak");
    assert_eq!(devices[0].unsynced, 3, "3 checks waiting, none uploaded");

    let stop = format!("/api/devices/{}/phone-weak/stop", volunteer.user_id);
    assert_eq!(coordinator.post_raw(&stop, &json!({})).0, 204);
    assert_eq!(volunteer.post_raw("/api/devices/report", &report).0, 204);
    let devices: Vec<DeviceView> =
        serde_json::from_value(coordinator.get_raw("/api/devices").1).unwrap();
    assert_eq!(
        devices[0].stopped_at_ms, None,
        "not told yet: a report carries no answer"
    );

    for staff in [&coordinator, &server.demo("supervisor", "laptop-s")] {
        assert_eq!(staff.post_raw("/api/devices/report", &report).0, 403);
    }
}
