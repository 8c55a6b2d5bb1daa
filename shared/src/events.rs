//! Events as the programme runs them: a plan (name, day, venue, borough, kind, cancelled) that
//! the coordinator owns, and a debrief per volunteer (footfall, conversations without a check,
//! leaflets, kit, a note, a workshop's attendance) that only that volunteer writes.
//!
//! Why an idempotent upsert and not an Automerge document: an event has exactly two parts and
//! each has one writer, so the only merge it needs is "each part from its owner", which a
//! per-part upsert gives without a second document kind in the phone's store, the session,
//! the pull feed and the server's projection (and without growing the phone's download). The
//! phone always sends whole values, so a push repeated after a lost answer changes nothing.
//! A volunteer's plan of a stall they started carries the plan revision it was based on: a
//! coordinator's correction bumps the revision, so a phone's older copy arriving later is
//! recognised as stale and loses (the phone is told, and receives the correction), while
//! the volunteer's debrief, filed at the same time, is kept: both edits survive. Each
//! volunteer's debrief is its own row (two volunteers at one stall tally separately and the
//! event's figures are their sums); between one volunteer's phones the later debrief wins.
//!
//! [`judge_event`] is the single gate for a pushed event and [`coordinator_plan`] the rule the
//! coordinators' screens call: the same [`validate_plan`] and area rules in both.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::is_date;
use crate::crdt::Role;
use crate::record::{borough_name, VenueType};
use crate::sync::judge::Pusher;
use crate::sync::wire::{DebriefPush, Event, EventPush, PlanPush};
use crate::text::TextRule;
use crate::validation::is_identifier;

vocab! {
    /// What kind of event: a drop-in stall with checks, or a health workshop (e.g. with a
    /// local pharmacy) reported by its attendance.
    EventKind {
        Stall = "stall" => "Stall",
        Workshop = "workshop" => "Health workshop",
    }
}

impl Default for EventKind {
    /// Events from before workshops existed were all stalls.
    fn default() -> Self {
        EventKind::Stall
    }
}

/// The longest event or venue name.
pub const NAME_MAX: usize = 120;
/// The longest debrief note.
pub const NOTE_MAX: usize = 1_000;
/// The longest "kit used" text.
pub const KIT_MAX: usize = 200;
/// The largest count a debrief may hold: more than any stall sees, so a typo is caught.
pub const TALLY_MAX: i64 = 100_000;

/// An event's plan, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// A short name.
    pub name: String,
    /// The day, YYYY-MM-DD.
    pub date: String,
    /// The venue's name.
    pub venue: String,
    /// The kind of venue.
    pub venue_type: VenueType,
    /// ONS borough code.
    pub borough: String,
    /// Stall or workshop.
    pub kind: EventKind,
    /// Called off.
    pub cancelled: bool,
}

impl Plan {
    /// The event as phones and screens see it.
    pub fn event(&self, id: &str, plan_rev: u64) -> Event {
        Event {
            id: id.to_owned(),
            name: self.name.clone(),
            date: self.date.clone(),
            venue: self.venue.clone(),
            venue_type: self.venue_type,
            borough: self.borough.clone(),
            kind: self.kind,
            cancelled: self.cancelled,
            plan_rev,
        }
    }

    /// The plan of an event.
    pub fn of(event: &Event) -> Plan {
        Plan {
            name: event.name.clone(),
            date: event.date.clone(),
            venue: event.venue.clone(),
            venue_type: event.venue_type,
            borough: event.borough.clone(),
            kind: event.kind,
            cancelled: event.cancelled,
        }
    }

    /// The plan as a phone sends it.
    pub fn push(&self) -> PlanPush {
        PlanPush {
            name: self.name.clone(),
            date: self.date.clone(),
            venue: self.venue.clone(),
            venue_type: self.venue_type.code().into(),
            borough: self.borough.clone(),
            kind: self.kind.code().into(),
            cancelled: self.cancelled,
        }
    }
}

/// A volunteer's debrief, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debrief {
    /// When the volunteer last changed it, ms.
    pub updated_at_ms: i64,
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
    /// A note for the coordinator.
    pub note: String,
}

