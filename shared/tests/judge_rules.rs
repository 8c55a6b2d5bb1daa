//! Every rule of the judge, allowed and refused, natively and without HTTP: who may create,
//! which part each role writes, areas, the edit window and times, the staff parts' moves,
//! actor binding, the event's borough, and contact retention.

#![cfg(not(target_arch = "wasm32"))]

use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc, Role};
use stallside_shared::record::*;
use stallside_shared::sync::client::heads_hex;
use stallside_shared::sync::judge::{
    check_actor, check_event, contact_effect, judge, ActorOwner, ContactEffect, Policy, Pusher,
    Rejection, Verdict,
};
use stallside_shared::sync::wire::ContactDetails;
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::triage::{assess, band, TriageInput};
use uuid::Uuid;

const NOW_MS: i64 = 1_800_000_000_000;
const ISLINGTON: &str = "E09000019";
const CAMDEN: &str = "E09000007";
const DAY_MS: i64 = 24 * 3_600_000;

fn who(user_id: &str, role: Role, area: &str) -> Pusher {
    Pusher {
        user_id: user_id.into(),
        device_id: format!("{user_id}-device"),
        role,
        areas: vec![area.into()],
    }
}

fn volunteer() -> Pusher {
    who("vol", Role::Volunteer, ISLINGTON)
}

fn actor(n: u8) -> ChangeMeta {
    ChangeMeta {
        actor: ActorId::from([n; 16]),
        time_secs: NOW_MS / 1000,
    }
}

/// A severe (flagged) check by `vol` in Islington, taken `age_ms` ago, with consent to contact.
fn severe_check(age_ms: i64) -> CheckPart {
    let mut check = synthetic::check(1, &Stall::library("vol", ISLINGTON), NOW_MS - age_ms);
    check.readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)];
    check.red_flags.clear();
    check.low_bp_symptoms.clear();
    check.pulse_irregular_on_repeat = None;
    check.consent_to_contact = true;
    check.band = band(&TriageInput::from_check(&check));
    check
}

fn new_doc(check: CheckPart) -> RecordDoc {
    let flagged = assess(&TriageInput::from_check(&check), &Default::default()).is_flagged();
    RecordDoc::create(&CheckRecord::new(Uuid::nil(), check, flagged), &actor(1)).expect("create")
}

/// Judges `edit` of the stored record (or a new record when `stored` is `None`) by `pusher`.
fn judged(
    stored: Option<&RecordDoc>,
    pusher: &Pusher,
    edit: impl FnOnce(&mut RecordDoc),
) -> Result<Verdict, Rejection> {
    let (mut doc, before) = match stored {
        Some(stored) => {
            let mut doc = stored.clone();
            let heads = doc.heads();
            (doc, heads)
        }
        None => (new_doc(severe_check(3_600_000)), Vec::new()),
    };
    edit(&mut doc);
    let changes = doc.changes_since(&before);
    let heads = heads_hex(&mut doc);
    judge(
        Uuid::nil(),
        stored.cloned(),
        &changes,
        &heads,
        pusher,
        &Policy::default(),
        NOW_MS,
    )
}

fn code(result: Result<Verdict, Rejection>) -> &'static str {
    match result {
        Ok(_) => "accepted",
        Err(rejection) => rejection.code(),
    }
}

type Edit = Box<dyn FnOnce(&mut RecordDoc)>;

/// (case, stored record, pusher, edit, number sent, expected effect, whether a warning is due)
type ContactCase<'a> = (
    &'a str,
    Option<&'a RecordDoc>,
    Pusher,
    Edit,
    Option<&'a ContactDetails>,
    ContactEffect,
    bool,
);

fn check_edit(change: impl FnOnce(&mut CheckPart) + 'static, by: u8) -> Edit {
    Box::new(move |doc: &mut RecordDoc| {
        let mut check = doc.record().unwrap().check;
        change(&mut check);
        check.band = band(&TriageInput::from_check(&check));
        doc.write_check(&check, &actor(by)).unwrap();
    })
}

fn review_edit(change: impl FnOnce(&mut ReviewPart) + 'static, by: u8) -> Edit {
    Box::new(move |doc: &mut RecordDoc| {
        let mut review = doc.record().unwrap().review;
        change(&mut review);
        doc.write_review(&review, &actor(by)).unwrap();
    })
}

fn follow_up_edit(change: impl FnOnce(&mut FollowUpPart) + 'static, by: u8) -> Edit {
    Box::new(move |doc: &mut RecordDoc| {
        let mut follow_up = doc.record().unwrap().follow_up;
        change(&mut follow_up);
        doc.write_follow_up(&follow_up, &actor(by)).unwrap();
    })
}

