//! Coordinators' review, dashboard and exports over real HTTP: every dashboard figure, with
//! each filter, equals a count computed independently from the synthetic records; exports
//! say "unknown" for an unknown area and never publish a count under 5.

mod common;

use common::phone::{now, Phone};
use common::{Server, BARNET, ISLINGTON};
use serde_json::{json, Value};
use stallside_shared::calendar;
use stallside_shared::record::{
    Advice, Barrier, CheckPart, Enabler, EnglishFirstLanguage, VenueType,
};
use stallside_shared::reports::{quarter_of, quarter_range};
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::triage::{assess, Band, TriageInput};

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

/// A CSV file read as a spreadsheet would: the header and the rows.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// A download's file name, from its Content-Disposition.
fn download_name(client: &common::Client, path: &str) -> String {
    let response = common::agent()
        .get(format!("{}{path}", client.url))
        .header("Authorization", format!("Bearer {}", client.token))
        .call()
        .unwrap();
    response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The records export reads like a register: London times, the event's and volunteer's names
/// beside their ids, labels beside codes; each export is named by its table and the day.
#[test]
fn the_records_csv_has_names_labels_and_london_times_and_files_are_named_by_table_and_day() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let event: String = server
        .sqlite()
        .query_row("SELECT id FROM events LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let mut check = synthetic::check(
        3,
        &Stall::library(&phone.client.user_id, ISLINGTON),
        now() - 60_000,
    );
    check.event_id = event.clone();
    check.venue_type = VenueType::Market;
    let id = phone.record(check.clone(), None);
    phone.sync().unwrap();

    let (status, body) = csv(&coordinator, "/api/reports/export/records.csv");
    assert_eq!(status, 200);
    let (header, rows) = parse_csv(&body);
    assert_eq!(
        header[..12],
        [
            "id",
            "event_id",
            "event_name",
            "volunteer_id",
            "volunteer_name",
            "venue_type",
            "venue_type_label",
            "borough",
            "borough_label",
            "recorded_at",
            "week",
            "age_band",
        ],
        "{header:?}"
    );
    assert!(
        !header.iter().any(|h| h.ends_with("_ms")),
        "no raw times: {header:?}"
    );
    let row = &rows[0];
    let cell = |name: &str| row[header.iter().position(|h| h == name).unwrap()].as_str();
    assert_eq!(cell("id"), id.to_string());
    assert_eq!(cell("event_id"), event);
    assert_eq!(cell("event_name"), "Saturday health stall");
    assert_eq!(cell("volunteer_name"), "Amina (volunteer)");
    assert_eq!(cell("venue_type_label"), VenueType::Market.label());
    assert_eq!(cell("borough_label"), "Islington");
    assert_eq!(
        cell("recorded_at"),
        calendar::london_date_time(check.recorded_at_ms)
    );
    assert_eq!(cell("sex_label"), check.sex.label());
    assert_eq!(cell("band"), check.band.code());
    assert_eq!(cell("band_label"), check.band.label());
    assert_eq!(cell("review_state_label"), "Received");

    let today = calendar::london_date(now());
    for (path, name) in [
        ("/api/reports/export/records.csv", "records".to_owned()),
        ("/api/reports/export/tables/by_borough", "by_borough".into()),
        ("/api/reports/export/tables/bands", "bands".into()),
        ("/api/audit.csv", "audit".into()),
    ] {
        assert_eq!(
            download_name(&coordinator, path),
            format!("attachment; filename=\"stallside-{name}-{today}.csv\"")
        );
    }
}

/// The group a check falls in, in one breakdown.
type KeyOf = dyn Fn(&CheckPart) -> String;
/// Whether a filter admits a check.
type Admits<'a> = dyn Fn(&CheckPart) -> bool + 'a;

/// The counts of one dashboard row, computed straight from the checks (not through the
/// server's facts): the independent computation every dashboard figure is compared with.
fn expected_row(checks: &[&CheckPart]) -> Value {
    let has = |pred: &dyn Fn(&CheckPart) -> bool| checks.iter().filter(|c| pred(c)).count();
    let assessment = |c: &CheckPart| assess(&TriageInput::from_check(c), &Default::default());
    json!({
        "checks": checks.len(),
        "newly_identified": has(&|c| assessment(c).newly_identified),
        "flagged": has(&|c| assessment(c).is_flagged()),
        "severe": has(&|c| matches!(c.band, Band::Severe | Band::Emergency)),
        "signposted": has(&|c| c.advice.iter().any(|a| matches!(a, Advice::Gp | Advice::Pharmacy | Advice::Nhs111 | Advice::Call999))),
        "core20": has(&|c| matches!(c.imd_decile, Some(1 | 2))),
        "area_known": has(&|c| c.imd_decile.is_some()),
        "area_unknown": has(&|c| c.imd_decile.is_none()),
        "english_not_first": has(&|c| c.english_first_language == EnglishFirstLanguage::No),
    })
}

