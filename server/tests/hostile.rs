//! Hostile clients (issue 9): each attack made as an attacker would make it against the real
//! server on loopback, refused with a clear 4xx and nothing stored, with the honest path beside
//! it still working. Other client addresses are other loopback addresses (127.0.0.x).

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use base64::Engine;
use common::phone::{now, with_readings, Phone};
use common::raw::{self, request_from, rss_kb, Answer};
use common::{add_user, Client, Server, BARNET, CAMDEN, ISLINGTON};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use stallside_shared::record::{Reading, VenueType};
use stallside_shared::synthetic::{self, Stall};

const HOME: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// Another client's address.
fn stranger(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 0, 10 + n)
}

fn login_from(server: &Server, from: Ipv4Addr, username: &str, password: &str) -> Answer {
    let body = json!({ "username": username, "password": password, "device_id": "d" });
    request_from(
        from,
        &server.url,
        "POST",
        "/api/login",
        None,
        body.to_string().as_bytes(),
    )
}

fn count(server: &Server, sql: &str) -> i64 {
    server.sqlite().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// An event in Islington, made by the demo coordinator.
fn islington_event(coordinator: &Client) -> String {
    let event: Value = coordinator.post(
        "/api/events",
        &json!({ "name": "Library stall", "date": "2026-11-28", "venue": "Central Library",
                 "venue_type": "library", "borough": ISLINGTON }),
    );
    event["id"].as_str().unwrap().to_owned()
}

/// A severe reading at an event: flagged for follow-up, with consent to contact.
fn severe_check(phone: &Phone, event_id: &str) -> stallside_shared::record::CheckPart {
    let stall = Stall {
        event_id: event_id.to_owned(),
        volunteer_id: phone.client.user_id.clone(),
        borough: ISLINGTON.into(),
        venue_type: VenueType::Library,
    };
    let readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)];
    let mut check = with_readings(synthetic::check(7, &stall, now() - 60_000), readings);
    check.consent_to_contact = true;
    check
}

/// Item 5: sixty 4 MB usernames a round took the server from 48 MB to 816 MB. Now sign-in reads
/// at most 4 KB, and the limiter keeps fixed-size keys with a cap.
#[test]
fn huge_usernames_at_sign_in_do_not_grow_the_server() {
    let server = Server::start();
    assert_eq!(
        login_from(&server, HOME, "volunteer", "volunteer-demo").status,
        200
    );
    let before = rss_kb(server.pid());

    let huge = "u".repeat(4 * 1024 * 1024);
    let body = json!({ "username": huge, "password": "x", "device_id": "d" }).to_string();
    let (mut refused, mut cut) = (0, 0);
    for n in 0..1_000u32 {
        let from = stranger((n % 100) as u8);
        let answer = request_from(
            from,
            &server.url,
            "POST",
            "/api/login",
            None,
            body.as_bytes(),
        );
        match answer.status {
            413 => refused += 1,
            0 => cut += 1,
            other => panic!("a 4 MB username got {other}: {answer:?}"),
        }
    }
    let after_huge = rss_kb(server.pid());

    // Usernames that fit the 4 KB limit but can be no account: answered like any wrong
    // password, and limited per address without being stored as keys.
    let long = "x".repeat(1_000);
    let mut statuses = Vec::new();
    for _ in 0..110 {
        statuses.push(login_from(&server, stranger(200), &long, "guess").status);
    }
    assert!(statuses[..100].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[100..].iter().all(|s| *s == 429), "{statuses:?}");
    let after = rss_kb(server.pid());
    println!(
        "server RSS: {before} kB after start; {after_huge} kB after 1,000 sign-ins with 4 MB \
         usernames ({refused} answered 413, {cut} cut off while sending); {after} kB after 110 \
         more with 1,000-byte usernames"
    );
    assert!(
        after_huge < before + 20 * 1024,
        "grew from {before} to {after_huge} kB"
    );
    assert!(
        after < before + 40 * 1024,
        "grew from {before} to {after} kB"
    );
    assert_eq!(
        login_from(&server, HOME, "volunteer", "volunteer-demo").status,
        200
    );
}

