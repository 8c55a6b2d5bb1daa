//! The retention sweep: contact numbers past the programme's retention period are erased,
//! even while their flag is open (the supervisors' queue has shown the warning for the days
//! before: [`stallside_shared::retention`]), and checks older than the programme's M years are
//! pseudonymised further ([`pseudonymise`] says what goes). Runs at start and every hour with
//! the settings in force then; audited with counts, never a number or an id.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::{params, Connection, Transaction, TransactionBehavior};
use stallside_shared::calendar::month_start_ms;
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::retention::{
    contact_retention, pseudonymise, pseudonymise_cutoff, ContactRetention,
};
use stallside_shared::triage::{assess, ProgrammeSettings, TriageInput};

use crate::audit::{self, Action};
use crate::db::{next_seq, Db};
use crate::error::ApiError;
use crate::settings::LivePolicy;
use crate::sync::projection::project;

/// How often the sweep runs.
const EVERY: Duration = Duration::from_secs(3_600);

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Contact numbers erased.
    pub erased: usize,
    /// Contact numbers inside their warning period (shown in the supervisors' queue).
    pub warned: usize,
    /// Checks pseudonymised because they passed the programme's M years.
    pub pseudonymised: usize,
}

/// Applies the retention schedule at `now_ms` (the caller's clock, so tests choose the day).
pub fn sweep(
    conn: &mut Connection,
    settings: &ProgrammeSettings,
    now_ms: i64,
) -> Result<Swept, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let held: Vec<(String, i64)> = {
        let mut statement = tx.prepare_cached("SELECT record_id, added_at_ms FROM contacts")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut swept = Swept::default();
    for (record_id, added_at_ms) in held {
        match contact_retention(added_at_ms, now_ms, settings) {
            ContactRetention::Erase => {
                tx.execute(
                    "DELETE FROM contacts WHERE record_id = ?1",
                    params![record_id],
                )?;
                swept.erased += 1;
            }
            ContactRetention::Warn { .. } => swept.warned += 1,
            ContactRetention::Keep => {}
        }
    }
    if swept.erased > 0 {
        audit::record(
            &tx,
            None,
            Action::Retention,
            &format!("contact numbers erased {}", swept.erased),
        )?;
    }
    swept.pseudonymised = pseudonymise_old(&tx, settings, now_ms)?;
    if swept.pseudonymised > 0 {
        audit::record(
            &tx,
            None,
            Action::Retention,
            &format!("checks pseudonymised {}", swept.pseudonymised),
        )?;
    }
    tx.commit()?;
    Ok(swept)
}

/// The author of the one change a pseudonymised document is rebuilt from: the server's
/// retention sweep, the same on every server, bound to no user (its history reads "created").
fn retention_actor() -> ActorId {
    ActorId::from(&b"stallside-retain"[..])
}

/// Replaces each check older than M years (and not yet done) with its pseudonymised record in
/// a new document with no history, rewrites its row (the received time to its month too),
/// drops any contact number, and leaves a tombstone in the sync sequence so phones drop their
/// copies. The row's sequence number moves on, so the reports' facts pick up the new row.
fn pseudonymise_old(
    tx: &Transaction,
    settings: &ProgrammeSettings,
    now_ms: i64,
) -> Result<usize, ApiError> {
    let due: Vec<(String, Vec<u8>)> = {
        let mut statement = tx.prepare_cached(
            "SELECT c.id, d.doc FROM checks c JOIN documents d ON d.id = c.id
             WHERE c.recorded_at_ms <= ?1
               AND NOT EXISTS (SELECT 1 FROM pseudonymised p WHERE p.id = c.id)",
        )?;
        let rows = statement.query_map(params![pseudonymise_cutoff(now_ms, settings)], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let meta = ChangeMeta {
        actor: retention_actor(),
        time_secs: month_start_ms(now_ms) / 1000,
    };
    let unreadable = |_| ApiError::Internal("stored document unreadable");
    for (id, bytes) in &due {
        let record = RecordDoc::load(bytes)
            .map_err(unreadable)?
            .record()
            .map_err(unreadable)?;
        let kept = pseudonymise(&record);
        let mut doc = RecordDoc::create(&kept, &meta).map_err(unreadable)?;
        let heads: Vec<String> = doc.heads().iter().map(ToString::to_string).collect();
        let seq = next_seq(tx)?;
        tx.execute(
            "UPDATE documents SET seq = ?2, heads = ?3, doc = ?4, holder_device = NULL WHERE id = ?1",
            params![id, seq, heads.join(","), doc.save()],
        )?;
        let assessment = assess(&TriageInput::from_check(&kept.check), settings);
        project(tx, seq, &kept, &assessment, now_ms)?;
        let received: i64 = tx.query_row(
            "SELECT received_at_ms FROM checks WHERE id = ?1",
            params![id],
            |row| row.get(0),
        )?;
        tx.execute(
            "UPDATE checks SET received_at_ms = ?2 WHERE id = ?1",
            params![id, month_start_ms(received)],
        )?;
        tx.execute("DELETE FROM contacts WHERE record_id = ?1", params![id])?;
        tx.execute(
            "INSERT INTO pseudonymised (id, seq, at_ms) VALUES (?1, ?2, ?3)",
            params![id, seq, now_ms],
        )?;
    }
    Ok(due.len())
}

/// Sweeps now and then every hour for as long as the server runs, each time with the
/// settings coordinators have set by then.
pub fn spawn(db: Db, policy: Arc<LivePolicy>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let settings = policy.get().settings;
            match db.write(move |conn| sweep(conn, &settings, now_ms())).await {
                Ok(swept) => tracing::info!(
                    erased = swept.erased,
                    warned = swept.warned,
                    pseudonymised = swept.pseudonymised,
                    "retention sweep"
                ),
                Err(error) => tracing::error!(%error, "retention sweep failed"),
            }
        }
    });
}
