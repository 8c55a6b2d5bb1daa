//! Demo accounts and an event, made only when the server is started with `--demo`, and the
//! production guard: a server started without it refuses a database that has them.

use rusqlite::{params, Connection, OptionalExtension};
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::events::EventKind;
use stallside_shared::record::VenueType;
use stallside_shared::sync::wire::Event;

use crate::auth::password;
use crate::error::ApiError;
use crate::events;
use crate::users::{self, NewUser};

/// The demo accounts: username, display name, role, password.
pub const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    (
        "volunteer",
        "Amina (volunteer)",
        Role::Volunteer,
        "volunteer-demo",
    ),
    (
        "coordinator",
        "Dev (coordinator)",
        Role::Coordinator,
        "coordinator-demo",
    ),
    (
        "supervisor",
        "Grace (supervisor)",
        Role::Supervisor,
        "supervisor-demo",
    ),
];

/// The boroughs the demo accounts work in: Barnet and Islington.
pub const AREAS: &[&str] = &["E09000003", "E09000019"];

/// The demo supervisor's email address, at a domain that cannot receive mail (RFC 2606), so
/// a demo with an SMTP server shows escalation without emailing anyone.
pub fn demo_email(username: &str, role: Role) -> Option<String> {
    (role == Role::Supervisor).then(|| format!("{username}@stallside.invalid"))
}

/// Creates the demo accounts (resetting their passwords) and today's demo event.
pub fn seed(conn: &mut Connection) -> Result<(), ApiError> {
    let tx = conn.transaction()?;
    for (username, display_name, role, pass) in ACCOUNTS {
        let hash = password::hash(pass)?;
        let email = demo_email(username, *role);
        let existing: Option<String> = tx
            .query_row(
                "SELECT id FROM users WHERE username = ?1",
                params![username],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE users SET password_hash = ?1, disabled = 0, email = ?3 WHERE id = ?2",
                    params![hash, id, email],
                )?;
            }
            None => {
                let user = NewUser {
                    username: (*username).into(),
                    display_name: (*display_name).into(),
                    role: *role,
                    areas: AREAS.iter().map(|a| (*a).to_owned()).collect(),
                    email,
                    phone: None,
                };
                users::create(&tx, &user, &hash)?;
            }
        }
    }
    tx.execute(
        "INSERT OR IGNORE INTO demo_marker (only_row) VALUES (1)",
        [],
    )?;
    let today = stallside_shared::calendar::date(now_ms());
    let has_event: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM events WHERE date = ?1)",
        params![today],
        |r| r.get(0),
    )?;
    if !has_event {
        let event = Event {
            id: uuid::Uuid::new_v4().to_string(),
            name: "Saturday health stall".into(),
            date: today,
            venue: "Chapel Market".into(),
            venue_type: VenueType::Market,
            borough: "E09000019".into(),
            kind: EventKind::Stall,
            cancelled: false,
            plan_rev: 1,
        };
        events::insert(&tx, &event, "demo", false)?;
    }
    tx.commit()?;
    Ok(())
}

/// Refuses to serve a database with demo accounts unless demo mode was asked for.
pub fn guard_production(conn: &Connection) -> Result<(), ApiError> {
    let demo: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM demo_marker)", [], |r| {
        r.get(0)
    })?;
    if demo {
        return Err(ApiError::Conflict(
            "This database has demo accounts with default passwords; start with --demo, or use a new data directory".into(),
        ));
    }
    Ok(())
}

/// The lines printed at start in demo mode.
pub fn banner(url: &str) -> String {
    let mut text = format!("\nStallside is running at {url}\n\nDemo accounts (demo mode only):\n");
    for (username, _, role, pass) in ACCOUNTS {
        text.push_str(&format!(
            "  {:<12} {:<12} password: {pass}\n",
            role.label(),
            username
        ));
    }
    text
}