/// Item 6: an unknown username answered in 3.8 ms and a wrong password in 22 ms, so anyone
/// could list the accounts. Now both take one Argon2 run.
#[test]
fn unknown_usernames_and_wrong_passwords_take_the_same_time() {
    let server = Server::start();
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    let mut too_long = Vec::new();
    for n in 0..15 {
        let account = ["volunteer", "coordinator", "supervisor"][n % 3];
        let started = Instant::now();
        let answer = login_from(&server, HOME, account, "not-the-password");
        wrong.push(started.elapsed());
        assert_eq!(answer.status, 401);

        let started = Instant::now();
        let answer = login_from(&server, HOME, &format!("nobody-{n}"), "not-the-password");
        unknown.push(started.elapsed());
        assert_eq!(answer.status, 401);
        assert_eq!(answer.body["code"], "bad_credentials");

        let started = Instant::now();
        let answer = login_from(&server, HOME, &"n".repeat(65 + n), "not-the-password");
        too_long.push(started.elapsed());
        assert_eq!(answer.status, 401);
    }
    let (unknown, wrong, too_long) = (median(unknown), median(wrong), median(too_long));
    println!("median sign-in time: unknown user {unknown:?}, wrong password {wrong:?}, impossible username {too_long:?}");
    for (what, time) in [("unknown user", unknown), ("impossible username", too_long)] {
        let ratio = time.as_secs_f64() / wrong.as_secs_f64();
        assert!(
            (0.6..1.6).contains(&ratio),
            "{what} {time:?} vs wrong password {wrong:?}"
        );
    }
}

/// Item 7: ten wrong passwords from one address, and the right one from another got 429: ten
/// requests every five minutes kept a named person out.
#[test]
fn a_stranger_cannot_lock_a_named_account_out() {
    let server = Server::start();
    let statuses: Vec<u16> = (0..12)
        .map(|_| login_from(&server, stranger(1), "volunteer", "guess").status)
        .collect();
    assert_eq!(statuses[..10], [401; 10], "{statuses:?}");
    assert_eq!(statuses[10..], [429; 2], "{statuses:?}");
    assert_eq!(
        login_from(&server, stranger(1), "volunteer", "volunteer-demo").status,
        429,
        "the guessing address stays held back for that name"
    );
    let answer = login_from(&server, HOME, "volunteer", "volunteer-demo");
    assert_eq!(answer.status, 200, "{answer:?}");

    // Stronger: guesses from several addresses pass the account's failure threshold. Its
    // attempts are then spaced out (about one a second), and the owner still gets in.
    for _ in 0..10 {
        assert_eq!(
            login_from(&server, stranger(2), "volunteer", "guess").status,
            401
        );
    }
    for _ in 0..2 {
        assert_eq!(
            login_from(&server, stranger(3), "volunteer", "guess").status,
            401
        );
    }
    let started = Instant::now();
    let answer = login_from(&server, HOME, "volunteer", "volunteer-demo");
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let failed = count(
        &server,
        "SELECT COUNT(*) FROM audit WHERE action = 'login_failed'",
    );
    assert_eq!(
        failed, 22,
        "every refused guess after the limit cost nothing"
    );
}