impl Debrief {
    /// The debrief as a phone sends it.
    pub fn push(&self) -> DebriefPush {
        DebriefPush {
            updated_at_ms: self.updated_at_ms,
            footfall: self.footfall.map(i64::from),
            conversations: self.conversations.into(),
            leaflets: self.leaflets.into(),
            attendance: self.attendance.map(i64::from),
            kit_used: self.kit_used.clone(),
            note: self.note.clone(),
        }
    }
}

/// What the server holds of an event's plan, for judging a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The plan.
    pub plan: Plan,
    /// Its revision, bumped by every edit.
    pub plan_rev: u64,
    /// Who made it.
    pub created_by: String,
    /// Started on a volunteer's phone (its volunteer may still correct the plan).
    pub started_on_phone: bool,
}

/// Why an event or an edit was refused. Messages name the field, as the forms show them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EventRejection {
    /// Not an id the server can store.
    #[error("The event's id is not valid.")]
    BadId,
    /// A kind that is neither stall nor workshop.
    #[error("Kind: {0:?} is not a kind of event (stall or workshop).")]
    UnknownKind(String),
    /// A venue type not on the list.
    #[error("Type of venue: {0:?} is not on the list.")]
    UnknownVenueType(String),
    /// A plan field that breaks its rule, as "Field: problem".
    #[error("{0}")]
    InvalidPlan(String),
    /// A debrief count below zero.
    #[error("{0}: a count cannot be below zero.")]
    NegativeTally(&'static str),
    /// A debrief count beyond any stall.
    #[error("{0}: more than {TALLY_MAX} is not a real count.")]
    TallyTooLarge(&'static str),
    /// Debrief text that breaks the text rule.
    #[error("{0}")]
    InvalidDebrief(String),
    /// An event in a borough the pusher does not work in.
    #[error("This event is in a borough you do not work in.")]
    OutsideArea,
    /// A volunteer changing the plan of an event they did not start.
    #[error(
        "Only the coordinator can change the plan of this event; your debrief can still be sent."
    )]
    PlanNotYours,
    /// A volunteer cancelling (or un-cancelling) an event.
    #[error("Only a coordinator can cancel an event.")]
    CancelNotYours,
    /// A debrief of an event the server does not know.
    #[error("The server does not know this event yet: sync the phone that started it.")]
    UnknownEvent,
    /// Only volunteers push events from phones; only coordinators edit plans on screens.
    #[error("A {role} cannot do this to an event.", role = .0.label().to_lowercase())]
    WrongRole(Role),
}

impl EventRejection {
    /// A stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            EventRejection::BadId => "bad_id",
            EventRejection::UnknownKind(_) => "unknown_kind",
            EventRejection::UnknownVenueType(_) => "unknown_venue_type",
            EventRejection::InvalidPlan(_) => "invalid_plan",
            EventRejection::NegativeTally(_) => "negative_tally",
            EventRejection::TallyTooLarge(_) => "tally_too_large",
            EventRejection::InvalidDebrief(_) => "invalid_debrief",
            EventRejection::OutsideArea => "outside_area",
            EventRejection::PlanNotYours => "plan_not_yours",
            EventRejection::CancelNotYours => "cancel_not_yours",
            EventRejection::UnknownEvent => "unknown_event",
            EventRejection::WrongRole(_) => "wrong_role",
        }
    }
}

/// Checks a plan as typed on a phone or a screen: names by the shared text rule, a real day,
/// a known venue type, borough and kind. Texts are trimmed.
pub fn validate_plan(plan: &PlanPush) -> Result<Plan, EventRejection> {
    let invalid = |m: String| Err(EventRejection::InvalidPlan(m));
    let rule = TextRule::name(NAME_MAX);
    if let Err(e) = rule.check(&plan.name) {
        return invalid(format!("Event name: {e}"));
    }
    if let Err(e) = rule.check(&plan.venue) {
        return invalid(format!("Venue: {e}"));
    }
    if !is_date(&plan.date) {
        return invalid("Date: give a real day, written like 2026-11-21".into());
    }
    if borough_name(&plan.borough).is_none() {
        return invalid("Borough: choose a London borough".into());
    }
    let venue_type = VenueType::from_code(&plan.venue_type)
        .ok_or_else(|| EventRejection::UnknownVenueType(plan.venue_type.clone()))?;
    let kind = EventKind::from_code(&plan.kind)
        .ok_or_else(|| EventRejection::UnknownKind(plan.kind.clone()))?;
    Ok(Plan {
        name: plan.name.trim().to_owned(),
        date: plan.date.clone(),
        venue: plan.venue.trim().to_owned(),
        venue_type,
        borough: plan.borough.clone(),
        kind,
        cancelled: plan.cancelled,
    })
}

