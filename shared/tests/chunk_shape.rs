//! `sync::chunk::shape` against real Automerge: the counts it reads from chunk and run headers
//! are exactly Automerge's own for real check records, the compressed forms are refused, the
//! run-length bombs (a million inserts in 104 bytes, a run claiming 2^40 entries, one op with
//! many preds) are counted without being expanded, and no prefix, mutation or random string
//! makes it (or `is_plain_document`, which tells the phone which saved documents go as they
//! are) panic.

#![cfg(not(target_arch = "wasm32"))]

use automerge::legacy::OpType;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use proptest::prelude::*;
use stallside_shared::crdt::{decode_changes, ActorId, ChangeMeta, RecordDoc, Role};
use stallside_shared::record::CheckRecord;
use stallside_shared::sync::chunk::{is_plain_document, shape, ChunkError, Fault, Shape};
use stallside_shared::sync::judge::{judge, Policy, Pusher};
use stallside_shared::synthetic::{self, Stall};
use std::ops::Range;
use uuid::Uuid;

const NOW_MS: i64 = 1_800_000_000_000;

/// Column specs of a change chunk's op columns (`id << 4 | type`).
const ACTION: u32 = 4 << 4 | 2;
const KEY_STRING: u32 = 1 << 4 | 5;
const PRED_GROUP: u32 = 7 << 4;
/// And of a document's change-metadata and op columns.
const ACTOR: u32 = 1;
const DEPS_GROUP: u32 = 4 << 4;
const SUCC_GROUP: u32 = 8 << 4;
const DEFLATE: u32 = 0b1000;

fn meta(time_secs: i64) -> ChangeMeta {
    ChangeMeta {
        actor: ActorId::from([9u8; 16]),
        time_secs,
    }
}

/// A typical new check record, then corrected `corrections` times with other answers (so
/// later changes overwrite and delete).
fn record(corrections: u64) -> RecordDoc {
    let stall = Stall::library("volunteer-1", "E09000019");
    let check = synthetic::check(1, &stall, NOW_MS);
    let record = CheckRecord::new(Uuid::nil(), check, false);
    let mut doc = RecordDoc::create(&record, &meta(1)).expect("create");
    for i in 0..corrections {
        let corrected = synthetic::check(2 + i, &stall, NOW_MS);
        doc.write_check(&corrected, &meta(2 + i as i64))
            .expect("correct");
    }
    doc
}

/// What Automerge itself counts in change chunks, by decoding every op.
struct Decoded {
    changes: u64,
    /// Σ `Change::len()`.
    ops: u64,
    /// Σ over changes of max(`Change::len()`, its total preds): the longest op column.
    longest_columns: u64,
    deletes: u64,
    preds: u64,
}

fn decoded(bytes: &[u8]) -> Decoded {
    let changes = decode_changes(bytes).expect("real changes decode");
    let mut counts = Decoded {
        changes: changes.len() as u64,
        ops: 0,
        longest_columns: 0,
        deletes: 0,
        preds: 0,
    };
    for change in &changes {
        let ops = change.decode().operations;
        let preds: u64 = ops.iter().map(|op| op.pred.len() as u64).sum();
        counts.ops += change.len() as u64;
        counts.longest_columns += (change.len() as u64).max(preds);
        counts.preds += preds;
        counts.deletes += ops.iter().filter(|op| op.action == OpType::Delete).count() as u64;
    }
    counts
}

#[test]
fn real_change_chunks_count_exactly_what_automerge_decodes() {
    for corrections in [0, 1, 5] {
        let changes = record(corrections).changes_since(&[]);
        let automerge = decoded(&changes);
        let shape = shape(&changes).expect("real changes have a shape");
        assert_eq!(
            shape.change_chunks as u64, automerge.changes,
            "{corrections}"
        );
        assert_eq!(shape.document_chunks, 0);
        assert_eq!(shape.changes, automerge.changes);
        assert_eq!(shape.op_rows, automerge.longest_columns, "{corrections}");
        // One actor writing in turn: no op has two preds, so the action column is the longest
        // and op_rows is exactly Automerge's own count, the one the judge budgets.
        assert_eq!(shape.op_rows, automerge.ops, "{corrections}");
    }
}

