//! The server's decision on one pushed document: accept it, or reject it with a reason.
//!
//! The server never trusts a client. It decodes the changes, checks the record's shape and
//! validation, binds each new actor id to the pushing user's device (a forged or reused one is
//! refused), checks that the pusher's role may change every part the new changes touch, and
//! recomputes the triage. Pure: the caller loads the stored document and the actor bindings,
//! and stores what an accepted [`Verdict`] says.

use std::collections::BTreeSet;

use thiserror::Error;
use uuid::Uuid;

use crate::crdt::{ActorId, DocError, Part, RecordDoc, Role, Touched};
use crate::record::{CheckRecord, FollowUpState, ReviewPart};
use crate::triage::{assess, Assessment, ProgrammeSettings, TriageInput};
use crate::validation::{validate, ValidationErrors};

/// Who is pushing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pusher {
    /// The user's id.
    pub user_id: String,
    /// The device the session belongs to.
    pub device_id: String,
    /// The user's role.
    pub role: Role,
    /// ONS codes of the boroughs the user works in.
    pub areas: Vec<String>,
}

/// Whom an actor id is already bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorOwner {
    /// Never seen: the pusher's device takes it.
    Unbound,
    /// First pushed by this user and device.
    Bound {
        /// User id.
        user_id: String,
        /// Device id.
        device_id: String,
    },
}

/// The rules the server applies that a coordinator may tune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// How long after a check was taken its volunteer may still correct it.
    pub edit_window_ms: i64,
    /// Triage deadlines.
    pub settings: ProgrammeSettings,
}

impl Default for Policy {
    /// Seven days to correct a check.
    fn default() -> Self {
        Policy {
            edit_window_ms: 7 * 24 * 60 * 60 * 1000,
            settings: ProgrammeSettings::default(),
        }
    }
}

/// An accepted document, ready to store.
#[derive(Debug)]
pub struct Verdict {
    /// The merged document.
    pub doc: RecordDoc,
    /// The record it holds.
    pub record: CheckRecord,
    /// The server's own triage.
    pub assessment: Assessment,
    /// Actor ids seen for the first time, to bind to the pusher's device.
    pub new_actors: Vec<ActorId>,
    /// Whether the push changed anything (a repeated push changes nothing).
    pub changed: bool,
}

/// Why a document was refused. The message is for the volunteer's records list.
#[derive(Debug, Error)]
pub enum Rejection {
    /// Not Automerge, or not a check record.
    #[error(
        "The record could not be read ({0}). Keep the phone's copy and tell your coordinator."
    )]
    Undecodable(Box<DocError>),
    /// Changes that depend on history the server lacks.
    #[error("The server is missing earlier changes to this record; the phone will send the whole record again.")]
    MissingHistory,
    /// The document holds another record's id.
    #[error("The record's id does not match the document it was sent as.")]
    IdMismatch,
    /// The check breaks a validation rule.
    #[error("The check is not valid: {0}")]
    Invalid(#[from] ValidationErrors),
    /// The band the phone stored is not the one triage gives.
    #[error("The triage band on the phone does not match the readings; update the app and save the check again.")]
    BandMismatch,
    /// An actor id already bound to another user or device.
    #[error("The record carries changes signed by another user or device.")]
    ForeignActor,
    /// Only volunteers create records.
    #[error("Only a volunteer can record a new check.")]
    NotACreator,
    /// A record created for another volunteer, or a volunteer editing another's record.
    #[error("This check belongs to another volunteer.")]
    NotYourRecord,
    /// A role changing a part it does not own.
    #[error("A {role} cannot change the {part} part of a record.", role = .0.label().to_lowercase(), part = .1.label().to_lowercase())]
    PartNotYours(Role, Part),
    /// A change to the top level outside the parts, after creation.
    #[error("The record's id and layout cannot be changed.")]
    EnvelopeChanged,
    /// The record's borough is not one of the pusher's areas.
    #[error("This check is outside the boroughs you work in.")]
    OutsideArea,
    /// A correction after the edit window.
    #[error("This check is too old to correct; ask your coordinator.")]
    EditWindowClosed,
    /// A follow-up on a reading that is not flagged.
    #[error("This reading is not flagged for follow-up.")]
    NotFlagged,
    /// More bytes or changes than one record may push.
    #[error("The record is larger than the server accepts.")]
    TooLarge,
    /// A check time ahead of the server's clock.
    #[error("The time of the check is in the future: check the phone's date and time, then save it again.")]
    FutureTime,
    /// A correction that moves the check's time.
    #[error("The time a check was taken cannot be changed.")]
    TimeChanged,
    /// A supervisor changing a follow-up another supervisor has claimed.
    #[error("Another supervisor is following this up.")]
    ClaimedByOther,
}