/// Checks a debrief: counts from 0 to [`TALLY_MAX`], texts by the shared text rule.
pub fn validate_debrief(debrief: &DebriefPush) -> Result<Debrief, EventRejection> {
    let count = |name: &'static str, value: i64| -> Result<u32, EventRejection> {
        if value < 0 {
            Err(EventRejection::NegativeTally(name))
        } else if value > TALLY_MAX {
            Err(EventRejection::TallyTooLarge(name))
        } else {
            Ok(value as u32)
        }
    };
    let text = |name: &str, rule: TextRule, value: &str| {
        rule.check(value)
            .map_err(|e| EventRejection::InvalidDebrief(format!("{name}: {e}")))
    };
    text("Kit used", TextRule::note(KIT_MAX), &debrief.kit_used)?;
    text("Note", TextRule::note(NOTE_MAX), &debrief.note)?;
    Ok(Debrief {
        updated_at_ms: debrief.updated_at_ms,
        footfall: debrief.footfall.map(|v| count("Footfall", v)).transpose()?,
        conversations: count("Conversations", debrief.conversations)?,
        leaflets: count("Leaflets", debrief.leaflets)?,
        attendance: debrief
            .attendance
            .map(|v| count("Attendance", v))
            .transpose()?,
        kit_used: debrief.kit_used.trim().to_owned(),
        note: debrief.note.trim().to_owned(),
    })
}

/// What becomes of a pushed plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanEffect {
    /// A stall started on the phone: store it as a new event.
    Create(Plan),
    /// The volunteer corrected the plan of the stall they started: store it, next revision.
    Update(Plan),
    /// The server holds this plan already (a repeated push), or the push had no plan.
    Unchanged,
    /// The phone's copy predates the coordinator's correction: the correction stays.
    Stale,
}

/// An accepted event push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventVerdict {
    /// What to do with the plan.
    pub plan: PlanEffect,
    /// The debrief to store for the pusher, if newer than the one held.
    pub debrief: Option<Debrief>,
    /// For the volunteer, when their copy of the plan lost.
    pub warning: Option<String>,
}

/// Judges one pushed event against what the server holds: the plan as [`PlanEffect`], the
/// debrief if it is newer than `stored_debrief_at_ms` (the pusher's own, if any).
///
/// Rules: only a volunteer pushes events; every event pushed is in one of their boroughs;
/// a plan is new (the volunteer started it), identical, or an edit of a stall this volunteer
/// started (never a coordinator's event, never a cancellation); a debrief needs an event.
pub fn judge_event(
    push: &EventPush,
    stored: Option<&StoredEvent>,
    stored_debrief_at_ms: Option<i64>,
    pusher: &Pusher,
) -> Result<EventVerdict, EventRejection> {
    if pusher.role != Role::Volunteer {
        return Err(EventRejection::WrongRole(pusher.role));
    }
    if !is_identifier(&push.id) {
        return Err(EventRejection::BadId);
    }
    let in_area = |plan: &Plan| pusher.areas.contains(&plan.borough);
    if stored.is_some_and(|s| !in_area(&s.plan)) {
        return Err(EventRejection::OutsideArea);
    }
    let plan = push.plan.as_ref().map(validate_plan).transpose()?;
    let debrief = push.debrief.as_ref().map(validate_debrief).transpose()?;
    let mut warning = None;
    let effect = match (plan, stored) {
        (None, None) if debrief.is_some() => return Err(EventRejection::UnknownEvent),
        (None, _) => PlanEffect::Unchanged,
        (Some(plan), None) => {
            if plan.cancelled {
                return Err(EventRejection::CancelNotYours);
            }
            if !in_area(&plan) {
                return Err(EventRejection::OutsideArea);
            }
            PlanEffect::Create(plan)
        }
        (Some(plan), Some(stored)) if plan == stored.plan => PlanEffect::Unchanged,
        (Some(_), Some(stored))
            if !stored.started_on_phone || stored.created_by != pusher.user_id =>
        {
            return Err(EventRejection::PlanNotYours);
        }
        (Some(_), Some(stored)) if push.plan_rev < stored.plan_rev => {
            warning = Some(
                "Your coordinator changed this event's plan; the phone now shows theirs.".into(),
            );
            PlanEffect::Stale
        }
        (Some(plan), Some(stored)) => {
            if plan.cancelled != stored.plan.cancelled {
                return Err(EventRejection::CancelNotYours);
            }
            if !in_area(&plan) {
                return Err(EventRejection::OutsideArea);
            }
            PlanEffect::Update(plan)
        }
    };
    let debrief = debrief.filter(|d| stored_debrief_at_ms.is_none_or(|at| d.updated_at_ms > at));
    Ok(EventVerdict {
        plan: effect,
        debrief,
        warning,
    })
}

