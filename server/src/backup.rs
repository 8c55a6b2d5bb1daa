//! Backups that are known to restore: copies of the live database taken with SQLite's online
//! backup while the server keeps running (by `stallside-server backup PATH`, or on a schedule
//! with `--backup-dir`), each checked with `PRAGMA integrity_check` before it counts, and
//! `stallside-server restore`, which refuses a copy that is corrupt or not a Stallside
//! database and restores only into a fresh data directory, so a restore can never overwrite
//! live data.
//!
//! A scheduled copy is written as `stallside-YYYY-MM-DDTHHMMSS.mmmZ.sqlite`, named by the
//! moment its snapshot was taken (UTC): every sync acknowledged before that moment is in it.
//! It is written under a `.partial` name and renamed only once verified, so every file with
//! the final name is complete and sound; the oldest beyond `--backup-keep` are deleted.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use metrics::{counter, gauge, histogram};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::db::SCHEMA_VERSION;
use crate::error::ApiError;
use crate::metrics::{BACKUPS, BACKUP_SECONDS, LAST_BACKUP};

/// The start of a scheduled copy's file name.
const PREFIX: &str = "stallside-";
/// The end of a scheduled copy's file name.
const SUFFIX: &str = ".sqlite";
/// The end of a copy being written or verified.
const PARTIAL: &str = ".partial";
/// How often a backup step that finds the database locked is tried again, and the pause.
const BUSY_RETRIES: usize = 2_000;
const BUSY_PAUSE: Duration = Duration::from_millis(5);
/// Tables every Stallside database has, from the first schema on.
const STALLSIDE_TABLES: &[&str] = &["users", "sessions", "actors", "documents", "checks"];

/// Copies the database at `source` to `target` and verifies the copy.
pub fn run(source: &Path, target: &Path) -> Result<(), ApiError> {
    copy(source, target)?;
    verify(target)
}

/// Copies the database in one step of the online backup, so the copy is one consistent
/// snapshot (a reader in WAL mode does not hold up the writer meanwhile).
fn copy(source: &Path, target: &Path) -> Result<(), ApiError> {
    let from = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut to = Connection::open(target)?;
    copy_pages(&from, &mut to)?;
    // A single self-contained file: no write-ahead log beside it to lose when it is copied
    // or renamed (the server turns WAL on again when it opens a restored copy).
    to.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// Every page of `from` into `to` in one step, retrying while the database is locked.
fn copy_pages(from: &Connection, to: &mut Connection) -> Result<(), ApiError> {
    let backup = Backup::new(from, to)?;
    for _ in 0..BUSY_RETRIES {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ => std::thread::sleep(BUSY_PAUSE),
        }
    }
    Err(ApiError::Internal(
        "the database stayed busy during the backup",
    ))
}

/// Checks that `path` is a sound Stallside database this server can open: SQLite's
/// `integrity_check` passes, the Stallside tables are there, and its schema version is one
/// this server knows (older ones are migrated when served).
pub fn verify(path: &Path) -> Result<(), ApiError> {
    let refused = |why: String| ApiError::BadRequest(format!("{}: {why}", path.display()));
    if !path.is_file() {
        return Err(refused("no such file".into()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| refused(format!("cannot be opened ({e})")))?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()
        })
        .map_err(|e| refused(format!("is not a readable SQLite database ({e})")))?;
    if problems != ["ok"] {
        let first = problems.first().cloned().unwrap_or_default();
        return Err(refused(format!("fails SQLite's integrity check ({first})")));
    }
    let version: usize = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| refused(format!("has no schema version ({e})")))?;
    for table in STALLSIDE_TABLES {
        let found: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
                [table],
                |row| row.get(0),
            )
            .map_err(|e| refused(format!("cannot be read ({e})")))?;
        if !found {
            return Err(refused(format!(
                "is not a Stallside database (no {table} table)"
            )));
        }
    }
    if !(1..=SCHEMA_VERSION).contains(&version) {
        return Err(refused(format!(
            "has schema version {version}; this server knows 1 to {SCHEMA_VERSION}"
        )));
    }
    Ok(())
}

/// `stallside-server restore --from FILE --data-dir DIR`: verifies the copy, then restores it
/// into `data_dir`, which must be new or empty. The restored file is verified again before it
/// takes the database's name.
pub fn restore(from: &Path, data_dir: &Path) -> Result<(), ApiError> {
    verify(from)?;
    let occupied = std::fs::read_dir(data_dir)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if occupied {
        return Err(ApiError::Conflict(format!(
            "{} is not empty: restore into a new data directory, then point the server at it",
            data_dir.display()
        )));
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|_| ApiError::Internal("cannot create the data directory"))?;
    let target = data_dir.join("stallside.sqlite");
    let partial = data_dir.join(format!("stallside.sqlite{PARTIAL}"));
    let restored = run(from, &partial).and_then(|()| {
        std::fs::rename(&partial, &target)
            .map_err(|_| ApiError::Internal("cannot rename the restored database"))
    });
    if restored.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    restored
}

/// When to take scheduled copies, where, and how many to keep.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The folder of the copies.
    pub dir: PathBuf,
    /// The time between two copies.
    pub every: Duration,
    /// How many verified copies to keep; older ones are deleted.
    pub keep: usize,
}

