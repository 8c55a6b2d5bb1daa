//! The server's decision on one pushed document: accept it, or reject it with a reason.
//!
//! The server never trusts a client. It decodes the changes, checks the record's shape and
//! validation, binds each new actor id to the pushing user's device (a forged or reused one is
//! refused), checks that the pusher's role may change every part the new changes touch and
//! that what they did to it is a move that part's rules allow (the same functions the REST
//! screens call), and recomputes the triage. The record's schema is closed and the changes are
//! counted before they are merged. Pure: the caller loads the stored document, checks the
//! verdict's actors and event against what it stores, and stores what the [`Verdict`] says.

use std::collections::BTreeSet;

use thiserror::Error;
use uuid::Uuid;

use crate::crdt::{ActorId, DocError, Part, Pushed, RecordDoc, Role, Touched};
use crate::follow_up::{self, FollowUpContext, FollowUpError, CLOCK_SKEW_MS};
use crate::record::{CheckRecord, FollowUpState, ReviewPart};
use crate::review::{self, ReviewError};
use crate::sync::chunk;
use crate::sync::wire::{ContactDetails, MAX_DOC_BYTES};
use crate::triage::{assess, Assessment, ProgrammeSettings, TriageInput};
use crate::validation::normalise_phone;
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Triage deadlines and the edit window, as the phones receive them.
    pub settings: ProgrammeSettings,
}

/// An accepted document, ready to store. `D` is what it carries of the merged document: the
/// judge hands out the Automerge document itself; a store that keeps only its saved bytes
/// [maps](Verdict::map_doc) it to them where it judges, so the whole document is not held
/// until the write.
#[derive(Debug)]
pub struct Verdict<D = RecordDoc> {
    /// The merged document.
    pub doc: D,
    /// The record it holds.
    pub record: CheckRecord,
    /// The server's own triage.
    pub assessment: Assessment,
    /// The actor ids of the new changes: the caller looks up whom each is bound to and passes
    /// that to [`settle`].
    pub actors: Vec<ActorId>,
    /// Whether the new changes wrote the check part: then [`settle`] checks the event.
    pub check_written: bool,
    /// Whether the push changed anything (a repeated push changes nothing).
    pub changed: bool,
    /// Whether the merged document is the pushed bytes as they came: a new record pushed as
    /// one saved document and nothing else, which Automerge rebuilt in full and checked
    /// against its heads, so a store may keep those bytes rather than save it again. Not so
    /// for anything after a saved document: Automerge passes over a second document whose
    /// heads it has and a change it holds without reading them, and another reader could
    /// take them differently.
    pub as_pushed: bool,
    /// The supervisor a coordinator handed the flag to, if this push did: the caller checks
    /// they are an active supervisor of the record's borough
    /// ([`FollowUpError::NotASupervisorHere`] if not).
    pub handed_to: Option<String>,
}

impl<D> Verdict<D> {
    /// The same verdict carrying `f` of its document (its saved bytes, say); the document is
    /// dropped here.
    pub fn map_doc<E>(self, f: impl FnOnce(D) -> E) -> Verdict<E> {
        Verdict {
            doc: f(self.doc),
            record: self.record,
            assessment: self.assessment,
            actors: self.actors,
            check_written: self.check_written,
            changed: self.changed,
            as_pushed: self.as_pushed,
            handed_to: self.handed_to,
        }
    }
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
    /// A follow-up change that breaks a follow-up rule (the same rules as the supervisor's
    /// screens).
    #[error("{0}.")]
    FollowUp(#[from] FollowUpError),
    /// A review change that breaks a review rule (the same rules as the review screen).
    #[error("{0}.")]
    Review(#[from] ReviewError),
    /// Changes that made the CRDT library itself fail (fuzzing found malformed changes that
    /// make Automerge panic while merging).
    #[error(
        "The record's changes could not be read. Keep the phone's copy and tell your coordinator."
    )]
    Malformed,
    /// A check at an event of another borough.
    #[error("This event is in another borough: choose one of your own stalls.")]
    EventOutsideArea,
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
            Rejection::Undecodable(error) if matches!(**error, DocError::UnknownField(_)) => {
                "unknown_field"
            }
            Rejection::Undecodable(error) if matches!(**error, DocError::UnknownLanguage(_)) => {
                "unknown_language"
            }
            Rejection::Undecodable(_) | Rejection::Malformed => "undecodable",
            Rejection::MissingHistory => super::client::MISSING_HISTORY,
            Rejection::IdMismatch => "id_mismatch",
            Rejection::Invalid(errors) if errors.0.iter().any(|e| e.field() == "card") => {
                "invalid_card"
            }
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
            Rejection::FollowUp(FollowUpError::ClaimedByOther) => "claimed_by_other",
            Rejection::FollowUp(_) => "follow_up_rule",
            Rejection::Review(_) => "review_rule",
            Rejection::EventOutsideArea => "event_outside_area",
        }
    }
}

