//! The staff and sign-in API's messages, once for the server, the staff screens and the
//! phone, with closed lists as enums: a role, band or state the other side does not know is
//! refused when the message is read, not compared as a string somewhere later.

use serde::{Deserialize, Serialize};

use crate::crdt::Role;
use crate::record::{FollowUpState, Outcome, ReviewState, VenueType};
use crate::sync::wire::Summary;
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
    /// A work number for the volunteer, optional: supervisors following up the volunteer's
    /// flagged checks see it, to ask what happened at the stall.
    #[serde(default)]
    pub phone: Option<String>,
    /// A volunteer (the default) or a supervisor of the coordinator's boroughs.
    #[serde(default = "volunteer")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub role: Role,
    /// A supervisor's email address, optional: emergency and overdue flags are emailed there.
    #[serde(default)]
    pub email: Option<String>,
}

/// An invitation is for a volunteer unless it says otherwise.
fn volunteer() -> Role {
    Role::Volunteer
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
    /// The name of the supervisor holding the claim, so a coordinator sees whom a hand-over
    /// moved it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_by_name: Option<String>,
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

/// A coordinator hands a claimed flag to another supervisor of its borough.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReassignRequest {
    /// The user id of the supervisor who takes it over.
    pub to: String,
}

/// A supervisor a coordinator may hand a claimed flag to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisorView {
    /// User id, sent back as [`ReassignRequest::to`].
    pub id: String,
    /// Name to show in the choice.
    pub display_name: String,
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

/// A record as the coordinator's review list shows it: the phone's list summary with the
/// names the coordinator reads beside the ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRow {
    /// Record id.
    pub id: String,
    /// Event name, if the event is known to the server.
    pub event_name: Option<String>,
    /// Volunteer's name.
    pub volunteer_name: Option<String>,
    /// The check as a list shows it.
    #[serde(flatten)]
    pub summary: Summary,
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
    /// A stall (the default) or a health workshop.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: crate::events::EventKind,
}

/// Copies an event (its plan and volunteers) to another day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyEvent {
    /// The new day, YYYY-MM-DD.
    pub date: String,
}

/// An event as the coordinators' events list shows it: the plan and what was done at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventOverview {
    /// The plan.
    pub event: crate::sync::wire::Event,
    /// A volunteer started it on a phone.
    pub started_on_phone: bool,
    /// Checks taken at it (a cancelled event keeps them).
    pub checks: u64,
    /// Conversations without a check, all volunteers.
    pub conversations: u64,
    /// Leaflets given, all volunteers.
    pub leaflets: u64,
    /// The largest footfall estimate any volunteer gave.
    pub footfall: Option<u64>,
    /// The largest workshop headcount any volunteer gave.
    pub attendance: Option<u64>,
    /// Each volunteer's debrief.
    pub debriefs: Vec<DebriefView>,
}

/// One volunteer's debrief, for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebriefView {
    /// The volunteer's name.
    pub volunteer: String,
    /// About how many people passed.
    pub footfall: Option<u32>,
    /// Conversations without a check.
    pub conversations: u32,
    /// Leaflets given.
    pub leaflets: u32,
    /// People at a workshop.
    pub attendance: Option<u32>,
    /// Kit used.
    pub kit_used: String,
    /// The note for the coordinator.
    pub note: String,
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
    /// The volunteer's work number (national format), if they gave one: the supervisor may
    /// need to ask what happened at the stall. Only the borough's staff read a record.
    pub volunteer_phone: Option<String>,
    /// Contact attempts so far, oldest first.
    pub attempts: Vec<AttemptView>,
}

/// One contact attempt as the supervisors' screens list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptView {
    /// When, milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// Whether the supervisor spoke to the person.
    pub reached: bool,
    /// Who tried (display name), from the record's history and the server's actor bindings.
    pub by: Option<String>,
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

/// The programme settings a coordinator changes on the settings screen: the retention
/// schedule and which translations phones may offer. The server keeps them, audits each
/// change and sends them to phones with every sync (inside [`crate::triage::ProgrammeSettings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionSettings {
    /// Days a contact number is kept, even while its flag is open.
    pub contact_retention_days: u32,
    /// Days before that erasure that supervisors are warned.
    pub contact_warning_days: u32,
    /// Years after which a check is pseudonymised further.
    pub pseudonymise_after_years: u32,
    /// Phones offer the person only reviewed translations.
    pub reviewed_languages_only: bool,
}

/// The longest contact retention a coordinator may set: ten years is no longer "until the
/// follow-up ends" in any sense a person was told.
pub const MAX_CONTACT_RETENTION_DAYS: u32 = 3_650;
/// The longest a check may stay un-pseudonymised.
pub const MAX_PSEUDONYMISE_AFTER_YEARS: u32 = 100;

