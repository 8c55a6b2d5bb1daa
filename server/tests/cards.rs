//! Participant cards over real HTTP: the card in a check document is judged (a malformed code
//! is refused with its reason, the rest of the batch is kept), one card at three checks on two
//! phones counts one person, the dashboard's people figures equal an independent count, and
//! the lookup of a card's earlier visits is for volunteers, rate-limited and audited.

mod common;

use std::collections::BTreeMap;

use common::checks::checks;
use common::phone::{now, with_readings, Phone};
use common::{add_user, Server, BARNET, CAMDEN, ISLINGTON};
use serde_json::Value;
use stallside_shared::card::CardCode;
use stallside_shared::record::{CheckPart, Reading};
use stallside_shared::synthetic::{self, Stall};

fn card(seed: u64) -> String {
    CardCode::issue(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)).canonical()
}

fn with_card(mut check: CheckPart, card: Option<&str>) -> CheckPart {
    check.card = card.map(str::to_owned);
    check
}

fn audit_count(server: &Server, action: &str) -> i64 {
    server.count(&format!(
        "SELECT COUNT(*) FROM audit WHERE action = '{action}'"
    ))
}

#[test]
fn a_malformed_card_in_a_crafted_push_is_refused_with_its_reason_and_the_batch_is_kept() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let mut batch = checks(&phone, 3, 10);
    let good = card(1);
    let honest = phone.record(with_card(batch.remove(0), Some(&good)), None);
    let typo = phone.record(with_card(batch.remove(0), Some("7KQ3M9XA2PZ")), None);
    let spaced = phone.record(
        with_card(
            batch.remove(0),
            Some(&CardCode::parse(&good).unwrap().grouped()),
        ),
        None,
    );
    let report = phone.sync().unwrap();
    assert_eq!(report.accepted, 1, "{report:?}");
    let refused: BTreeMap<_, _> = report
        .rejected
        .iter()
        .map(|(id, code, message)| (*id, (code.clone(), message.clone())))
        .collect();
    for (id, says) in [(typo, "mistyped"), (spaced, "without spaces")] {
        let (code, message) = &refused[&id];
        assert_eq!(code, "invalid_card");
        assert!(
            message.contains("Participant card") && message.contains(says),
            "{message}"
        );
    }
    assert_eq!(
        server.value_of::<Option<String>>("SELECT card_id FROM checks WHERE id = ?1", honest),
        Some(good)
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM checks"), 1);
}

#[test]
fn one_card_at_three_checks_on_two_phones_is_one_person_and_the_dashboard_agrees() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let mut first = Phone::new(server.demo("volunteer", "phone-a"));
    add_user(
        &server.data_dir,
        "second-volunteer",
        "volunteer",
        &format!("{BARNET},{ISLINGTON}"),
        "harbour lantern thistle",
    );
    let mut second =
        Phone::new(server.login("second-volunteer", "harbour lantern thistle", "phone-b"));
    let person = card(7);
    const DAY: i64 = 86_400_000;
    let stall = |phone: &Phone, borough: &str| Stall::library(&phone.client.user_id, borough);
    let mut taken: Vec<CheckPart> = Vec::new();
    let mut take = |phone: &mut Phone, check: CheckPart| {
        phone.record(check.clone(), None);
        taken.push(check);
    };
    // The same person: twice at the first phone's stall, once at the second's, another borough.
    let s1 = stall(&first, ISLINGTON);
    let s2 = stall(&second, BARNET);
    take(
        &mut first,
        with_card(synthetic::check(1, &s1, now() - 20 * DAY), Some(&person)),
    );
    take(
        &mut first,
        with_card(synthetic::check(2, &s1, now() - 10 * DAY), Some(&person)),
    );
    take(
        &mut second,
        with_card(synthetic::check(3, &s2, now() - DAY), Some(&person)),
    );
    // Others: cards seen once or twice, and checks without a card.
    for seed in 10..70u64 {
        let (phone, s) = if seed % 2 == 0 {
            (&mut first, &s1)
        } else {
            (&mut second, &s2)
        };
        let card = match seed % 5 {
            0 | 1 => None,
            2 => Some(card(100 + seed % 7)),
            _ => Some(card(seed)),
        };
        take(
            phone,
            with_card(
                synthetic::check(seed, s, now() - (seed as i64) * 3_600_000),
                card.as_deref(),
            ),
        );
    }
    first.sync().unwrap();
    second.sync().unwrap();
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM checks WHERE card_id = '{person}'"
        )),
        3
    );

    // Independently: distinct cards, checks without one, cards at more than one check.
    let expected = |admitted: &[&CheckPart]| {
        let mut per_card: BTreeMap<&str, usize> = BTreeMap::new();
        let mut without = 0u64;
        for c in admitted {
            match &c.card {
                Some(code) => *per_card.entry(code).or_default() += 1,
                None => without += 1,
            }
        }
        let again = per_card.values().filter(|n| **n > 1).count() as u64;
        (
            per_card.len() as u64 + without,
            per_card.len() as u64,
            without,
            again,
        )
    };
    let figures = |d: &Value| {
        let p = &d["people"];
        let n = |k: &str| p[k].as_u64().unwrap();
        (
            n("checked"),
            n("with_card"),
            n("checks_without_card"),
            n("seen_again"),
        )
    };
    let all: Vec<&CheckPart> = taken.iter().collect();
    let (status, dashboard) = coordinator.get_raw("/api/reports/dashboard");
    assert_eq!(status, 200, "{dashboard}");
    assert_eq!(figures(&dashboard), expected(&all));
    assert!(
        figures(&dashboard).0 < all.len() as u64,
        "people, not checks"
    );

    let only_person: Vec<&CheckPart> = taken
        .iter()
        .filter(|c| c.card.as_deref() == Some(person.as_str()))
        .collect();
    assert_eq!(
        expected(&only_person),
        (1, 1, 0, 1),
        "one person, seen again"
    );
    for (query, admits) in [
        (
            format!("borough={BARNET}"),
            Box::new(|c: &CheckPart| c.borough == BARNET) as Box<dyn Fn(&CheckPart) -> bool>,
        ),
        (
            format!("volunteer={}", first.client.user_id),
            Box::new(|c: &CheckPart| c.volunteer_id == s1.volunteer_id),
        ),
    ] {
        let (status, filtered) = coordinator.get_raw(&format!("/api/reports/dashboard?{query}"));
        assert_eq!(status, 200, "{filtered}");
        let admitted: Vec<&CheckPart> = taken.iter().filter(|c| admits(c)).collect();
        assert_eq!(figures(&filtered), expected(&admitted), "{query}");
    }

    let mut response = common::agent()
        .get(format!(
            "{}/api/reports/export/tables/people",
            coordinator.url
        ))
        .header("Authorization", format!("Bearer {}", coordinator.token))
        .call()
        .unwrap();
    let csv = response.body_mut().read_to_string().unwrap();
    let (checked, with, without, _) = expected(&all);
    assert_eq!(
        csv.lines().next(),
        Some("people_checked,people_with_card,checks_without_card,people_seen_again")
    );
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("{checked},{with},{without},")),
        "{csv}"
    );
}