/// Judges a push of `changes` to record `id`, given the stored document (if any).
///
/// The pushed changes (or saved document) are counted against [`MAX_OPS_PER_PUSH`] from their
/// chunk and column headers ([`chunk::shape`]) before anything is decoded, so a small request
/// cannot buy seconds of CPU with run-length-encoded operations; then every rule a screen
/// enforces is applied to what the changes did.
pub fn judge(
    id: Uuid,
    mut stored: Option<RecordDoc>,
    changes: &[u8],
    client_heads: &[String],
    pusher: &Pusher,
    policy: &Policy,
    now_ms: i64,
) -> Result<Verdict, Rejection> {
    if changes.len() > MAX_DOC_BYTES {
        return Err(Rejection::TooLarge);
    }
    let shape = chunk::shape(changes).map_err(DocError::from)?;
    if shape.changes > MAX_NEW_CHANGES as u64
        || shape.op_rows > MAX_OPS_PER_PUSH as u64
        || shape.actors > MAX_ACTORS_PER_PUSH as u64
    {
        return Err(Rejection::TooLarge);
    }
    let pushed = Pushed::decode(changes, &shape)?;
    let as_pushed = stored.is_none() && shape.document_chunks == 1 && shape.change_chunks == 0;
    let before = stored.as_ref().map(RecordDoc::record).transpose()?;
    let before_heads = stored.as_mut().map_or_else(Vec::new, RecordDoc::heads);
    let mut doc = pushed.onto(stored)?;
    // The phone will mark the record synced at its heads: the server must really hold them.
    if doc.is_missing_changes() || !client_heads.iter().all(|h| doc.has_change(h)) {
        return Err(Rejection::MissingHistory);
    }
    if doc.change_count_since(&before_heads) > MAX_NEW_CHANGES
        || doc.op_count() > MAX_OPS_PER_RECORD
    {
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

    let mut actors = BTreeSet::new();
    let mut check_written = false;
    for edit in &edits {
        actors.insert(edit.actor.clone());
        authorise_edit(
            edit.is_root,
            &edit.touched,
            before.as_ref(),
            &record,
            pusher,
        )?;
        let writes_check = edit.is_root || edit.touched.contains(&Touched::Part(Part::Check));
        check_written |= writes_check;
        // A correction of a check the server already holds, after the window. Corrections
        // made before the first sync (however late it comes) are part of the new record.
        if let Some(before) = &before {
            if writes_check
                && now_ms - before.check.recorded_at_ms > policy.settings.edit_window_ms()
            {
                return Err(Rejection::EditWindowClosed);
            }
        }
    }
    if let Some(before) = &before {
        check_part_rules(before, &record, &assessment, pusher, now_ms)?;
    }
    validate(&record.check)?;
    if record.check.band != assessment.band {
        return Err(Rejection::BandMismatch);
    }
    let handed_to = before
        .as_ref()
        .and_then(|b| follow_up::handed_to(&b.follow_up, &record.follow_up, &pusher.user_id))
        .map(str::to_owned);
    Ok(Verdict {
        doc,
        record,
        assessment,
        actors: actors.into_iter().collect(),
        check_written,
        changed: !edits.is_empty(),
        as_pushed,
        handed_to,
    })
}

/// What to store for an accepted document, decided from what the store holds.
#[derive(Debug)]
pub struct Settled<D = RecordDoc> {
    /// The verdict to store.
    pub verdict: Verdict<D>,
    /// Actor ids to bind to the pusher's device now.
    pub bind: Vec<ActorId>,
    /// What becomes of the contact number.
    pub contact: ContactEffect,
    /// Why a sent contact number was not kept, for the volunteer.
    pub warning: Option<String>,
}

/// The second half of judging, for what depends on other rows: given whom each of the
/// verdict's actors is bound to and the borough of the event the check names (if
/// the server knows it), refuses a foreign actor or another borough's event, and says what to
/// bind and what becomes of the contact number. Sans-IO: the store looks these up and applies
/// the result.
pub fn settle<D>(
    verdict: Verdict<D>,
    owners: &[(ActorId, ActorOwner)],
    event_borough: Option<&str>,
    pusher: &Pusher,
    contact: Option<&ContactDetails>,
) -> Result<Settled<D>, Rejection> {
    let mut bind = Vec::new();
    for actor in &verdict.actors {
        // An actor the store did not look up is treated as foreign: fail closed.
        let owner = owners
            .iter()
            .find(|(a, _)| a == actor)
            .map(|(_, owner)| owner)
            .ok_or(Rejection::ForeignActor)?;
        if check_actor(owner, pusher)? {
            bind.push(actor.clone());
        }
    }
    check_event(&verdict, event_borough)?;
    let (contact, warning) = contact_effect(&verdict, pusher, contact);
    Ok(Settled {
        verdict,
        bind,
        contact,
        warning,
    })
}

/// [`judge`], with a panic inside the CRDT library turned into a refusal of this one document,
/// so that one malformed record (fuzzing found changes that make Automerge 0.12 panic with an
/// actor index out of range) cannot fail the rest of a push. The stored document was moved
/// in, so nothing the panic interrupted is used afterwards.
#[allow(clippy::too_many_arguments)]
pub fn judge_contained(
    id: Uuid,
    stored: Option<RecordDoc>,
    changes: &[u8],
    client_heads: &[String],
    pusher: &Pusher,
    policy: &Policy,
    now_ms: i64,
) -> Result<Verdict, Rejection> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        judge(id, stored, changes, client_heads, pusher, policy, now_ms)
    }))
    .unwrap_or(Err(Rejection::Malformed))
}

