//! The judge under hostile input, natively: arbitrary bytes, and structurally valid Automerge
//! documents with random extra keys and values of random kinds and sizes. The judge never
//! panics, never accepts a key the record does not have, and never accepts more operations
//! than its budget. (`fuzz/` holds the cargo-fuzz targets for the same two entry points.)

#![cfg(not(target_arch = "wasm32"))]

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, ROOT};
use proptest::prelude::*;
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc, Role};
use stallside_shared::record::CheckRecord;
use stallside_shared::sync::judge::{
    judge, judge_contained, Policy, Pusher, Rejection, MAX_OPS_PER_PUSH,
};
use stallside_shared::synthetic::{self, Stall};
use uuid::Uuid;

const NOW_MS: i64 = 1_800_000_000_000;
const ISLINGTON: &str = "E09000019";

fn pusher() -> Pusher {
    Pusher {
        user_id: "volunteer-1".into(),
        device_id: "phone-1".into(),
        role: Role::Volunteer,
        areas: vec![ISLINGTON.into()],
    }
}

fn actor() -> ActorId {
    ActorId::from([7u8; 16])
}

/// A valid new record's document, as a phone makes it.
fn honest_doc(seed: u64) -> (Uuid, AutoCommit) {
    let stall = Stall::library("volunteer-1", ISLINGTON);
    let check = synthetic::check(seed, &stall, NOW_MS - 3_600_000);
    let id = Uuid::from_u64_pair(seed, 1);
    let flagged = stallside_shared::triage::assess(
        &stallside_shared::triage::TriageInput::from_check(&check),
        &Default::default(),
    )
    .is_flagged();
    let record = CheckRecord::new(id, check, flagged);
    let meta = ChangeMeta {
        actor: actor(),
        time_secs: NOW_MS / 1000,
    };
    let mut doc = RecordDoc::create(&record, &meta).expect("create");
    let mut raw = AutoCommit::load(&doc.save()).expect("load");
    raw.set_actor(actor());
    (id, raw)
}

fn judge_new(id: Uuid, changes: &[u8]) -> Result<usize, Rejection> {
    judge(
        id,
        None,
        changes,
        &[],
        &pusher(),
        &Policy::default(),
        NOW_MS,
    )
    .map(|mut verdict| verdict.doc.op_count())
}

/// Where an extra key goes, and what it holds.
#[derive(Debug, Clone)]
enum Extra {
    Str(String),
    Text(usize),
    Int(i64),
    List(usize),
    Map,
}

fn extra_strategy() -> impl Strategy<Value = Extra> {
    prop_oneof![
        "\\PC{0,64}".prop_map(Extra::Str),
        (0usize..4_000).prop_map(Extra::Text),
        any::<i64>().prop_map(Extra::Int),
        (0usize..3_000).prop_map(Extra::List),
        Just(Extra::Map),
    ]
}

fn put_extra(doc: &mut AutoCommit, parent: &str, key: &str, extra: &Extra) {
    let obj = if parent.is_empty() {
        ROOT
    } else {
        match doc.get(ROOT, parent) {
            Ok(Some((_, obj))) => obj,
            _ => ROOT,
        }
    };
    match extra {
        Extra::Str(s) => doc.put(&obj, key, s.as_str()).map(|_| ()),
        Extra::Int(n) => doc.put(&obj, key, *n).map(|_| ()),
        Extra::Text(n) => doc
            .put_object(&obj, key, ObjType::Text)
            .and_then(|text| doc.splice_text(&text, 0, 0, &"x".repeat(*n))),
        Extra::List(n) => doc
            .put_object(&obj, key, ObjType::List)
            .and_then(|list| (0..*n).try_for_each(|i| doc.insert(&list, i, ScalarValue::Null))),
        Extra::Map => doc.put_object(&obj, key, ObjType::Map).map(|_| ()),
    }
    .expect("write extra");
}

/// What the cargo-fuzz judge target found: changes that make Automerge 0.12 panic while
/// merging ("InvalidActorIndex"). The judge refuses that document and goes on.
#[test]
fn a_change_that_panics_automerge_is_refused_not_fatal() {
    let crash = include_bytes!("fixtures/automerge-invalid-actor-index.bin");
    let rejection = judge_contained(
        Uuid::nil(),
        None,
        crash,
        &[],
        &pusher(),
        &Policy::default(),
        NOW_MS,
    )
    .expect_err("refused");
    assert_eq!(rejection.code(), "undecodable");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Bytes that are not changes, or changes cut anywhere, are refused, never a panic.
    #[test]
    fn arbitrary_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..2_048), seed in 0u64..1_000, cut in any::<prop::sample::Index>()) {
        let id = Uuid::from_u64_pair(seed, 1);
        prop_assert!(judge_new(id, &bytes).is_err() || bytes.is_empty());
        let (_, mut doc) = honest_doc(seed);
        let changes = doc.save_after(&[]);
        let cut = cut.index(changes.len());
        if cut > 0 {
            prop_assert!(judge_new(id, &changes[..cut]).is_err());
        }
    }

    /// Any extra key, anywhere, of any kind and size, is refused; the honest record is
    /// accepted within the operation budgets.
    #[test]
    fn extra_keys_are_refused(
        seed in 0u64..1_000,
        parent in prop::sample::select(vec!["", "check", "review", "follow_up"]),
        key in "[a-z_]{1,12}",
        extra in extra_strategy(),
    ) {
        let (id, mut doc) = honest_doc(seed);
        let honest = doc.save_after(&[]);
        let ops = judge_new(id, &honest).expect("the honest record is accepted");
        prop_assert!(ops <= MAX_OPS_PER_PUSH, "{ops} operations");

        let known = doc.get(ROOT, key.as_str()).ok().flatten().is_some()
            || (!parent.is_empty()
                && doc
                    .get(ROOT, parent)
                    .ok()
                    .flatten()
                    .and_then(|(_, obj)| doc.get(&obj, key.as_str()).ok().flatten())
                    .is_some());
        prop_assume!(!known);
        put_extra(&mut doc, parent, &key, &extra);
        doc.commit();
        let changes = doc.save_after(&[]);
        match judge_new(id, &changes) {
            Ok(_) => prop_assert!(false, "an unknown key {parent}.{key} = {extra:?} was accepted"),
            Err(rejection) => prop_assert!(
                matches!(rejection.code(), "unknown_field" | "too_large" | "undecodable"),
                "{}: {rejection}", rejection.code()
            ),
        }
    }
}
