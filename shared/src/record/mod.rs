//! The check record of DESIGN.md: what one blood-pressure check at a stall is.
//!
//! A record has three parts, each written by one role: the volunteer's `check`, the
//! coordinator's `review` and the supervisor's `follow_up`. Keeping them apart is what lets
//! concurrent edits by different people merge without conflict (see [`crate::crdt`]).
//!
//! Personal data that may have to be erased (contact number, full postcode) has no field here
//! on purpose: a CRDT document keeps every value it ever held.

mod boroughs;
mod ethnicity;
mod vocab;

pub use boroughs::{borough_name, LONDON_BOROUGHS};
pub use ethnicity::Ethnicity;
pub use vocab::*;

use autosurgeon::Hydrate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::triage::Band;

/// The document layout version; a server refuses documents of a version it does not know.
pub const SCHEMA_VERSION: u64 = 1;

/// One check, as stored in its Automerge document and projected into SQL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate)]
pub struct CheckRecord {
    /// Layout version, see [`SCHEMA_VERSION`].
    pub schema: u64,
    /// Made on the phone, so a record has its identity before it ever reaches a server.
    pub id: Uuid,
    /// The volunteer's part.
    pub check: CheckPart,
    /// The coordinator's part.
    pub review: ReviewPart,
    /// The supervisor's part.
    pub follow_up: FollowUpPart,
}

impl CheckRecord {
    /// A new record as the volunteer saves it: review and follow-up start in their initial
    /// states, so that later writers edit fields of existing maps instead of racing to create
    /// the maps themselves (which would hide one writer's map behind the other's).
    pub fn new(id: Uuid, check: CheckPart, follow_up_needed: bool) -> Self {
        CheckRecord {
            schema: SCHEMA_VERSION,
            id,
            check,
            review: ReviewPart::default(),
            follow_up: FollowUpPart {
                state: if follow_up_needed {
                    FollowUpState::Open
                } else {
                    FollowUpState::NotNeeded
                },
                ..FollowUpPart::default()
            },
        }
    }
}

/// One blood-pressure reading, with the pulse felt at the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hydrate)]
pub struct Reading {
    /// mmHg.
    pub systolic: u16,
    /// mmHg.
    pub diastolic: u16,
    /// Beats per minute.
    pub pulse: u16,
    /// The volunteer felt an irregular pulse.
    pub irregular: bool,
}

impl Reading {
    /// A reading with a regular pulse of 70, for tests and examples.
    pub const fn bp(systolic: u16, diastolic: u16) -> Self {
        Reading {
            systolic,
            diastolic,
            pulse: 70,
            irregular: false,
        }
    }
}

/// What the volunteer records at the stall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate)]
pub struct CheckPart {
    /// The event (stall) the check was taken at; an id from the server or made on the phone.
    pub event_id: String,
    /// Where the stall stood.
    pub venue_type: VenueType,
    /// ONS local authority code, e.g. E09000003 for Barnet.
    pub borough: String,
    /// When the check was taken, milliseconds since the Unix epoch (UTC).
    pub recorded_at_ms: i64,
    /// The server's id for the volunteer who took it.
    pub volunteer_id: String,
    /// The person agreed to the check being recorded. No consent, no record.
    pub consent_to_record: bool,
    /// The person agreed to be contacted if the reading is flagged.
    pub consent_to_contact: bool,
    /// Age band.
    pub age_band: AgeBand,
    /// Sex.
    pub sex: Sex,
    /// ONS 2021 ethnic group.
    pub ethnicity: Ethnicity,
    /// English first language.
    pub english_first_language: EnglishFirstLanguage,
    /// The person's main language. `None` on records from phones older than the field: they
    /// are still accepted (the record is otherwise complete), and reports count them as "not
    /// recorded" instead of guessing.
    #[serde(default)]
    #[autosurgeon(missing = "Option::default")]
    pub main_language: Option<Language>,
    /// The participant card the person showed or was given, as its canonical code (see
    /// [`crate::card`]): what counts one person across checks and shows their earlier
    /// readings. `None` without a card, and on records from phones older than the field
    /// (read as `None` on the phone too, where autosurgeon would refuse a missing key).
    #[serde(default)]
    #[autosurgeon(missing = "Option::default")]
    pub card: Option<String>,
    /// Lower-layer super output area, derived on the phone from the postcode (then dropped).
    pub lsoa: Option<String>,
    /// Index of Multiple Deprivation decile of the LSOA, 1 = most deprived.
    pub imd_decile: Option<u8>,
    /// Previously diagnosed high blood pressure.
    pub known_hypertension: KnownHypertension,
    /// Other conditions the person mentioned.
    pub other_conditions: Vec<Condition>,
    /// Smoking status.
    pub smoking: Smoking,
    /// One to three readings, in the order taken (see [`crate::readings`]).
    pub readings: Vec<Reading>,
    /// When a reading's pulse felt irregular, whether it was still irregular on a repeat five
    /// minutes later; `None` when no repeat was needed.
    pub pulse_irregular_on_repeat: Option<bool>,
    /// Red-flag symptoms present now.
    pub red_flags: Vec<RedFlag>,
    /// Symptoms that go with low blood pressure.
    pub low_bp_symptoms: Vec<LowBpSymptom>,
    /// The triage band, derived from the above by [`crate::triage`]; the server recomputes it.
    pub band: Band,
    /// Advice and signposting given.
    pub advice: Vec<Advice>,
    /// A personal goal the person set, in their words.
    pub goal: Option<String>,
    /// What the person said gets in the way of care.
    pub barriers: Vec<Barrier>,
    /// What the person said helps them get checked and cared for. Empty on records from
    /// phones older than the field: they stay valid and simply said nothing here.
    #[serde(default)]
    #[autosurgeon(missing = "Vec::new")]
    pub enablers: Vec<Enabler>,
}

impl CheckPart {
    /// Core20: the person lives in one of the 20% most deprived areas of England.
    pub fn is_core20(&self) -> bool {
        matches!(self.imd_decile, Some(1 | 2))
    }
}

/// The coordinator's review of a synced record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate)]
pub struct ReviewPart {
    /// Received, has issues or approved.
    pub state: ReviewState,
    /// What the volunteer should fix or know; reaches their phone.
    pub comment: Option<String>,
    /// The coordinator's user id.
    pub reviewed_by: Option<String>,
}

impl Default for ReviewPart {
    fn default() -> Self {
        ReviewPart {
            state: ReviewState::Received,
            comment: None,
            reviewed_by: None,
        }
    }
}

/// One try at reaching the person about a flagged reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hydrate)]
pub struct ContactAttempt {
    /// When the supervisor tried, milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// Whether they spoke to the person.
    pub reached: bool,
}

/// The supervisor's follow-up of a flagged reading. Notes about the person stay out: they
/// would live in the document's history for ever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate)]
pub struct FollowUpPart {
    /// Where the follow-up is.
    pub state: FollowUpState,
    /// The supervisor who claimed the flag.
    pub claimed_by: Option<String>,
    /// Contact attempts, oldest first.
    pub attempts: Vec<ContactAttempt>,
    /// How it ended.
    pub outcome: Option<Outcome>,
    /// When it was closed, milliseconds since the Unix epoch.
    pub closed_at_ms: Option<i64>,
}

impl Default for FollowUpPart {
    fn default() -> Self {
        FollowUpPart {
            state: FollowUpState::NotNeeded,
            claimed_by: None,
            attempts: Vec::new(),
            outcome: None,
            closed_at_ms: None,
        }
    }
}