/// Whether a change by `actor`, bound as `owner`, may be stored for `pusher`: an actor id
/// belongs to the user and device that first pushed it. `Ok(true)` means it is new and is to
/// be bound now.
pub fn check_actor(owner: &ActorOwner, pusher: &Pusher) -> Result<bool, Rejection> {
    match owner {
        ActorOwner::Unbound => Ok(true),
        ActorOwner::Bound { user_id, device_id }
            if *user_id == pusher.user_id && *device_id == pusher.device_id =>
        {
            Ok(false)
        }
        ActorOwner::Bound { .. } => Err(Rejection::ForeignActor),
    }
}

/// Whether a written check may name its event: an event the server knows must be in the
/// check's borough (`event_borough` is `None` for a stall started on a phone), so a check
/// cannot put itself into another borough's event and its reports.
pub fn check_event<D>(verdict: &Verdict<D>, event_borough: Option<&str>) -> Result<(), Rejection> {
    match event_borough {
        Some(borough) if verdict.check_written && borough != verdict.record.check.borough => {
            Err(Rejection::EventOutsideArea)
        }
        _ => Ok(()),
    }
}

/// What becomes of the contact number held beside a record once a push is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactEffect {
    /// Hold this number (normalised), replacing any held.
    Keep(String),
    /// Erase any number held: nobody may need to call the person any more.
    Erase,
    /// Leave what is held as it is.
    Unchanged,
}