/// Item 8: a cursor past i64 and an invite naming a borough twice were answered 500.
#[test]
fn an_overflowing_cursor_and_a_repeated_borough_are_not_server_errors() {
    let server = Server::start();
    let volunteer = server.demo("volunteer", "phone");
    for cursor in ["9223372036854775808", "18446744073709551615"] {
        let body = format!("{{\"cursor\":{cursor},\"push\":[]}}");
        let answer = request_from(
            HOME,
            &server.url,
            "POST",
            "/api/sync",
            Some(&volunteer.token),
            body.as_bytes(),
        );
        assert_eq!(answer.status, 400, "{answer:?}");
        assert!(answer.body["message"].as_str().unwrap().contains("cursor"));
    }
    let (status, body) = volunteer.post_raw("/api/sync", &json!({ "cursor": 0, "push": [] }));
    assert_eq!(status, 200, "{body}");

    let coordinator = server.demo("coordinator", "laptop");
    let (status, body) = coordinator.post_raw(
        "/api/users",
        &json!({ "username": "twice", "display_name": "Twice", "areas": [BARNET, BARNET] }),
    );
    assert_eq!(status, 200, "{body}");
    let twice = server.login("twice", body["temporary_password"].as_str().unwrap(), "p");
    assert_eq!(twice.get_raw("/api/me").1["areas"], json!([BARNET]));
}

/// Item 9: half-sent requests stayed open for ever, and 300 of them starved a server limited
/// to 256 open files. (The connection cap fits itself under the file limit.)
#[test]
fn half_sent_requests_are_cut_off_and_the_server_keeps_answering() {
    let server = Server::start_with_file_limit(
        256,
        &["--header-timeout-secs", "2", "--body-timeout-secs", "2"],
    );
    let started = Instant::now();
    let mut held = Vec::new();
    for n in 0..300 {
        let mut stream = raw::connect_from(HOME, &server.url);
        let sent: &[u8] = match n % 3 {
            0 => b"",
            1 => b"POST /api/login HTTP/1.1\r\nHost: stallside\r\nContent-Ty",
            _ => b"POST /api/login HTTP/1.1\r\nHost: stallside\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"username\":",
        };
        stream.write_all(sent).unwrap();
        held.push(stream);
    }

    let answer = request_from(HOME, &server.url, "GET", "/api/me", None, b"");
    assert_eq!(answer.status, 401, "{answer:?}");
    println!(
        "an honest request behind 300 half-sent ones answered after {:?}",
        started.elapsed()
    );

    for (n, mut stream) in held.into_iter().enumerate() {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!(
                "connection {n} still open after {:?}: {e}",
                started.elapsed()
            ),
        }
        if n % 3 == 2 {
            let answer = raw::parse(&answer);
            assert_eq!(answer.status, 400, "a stalled body: {answer:?}");
        }
    }
    println!("all 300 closed by {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(
        login_from(&server, HOME, "volunteer", "volunteer-demo").status,
        200
    );
}

/// Item 9, the slow drip: a body sent a byte at a time, each within the body timeout, is
/// still cut off when the whole request runs past its deadline.
#[test]
fn a_body_sent_a_byte_at_a_time_is_cut_off_at_the_request_deadline() {
    let server = Server::start_in(
        common::fresh_dir(),
        &[
            "--demo",
            "--body-timeout-secs",
            "2",
            "--request-timeout-secs",
            "3",
        ],
    );
    let mut stream = raw::connect_from(HOME, &server.url);
    stream
        .write_all(b"POST /api/login HTTP/1.1\r\nHost: stallside\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut answer = Vec::new();
    let mut byte = [0u8; 4096];
    while started.elapsed() < Duration::from_secs(15) {
        match stream.read(&mut byte) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&byte[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                let _ = stream.write_all(b" ");
            }
            Err(e) => panic!("{e}"),
        }
    }
    let answer = raw::parse(&answer);
    assert_eq!(
        (answer.status, answer.body["code"].as_str()),
        (408, Some("timeout")),
        "{answer:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        login_from(&server, HOME, "volunteer", "volunteer-demo").status,
        200
    );
}

