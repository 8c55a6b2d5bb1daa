//! Email escalation: an emergency flag, and a flag past its deadline, is emailed to the
//! supervisors of its borough, so it reaches someone who has no queue open. Off unless an SMTP
//! server is configured.
//!
//! An email holds the band and a link to the staff app, never the reading, the number or a
//! name: mail passes through servers the programme does not run. What was sent is remembered
//! (`escalations`), so each flag is emailed once per reason, and a failed send is tried again
//! at the next wake. The task wakes after every commit (an emergency goes out as soon as the
//! check that raised it is stored) and on a timer (a deadline passes without a commit).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rusqlite::{params, Connection};
use stallside_shared::clock::now_ms;
use stallside_shared::triage::Band;
use stallside_shared::wording::label_of;

use crate::audit::{self, Action};
use crate::db::Db;
use crate::error::ApiError;

/// Why a flag is emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// An emergency band: the deadline is immediate.
    Emergency,
    /// Open or claimed past its deadline.
    Overdue,
}

impl Reason {
    fn code(self) -> &'static str {
        match self {
            Reason::Emergency => "emergency",
            Reason::Overdue => "overdue",
        }
    }
}

/// One flag to email about, and to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The record's id (a random UUID, not personal).
    pub record_id: String,
    /// The band, the only clinical fact an email carries.
    pub band: Band,
    /// Why.
    pub reason: Reason,
    /// The email addresses of the active supervisors of the record's borough.
    pub recipients: Vec<String>,
}

/// The flags owed an email at `now_ms`: open emergency flags never emailed as such, and open
/// or claimed flags past their deadline never emailed as overdue. A flag whose deadline had
/// already passed when its emergency email went out (an immediate deadline) is not emailed
/// again as overdue.
pub fn due(conn: &Connection, now_ms: i64) -> Result<Vec<Due>, ApiError> {
    let mut flags = conn.prepare_cached(
        "SELECT c.id, c.band, c.borough,
                CASE WHEN c.band = 'emergency' AND NOT EXISTS
                     (SELECT 1 FROM escalations e WHERE e.record_id = c.id AND e.reason = 'emergency')
                     THEN 'emergency' ELSE 'overdue' END
         FROM checks c INDEXED BY checks_open_flags
         WHERE c.flagged = 1 AND c.follow_up_state <> 'closed'
           AND ((c.band = 'emergency' AND NOT EXISTS
                 (SELECT 1 FROM escalations e WHERE e.record_id = c.id AND e.reason = 'emergency'))
             OR (c.deadline_at_ms < ?1 AND NOT EXISTS
                 (SELECT 1 FROM escalations e WHERE e.record_id = c.id
                    AND (e.reason = 'overdue' OR e.sent_at_ms >= c.deadline_at_ms))))",
    )?;
    let mut supervisors = conn.prepare_cached(
        "SELECT u.email FROM users u JOIN user_areas a ON a.user_id = u.id
         WHERE a.borough = ?1 AND u.role = 'supervisor' AND u.disabled = 0
           AND u.email IS NOT NULL ORDER BY u.email",
    )?;
    let rows = flags.query_map(params![now_ms], |row| {
        Ok((
            row.get::<_, String>(0)?,
            crate::db::coded::<Band>(row, 1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    let mut due = Vec::new();
    for row in rows {
        let (record_id, band, borough, reason) = row?;
        let recipients = supervisors
            .query_map(params![borough], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        due.push(Due {
            record_id,
            band,
            reason: if reason == "emergency" {
                Reason::Emergency
            } else {
                Reason::Overdue
            },
            recipients,
        });
    }
    Ok(due)
}

/// Remembers that `due` was emailed (to `sent` supervisors), and audits it with the record's
/// id and the count only.
pub fn mark_sent(conn: &Connection, due: &Due, sent: usize, now_ms: i64) -> Result<(), ApiError> {
    conn.execute(
        "INSERT OR IGNORE INTO escalations (record_id, reason, sent_at_ms, recipients)
         VALUES (?1, ?2, ?3, ?4)",
        params![due.record_id, due.reason.code(), now_ms, sent],
    )?;
    audit::record(
        conn,
        None,
        Action::Escalation,
        &format!(
            "{} record {}: {sent} supervisors emailed",
            due.reason.code(),
            due.record_id
        ),
    )
}

/// Where and how to send: built from the server's flags.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    staff_url: String,
}

impl Mailer {
    /// A mailer for `smtp_url` (`smtp://host:25`, `smtp://user:pass@host:587?tls=required` for
    /// STARTTLS, `smtps://host` for TLS), sending as `from`, linking to the staff app under
    /// `public_url`.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> Result<Self, ApiError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|_| ApiError::BadRequest("--smtp-url: not an SMTP address".into()))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = from
            .parse()
            .map_err(|_| ApiError::BadRequest("--mail-from: not an email address".into()))?;
        Ok(Mailer {
            transport,
            from,
            staff_url: format!("{}/staff/", public_url.trim_end_matches('/')),
        })
    }

    /// The email for one supervisor: the band and a link, nothing personal.
    fn message(&self, due: &Due, to: Address) -> Result<Message, lettre::error::Error> {
        let band = label_of(due.band, None);
        let (subject, opening) = match due.reason {
            Reason::Emergency => (
                "Stallside: emergency flag to follow up now",
                format!("An emergency flag ({band}) has just reached the supervisors' queue."),
            ),
            Reason::Overdue => (
                "Stallside: flag past its deadline",
                format!("A flag ({band}) in the supervisors' queue is past its deadline."),
            ),
        };
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(format!(
                "{opening}\n\nOpen it in Stallside (sign in first):\n{}#flag-{}\n\n\
                 This email holds no personal details; they are in Stallside only.\n",
                self.staff_url, due.record_id
            ))
    }

    /// Emails every flag owed an email now; returns how many flags were settled. A flag whose
    /// email could not be sent is left for the next wake.
    pub async fn escalate(&self, db: &Db) -> Result<usize, ApiError> {
        let now = now_ms();
        let owed = db.read(move |conn| due(conn, now)).await?;
        let mut settled = 0;
        for flag in owed {
            let mut sent = 0;
            let mut failed = false;
            for to in flag
                .recipients
                .iter()
                .filter_map(|e| e.parse::<Address>().ok())
            {
                let message = self
                    .message(&flag, to)
                    .map_err(|_| ApiError::Internal("email not built"))?;
                match self.transport.send(message).await {
                    Ok(_) => sent += 1,
                    Err(error) => {
                        tracing::warn!(%error, reason = flag.reason.code(), "escalation email not sent");
                        failed = true;
                    }
                }
            }
            if failed {
                continue;
            }
            if sent == 0 {
                tracing::warn!(
                    reason = flag.reason.code(),
                    "no supervisor of the borough has an email address"
                );
            }
            db.write(move |conn| mark_sent(conn, &flag, sent, now_ms()))
                .await?;
            settled += 1;
        }
        Ok(settled)
    }

    /// Escalates after every commit and every `every`, for as long as the server runs.
    pub fn spawn(self, db: Db, every: Duration, mut commits: tokio::sync::watch::Receiver<u64>) {
        tokio::spawn(async move {
            let mut timer = tokio::time::interval(every);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = timer.tick() => {}
                    changed = commits.changed() => if changed.is_err() { return },
                }
                match self.escalate(&db).await {
                    Ok(0) => {}
                    Ok(settled) => tracing::info!(settled, "escalation emails sent"),
                    Err(error) => tracing::error!(%error, "escalation failed"),
                }
            }
        });
    }
}