#[test]
fn a_saved_document_counts_its_changes_and_stored_op_rows() {
    for corrections in [0, 1, 5] {
        let mut doc = record(corrections);
        let automerge = decoded(&doc.changes_since(&[]));
        let saved = doc.save_uncompressed();
        let shape = shape(&saved).expect("a saved document has a shape");
        assert_eq!(shape.document_chunks, 1);
        assert_eq!(shape.change_chunks, 0);
        assert_eq!(shape.changes, doc.change_count_since(&[]) as u64);
        // A document stores every op but deletes as a row (a delete is a succ of the op it
        // deletes), so its longest op column has max(ops − deletes, total succs = total preds)
        // entries; here that is op_count − deletes, equal to op_count for a new record.
        let stored = automerge.ops - automerge.deletes;
        assert_eq!(shape.op_rows, stored.max(automerge.preds), "{corrections}");
        assert_eq!(shape.op_rows, doc.op_count() as u64 - automerge.deletes);
        if corrections == 0 {
            assert_eq!(shape.op_rows, doc.op_count() as u64);
        }
    }
}

#[test]
fn a_document_followed_by_changes_sums_its_chunks() {
    let mut doc = record(1);
    let saved = doc.save_uncompressed();
    let heads = doc.heads();
    let stall = Stall::library("volunteer-1", "E09000019");
    for i in 0..3 {
        doc.write_check(
            &synthetic::check(10 + i, &stall, NOW_MS),
            &meta(10 + i as i64),
        )
        .expect("correct");
    }
    let later = doc.changes_since(&heads);
    let both = [saved.as_slice(), later.as_slice()].concat();
    RecordDoc::load(&both).expect("Automerge loads the concatenation");

    let (first, second) = (shape(&saved).unwrap(), shape(&later).unwrap());
    assert_eq!(
        shape(&both).unwrap(),
        Shape {
            change_chunks: 3,
            document_chunks: 1,
            changes: first.changes + second.changes,
            op_rows: first.op_rows + second.op_rows,
            actors: first.actors + second.actors,
        }
    );
    assert_eq!(second.op_rows, decoded(&later).ops);
}

#[test]
fn only_one_whole_plain_document_is_pushed_as_it_was_saved() {
    let mut doc = record(1);
    let plain = doc.save_uncompressed();
    let heads = doc.heads();
    let stall = Stall::library("volunteer-1", "E09000019");
    doc.write_check(&synthetic::check(10, &stall, NOW_MS), &meta(10))
        .expect("correct");
    let later = doc.changes_since(&heads);
    let cases: &[(&str, Vec<u8>, bool)] = &[
        ("a document saved uncompressed", plain.clone(), true),
        ("a document with deflated columns", doc.save(), false),
        (
            "a document with changes after it",
            [plain.clone(), later.clone()].concat(),
            false,
        ),
        ("change chunks", later, false),
        (
            "a truncated document",
            plain[..plain.len() - 1].to_vec(),
            false,
        ),
        (
            "a document with a byte after it",
            [plain.as_slice(), &[0]].concat(),
            false,
        ),
        ("nothing", Vec::new(), false),
        ("junk", b"not an automerge document".to_vec(), false),
    ];
    for (name, bytes, plain) in cases {
        assert_eq!(is_plain_document(bytes), *plain, "{name}");
    }
}

