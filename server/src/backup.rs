//! `stallside-server backup PATH`: a consistent copy of the live database, taken with SQLite's
//! online backup while the server keeps running.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::error::ApiError;

/// Copies the database at `source` to `target`.
pub fn run(source: &Path, target: &Path) -> Result<(), ApiError> {
    let from = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut to = Connection::open(target)?;
    let backup = Backup::new(&from, &mut to)?;
    backup.run_to_completion(256, Duration::from_millis(5), None)?;
    Ok(())
}