/// The row's counts as the server sent them, without key and label.
fn counts_of(row: &Value) -> Value {
    let mut row = row.clone();
    let object = row.as_object_mut().unwrap();
    object.remove("key");
    object.remove("label");
    row
}

/// Checks `dashboard` against the checks the filter should admit.
fn assert_dashboard_matches(dashboard: &Value, admitted: &[&CheckPart], what: &str) {
    assert_eq!(
        counts_of(&dashboard["totals"]),
        expected_row(admitted),
        "{what}: totals"
    );
    for band in Band::ALL {
        let shown = dashboard["bands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["key"] == band.code())
            .unwrap();
        let expected = admitted.iter().filter(|c| c.band == *band).count();
        assert_eq!(shown["count"], expected, "{what}: band {band:?}");
    }
    let heard = |list: &str, code: &str, said: &dyn Fn(&CheckPart) -> Vec<&'static str>| {
        let shown = dashboard[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["key"] == code)
            .unwrap_or_else(|| panic!("{what}: {list} lacks {code}"))
            .clone();
        let expected = admitted.iter().filter(|c| said(c).contains(&code)).count();
        assert_eq!(shown["count"], expected, "{what}: {list} {code}");
    };
    for barrier in Barrier::ALL {
        heard("barriers", barrier.code(), &barriers_said);
    }
    for enabler in Enabler::ALL {
        heard("enablers", enabler.code(), &enablers_said);
    }
    assert_eq!(
        dashboard["flags"]["flagged"],
        expected_row(admitted)["flagged"],
        "{what}: flags"
    );
    let breakdowns: [(&str, &KeyOf); 11] = [
        ("by_borough", &|c| c.borough.clone()),
        ("by_event", &|c| c.event_id.clone()),
        ("by_venue_type", &|c| c.venue_type.code().into()),
        ("by_week", &|c| calendar::iso_week(c.recorded_at_ms)),
        ("by_month", &|c| {
            calendar::date(c.recorded_at_ms)[..7].to_owned()
        }),
        ("by_volunteer", &|c| c.volunteer_id.clone()),
        ("by_ethnicity", &|c| c.ethnicity.code().into()),
        ("by_imd_decile", &|c| {
            c.imd_decile.map_or("unknown".into(), |d| d.to_string())
        }),
        ("by_age_band", &|c| c.age_band.code().into()),
        ("by_sex", &|c| c.sex.code().into()),
        ("by_language", &|c| {
            c.main_language
                .map_or("not_recorded".into(), |l| l.code().into())
        }),
    ];
    for (table, key_of) in breakdowns {
        let rows = dashboard[table].as_array().unwrap();
        let mut keys: Vec<String> = admitted.iter().map(|c| key_of(c)).collect();
        keys.sort();
        keys.dedup();
        for key in &keys {
            let row = rows
                .iter()
                .find(|r| r["key"] == key.as_str())
                .unwrap_or_else(|| panic!("{what}: {table} lacks {key}"));
            let group: Vec<&CheckPart> = admitted
                .iter()
                .copied()
                .filter(|c| &key_of(c) == key)
                .collect();
            assert_eq!(
                counts_of(row),
                expected_row(&group),
                "{what}: {table} {key}"
            );
        }
        let listed: u64 = rows.iter().map(|r| r["checks"].as_u64().unwrap()).sum();
        assert_eq!(listed, admitted.len() as u64, "{what}: {table} adds up");
    }
    let by_borough = |c: &CheckPart| c.borough.clone();
    let by_ethnicity = |c: &CheckPart| c.ethnicity.code().to_owned();
    type Said = dyn Fn(&CheckPart) -> Vec<&'static str>;
    let voices: [(&str, &KeyOf, &Said); 4] = [
        ("barriers_by_borough", &by_borough, &barriers_said),
        ("barriers_by_ethnicity", &by_ethnicity, &barriers_said),
        ("enablers_by_borough", &by_borough, &enablers_said),
        ("enablers_by_ethnicity", &by_ethnicity, &enablers_said),
    ];
    for (table, key_of, said) in voices {
        let rows = dashboard[table].as_array().unwrap();
        if !admitted.is_empty() {
            assert!(!rows.is_empty(), "{what}: {table} is empty");
        }
        for row in rows {
            for value in row["counts"].as_array().unwrap() {
                let expected = admitted
                    .iter()
                    .filter(|c| {
                        row["key"] == key_of(c).as_str()
                            && said(c).iter().any(|code| value["key"] == *code)
                    })
                    .count();
                assert_eq!(value["count"], expected, "{what}: {table}");
            }
        }
    }
}