fn csp_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Items 10 and 13: no hardening headers on the app or the API, and Trunk's 15-digit hashed
/// names served `no-cache`. The pages here have Trunk's shape: its module loader and the
/// phone app's service-worker registration inline.
#[test]
fn the_app_and_api_carry_hardening_headers_and_hashed_assets_are_immutable() {
    let dist = common::fresh_dir();
    let loader = "\nimport init from '/stallside-app-10cadf4611e4a5f.js';\nconst wasm = await init({ module_or_path: '/stallside-app-10cadf4611e4a5f_bg.wasm' });\n";
    let register = "\n      if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js'); }\n    ";
    let staff_loader =
        "\nimport init from '/staff/stallside-staff-0123456789abcdef.js';\nawait init();\n";
    std::fs::write(
        dist.join("index.html"),
        format!("<!doctype html><html><head><link rel=\"modulepreload\" href=\"/stallside-app-10cadf4611e4a5f.js\"></head><body><script>{register}</script><script type=\"module\">{loader}</script></body></html>"),
    )
    .unwrap();
    std::fs::create_dir_all(dist.join("staff")).unwrap();
    std::fs::write(
        dist.join("staff/index.html"),
        format!("<!doctype html><html><body><script type=\"module\">{staff_loader}</script></body></html>"),
    )
    .unwrap();
    std::fs::write(
        dist.join("stallside-app-10cadf4611e4a5f.js"),
        "export default 1;",
    )
    .unwrap();
    std::fs::write(dist.join("stallside-app-10cadf4611e4a5f_bg.wasm"), b"\0asm").unwrap();
    let server = Server::start_with_dist(&dist);
    let get = |path: &str| request_from(HOME, &server.url, "GET", path, None, b"");

    std::fs::write(
        dist.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    for path in [
        "/",
        "/staff/",
        "/api/me",
        "/api/nothing",
        "/sw.js",
        "/stallside-app-10cadf4611e4a5f.js",
        "/stallside-app-10cadf4611e4a5f_bg.wasm",
    ] {
        let answer = get(path);
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        // A module script or WASM runs under the policy of the page that loads it.
        if path.starts_with("/stallside-app-") {
            assert_eq!(answer.header("content-security-policy"), None, "{path}");
            continue;
        }
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            answer.header("cross-origin-opener-policy"),
            Some("same-origin"),
            "{path}"
        );
        let csp = answer.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        if path.starts_with("/api/") {
            assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        } else {
            for script in [loader, register, staff_loader] {
                assert!(csp.contains(&csp_hash(script)), "{path}: {csp}");
            }
            assert!(
                csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
                "{csp}"
            );
        }
    }
    assert_eq!(get("/").status, 200);
    assert_eq!(get("/staff/").status, 200);
    println!(
        "app CSP: {}",
        get("/").header("content-security-policy").unwrap()
    );

    for asset in [
        "/stallside-app-10cadf4611e4a5f.js",
        "/stallside-app-10cadf4611e4a5f_bg.wasm",
    ] {
        let answer = get(asset);
        assert_eq!(answer.status, 200, "{asset}");
        assert_eq!(
            answer.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{asset}"
        );
    }
    assert_eq!(get("/").header("cache-control"), Some("no-cache"));

    // A new build deployed under the running server: its loader is allowed at once.
    let new_loader = "\nimport init from '/stallside-app-fedcba9876543210.js';\nawait init();\n";
    let page = dist.join("index.html");
    std::fs::write(
        &page,
        format!("<script type=\"module\">{new_loader}</script>"),
    )
    .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&page)
        .unwrap()
        .set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    let csp = get("/")
        .header("content-security-policy")
        .unwrap()
        .to_owned();
    assert!(csp.contains(&csp_hash(new_loader)), "{csp}");
    assert!(!csp.contains(&csp_hash(loader)), "{csp}");
    let _ = std::fs::remove_dir_all(&dist);
}

