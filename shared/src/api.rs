//! The staff and sign-in API's messages, once for the server, the staff screens and the
//! phone, with closed lists as enums: a role, band or state the other side does not know is
//! refused when the message is read, not compared as a string somewhere later.

use serde::{Deserialize, Serialize};

use crate::crdt::Role;
use crate::record::{FollowUpState, Outcome, ReviewState, VenueType};
use crate::triage::Band;

/// Sign-in details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
    /// A stable id the device made for itself; sessions and actor ids are bound to it.
    pub device_id: String,
}

/// A new session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// The bearer token; shown once, stored on the device.
    pub token: String,
    /// When it stops working, milliseconds since the Unix epoch.
    pub expires_at_ms: i64,
    /// Who signed in.
    pub user: Me,
}

/// The signed-in user, as the device keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// User id (goes into the records they make).
    pub id: String,
    /// Name to show.
    pub display_name: String,
    /// What they may do: a volunteer keeps records on the phone, staff work online.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    /// Boroughs they work in.
    pub areas: Vec<String>,
}

/// An account as a coordinator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    /// User id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Role.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    /// Boroughs.
    pub areas: Vec<String>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Sessions (devices) that can still sign in.
    pub active_sessions: u32,
}

/// A volunteer to invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invite {
    /// Sign-in name.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Boroughs, each one the coordinator's own.
    pub areas: Vec<String>,
}

/// The new account and its first password, shown to the coordinator once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invited {
    /// User id.
    pub id: String,
    /// Give this to the volunteer; it is not stored in the clear.
    pub temporary_password: String,
}

/// One flagged reading in a supervisor's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flag {
    /// Record id.
    pub id: String,
    /// The band that flagged it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub band: Band,
    /// 7 (emergency) to 0.
    pub urgency: u8,
    /// Recorded reading.
    pub systolic: u16,
    /// Recorded reading.
    pub diastolic: u16,
    /// When the check was taken.
    pub recorded_at_ms: i64,
    /// When the follow-up is due.
    pub deadline_at_ms: Option<i64>,
    /// Past its deadline and not closed.
    pub overdue: bool,
    /// Open, claimed or closed.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: FollowUpState,
    /// Whether this supervisor claimed it.
    pub claimed_by_me: bool,
    /// Whether another supervisor claimed it.
    pub claimed_by_other: bool,
    /// Whether contact details are held.
    pub has_contact: bool,
    /// When the retention schedule erases the contact number, once that is near (inside
    /// the warning period), so the supervisor calls first or knows why it is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_erased_at_ms: Option<i64>,
    /// The outcome, once closed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub outcome: Option<Outcome>,
    /// Borough code.
    pub borough: String,
    /// Event id.
    pub event_id: String,
}

/// A contact attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptRequest {
    /// Whether the supervisor spoke to the person.
    pub reached: bool,
}

/// How a follow-up ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseRequest {
    /// The outcome, from the closed list.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub outcome: Outcome,
}

/// A person's contact number, for the supervisor who claimed their flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactView {
    /// The number.
    pub phone: String,
}

/// A record as the coordinator's review list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRow {
    /// Record id.
    pub id: String,
    /// When the check was taken.
    pub recorded_at_ms: i64,
    /// Event id.
    pub event_id: String,
    /// Event name, if the event is known to the server.
    pub event_name: Option<String>,
    /// Volunteer id.
    pub volunteer_id: String,
    /// Volunteer's name.
    pub volunteer_name: Option<String>,
    /// The check's band.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub band: Band,
    /// Recorded reading.
    pub systolic: u16,
    /// Recorded reading.
    pub diastolic: u16,
    /// Where the coordinator's review stands.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub review_state: ReviewState,
    /// The coordinator's comment.
    pub review_comment: Option<String>,
    /// Where the follow-up stands.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub follow_up_state: FollowUpState,
    /// The follow-up's outcome, once closed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub outcome: Option<Outcome>,
}

/// A coordinator's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRequest {
    /// The new state.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: ReviewState,
    /// For the volunteer; needed with "has issues".
    pub comment: Option<String>,
}

