//! The server's reader of a record document (straight from the Automerge document into the
//! record's types): documents edited by hand, as a crafted push would be, are read as the
//! layout says or refused with the error and path the judge reports.

#![cfg(not(target_arch = "wasm32"))]

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, ROOT};
use stallside_shared::crdt::{ChangeMeta, DocError, RecordDoc};
use stallside_shared::record::*;
use stallside_shared::synthetic::{self, Stall};
use uuid::Uuid;

/// A record with two readings and two contact attempts, so lists of maps have items.
fn record() -> CheckRecord {
    let stall = Stall::library("volunteer-1", "E09000019");
    let mut check = synthetic::check(4, &stall, 1_790_000_000_000);
    check.readings = vec![Reading::bp(150, 95), Reading::bp(148, 92)];
    check.pulse_irregular_on_repeat = None;
    check.goal = Some("Walk to the market".into());
    let mut record = CheckRecord::new(Uuid::from_u128(7), check, true);
    record.follow_up.attempts = vec![
        ContactAttempt {
            at_ms: 1_790_000_100_000,
            reached: false,
        },
        ContactAttempt {
            at_ms: 1_790_000_200_000,
            reached: true,
        },
    ];
    record
}

/// A hand edit of a record's document.
type Edit = Box<dyn FnOnce(&mut AutoCommit)>;

/// The record read back from its document after `edit` changed the document by hand.
fn read_edited(edit: impl FnOnce(&mut AutoCommit)) -> Result<CheckRecord, Box<DocError>> {
    let meta = ChangeMeta {
        actor: automerge::ActorId::from([1u8; 16]),
        time_secs: 1_790_000_000,
    };
    let mut doc = RecordDoc::create(&record(), &meta).expect("create");
    let mut raw = AutoCommit::load(&doc.save()).expect("load");
    edit(&mut raw);
    raw.commit();
    RecordDoc::load(&raw.save())
        .expect("reload")
        .record()
        .map_err(Box::new)
}

fn object(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter().fold(ROOT, |obj, step| {
        let (_, id) = match step.parse::<usize>() {
            Ok(index) => doc.get(&obj, index),
            Err(_) => doc.get(&obj, *step),
        }
        .expect("get")
        .expect("present");
        id
    })
}

fn put(
    path: &[&str],
    key: &'static str,
    value: impl Into<ScalarValue>,
) -> impl FnOnce(&mut AutoCommit) {
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    let value = value.into();
    move |doc| {
        let steps: Vec<&str> = path.iter().map(String::as_str).collect();
        let obj = object(doc, &steps);
        doc.put(&obj, key, value).expect("put");
    }
}

fn unknown_field(result: Result<CheckRecord, Box<DocError>>) -> String {
    match result.map_err(|e| *e) {
        Err(DocError::UnknownField(path)) => path,
        other => panic!("expected an unknown field, got {other:?}"),
    }
}

fn malformed(result: Result<CheckRecord, Box<DocError>>) -> String {
    match result.map_err(|e| *e) {
        Err(error @ DocError::Layout(_)) => error.to_string(),
        other => panic!("expected a malformed record, got {other:?}"),
    }
}

#[test]
fn an_untouched_document_reads_as_written() {
    assert_eq!(read_edited(|_| {}).unwrap(), record());
}

#[test]
fn an_extra_key_is_refused_with_its_path() {
    let cases: [(&[&str], &str); 6] = [
        (&[], "note"),
        (&["check"], "check.nhs_number"),
        (&["review"], "review.phone"),
        (&["check", "readings", "1"], "check.readings.1.arm"),
        (
            &["follow_up", "attempts", "0"],
            "follow_up.attempts.0.number",
        ),
        (
            &["follow_up", "attempts", "1"],
            "follow_up.attempts.1.number",
        ),
    ];
    for (at, expected) in cases {
        let key = expected.rsplit('.').next().unwrap();
        let key: &'static str = Box::leak(key.to_owned().into_boxed_str());
        let path = unknown_field(read_edited(put(at, key, "07700 900123")));
        assert_eq!(path, expected);
    }
}

