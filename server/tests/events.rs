//! Events over loopback: stalls started on phones, debriefs, the coordinator's edits, cancels
//! and copies, bad event input, and the reach figures against an independent count.

mod common;

use common::phone::{now, Phone};
use common::{Client, Server, BARNET, CAMDEN, ISLINGTON};
use serde_json::{json, Value};
use stallside_shared::calendar;
use stallside_shared::record::VenueType;
use stallside_shared::reports::{quarter_of, quarter_range};
use stallside_shared::synthetic::{self, Stall};

const DAY: i64 = 86_400_000;

fn plan(name: &str, date: &str, venue_type: &str, borough: &str, kind: &str) -> Value {
    json!({ "name": name, "date": date, "venue": format!("{name} venue"),
            "venue_type": venue_type, "borough": borough, "kind": kind })
}

/// One sync request carrying only events, as the phone sends them; returns the response.
fn push_events(client: &Client, events: Value) -> Value {
    let (status, body) = client.post_raw(
        "/api/sync",
        &json!({ "cursor": 0, "push": [], "events": events }),
    );
    assert_eq!(status, 200, "{body}");
    body
}

fn overview(coordinator: &Client, id: &str) -> Value {
    let (status, list) = coordinator.get_raw("/api/events/overview");
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"]["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

fn accepted(response: &Value) -> Vec<&Value> {
    response["event_results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "accepted")
        .collect()
}

#[test]
fn a_phone_started_stall_pushed_twice_and_edited_by_both_is_one_event_with_both_edits() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let id = uuid::Uuid::new_v4().to_string();
    let today = calendar::date(now());
    let started = json!([{ "id": id, "plan": plan("Mosque stall", &today, "place_of_worship", ISLINGTON, "stall"),
        "plan_rev": 0, "debrief": { "updated_at_ms": 1, "conversations": 3 } }]);

    let first = push_events(&phone.client, started.clone());
    assert_eq!(accepted(&first).len(), 1, "{first}");
    let again = push_events(&phone.client, started);
    assert_eq!(accepted(&again).len(), 1, "{again}");
    assert_eq!(
        server.count(&format!("SELECT COUNT(*) FROM events WHERE id = '{id}'")),
        1
    );
    let pulled = again["events"].as_array().unwrap();
    let mine = pulled.iter().find(|e| e["id"] == id.as_str()).unwrap();
    assert_eq!(mine["plan_rev"], 1, "the repeat push changed nothing");

    // Checks taken at the stall reach the server under it.
    let stall = Stall {
        event_id: id.clone(),
        volunteer_id: phone.client.user_id.clone(),
        borough: ISLINGTON.into(),
        venue_type: VenueType::PlaceOfWorship,
    };
    for seed in 0..2 {
        phone.record(synthetic::check(seed, &stall, now() - 60_000), None);
    }
    phone.sync().unwrap();

    // The coordinator corrects the venue while the phone, not yet told, sends its old copy
    // of the plan with a later debrief.
    let mut corrected = plan(
        "Mosque stall",
        &today,
        "place_of_worship",
        ISLINGTON,
        "stall",
    );
    corrected["venue"] = json!("East London Mosque hall");
    let (status, body) = coordinator.put_raw(&format!("/api/events/{id}"), &corrected);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["plan_rev"], 2);
    let concurrent = push_events(
        &phone.client,
        json!([{ "id": id, "plan": plan("Mosque stall", &today, "place_of_worship", ISLINGTON, "stall"),
            "plan_rev": 1, "debrief": { "updated_at_ms": 2, "conversations": 7, "leaflets": 12,
            "footfall": 150, "kit_used": "2 cuffs", "note": "Ask for a quieter corner" } }]),
    );
    let result = &concurrent["event_results"][0];
    assert_eq!(result["status"], "accepted", "{concurrent}");
    assert!(
        result["warning"].as_str().unwrap().contains("coordinator"),
        "{result}"
    );
    let pulled = concurrent["events"].as_array().unwrap();
    let mine = pulled.iter().find(|e| e["id"] == id.as_str()).unwrap();
    assert_eq!(
        mine["venue"], "East London Mosque hall",
        "the phone learns the correction"
    );

    let seen = overview(&coordinator, &id);
    assert_eq!(seen["event"]["venue"], "East London Mosque hall");
    assert_eq!(seen["started_on_phone"], true);
    assert_eq!(seen["conversations"], 7);
    assert_eq!(seen["leaflets"], 12);
    assert_eq!(seen["footfall"], 150);
    assert_eq!(seen["checks"], 2);
    assert_eq!(seen["debriefs"][0]["note"], "Ask for a quieter corner");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM events"),
        2,
        "demo event + this one"
    );

    let (_, dashboard) = coordinator.get_raw("/api/reports/dashboard");
    let row = dashboard["by_event"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == id.as_str())
        .unwrap()
        .clone();
    assert!(
        row["label"].as_str().unwrap().starts_with("Mosque stall"),
        "a real event now, not 'Started on a phone': {row}"
    );
}

