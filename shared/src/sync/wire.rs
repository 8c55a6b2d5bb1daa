//! The messages of `POST /api/sync`, as JSON. Automerge bytes travel as base64; the transport
//! gzips the body, which takes back most of base64's overhead.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::events::EventKind;
use crate::readings::recorded_reading;
use crate::record::{CheckRecord, FollowUpState, Outcome, Reading, ReviewState, VenueType};
use crate::triage::Band;
use crate::triage::ProgrammeSettings;

/// The most documents one request may push; a phone with more sends several requests.
pub const MAX_PUSH_DOCS: usize = 1_000;
/// The most bytes of changes one document may push.
pub const MAX_DOC_BYTES: usize = 256 * 1024;
/// The largest and the default page of pulled documents.
pub const MAX_PAGE_SIZE: u32 = 1_000;

/// What the client sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncRequest {
    /// The server's cursor from the last response this client applied; 0 the first time.
    pub cursor: u64,
    /// Documents with changes the server has not acknowledged.
    pub push: Vec<PushDoc>,
    /// How many changed documents to pull at most (default and maximum [`MAX_PAGE_SIZE`]);
    /// 0 pushes only: the answer carries no page and leaves the cursor where it was.
    pub page_size: Option<u32>,
    /// What the phone holds, so coordinators can see which phones still have checks waiting:
    /// sent in a session's first request only; the server takes each later request's
    /// acknowledged records off it, so requests out at once cannot overwrite each other's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceReport>,
    /// Stalls started on the phone and debriefs filed on it that the server has not
    /// acknowledged (see [`crate::events`] for why these are upserts, not documents).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventPush>,
}

/// A phone's account of itself at each sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceReport {
    /// Checks on the phone the server has not acknowledged, before this request's push.
    pub unsynced: u32,
    /// The app's version.
    pub app_version: String,
}

/// The longest app version a phone may report.
pub const APP_VERSION_MAX: usize = 32;

/// One document's unacknowledged changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushDoc {
    /// The record id.
    pub id: Uuid,
    /// Automerge changes after the heads the server acknowledged, base64; for a record the
    /// server has never acknowledged, its whole document saved without compression (as the
    /// phone stored it, or [`crate::crdt::RecordDoc::to_push`]). The server accepts either.
    #[serde(with = "base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub changes: Vec<u8>,
    /// The phone's heads for the document after these changes, hex: if the server's heads
    /// equal them the phone already has everything and the document is not sent back.
    pub heads: Vec<String>,
    /// Contact details for a flagged reading whose person agreed to be contacted. They travel
    /// beside the document, never in it, so they can be erased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactDetails>,
}

/// How a supervisor can reach the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactDetails {
    /// A UK phone number.
    pub phone: String,
}

/// What the server answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    /// One result per pushed document, in push order.
    pub results: Vec<PushResult>,
    /// Documents changed after the cursor that this user may see, oldest change first.
    pub pulled: Vec<PulledDoc>,
    /// The cursor to send next time.
    pub cursor: u64,
    /// More changed documents wait: ask again with the new cursor.
    pub more: bool,
    /// Events the user works at that changed after the cursor.
    pub events: Vec<Event>,
    /// The programme settings in force.
    pub settings: ProgrammeSettings,
    /// Records erased on the server (at the person's request) or pseudonymised after the
    /// programme's retention period, after the cursor: the phone drops its copy. Random ids,
    /// nothing personal, so every user is sent every one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erased: Vec<Uuid>,
    /// A coordinator stopped this phone (lost or stolen): it sends what it still holds, then
    /// erases its records and its session.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stop: bool,
    /// One result per pushed event, in push order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_results: Vec<EventResult>,
}

/// The server's answer for one pushed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", try_from = "FlatAnswer")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PushResult {
    /// Committed to the database.
    Accepted {
        /// The record id.
        id: Uuid,
        /// The server's heads for the document after the commit, hex.
        heads: Vec<String>,
        /// Something the volunteer should know that did not stop the record being stored,
        /// e.g. a contact number that was not valid and was not kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
    },
    /// Refused; nothing of this document was stored.
    Rejected {
        /// The record id.
        id: Uuid,
        /// A stable code for programs.
        code: String,
        /// Why, in words a volunteer understands.
        reason: String,
    },
}

/// A document the client should merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PulledDoc {
    /// The record id.
    pub id: Uuid,
    /// The whole document, base64.
    #[serde(with = "base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub doc: Vec<u8>,
    /// Its heads, hex.
    pub heads: Vec<String>,
    /// What the phone's list shows of it, read from the server's projection (committed with
    /// the document): a phone that has never held the record stores the document as it came
    /// and this beside it, without decoding the document at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

