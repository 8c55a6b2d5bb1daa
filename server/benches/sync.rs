//! Stallside's server-side benchmarks against DESIGN.md's budgets, on loopback with the real
//! release server binary and real SQLite files:
//!
//! - one phone pushing 1,000 and 5,000 new checks (wall time, checks per second, bytes on the
//!   wire per check against the check's own JSON, server CPU);
//! - 200 phones pushing 50 checks each at once (p50 and p99 sync latency, errors);
//! - each of those three times, reporting the median run and every run's figure;
//! - a fresh phone pulling 5,000 records;
//! - the coordinator dashboard (unfiltered, by borough, over a quarter's date range), the
//!   published (suppressed) quarter and the supervisor queue over 1,000,000 records.
//!
//! `STALLSIDE_BENCH` (comma-separated, any of `ingest`, `phones`, `reports`; all when unset)
//! runs only some parts, for profiling and before/after runs.
//!
//! Prints a table and writes `target/bench/server.json` and `target/bench/checks-5000.json`
//! (the 5,000 checks as JSON, for the PouchDB peer in `e2e/bench-pouchdb.mjs`); leaves `target/bench/phone-5000`, a
//! data directory with 5,000 records of the demo volunteer, for the browser benchmark.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::phone::{now, Phone};
use common::{Client, Server, BARNET, ISLINGTON};
use serde_json::{json, Value};
use stallside_server::auth::{password, token};
use stallside_server::db::Db;
use stallside_server::users::{self, NewUser};
use stallside_shared::crdt::Role;
use stallside_shared::record::{CheckRecord, VenueType};
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::triage::{assess, ProgrammeSettings, TriageInput};

/// Runs of each push measure; the median run is reported.
const RUNS: usize = 3;
const PHONES: usize = 200;
const PER_PHONE: usize = 50;
const REPORT_RECORDS: usize = 1_000_000;

fn main() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).expect("bench dir");
    let path = out.join("server.json");
    let only = std::env::var("STALLSIDE_BENCH").ok();
    // A partial run keeps the other parts' figures from the last full run.
    let mut results = match (&only, std::fs::read(&path)) {
        (Some(_), Ok(bytes)) => serde_json::from_slice(&bytes).unwrap_or_default(),
        _ => serde_json::Map::new(),
    };
    let wanted = |part: &str| {
        only.as_deref()
            .is_none_or(|list| list.split(',').any(|p| p == part))
    };

    for n in [1_000, 5_000].into_iter().filter(|_| wanted("ingest")) {
        let mut runs = Vec::with_capacity(RUNS);
        let mut server = None;
        for _ in 0..RUNS {
            let (result, started) = ingest(n);
            runs.push(result);
            server = Some(started);
        }
        let server = server.expect("at least one run");
        let result = median_run(runs, "wall_ms");
        println!(
            "ingest {n:>5}: {:>7.0} ms (runs {}), {:>6.0} checks/s, {:>5.0} B/check on the wire (JSON {:>4.0} B, ratio {:.2}), server CPU {:.2} s ({:.3} ms a check), phone CPU {:.2} s",
            result["wall_ms"].as_f64().unwrap(),
            result["runs_wall_ms"],
            result["checks_per_second"].as_f64().unwrap(),
            result["wire_bytes_per_check"].as_f64().unwrap(),
            result["json_bytes_per_check"].as_f64().unwrap(),
            result["wire_to_json_ratio"].as_f64().unwrap(),
            result["server_cpu_seconds"].as_f64().unwrap(),
            result["server_cpu_ms_per_check"].as_f64().unwrap(),
            result["phone_cpu_seconds"].as_f64().unwrap(),
        );
        results.insert(format!("ingest_{n}"), result);
        if n == 5_000 {
            let pulled = pull(&server);
            println!(
                "pull   5000: {:>7.0} ms, {:>5.0} B/record received",
                pulled["wall_ms"].as_f64().unwrap(),
                pulled["bytes_per_record"].as_f64().unwrap()
            );
            results.insert("pull_5000".into(), pulled);
            let keep = out.join("phone-5000");
            let _ = std::fs::remove_dir_all(&keep);
            let dir = server.kill();
            std::fs::rename(&dir, &keep).expect("keep the 5,000-record data directory");
        }
    }

    if wanted("phones") {
        let many = median_run((0..RUNS).map(|_| many_phones()).collect(), "p99_ms");
        println!(
            "{PHONES} phones x {PER_PHONE}: p50 {:.0} ms, p99 {:.0} ms (runs {}), max {:.0} ms, errors {}, server CPU {:.2} s ({:.3} ms a check)",
            many["p50_ms"].as_f64().unwrap(),
            many["p99_ms"].as_f64().unwrap(),
            many["runs_p99_ms"],
            many["max_ms"].as_f64().unwrap(),
            many["errors"],
            many["server_cpu_seconds"].as_f64().unwrap(),
            many["server_cpu_ms_per_check"].as_f64().unwrap()
        );
        results.insert("phones_200".into(), many);
    }

    if wanted("reports") {
        results.insert("reports_1m".into(), print_reports(reports_over_a_million()));
    }
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&Value::Object(results)).unwrap(),
    )
    .expect("write results");
    println!("results: {}", path.display());
}

