//! SQLite: one writer connection, a few readers, WAL, migrations.
//!
//! All writes go through the one writer, so transactions never contend and the global
//! sequence is assigned in commit order. `synchronous = FULL`: in WAL mode that syncs the log
//! on every commit, so a sync acknowledged to a phone survives power loss, not just a crash;
//! the cost is one fsync per commit, which batching and group commit (syncs from many phones
//! sharing one transaction, [`Db::write_grouped`]) make small.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use crate::error::ApiError;

const MIGRATIONS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("002_flag_queue.sql"),
    include_str!("003_devices.sql"),
    include_str!("004_erasure.sql"),
    include_str!("005_main_language.sql"),
    include_str!("006_cards.sql"),
    include_str!("007_events.sql"),
    include_str!("008_escalation.sql"),
    include_str!("009_governance.sql"),
    include_str!("010_holder.sql"),
];
const READERS: usize = 4;

/// The schema version (`PRAGMA user_version`) this server migrates databases to: a backup
/// restores only if its version is at most this.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// The database handle shared by every request.
#[derive(Clone)]
pub struct Db {
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Vec<Mutex<Connection>>>,
    group: Arc<Mutex<Group>>,
}

/// Writes waiting to share the next commit, and whether a thread is committing groups.
#[derive(Default)]
struct Group {
    waiting: Vec<GroupedWrite>,
    leading: bool,
}

/// One grouped write: runs inside the group's transaction and returns how to answer its
/// caller once the commit has (or has not) reached the disk.
type GroupedWrite = Box<dyn FnOnce(&Connection) -> Answer + Send>;

/// Tells a grouped write's caller the outcome; `true` when the group committed.
type Answer = Box<dyn FnOnce(bool) + Send>;

impl Db {
    /// Opens (creating and migrating if needed) the database file.
    pub fn open(path: &Path) -> Result<Self, ApiError> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrate(&mut writer)?;
        let readers = (0..READERS)
            .map(|_| {
                let conn = Connection::open(path)?;
                configure(&conn)?;
                Ok(Mutex::new(conn))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(Db {
            writer: Arc::new(Mutex::new(writer)),
            readers: Arc::new(readers),
            group: Arc::default(),
        })
    }

    /// Runs `work` in a savepoint of a transaction it shares with the other grouped writes
    /// waiting at the time (group commit), and answers only after that transaction commits.
    /// Two hundred phones syncing at once then cost a few fsyncs rather than two hundred,
    /// while each write still stands or falls alone: an error rolls back its savepoint only.
    pub async fn write_grouped<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let write: GroupedWrite = Box::new(move |conn| {
            let result = in_savepoint(conn, work);
            Box::new(move |committed| {
                let _ = answer.send(if committed {
                    result
                } else {
                    Err(ApiError::Internal("the database did not commit"))
                });
            })
        });
        let lead = {
            let mut group = lock(&self.group);
            group.waiting.push(write);
            !std::mem::replace(&mut group.leading, true)
        };
        if lead {
            let db = self.clone();
            tokio::task::spawn_blocking(move || db.commit_groups());
        }
        answered
            .await
            .map_err(|_| ApiError::Internal("database task failed"))?
    }

    /// Runs `work` on the writer connection off the async runtime.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        tokio::task::spawn_blocking(move || work(&mut lock(&writer)))
            .await
            .map_err(|_| ApiError::Internal("database task failed"))?
    }

    /// Runs `work` on a reader connection off the async runtime.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let conn = readers
                .iter()
                .find_map(|r| r.try_lock().ok())
                .unwrap_or_else(|| lock(&readers[0]));
            work(&conn)
        })
        .await
        .map_err(|_| ApiError::Internal("database task failed"))?
    }

    /// The writer, for start-up work and the command line (not for request handlers).
    pub fn writer_blocking(&self) -> MutexGuard<'_, Connection> {
        lock(&self.writer)
    }
}

impl Db {
    /// Commits the waiting grouped writes, one transaction a round, until none wait.
    fn commit_groups(&self) {
        let mut writer = lock(&self.writer);
        loop {
            let waiting = {
                let mut group = lock(&self.group);
                if group.waiting.is_empty() {
                    group.leading = false;
                    return;
                }
                std::mem::take(&mut group.waiting)
            };
            commit_group(&mut writer, waiting);
        }
    }
}

