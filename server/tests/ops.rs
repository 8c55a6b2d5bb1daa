//! Operations endpoints on the real server: `/healthz` and `/readyz` for supervisors and load
//! balancers, and `/metrics`, which only the configured addresses may read and whose counters
//! move with real syncs; logs in JSON when asked.

mod common;

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::checks::{healthy, severe};
use common::phone::Phone;
use common::raw::request_from;
use common::{fresh_dir, Server};

const OTHER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// The metrics page as read from loopback.
fn scrape(server: &Server) -> String {
    let answer = request_from(LOOPBACK, &server.url, "GET", "/metrics", None, b"");
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert!(answer
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/plain")));
    answer.body.as_str().expect("text page").to_owned()
}

/// The value of the first series of the page whose line starts with `name` and holds every
/// one of `labels` (0 if there is none).
fn value(page: &str, name: &str, labels: &[&str]) -> f64 {
    page.lines()
        .filter(|line| !line.starts_with('#'))
        .find(|line| {
            line.split([' ', '{']).next() == Some(name) && labels.iter().all(|l| line.contains(l))
        })
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn health_answers_and_readiness_follows_the_database_and_facts() {
    let server = Server::start();
    let (status, body) = server.get("/healthz", None);
    assert_eq!((status, body.as_str()), (200, Some("ok")));
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        let (status, body) = server.get("/readyz", None);
        if status == 200 {
            break body;
        }
        assert_eq!(status, 503, "{body}");
        assert!(Instant::now() < deadline, "never ready: {body}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(body["database_writable"], true);
    assert_eq!(body["facts_loaded"], true);
    // Readiness writes nothing.
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 0);
}

#[test]
fn metrics_are_refused_to_addresses_not_allowed() {
    let server = Server::start();
    let refused = request_from(OTHER, &server.url, "GET", "/metrics", None, b"");
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    assert!(!refused.body.to_string().contains("stallside_"));
    assert!(scrape(&server).contains("stallside_database_bytes"));
    // Health stays open to everyone, as a load balancer on another host needs.
    let health = request_from(OTHER, &server.url, "GET", "/healthz", None, b"");
    assert_eq!(health.status, 200);

    let only_other = Server::start_in(fresh_dir(), &["--demo", "--metrics-allow", "127.0.0.2/32"]);
    let allowed = request_from(OTHER, &only_other.url, "GET", "/metrics", None, b"");
    assert_eq!(allowed.status, 200);
    let refused = request_from(LOOPBACK, &only_other.url, "GET", "/metrics", None, b"");
    assert_eq!(refused.status, 403);
}

#[test]
fn counters_move_after_a_sync() {
    let server = Server::start();
    let before = scrape(&server);
    let accepted = |page: &str| value(page, "stallside_sync_documents_total", &["accepted"]);

    let mut phone = Phone::new(server.demo("volunteer", "metrics-phone"));
    let first = healthy(&phone, 1);
    let second = healthy(&phone, 2);
    let flagged = severe(&phone);
    for check in [first, second, flagged] {
        phone.record(check, None);
    }
    let report = phone.sync().expect("volunteer sync");
    assert_eq!(report.accepted, 3);

    // A coordinator may not write a volunteer's check: refused, with a code.
    let mut staff = Phone::new(server.demo("coordinator", "metrics-laptop"));
    let check = healthy(&phone, 3);
    staff.record(check, None);
    let report = staff.sync().expect("coordinator sync");
    let (_, code, _) = report.rejected.first().expect("refused").clone();

    let after = scrape(&server);
    assert_eq!(accepted(&after) - accepted(&before), 3.0, "{after}");
    let code_label = format!("code=\"{code}\"");
    assert_eq!(
        value(
            &after,
            "stallside_sync_documents_total",
            &["rejected", &code_label]
        ),
        1.0,
        "{after}"
    );
    assert!(value(&after, "stallside_sync_requests_total", &["status=\"200\""]) >= 2.0);
    assert!(value(&after, "stallside_sync_judge_seconds_count", &[]) >= 2.0);
    assert!(value(&after, "stallside_sync_commit_seconds_count", &[]) >= 2.0);
    assert_eq!(
        value(&after, "stallside_open_flags", &["band=\"severe\""]),
        1.0
    );
    assert_eq!(
        value(&after, "stallside_open_flags", &["band=\"stage1\""]),
        0.0
    );
    assert_eq!(value(&after, "stallside_overdue_flags", &[]), 0.0);
    assert!(value(&after, "stallside_database_bytes", &["file=\"main\""]) > 0.0);
    // No personal data or identifiers in the page: no user, device or record.
    for secret in [&phone.client.user_id, "metrics-phone"] {
        assert!(!after.contains(secret), "{secret} in the metrics");
    }
    for id in phone.records.keys() {
        assert!(!after.contains(&id.to_string()));
    }
}

#[test]
fn logs_are_json_objects_when_asked() {
    let dir = fresh_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_stallside-server"))
        .args(["--demo", "--bind", "127.0.0.1:0", "--log-format", "json"])
        .args(["--backup-every", "1s", "--backup-dir"])
        .arg(dir.join("backups"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--dist")
        .arg(dir.join("no-dist"))
        .env("RUST_LOG", "stallside_server=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start stallside-server");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let backup = loop {
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .expect("a backup logged within 30 s");
        let object: serde_json::Value = serde_json::from_str(&line).expect("a JSON object a line");
        if object["fields"]["message"] == "backup taken and verified" {
            break object;
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(backup["level"], "INFO");
    assert!(backup["fields"]["file"]
        .as_str()
        .is_some_and(|f| f.starts_with("stallside-")));
    let _ = std::fs::remove_dir_all(dir);
}
