//! A thin async adapter over the browser's IndexedDB: open the database, run a transaction,
//! and await requests and commits as futures.
//!
//! A write counts as saved only when its transaction's `complete` event fires, which is when
//! the browser has committed it (the app never says "saved" before that).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Uint8Array};
use thiserror::Error;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbCursor, IdbDatabase, IdbIndex, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

/// The database name.
pub const DB_NAME: &str = "stallside";
/// Bumped whenever the stores below change; [`open`] moves what an older version left.
pub const DB_VERSION: u32 = 2;
/// Each check by record id, as one value: its entry ([`ENTRY`]) beside its Automerge
/// document ([`DOC`]), so that storing a pulled record is one `put`, not two.
pub const CHECKS: &str = "checks";
/// The field of a check's value holding its entry (summary and sync state, JSON text), and
/// the index over it: the list reads the entries as that index's keys, never the documents.
pub const ENTRY: &str = "entry";
/// The field of a check's value holding its document (bytes).
pub const DOC: &str = "doc";
/// Small values (session, each volunteer's cursor, events, device), by name (JSON text).
pub const META: &str = "meta";
/// What an open blocked by another tab fails with, told apart from the browser's errors.
const BLOCKED: &str = "blocked by another tab";
/// Version 1 kept each document and each entry in a store of its own, both by record id.
const V1_DOCS: &str = "docs";
const V1_RECORDS: &str = "records";

/// Why a storage operation failed.
#[derive(Debug, Clone, Error)]
pub enum StoreError {
    /// IndexedDB refused or failed.
    #[error("the phone's storage failed: {0}")]
    Browser(String),
    /// A stored value could not be read back.
    #[error("a stored value could not be read: {0}")]
    Corrupt(String),
    /// Another tab still has the store open at an older version, which must close first.
    #[error(
        "Stallside is open in another tab of this browser: close that tab, then reload this page"
    )]
    Blocked,
}