/// A new event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEvent {
    /// A short name.
    pub name: String,
    /// The day, YYYY-MM-DD.
    pub date: String,
    /// The venue's name.
    pub venue: String,
    /// The kind of venue.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub venue_type: VenueType,
    /// ONS borough code, one of the coordinator's.
    pub borough: String,
    /// Volunteers staffing it.
    #[serde(default)]
    pub volunteer_ids: Vec<String>,
}

/// A volunteer's phone as a coordinator oversees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceView {
    /// The volunteer's id.
    pub user_id: String,
    /// The volunteer's name.
    pub display_name: String,
    /// The phone's id (made by the phone at first start).
    pub device_id: String,
    /// Its last sync, milliseconds since the Unix epoch.
    pub last_sync_ms: i64,
    /// Checks it still held after its last sync.
    pub unsynced: u32,
    /// The app version it runs.
    pub app_version: Option<String>,
    /// When a coordinator asked it to stop.
    pub stop_requested_at_ms: Option<i64>,
    /// When it was first told to stop, at a sync: it sent what it held, then erased itself.
    pub stopped_at_ms: Option<i64>,
}

/// The whole check behind a flag or a review row: what a supervisor needs before calling the
/// person, and what a coordinator reviews. Never the person's number (that is read
/// separately, by the supervisor who claimed the flag only, and audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordDetail {
    /// Every reading taken, in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub readings: Vec<crate::record::Reading>,
    /// Whether an irregular pulse was still irregular on repeat.
    pub pulse_irregular_on_repeat: Option<bool>,
    /// Red-flag symptoms, as labels.
    pub red_flags: Vec<String>,
    /// Low blood pressure symptoms, as labels.
    pub low_bp_symptoms: Vec<String>,
    /// Known high blood pressure and medication, as a label.
    pub known_hypertension: String,
    /// Age band, as a label.
    pub age_band: String,
    /// Sex, as a label.
    pub sex: String,
    /// The stall's name, when the server knows the event.
    pub event_name: Option<String>,
    /// The volunteer who took the check.
    pub volunteer_name: Option<String>,
    /// Contact attempts so far, oldest first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub attempts: Vec<crate::record::ContactAttempt>,
}

/// A flag that is new or changed, as the supervisors' live queue announces it: the id and band
/// only, so an alert can say how urgent it is and the queue can be read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveFlag {
    /// Record id.
    pub id: String,
    /// Its band.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub band: Band,
}

/// One change in a record's history: who made it, in which role, when, and which fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When, milliseconds since the Unix epoch, as the author's device said.
    pub at_ms: i64,
    /// The author's name, from the server's binding of the change's actor to a user.
    pub who: Option<String>,
    /// The author's role.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub role: Option<Role>,
    /// "part.field" names changed, or "created".
    pub fields: Vec<String>,
}

/// One line of the audit trail, as a coordinator reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// When, milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// Who, by id.
    pub user_id: Option<String>,
    /// Who, by name.
    pub who: Option<String>,
    /// What, as a code (`login`, `contact_read`, `export`, `device_stop`, ...).
    pub action: String,
    /// Ids and counts, never personal data.
    pub detail: String,
}

/// One earlier visit of a participant card: the date and the recorded reading, nothing else
/// (no band, borough, stall or answers about the person), so a card shown at a stall reveals
/// only what the card's holder would tell the volunteer themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardVisit {
    /// The check's record id, so the phone can merge what it holds with the server's list.
    pub id: uuid::Uuid,
    /// When the check was taken, ms since the Unix epoch.
    pub recorded_at_ms: i64,
    /// The recorded reading's systolic, mmHg.
    pub systolic: u16,
    /// The recorded reading's diastolic, mmHg.
    pub diastolic: u16,
}

/// The earlier visits of a card presented in person, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardVisits {
    /// The card's code, canonical.
    pub card: String,
    /// Visits with a reading, oldest first.
    pub visits: Vec<CardVisit>,
    /// What to tell the volunteer when there are none (a new or unused card): never an error
    /// that stops the check.
    pub message: Option<String>,
}