fn barriers_said(c: &CheckPart) -> Vec<&'static str> {
    c.barriers.iter().map(|b| b.code()).collect()
}

fn enablers_said(c: &CheckPart) -> Vec<&'static str> {
    c.enablers.iter().map(|e| e.code()).collect()
}

#[test]
fn every_dashboard_figure_with_each_filter_equals_an_independent_computation() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let event: Value = coordinator.post(
        "/api/events",
        &json!({ "name": "Library stall", "date": "2026-11-21", "venue": "Central Library",
                 "venue_type": "library", "borough": ISLINGTON }),
    );
    let event_id = event["id"].as_str().unwrap().to_owned();
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let volunteer = phone.client.user_id.clone();
    let stalls = [
        Stall {
            event_id: event_id.clone(),
            volunteer_id: volunteer.clone(),
            borough: ISLINGTON.into(),
            venue_type: VenueType::Library,
        },
        Stall {
            event_id: "market-day".into(),
            volunteer_id: volunteer.clone(),
            borough: BARNET.into(),
            venue_type: VenueType::Market,
        },
        Stall {
            event_id: "food-bank".into(),
            volunteer_id: volunteer.clone(),
            borough: BARNET.into(),
            venue_type: VenueType::FoodBank,
        },
    ];
    const DAY: i64 = 86_400_000;
    let start = now() - 400 * DAY;
    let mut checks = Vec::new();
    for seed in 0..150u64 {
        let at = start + (seed as i64 * 397 % 400) * DAY;
        let check = synthetic::check(seed, &stalls[(seed % 3) as usize], at);
        phone.record(check.clone(), None);
        checks.push(check);
    }
    phone.sync().unwrap();
    let all: Vec<&CheckPart> = checks.iter().collect();

    let (status, dashboard) = coordinator.get_raw("/api/reports/dashboard");
    assert_eq!(status, 200, "{dashboard}");
    assert_dashboard_matches(&dashboard, &all, "no filter");
    assert_eq!(dashboard["period"], "All dates");
    assert_eq!(dashboard["by_imd_decile"].as_array().unwrap().len(), 11);

    let day = |ms: i64| calendar::date(ms);
    let (from, to) = (start + 100 * DAY, start + 250 * DAY);
    let (q_from, q_until) = quarter_range(&quarter_of(now() - 200 * DAY)).unwrap();
    let filters: Vec<(String, Box<Admits<'_>>)> = vec![
        (
            format!("borough={BARNET}"),
            Box::new(|c| c.borough == BARNET),
        ),
        (
            format!("event={event_id}"),
            Box::new(|c| c.event_id == event_id),
        ),
        (
            "venue_type=market".into(),
            Box::new(|c| c.venue_type == VenueType::Market),
        ),
        (format!("volunteer={volunteer}"), Box::new(|_| true)),
        (
            format!("week={}", calendar::iso_week(checks[7].recorded_at_ms)),
            Box::new({
                let week = calendar::iso_week(checks[7].recorded_at_ms);
                move |c| calendar::iso_week(c.recorded_at_ms) == week
            }),
        ),
        (
            format!("from={}&to={}", day(from), day(to)),
            Box::new(move |c| {
                let d = day(c.recorded_at_ms);
                d >= day(from) && d <= day(to)
            }),
        ),
        (
            format!("quarter={}", quarter_of(now() - 200 * DAY)),
            Box::new(move |c| c.recorded_at_ms >= q_from && c.recorded_at_ms < q_until),
        ),
        (
            format!(
                "quarter={}&borough={ISLINGTON}&from={}",
                quarter_of(now() - 200 * DAY),
                day(q_from + 30 * DAY)
            ),
            Box::new(move |c| {
                c.borough == ISLINGTON
                    && c.recorded_at_ms >= q_from + 30 * DAY - (q_from + 30 * DAY).rem_euclid(DAY)
                    && c.recorded_at_ms < q_until
            }),
        ),
    ];
    for (query, admits) in &filters {
        let (status, filtered) = coordinator.get_raw(&format!("/api/reports/dashboard?{query}"));
        assert_eq!(status, 200, "{query}: {filtered}");
        let admitted: Vec<&CheckPart> = checks.iter().filter(|c| admits(c)).collect();
        assert!(
            !admitted.is_empty() && admitted.len() < checks.len() || query.starts_with("volunteer"),
            "{query} should narrow"
        );
        assert_dashboard_matches(&filtered, &admitted, query);
    }

    for (bad, says) in [
        ("quarter=2026-Q3", "2026-27-Q1"),
        ("from=2026-02-30", "YYYY-MM-DD"),
        ("from=2026-05-02&to=2026-05-01", "ends before it starts"),
    ] {
        let (status, body) = coordinator.get_raw(&format!("/api/reports/dashboard?{bad}"));
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.to_string().contains(says), "{bad}: {body}");
    }
    let (status, _) = coordinator.get_raw("/api/reports/dashboard?borough=E09000007");
    assert_eq!(status, 403, "not the coordinator's borough");
    assert_eq!(phone.client.get_raw("/api/reports/dashboard").0, 403);
    assert_eq!(phone.client.get_raw("/api/reports/published").0, 403);
}

