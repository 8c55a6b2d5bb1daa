//! The pull half of sync: documents this user may see that changed after the cursor, a page
//! at a time, read in one snapshot so the cursor never skips a commit.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use stallside_shared::crdt::Role;
use stallside_shared::sync::client::same_heads;
use stallside_shared::sync::wire::{Event, PulledDoc};
use uuid::Uuid;

use crate::auth::Session;
use crate::error::ApiError;
use crate::events;
use crate::sync::projection::{read_summary, SUMMARY_COLUMNS};

/// One page of the pull.
pub struct Page {
    /// Documents to merge.
    pub docs: Vec<PulledDoc>,
    /// The cursor for the next request.
    pub cursor: u64,
    /// Whether more documents wait.
    pub more: bool,
    /// Events changed after the request's cursor.
    pub events: Vec<Event>,
    /// Records erased after the request's cursor, up to the new cursor.
    pub erased: Vec<Uuid>,
}

impl Page {
    /// No page: the answer to a push-only request, which leaves the phone's cursor as it was.
    pub fn none(cursor: u64) -> Self {
        Page {
            docs: Vec::new(),
            cursor,
            more: false,
            events: Vec::new(),
            erased: Vec::new(),
        }
    }
}

/// Reads one page after `cursor`. A volunteer pulls their own records; documents the client
/// already holds in full (it pushed the server's state, in this request or an earlier one)
/// are passed over, not sent back. Coordinators and supervisors pull events and settings
/// only: their screens read the server's views, which leave out what they may not see (the
/// area code, the person's goal), and a whole document would carry those fields and their
/// history.
pub fn page(
    conn: &Connection,
    session: &Session,
    cursor: u64,
    page_size: u32,
    client_heads: &HashMap<Uuid, Vec<String>>,
) -> Result<Page, ApiError> {
    let tx = conn.unchecked_transaction()?;
    let latest: u64 = tx.query_row("SELECT value FROM sequence", [], |row| row.get(0))?;
    let events = events::changed_since(&tx, &session.areas, cursor)?;
    if session.role != Role::Volunteer {
        let next = latest.max(cursor);
        return Ok(Page {
            docs: Vec::new(),
            cursor: next,
            more: false,
            events,
            erased: erased_between(&tx, cursor, next)?,
        });
    }
    let mut statement = tx.prepare_cached(&format!(
        "SELECT d.id, d.seq, d.heads, d.holder_device, d.doc, {SUMMARY_COLUMNS}
         FROM checks c JOIN documents d ON d.id = c.id
         WHERE c.seq > ?1 AND c.volunteer_id = ?3 ORDER BY c.seq LIMIT ?2"
    ))?;
    let mut rows = statement.query(params![cursor, page_size + 1, session.user_id])?;
    let mut docs = Vec::new();
    let mut last_seq = cursor;
    let mut more = false;
    let mut seen = 0;
    while let Some(row) = rows.next()? {
        if seen == page_size {
            more = true;
            break;
        }
        seen += 1;
        last_seq = row.get(1)?;
        // Most passed-over rows are what this phone has just pushed: they are passed over
        // before their id and heads are read.
        let holder: Option<String> = row.get(3)?;
        if holder.as_deref() == Some(session.device_id.as_str()) {
            continue;
        }
        let id: String = row.get(0)?;
        let id = Uuid::parse_str(&id).map_err(|_| ApiError::Internal("stored id unreadable"))?;
        let heads: String = row.get(2)?;
        let heads: Vec<String> = heads.split(',').map(str::to_owned).collect();
        if client_heads
            .get(&id)
            .is_some_and(|client| same_heads(client, &heads))
        {
            continue;
        }
        docs.push(PulledDoc {
            id,
            doc: row.get(4)?,
            heads,
            summary: Some(read_summary(row, 5)?),
        });
    }
    drop(rows);
    drop(statement);
    let next = if more { last_seq } else { latest.max(cursor) };
    Ok(Page {
        docs,
        cursor: next,
        more,
        events,
        erased: erased_between(&tx, cursor, next)?,
    })
}

/// Records erased, or pseudonymised after the programme's M years, after `cursor` up to
/// `next`: every phone drops its copy (a pseudonymised record's old copy still holds what was
/// cut, in its history). Every user is told of every one: a record can sit on a phone whose
/// current user did not make it or no longer works in its borough (a shared stall phone, a
/// volunteer who moved), and the id is random and says nothing about anyone. Both are rare,
/// so the list stays short.
fn erased_between(conn: &Connection, cursor: u64, next: u64) -> Result<Vec<Uuid>, ApiError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, seq FROM erased WHERE seq > ?1 AND seq <= ?2
         UNION ALL SELECT id, seq FROM pseudonymised WHERE seq > ?1 AND seq <= ?2
         ORDER BY seq",
    )?;
    let ids = statement.query_map(params![cursor, next], |row| row.get::<_, String>(0))?;
    ids.map(|id| Uuid::parse_str(&id?).map_err(|_| ApiError::Internal("stored id unreadable")))
        .collect()
}
