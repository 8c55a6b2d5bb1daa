//! Coordinators' review, dashboard and exports over real HTTP: the dashboard's numbers equal
//! those computed from the records themselves, and the export holds exactly the synced records.

mod common;

use common::phone::{now, Phone};
use common::{Server, BARNET, ISLINGTON};
use serde_json::{json, Value};
use stallside_shared::record::{EnglishFirstLanguage, Language, VenueType};
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::triage::Band;

fn csv(client: &common::Client, path: &str) -> (u16, String) {
    let mut response = common::agent()
        .get(format!("{}{path}", client.url))
        .header("Authorization", format!("Bearer {}", client.token))
        .call()
        .unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

#[test]
fn the_dashboard_matches_the_records_and_the_export_holds_exactly_them() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let event: Value = coordinator.post(
        "/api/events",
        &json!({ "name": "Library stall", "date": "2026-11-21", "venue": "Central Library",
                 "venue_type": "library", "borough": ISLINGTON }),
    );
    let event_id = event["id"].as_str().unwrap();
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let stall = |borough: &str, event: &str| Stall {
        event_id: event.into(),
        volunteer_id: phone.client.user_id.clone(),
        borough: borough.into(),
        venue_type: VenueType::Library,
    };
    let (islington, barnet) = (stall(ISLINGTON, event_id), stall(BARNET, "market-day"));
    let mut checks = Vec::new();
    for seed in 0..60 {
        let s = if seed % 3 == 0 { &barnet } else { &islington };
        checks.push(synthetic::check(seed, s, now() - 3_600_000));
    }
    for check in &checks {
        phone.record(check.clone(), None);
    }
    phone.sync().unwrap();

    let (status, dashboard) = coordinator.get_raw("/api/reports/dashboard");
    assert_eq!(status, 200, "{dashboard}");
    let count = |pred: &dyn Fn(&stallside_shared::record::CheckPart) -> bool| {
        checks.iter().filter(|c| pred(c)).count() as u64
    };
    let totals = &dashboard["totals"];
    assert_eq!(totals["checks"], 60);
    let newly = count(&|c| {
        let a = stallside_shared::triage::assess(
            &stallside_shared::triage::TriageInput::from_check(c),
            &Default::default(),
        );
        a.newly_identified
    });
    assert_eq!(totals["newly_identified"], newly);
    assert_eq!(
        totals["severe"],
        count(&|c| matches!(c.band, Band::Severe | Band::Emergency))
    );
    assert_eq!(totals["core20"], count(&|c| c.is_core20()));
    assert_eq!(
        totals["english_not_first"],
        count(&|c| c.english_first_language == EnglishFirstLanguage::No)
    );
    for language in Language::ALL {
        let expected = count(&|c| c.main_language == Some(*language));
        let shown = dashboard["by_language"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == language.code())
            .map_or(0, |r| r["checks"].as_u64().unwrap());
        assert_eq!(shown, expected, "{language:?}");
    }
    for band in Band::ALL {
        let shown = dashboard["bands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["key"] == band.code())
            .unwrap();
        assert_eq!(shown["count"], count(&|c| c.band == *band), "{band:?}");
    }
    let by_borough = dashboard["by_borough"].as_array().unwrap();
    assert_eq!(
        by_borough.iter().find(|r| r["key"] == BARNET).unwrap()["checks"],
        20
    );
    assert_eq!(
        by_borough.iter().find(|r| r["key"] == ISLINGTON).unwrap()["label"],
        "Islington"
    );
    let library = dashboard["by_event"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == event_id)
        .unwrap();
    assert_eq!(library["label"], "Library stall (2026-11-21)");
    assert_eq!(library["checks"], 40);

    let (status, filtered) =
        coordinator.get_raw(&format!("/api/reports/dashboard?borough={BARNET}"));
    assert_eq!(
        (status, filtered["totals"]["checks"].as_u64()),
        (200, Some(20))
    );
    let (status, _) = coordinator.get_raw("/api/reports/dashboard?borough=E09000007");
    assert_eq!(status, 403, "not the coordinator's borough");
    let volunteer = &phone.client;
    assert_eq!(volunteer.get_raw("/api/reports/dashboard").0, 403);

    let (status, body) = csv(&coordinator, "/api/reports/export/records.csv");
    assert_eq!(status, 200);
    let mut lines = body.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("id,event_id,volunteer_id"));
    assert!(
        !header.contains("lsoa") && !header.contains("phone"),
        "pseudonymous: {header}"
    );
    let mut exported: Vec<String> = lines
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let mut synced: Vec<String> = phone.records.keys().map(ToString::to_string).collect();
    exported.sort();
    synced.sort();
    assert_eq!(exported, synced);
    let (status, table) = csv(&coordinator, "/api/reports/export/tables/by_borough");
    assert_eq!(status, 200);
    assert!(table.contains("Barnet,20,"), "{table}");
    assert_eq!(
        csv(&coordinator, "/api/reports/export/tables/nonsense").0,
        404
    );
    let exports: i64 = server
        .sqlite()
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exports, 2);
}

#[test]
fn a_coordinators_comment_reaches_the_volunteers_phone() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let stall = Stall {
        event_id: "e".into(),
        volunteer_id: phone.client.user_id.clone(),
        borough: ISLINGTON.into(),
        venue_type: VenueType::Market,
    };
    let id = phone.record(synthetic::check(3, &stall, now()), None);
    phone.sync().unwrap();
    let coordinator = server.demo("coordinator", "laptop");
    let list: Vec<Value> =
        serde_json::from_value(coordinator.get_raw("/api/records?review_state=received").1)
            .unwrap();
    assert_eq!(list.len(), 1);
    let (status, body) = coordinator.post_raw(
        &format!("/api/records/{id}/review"),
        &json!({ "state": "has_issues" }),
    );
    assert_eq!(status, 400, "a comment is needed: {body}");
    let (status, _) = coordinator.post_raw(
        &format!("/api/records/{id}/review"),
        &json!({ "state": "has_issues", "comment": "Was this at the library or the market?" }),
    );
    assert_eq!(status, 204);
    let list: Vec<Value> = serde_json::from_value(
        coordinator
            .get_raw("/api/records?review_state=has_issues")
            .1,
    )
    .unwrap();
    assert_eq!(list.len(), 1);
    phone.sync().unwrap();
    let record = phone.record_of(id);
    assert_eq!(
        record.review.comment.as_deref(),
        Some("Was this at the library or the market?")
    );
    let (status, _) = phone.client.post_raw(
        &format!("/api/records/{id}/review"),
        &json!({ "state": "approved" }),
    );
    assert_eq!(status, 403);
}
