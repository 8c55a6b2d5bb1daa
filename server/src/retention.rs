//! The retention sweep: contact numbers past the programme's retention period are erased,
//! even while their flag is open (the supervisors' queue has shown the warning for the days
//! before: [`stallside_shared::retention`]). Runs at start and every hour; audited with a count,
//! never a number.

use std::time::Duration;

use rusqlite::{params, Connection, TransactionBehavior};
use stallside_shared::clock::now_ms;
use stallside_shared::retention::{contact_retention, ContactRetention};
use stallside_shared::triage::ProgrammeSettings;

use crate::audit::{self, Action};
use crate::db::Db;
use crate::error::ApiError;

/// How often the sweep runs.
const EVERY: Duration = Duration::from_secs(3_600);

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Contact numbers erased.
    pub erased: usize,
    /// Contact numbers inside their warning period (shown in the supervisors' queue).
    pub warned: usize,
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
    tx.commit()?;
    Ok(swept)
}

/// Sweeps now and then every hour for as long as the server runs.
pub fn spawn(db: Db, settings: ProgrammeSettings) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match db.write(move |conn| sweep(conn, &settings, now_ms())).await {
                Ok(swept) => tracing::info!(
                    erased = swept.erased,
                    warned = swept.warned,
                    "retention sweep"
                ),
                Err(error) => tracing::error!(%error, "retention sweep failed"),
            }
        }
    });
}