/// The rule the coordinators' screens apply to a new plan or an edit (including cancelling):
/// a coordinator, in their boroughs, before and after. Returns the checked plan.
pub fn coordinator_plan(
    stored: Option<&Plan>,
    new: &PlanPush,
    who: &Pusher,
) -> Result<Plan, EventRejection> {
    if who.role != Role::Coordinator {
        return Err(EventRejection::WrongRole(who.role));
    }
    let plan = validate_plan(new)?;
    let in_area = |p: &Plan| who.areas.contains(&p.borough);
    if !in_area(&plan) || stored.is_some_and(|s| !in_area(s)) {
        return Err(EventRejection::OutsideArea);
    }
    Ok(plan)
}

/// What the phone holds of an event it pushes: the stall it started (if it did) and its
/// volunteer's debrief, with whether the server has acknowledged this exact state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneEvent {
    /// The event id.
    pub id: String,
    /// The plan, when this phone started the stall.
    pub plan: Option<Plan>,
    /// The plan revision the phone's plan is based on.
    pub plan_rev: u64,
    /// The volunteer's debrief so far.
    pub debrief: Option<Debrief>,
    /// The server acknowledged this state.
    pub acked: bool,
    /// Why the server refused it, shown on the debrief screen.
    pub refused: Option<String>,
}

impl PhoneEvent {
    /// What the phone sends.
    pub fn push(&self) -> EventPush {
        EventPush {
            id: self.id.clone(),
            plan: self.plan.as_ref().map(Plan::push),
            plan_rev: self.plan_rev,
            debrief: self.debrief.as_ref().map(Debrief::push),
        }
    }
}

/// The phone's events to push, sans-IO: the stall and capture screens change them, the sync
/// sends [`PhoneEvents::outgoing`] and applies the server's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneEvents {
    /// One entry per event the phone started or debriefed.
    pub entries: Vec<PhoneEvent>,
}

impl PhoneEvents {
    fn entry(&mut self, id: &str) -> &mut PhoneEvent {
        if let Some(i) = self.entries.iter().position(|e| e.id == id) {
            return &mut self.entries[i];
        }
        self.entries.push(PhoneEvent {
            id: id.to_owned(),
            plan: None,
            plan_rev: 0,
            debrief: None,
            acked: false,
            refused: None,
        });
        self.entries.last_mut().expect("just pushed")
    }

    /// A stall started on this phone.
    pub fn start(&mut self, event: &Event) {
        let entry = self.entry(&event.id);
        entry.plan = Some(Plan::of(event));
        entry.plan_rev = event.plan_rev;
        entry.acked = false;
    }

