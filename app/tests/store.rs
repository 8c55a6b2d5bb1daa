//! The phone's IndexedDB store, in Chromium: what is written is committed and read back,
//! documents round-trip, and named values survive.

#![cfg(target_arch = "wasm32")]

mod common;

use common::new_check;
use stallside_app::store::{self, LocalRecord, StoredDoc};
use stallside_shared::clock::now_secs;
use stallside_shared::crdt::{ActorId, ChangeMeta};
use stallside_shared::sync::chunk;
use stallside_shared::sync::client::{heads_hex, status, Status, SyncState};
use stallside_shared::validation::MAX_GOAL_CHARS;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn checks_are_committed_and_read_back() {
    let store = store::get().await.unwrap();
    let mut written = Vec::new();
    for seed in 0..20 {
        let (entry, mut doc, record) = new_check(seed);
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
    assert_eq!(store.outgoing_docs(&ids).await.unwrap().len(), 20);

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

#[wasm_bindgen_test]
async fn an_entry_written_alone_keeps_its_document() {
    let store = store::get().await.unwrap();
    let (entry, mut doc, record) = new_check(3);
    let id = entry.id;
    store
        .write(&[(entry.clone(), Some(doc.save()))], &[], &[])
        .await
        .unwrap();

    // What an acknowledgement writes: the entry with the server's heads, and no document.
    let acknowledged = acknowledged(&entry);
    store
        .write(&[(acknowledged.clone(), None)], &[], &[])
        .await
        .unwrap();
    let listed = store.records().await.unwrap();
    let found = listed.iter().find(|r| r.id == id).expect("entry kept");
    assert_eq!(found, &acknowledged);
    assert_eq!(status(&found.sync, &found.heads), Status::Synced);
    let kept = store
        .doc(id)
        .await
        .unwrap()
        .expect("document kept beside it");
    assert_eq!(kept.record().unwrap(), record);
}

#[wasm_bindgen_test]
async fn an_acknowledgement_from_a_tab_behind_leaves_a_newer_correction_waiting() {
    let store = store::get().await.unwrap();
    let (entry, mut doc, record) = new_check(5);
    store
        .write(&[(entry.clone(), Some(doc.save()))], &[], &[])
        .await
        .unwrap();

    // Another tab of the app corrects the check while this one's push is out.
    let mut check = record.check.clone();
    check.goal = Some("Walk to the market".into());
    let meta = ChangeMeta {
        actor: ActorId::random(),
        time_secs: now_secs(),
    };
    doc.write_check(&check, &meta).unwrap();
    let corrected = LocalRecord::describe(entry.id, &mut doc, entry.sync.clone(), None).unwrap();
    store
        .write(&[(corrected.clone(), Some(doc.save()))], &[], &[])
        .await
        .unwrap();

    // This tab, which never saw the correction, takes the server's acknowledgement of the
    // version it pushed.
    let acknowledged = acknowledged(&entry);
    store
        .write(&[(acknowledged, None)], &[], &[])
        .await
        .unwrap();

    let listed = store.records().await.unwrap();
    let found = listed
        .iter()
        .find(|r| r.id == entry.id)
        .expect("entry kept");
    assert_eq!(found.heads, corrected.heads);
    assert_eq!(found.summary, corrected.summary);
    assert_eq!(found.sync.server_heads, entry.heads);
    assert_eq!(status(&found.sync, &found.heads), Status::OnPhone);
    let kept = store.doc(entry.id).await.unwrap().expect("correction kept");
    assert_eq!(kept.record().unwrap().check.goal, check.goal);
}

#[wasm_bindgen_test]
async fn a_push_reads_new_checks_as_saved_and_the_rest_loaded() {
    let store = store::get().await.unwrap();
    let (new, mut new_doc, _) = new_check(7);
    let saved = new_doc.save_uncompressed();
    let (synced, mut synced_doc, _) = new_check(8);
    let synced_bytes = synced_doc.save_uncompressed();
    // A check an older version saved with Automerge's default save, which deflates a long
    // column: the server refuses deflated columns, so it is loaded and saved again.
    let (old, mut old_doc, record) = new_check(9);
    let mut check = record.check;
    check.goal = Some("g".repeat(MAX_GOAL_CHARS));
    old_doc.write_check(&check, &meta()).unwrap();
    let old = LocalRecord::describe(old.id, &mut old_doc, SyncState::default(), None).unwrap();
    let compressed = old_doc.save();
    assert!(!chunk::is_plain_document(&compressed));
    store
        .write(
            &[
                (new.clone(), Some(saved.clone())),
                (acknowledged(&synced), Some(synced_bytes)),
                (old.clone(), Some(compressed)),
            ],
            &[],
            &[],
        )
        .await
        .unwrap();

    let mut read = store
        .outgoing_docs(&[new.id, synced.id, old.id])
        .await
        .unwrap();
    match read.remove(&new.id).expect("the new check") {
        StoredDoc::Saved { bytes, heads } => {
            assert_eq!(bytes, saved);
            assert_eq!(heads, new.heads);
        }
        StoredDoc::Loaded(_) => panic!("a check the server has none of is read as saved"),
    }
    match read.remove(&synced.id).expect("the synced check") {
        StoredDoc::Loaded(mut doc) => assert_eq!(heads_hex(&mut doc), synced.heads),
        StoredDoc::Saved { .. } => panic!("a check the server holds is loaded"),
    }
    match read
        .remove(&old.id)
        .expect("the check an older version saved")
    {
        StoredDoc::Loaded(mut doc) => assert_eq!(heads_hex(&mut doc), old.heads),
        StoredDoc::Saved { .. } => panic!("a document with deflated columns is loaded"),
    }
}

fn meta() -> ChangeMeta {
    ChangeMeta {
        actor: ActorId::random(),
        time_secs: now_secs(),
    }
}

/// What an acknowledgement writes for `entry`: the server holds its heads.
fn acknowledged(entry: &LocalRecord) -> LocalRecord {
    LocalRecord {
        sync: SyncState {
            server_heads: entry.heads.clone(),
            ..SyncState::default()
        },
        ..entry.clone()
    }
}
