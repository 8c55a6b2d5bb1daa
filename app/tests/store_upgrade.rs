//! A phone that held the store's first layout (each document and each entry in a store of
//! its own), in Chromium: opening this version moves every check into the one-value layout
//! with nothing lost, and an upgrade that cannot move a check stops with the old stores
//! left exactly as they were.

#![cfg(target_arch = "wasm32")]

mod common;

use common::new_check;
use js_sys::{Array, Uint8Array};
use stallside_app::store::{self, idb, LocalRecord};
use stallside_shared::crdt::RecordDoc;
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbVersionChangeEvent};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_first_layout_phone_keeps_every_check_and_value() {
    let checks: Vec<(LocalRecord, RecordDoc)> = (0..3)
        .map(|seed| {
            let (entry, doc, _) = new_check(seed);
            (entry, doc)
        })
        .collect();
    let mut puts = Vec::new();
    for (entry, doc) in &checks {
        let key = JsValue::from_str(&entry.id.to_string());
        puts.push(("docs", key.clone(), bytes_of(doc)));
        let text = serde_json::to_string(entry).unwrap();
        puts.push(("records", key, text.into()));
    }
    // A document whose entry this version cannot read: still held, still moved.
    let unreadable = Uuid::new_v4();
    let key = JsValue::from_str(&unreadable.to_string());
    puts.push(("docs", key.clone(), bytes_of(&checks[0].1)));
    puts.push(("records", key, "{\"from\":\"a newer version\"}".into()));
    puts.push(("meta", "cursor:volunteer".into(), "42".into()));
    write_v1(idb::DB_NAME, &puts).await;

    let store = store::get()
        .await
        .expect("the first layout opens as this one");
    let mut listed = store.records().await.unwrap();
    listed.sort_by_key(|r| r.id);
    let mut expected: Vec<LocalRecord> = checks.iter().map(|(e, _)| e.clone()).collect();
    expected.sort_by_key(|r| r.id);
    assert_eq!(listed, expected);
    for (entry, doc) in &checks {
        let moved = store.doc(entry.id).await.unwrap().expect("document moved");
        assert_eq!(moved.record().unwrap(), doc.record().unwrap());
    }
    let held = store.doc_ids().await.unwrap();
    assert_eq!(held.len(), 4);
    assert!(held.contains(&unreadable));
    assert_eq!(
        store.meta::<u64>("cursor:volunteer").await.unwrap(),
        Some(42)
    );
}

#[wasm_bindgen_test]
async fn an_upgrade_that_cannot_move_a_check_loses_nothing() {
    // Runs on its own database name, as the store above keeps its connection for the page.
    let name = "stallside-upgrade-refused";
    let (entry, doc, _) = new_check(7);
    let key = JsValue::from_str(&entry.id.to_string());
    // A key no version of the app writes: the move cannot name it, so it must not start.
    let puts = [
        ("docs", key.clone(), bytes_of(&doc)),
        ("docs", JsValue::from_f64(1.0), bytes_of(&doc)),
    ];
    write_v1(name, &puts).await;

    assert!(idb::open(name).await.is_err());

    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let again: IdbDatabase = request(&factory.open(name).unwrap()).await.unchecked_into();
    assert_eq!(again.version(), 1.0);
    let names = again.object_store_names();
    assert!(names.contains("docs") && names.contains("records"));
    assert!(!names.contains(idb::CHECKS));
    let tx = again.transaction_with_str("docs").unwrap();
    let kept = request(&tx.object_store("docs").unwrap().get(&key).unwrap()).await;
    assert_eq!(
        Uint8Array::new(&kept).to_vec(),
        Uint8Array::new(&bytes_of(&doc)).to_vec()
    );
    again.close();
}

#[wasm_bindgen_test]
async fn a_tab_still_holding_the_first_layout_is_named_not_waited_on() {
    let name = "stallside-upgrade-blocked";
    // Another tab of an older version, which does not close when asked.
    let other_tab = open_v1_named(name).await;
    assert!(matches!(
        idb::open(name).await,
        Err(store::StoreError::Blocked)
    ));
    // Once that tab closes, the upgrade goes ahead and the next load opens at once.
    other_tab.close();
    let db = idb::open(name)
        .await
        .expect("opens once the other tab has closed");
    assert_eq!(db.version(), f64::from(idb::DB_VERSION));
    assert!(db.object_store_names().contains(idb::CHECKS));
    db.close();
}

/// Makes `name` afresh as version 1 did, holding `puts` (store, key, value).
async fn write_v1(name: &str, puts: &[(&str, JsValue, JsValue)]) {
    let v1 = open_v1_named(name).await;
    let tx = v1
        .transaction_with_str_sequence_and_mode(
            &Array::of3(&"docs".into(), &"records".into(), &"meta".into()),
            web_sys::IdbTransactionMode::Readwrite,
        )
        .unwrap();
    for (store, key, value) in puts {
        tx.object_store(store)
            .unwrap()
            .put_with_key(value, key)
            .unwrap();
    }
    done(&tx).await;
    v1.close();
}

/// A document's bytes as version 1 stored them.
fn bytes_of(doc: &RecordDoc) -> JsValue {
    Uint8Array::from(doc.clone().save_uncompressed().as_slice()).into()
}

/// A database of the first layout under `name`, made afresh.
async fn open_v1_named(name: &str) -> IdbDatabase {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    request(&factory.delete_database(name).unwrap()).await;
    let open: IdbOpenDbRequest = factory.open_with_u32(name, 1).unwrap();
    let upgrade = Closure::<dyn FnMut(IdbVersionChangeEvent)>::new({
        let open = open.clone();
        move |_: IdbVersionChangeEvent| {
            let db: IdbDatabase = open.result().unwrap().unchecked_into();
            for store in ["docs", "records", "meta"] {
                db.create_object_store(store).unwrap();
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = request(&open).await.unchecked_into();
    drop(upgrade);
    db
}

/// A request's result.
async fn request(request: &web_sys::IdbRequest) -> JsValue {
    idb::request_done(request).await.unwrap()
}

/// Waits for a transaction to commit.
async fn done(tx: &web_sys::IdbTransaction) {
    idb::committed(tx).await.unwrap();
}