#[test]
fn a_cancelled_event_keeps_its_checks_and_a_copy_is_a_new_event() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let yesterday = calendar::date(now() - DAY);
    let event: Value = coordinator.post(
        "/api/events",
        &json!({ "name": "Food bank stall", "date": yesterday, "venue": "Hope food bank",
                 "venue_type": "food_bank", "borough": BARNET }),
    );
    let id = event["id"].as_str().unwrap().to_owned();
    let stall = Stall {
        event_id: id.clone(),
        volunteer_id: phone.client.user_id.clone(),
        borough: BARNET.into(),
        venue_type: VenueType::FoodBank,
    };
    for seed in 0..3 {
        phone.record(synthetic::check(seed, &stall, now() - DAY), None);
    }
    phone.sync().unwrap();

    let mut cancelled = plan("Food bank stall", &yesterday, "food_bank", BARNET, "stall");
    cancelled["venue"] = json!("Hope food bank");
    cancelled["cancelled"] = json!(true);
    let (status, body) = coordinator.put_raw(&format!("/api/events/{id}"), &cancelled);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["cancelled"], true);

    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM checks WHERE event_id = '{id}'"
        )),
        3
    );
    let seen = overview(&coordinator, &id);
    assert_eq!(seen["event"]["cancelled"], true);
    assert_eq!(seen["checks"], 3);
    let (_, dashboard) = coordinator.get_raw("/api/reports/dashboard");
    assert_eq!(dashboard["totals"]["checks"], 3, "its checks still count");
    assert_eq!(dashboard["reach"]["cancelled"], 1);
    assert_eq!(
        dashboard["reach"]["events_with_checks"], 1,
        "held, for checks were taken"
    );
    let pulled = push_events(&phone.client, json!([]));
    let on_phone = pulled["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        on_phone["cancelled"], true,
        "phones learn of the cancellation"
    );

    let next_week = calendar::date(now() + 7 * DAY);
    let copy: Value = coordinator.post(
        &format!("/api/events/{id}/copy"),
        &json!({ "date": next_week }),
    );
    assert_ne!(copy["id"], id.as_str());
    assert_eq!(copy["date"], next_week.as_str());
    assert_eq!(copy["name"], "Food bank stall");
    assert_eq!(copy["cancelled"], false);
    let (status, body) = coordinator.post_raw(
        &format!("/api/events/{id}/copy"),
        &json!({ "date": "2026-02-30" }),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().starts_with("Date:"));
    let audited = server.count("SELECT COUNT(*) FROM audit WHERE action = 'event_change'");
    assert_eq!(audited, 3, "create, cancel, copy");

    // Only coordinators edit, in their boroughs.
    let (status, _) = phone
        .client
        .put_raw(&format!("/api/events/{id}"), &cancelled);
    assert_eq!(status, 403);
    let mut to_camden = cancelled.clone();
    to_camden["borough"] = json!(CAMDEN);
    let (status, body) = coordinator.put_raw(&format!("/api/events/{id}"), &to_camden);
    assert_eq!(status, 403, "{body}");
}

