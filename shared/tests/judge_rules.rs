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
    let changes = doc.to_push(&before);
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

/// Judges `bytes` pushed by the volunteer for the nil record, claiming `doc`'s heads.
fn judge_bytes(
    stored: Option<&RecordDoc>,
    doc: &mut RecordDoc,
    bytes: &[u8],
) -> Result<Verdict, Rejection> {
    let heads = heads_hex(doc);
    judge(
        Uuid::nil(),
        stored.cloned(),
        bytes,
        &heads,
        &volunteer(),
        &Policy::default(),
        NOW_MS,
    )
}

#[test]
fn a_record_travels_as_its_saved_document_or_as_its_changes() {
    let mut doc = new_doc(severe_check(3_600_000));
    let expected = doc.record().unwrap();
    let as_document = doc.to_push(&[]);
    let as_changes = doc.changes_since(&[]);
    assert_ne!(
        as_document, as_changes,
        "a new record goes as its saved document"
    );
    // Only a new record's one saved document, with nothing after it, may be stored as it came:
    // Automerge passes over a change it holds (or a second document whose heads it has)
    // without reading it, and another reader could take those bytes differently.
    let mut with_more = as_document.clone();
    with_more.extend(doc.changes_since(&[]));
    for (how, bytes, as_pushed) in [
        ("saved document", &as_document, true),
        ("changes, as older phones send", &as_changes, false),
        ("saved document and a change after it", &with_more, false),
    ] {
        let verdict = judge_bytes(None, &mut doc, bytes).unwrap_or_else(|r| panic!("{how}: {r}"));
        assert_eq!(verdict.record, expected, "{how}");
        assert_eq!(verdict.as_pushed, as_pushed, "{how}");
    }

    // The phone corrected the check before the acknowledgement of its first push arrived: it
    // sends the whole document again, and the server judges only what is new to it.
    let stored = doc.clone();
    check_edit(|check| check.goal = Some("Walk to the market".into()), 1)(&mut doc);
    let corrected = doc.to_push(&[]);
    let verdict = judge_bytes(Some(&stored), &mut doc, &corrected).expect("a correction");
    assert_eq!(
        verdict.record.check.goal.as_deref(),
        Some("Walk to the market")
    );
    assert!(!verdict.as_pushed, "merged into what the server holds");

    // What a whole document carries is judged like changes: a volunteer's review is refused.
    let mut reviewed = stored.clone();
    review_edit(|review| review.reviewed_by = Some("vol".into()), 1)(&mut reviewed);
    let whole = reviewed.to_push(&[]);
    assert_eq!(
        code(judge_bytes(Some(&stored), &mut reviewed, &whole)),
        "part_not_yours"
    );

    let mut junk = as_document.clone();
    junk.extend_from_slice(b"junk");
    assert_eq!(
        code(judge_bytes(None, &mut doc, &junk)),
        "undecodable",
        "trailing bytes"
    );
    assert_eq!(
        code(judge_bytes(
            None,
            &mut doc,
            &as_document[..as_document.len() - 1]
        )),
        "undecodable",
        "cut short"
    );
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

mod events {
    //! The event rules ([`stallside_shared::events`]): who may start, change, cancel and
    //! debrief an event, where, and what a repeated or stale push does.

    use super::{who, CAMDEN, ISLINGTON};
    use stallside_shared::crdt::Role;
    use stallside_shared::events::{
        coordinator_plan, judge_event, validate_plan, EventRejection, PlanEffect, StoredEvent,
    };
    use stallside_shared::sync::judge::Pusher;
    use stallside_shared::sync::wire::{DebriefPush, EventPush, PlanPush};

    fn plan(borough: &str) -> PlanPush {
        PlanPush {
            name: "Market stall".into(),
            date: "2026-11-21".into(),
            venue: "Chapel Market".into(),
            venue_type: "market".into(),
            borough: borough.into(),
            kind: "stall".into(),
            cancelled: false,
        }
    }

    fn debrief(conversations: i64, at: i64) -> DebriefPush {
        DebriefPush {
            updated_at_ms: at,
            conversations,
            ..DebriefPush::default()
        }
    }

    fn stored(
        created_by: &str,
        on_phone: bool,
        rev: u64,
        change: impl Fn(&mut PlanPush),
    ) -> StoredEvent {
        let mut p = plan(ISLINGTON);
        change(&mut p);
        StoredEvent {
            plan: validate_plan(&p).unwrap(),
            plan_rev: rev,
            created_by: created_by.into(),
            started_on_phone: on_phone,
        }
    }

    fn push(plan: Option<PlanPush>, rev: u64, debrief: Option<DebriefPush>) -> EventPush {
        EventPush {
            id: "e1".into(),
            plan,
            plan_rev: rev,
            debrief,
        }
    }

    fn edited(change: impl Fn(&mut PlanPush)) -> PlanPush {
        let mut p = plan(ISLINGTON);
        change(&mut p);
        p
    }

    fn vol() -> Pusher {
        who("vol", Role::Volunteer, ISLINGTON)
    }

    #[test]
    fn every_event_rule_allowed_and_refused() {
        let mine = stored("vol", true, 1, |_| {});
        let corrected = stored("vol", true, 2, |p| p.venue = "Market hall".into());
        let coordinators = stored("coord", false, 1, |_| {});
        let camden = stored("coord", false, 1, |p| p.borough = CAMDEN.into());
        let renamed = edited(|p| p.name = "Saturday stall".into());
        type Case<'a> = (
            &'a str,
            EventPush,
            Option<&'a StoredEvent>,
            Option<i64>,
            Pusher,
            Result<(&'a str, bool), &'a str>,
        );
        let cases: Vec<Case> = vec![
            (
                "a volunteer starts a stall in their borough",
                push(Some(plan(ISLINGTON)), 0, Some(debrief(3, 1))),
                None,
                None,
                vol(),
                Ok(("create", true)),
            ),
            (
                "a workshop is a kind",
                push(Some(edited(|p| p.kind = "workshop".into())), 0, None),
                None,
                None,
                vol(),
                Ok(("create", false)),
            ),
            (
                "an unknown kind",
                push(Some(edited(|p| p.kind = "party".into())), 0, None),
                None,
                None,
                vol(),
                Err("unknown_kind"),
            ),
            (
                "an unknown venue type",
                push(Some(edited(|p| p.venue_type = "beach".into())), 0, None),
                None,
                None,
                vol(),
                Err("unknown_venue_type"),
            ),
            (
                "an empty name",
                push(Some(edited(|p| p.name = " ".into())), 0, None),
                None,
                None,
                vol(),
                Err("invalid_plan"),
            ),
            (
                "not a real day",
                push(Some(edited(|p| p.date = "2026-02-30".into())), 0, None),
                None,
                None,
                vol(),
                Err("invalid_plan"),
            ),
            (
                "a stall in another borough",
                push(Some(plan(CAMDEN)), 0, None),
                None,
                None,
                vol(),
                Err("outside_area"),
            ),
            (
                "a debrief of another borough's event",
                push(None, 1, Some(debrief(1, 1))),
                Some(&camden),
                None,
                vol(),
                Err("outside_area"),
            ),
            (
                "a volunteer cannot start a cancelled event",
                push(Some(edited(|p| p.cancelled = true)), 0, None),
                None,
                None,
                vol(),
                Err("cancel_not_yours"),
            ),
            (
                "the same plan again changes nothing",
                push(Some(plan(ISLINGTON)), 0, Some(debrief(3, 1))),
                Some(&mine),
                Some(1),
                vol(),
                Ok(("unchanged", false)),
            ),
            (
                "a later debrief is kept",
                push(Some(plan(ISLINGTON)), 0, Some(debrief(5, 2))),
                Some(&mine),
                Some(1),
                vol(),
                Ok(("unchanged", true)),
            ),
            (
                "an older debrief is not",
                push(None, 1, Some(debrief(2, 1))),
                Some(&mine),
                Some(2),
                vol(),
                Ok(("unchanged", false)),
            ),
            (
                "the volunteer corrects the stall they started",
                push(Some(renamed.clone()), 1, None),
                Some(&mine),
                None,
                vol(),
                Ok(("update", false)),
            ),
            (
                "a stale copy loses to the coordinator's correction, the debrief stays",
                push(Some(plan(ISLINGTON)), 1, Some(debrief(7, 3))),
                Some(&corrected),
                Some(2),
                vol(),
                Ok(("stale", true)),
            ),
            (
                "a volunteer cannot cancel their own stall",
                push(Some(edited(|p| p.cancelled = true)), 1, None),
                Some(&mine),
                None,
                vol(),
                Err("cancel_not_yours"),
            ),
            (
                "a volunteer cannot move their stall out of their boroughs",
                push(Some(plan(CAMDEN)), 1, None),
                Some(&mine),
                None,
                who("vol", Role::Volunteer, ISLINGTON),
                Err("outside_area"),
            ),
            (
                "a volunteer cannot change a coordinator's plan",
                push(Some(renamed.clone()), 1, None),
                Some(&coordinators),
                None,
                vol(),
                Err("plan_not_yours"),
            ),
            (
                "another volunteer cannot change a phone's stall",
                push(Some(renamed.clone()), 1, None),
                Some(&mine),
                None,
                who("other", Role::Volunteer, ISLINGTON),
                Err("plan_not_yours"),
            ),
            (
                "a volunteer debriefs a coordinator's event",
                push(None, 1, Some(debrief(4, 1))),
                Some(&coordinators),
                None,
                vol(),
                Ok(("unchanged", true)),
            ),
            (
                "a debrief of an unknown event",
                push(None, 0, Some(debrief(4, 1))),
                None,
                None,
                vol(),
                Err("unknown_event"),
            ),
            (
                "a negative tally",
                push(None, 1, Some(debrief(-1, 1))),
                Some(&mine),
                None,
                vol(),
                Err("negative_tally"),
            ),
            (
                "an impossible tally",
                push(None, 1, Some(debrief(1_000_000, 1))),
                Some(&mine),
                None,
                vol(),
                Err("tally_too_large"),
            ),
            (
                "a hidden character in the note",
                push(
                    None,
                    1,
                    Some(DebriefPush {
                        note: "ok\u{202e}".into(),
                        ..debrief(1, 1)
                    }),
                ),
                Some(&mine),
                None,
                vol(),
                Err("invalid_debrief"),
            ),
            (
                "a bad id",
                EventPush {
                    id: "../x".into(),
                    ..push(Some(plan(ISLINGTON)), 0, None)
                },
                None,
                None,
                vol(),
                Err("bad_id"),
            ),
            (
                "staff do not push events from phones",
                push(Some(plan(ISLINGTON)), 0, None),
                None,
                None,
                who("coord", Role::Coordinator, ISLINGTON),
                Err("wrong_role"),
            ),
        ];
        for (case, push, stored, debrief_at, pusher, expected) in cases {
            let got = judge_event(&push, stored, debrief_at, &pusher).map(|v| {
                let effect = match v.plan {
                    PlanEffect::Create(_) => "create",
                    PlanEffect::Update(_) => "update",
                    PlanEffect::Unchanged => "unchanged",
                    PlanEffect::Stale => "stale",
                };
                (effect, v.debrief.is_some())
            });
            let got = got.map_err(|e: EventRejection| {
                assert!(!e.to_string().is_empty());
                e.code()
            });
            assert_eq!(got, expected, "{case}");
        }
    }

    #[test]
    fn coordinators_plan_cancel_and_move_events_only_in_their_boroughs() {
        let coordinator = who("coord", Role::Coordinator, ISLINGTON);
        let islington = validate_plan(&plan(ISLINGTON)).unwrap();
        let camden = validate_plan(&plan(CAMDEN)).unwrap();
        let cancel = edited(|p| p.cancelled = true);
        assert!(coordinator_plan(None, &plan(ISLINGTON), &coordinator).is_ok());
        assert!(
            coordinator_plan(Some(&islington), &cancel, &coordinator)
                .unwrap()
                .cancelled
        );
        let code = |r: Result<_, EventRejection>| r.map(|_| ()).map_err(|e| e.code());
        assert_eq!(
            code(coordinator_plan(None, &plan(CAMDEN), &coordinator)),
            Err("outside_area")
        );
        assert_eq!(
            code(coordinator_plan(
                Some(&camden),
                &plan(ISLINGTON),
                &coordinator
            )),
            Err("outside_area")
        );
        assert_eq!(
            code(coordinator_plan(
                Some(&islington),
                &plan(CAMDEN),
                &coordinator
            )),
            Err("outside_area")
        );
        assert_eq!(
            code(coordinator_plan(
                Some(&islington),
                &cancel,
                &who("vol", Role::Volunteer, ISLINGTON)
            )),
            Err("wrong_role")
        );
        assert_eq!(
            code(coordinator_plan(
                None,
                &edited(|p| p.kind = "gala".into()),
                &coordinator
            )),
            Err("unknown_kind")
        );
    }
}