/// One round of group commit. A write that panics is answered with an error and the rest
/// go on; if the transaction cannot begin, the writes are dropped unrun and their callers
/// see the database task fail.
fn commit_group(conn: &mut Connection, waiting: Vec<GroupedWrite>) {
    let Ok(tx) = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) else {
        return;
    };
    let answers: Vec<Option<Answer>> = waiting
        .into_iter()
        .map(|write| {
            let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write(&tx)));
            if answer.is_err() {
                // Its savepoint is still open: undo what it did before it panicked.
                let _ = tx.execute_batch("ROLLBACK TO grouped_write; RELEASE grouped_write");
            }
            answer.ok()
        })
        .collect();
    let committed = tx.commit().is_ok();
    for answer in answers.into_iter().flatten() {
        answer(committed);
    }
}

/// Runs `work` in a savepoint: kept if it succeeds, rolled back if it fails.
fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    conn.execute_batch("SAVEPOINT grouped_write")?;
    match work(conn) {
        Ok(value) => {
            conn.execute_batch("RELEASE grouped_write")?;
            Ok(value)
        }
        Err(error) => {
            conn.execute_batch("ROLLBACK TO grouped_write; RELEASE grouped_write")?;
            Err(error)
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection) -> Result<(), ApiError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), ApiError> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Takes the next number of the global sequence (inside the caller's transaction).
pub fn next_seq(conn: &Connection) -> Result<u64, ApiError> {
    Ok(conn
        .prepare_cached("UPDATE sequence SET value = value + 1 WHERE only_row = 1 RETURNING value")?
        .query_row([], |row| row.get(0))?)
}

/// Reads a closed-list code from a column. A code this build does not know is an error, never
/// a silent default, so a row written by a newer version is not misreported.
pub fn coded<T: stallside_shared::Vocab>(row: &rusqlite::Row, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    T::parse_code(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(UnknownCode(text)),
        )
    })
}

/// A closed-list code the running version does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(String);

/// The one rule of who sees a check by area, as SQL: its borough is one the user works in.
/// `column` is the check's borough column and `user` the parameter holding the user's id.
pub fn in_areas_of(column: &str, user: &str) -> String {
    format!("{column} IN (SELECT borough FROM user_areas WHERE user_id = {user})")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many writes at once share commits, yet each stands or falls alone: the failing ones
    /// leave nothing behind, every caller is answered, and the sequence has no gaps.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn grouped_writes_stand_or_fall_alone() {
        let dir = std::env::temp_dir().join(format!("stallside-group-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open(&dir.join("test.sqlite3")).unwrap();
        let writes: Vec<_> = (0..60)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.write_grouped(move |conn| {
                        let seq = next_seq(conn)?;
                        conn.execute(
                            "INSERT INTO audit (at_ms, user_id, action, detail) VALUES (?1, NULL, 'test', ?2)",
                            rusqlite::params![seq as i64, i.to_string()],
                        )?;
                        if i % 3 == 0 {
                            return Err(ApiError::BadRequest(format!("write {i} refused")));
                        }
                        Ok(seq)
                    })
                    .await
                })
            })
            .collect();
        let mut kept = Vec::new();
        for (i, write) in writes.into_iter().enumerate() {
            match write.await.unwrap() {
                Ok(seq) => kept.push(seq),
                Err(ApiError::BadRequest(reason)) => {
                    assert_eq!(reason, format!("write {i} refused"))
                }
                Err(other) => panic!("write {i}: {other:?}"),
            }
        }
        assert_eq!(kept.len(), 40);
        kept.sort_unstable();
        assert_eq!(
            kept,
            (1..=40).collect::<Vec<u64>>(),
            "no gaps from the refused writes"
        );
        let reader = db.read(|conn| {
            Ok(conn.query_row(
                "SELECT COUNT(*), COUNT(DISTINCT detail) FROM audit WHERE action = 'test'",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )?)
        });
        assert_eq!(reader.await.unwrap(), (40, 40));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
