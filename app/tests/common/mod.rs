//! What the phone's store tests share: a check as the app makes it.

use stallside_app::store::LocalRecord;
use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::record::{CheckRecord, VenueType};
use stallside_shared::sync::client::SyncState;
use stallside_shared::synthetic::{self, Stall};
use uuid::Uuid;

/// A new check as the app saves it: its entry, document and record.
pub fn new_check(seed: u64) -> (LocalRecord, RecordDoc, CheckRecord) {
    let stall = Stall {
        event_id: "event".into(),
        volunteer_id: "volunteer".into(),
        borough: "E09000019".into(),
        venue_type: VenueType::Market,
    };
    let meta = ChangeMeta {
        actor: ActorId::random(),
        time_secs: now_secs(),
    };
    let id = Uuid::new_v4();
    let record = CheckRecord::new(id, synthetic::check(seed, &stall, now_ms()), false);
    let mut doc = RecordDoc::create(&record, &meta).unwrap();
    let entry = LocalRecord::describe(id, &mut doc, SyncState::default(), None).unwrap();
    (entry, doc, record)
}
