//! A thin async adapter over the browser's IndexedDB: open the database, run a transaction,
//! and await requests and commits as futures.
//!
//! A write counts as saved only when its transaction's `complete` event fires, which is when
//! the browser has committed it (the app never says "saved" before that).

use js_sys::{Array, Promise, Uint8Array};
use thiserror::Error;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

/// The database name.
pub const DB_NAME: &str = "stallside";
/// Bumped whenever the stores below change.
pub const DB_VERSION: u32 = 1;
/// Each record's Automerge document (bytes), by record id.
pub const DOCS: &str = "docs";
/// Each record's summary and sync state (JSON text), by record id: the list reads only this.
pub const RECORDS: &str = "records";
/// Small values (session, each volunteer's cursor, events, device), by name (JSON text).
pub const META: &str = "meta";

/// Why a storage operation failed.
#[derive(Debug, Clone, Error)]
pub enum StoreError {
    /// IndexedDB refused or failed.
    #[error("the phone's storage failed: {0}")]
    Browser(String),
    /// A stored value could not be read back.
    #[error("a stored value could not be read: {0}")]
    Corrupt(String),
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

/// Opens (creating or upgrading) the app's database.
pub async fn open() -> Result<IdbDatabase, StoreError> {
    let window = web_sys::window().ok_or_else(|| StoreError::Browser("no window".into()))?;
    let factory = window
        .indexed_db()?
        .ok_or_else(|| StoreError::Browser("IndexedDB is not available".into()))?;
    let request: IdbOpenDbRequest = factory.open_with_u32(DB_NAME, DB_VERSION)?;
    let upgrade = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(
        move |event: web_sys::IdbVersionChangeEvent| {
            let Some(db) = event
                .target()
                .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            else {
                return;
            };
            for store in [DOCS, RECORDS, META] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        },
    );
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = request_done(&request).await;
    drop(upgrade);
    Ok(result?.dyn_into::<IdbDatabase>()?)
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
    let open: js_sys::Function = js_sys::Reflect::get(db, &"transaction".into())?.dyn_into()?;
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
        let failure = Closure::once_into_js(move || {
            let error = err_request
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(success.unchecked_ref()));
        request.set_onerror(Some(failure.unchecked_ref()));
    });
    Ok(JsFuture::from(promise).await?)
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