/// The contact retention rule, in one place: a number is held only for a flagged reading whose
/// person agreed to be contacted, while the follow-up is not closed, and only as sent by the
/// volunteer who took the check. Returns the effect and, when a sent number was not kept, why
/// (for the volunteer's records list).
pub fn contact_effect<D>(
    verdict: &Verdict<D>,
    pusher: &Pusher,
    sent: Option<&ContactDetails>,
) -> (ContactEffect, Option<String>) {
    let record = &verdict.record;
    let refusal = if !verdict.assessment.is_flagged() {
        Some("The reading is not flagged, so the contact number was not kept.")
    } else if !record.check.consent_to_contact {
        Some("The person did not agree to be contacted, so the number was not kept.")
    } else if record.follow_up.state == FollowUpState::Closed {
        Some("The follow-up is closed, so the number was not kept.")
    } else {
        None
    };
    let effect = if refusal.is_some() {
        ContactEffect::Erase
    } else {
        ContactEffect::Unchanged
    };
    let Some(sent) = sent else {
        return (effect, None);
    };
    if pusher.role != Role::Volunteer || record.check.volunteer_id != pusher.user_id {
        let warning = "Only the volunteer who took the check can send contact details.";
        return (effect, Some(warning.into()));
    }
    if let Some(refusal) = refusal {
        return (effect, Some(refusal.into()));
    }
    match normalise_phone(&sent.phone) {
        Ok(phone) => (ContactEffect::Keep(phone), None),
        Err(e) => (
            effect,
            Some(format!("{e}. The check was saved without it.")),
        ),
    }
}

/// The most operations the changes of one pushed document may hold. A new check is about 100
/// operations and a correction fewer; a million-character text is a million.
pub const MAX_OPS_PER_PUSH: usize = 2_000;

/// The most operations a record's whole history may hold: corrections, a review and a
/// follow-up are a few hundred; this bounds what one record can cost every later push.
pub const MAX_OPS_PER_RECORD: usize = 20_000;

/// The most actor ids the chunks of one pushed document may list. A record is edited by a
/// handful of devices, and a push of 100 changes names each change's author and the few
/// others its operations build on; loading a document costs time quadratic in the unused ids
/// its list holds (a byte each), so the list is bounded before it is loaded.
pub const MAX_ACTORS_PER_PUSH: usize = 1_000;

/// The most changes one push may add to one record: a check is written once and amended by
/// few people, so more is a broken or hostile client, and each change costs a diff to judge.
pub const MAX_NEW_CHANGES: usize = 100;

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

/// The staff parts' rules, replayed on what the push did to them: the same functions the
/// review screen and the supervisor's screens call, so no rule can be skipped by writing the
/// document directly. (Which role may write which part is [`authorise_edit`]'s.)
fn check_part_rules(
    before: &CheckRecord,
    after: &CheckRecord,
    assessment: &Assessment,
    pusher: &Pusher,
    now_ms: i64,
) -> Result<(), Rejection> {
    if before.follow_up != after.follow_up {
        if !assessment.is_flagged() {
            return Err(Rejection::NotFlagged);
        }
        let ctx = FollowUpContext {
            me: &pusher.user_id,
            recorded_at_ms: after.check.recorded_at_ms,
            now_ms,
            flagged: true,
            coordinator: pusher.role == Role::Coordinator,
        };
        follow_up::replay(&before.follow_up, &after.follow_up, &ctx)?;
    }
    review::replay(&before.review, &after.review, &pusher.user_id)?;
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
    // A coordinator may also release or hand over a claim; `check_part_rules` holds them to
    // those moves.
    let own = pusher.role.part();
    let may_write =
        |part: Part| part == own || (pusher.role == Role::Coordinator && part == Part::FollowUp);
    if let Some(Touched::Part(part)) = touched
        .iter()
        .find(|t| !matches!(t, Touched::Part(p) if may_write(*p)))
    {
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