#[test]
fn an_extra_key_holding_a_map_or_text_is_refused_without_reading_it() {
    let path = unknown_field(read_edited(|doc| {
        let check = object(doc, &["check"]);
        let extra = doc.put_object(&check, "extra", ObjType::Map).unwrap();
        let inner = doc.put_object(&extra, "deeper", ObjType::List).unwrap();
        doc.insert(&inner, 0, "x").unwrap();
        let text = doc.put_object(ROOT, "zz_text", ObjType::Text).unwrap();
        doc.splice_text(&text, 0, 0, "a note").unwrap();
    }));
    assert_eq!(path, "check.extra");
}

#[test]
fn the_first_unknown_key_in_key_order_is_named() {
    // Keys sorted, depth first: "check.…" comes before the root's "extra", and within one map
    // the alphabetically first key, whatever order the document hands them out in.
    for _ in 0..20 {
        let path = unknown_field(read_edited(|doc| {
            let check = object(doc, &["check"]);
            for key in ["zz", "yy", "mm", "bb"] {
                doc.put(&check, key, 1).unwrap();
            }
            doc.put(ROOT, "extra", 1).unwrap();
            let attempt = object(doc, &["follow_up", "attempts", "1"]);
            doc.put(&attempt, "a", 1).unwrap();
        }));
        assert_eq!(path, "check.bb");
    }
    let path = unknown_field(read_edited(|doc| {
        doc.put(ROOT, "zz", 1).unwrap();
        for i in ["1", "0"] {
            let attempt = object(doc, &["follow_up", "attempts", i]);
            doc.put(&attempt, "note", 1).unwrap();
        }
    }));
    assert_eq!(path, "follow_up.attempts.0.note");
}

#[test]
fn a_long_unknown_key_is_named_in_80_characters() {
    let long: &'static str = Box::leak("k".repeat(500).into_boxed_str());
    let path = unknown_field(read_edited(put(&["review"], long, 1)));
    assert_eq!(path, format!("review.{}", "k".repeat(73)));
}

#[test]
fn a_value_of_the_wrong_type_is_refused() {
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a string where a number is",
            Box::new(put(&["check"], "recorded_at_ms", "yesterday")),
        ),
        (
            "a negative number where an unsigned one is",
            Box::new(put(&["check", "readings", "0"], "systolic", -120)),
        ),
        (
            "a number out of range",
            Box::new(put(&["check", "readings", "0"], "pulse", 70_000u64)),
        ),
        (
            "a number where a closed list's code is",
            Box::new(put(&["check"], "age_band", 3)),
        ),
        (
            "a code not on the closed list",
            Box::new(put(&["check"], "age_band", "ancient")),
        ),
        (
            "a float where an optional number is",
            Box::new(put(&["check"], "imd_decile", 2.5)),
        ),
        (
            "bytes that are not a UUID as the id",
            Box::new(put(&[], "id", ScalarValue::Bytes(vec![1, 2, 3]))),
        ),
        (
            "a string that is not a UUID as the id",
            Box::new(put(&[], "id", "not-a-uuid")),
        ),
        (
            "a list where a map is",
            Box::new(|doc: &mut AutoCommit| {
                let list = doc.put_object(ROOT, "review", ObjType::List).unwrap();
                doc.insert(&list, 0, "approved").unwrap();
            }),
        ),
        (
            "a list where a reading (a map) is",
            Box::new(|doc: &mut AutoCommit| {
                let readings = object(doc, &["check", "readings"]);
                let item = doc.put_object(&readings, 0, ObjType::List).unwrap();
                for n in [150, 95, 70] {
                    doc.insert(&item, 0, n).unwrap();
                }
                doc.insert(&item, 3, false).unwrap();
            }),
        ),
        (
            "a map where a list is",
            Box::new(|doc: &mut AutoCommit| {
                let check = object(doc, &["check"]);
                let map = doc.put_object(&check, "advice", ObjType::Map).unwrap();
                doc.put(&map, "0", "gp").unwrap();
            }),
        ),
        (
            "a map where an optional string is",
            Box::new(|doc: &mut AutoCommit| {
                let check = object(doc, &["check"]);
                let map = doc.put_object(&check, "goal", ObjType::Map).unwrap();
                doc.put(&map, "extra", "x").unwrap();
            }),
        ),
        (
            "a map where a closed list's code is",
            Box::new(|doc: &mut AutoCommit| {
                let check = object(doc, &["check"]);
                let map = doc.put_object(&check, "sex", ObjType::Map).unwrap();
                doc.put(&map, "female", ScalarValue::Null).unwrap();
            }),
        ),
        (
            "a part that is a string",
            Box::new(put(&[], "follow_up", "closed")),
        ),
        (
            "a required field missing",
            Box::new(|doc: &mut AutoCommit| {
                let check = object(doc, &["check"]);
                doc.delete(&check, "band").unwrap();
            }),
        ),
        (
            "an unknown key as well as a value of the wrong type",
            Box::new(|doc: &mut AutoCommit| {
                doc.put(ROOT, "aa", 1).unwrap();
                let check = object(doc, &["check"]);
                doc.put(&check, "smoking", 1.5).unwrap();
            }),
        ),
    ];
    for (what, edit) in edits {
        let message = malformed(read_edited(edit));
        assert!(
            message.starts_with("the record does not have the shape of a check: "),
            "{what}: {message}"
        );
    }
}

