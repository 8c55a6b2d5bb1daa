//! Backups that restore: the drill (backups every second while a phone pushes 5,000 checks,
//! the server SIGKILLed, the newest backup restored into a fresh data directory and served),
//! and `restore` refusing corrupt or foreign copies and occupied data directories.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

use common::checks::checks;
use common::phone::Phone;
use common::raw::request_from;
use common::{fresh_dir, Server};
use stallside_server::backup::{copies, taken_at};
use uuid::Uuid;

/// Runs the server's command line with `args`.
fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stallside-server"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run stallside-server")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `restore --from FILE --data-dir DIR`; the command's output on failure.
fn restore(from: &Path, data_dir: &Path) -> Result<(), String> {
    let output = cli(&[
        "restore",
        "--from",
        path(from),
        "--data-dir",
        path(data_dir),
    ]);
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// SQLite's own verdict on a database file.
fn integrity(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .expect("open")
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

/// A metric's value on the server's page (0 if absent).
fn metric(server: &Server, series: &str) -> f64 {
    let page = request_from(
        std::net::Ipv4Addr::LOCALHOST,
        &server.url,
        "GET",
        "/metrics",
        None,
        b"",
    );
    page.body
        .as_str()
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn restore_drill_backups_every_second_sigkill_restore_and_serve() {
    let backups = fresh_dir();
    let server = Server::start_in(
        fresh_dir(),
        &[
            "--demo",
            "--backup-dir",
            path(&backups),
            "--backup-every",
            "1s",
            "--backup-keep",
            "3",
        ],
    );
    let mut phone = Phone::new(server.demo("volunteer", "drill-phone"));
    let mut acknowledged: Vec<(Uuid, SystemTime)> = Vec::new();
    let pushing = Instant::now();
    for batch in 0..20u64 {
        let new: Vec<Uuid> = checks(&phone, 250, 1 + batch * 250)
            .into_iter()
            .map(|check| phone.record(check, None))
            .collect();
        let report = phone.sync().expect("sync");
        assert_eq!(report.accepted, 250, "{:?}", report.rejected.first());
        let at = SystemTime::now();
        acknowledged.extend(new.into_iter().map(|id| (id, at)));
        // Spread the pushes over a few seconds, so backups fall between them.
        std::thread::sleep(Duration::from_millis(150));
    }
    let pushed_in = pushing.elapsed();
    let taken = metric(&server, "stallside_backups_total{result=\"ok\"}");
    let failed = metric(&server, "stallside_backups_total{result=\"failed\"}");
    let backup_seconds = metric(&server, "stallside_backup_seconds_sum") / taken.max(1.0);
    let data_dir = server.kill();

    assert!(taken >= 2.0, "{taken} backups taken while pushing");
    assert_eq!(failed, 0.0);
    let kept = copies(&backups);
    assert!((1..=3).contains(&kept.len()), "kept {kept:?}");
    let newest = kept.last().expect("a backup").clone();
    let snapshot = taken_at(&newest).expect("time in the name");
    let covered: Vec<Uuid> = acknowledged
        .iter()
        .filter(|(_, at)| *at < snapshot)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        !covered.is_empty(),
        "the newest backup was taken after some acknowledgements"
    );

    let restored_dir = fresh_dir().join("restored");
    let restoring = Instant::now();
    restore(&newest, &restored_dir).expect("restore the newest backup");
    let restored_in = restoring.elapsed();
    let restored = Server::start_in(restored_dir.clone(), &["--demo"]);
    let (status, body) = restored.get("/readyz", None);
    assert!(status == 200 || status == 503, "{status} {body}");
    assert_eq!(body["database_writable"], true);
    assert_eq!(integrity(&restored_dir.join("stallside.sqlite")), "ok");
    let present: HashSet<String> = {
        let conn = restored.sqlite();
        let mut statement = conn.prepare("SELECT id FROM documents").expect("query");
        let ids = statement
            .query_map([], |r| r.get(0))
            .expect("ids")
            .collect::<Result<_, _>>()
            .expect("ids");
        ids
    };
    let missing = covered
        .iter()
        .filter(|id| !present.contains(&id.to_string()))
        .count();
    assert_eq!(
        missing, 0,
        "records acknowledged before the backup are missing"
    );
    // The restored server serves them: the volunteer's own records come back in a pull.
    let mut fresh_phone = Phone::new(restored.demo("volunteer", "drill-phone-2"));
    let pulled = fresh_phone.sync().expect("pull from the restored server");
    assert_eq!(pulled.pulled, present.len());

    let bytes = std::fs::metadata(&newest).map_or(0, |m| m.len());
    eprintln!(
        "restore drill: 5,000 checks pushed in {:.2} s; {taken} backups (mean {backup_seconds:.3} s \
         each, copy and integrity check); newest backup {:.1} MB holds {} of {} acknowledged \
         ({} acknowledged before its snapshot); restored in {:.2} s",
        pushed_in.as_secs_f64(),
        bytes as f64 / 1e6,
        present.len(),
        acknowledged.len(),
        covered.len(),
        restored_in.as_secs_f64()
    );
    drop(restored);
    for dir in [backups, data_dir, restored_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn restore_refuses_corrupt_and_foreign_copies_and_occupied_data_dirs() {
    let server = Server::start();
    let mut phone = Phone::new(server.demo("volunteer", "restore-phone"));
    for check in checks(&phone, 2, 7) {
        phone.record(check, None);
    }
    assert_eq!(phone.sync().expect("sync").accepted, 2);
    let dir = fresh_dir();
    let copy = dir.join("copy.sqlite");
    let output = cli(&["backup", path(&copy), "--data-dir", path(&server.data_dir)]);
    assert!(output.status.success(), "{output:?}");

    // A sound copy restores into a new directory, once.
    let target = dir.join("fresh");
    restore(&copy, &target).expect("restore a sound copy");
    let restored = rusqlite::Connection::open(target.join("stallside.sqlite")).expect("open");
    let documents: i64 = restored
        .query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0))
        .expect("count");
    assert_eq!(documents, 2);
    let again = restore(&copy, &target).expect_err("an occupied data dir is refused");
    assert!(again.contains("not empty"), "{again}");

    // A copy with damaged pages is refused and leaves nothing behind.
    let mut bytes = std::fs::read(&copy).expect("read copy");
    let page = 4096;
    for start in (page..bytes.len().saturating_sub(page)).step_by(page) {
        bytes[start..start + 64].fill(0xA5);
    }
    let corrupt = dir.join("corrupt.sqlite");
    std::fs::write(&corrupt, &bytes).expect("write corrupt copy");
    let into = dir.join("from-corrupt");
    let refused = restore(&corrupt, &into).expect_err("a corrupt copy is refused");
    assert!(
        refused.contains("integrity") || refused.contains("not a readable"),
        "{refused}"
    );
    assert!(!into.join("stallside.sqlite").exists());

    // Not a database, and a database that is not Stallside's.
    let junk = dir.join("junk.sqlite");
    std::fs::write(&junk, b"not a database at all, just some bytes").expect("write");
    assert!(restore(&junk, &dir.join("from-junk")).is_err());
    let foreign = dir.join("foreign.sqlite");
    rusqlite::Connection::open(&foreign)
        .expect("open")
        .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hello');")
        .expect("foreign db");
    let refused = restore(&foreign, &dir.join("from-foreign")).expect_err("foreign refused");
    assert!(refused.contains("not a Stallside database"), "{refused}");
    let _ = std::fs::remove_dir_all(dir);
}