#[test]
fn the_judge_applies_every_rule() {
    let stored = new_doc(severe_check(3_600_000));
    let old = new_doc(severe_check(8 * DAY_MS));
    let coordinator = who("coord", Role::Coordinator, ISLINGTON);
    let supervisor = who("sup", Role::Supervisor, ISLINGTON);
    let camden_coordinator = who("coord2", Role::Coordinator, CAMDEN);
    let other_volunteer = who("vol2", Role::Volunteer, ISLINGTON);
    let cases: Vec<(&str, Option<&RecordDoc>, Pusher, Edit, &str)> = vec![
        (
            "a volunteer creates a check",
            None,
            volunteer(),
            Box::new(|_| {}),
            "accepted",
        ),
        (
            "a coordinator cannot create",
            None,
            coordinator.clone(),
            Box::new(|_| {}),
            "not_a_creator",
        ),
        (
            "another volunteer cannot create in my name",
            None,
            other_volunteer.clone(),
            Box::new(|_| {}),
            "not_your_record",
        ),
        (
            "a volunteer corrects within the window",
            Some(&stored),
            volunteer(),
            check_edit(|c| c.goal = Some("Walk".into()), 1),
            "accepted",
        ),
        (
            "not after the window",
            Some(&old),
            volunteer(),
            check_edit(|c| c.goal = Some("Walk".into()), 1),
            "edit_window_closed",
        ),
        (
            "nor moves the time",
            Some(&stored),
            volunteer(),
            check_edit(|c| c.recorded_at_ms -= 1, 1),
            "time_changed",
        ),
        (
            "nor the borough out of their areas",
            Some(&stored),
            volunteer(),
            check_edit(|c| c.borough = CAMDEN.into(), 1),
            "outside_area",
        ),
        (
            "another volunteer cannot correct",
            Some(&stored),
            other_volunteer,
            check_edit(|c| c.goal = Some("x".into()), 3),
            "not_your_record",
        ),
        (
            "a coordinator cannot write the check",
            Some(&stored),
            coordinator.clone(),
            check_edit(|c| c.goal = Some("x".into()), 4),
            "part_not_yours",
        ),
        (
            "a coordinator reviews",
            Some(&stored),
            coordinator.clone(),
            review_edit(
                |r| {
                    r.state = ReviewState::Approved;
                    r.reviewed_by = Some("coord".into());
                },
                4,
            ),
            "accepted",
        ),
        (
            "signed as someone else",
            Some(&stored),
            coordinator.clone(),
            review_edit(
                |r| {
                    r.state = ReviewState::Approved;
                    r.reviewed_by = Some("boss".into());
                },
                4,
            ),
            "review_rule",
        ),
        (
            "another borough's coordinator",
            Some(&stored),
            camden_coordinator,
            review_edit(
                |r| {
                    r.state = ReviewState::Approved;
                    r.reviewed_by = Some("coord2".into());
                },
                5,
            ),
            "outside_area",
        ),
        (
            "a volunteer cannot review",
            Some(&stored),
            volunteer(),
            review_edit(|r| r.state = ReviewState::Approved, 1),
            "part_not_yours",
        ),
        (
            "a supervisor claims",
            Some(&stored),
            supervisor.clone(),
            follow_up_edit(
                |f| {
                    f.state = FollowUpState::Claimed;
                    f.claimed_by = Some("sup".into());
                },
                6,
            ),
            "accepted",
        ),
        (
            "not for a ghost",
            Some(&stored),
            supervisor.clone(),
            follow_up_edit(
                |f| {
                    f.state = FollowUpState::Claimed;
                    f.claimed_by = Some("ghost".into());
                },
                6,
            ),
            "follow_up_rule",
        ),
        (
            "nor closes unclaimed work as unreachable",
            Some(&stored),
            supervisor.clone(),
            follow_up_edit(
                |f| {
                    f.state = FollowUpState::Closed;
                    f.claimed_by = Some("sup".into());
                    f.outcome = Some(Outcome::Unreachable);
                    f.closed_at_ms = Some(NOW_MS);
                },
                6,
            ),
            "follow_up_rule",
        ),
        (
            "a supervisor cannot write the review",
            Some(&stored),
            supervisor,
            review_edit(|r| r.state = ReviewState::Approved, 6),
            "part_not_yours",
        ),
        (
            "a coordinator cannot claim a flag (only release or hand over a claim)",
            Some(&stored),
            coordinator,
            follow_up_edit(|f| f.state = FollowUpState::Claimed, 4),
            "follow_up_rule",
        ),
        (
            "a check from the future",
            None,
            volunteer(),
            check_edit(|c| c.recorded_at_ms = NOW_MS + DAY_MS, 1),
            "future_time",
        ),
        (
            "a band the readings do not give",
            None,
            volunteer(),
            Box::new(|doc: &mut RecordDoc| {
                let mut check = doc.record().unwrap().check;
                check.band = stallside_shared::triage::Band::Normal;
                doc.write_check(&check, &actor(1)).unwrap();
            }),
            "band_mismatch",
        ),
    ];
    for (rule, stored, pusher, edit, expected) in cases {
        assert_eq!(code(judged(stored, &pusher, edit)), expected, "{rule}");
    }
}