impl From<JsValue> for StoreError {
    fn from(value: JsValue) -> Self {
        let text = value
            .dyn_ref::<web_sys::DomException>()
            .map(|e| format!("{}: {}", e.name(), e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}"));
        StoreError::Browser(text)
    }
}

/// Opens (creating or upgrading) the app's database, [`DB_NAME`].
///
/// A phone that held version 1 has its checks moved into [`CHECKS`] inside the upgrade's own
/// transaction: if any step fails the browser rolls all of it back and the old stores stay as
/// they were, so an upgrade can stop the app opening but never lose a check.
pub async fn open(name: &str) -> Result<IdbDatabase, StoreError> {
    let window = web_sys::window().ok_or_else(|| StoreError::Browser("no window".into()))?;
    let factory = window
        .indexed_db()?
        .ok_or_else(|| StoreError::Browser("IndexedDB is not available".into()))?;
    let request: IdbOpenDbRequest = factory.open_with_u32(name, DB_VERSION)?;
    let on_upgrade = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new({
        let request = request.clone();
        move |_: web_sys::IdbVersionChangeEvent| {
            if let Err(e) = upgrade(&request) {
                web_sys::console::error_1(&JsValue::from_str(&e.to_string()));
                if let Some(tx) = request.transaction() {
                    let _ = tx.abort();
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    // Kept for the page's life: an open blocked by another tab still upgrades once that tab
    // closes, and this page's next load finds the database ready.
    on_upgrade.forget();
    // Another tab holding the old version open blocks the upgrade until it closes: say so
    // rather than wait with nothing on the screen. Should the upgrade go ahead later, this
    // page has already said so, and closes the connection it no longer waits for.
    let gave_up = Rc::new(Cell::new(false));
    let opened = JsFuture::from(Promise::new(&mut |resolve, reject| {
        let result = request.clone();
        let late = gave_up.clone();
        let success = Closure::once_into_js(move || match result.result() {
            Ok(db) if late.get() => {
                if let Ok(db) = db.dyn_into::<IdbDatabase>() {
                    db.close();
                }
            }
            Ok(db) => {
                let _ = resolve.call1(&JsValue::NULL, &db);
            }
            Err(e) => {
                let _ = resolve.call1(&JsValue::NULL, &e);
            }
        });
        let failed = request.clone();
        let failure = Closure::once_into_js({
            let reject = reject.clone();
            move || reject_with_error(&reject, &failed)
        });
        let late = gave_up.clone();
        let blocked = Closure::once_into_js(move || {
            late.set(true);
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(BLOCKED));
        });
        request.set_onsuccess(Some(success.unchecked_ref()));
        request.set_onerror(Some(failure.unchecked_ref()));
        request.set_onblocked(Some(blocked.unchecked_ref()));
    }))
    .await
    .map_err(|e| {
        if e.as_string().as_deref() == Some(BLOCKED) {
            StoreError::Blocked
        } else {
            e.into()
        }
    })?;
    let db = opened.dyn_into::<IdbDatabase>()?;
    // A newer version opened in another tab: once no save or sync is writing, make way for it
    // and load that version here.
    let closing = db.clone();
    let newer = Closure::once_into_js(move || {
        wasm_bindgen_futures::spawn_local(async move {
            let _writing = super::write_lock().await;
            closing.close();
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
    });
    db.set_onversionchange(Some(newer.unchecked_ref()));
    Ok(db)
}

/// Creates what this version's database lacks and starts moving version 1's checks.
fn upgrade(request: &IdbOpenDbRequest) -> Result<(), StoreError> {
    let db: IdbDatabase = request.result()?.dyn_into()?;
    let tx = request
        .transaction()
        .ok_or_else(|| StoreError::Browser("no upgrade transaction".into()))?;
    let names = db.object_store_names();
    if !names.contains(META) {
        db.create_object_store(META)?;
    }
    if !names.contains(CHECKS) {
        db.create_object_store(CHECKS)?
            .create_index_with_str(ENTRY, ENTRY)?;
    }
    if names.contains(V1_DOCS) && names.contains(V1_RECORDS) {
        // Read now, while the upgrade's transaction is certainly active; the rest runs as
        // each read lands, which keeps the transaction open until it is done.
        let docs = tx.object_store(V1_DOCS)?;
        let records = tx.object_store(V1_RECORDS)?;
        let reads = [
            pending(&docs.get_all_keys()?),
            pending(&docs.get_all()?),
            pending(&records.get_all_keys()?),
            pending(&records.get_all()?),
        ];
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = move_v1(&db, &tx, reads).await {
                web_sys::console::error_1(&JsValue::from_str(&e.to_string()));
                let _ = tx.abort();
            }
        });
    }
    Ok(())
}

/// Puts each version 1 check, entry and document, into [`CHECKS`] as one value, then drops
/// the old stores. A document with no entry is kept too (and still counts as held).
async fn move_v1(
    db: &IdbDatabase,
    tx: &IdbTransaction,
    reads: [JsFuture; 4],
) -> Result<(), StoreError> {
    let [doc_keys, docs, entry_keys, entries] = reads;
    let doc_keys = Array::from(&doc_keys.await?);
    let docs = Array::from(&docs.await?);
    let entry_keys = Array::from(&entry_keys.await?);
    let entries = Array::from(&entries.await?);
    let values = js_sys::Map::new();
    for (field, (keys, items)) in [(DOC, (&doc_keys, &docs)), (ENTRY, (&entry_keys, &entries))] {
        for (key, item) in keys.iter().zip(items.iter()) {
            if !key.is_string() {
                return Err(StoreError::Corrupt("a record id is not text".into()));
            }
            let value = values.get(&key);
            let value = if value.is_undefined() {
                let value = js_sys::Object::new().into();
                values.set(&key, &value);
                value
            } else {
                value
            };
            js_sys::Reflect::set(&value, &field.into(), &item)?;
        }
    }
    let checks = tx.object_store(CHECKS)?;
    let mut failed = None;
    values.for_each(&mut |value, key| {
        if let Err(e) = checks.put_with_key(&value, &key) {
            failed.get_or_insert(e);
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    db.delete_object_store(V1_DOCS)?;
    db.delete_object_store(V1_RECORDS)?;
    Ok(())
}

/// A transaction over `stores`. Writes are "strict": `complete` fires only once the data is
/// on disk, not just handed to the operating system (Chrome's default is relaxed), so a phone
/// whose battery dies after "Saved" still has the check.
pub fn transaction(
    db: &IdbDatabase,
    stores: &[&str],
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, StoreError> {
    let names = Array::new();
    for store in stores {
        names.push(&JsValue::from_str(store));
    }
    if mode != IdbTransactionMode::Readwrite {
        return Ok(db.transaction_with_str_sequence_and_mode(&names, mode)?);
    }
    // web-sys has the options dictionary only behind its unstable-APIs flag, so call
    // `transaction(names, "readwrite", { durability: "strict" })` directly.
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"durability".into(), &"strict".into())?;
    let open: Function = js_sys::Reflect::get(db, &"transaction".into())?.dyn_into()?;
    Ok(open
        .call3(db, &names, &"readwrite".into(), &options)?
        .dyn_into::<IdbTransaction>()?)
}

/// Asks the browser not to evict the app's storage when the phone runs low on space.
pub fn request_persistence() {
    if let Ok(storage) = web_sys::window().map(|w| w.navigator().storage()).ok_or(()) {
        let _ = storage.persist();
    }
}

/// One store of a transaction.
pub fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, StoreError> {
    Ok(tx.object_store(name)?)
}

/// Resolves when the browser has committed the transaction; fails if it aborts.
pub async fn committed(tx: &IdbTransaction) -> Result<(), StoreError> {
    let tx = tx.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject_error = reject.clone();
        let failed = Closure::once_into_js(move |event: web_sys::Event| {
            let _ = reject_error.call1(&JsValue::NULL, &event);
        });
        let aborted = Closure::once_into_js(move |event: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &event);
        });
        tx.set_oncomplete(Some(done.unchecked_ref()));
        tx.set_onerror(Some(failed.unchecked_ref()));
        tx.set_onabort(Some(aborted.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| StoreError::Browser("the save did not complete".into()))
}

/// Resolves with a request's result.
pub async fn request_done(request: &IdbRequest) -> Result<JsValue, StoreError> {
    Ok(pending(request).await?)
}

/// A request's result to await later: its handlers are set before this returns, so no
/// event can fire unheard however long the caller takes to await it.
pub fn pending(request: &IdbRequest) -> JsFuture {
    let request = request.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_request = request.clone();
        let success = Closure::once_into_js(move || {
            let _ = resolve.call1(
                &JsValue::NULL,
                &ok_request.result().unwrap_or(JsValue::NULL),
            );
        });
        let err_request = request.clone();
        let failure = Closure::once_into_js(move || reject_with_error(&reject, &err_request));
        request.set_onsuccess(Some(success.unchecked_ref()));
        request.set_onerror(Some(failure.unchecked_ref()));
    });
    JsFuture::from(promise)
}

/// Every key of an index, read with one key cursor: the values (the documents, for the
/// entry index) are never read or copied.
pub async fn index_keys(index: &IdbIndex) -> Result<Array, StoreError> {
    let request = index.open_key_cursor()?;
    let keys = Array::new();
    let mut settle = None;
    let done = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let (resolve, reject) =
        settle.ok_or_else(|| StoreError::Browser("a promise did not start".into()))?;
    let step = Closure::<dyn FnMut()>::new({
        let request = request.clone();
        let keys = keys.clone();
        let reject = reject.clone();
        // The cursor at each key, then `null` past the last; anything else is a failure, not
        // a shorter list.
        move || match request.result().map(|r| r.dyn_into::<IdbCursor>()) {
            Ok(Ok(cursor)) => {
                keys.push(&cursor.key().unwrap_or(JsValue::UNDEFINED));
                if let Err(e) = cursor.continue_() {
                    let _ = reject.call1(&JsValue::NULL, &e);
                }
            }
            Ok(Err(end)) if end.is_null() => {
                let _ = resolve.call0(&JsValue::NULL);
            }
            Ok(Err(other)) | Err(other) => {
                let _ = reject.call1(&JsValue::NULL, &other);
            }
        }
    });
    let failed = Closure::once_into_js({
        let request = request.clone();
        move || reject_with_error(&reject, &request)
    });
    request.set_onsuccess(Some(step.as_ref().unchecked_ref()));
    request.set_onerror(Some(failed.unchecked_ref()));
    let result = JsFuture::from(done).await;
    drop(step);
    result?;
    Ok(keys)
}

/// Bytes as a JS value to store.
pub fn bytes_value(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

/// Bytes back from a stored value.
pub fn value_bytes(value: &JsValue) -> Result<Vec<u8>, StoreError> {
    value
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| StoreError::Corrupt("a document is not bytes".into()))
}

/// Rejects with a failed request's error, or `null` when the browser gives none: the one
/// way each awaited request reports its failure.
fn reject_with_error(reject: &Function, request: &IdbRequest) {
    let error = request
        .error()
        .ok()
        .flatten()
        .map_or(JsValue::NULL, JsValue::from);
    let _ = reject.call1(&JsValue::NULL, &error);
}