    /// The debrief held for an event, or an empty one.
    pub fn debrief(&self, id: &str) -> Debrief {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.debrief.clone())
            .unwrap_or_default()
    }

    /// Changes an event's debrief (a tally tap, the debrief form), stamped `now_ms`.
    pub fn edit_debrief(&mut self, id: &str, now_ms: i64, change: impl FnOnce(&mut Debrief)) {
        let entry = self.entry(id);
        let mut debrief = entry.debrief.clone().unwrap_or_default();
        change(&mut debrief);
        debrief.updated_at_ms = now_ms.max(debrief.updated_at_ms + 1);
        entry.debrief = Some(debrief);
        entry.acked = false;
    }

    /// Adds `delta` to the conversations tally (never below zero).
    pub fn tally(&mut self, id: &str, now_ms: i64, delta: i32) {
        self.edit_debrief(id, now_ms, |d| {
            d.conversations = d.conversations.saturating_add_signed(delta);
        });
    }

    /// What to push: every entry the server has not acknowledged.
    pub fn outgoing(&self) -> Vec<EventPush> {
        self.entries
            .iter()
            .filter(|e| !e.acked)
            .map(PhoneEvent::push)
            .collect()
    }

    /// Applies the server's answers to `sent`: an entry still as it was sent is acknowledged
    /// (one changed during the round trip is sent again); a refusal is kept with its reason.
    pub fn settle(&mut self, sent: &[EventPush], results: &[crate::sync::wire::EventResult]) {
        use crate::sync::wire::EventResult;
        for (push, result) in sent.iter().zip(results) {
            let Some(entry) = self.entries.iter_mut().find(|e| e.id == push.id) else {
                continue;
            };
            let unchanged = entry.push() == *push;
            match result {
                EventResult::Accepted { warning, .. } => {
                    entry.acked = unchanged;
                    entry.refused = warning.clone();
                }
                EventResult::Rejected { reason, .. } => entry.refused = Some(reason.clone()),
            }
        }
    }

    /// The server's copy of an event reached the phone: a stall it started takes the
    /// coordinator's plan and revision.
    pub fn learn(&mut self, event: &Event) {
        if let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.id == event.id && e.plan.is_some())
        {
            if event.plan_rev >= entry.plan_rev {
                entry.plan = Some(Plan::of(event));
                entry.plan_rev = event.plan_rev;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::wire::EventResult;

    fn stall() -> Event {
        Plan {
            name: "Market stall".into(),
            date: "2026-11-21".into(),
            venue: "Chapel Market".into(),
            venue_type: VenueType::Market,
            borough: "E09000019".into(),
            kind: EventKind::Stall,
            cancelled: false,
        }
        .event("e1", 0)
    }

    #[test]
    fn the_phone_sends_what_is_not_acknowledged_and_learns_the_coordinators_plan() {
        let mut phone = PhoneEvents::default();
        phone.start(&stall());
        phone.tally("e1", 10, 1);
        phone.tally("e1", 10, 1);
        phone.tally("e1", 10, -1);
        phone.tally("e1", 10, -5);
        assert_eq!(phone.debrief("e1").conversations, 0, "never below zero");
        phone.tally("e1", 11, 2);
        let sent = phone.outgoing();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].debrief.as_ref().unwrap().conversations, 2);
        assert!(sent[0].debrief.as_ref().unwrap().updated_at_ms > 11);

        // A tap during the round trip is sent again; the rest is acknowledged.
        phone.tally("e1", 12, 1);
        let accepted = [EventResult::Accepted {
            id: "e1".into(),
            warning: None,
        }];
        phone.settle(&sent, &accepted);
        assert_eq!(phone.outgoing().len(), 1);
        let sent = phone.outgoing();
        phone.settle(&sent, &accepted);
        assert!(phone.outgoing().is_empty());

        let mut corrected = stall();
        corrected.venue = "Market hall".into();
        corrected.plan_rev = 2;
        phone.learn(&corrected);
        assert_eq!(phone.entries[0].plan.as_ref().unwrap().venue, "Market hall");
        assert_eq!(phone.entries[0].plan_rev, 2);
        assert!(phone.outgoing().is_empty(), "learning is not an edit");

        let refused = [EventResult::Rejected {
            id: "e1".into(),
            code: "negative_tally".into(),
            reason: "Conversations: a count cannot be below zero.".into(),
        }];
        phone.tally("e1", 13, 1);
        let sent = phone.outgoing();
        phone.settle(&sent, &refused);
        assert_eq!(
            phone.outgoing().len(),
            1,
            "a refusal stays unsent, with its reason"
        );
        assert!(phone.entries[0].refused.is_some());
    }
}