impl Schedule {
    /// Takes a copy of `database` every `self.every` for as long as the server runs, after
    /// clearing copies left half-written by an earlier run.
    pub fn spawn(self, database: PathBuf) -> Result<(), ApiError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|_| ApiError::Internal("cannot create the backup directory"))?;
        for stale in files_ending(&self.dir, PARTIAL)
            .into_iter()
            .chain(files_ending(&self.dir, &format!("{PARTIAL}-wal")))
            .chain(files_ending(&self.dir, &format!("{PARTIAL}-shm")))
        {
            let _ = std::fs::remove_file(stale);
        }
        tokio::spawn(async move {
            let mut every = tokio::time::interval(self.every);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            every.tick().await;
            loop {
                every.tick().await;
                let (schedule, database) = (self.clone(), database.clone());
                let taken = tokio::task::spawn_blocking(move || {
                    schedule.take(&database, SystemTime::now())
                })
                .await;
                if taken.is_err() {
                    tracing::error!("backup task failed");
                }
            }
        });
        Ok(())
    }

    /// Takes, verifies and keeps one copy named by `now`, then deletes the oldest beyond the
    /// number kept. A copy that fails verification is logged and deleted.
    pub fn take(&self, database: &Path, now: SystemTime) -> Option<PathBuf> {
        let started = Instant::now();
        let name = file_name(now);
        let partial = self.dir.join(format!("{name}{PARTIAL}"));
        let done = self.dir.join(&name);
        let result = run(database, &partial).and_then(|()| {
            std::fs::rename(&partial, &done)
                .map_err(|_| ApiError::Internal("cannot rename the backup"))
        });
        let seconds = started.elapsed().as_secs_f64();
        histogram!(BACKUP_SECONDS).record(seconds);
        match result {
            Ok(()) => {
                counter!(BACKUPS, "result" => "ok").increment(1);
                gauge!(LAST_BACKUP).set(
                    now.duration_since(UNIX_EPOCH)
                        .unwrap_or_default()
                        .as_secs_f64(),
                );
                let bytes = std::fs::metadata(&done).map_or(0, |m| m.len());
                tracing::info!(file = %name, bytes, seconds, "backup taken and verified");
                self.rotate();
                Some(done)
            }
            Err(error) => {
                counter!(BACKUPS, "result" => "failed").increment(1);
                tracing::error!(file = %name, %error, "backup failed verification and was deleted");
                let _ = std::fs::remove_file(&partial);
                None
            }
        }
    }

    /// Deletes the oldest verified copies beyond the number kept.
    fn rotate(&self) {
        let mut copies = copies(&self.dir);
        let extra = copies.len().saturating_sub(self.keep.max(1));
        for old in copies.drain(..extra) {
            if let Err(error) = std::fs::remove_file(&old) {
                tracing::warn!(%error, file = %old.display(), "old backup not deleted");
            }
        }
    }
}

/// The verified scheduled copies in `dir`, oldest first.
pub fn copies(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = files_ending(dir, SUFFIX)
        .into_iter()
        .filter(|path| taken_at(path).is_some())
        .collect();
    found.sort();
    found
}

/// The files in `dir` whose names end with `suffix`.
fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(suffix))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The name of a copy whose snapshot is taken at `at`: it sorts in time order.
fn file_name(at: SystemTime) -> String {
    let ms = at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let day = stallside_shared::calendar::date(ms);
    let of_day = ms.rem_euclid(86_400_000);
    let (h, m, s, milli) = (
        of_day / 3_600_000,
        of_day / 60_000 % 60,
        of_day / 1000 % 60,
        of_day % 1000,
    );
    format!("{PREFIX}{day}T{h:02}{m:02}{s:02}.{milli:03}Z{SUFFIX}")
}

/// When the snapshot of a scheduled copy was taken, read from its name: every sync
/// acknowledged before then is in the copy.
pub fn taken_at(path: &Path) -> Option<SystemTime> {
    let name = path.file_name()?.to_str()?;
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (day, time) = stamp.split_once('T')?;
    let time = time.strip_suffix('Z')?;
    let (hms, milli) = time.split_once('.')?;
    if hms.len() != 6 || milli.len() != 3 {
        return None;
    }
    let number = |text: &str| text.parse::<u64>().ok();
    let of_day = number(&hms[0..2])? * 3_600_000
        + number(&hms[2..4])? * 60_000
        + number(&hms[4..6])? * 1000
        + number(milli)?;
    let day_ms = u64::try_from(stallside_shared::calendar::day_ms(day)?).ok()?;
    Some(UNIX_EPOCH + Duration::from_millis(day_ms + of_day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_names_sort_in_time_order_and_give_their_time_back() {
        let at = UNIX_EPOCH + Duration::from_millis(1_795_316_701_123);
        let name = file_name(at);
        assert_eq!(name, "stallside-2026-11-22T030501.123Z.sqlite");
        assert_eq!(taken_at(Path::new(&name)), Some(at));
        let later = file_name(at + Duration::from_millis(900));
        assert!(later > name);
        assert_eq!(taken_at(Path::new("stallside-notes.sqlite")), None);
        assert_eq!(taken_at(Path::new("stallside.sqlite")), None);
    }
}
