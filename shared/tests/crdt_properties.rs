//! The record ↔ Automerge mapping, with real Automerge merges: round trips, convergence of
//! three roles' concurrent edits in any merge order, and what each change is seen to touch.

#![cfg(not(target_arch = "wasm32"))]

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use proptest::prelude::*;
use stallside_shared::crdt::{
    decode_changes, ActorId, ChangeMeta, DocError, Part, RecordDoc, Touched,
};
use stallside_shared::readings::recorded_reading;
use stallside_shared::record::*;
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::triage::{band, Band, TriageInput};
use uuid::Uuid;

fn stall() -> Stall {
    Stall {
        event_id: Uuid::nil().to_string(),
        volunteer_id: "volunteer-1".into(),
        borough: "E09000019".into(),
        venue_type: VenueType::FoodBank,
    }
}

fn meta(actor: u8, time_secs: i64) -> ChangeMeta {
    ChangeMeta {
        actor: ActorId::from([actor; 16]),
        time_secs,
    }
}

fn review_strategy() -> impl Strategy<Value = ReviewPart> {
    (
        prop::sample::select(ReviewState::ALL),
        proptest::option::of("\\PC{0,40}"),
        proptest::option::of("[a-z0-9-]{1,12}"),
    )
        .prop_map(|(state, comment, reviewed_by)| ReviewPart {
            state,
            comment,
            reviewed_by,
        })
}

fn follow_up_strategy() -> impl Strategy<Value = FollowUpPart> {
    (
        prop::sample::select(FollowUpState::ALL),
        proptest::option::of("[a-z0-9-]{1,12}"),
        prop::collection::vec((0i64..2_000_000_000_000, any::<bool>()), 0..4),
        proptest::option::of(prop::sample::select(Outcome::ALL)),
        proptest::option::of(0i64..2_000_000_000_000),
    )
        .prop_map(
            |(state, claimed_by, attempts, outcome, closed_at_ms)| FollowUpPart {
                state,
                claimed_by,
                attempts: attempts
                    .into_iter()
                    .map(|(at_ms, reached)| ContactAttempt { at_ms, reached })
                    .collect(),
                outcome,
                closed_at_ms,
            },
        )
}

fn check_strategy() -> impl Strategy<Value = CheckPart> {
    (
        any::<u64>(),
        proptest::option::of("\\PC{0,60}"),
        1_600_000_000_000i64..2_000_000_000_000,
    )
        .prop_map(|(seed, goal, at)| {
            let mut check = synthetic::check(seed, &stall(), at);
            check.goal = goal;
            check
        })
}

fn record_strategy() -> impl Strategy<Value = CheckRecord> {
    (
        any::<u128>(),
        check_strategy(),
        review_strategy(),
        follow_up_strategy(),
    )
        .prop_map(|(id, check, review, follow_up)| CheckRecord {
            schema: SCHEMA_VERSION,
            id: Uuid::from_u128(id),
            check,
            review,
            follow_up,
        })
}