#[test]
fn bad_event_input_is_refused_with_a_reason_and_the_rest_of_the_batch_is_kept() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let volunteer = server.demo("volunteer", "phone");
    let today = calendar::date(now());
    let theirs: Value = coordinator.post(
        "/api/events",
        &json!({ "name": "Library stall", "date": today, "venue": "Central Library",
                 "venue_type": "library", "borough": ISLINGTON }),
    );
    let theirs_id = theirs["id"].as_str().unwrap();
    let good = uuid::Uuid::new_v4().to_string();
    let ids: Vec<String> = (0..4).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let mut edited = plan("Library stall", &today, "library", ISLINGTON, "stall");
    edited["venue"] = json!("Somewhere else");
    let response = push_events(
        &volunteer,
        json!([
            { "id": ids[0], "plan": plan("Odd", &today, "library", ISLINGTON, "party") },
            { "id": good, "plan": plan("Market stall", &today, "market", BARNET, "stall"),
              "debrief": { "updated_at_ms": 5, "conversations": 4 } },
            { "id": ids[1], "plan": plan("Minus", &today, "market", BARNET, "stall"),
              "debrief": { "updated_at_ms": 5, "conversations": -2 } },
            { "id": ids[2], "plan": plan("Camden stall", &today, "market", CAMDEN, "stall") },
            { "id": theirs_id, "plan": edited, "plan_rev": 1 },
            { "id": theirs_id, "debrief": { "updated_at_ms": 5, "conversations": 9 } },
            { "id": ids[3], "debrief": { "updated_at_ms": 5, "conversations": 1 } },
        ]),
    );
    let results = response["event_results"].as_array().unwrap();
    let codes: Vec<&str> = results
        .iter()
        .map(|r| r["code"].as_str().unwrap_or("accepted"))
        .collect();
    assert_eq!(
        codes,
        [
            "unknown_kind",
            "accepted",
            "negative_tally",
            "outside_area",
            "plan_not_yours",
            "accepted",
            "unknown_event"
        ]
    );
    for (result, says) in results.iter().zip([
        "not a kind of event",
        "",
        "cannot be below zero",
        "borough you do not work in",
        "Only the coordinator can change the plan",
        "",
        "does not know this event",
    ]) {
        if let Some(reason) = result["reason"].as_str() {
            assert!(reason.contains(says), "{reason}");
        }
    }
    assert_eq!(
        server.count(&format!("SELECT COUNT(*) FROM events WHERE id = '{good}'")),
        1
    );
    for id in &ids {
        assert_eq!(
            server.count(&format!("SELECT COUNT(*) FROM events WHERE id = '{id}'")),
            0
        );
    }
    let seen = overview(&coordinator, theirs_id);
    assert_eq!(seen["event"]["venue"], "Central Library", "plan unchanged");
    assert_eq!(
        seen["conversations"], 9,
        "a debrief of a coordinator's event is the volunteer's to file"
    );
    assert_eq!(overview(&coordinator, &good)["conversations"], 4);
}

/// One event of the synthetic programme and what was done at it.
struct Planned {
    name: &'static str,
    days_ago: i64,
    borough: &'static str,
    venue_type: VenueType,
    workshop: bool,
    cancelled: bool,
    checks: u64,
    conversations: u32,
    attendance: u32,
}

