//! SQLite: one writer connection, a few readers, WAL, migrations.
//!
//! All writes go through the one writer, so transactions never contend and the global
//! sequence is assigned in commit order. `synchronous = FULL`: in WAL mode that syncs the log
//! on every commit, so a sync acknowledged to a phone survives power loss, not just a crash;
//! the cost is one fsync per sync batch, which batching makes small.

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
}

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
        })
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

fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
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