/// The settings form's fields, in the order the screen shows them (and the error summary lists
/// their problems).
pub const SETTINGS_FIELDS: [&str; 3] = [
    "contact-retention-days",
    "contact-warning-days",
    "pseudonymise-after-years",
];

/// One thing wrong with a settings form: the field's id (for the error summary's link) and
/// what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    /// The form field's id.
    pub field: &'static str,
    /// What the coordinator reads.
    pub message: String,
}

impl RetentionSettings {
    /// The settings as they are in force.
    pub fn of(settings: &crate::triage::ProgrammeSettings) -> Self {
        RetentionSettings {
            contact_retention_days: settings.contact_retention_days,
            contact_warning_days: settings.contact_warning_days,
            pseudonymise_after_years: settings.pseudonymise_after_years,
            reviewed_languages_only: settings.reviewed_languages_only,
        }
    }

    /// `settings` with these values in place.
    pub fn apply(&self, settings: &mut crate::triage::ProgrammeSettings) {
        settings.contact_retention_days = self.contact_retention_days;
        settings.contact_warning_days = self.contact_warning_days;
        settings.pseudonymise_after_years = self.pseudonymise_after_years;
        settings.reviewed_languages_only = self.reviewed_languages_only;
    }

    /// What is wrong with these values; empty when they may be saved. One rule for the
    /// staff screen and the server, which checks again whatever a client sends.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        let mut problem =
            |field, message: String| problems.push(SettingsProblem { field, message });
        if !(1..=MAX_CONTACT_RETENTION_DAYS).contains(&self.contact_retention_days) {
            problem(
                "contact-retention-days",
                format!("Keep contact numbers for 1 to {MAX_CONTACT_RETENTION_DAYS} days"),
            );
        } else if self.contact_warning_days >= self.contact_retention_days {
            problem(
                "contact-warning-days",
                "The warning must come before the number is erased: fewer days than the number is kept"
                    .into(),
            );
        }
        if !(1..=MAX_PSEUDONYMISE_AFTER_YEARS).contains(&self.pseudonymise_after_years) {
            problem(
                "pseudonymise-after-years",
                format!("Pseudonymise checks after 1 to {MAX_PSEUDONYMISE_AFTER_YEARS} years"),
            );
        }
        problems
    }

    /// Reads the settings form as typed (whole numbers of days and years) and checks it:
    /// the values, or every problem, each tied to its field.
    pub fn from_form(
        contact_retention_days: &str,
        contact_warning_days: &str,
        pseudonymise_after_years: &str,
        reviewed_languages_only: bool,
    ) -> Result<Self, Vec<SettingsProblem>> {
        let mut problems = Vec::new();
        let mut number = |field: &'static str, what: &str, text: &str| -> u32 {
            match text.trim().parse::<u32>() {
                Ok(n) => n,
                Err(_) => {
                    problems.push(SettingsProblem {
                        field,
                        message: format!("Enter {what} as a whole number, like 28"),
                    });
                    0
                }
            }
        };
        let read = RetentionSettings {
            contact_retention_days: number(
                "contact-retention-days",
                "the days contact numbers are kept",
                contact_retention_days,
            ),
            contact_warning_days: number(
                "contact-warning-days",
                "the days of warning",
                contact_warning_days,
            ),
            pseudonymise_after_years: number(
                "pseudonymise-after-years",
                "the years before pseudonymising",
                pseudonymise_after_years,
            ),
            reviewed_languages_only,
        };
        let typed: Vec<&str> = problems.iter().map(|p| p.field).collect();
        problems.extend(
            read.problems()
                .into_iter()
                .filter(|p| !typed.contains(&p.field)),
        );
        problems.sort_by_key(|p| SETTINGS_FIELDS.iter().position(|f| *f == p.field));
        if problems.is_empty() {
            Ok(read)
        } else {
            Err(problems)
        }
    }
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

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn the_settings_form_refuses_negative_zero_and_words() {
        assert_eq!(
            RetentionSettings::from_form("28", "7", "8", true),
            Ok(RetentionSettings {
                contact_retention_days: 28,
                contact_warning_days: 7,
                pseudonymise_after_years: 8,
                reviewed_languages_only: true,
            })
        );
        let fields = |r: Result<RetentionSettings, Vec<SettingsProblem>>| -> Vec<&'static str> {
            r.unwrap_err().iter().map(|p| p.field).collect()
        };
        assert_eq!(
            fields(RetentionSettings::from_form("-3", "seven", "0", false)),
            [
                "contact-retention-days",
                "contact-warning-days",
                "pseudonymise-after-years"
            ]
        );
        assert_eq!(
            fields(RetentionSettings::from_form("7", "7", "2.5", false)),
            ["contact-warning-days", "pseudonymise-after-years"]
        );
        assert_eq!(
            fields(RetentionSettings::from_form("", "1", "1", false)),
            ["contact-retention-days"]
        );
    }
}
