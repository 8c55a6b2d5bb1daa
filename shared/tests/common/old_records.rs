//! Records from phones older than a field: the check part's later questions (main language,
//! participant card, what helps) are missing keys in their documents, and each must read as
//! "not said" rather than make the record unreadable. Shared by the native test (the server)
//! and the test in Chromium (the phone).

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::record::{CheckPart, CheckRecord, VenueType};
use stallside_shared::synthetic::{self, Stall};
use uuid::Uuid;

/// Sets a field of the check part to what "not said" is for it.
type NotSaid = fn(&mut CheckPart);

/// Each key a later version added to the check part, and how its field reads when missing.
const LATER_KEYS: &[(&str, NotSaid)] = &[
    ("main_language", |c| c.main_language = None),
    ("card", |c| c.card = None),
    ("enablers", |c| c.enablers.clear()),
];

/// Deletes each later key from a full record's document in turn and checks the record still
/// reads, with that field as not said and everything else unchanged.
pub fn check_missing_keys_read_as_not_said(now_ms: i64, time_secs: i64) {
    let stall = Stall {
        event_id: "event".into(),
        volunteer_id: "volunteer".into(),
        borough: "E09000003".into(),
        venue_type: VenueType::Library,
    };
    for (seed, (key, not_said)) in LATER_KEYS.iter().enumerate() {
        let mut check = synthetic::check(seed as u64, &stall, now_ms);
        check.card = Some("7KQ3M9XA2PZ".into());
        let record = CheckRecord::new(Uuid::from_u128(seed as u128), check, false);
        let meta = ChangeMeta {
            actor: ActorId::random(),
            time_secs,
        };
        let mut raw =
            automerge::AutoCommit::load(&RecordDoc::create(&record, &meta).unwrap().save())
                .unwrap();
        let (_, part) = raw.get(automerge::ROOT, "check").unwrap().unwrap();
        raw.delete(&part, *key).unwrap();
        raw.commit();
        let old = RecordDoc::load(&raw.save()).unwrap();
        let mut expected = record.clone();
        not_said(&mut expected.check);
        assert_eq!(
            old.record()
                .unwrap_or_else(|e| panic!("without {key}: {e}")),
            expected,
            "a record without {key} reads as not said"
        );
    }
}