#[test]
fn actors_belong_to_the_device_that_first_pushed_them() {
    let me = volunteer();
    let bound = |user: &str, device: &str| ActorOwner::Bound {
        user_id: user.into(),
        device_id: device.into(),
    };
    assert_eq!(check_actor(&ActorOwner::Unbound, &me).ok(), Some(true));
    assert_eq!(
        check_actor(&bound("vol", "vol-device"), &me).ok(),
        Some(false)
    );
    assert_eq!(
        check_actor(&bound("vol", "another-phone"), &me).map_err(|r| r.code()),
        Err("foreign_actor")
    );
    assert_eq!(
        check_actor(&bound("sup", "vol-device"), &me).map_err(|r| r.code()),
        Err("foreign_actor")
    );
}

#[test]
fn a_check_names_only_its_own_boroughs_events() {
    let verdict = judged(None, &volunteer(), |_| {}).expect("accepted");
    assert!(
        check_event(&verdict, None).is_ok(),
        "a stall started on a phone"
    );
    assert!(check_event(&verdict, Some(ISLINGTON)).is_ok());
    assert_eq!(
        check_event(&verdict, Some(CAMDEN)).map_err(|r| r.code()),
        Err("event_outside_area")
    );
}

#[test]
fn a_contact_number_is_held_only_while_someone_may_call() {
    let sent = ContactDetails {
        phone: "07700 900123".into(),
    };
    let not_a_number = ContactDetails {
        phone: "call me".into(),
    };
    let stored = new_doc(severe_check(3_600_000));
    let cases: Vec<ContactCase> = vec![
        (
            "flagged with consent",
            None,
            volunteer(),
            Box::new(|_| {}),
            Some(&sent),
            ContactEffect::Keep("07700900123".into()),
            false,
        ),
        (
            "nothing sent",
            None,
            volunteer(),
            Box::new(|_| {}),
            None,
            ContactEffect::Unchanged,
            false,
        ),
        (
            "consent withdrawn",
            Some(&stored),
            volunteer(),
            check_edit(|c| c.consent_to_contact = false, 1),
            None,
            ContactEffect::Erase,
            false,
        ),
        (
            "no longer flagged",
            Some(&stored),
            volunteer(),
            check_edit(|c| c.readings = vec![Reading::bp(118, 76)], 1),
            Some(&sent),
            ContactEffect::Erase,
            true,
        ),
        (
            "closed",
            Some(&stored),
            who("sup", Role::Supervisor, ISLINGTON),
            follow_up_edit(
                |f| {
                    f.state = FollowUpState::Closed;
                    f.claimed_by = Some("sup".into());
                    f.outcome = Some(Outcome::AdvisedGp);
                    f.closed_at_ms = Some(NOW_MS);
                },
                6,
            ),
            None,
            ContactEffect::Erase,
            false,
        ),
        (
            "sent by staff",
            Some(&stored),
            who("sup", Role::Supervisor, ISLINGTON),
            follow_up_edit(
                |f| {
                    f.state = FollowUpState::Claimed;
                    f.claimed_by = Some("sup".into());
                },
                6,
            ),
            Some(&sent),
            ContactEffect::Unchanged,
            true,
        ),
        (
            "not a phone number",
            None,
            volunteer(),
            Box::new(|_| {}),
            Some(&not_a_number),
            ContactEffect::Unchanged,
            true,
        ),
    ];
    for (case, stored, pusher, edit, sent, effect, warned) in cases {
        let verdict = judged(stored, &pusher, edit).expect(case);
        let (got, warning) = contact_effect(&verdict, &pusher, sent);
        assert_eq!(got, effect, "{case}");
        assert_eq!(warning.is_some(), warned, "{case}: {warning:?}");
    }
}