#[test]
fn reach_event_and_workshop_figures_equal_an_independent_count() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let volunteer = phone.client.user_id.clone();
    let (_, listed) = coordinator.get_raw("/api/events");
    let demo_id = listed[0]["id"].as_str().unwrap().to_owned();
    let programme = [
        Planned {
            name: "Saturday health stall",
            days_ago: 0,
            borough: ISLINGTON,
            venue_type: VenueType::Market,
            workshop: false,
            cancelled: false,
            checks: 0,
            conversations: 0,
            attendance: 0,
        },
        Planned {
            name: "Library",
            days_ago: 200,
            borough: ISLINGTON,
            venue_type: VenueType::Library,
            workshop: false,
            cancelled: false,
            checks: 6,
            conversations: 11,
            attendance: 0,
        },
        Planned {
            name: "Pharmacy talk",
            days_ago: 150,
            borough: BARNET,
            venue_type: VenueType::Pharmacy,
            workshop: true,
            cancelled: false,
            checks: 0,
            conversations: 0,
            attendance: 23,
        },
        Planned {
            name: "Market",
            days_ago: 90,
            borough: BARNET,
            venue_type: VenueType::Market,
            workshop: false,
            cancelled: false,
            checks: 0,
            conversations: 8,
            attendance: 0,
        },
        Planned {
            name: "Rained off",
            days_ago: 40,
            borough: ISLINGTON,
            venue_type: VenueType::Market,
            workshop: false,
            cancelled: true,
            checks: 0,
            conversations: 0,
            attendance: 0,
        },
        Planned {
            name: "Cut short",
            days_ago: 30,
            borough: BARNET,
            venue_type: VenueType::Library,
            workshop: false,
            cancelled: true,
            checks: 2,
            conversations: 1,
            attendance: 0,
        },
        Planned {
            name: "Centre workshop",
            days_ago: 10,
            borough: ISLINGTON,
            venue_type: VenueType::CommunityCentre,
            workshop: true,
            cancelled: false,
            checks: 3,
            conversations: 2,
            attendance: 17,
        },
        Planned {
            name: "Next month",
            days_ago: -30,
            borough: ISLINGTON,
            venue_type: VenueType::Library,
            workshop: false,
            cancelled: false,
            checks: 0,
            conversations: 0,
            attendance: 0,
        },
    ];
    let mut ids = Vec::new();
    let mut seed = 0;
    for p in &programme {
        let day_ms = now() - p.days_ago * DAY;
        let day = day_ms - day_ms.rem_euclid(DAY);
        // The demo's own event (today) is part of the programme too.
        let id = if p.days_ago == 0 {
            demo_id.clone()
        } else {
            let event: Value = coordinator.post(
                "/api/events",
                &json!({ "name": p.name, "date": calendar::date(day), "venue": "Hall",
                         "venue_type": p.venue_type.code(), "borough": p.borough,
                         "kind": if p.workshop { "workshop" } else { "stall" } }),
            );
            event["id"].as_str().unwrap().to_owned()
        };
        let stall = Stall {
            event_id: id.clone(),
            volunteer_id: volunteer.clone(),
            borough: p.borough.into(),
            venue_type: p.venue_type,
        };
        for _ in 0..p.checks {
            seed += 1;
            phone.record(synthetic::check(seed, &stall, day + DAY / 2), None);
        }
        if p.conversations + p.attendance > 0 {
            let debrief = json!([{ "id": id, "debrief": { "updated_at_ms": 1,
                "conversations": p.conversations, "attendance": p.attendance } }]);
            assert_eq!(accepted(&push_events(&phone.client, debrief)).len(), 1);
        }
        if p.cancelled {
            let mut body = plan(
                p.name,
                &calendar::date(day),
                p.venue_type.code(),
                p.borough,
                "stall",
            );
            body["venue"] = json!("Hall");
            body["cancelled"] = json!(true);
            assert_eq!(
                coordinator.put_raw(&format!("/api/events/{id}"), &body).0,
                200
            );
        }
        ids.push((id, day));
    }
    phone.sync().unwrap();

    // The independent count, straight from the table above.
    type Admits<'a> = Box<dyn Fn(&Planned, i64) -> bool + 'a>;
    let quarter = quarter_of(now() - 150 * DAY);
    let (q_from, q_until) = quarter_range(&quarter).unwrap();
    let from = now() - 100 * DAY;
    let from_day = from - from.rem_euclid(DAY);
    let filters: Vec<(String, Admits)> = vec![
        (String::new(), Box::new(|_, _| true)),
        (
            format!("borough={BARNET}"),
            Box::new(|p, _| p.borough == BARNET),
        ),
        (
            "venue_type=library".into(),
            Box::new(|p, _| p.venue_type == VenueType::Library),
        ),
        (
            format!("from={}&to={}", calendar::date(from), calendar::date(now())),
            Box::new(move |_, day| day >= from_day && day <= now()),
        ),
        (
            format!("quarter={quarter}"),
            Box::new(move |_, day| day >= q_from && day < q_until),
        ),
    ];
    for (query, admits) in &filters {
        let (status, dashboard) = coordinator.get_raw(&format!("/api/reports/dashboard?{query}"));
        assert_eq!(status, 200, "{query}: {dashboard}");
        let admitted: Vec<&Planned> = programme
            .iter()
            .zip(&ids)
            .filter(|(p, (_, day))| admits(p, *day))
            .map(|(p, _)| p)
            .collect();
        let held: Vec<&&Planned> = admitted
            .iter()
            .filter(|p| p.checks > 0 || (!p.cancelled && p.days_ago >= 0))
            .collect();
        let checks: u64 = admitted.iter().map(|p| p.checks).sum();
        let conversations: u64 = admitted.iter().map(|p| u64::from(p.conversations)).sum();
        let workshops: Vec<&&&Planned> = held.iter().filter(|p| p.workshop).collect();
        let expected = json!({
            "people_reached": checks + conversations,
            "people_checked": checks,
            "conversations": conversations,
            "checks": checks,
            "events_held": held.len(),
            "events_with_checks": held.iter().filter(|p| p.checks > 0).count(),
            "events_without_checks": held.iter().filter(|p| p.checks == 0).count(),
            "workshops": workshops.len(),
            "workshop_attendance": workshops.iter().map(|p| u64::from(p.attendance)).sum::<u64>(),
            "cancelled": admitted.iter().filter(|p| p.cancelled).count(),
        });
        assert_eq!(dashboard["reach"], expected, "{query}");
        assert_eq!(dashboard["totals"]["checks"], checks, "{query}");
    }

    // The published report ties the reach figures by their sums: a small figure cannot be
    // worked out from the others.
    let (status, csv) = common::request(
        &server.url,
        "GET",
        "/api/reports/export/tables/reach",
        Some(&coordinator.token),
        None,
    );
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap().to_owned();
    assert!(
        csv.starts_with("key,label,count\npeople_reached,People reached,"),
        "{csv}"
    );
    assert!(
        csv.contains("workshop_attendance,Workshop attendance,40"),
        "{csv}"
    );
    assert!(csv.contains("cancelled,Events cancelled,<5"), "{csv}");
}

