//! The phone's IndexedDB store, in Chromium: what is written is committed and read back,
//! documents round-trip, and named values survive.

#![cfg(target_arch = "wasm32")]

use stallside_app::store::{self, LocalRecord};
use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::record::{CheckRecord, VenueType};
use stallside_shared::sync::client::{status, Status, SyncState};
use stallside_shared::synthetic::{self, Stall};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn checks_are_committed_and_read_back() {
    let store = store::get().await.unwrap();
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
    let mut written = Vec::new();
    for seed in 0..20 {
        let id = Uuid::new_v4();
        let record = CheckRecord::new(id, synthetic::check(seed, &stall, now_ms()), false);
        let mut doc = RecordDoc::create(&record, &meta).unwrap();
        let entry = LocalRecord::describe(id, &mut doc, SyncState::default(), None).unwrap();
        store
            .write(&[(entry.clone(), Some(doc.save()))], &[], &[])
            .await
            .unwrap();
        written.push((entry, record));
    }
    let all = store.records().await.unwrap();
    for (entry, record) in &written {
        let found = all.iter().find(|r| r.id == entry.id).expect("entry stored");
        assert_eq!(found, entry);
        assert_eq!(status(&found.sync, &found.heads), Status::OnPhone);
        let doc = store.doc(entry.id).await.unwrap().expect("document stored");
        assert_eq!(&doc.record().unwrap(), record);
    }
    let ids: Vec<Uuid> = written.iter().map(|(e, _)| e.id).collect();
    assert_eq!(store.docs(&ids).await.unwrap().len(), 20);

    store.set_meta("cursor", &42u64).await.unwrap();
    assert_eq!(store.meta::<u64>("cursor").await.unwrap(), Some(42));
    assert_eq!(store.meta::<u64>("nothing").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_named_value_can_be_removed() {
    let store = store::get().await.unwrap();
    store.set_meta("draft-test", &"half a check").await.unwrap();
    assert_eq!(
        store.meta::<String>("draft-test").await.unwrap().as_deref(),
        Some("half a check")
    );
    store.delete_meta("draft-test").await.unwrap();
    assert_eq!(store.meta::<String>("draft-test").await.unwrap(), None);
}
