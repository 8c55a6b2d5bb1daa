//! Erasure of one record at the person's request, over real HTTP on a real SQLite file: only a
//! coordinator of the record's borough may erase it; the document, its history, its row and
//! its contact number go; every phone's next pull is told; a phone that pushes it again is
//! refused, so an offline copy cannot bring it back.

mod common;

use common::checks;
use common::phone::{now, post_gzip, Phone};
use common::{add_user, Server, BARNET};
use stallside_shared::sync::wire::SyncRequest;
use stallside_shared::synthetic::{self, Stall};

#[test]
fn a_coordinator_erases_a_record_everywhere_and_it_cannot_come_back() {
    let server = Server::start();
    add_user(
        &server.data_dir,
        "camden-lead",
        "coordinator",
        "E09000007",
        "lighthouse orbit saffron",
    );
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let id = phone.record(checks::severe(&phone), Some("07700 900123"));
    let kept = phone.record(checks::healthy(&phone, 2), None);
    phone.sync().unwrap();
    let cursor_before = phone.cursor;
    assert_eq!(server.count("SELECT COUNT(*) FROM contacts"), 1);

    let coordinator = server.demo("coordinator", "laptop");
    let camden = server.login("camden-lead", "lighthouse orbit saffron", "laptop");
    let erase = |client: &common::Client, id: uuid::Uuid| {
        common::request(
            &client.url,
            "DELETE",
            &format!("/api/records/{id}"),
            Some(&client.token),
            None,
        )
        .0
    };
    assert_eq!(erase(&phone.client, id), 403, "volunteers cannot erase");
    assert_eq!(
        erase(&camden, id),
        404,
        "another borough's coordinator sees nothing there"
    );
    assert_eq!(erase(&coordinator, uuid::Uuid::new_v4()), 404);
    assert_eq!(server.count("SELECT COUNT(*) FROM erased"), 0);

    assert_eq!(erase(&coordinator, id), 204);
    let key = id.to_string();
    for table in [
        "documents WHERE id",
        "checks WHERE id",
        "contacts WHERE record_id",
    ] {
        assert_eq!(
            server.count(&format!("SELECT COUNT(*) FROM {table} = '{key}'")),
            0,
            "{table}"
        );
    }
    assert_eq!(
        server.count(&format!("SELECT COUNT(*) FROM checks WHERE id = '{kept}'")),
        1
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM audit WHERE action = 'erase' AND user_id = '{}' AND detail = 'record {key}'",
            coordinator.user_id
        )),
        1
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE detail LIKE '%07700%'"),
        0
    );
    assert_eq!(erase(&coordinator, id), 404, "already erased");
    let (_, dashboard) = coordinator.get_raw("/api/reports/dashboard");
    assert_eq!(dashboard["totals"]["checks"], 1);
    let (_, flags) = server.demo("supervisor", "laptop").get_raw("/api/flags");
    assert!(
        !flags.to_string().contains(&key),
        "the flag went with the record"
    );

    let pull = |client: &common::Client, cursor: u64| {
        let request = SyncRequest {
            cursor,
            ..SyncRequest::default()
        };
        post_gzip(client, "/api/sync", &serde_json::to_vec(&request).unwrap())
            .unwrap()
            .0
    };
    let told = pull(&phone.client, cursor_before);
    assert_eq!(
        told.erased,
        vec![id],
        "the phone's next pull names the erased record"
    );
    assert_eq!(
        pull(&camden, 0).erased,
        vec![id],
        "every user is told: the id says nothing"
    );
    assert!(
        pull(&phone.client, told.cursor).erased.is_empty(),
        "told once"
    );

    phone.correct(id, |c| c.goal = Some("Walk more".into()));
    let report = phone.sync().unwrap();
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(
        (report.rejected[0].0, report.rejected[0].1.as_str()),
        (id, "erased")
    );
    assert_eq!(report.erased, 1, "and the phone drops its copy: {report:?}");
    assert!(!phone.records.contains_key(&id) && phone.records.contains_key(&kept));
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM documents WHERE id = '{key}'"
        )),
        0
    );
}

#[test]
fn a_record_erased_on_the_server_disappears_from_a_phone_that_held_it_after_its_next_sync() {
    let server = Server::start();
    let mut first = Phone::new(server.demo("volunteer", "phone"));
    let stall = Stall::library(&first.client.user_id, BARNET);
    let id = first.record(synthetic::check(5, &stall, now() - 60_000), None);
    let other = first.record(synthetic::check(6, &stall, now() - 60_000), None);
    first.sync().unwrap();
    let mut second = Phone::new(server.demo("volunteer", "second-phone"));
    second.sync().unwrap();
    assert!(
        second.records.contains_key(&id),
        "the second phone holds the record"
    );

    let coordinator = server.demo("coordinator", "laptop");
    let (status, _) = common::request(
        &coordinator.url,
        "DELETE",
        &format!("/api/records/{id}"),
        Some(&coordinator.token),
        None,
    );
    assert_eq!(status, 204);
    assert!(
        second.records.contains_key(&id),
        "nothing changes on a phone before it syncs"
    );

    for phone in [&mut second, &mut first] {
        let report = phone.sync().unwrap();
        assert_eq!(report.erased, 1, "{report:?}");
        assert!(!phone.records.contains_key(&id), "gone after the next sync");
        assert!(phone.records.contains_key(&other), "the rest stays");
        assert_eq!(phone.sync().unwrap().erased, 0, "and told only once");
    }
}
