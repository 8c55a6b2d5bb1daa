//! What one pushed document costs the judge: a typical new check, the worst document the
//! judge accepts (the largest check there can be, pushed with the most changes one push may
//! carry), and hostile documents it refuses. `cargo bench -p stallside-shared --bench judge`
//! prints medians and writes `target/bench/judge.json`.

use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc, Role};
use stallside_shared::record::*;
use stallside_shared::sync::judge::{judge, Policy, Pusher, MAX_NEW_CHANGES};
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::triage::{assess, TriageInput};
use stallside_shared::validation::MAX_GOAL_CHARS;
use uuid::Uuid;

const NOW_MS: i64 = 1_800_000_000_000;
const ISLINGTON: &str = "E09000019";
const RUNS: usize = 200;

fn main() {
    let mut typical_doc = new_record(typical_check(), 0);
    let typical = typical_doc.to_push(&[]);
    let typical_changes = typical_doc.changes_since(&[]);
    let worst = new_record(largest_check(), MAX_NEW_CHANGES - 1).to_push(&[]);
    let over_budget = hostile_text(3_000, false);
    let whole_doc = hostile_text(1_000_000, true);
    let million = synthetic::run_length_bomb(1_000_000).save_after(&[]);
    let rows = [
        (
            "typical new check, saved document (accepted)",
            &typical,
            true,
        ),
        (
            "typical new check, as changes from older phones (accepted)",
            &typical_changes,
            true,
        ),
        ("worst accepted: largest check, 100 changes", &worst, true),
        (
            "refused: 3,000-character text under an extra key",
            &over_budget,
            false,
        ),
        (
            "refused: a whole document holding 1,000,000 characters",
            &whole_doc,
            false,
        ),
        (
            "refused: 1,000,000 list inserts run-length encoded in one change",
            &million,
            false,
        ),
    ];
    let mut results = serde_json::Map::new();
    for (name, changes, accepted) in rows {
        let median = median_judge_time(changes, accepted);
        println!(
            "judge {name:<66} {:>8.3} ms ({} bytes)",
            ms(median),
            changes.len()
        );
        results.insert(
            name.into(),
            serde_json::json!({ "median_ms": ms(median), "bytes": changes.len() }),
        );
    }
    let median = median_time(|| {
        typical_doc.record().expect("reads");
    });
    println!(
        "read  {:<66} {:>8.3} ms",
        "typical check record from its document",
        ms(median)
    );
    results.insert(
        "read: typical check record from its document".into(),
        serde_json::json!({ "median_ms": ms(median) }),
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).expect("bench dir");
    std::fs::write(
        out.join("judge.json"),
        serde_json::to_vec_pretty(&results).expect("json"),
    )
    .expect("write results");
}

fn pusher() -> Pusher {
    Pusher {
        user_id: "volunteer-1".into(),
        device_id: "phone-1".into(),
        role: Role::Volunteer,
        areas: vec![ISLINGTON.into()],
    }
}

fn meta(time_secs: i64) -> ChangeMeta {
    ChangeMeta {
        actor: ActorId::from([9u8; 16]),
        time_secs,
    }
}

fn typical_check() -> CheckPart {
    let stall = Stall::library("volunteer-1", ISLINGTON);
    synthetic::check(1, &stall, NOW_MS - 3_600_000)
}

/// Every list full, three readings, the longest goal.
fn largest_check() -> CheckPart {
    let mut check = typical_check();
    check.readings = vec![
        Reading::bp(150, 95),
        Reading::bp(170, 99),
        Reading::bp(158, 92),
    ];
    check.pulse_irregular_on_repeat = None;
    check.red_flags.clear();
    check.low_bp_symptoms.clear();
    check.other_conditions = Condition::ALL.to_vec();
    check.advice = Advice::ALL.to_vec();
    check.barriers = Barrier::ALL.to_vec();
    check.enablers = Enabler::ALL.to_vec();
    check.goal = Some("g".repeat(MAX_GOAL_CHARS));
    check.band = stallside_shared::triage::band(&TriageInput::from_check(&check));
    check
}

/// A new record: created, then corrected `corrections` times before its first sync.
fn new_record(check: CheckPart, corrections: usize) -> RecordDoc {
    let flagged = assess(&TriageInput::from_check(&check), &Default::default()).is_flagged();
    let record = CheckRecord::new(Uuid::nil(), check.clone(), flagged);
    let mut doc = RecordDoc::create(&record, &meta(NOW_MS / 1000)).expect("create");
    for i in 0..corrections {
        let mut corrected = check.clone();
        corrected.goal = Some(format!("{i:0>width$}", width = MAX_GOAL_CHARS));
        doc.write_check(&corrected, &meta(NOW_MS / 1000 + i as i64))
            .expect("correct");
    }
    doc
}

/// A record with a text of `chars` characters under an extra key, as plain changes or as a
/// whole (compressed) document.
fn hostile_text(chars: usize, whole: bool) -> Vec<u8> {
    let record = CheckRecord::new(Uuid::nil(), typical_check(), false);
    let mut doc = RecordDoc::create(&record, &meta(NOW_MS / 1000)).expect("create");
    let mut raw = AutoCommit::load(&doc.save()).expect("load");
    raw.set_actor(ActorId::from([9u8; 16]));
    let text = raw
        .put_object(ROOT, "extra", ObjType::Text)
        .expect("extra key");
    raw.splice_text(&text, 0, 0, &"a".repeat(chars))
        .expect("text");
    raw.commit();
    if whole {
        raw.save()
    } else {
        raw.save_after(&[])
    }
}

fn median_judge_time(changes: &[u8], accepted: bool) -> Duration {
    median_time(|| {
        let verdict = judge(
            Uuid::nil(),
            None,
            changes,
            &[],
            &pusher(),
            &Policy::default(),
            NOW_MS,
        );
        assert_eq!(verdict.is_ok(), accepted, "{:?}", verdict.err());
    })
}

/// The median of [`RUNS`] timings of `run`.
fn median_time(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}