#[test]
fn exports_say_unknown_and_never_publish_a_count_under_five() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let stall = |borough: &str| Stall::library(&phone.client.user_id, borough);
    let (islington, barnet) = (stall(ISLINGTON), stall(BARNET));
    let mut checks = Vec::new();
    for seed in 0..60 {
        let s = if seed % 3 == 0 { &barnet } else { &islington };
        checks.push(synthetic::check(seed, s, now() - 3_600_000));
    }
    for check in &checks {
        phone.record(check.clone(), None);
    }
    phone.sync().unwrap();

    let (status, body) = csv(&coordinator, "/api/reports/export/records.csv");
    assert_eq!(status, 200);
    let (header, rows) = parse_csv(&body);
    assert!(
        !header.iter().any(|h| h == "lsoa") && !header.iter().any(|h| h.contains("phone")),
        "pseudonymous: {header:?}"
    );
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (decile, core20) = (column("imd_decile"), column("core20"));
    let unknown = checks.iter().filter(|c| c.imd_decile.is_none()).count();
    assert!(unknown > 0);
    assert_eq!(
        rows.iter().filter(|r| r[decile] == "unknown").count(),
        unknown
    );
    assert_eq!(
        rows.iter().filter(|r| r[core20] == "unknown").count(),
        unknown
    );
    assert!(rows
        .iter()
        .all(|r| r[decile] != "unknown" || r[core20] == "unknown"));
    let mut exported: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    let mut synced: Vec<String> = phone.records.keys().map(ToString::to_string).collect();
    exported.sort();
    synced.sort();
    assert_eq!(exported, synced);

    let tables = [
        "bands",
        "barriers",
        "enablers",
        "flags",
        "barriers_by_borough",
        "barriers_by_ethnicity",
        "enablers_by_borough",
        "enablers_by_ethnicity",
        "by_borough",
        "by_event",
        "by_venue_type",
        "by_week",
        "by_month",
        "by_volunteer",
        "by_ethnicity",
        "by_imd_decile",
        "by_age_band",
        "by_sex",
    ];
    for table in tables {
        let (status, text) = csv(&coordinator, &format!("/api/reports/export/tables/{table}"));
        assert_eq!(status, 200, "{table}");
        if table.starts_with("enablers_by") {
            assert!(
                text.starts_with("key,label,familiar_venue,no_appointment,"),
                "{text}"
            );
        }
        for line in text.lines().skip(1) {
            for field in line.split(',').skip(if table == "flags" { 0 } else { 2 }) {
                assert!(
                    !matches!(field, "1" | "2" | "3" | "4"),
                    "{table} publishes a count under 5: {line}"
                );
            }
        }
    }
    let (_, by_borough) = csv(&coordinator, "/api/reports/export/tables/by_borough");
    assert!(
        by_borough
            .lines()
            .last()
            .unwrap()
            .starts_with("all,All checks,60,"),
        "{by_borough}"
    );
    assert_eq!(
        csv(&coordinator, "/api/reports/export/tables/nonsense").0,
        404
    );
    let (status, published) = coordinator.get_raw("/api/reports/published");
    assert_eq!(status, 200);
    assert_eq!(
        published["totals"]["cells"][0],
        json!({ "kind": "shown", "value": 60 })
    );
    let exports = server.count("SELECT COUNT(*) FROM audit WHERE action = 'export'");
    assert_eq!(
        exports,
        1 + tables.len() as i64 + 1 + 1,
        "every export is audited"
    );
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