/// What the records list shows of a check, kept beside its document so the list opens
/// without decoding thousands of documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// When it was taken.
    pub recorded_at_ms: i64,
    /// Triage band.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub band: Band,
    /// The recorded reading (0 for an emergency saved before any reading).
    pub systolic: u16,
    /// The recorded reading.
    pub diastolic: u16,
    /// The event it was taken at.
    pub event_id: String,
    /// Who took it: a shared phone only sends the signed-in volunteer's checks.
    #[serde(default)]
    pub volunteer_id: String,
    /// The coordinator's review.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub review_state: ReviewState,
    /// The coordinator's comment for the volunteer.
    pub review_comment: Option<String>,
    /// The supervisor's follow-up.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub follow_up_state: FollowUpState,
    /// How the follow-up ended.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub outcome: Option<Outcome>,
    /// The participant card's code, so the card's earlier visits on this phone are found
    /// without decoding every document.
    #[serde(default)]
    pub card: Option<String>,
}

impl Summary {
    /// The summary of a record.
    pub fn of(record: &CheckRecord) -> Self {
        let reading = recorded_reading(&record.check.readings);
        Summary {
            recorded_at_ms: record.check.recorded_at_ms,
            band: record.check.band,
            systolic: reading.map_or(0, |r| r.systolic),
            diastolic: reading.map_or(0, |r| r.diastolic),
            event_id: record.check.event_id.clone(),
            volunteer_id: record.check.volunteer_id.clone(),
            review_state: record.review.state,
            review_comment: record.review.comment.clone(),
            follow_up_state: record.follow_up.state,
            outcome: record.follow_up.outcome,
            card: record.check.card.clone(),
        }
    }

    /// The result in the same words as the result card: the wording table's label for the
    /// band and the recorded reading (none for an emergency saved before any reading).
    pub fn result_label(&self) -> &'static str {
        let reading = (self.systolic > 0).then(|| Reading::bp(self.systolic, self.diastolic));
        crate::wording::label_of(self.band, reading)
    }
}

/// An outreach event (a stall), as the phones see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Event id.
    pub id: String,
    /// A short name, e.g. "Saturday market, Chapel Market".
    pub name: String,
    /// The day, YYYY-MM-DD.
    pub date: String,
    /// The venue's name.
    pub venue: String,
    /// The kind of venue.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub venue_type: VenueType,
    /// ONS borough code.
    pub borough: String,
    /// A stall or a health workshop.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: EventKind,
    /// Called off: it keeps its checks and its debriefs, and phones stop offering it.
    #[serde(default)]
    pub cancelled: bool,
    /// The plan's revision: a phone's copy of the plan is based on one, so the server can tell
    /// a stale copy from an edit.
    #[serde(default)]
    pub plan_rev: u64,
}

/// A stall the phone started and/or the debrief its volunteer filed, as the phone holds them
/// now (whole values, so pushing it twice changes nothing). Numbers are signed and codes are
/// text on the wire so that a bad value is refused for this event alone, with a reason, and
/// never fails the whole request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPush {
    /// The event id (a UUID the phone made, or a coordinator's event).
    pub id: String,
    /// The plan of a stall this phone started; `None` for a debrief of any event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanPush>,
    /// The plan revision the phone's plan is based on: 0 for a stall it started.
    #[serde(default)]
    pub plan_rev: u64,
    /// The volunteer's debrief.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debrief: Option<DebriefPush>,
}

/// An event's plan as a phone sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanPush {
    /// A short name.
    pub name: String,
    /// The day, YYYY-MM-DD.
    pub date: String,
    /// The venue's name.
    pub venue: String,
    /// Venue type code.
    pub venue_type: String,
    /// ONS borough code.
    pub borough: String,
    /// `stall` or `workshop`.
    pub kind: String,
    /// Called off (only a coordinator may).
    #[serde(default)]
    pub cancelled: bool,
}

/// A volunteer's debrief of an event as the phone sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebriefPush {
    /// When the volunteer last changed it, ms: the latest wins between their phones.
    pub updated_at_ms: i64,
    /// About how many people passed the stall.
    #[serde(default)]
    pub footfall: Option<i64>,
    /// Conversations without a check (the stall's tally).
    #[serde(default)]
    pub conversations: i64,
    /// Leaflets given.
    #[serde(default)]
    pub leaflets: i64,
    /// People at a workshop.
    #[serde(default)]
    pub attendance: Option<i64>,
    /// Kit used (cuffs, batteries, ...).
    #[serde(default)]
    pub kit_used: String,
    /// A note for the coordinator.
    #[serde(default)]
    pub note: String,
}

/// The server's answer for one pushed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", try_from = "FlatAnswer")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventResult {
    /// Stored (or already held).
    Accepted {
        /// The event id.
        id: String,
        /// Something the volunteer should know, e.g. that the coordinator's plan won.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
    },
    /// Refused; nothing of this event was stored.
    Rejected {
        /// The event id.
        id: String,
        /// A stable code for programs.
        code: String,
        /// Why, in words a volunteer understands.
        reason: String,
    },
}