/// Of several runs of one measure, the one with the median `key`, with every run's `key`
/// beside it as `runs_<key>`: this 2-core machine's timings swing by a third from one minute
/// to the next, so a single run says little.
fn median_run(mut runs: Vec<Value>, key: &str) -> Value {
    runs.sort_by(|a, b| {
        a[key]
            .as_f64()
            .unwrap()
            .total_cmp(&b[key].as_f64().unwrap())
    });
    let all: Vec<i64> = runs
        .iter()
        .map(|run| run[key].as_f64().unwrap().round() as i64)
        .collect();
    let mut median = runs.swap_remove(runs.len() / 2);
    median[format!("runs_{key}")] = json!(all);
    median
}

fn print_reports(reports: Value) -> Value {
    println!(
        "dashboard over {REPORT_RECORDS}: first {:.0} ms, then median {:.0} ms; a quarter's date range {:.0} ms; \
         published (suppressed) quarter {:.0} ms; supervisor queue median {:.0} ms",
        reports["dashboard_first_ms"].as_f64().unwrap(),
        reports["dashboard_median_ms"].as_f64().unwrap(),
        reports["dashboard_date_range_median_ms"].as_f64().unwrap(),
        reports["published_quarter_median_ms"].as_f64().unwrap(),
        reports["queue_median_ms"].as_f64().unwrap()
    );
    reports
}

fn stall(volunteer: &str, borough: &str) -> Stall {
    Stall {
        event_id: "bench-event".into(),
        volunteer_id: volunteer.into(),
        borough: borough.into(),
        venue_type: VenueType::Market,
    }
}

/// One phone, `n` new checks, one sync.
fn ingest(n: usize) -> (Value, Server) {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "bench-phone"));
    let stall = stall(&phone.client.user_id, ISLINGTON);
    let mut json_bytes = 0usize;
    let mut records = Vec::with_capacity(n);
    for seed in 0..n as u64 {
        let check = synthetic::check(seed, &stall, now() - 60_000);
        let id = phone.record(check, None);
        let record = phone.record_of(id);
        json_bytes += serde_json::to_vec(&record).unwrap().len();
        records.push(record);
    }
    if n == 5_000 {
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
        std::fs::write(
            out.join("checks-5000.json"),
            serde_json::to_vec(&records).unwrap(),
        )
        .expect("write the checks for the PouchDB peer");
    }
    let cpu_before = server.cpu_seconds();
    let phone_cpu_before = common::cpu_seconds("self");
    let started = Instant::now();
    let report = phone.sync().expect("sync");
    let wall = started.elapsed();
    assert_eq!(report.accepted, n, "every check accepted");
    let cpu = server.cpu_seconds() - cpu_before;
    // The phone's own work in the timed window (building each request from its documents,
    // JSON, gzip, applying the answers), which runs on the same two cores.
    let phone_cpu = common::cpu_seconds("self") - phone_cpu_before;
    let wire = report.bytes_sent + report.bytes_received;
    let result = json!({
        "checks": n,
        "requests": report.requests,
        "wall_ms": wall.as_secs_f64() * 1000.0,
        "checks_per_second": n as f64 / wall.as_secs_f64(),
        "wire_bytes_per_check": wire as f64 / n as f64,
        "json_bytes_per_check": json_bytes as f64 / n as f64,
        "wire_to_json_ratio": wire as f64 / json_bytes as f64,
        "server_cpu_seconds": cpu,
        "server_cpu_ms_per_check": cpu * 1000.0 / n as f64,
        "phone_cpu_seconds": phone_cpu,
    });
    (result, server)
}

/// A fresh phone of the same volunteer pulls everything.
fn pull(server: &Server) -> Value {
    let mut phone = Phone::new(server.demo("volunteer", "bench-second-phone"));
    let started = Instant::now();
    let report = phone.sync().expect("pull");
    let wall = started.elapsed();
    json!({
        "records": report.pulled,
        "requests": report.requests,
        "wall_ms": wall.as_secs_f64() * 1000.0,
        "bytes_per_record": report.bytes_received as f64 / report.pulled.max(1) as f64,
    })
}