/// Item 10: CSV cells starting with a full-width `＝` (and TAB, CR, space) were not
/// neutralised; an event name is the way a coordinator's text reaches an export.
#[test]
fn formula_starters_in_exported_cells_are_neutralised() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let event: Value = coordinator.post(
        "/api/events",
        &json!({ "name": "＝HYPERLINK(\"http://evil.example\",\"x\")", "date": "2026-11-28",
                 "venue": "＋Library", "venue_type": "library", "borough": ISLINGTON }),
    );
    let event_id = event["id"].as_str().unwrap();
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    phone.record(severe_check(&phone, event_id), None);
    phone.sync().unwrap();
    let csv = common::request(
        &server.url,
        "GET",
        "/api/reports/export/tables/by_event",
        Some(&coordinator.token),
        None,
    )
    .1;
    let csv = csv.as_str().unwrap();
    assert!(
        csv.contains("\"'＝HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")"),
        "{csv}"
    );
    assert!(!csv.contains(",＝"), "{csv}");
}

/// Item 11: a date of 2026-99-99, a display name of a million characters (after which the
/// account list was 2 MB), empty names, and control and bidi characters were all stored.
#[test]
fn staff_typed_text_and_dates_are_checked_and_named() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let event = |name: &str, venue: &str, date: &str| {
        coordinator.post_raw(
            "/api/events",
            &json!({ "name": name, "date": date, "venue": venue, "venue_type": "library",
                     "borough": ISLINGTON }),
        )
    };
    let events_before = count(&server, "SELECT COUNT(*) FROM events");
    for (name, venue, date, field) in [
        ("Stall", "Library", "2026-99-99", "Date"),
        ("Stall", "Library", "2026-02-29", "Date"),
        ("Stall", "Library", "21/11/2026", "Date"),
        ("Sta\u{202E}ll", "Library", "2026-11-28", "Event name"),
        ("Stall\u{0}", "Library", "2026-11-28", "Event name"),
        ("   ", "Library", "2026-11-28", "Event name"),
        ("Stall", "Lib\u{7}rary", "2026-11-28", "Venue"),
        ("Stall", "Lib\u{2066}rary", "2026-11-28", "Venue"),
    ] {
        let (status, body) = event(name, venue, date);
        assert_eq!(status, 400, "{name:?} {venue:?} {date}: {body}");
        assert!(
            body["message"].as_str().unwrap().starts_with(field),
            "{field}: {body}"
        );
    }
    assert_eq!(count(&server, "SELECT COUNT(*) FROM events"), events_before);
    assert_eq!(event("Stall", "Library", "2028-02-29").0, 200);

    let users_before = count(&server, "SELECT COUNT(*) FROM users");
    let huge = "A".repeat(1_000_000);
    let long_username = "a".repeat(65);
    for (username, display_name, field) in [
        ("huge", huge.as_str(), "Display name"),
        ("empty", "", "Display name"),
        ("blank", "   ", "Display name"),
        ("bidi", "Ana\u{202E}lirpa", "Display name"),
        ("ana\u{202E}", "Ana", "Username"),
        ("ana\u{0}", "Ana", "Username"),
        ("ana smith", "Ana", "Username"),
        ("", "Ana", "Username"),
        (long_username.as_str(), "Ana", "Username"),
    ] {
        let (status, body) = coordinator.post_raw(
            "/api/users",
            &json!({ "username": username, "display_name": display_name, "areas": [ISLINGTON] }),
        );
        assert_eq!(status, 400, "{username:?}: {body}");
        assert!(
            body["message"].as_str().unwrap().starts_with(field),
            "{field}: {body}"
        );
    }
    assert_eq!(count(&server, "SELECT COUNT(*) FROM users"), users_before);
    let (status, body) = coordinator.post_raw(
        "/api/users",
        &json!({ "username": "Ana.Smith", "display_name": "Ana Smith", "areas": [ISLINGTON] }),
    );
    assert_eq!(status, 200, "{body}");
    let (status, users) = coordinator.get_raw("/api/users");
    assert_eq!(status, 200);
    assert!(users.to_string().len() < 10_000);
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "ana.smith"));
}