#[test]
fn events_of_a_database_from_before_migration_7_stay_valid() {
    let dir = common::fresh_dir();
    {
        let mut conn = rusqlite::Connection::open(dir.join("stallside.sqlite")).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in [
            include_str!("../src/db/schema.sql"),
            include_str!("../src/db/002_flag_queue.sql"),
            include_str!("../src/db/003_devices.sql"),
            include_str!("../src/db/004_erasure.sql"),
            include_str!("../src/db/005_main_language.sql"),
        ] {
            tx.execute_batch(sql).unwrap();
        }
        tx.execute(
            "INSERT INTO events (id, name, date, venue, venue_type, borough, seq, created_by)
             VALUES ('old-stall', 'Old stall', '2026-10-01', 'Library', 'library', ?1, 1, 'someone')",
            [ISLINGTON],
        )
        .unwrap();
        tx.pragma_update(None, "user_version", 5).unwrap();
        tx.commit().unwrap();
    }
    let server = Server::start_in(dir, &["--demo"]);
    let coordinator = server.demo("coordinator", "laptop");
    let old = overview(&coordinator, "old-stall");
    assert_eq!(old["event"]["kind"], "stall");
    assert_eq!(old["event"]["cancelled"], false);
    assert_eq!(old["event"]["plan_rev"], 1);
    assert_eq!(old["started_on_phone"], false);
    let mut cancelled = plan("Old stall", "2026-10-01", "library", ISLINGTON, "stall");
    cancelled["cancelled"] = json!(true);
    let (status, body) = coordinator.put_raw("/api/events/old-stall", &cancelled);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["plan_rev"], 2);
}