/// 200 phones, each with its own volunteer account and session, push 50 checks at once.
fn many_phones() -> Value {
    let server = Server::start();
    let clients = volunteers(&server, PHONES);
    // The phones build their checks before the barrier; the server is idle until they sync.
    let cpu_before = server.cpu_seconds();
    let barrier = Arc::new(Barrier::new(PHONES));
    let handles: Vec<_> = clients
        .into_iter()
        .map(|client| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut phone = Phone::new(client);
                let stall = stall(&phone.client.user_id, BARNET);
                for seed in 0..PER_PHONE as u64 {
                    phone.record(synthetic::check(seed, &stall, now() - 60_000), None);
                }
                barrier.wait();
                let started = Instant::now();
                let result = phone.sync();
                let ok = matches!(&result, Ok(r) if r.accepted == PER_PHONE);
                (started.elapsed(), ok)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for handle in handles {
        let (elapsed, ok) = handle.join().expect("phone thread");
        latencies.push(elapsed);
        errors += usize::from(!ok);
    }
    let cpu = server.cpu_seconds() - cpu_before;
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    let stored: i64 = server
        .sqlite()
        .query_row("SELECT COUNT(*) FROM checks", [], |r| r.get(0))
        .unwrap();
    json!({
        "phones": PHONES,
        "checks_per_phone": PER_PHONE,
        "p50_ms": ms(at(0.5)),
        "p99_ms": ms(at(0.99)),
        "max_ms": ms(*latencies.last().unwrap()),
        "errors": errors,
        "stored": stored,
        "server_cpu_seconds": cpu,
        "server_cpu_ms_per_check": cpu * 1000.0 / (PHONES * PER_PHONE) as f64,
    })
}

/// Volunteer accounts with sessions, made directly in the database: 200 sign-ins would hit
/// the sign-in rate limit, which is there to stop exactly that.
fn volunteers(server: &Server, n: usize) -> Vec<Client> {
    let db = Db::open(&server.data_dir.join("stallside.sqlite")).expect("open db");
    let hash = password::hash("bench-volunteer-password").unwrap();
    let conn = db.writer_blocking();
    (0..n)
        .map(|i| {
            let user = NewUser {
                username: format!("bench-volunteer-{i}"),
                display_name: format!("Volunteer {i}"),
                role: Role::Volunteer,
                areas: vec![BARNET.into()],
                email: None,
                phone: None,
            };
            let user_id = users::create(&conn, &user, &hash).unwrap();
            let secret = token::new_token().unwrap();
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, device_id, created_at_ms, expires_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![token::hash(&secret), user_id, format!("device-{i}"), now(), now() + 86_400_000],
            )
            .unwrap();
            Client { url: server.url.clone(), token: secret, user_id, device: format!("device-{i}") }
        })
        .collect()
}

/// 1,000,000 records projected straight into SQL (as sync would), then the dashboard and queue.
fn reports_over_a_million() -> Value {
    let dir = common::fresh_dir();
    {
        let db = Db::open(&dir.join("stallside.sqlite")).expect("open db");
        let mut conn = db.writer_blocking();
        let tx = conn.transaction().unwrap();
        let settings = ProgrammeSettings::default();
        let boroughs = [BARNET, ISLINGTON];
        for i in 0..REPORT_RECORDS {
            let stall = Stall {
                event_id: format!("event-{}", i % 1_000),
                volunteer_id: format!("volunteer-{}", i % 300),
                borough: boroughs[i % 2].into(),
                venue_type: VenueType::ALL[i % VenueType::ALL.len()],
            };
            let at = 1_735_689_600_000 + (i as i64) * 30_000;
            let check = synthetic::check(i as u64, &stall, at);
            let assessment = assess(&TriageInput::from_check(&check), &settings);
            let mut record = CheckRecord::new(
                uuid::Uuid::from_u128(i as u128 + 1),
                check,
                assessment.is_flagged(),
            );
            if assessment.is_flagged() && i % 5 != 0 {
                record.follow_up.state = stallside_shared::record::FollowUpState::Closed;
                record.follow_up.closed_at_ms = Some(at + 3_600_000);
            }
            stallside_server::sync::project(&tx, i as u64 + 1, &record, &assessment, at).unwrap();
        }
        tx.execute("UPDATE sequence SET value = ?1", [REPORT_RECORDS as i64])
            .unwrap();
        tx.commit().unwrap();
    }
    let server = Server::start_in(dir, &["--demo"]);
    let coordinator = server.demo("coordinator", "bench-laptop");
    let supervisor = server.demo("supervisor", "bench-laptop-s");
    let time = |client: &Client, path: &str| {
        let started = Instant::now();
        let (status, body) = client.get_raw(path);
        assert_eq!(status, 200, "{path}");
        (started.elapsed(), body)
    };
    let (first, body) = time(&coordinator, "/api/reports/dashboard");
    assert_eq!(body["totals"]["checks"], REPORT_RECORDS);
    let median = |client: &Client, path: &str| {
        let mut runs: Vec<Duration> = (0..7).map(|_| time(client, path).0).collect();
        runs.sort();
        runs[3]
    };
    json!({
        "records": REPORT_RECORDS,
        "dashboard_first_ms": ms(first),
        "dashboard_median_ms": ms(median(&coordinator, "/api/reports/dashboard")),
        "dashboard_filtered_median_ms": ms(median(&coordinator, &format!("/api/reports/dashboard?borough={BARNET}"))),
        "dashboard_date_range_median_ms": ms(median(&coordinator, "/api/reports/dashboard?from=2025-04-01&to=2025-06-30")),
        "published_quarter_median_ms": ms(median(&coordinator, "/api/reports/published?quarter=2025-26-Q1")),
        "queue_median_ms": ms(median(&supervisor, "/api/flags")),
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