/// Item 12: another borough's coordinator got 409 "outside your boroughs" for a real record
/// but 404 for an unknown one, and another borough's supervisor learned a flag's state from
/// the error. Every staff endpoint now answers "not yours" exactly as "not there".
#[test]
fn another_borough_cannot_tell_a_real_record_from_a_missing_one() {
    let server = Server::start();
    for role in ["coordinator", "supervisor"] {
        let name = format!("camden-{role}");
        add_user(
            &server.data_dir,
            &name,
            role,
            CAMDEN,
            &format!("{name}-pass"),
        );
    }
    let coordinator = server.demo("coordinator", "laptop");
    let event_id = islington_event(&coordinator);
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let flagged = phone.record(severe_check(&phone, &event_id), Some("07700 900123"));
    let healthy = with_readings(severe_check(&phone, &event_id), vec![Reading::bp(118, 76)]);
    let unflagged = phone.record(healthy, None);
    phone.sync().unwrap();
    let supervisor = server.demo("supervisor", "laptop-s");
    let _: Value = supervisor.post(&format!("/api/flags/{flagged}/claim"), &json!({}));

    let camden_coordinator = server.login("camden-coordinator", "camden-coordinator-pass", "c1");
    let camden_supervisor = server.login("camden-supervisor", "camden-supervisor-pass", "c2");
    let missing = uuid::Uuid::new_v4();
    let review = json!({ "state": "has_issues", "comment": "Recheck the cuff size" });
    let calls: Vec<(&Client, &str, String, Option<Value>)> = vec![
        (
            &camden_coordinator,
            "POST",
            "/api/records/{}/review".into(),
            Some(review.clone()),
        ),
        (
            &camden_supervisor,
            "POST",
            "/api/flags/{}/claim".into(),
            Some(json!({})),
        ),
        (
            &camden_supervisor,
            "POST",
            "/api/flags/{}/attempts".into(),
            Some(json!({ "reached": false })),
        ),
        (
            &camden_supervisor,
            "POST",
            "/api/flags/{}/close".into(),
            Some(json!({ "outcome": "declined" })),
        ),
        (
            &camden_supervisor,
            "GET",
            "/api/flags/{}/contact".into(),
            None,
        ),
    ];
    for (client, method, path, body) in &calls {
        let ask = |id: &uuid::Uuid| {
            common::request(
                &server.url,
                method,
                &path.replace("{}", &id.to_string()),
                Some(&client.token),
                body.as_ref(),
            )
        };
        let (real, missing) = (ask(&flagged), ask(&missing));
        assert_eq!(real.0, 404, "{method} {path}: {real:?}");
        assert_eq!(real, missing, "{method} {path}: the same answer");
    }
    // A supervisor sees flagged readings only: an unflagged one is not there for them either.
    let (status, _) = supervisor.post_raw(&format!("/api/flags/{unflagged}/claim"), &json!({}));
    assert_eq!(status, 404);

    let row: (String, String, Option<String>) = server
        .sqlite()
        .query_row(
            "SELECT review_state, follow_up_state, claimed_by FROM checks WHERE id = ?1",
            [flagged.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "received".into(),
            "claimed".into(),
            Some(supervisor.user_id.clone())
        )
    );
    assert_eq!(count(&server, "SELECT COUNT(*) FROM contacts"), 1);
    let (status, events) = camden_coordinator.get_raw("/api/events");
    assert_eq!(
        (status, events),
        (200, json!([])),
        "no other borough's events"
    );

    // The honest paths.
    let (status, body) = coordinator.post_raw(&format!("/api/records/{flagged}/review"), &review);
    assert_eq!(status, 204, "{body}");
    let (status, body) = supervisor.get_raw(&format!("/api/flags/{flagged}/contact"));
    assert_eq!((status, body["phone"].as_str()), (200, Some("07700900123")));
}