#[test]
fn compressed_forms_are_refused() {
    let mut doc = record(1);
    let compressed = doc.save();
    assert!(matches!(
        shape(&compressed),
        Err(ChunkError::DeflatedColumn { offset: 0, spec }) if spec & DEFLATE != 0
    ));

    let mut change = decode_changes(&doc.changes_since(&[])).unwrap().remove(0);
    let whole = change.bytes().into_owned();
    assert_eq!(whole[8], 2, "Automerge deflates a change this large whole");
    assert_eq!(
        shape(&whole),
        Err(ChunkError::CompressedChunk { offset: 0 })
    );
    let after_a_good_one = [change.raw_bytes(), &whole].concat();
    assert_eq!(
        shape(&after_a_good_one),
        Err(ChunkError::CompressedChunk {
            offset: change.raw_bytes().len()
        })
    );
}

#[test]
fn a_million_inserts_in_a_hundred_bytes_are_counted() {
    let mut doc = synthetic::run_length_bomb(1_000_000);
    let changes = doc.save_after(&[]);
    let saved = doc.save_nocompress();
    assert!(
        changes.len() < 120 && saved.len() < 200,
        "{} {}",
        changes.len(),
        saved.len()
    );
    // The list and its million elements.
    let rows = 1_000_001;
    assert_eq!(decoded(&changes).ops, rows);
    assert_eq!(
        shape(&changes),
        Ok(Shape {
            change_chunks: 1,
            document_chunks: 0,
            changes: 1,
            op_rows: rows,
            actors: 1,
        })
    );
    assert_eq!(
        shape(&saved),
        Ok(Shape {
            change_chunks: 0,
            document_chunks: 1,
            changes: 1,
            op_rows: rows,
            actors: 1,
        })
    );
}

#[test]
fn one_op_with_many_preds_counts_its_preds() {
    const FORKS: usize = 300;
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "k", 0).unwrap();
    doc.commit();
    let mut forks: Vec<AutoCommit> = (0..FORKS)
        .map(|i| {
            let mut fork = doc.fork();
            fork.put(ROOT, "k", i as i64 + 1).unwrap();
            fork.commit();
            fork
        })
        .collect();
    for fork in &mut forks {
        doc.merge(fork).unwrap();
    }
    let heads = doc.get_heads();
    doc.put(ROOT, "k", -1).unwrap();
    doc.commit();
    let overwrite = doc.save_after(&heads);

    let automerge = decoded(&overwrite);
    assert_eq!((automerge.ops, automerge.preds), (1, FORKS as u64));
    assert_eq!(shape(&overwrite).unwrap().op_rows, FORKS as u64);
    // The merged document stores every pred as a succ: its longest op column is the succs.
    let history = decoded(&doc.save_after(&[]));
    let saved = shape(&doc.save_nocompress()).unwrap();
    assert_eq!(history.preds, 2 * FORKS as u64);
    assert_eq!(
        saved.op_rows,
        (history.ops - history.deletes).max(history.preds)
    );
    // And the merge names every fork, so its dependencies outnumber its changes.
    let changes = doc.get_changes(&[]);
    let deps: u64 = changes.iter().map(|c| c.deps().len() as u64).sum();
    assert_eq!(changes.len(), FORKS + 2);
    assert!(deps > changes.len() as u64);
    assert_eq!(saved.changes, deps.max(changes.len() as u64));
}

/// A real document with `extra` zero-length actor ids appended to its actor list (the ops
/// name actors by index, so the document still reads); the checksum is left stale, which
/// `shape` does not read.
fn with_unused_actors(document: &[u8], extra: u64) -> Vec<u8> {
    let mut pos = 9;
    let body_len = read_uleb(document, &mut pos) as usize;
    let body = &document[pos..pos + body_len];
    let mut at = 0;
    let count = read_uleb(body, &mut at);
    for _ in 0..count {
        let len = read_uleb(body, &mut at) as usize;
        at += len;
    }
    let padded = [
        uleb(count + extra),
        body[uleb(count).len()..at].to_vec(),
        vec![0; extra as usize],
        body[at..].to_vec(),
    ]
    .concat();
    [&document[..9], &uleb(padded.len() as u64), &padded].concat()
}