#[test]
fn strings_read_from_text_objects_and_ids_from_their_string() {
    let id = Uuid::from_u128(7);
    let record = read_edited(|doc| {
        let check = object(doc, &["check"]);
        let goal = doc.put_object(&check, "goal", ObjType::Text).unwrap();
        doc.splice_text(&goal, 0, 0, "Cut down on salt").unwrap();
        let sex = doc.put_object(&check, "sex", ObjType::Text).unwrap();
        doc.splice_text(&sex, 0, 0, "male").unwrap();
        doc.put(ROOT, "id", id.to_string()).unwrap();
        doc.put(
            &check,
            "event_id",
            ScalarValue::Bytes(id.as_bytes().to_vec()),
        )
        .unwrap();
        doc.put(&check, "imd_decile", ScalarValue::Null).unwrap();
        doc.put(
            &check,
            "recorded_at_ms",
            ScalarValue::Timestamp(1_790_000_000_001),
        )
        .unwrap();
    })
    .unwrap();
    assert_eq!(record.check.goal.as_deref(), Some("Cut down on salt"));
    assert_eq!(record.check.sex, Sex::Male);
    assert_eq!(record.id, id);
    assert_eq!(
        record.check.event_id,
        id.to_string(),
        "16 bytes read as a UUID"
    );
    assert_eq!(record.check.imd_decile, None);
    assert_eq!(record.check.recorded_at_ms, 1_790_000_000_001);
}

#[test]
fn an_unknown_language_is_named_whatever_else_is_wrong() {
    for edit in [
        Box::new(put(&["check"], "main_language", "tlh")) as Edit,
        Box::new(|doc: &mut AutoCommit| {
            let check = object(doc, &["check"]);
            let text = doc
                .put_object(&check, "main_language", ObjType::Text)
                .unwrap();
            doc.splice_text(&text, 0, 0, "tlh").unwrap();
            doc.put(ROOT, "extra", 1).unwrap();
        }),
    ] {
        match read_edited(edit).map_err(|e| *e) {
            Err(DocError::UnknownLanguage(code)) => assert_eq!(code, "tlh"),
            other => panic!("expected an unknown language, got {other:?}"),
        }
    }
    let record = read_edited(put(&["check"], "main_language", "bn")).unwrap();
    assert_eq!(record.check.main_language, Some(Language::Bengali));
}