/// Serde for bytes as standard base64 text.
pub mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes bytes as base64.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    /// Reads base64 into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// An answer for one pushed document or event as its JSON reads, every field at one level.
///
/// [`PushResult`] and [`EventResult`] are written as internally tagged enums (`"status"`
/// beside the fields). serde reads those by buffering each answer into a generic tree first;
/// reading this flat struct instead keeps that machinery out of the phone's download, and
/// the JSON is the same.
#[derive(Deserialize)]
struct FlatAnswer {
    status: AnswerStatus,
    id: String,
    #[serde(default)]
    heads: Option<Vec<String>>,
    #[serde(default)]
    warning: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// Whether the server took a pushed document or event.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum AnswerStatus {
    Accepted,
    Rejected,
}

/// An answer the server could not have sent: a field its status needs is missing.
#[derive(Debug, thiserror::Error)]
#[error("the server's answer ({status}) has no {field}")]
pub struct MalformedAnswer {
    status: &'static str,
    field: &'static str,
}

impl FlatAnswer {
    /// The refusal's code and reason, which a rejected answer must have.
    fn refusal(
        code: Option<String>,
        reason: Option<String>,
    ) -> Result<(String, String), MalformedAnswer> {
        let missing = |field| MalformedAnswer {
            status: "rejected",
            field,
        };
        Ok((
            code.ok_or_else(|| missing("code"))?,
            reason.ok_or_else(|| missing("reason"))?,
        ))
    }
}

impl TryFrom<FlatAnswer> for PushResult {
    type Error = MalformedAnswer;

    fn try_from(flat: FlatAnswer) -> Result<Self, MalformedAnswer> {
        let id = Uuid::parse_str(&flat.id).map_err(|_| MalformedAnswer {
            status: "push",
            field: "valid record id",
        })?;
        match flat.status {
            AnswerStatus::Accepted => Ok(PushResult::Accepted {
                id,
                heads: flat.heads.ok_or(MalformedAnswer {
                    status: "accepted",
                    field: "heads",
                })?,
                warning: flat.warning,
            }),
            AnswerStatus::Rejected => {
                let (code, reason) = FlatAnswer::refusal(flat.code, flat.reason)?;
                Ok(PushResult::Rejected { id, code, reason })
            }
        }
    }
}

impl TryFrom<FlatAnswer> for EventResult {
    type Error = MalformedAnswer;

    fn try_from(flat: FlatAnswer) -> Result<Self, MalformedAnswer> {
        match flat.status {
            AnswerStatus::Accepted => Ok(EventResult::Accepted {
                id: flat.id,
                warning: flat.warning,
            }),
            AnswerStatus::Rejected => {
                let (code, reason) = FlatAnswer::refusal(flat.code, flat.reason)?;
                Ok(EventResult::Rejected {
                    id: flat.id,
                    code,
                    reason,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_back_as_the_server_wrote_them() {
        let id = Uuid::from_u128(7);
        let pushes = [
            PushResult::Accepted {
                id,
                heads: vec!["ab".into()],
                warning: None,
            },
            PushResult::Accepted {
                id,
                heads: Vec::new(),
                warning: Some("kept without the number".into()),
            },
            PushResult::Rejected {
                id,
                code: "invalid".into(),
                reason: "Not a check".into(),
            },
        ];
        for push in pushes {
            let json = serde_json::to_string(&push).unwrap();
            assert_eq!(
                serde_json::from_str::<PushResult>(&json).unwrap(),
                push,
                "{json}"
            );
        }
        let events = [
            EventResult::Accepted {
                id: "ev-1".into(),
                warning: Some("the coordinator's plan won".into()),
            },
            EventResult::Rejected {
                id: "ev-2".into(),
                code: "invalid_event".into(),
                reason: "No date".into(),
            },
        ];
        for event in events {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(
                serde_json::from_str::<EventResult>(&json).unwrap(),
                event,
                "{json}"
            );
        }
    }

    #[test]
    fn an_answer_missing_what_its_status_needs_is_refused() {
        let id = Uuid::from_u128(7);
        for (json, expected) in [
            (
                format!(r#"{{"status":"accepted","id":"{id}"}}"#),
                "(accepted) has no heads",
            ),
            (
                format!(r#"{{"status":"rejected","id":"{id}","code":"x"}}"#),
                "(rejected) has no reason",
            ),
            (
                r#"{"status":"accepted","id":"not-a-uuid","heads":[]}"#.to_owned(),
                "(push) has no valid record id",
            ),
        ] {
            let error = serde_json::from_str::<PushResult>(&json).unwrap_err();
            assert!(error.to_string().contains(expected), "{json}: {error}");
        }
        let error =
            serde_json::from_str::<EventResult>(r#"{"status":"maybe","id":"e"}"#).unwrap_err();
        assert!(error.to_string().contains("unknown variant"), "{error}");
    }
}
