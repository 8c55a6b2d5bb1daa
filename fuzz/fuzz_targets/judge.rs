//! The judge on arbitrary pushed changes: as a volunteer creating a record, and as a
//! supervisor changing a stored flagged record. It may refuse anything; it may not panic, and
//! what it accepts stays within the operation budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc, Role};
use stallside_shared::record::{CheckRecord, Reading};
use stallside_shared::sync::judge::{judge_contained, Policy, Pusher, MAX_OPS_PER_RECORD};
use stallside_shared::synthetic::{self, Stall};
use uuid::Uuid;

const NOW_MS: i64 = 1_800_000_000_000;
const ISLINGTON: &str = "E09000019";

fn pusher(user_id: &str, role: Role) -> Pusher {
    Pusher {
        user_id: user_id.into(),
        device_id: "device-1".into(),
        role,
        areas: vec![ISLINGTON.into()],
    }
}

/// A stored flagged record, as a volunteer's phone made it.
fn stored_flagged() -> RecordDoc {
    let stall = Stall::library("volunteer-1", ISLINGTON);
    let mut check = synthetic::check(1, &stall, NOW_MS - 3_600_000);
    check.readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)];
    check.red_flags.clear();
    check.low_bp_symptoms.clear();
    check.pulse_irregular_on_repeat = None;
    let input = stallside_shared::triage::TriageInput::from_check(&check);
    check.band = stallside_shared::triage::band(&input);
    let record = CheckRecord::new(Uuid::nil(), check, true);
    let meta = ChangeMeta {
        actor: ActorId::from([1u8; 16]),
        time_secs: NOW_MS / 1000,
    };
    RecordDoc::create(&record, &meta).expect("a valid record")
}

fuzz_target!(|data: &[u8]| {
    // The server contains panics inside Automerge to the one document (`judge_contained`);
    // so does this target, by putting back the default panic hook that libFuzzer's replaces
    // with an abort. A panic anywhere else still fails the run.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let _ = std::panic::take_hook();
    });
    let policy = Policy::default();
    let as_volunteer = pusher("volunteer-1", Role::Volunteer);
    if let Ok(mut verdict) = judge_contained(Uuid::nil(), None, data, &[], &as_volunteer, &policy, NOW_MS) {
        assert!(verdict.doc.op_count() <= MAX_OPS_PER_RECORD);
    }
    let as_supervisor = pusher("supervisor-1", Role::Supervisor);
    let stored = Some(stored_flagged());
    if let Ok(mut verdict) = judge_contained(Uuid::nil(), stored, data, &[], &as_supervisor, &policy, NOW_MS) {
        assert!(verdict.doc.op_count() <= MAX_OPS_PER_RECORD);
    }
});
