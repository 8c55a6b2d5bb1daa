//! The audit trail: who signed in, synced, exported, or read contact details, and when.
//! Details hold ids and counts only, never personal data.

use rusqlite::{params, Connection};

use crate::error::ApiError;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A successful sign-in.
    Login,
    /// A refused sign-in.
    LoginFailed,
    /// A sync request.
    Sync,
    /// A CSV export.
    Export,
    /// A supervisor read a person's contact details.
    ContactRead,
    /// A coordinator changed an account.
    AccountChange,
    /// A coordinator created or changed an event.
    EventChange,
    /// A coordinator stopped a phone.
    DeviceStop,
    /// A supervisor handed a flag back to the queue.
    FlagRelease,
    /// A coordinator erased a record at the person's request.
    Erase,
    /// The retention sweep erased contact numbers past their time.
    Retention,
}

impl Action {
    fn code(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Sync => "sync",
            Action::Export => "export",
            Action::ContactRead => "contact_read",
            Action::AccountChange => "account_change",
            Action::EventChange => "event_change",
            Action::DeviceStop => "device_stop",
            Action::FlagRelease => "flag_release",
            Action::Erase => "erase",
            Action::Retention => "retention",
        }
    }
}

/// Appends one line to the audit trail (inside the caller's transaction, if any).
pub fn record(
    conn: &Connection,
    user_id: Option<&str>,
    action: Action,
    detail: &str,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO audit (at_ms, user_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![
            stallside_shared::clock::now_ms(),
            user_id,
            action.code(),
            detail
        ],
    )?;
    Ok(())
}