/// An edit one of the three roles makes on its own replica, or a partial sync between two.
#[derive(Debug, Clone)]
enum Step {
    Volunteer(Box<CheckPart>),
    Coordinator(ReviewPart),
    Supervisor(FollowUpPart),
    Sync { from: usize, to: usize },
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        check_strategy().prop_map(|c| Step::Volunteer(Box::new(c))),
        review_strategy().prop_map(Step::Coordinator),
        follow_up_strategy().prop_map(Step::Supervisor),
        (0usize..3, 0usize..3).prop_map(|(from, to)| Step::Sync { from, to }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_record_round_trips(record in record_strategy()) {
        let mut doc = RecordDoc::create(&record, &meta(1, 1_700_000_000)).unwrap();
        prop_assert_eq!(doc.record().unwrap(), record.clone());
        let reloaded = RecordDoc::load(&doc.save()).unwrap();
        prop_assert_eq!(reloaded.record().unwrap(), record.clone());
        // The phone reads with autosurgeon's `Hydrate`, which is strict about value types
        // (a `u16` must be stored as `Uint`, an `i64` as `Int`, a UUID as bytes).
        let raw = automerge::AutoCommit::load(&doc.save()).unwrap();
        let hydrated: CheckRecord = autosurgeon::hydrate(&raw).unwrap();
        prop_assert_eq!(hydrated, record);
    }

    #[test]
    fn an_edit_holds_only_the_fields_it_changes(
        record in record_strategy(),
        follow_up in follow_up_strategy(),
    ) {
        let mut doc = RecordDoc::create(&record, &meta(1, 1_700_000_000)).unwrap();
        let heads = doc.heads();
        doc.write_check(&record.check, &meta(1, 1_700_000_005)).unwrap();
        prop_assert_eq!(doc.heads(), heads.clone(), "rewriting an unchanged part is no change");
        doc.write_follow_up(&follow_up, &meta(3, 1_700_000_010)).unwrap();
        let changed = [
            follow_up.state != record.follow_up.state,
            follow_up.claimed_by != record.follow_up.claimed_by,
            follow_up.outcome != record.follow_up.outcome,
            follow_up.closed_at_ms != record.follow_up.closed_at_ms,
        ]
        .into_iter()
        .filter(|c| *c)
        .count();
        let attempts = follow_up.attempts.iter().zip(&record.follow_up.attempts);
        let edited_attempt_fields: usize = attempts
            .map(|(a, b)| usize::from(a.at_ms != b.at_ms) + usize::from(a.reached != b.reached))
            .sum();
        let added = follow_up.attempts.len().saturating_sub(record.follow_up.attempts.len());
        let removed = record.follow_up.attempts.len().saturating_sub(follow_up.attempts.len());
        // Each changed field is one put; an added attempt is one insert and its two fields.
        let expected = changed + edited_attempt_fields + 3 * added + removed;
        let ops: usize = decode_changes(&doc.changes_since(&heads))
            .unwrap()
            .iter()
            .map(|c| c.len())
            .sum();
        prop_assert_eq!(ops, expected);
        prop_assert_eq!(doc.record().unwrap().follow_up, follow_up);
    }

    #[test]
    fn three_roles_converge_in_any_merge_order(
        base in record_strategy(),
        steps in prop::collection::vec(step_strategy(), 0..12),
        order in Just([0usize, 1, 2]).prop_shuffle(),
    ) {
        let created = RecordDoc::create(&base, &meta(1, 1_700_000_000)).unwrap();
        let mut replicas = [created.clone(), created.clone(), created];
        let mut expected = base.clone();
        for (n, step) in steps.into_iter().enumerate() {
            let t = 1_700_000_001 + n as i64;
            match step {
                Step::Volunteer(check) => {
                    replicas[0].write_check(&check, &meta(1, t)).unwrap();
                    expected.check = *check;
                }
                Step::Coordinator(review) => {
                    replicas[1].write_review(&review, &meta(2, t)).unwrap();
                    expected.review = review;
                }
                Step::Supervisor(follow_up) => {
                    replicas[2].write_follow_up(&follow_up, &meta(3, t)).unwrap();
                    expected.follow_up = follow_up;
                }
                Step::Sync { from, to } if from != to => {
                    let mut source = replicas[from].clone();
                    replicas[to].merge(&mut source).unwrap();
                }
                Step::Sync { .. } => {}
            }
        }
        // Every replica merges the other two, in the drawn order.
        let snapshot = replicas.clone();
        for (i, replica) in replicas.iter_mut().enumerate() {
            for &j in order.iter().filter(|&&j| j != i) {
                replica.merge(&mut snapshot[j].clone()).unwrap();
            }
        }
        let [a, b, c] = &mut replicas;
        prop_assert_eq!(a.heads(), b.heads());
        prop_assert_eq!(b.heads(), c.heads());
        prop_assert_eq!(a.record().unwrap(), b.record().unwrap());
        prop_assert_eq!(b.record().unwrap(), c.record().unwrap());
        prop_assert_eq!(a.record().unwrap(), expected);
    }

    #[test]
    fn concurrent_edits_to_one_field_resolve_the_same_everywhere(
        base in record_strategy(),
        first in follow_up_strategy(),
        second in follow_up_strategy(),
        a_first in any::<bool>(),
    ) {
        let created = RecordDoc::create(&base, &meta(1, 1_700_000_000)).unwrap();
        let (mut a, mut b) = (created.clone(), created);
        a.write_follow_up(&first, &meta(3, 1_700_000_100)).unwrap();
        b.write_follow_up(&second, &meta(4, 1_700_000_100)).unwrap();
        let (mut x, mut y) = if a_first { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
        x.merge(&mut y.clone()).unwrap();
        y.merge(&mut x.clone()).unwrap();
        prop_assert_eq!(x.record().unwrap(), y.record().unwrap());
    }

    #[test]
    fn an_extra_key_in_any_map_is_named_by_its_path(
        record in record_strategy(),
        at in any::<prop::sample::Index>(),
        key in "x_[a-z0-9_]{0,100}",
        value in any::<i64>(),
    ) {
        let mut doc = RecordDoc::create(&record, &meta(1, 1_700_000_000)).unwrap();
        let mut raw = automerge::AutoCommit::load(&doc.save()).unwrap();
        let mut maps = vec![vec![], vec!["check".to_owned()], vec!["review".to_owned()], vec!["follow_up".to_owned()]];
        for i in 0..record.check.readings.len() {
            maps.push(vec!["check".into(), "readings".into(), i.to_string()]);
        }
        for i in 0..record.follow_up.attempts.len() {
            maps.push(vec!["follow_up".into(), "attempts".into(), i.to_string()]);
        }
        let path = at.get(&maps);
        let obj = path.iter().fold(automerge::ROOT, |obj, step| {
            let got = match step.parse::<usize>() {
                Ok(index) => raw.get(&obj, index),
                Err(_) => raw.get(&obj, step.as_str()),
            };
            got.unwrap().unwrap().1
        });
        raw.put(&obj, key.as_str(), value).unwrap();
        raw.commit();
        let expected: String = path
            .iter()
            .chain([&key])
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(".")
            .chars()
            .take(80)
            .collect();
        match RecordDoc::load(&raw.save()).unwrap().record() {
            Err(DocError::UnknownField(named)) => prop_assert_eq!(named, expected),
            other => prop_assert!(false, "expected an unknown field, got {:?}", other),
        }
    }

    #[test]
    fn a_higher_reading_is_never_less_urgent(
        systolic in 90u16..=300,
        diastolic in 60u16..=200,
        up_s in 0u16..60,
        up_d in 0u16..60,
        flags in prop::sample::subsequence(RedFlag::ALL, 0..=1),
        irregular in proptest::option::of(any::<bool>()),
        symptoms in prop::sample::subsequence(LowBpSymptom::ALL, 0..=2),
        known in prop::sample::select(KnownHypertension::ALL),
    ) {
        // Readings at or above 90/60: below it the table is deliberately inverted (a lower
        // reading with fainting is more urgent), so the property is stated where it holds.
        let lower = Reading::bp(systolic, diastolic);
        let higher = Reading::bp((systolic + up_s).min(300), (diastolic + up_d).min(200));
        let input = |r: Reading| TriageInput {
            recorded: Some(r),
            red_flags: &flags,
            pulse_irregular_on_repeat: irregular,
            low_bp_symptoms: &symptoms,
            known_hypertension: known,
        };
        prop_assert!(band(&input(higher)).urgency() >= band(&input(lower)).urgency());
    }
}

#[test]
fn each_role_is_seen_touching_only_its_part() {
    let check = synthetic::check(3, &stall(), 1_790_000_000_000);
    let record = CheckRecord::new(Uuid::from_u128(9), check.clone(), false);
    let mut doc = RecordDoc::create(&record, &meta(1, 1_700_000_000)).unwrap();
    let created = doc.edits_since(&[]);
    assert_eq!(created.len(), 1);
    assert!(created[0].is_root);
    assert!(created[0].touched.contains(&Touched::Envelope));

    let heads = doc.heads();
    let mut review = record.review.clone();
    review.state = ReviewState::HasIssues;
    review.comment = Some("Please check the event".into());
    doc.write_review(&review, &meta(2, 1_700_000_500)).unwrap();
    let mut follow_up = record.follow_up.clone();
    follow_up.state = FollowUpState::Closed;
    doc.write_follow_up(&follow_up, &meta(3, 1_700_000_600))
        .unwrap();
    let mut corrected = check;
    corrected.advice = vec![Advice::Leaflet];
    doc.write_check(&corrected, &meta(1, 1_700_000_700))
        .unwrap();

    let edits = doc.edits_since(&heads);
    let seen: Vec<(ActorId, i64, Vec<Touched>)> = edits
        .into_iter()
        .map(|e| (e.actor, e.time_secs, e.touched.into_iter().collect()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                ActorId::from([2; 16]),
                1_700_000_500,
                vec![Touched::Part(Part::Review)]
            ),
            (
                ActorId::from([3; 16]),
                1_700_000_600,
                vec![Touched::Part(Part::FollowUp)]
            ),
            (
                ActorId::from([1; 16]),
                1_700_000_700,
                vec![Touched::Part(Part::Check)]
            ),
        ]
    );
}

#[test]
fn a_change_that_loses_a_conflict_is_still_seen() {
    let record = CheckRecord::new(
        Uuid::from_u128(1),
        synthetic::check(5, &stall(), 1_790_000_000_000),
        true,
    );
    let created = RecordDoc::create(&record, &meta(1, 1_700_000_000)).unwrap();
    let heads = created.clone().heads();
    let (mut supervisor, mut intruder) = (created.clone(), created);
    let mut follow_up = record.follow_up.clone();
    follow_up.outcome = Some(Outcome::AdvisedGp);
    supervisor
        .write_follow_up(&follow_up, &meta(0xff, 1_700_000_100))
        .unwrap();
    follow_up.outcome = Some(Outcome::Declined);
    intruder
        .write_follow_up(&follow_up, &meta(0x01, 1_700_000_100))
        .unwrap();
    supervisor.merge(&mut intruder).unwrap();
    let edits = supervisor.edits_since(&heads);
    assert_eq!(edits.len(), 2);
    assert!(edits
        .iter()
        .all(|e| e.touched == [Touched::Part(Part::FollowUp)].into()));
}

#[test]
fn applying_the_same_changes_twice_changes_nothing() {
    let record = CheckRecord::new(
        Uuid::from_u128(2),
        synthetic::check(11, &stall(), 1_790_000_000_000),
        false,
    );
    let mut phone = RecordDoc::create(&record, &meta(1, 1_700_000_000)).unwrap();
    let mut server = RecordDoc::load(&phone.save()).unwrap();
    let heads = server.heads();
    let mut review = record.review.clone();
    review.state = ReviewState::Approved;
    phone
        .write_review(&review, &meta(2, 1_700_000_010))
        .unwrap();
    let changes = phone.changes_since(&heads);
    server.apply(&changes).unwrap();
    let once = server.save();
    server.apply(&changes).unwrap();
    assert_eq!(server.save(), once);
    assert_eq!(server.record().unwrap().review.state, ReviewState::Approved);
}

#[test]
fn a_document_of_another_shape_is_refused() {
    let mut other = RecordDoc::create(
        &CheckRecord::new(
            Uuid::from_u128(3),
            synthetic::check(1, &stall(), 1_790_000_000_000),
            false,
        ),
        &meta(1, 1_700_000_000),
    )
    .unwrap();
    assert!(RecordDoc::load(b"not a document").is_err());
    let mut bytes = other.save();
    bytes.truncate(bytes.len() / 2);
    assert!(RecordDoc::load(&bytes).is_err());
}

#[test]
fn the_recorded_band_matches_triage() {
    for seed in 0..200 {
        let check = synthetic::check(seed, &stall(), 1_790_000_000_000);
        let input = TriageInput::from_check(&check);
        assert_eq!(check.band, band(&input));
        if check.red_flags.is_empty() {
            let recorded = recorded_reading(&check.readings).unwrap();
            if recorded.systolic >= 180 {
                assert_eq!(check.band, Band::Severe);
            }
        }
    }
}