impl From<DocError> for Rejection {
    fn from(error: DocError) -> Self {
        Rejection::Undecodable(Box::new(error))
    }
}

impl Rejection {
    /// A stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Undecodable(_) => "undecodable",
            Rejection::MissingHistory => super::client::MISSING_HISTORY,
            Rejection::IdMismatch => "id_mismatch",
            Rejection::Invalid(_) => "invalid",
            Rejection::BandMismatch => "band_mismatch",
            Rejection::ForeignActor => "foreign_actor",
            Rejection::NotACreator => "not_a_creator",
            Rejection::NotYourRecord => "not_your_record",
            Rejection::PartNotYours(..) => "part_not_yours",
            Rejection::EnvelopeChanged => "envelope_changed",
            Rejection::OutsideArea => "outside_area",
            Rejection::EditWindowClosed => "edit_window_closed",
            Rejection::NotFlagged => "not_flagged",
            Rejection::TooLarge => "too_large",
            Rejection::FutureTime => "future_time",
            Rejection::TimeChanged => "time_changed",
            Rejection::ClaimedByOther => "claimed_by_other",
        }
    }
}

/// Judges a push of `changes` to record `id`, given the stored document (if any).
#[allow(clippy::too_many_arguments)]
pub fn judge(
    id: Uuid,
    stored: Option<RecordDoc>,
    changes: &[u8],
    client_heads: &[String],
    pusher: &Pusher,
    actor_owner: impl Fn(&ActorId) -> ActorOwner,
    policy: &Policy,
    now_ms: i64,
) -> Result<Verdict, Rejection> {
    let before = stored.as_ref().map(RecordDoc::record).transpose()?;
    let (mut doc, before_heads) = match stored {
        Some(mut doc) => {
            let heads = doc.heads();
            (doc, heads)
        }
        None => (RecordDoc::empty(), Vec::new()),
    };
    doc.apply(changes)?;
    // The phone will mark the record synced at its heads: the server must really hold them.
    if doc.is_missing_changes() || !client_heads.iter().all(|h| doc.has_change(h)) {
        return Err(Rejection::MissingHistory);
    }
    if doc.change_count_since(&before_heads) > MAX_NEW_CHANGES {
        return Err(Rejection::TooLarge);
    }
    let edits = doc.edits_since(&before_heads);
    let record = doc.record()?;
    if record.id != id {
        return Err(Rejection::IdMismatch);
    }
    let assessment = assess(&TriageInput::from_check(&record.check), &policy.settings);
    check_times(before.as_ref(), &record, now_ms)?;
    if before.is_none() && !starts_fresh(&record) {
        return Err(Rejection::PartNotYours(Role::Volunteer, Part::FollowUp));
    }

    let mut new_actors = BTreeSet::new();
    for edit in &edits {
        match actor_owner(&edit.actor) {
            ActorOwner::Unbound => {
                new_actors.insert(edit.actor.clone());
            }
            ActorOwner::Bound { user_id, device_id }
                if user_id == pusher.user_id && device_id == pusher.device_id => {}
            ActorOwner::Bound { .. } => return Err(Rejection::ForeignActor),
        }
        authorise_edit(
            edit.is_root,
            &edit.touched,
            before.as_ref(),
            &record,
            pusher,
        )?;
        // A correction of a check the server already holds, after the window. Corrections
        // made before the first sync (however late it comes) are part of the new record.
        if let Some(before) = &before {
            if edit.touched.contains(&Touched::Part(Part::Check))
                && now_ms - before.check.recorded_at_ms > policy.edit_window_ms
            {
                return Err(Rejection::EditWindowClosed);
            }
        }
    }
    if pusher.role == Role::Supervisor && !edits.is_empty() {
        if !assessment.is_flagged() {
            return Err(Rejection::NotFlagged);
        }
        let claimed_by_other = before
            .as_ref()
            .and_then(|b| b.follow_up.claimed_by.as_ref())
            .is_some_and(|by| *by != pusher.user_id);
        if claimed_by_other && before.as_ref().map(|b| &b.follow_up) != Some(&record.follow_up) {
            return Err(Rejection::ClaimedByOther);
        }
    }
    validate(&record.check)?;
    if record.check.band != assessment.band {
        return Err(Rejection::BandMismatch);
    }
    Ok(Verdict {
        doc,
        record,
        assessment,
        new_actors: new_actors.into_iter().collect(),
        changed: !edits.is_empty(),
    })
}