#[test]
fn every_listed_actor_is_counted() {
    let mut doc = record(2);
    let saved = doc.save_uncompressed();
    let stats = automerge::ReadDoc::stats(&automerge::AutoCommit::load(&saved).unwrap());
    assert_eq!(shape(&saved).unwrap().actors, stats.num_actors);
    let changes = doc.changes_since(&[]);
    assert_eq!(
        shape(&changes).unwrap().actors,
        decoded(&changes).changes,
        "each change names its author and no other actor"
    );
    assert_eq!(
        with_unused_actors(&saved, 0),
        saved,
        "the hand edit alone changes nothing"
    );
    assert_eq!(
        shape(&with_unused_actors(&saved, 250_000)).unwrap().actors,
        stats.num_actors + 250_000
    );
}

/// Test-side LEB128, to hand-edit chunks.
fn read_uleb(bytes: &[u8], pos: &mut usize) -> u64 {
    let mut value = 0;
    let mut shift = 0;
    loop {
        let byte = bytes[*pos];
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return value;
        }
        shift += 7;
    }
}

fn uleb(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn sleb(mut value: i64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0) {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// Where a real chunk's parts are: its header fields; its lists of columns (a change has its
/// op columns; a document its change-metadata columns, then its op columns), each listed in
/// metadata before all the lists' data; and the bytes after the columns.
struct Layout {
    header_fields: Range<usize>,
    lists: Vec<Vec<(u32, Range<usize>)>>,
    rest: Range<usize>,
}

/// The column lists of a change chunk (op columns) and of a document chunk.
const CHANGE_OPS: usize = 0;
const DOCUMENT_CHANGES: usize = 0;
const DOCUMENT_OPS: usize = 1;

fn layout(chunk: &[u8]) -> Layout {
    let mut pos = 9;
    let body_len = read_uleb(chunk, &mut pos) as usize;
    let body_start = pos;
    let skip_prefixed = |pos: &mut usize| {
        let len = read_uleb(chunk, pos) as usize;
        *pos += len;
    };
    let skip_actors = |pos: &mut usize| {
        for _ in 0..read_uleb(chunk, pos) {
            skip_prefixed(pos);
        }
    };
    let lists = if chunk[8] == 0 {
        skip_actors(&mut pos);
        let heads = read_uleb(chunk, &mut pos) as usize;
        pos += 32 * heads;
        2
    } else {
        let deps = read_uleb(chunk, &mut pos) as usize;
        pos += 32 * deps;
        skip_prefixed(&mut pos); // actor
        read_uleb(chunk, &mut pos); // seq
        read_uleb(chunk, &mut pos); // start op
        read_uleb(chunk, &mut pos); // time, skipped as a LEB
        skip_prefixed(&mut pos); // message
        skip_actors(&mut pos); // other actors
        1
    };
    let header_fields = body_start..pos;
    let lengths: Vec<Vec<(u32, usize)>> = (0..lists)
        .map(|_| {
            (0..read_uleb(chunk, &mut pos))
                .map(|_| {
                    let spec = read_uleb(chunk, &mut pos) as u32;
                    (spec, read_uleb(chunk, &mut pos) as usize)
                })
                .collect()
        })
        .collect();
    let lists = lengths
        .into_iter()
        .map(|list| {
            list.into_iter()
                .map(|(spec, len)| {
                    pos += len;
                    (spec, pos - len..pos)
                })
                .collect()
        })
        .collect();
    Layout {
        header_fields,
        lists,
        rest: pos..body_start + body_len,
    }
}

/// The data of one column of a real chunk.
fn column_data(chunk: &[u8], list: usize, spec: u32) -> Vec<u8> {
    let (_, range) = layout(chunk)
        .lists
        .swap_remove(list)
        .into_iter()
        .find(|(s, _)| *s == spec)
        .expect("the column is there");
    chunk[range].to_vec()
}

/// Rewrites one column of a real chunk: its spec to `new_spec` and its data to `data`,
/// fixing the column and chunk lengths (the checksum is left stale).
fn edit_column(chunk: &[u8], list: usize, spec: u32, new_spec: u32, data: &[u8]) -> Vec<u8> {
    let parts = layout(chunk);
    assert!(
        parts.lists[list].iter().any(|(s, _)| *s == spec),
        "no column {spec:#x}"
    );
    let mut metadata = Vec::new();
    let mut column_data = Vec::new();
    for (index, columns) in parts.lists.into_iter().enumerate() {
        metadata.extend(uleb(columns.len() as u64));
        for (s, range) in columns {
            let (s, bytes) = if index == list && s == spec {
                (new_spec, data)
            } else {
                (s, &chunk[range])
            };
            metadata.extend(uleb(u64::from(s)));
            metadata.extend(uleb(bytes.len() as u64));
            column_data.extend(bytes);
        }
    }
    let body = [
        &chunk[parts.header_fields],
        &metadata,
        &column_data,
        &chunk[parts.rest],
    ]
    .concat();
    [&chunk[..9], &uleb(body.len() as u64), &body].concat()
}

/// Rewrites one op column of a real change chunk.
fn edit_op_column(chunk: &[u8], spec: u32, new_spec: u32, data: &[u8]) -> Vec<u8> {
    edit_column(chunk, CHANGE_OPS, spec, new_spec, data)
}

/// The first change chunk of a typical new record: small and real.
fn small_chunk() -> Vec<u8> {
    record(0).changes_since(&[])
}

#[test]
fn the_hand_edit_changes_only_what_it_is_told() {
    let chunk = small_chunk();
    let action = column_data(&chunk, CHANGE_OPS, ACTION);
    assert_eq!(edit_op_column(&chunk, ACTION, ACTION, &action), chunk);
}

#[test]
fn runs_claiming_more_than_memory_are_counted_at_once_without_overflow() {
    let chunk = small_chunk();
    let huge = 1u64 << 40;
    let run = |count: i64, value: &[u8]| [sleb(count), value.to_vec()].concat();
    let nulls = |count: u64| [vec![0], uleb(count)].concat();
    let max = i64::MAX;
    let rows: &[(&str, u32, Vec<u8>, u64)] = &[
        (
            "a 2^40 run of one action",
            ACTION,
            run(huge as i64, &[1]),
            huge,
        ),
        ("2^40 nulls", KEY_STRING, nulls(huge), huge),
        (
            "one op claiming 2^40 preds",
            PRED_GROUP,
            run(1, &uleb(huge)),
            huge,
        ),
        (
            "three runs of i64::MAX",
            ACTION,
            [run(max, &[1]), run(max, &[2]), run(max, &[1])].concat(),
            u64::MAX,
        ),
        (
            "two u64::MAX null runs",
            KEY_STRING,
            [nulls(u64::MAX), nulls(u64::MAX)].concat(),
            u64::MAX,
        ),
        (
            "i64::MAX ops with u64::MAX preds each",
            PRED_GROUP,
            run(max, &uleb(u64::MAX)),
            u64::MAX,
        ),
    ];
    for (name, spec, data, op_rows) in rows {
        let bomb = edit_op_column(&chunk, *spec, *spec, data);
        assert!(bomb.len() < chunk.len() + 40, "{name}");
        assert_eq!(shape(&bomb).map(|s| s.op_rows), Ok(*op_rows), "{name}");
    }
    let two = [
        edit_op_column(&chunk, ACTION, ACTION, &run(max, &[1])),
        edit_op_column(&chunk, ACTION, ACTION, &run(max, &[1])),
        edit_op_column(&chunk, ACTION, ACTION, &run(max, &[1])),
    ]
    .concat();
    assert_eq!(shape(&two).map(|s| s.op_rows), Ok(u64::MAX));
}

/// The judge reads the shape first: a change claiming 2^40 operations, or a saved document
/// claiming 2^40 operations in its op columns, is refused as too large at once. Before the
/// shape was read the judge decoded every claimed operation first (105 ms for the million
/// inserts; this one would not finish), and any saved document was merged whole.
#[test]
fn the_judge_refuses_a_bomb_before_decoding_it() {
    let pusher = Pusher {
        user_id: "volunteer-1".into(),
        device_id: "phone-1".into(),
        role: Role::Volunteer,
        areas: vec!["E09000019".into()],
    };
    let judged = |bytes: &[u8]| {
        judge(
            Uuid::nil(),
            None,
            bytes,
            &[],
            &pusher,
            &Policy::default(),
            NOW_MS,
        )
        .err()
        .map(|rejection| rejection.code())
    };
    let run = [sleb(1 << 40), vec![1]].concat();
    let change = edit_op_column(&small_chunk(), ACTION, ACTION, &run);
    assert_eq!(judged(&change), Some("too_large"), "a change");
    let padded = with_unused_actors(&record(0).save_uncompressed(), 250_000);
    assert_eq!(judged(&padded), Some("too_large"), "250,000 unused actors");
    let mut million = synthetic::run_length_bomb(1_000_000);
    assert_eq!(
        judged(&million.save_after(&[])),
        Some("too_large"),
        "a million inserts as changes"
    );
    assert_eq!(
        judged(&million.save_nocompress()),
        Some("too_large"),
        "a million inserts as a document"
    );
    assert_eq!(
        judged(&record(0).save()),
        Some("undecodable"),
        "a deflated document"
    );
}

/// A bomb's `changes` and `op_rows`, or None where it leaves the real document's.
type Claimed = (Option<u64>, Option<u64>);

#[test]
fn a_document_claiming_more_than_memory_is_counted_at_once() {
    let saved = record(1).save_uncompressed();
    let actor = column_data(&saved, DOCUMENT_CHANGES, ACTOR);
    assert_eq!(
        edit_column(&saved, DOCUMENT_CHANGES, ACTOR, ACTOR, &actor),
        saved
    );
    let huge = 1u64 << 40;
    let run = |count: u64, value: &[u8]| [sleb(count as i64), value.to_vec()].concat();
    let rows: &[(&str, usize, u32, Vec<u8>, Claimed)] = &[
        (
            "2^40 changes by one actor",
            DOCUMENT_CHANGES,
            ACTOR,
            run(huge, &[0]),
            (Some(huge), None),
        ),
        (
            "one change claiming 2^40 dependencies",
            DOCUMENT_CHANGES,
            DEPS_GROUP,
            run(1, &uleb(huge)),
            (Some(huge), None),
        ),
        (
            "a 2^40 run of one action",
            DOCUMENT_OPS,
            ACTION,
            run(huge, &[1]),
            (None, Some(huge)),
        ),
        (
            "one op claiming 2^40 succs",
            DOCUMENT_OPS,
            SUCC_GROUP,
            run(1, &uleb(huge)),
            (None, Some(huge)),
        ),
    ];
    let real = shape(&saved).unwrap();
    for (name, list, spec, data, (changes, op_rows)) in rows {
        let bomb = edit_column(&saved, *list, *spec, *spec, data);
        let bomb = shape(&bomb).expect(name);
        let expected = (
            changes.unwrap_or(real.changes),
            op_rows.unwrap_or(real.op_rows),
        );
        assert_eq!((bomb.changes, bomb.op_rows), expected, "{name}");
    }
    let deflated = edit_column(
        &saved,
        DOCUMENT_OPS,
        ACTION,
        ACTION | DEFLATE,
        &column_data(&saved, DOCUMENT_OPS, ACTION),
    );
    assert_eq!(
        shape(&deflated),
        Err(ChunkError::DeflatedColumn {
            offset: 0,
            spec: ACTION | DEFLATE
        })
    );
}

#[test]
fn each_bad_input_has_its_own_error() {
    let chunk = small_chunk();
    let with_type = |t: u8| {
        let mut c = chunk.clone();
        c[8] = t;
        c
    };
    let column_fault = |spec: u32, data: &[u8]| edit_op_column(&chunk, spec, spec, data);
    let mut overlong_length = chunk[..9].to_vec();
    overlong_length.extend([0x80, 0x00]);
    let cases: Vec<(&str, Vec<u8>, ChunkError)> = vec![
        (
            "not Automerge",
            b"{\"schema\":1}".to_vec(),
            ChunkError::NotAutomerge { offset: 0 },
        ),
        (
            "garbage after a good chunk",
            [chunk.as_slice(), b"x"].concat(),
            ChunkError::NotAutomerge {
                offset: chunk.len(),
            },
        ),
        (
            "unknown chunk type",
            with_type(7),
            ChunkError::UnknownChunkType {
                offset: 0,
                chunk_type: 7,
            },
        ),
        (
            "compressed chunk",
            with_type(2),
            ChunkError::CompressedChunk { offset: 0 },
        ),
        ("bundle", with_type(3), ChunkError::Bundle { offset: 0 }),
        (
            "deflated column",
            edit_op_column(
                &chunk,
                ACTION,
                ACTION | DEFLATE,
                &column_data(&chunk, CHANGE_OPS, ACTION),
            ),
            ChunkError::DeflatedColumn {
                offset: 0,
                spec: ACTION | DEFLATE,
            },
        ),
        (
            "cut short",
            chunk[..chunk.len() - 1].to_vec(),
            ChunkError::Truncated {
                offset: 0,
                part: "chunk body",
            },
        ),
        (
            "overlong body length",
            overlong_length,
            ChunkError::BadNumber {
                offset: 0,
                part: "chunk body",
            },
        ),
        (
            "literal run longer than its column",
            column_fault(ACTION, &[0x7d, 0x01]),
            ChunkError::BadColumn {
                offset: 0,
                spec: ACTION,
                fault: Fault::End,
            },
        ),
        (
            "string longer than its column",
            column_fault(KEY_STRING, &[0x01, 0x05, b'a']),
            ChunkError::BadColumn {
                offset: 0,
                spec: KEY_STRING,
                fault: Fault::End,
            },
        ),
        (
            "overlong run header",
            column_fault(ACTION, &[0x81, 0x00, 0x01]),
            ChunkError::BadColumn {
                offset: 0,
                spec: ACTION,
                fault: Fault::Overlong,
            },
        ),
    ];
    for (name, bytes, expected) in cases {
        let got = shape(&bytes);
        assert_eq!(got, Err(expected), "{name}");
        assert!(!got.unwrap_err().to_string().is_empty());
    }
    assert_eq!(shape(&[]), Ok(Shape::default()), "no chunks");
}

#[test]
fn every_prefix_is_refused_or_shaped() {
    let mut doc = record(2);
    let changes = doc.changes_since(&[]);
    let saved = doc.save_uncompressed();
    let one = small_chunk();
    for whole in [&one, &saved] {
        for end in 1..whole.len() {
            assert!(shape(&whole[..end]).is_err(), "prefix of {end} bytes");
        }
    }
    // A run of chunks has a shape exactly where a chunk ends.
    let boundaries: Vec<usize> = decode_changes(&changes)
        .unwrap()
        .iter()
        .scan(0, |end, c| {
            *end += c.raw_bytes().len();
            Some(*end)
        })
        .collect();
    for end in 1..changes.len() {
        assert_eq!(
            shape(&changes[..end]).is_ok(),
            boundaries.contains(&end),
            "prefix of {end} bytes"
        );
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = shape(&bytes);
        let _ = is_plain_document(&bytes);
    }

    #[test]
    fn random_bodies_behind_a_real_header_never_panic(
        chunk_type in 0u8..2,
        body in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut bytes = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, chunk_type];
        bytes.extend(uleb(body.len() as u64));
        bytes.extend(body);
        let _ = shape(&bytes);
        let _ = is_plain_document(&bytes);
    }

    #[test]
    fn mutated_real_chunks_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        document in any::<bool>(),
    ) {
        let mut bytes = if document { record(1).save_uncompressed() } else { small_chunk() };
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = shape(&bytes);
        let _ = is_plain_document(&bytes);
    }
}