#[test]
fn a_volunteer_sees_a_cards_earlier_readings_within_an_hourly_budget_and_every_lookup_is_audited() {
    let dir = common::fresh_dir();
    let server = Server::start_in(dir, &["--demo", "--card-lookups-per-hour", "3"]);
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let person = card(3);
    let earlier = [Reading::bp(136, 86), Reading::bp(128, 80)];
    for (i, reading) in earlier.iter().enumerate() {
        let check = with_readings(checks(&phone, 1, 40 + i as u64).remove(0), vec![*reading]);
        let mut check = with_card(check, Some(&person));
        check.recorded_at_ms = now() - (10 - i as i64) * 86_400_000;
        phone.record(check, None);
    }
    phone.sync().unwrap();
    let lookup =
        |client: &common::Client, code: &str| client.get_raw(&format!("/api/cards/{code}/visits"));

    // As typed on the card, in any case with spaces: dates and readings, oldest first, nothing
    // about the person.
    let typed = CardCode::parse(&person)
        .unwrap()
        .grouped()
        .to_lowercase()
        .replace(' ', "%20");
    let (status, body) = lookup(&phone.client, &typed);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["card"], person.as_str());
    let visits = body["visits"].as_array().unwrap();
    let readings: Vec<(u64, u64)> = visits
        .iter()
        .map(|v| {
            (
                v["systolic"].as_u64().unwrap(),
                v["diastolic"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(readings, [(136, 86), (128, 80)]);
    let fields: Vec<&String> = visits[0].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["diastolic", "id", "recorded_at_ms", "systolic"],
        "no demographics"
    );

    // A card nobody has used yet: an empty list and a message, not an error.
    let (status, body) = lookup(&phone.client, &card(999));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["visits"].as_array().unwrap().len(), 0);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("No earlier checks"));

    // A malformed code: a clear message; it costs nothing from the budget.
    let (status, body) = lookup(&phone.client, "7KQ3M9XA2PZ");
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("mistyped"),
        "{body}"
    );

    // Coordinators and supervisors do not meet the person: refused whatever their boroughs.
    for who in ["coordinator", "supervisor"] {
        let (status, body) = lookup(&server.demo(who, "laptop"), &person);
        assert_eq!(status, 403, "{who}: {body}");
    }
    // Another borough's volunteer with the card in front of them sees it: the card travels.
    add_user(
        &server.data_dir,
        "camden-volunteer",
        "volunteer",
        CAMDEN,
        "meadow copper lantern",
    );
    let camden = server.login("camden-volunteer", "meadow copper lantern", "phone-c");
    let (status, body) = lookup(&camden, &person);
    assert_eq!((status, body["visits"].as_array().unwrap().len()), (200, 2));

    // The third lookup is the last of the hour; past it, 429 with a message, audited.
    assert_eq!(lookup(&phone.client, &person).0, 200);
    for _ in 0..2 {
        let (status, body) = lookup(&phone.client, &person);
        assert_eq!(status, 429, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("Carry on with the check"),
            "{body}"
        );
    }
    assert_eq!(audit_count(&server, "card_lookup"), 4);
    assert_eq!(audit_count(&server, "card_lookup_refused"), 2);
    let detail: String = server
        .sqlite()
        .query_row(
            "SELECT detail FROM audit WHERE action = 'card_lookup' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(detail, format!("card {person} visits 2"));
}