/// The most changes one push may add to one record: a check is written once and amended by
/// few people, so more is a broken or hostile client, and each change costs a diff to judge.
pub const MAX_NEW_CHANGES: usize = 100;

/// How far ahead of the server's clock a phone's clock may be.
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// A check's time is not in the future, and a correction does not move it (the edit window
/// and the follow-up deadline are counted from it).
fn check_times(
    before: Option<&CheckRecord>,
    after: &CheckRecord,
    now_ms: i64,
) -> Result<(), Rejection> {
    if after.check.recorded_at_ms > now_ms + CLOCK_SKEW_MS {
        return Err(Rejection::FutureTime);
    }
    if before.is_some_and(|b| b.check.recorded_at_ms != after.check.recorded_at_ms) {
        return Err(Rejection::TimeChanged);
    }
    Ok(())
}

/// A new record carries the review and follow-up parts as the phone creates them: nothing
/// a coordinator or supervisor would have written.
fn starts_fresh(record: &CheckRecord) -> bool {
    let follow_up = &record.follow_up;
    record.review == ReviewPart::default()
        && matches!(
            follow_up.state,
            FollowUpState::Open | FollowUpState::NotNeeded
        )
        && follow_up.claimed_by.is_none()
        && follow_up.attempts.is_empty()
        && follow_up.outcome.is_none()
        && follow_up.closed_at_ms.is_none()
}

/// Whether the pusher's role and ownership allow one change.
fn authorise_edit(
    is_root: bool,
    touched: &BTreeSet<Touched>,
    before: Option<&CheckRecord>,
    after: &CheckRecord,
    pusher: &Pusher,
) -> Result<(), Rejection> {
    let in_area = |record: &CheckRecord| pusher.areas.contains(&record.check.borough);
    if is_root {
        if before.is_some() || pusher.role != Role::Volunteer {
            return Err(Rejection::NotACreator);
        }
        if after.check.volunteer_id != pusher.user_id {
            return Err(Rejection::NotYourRecord);
        }
        return if in_area(after) {
            Ok(())
        } else {
            Err(Rejection::OutsideArea)
        };
    }
    if touched.contains(&Touched::Envelope) {
        return Err(Rejection::EnvelopeChanged);
    }
    let own = pusher.role.part();
    if let Some(Touched::Part(part)) = touched.iter().find(|t| **t != Touched::Part(own)) {
        return Err(Rejection::PartNotYours(pusher.role, *part));
    }
    let owner_before = before.map_or(&after.check.volunteer_id, |b| &b.check.volunteer_id);
    match pusher.role {
        Role::Volunteer
            if *owner_before != pusher.user_id || after.check.volunteer_id != pusher.user_id =>
        {
            Err(Rejection::NotYourRecord)
        }
        Role::Volunteer if !in_area(after) => Err(Rejection::OutsideArea),
        Role::Volunteer => Ok(()),
        Role::Coordinator | Role::Supervisor if !(in_area(after) && before.is_none_or(in_area)) => {
            Err(Rejection::OutsideArea)
        }
        Role::Coordinator | Role::Supervisor => Ok(()),
    }
}
