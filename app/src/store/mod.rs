//! The phone's local store: every check's Automerge document, a small summary and sync state
//! per check for the lists, and a few named values (session, cursor, events).
//!
//! Writers take [`write_lock`] so that a save at the stall and a sync applying the server's
//! answer never overwrite each other's view of a record.

pub mod draft;
pub mod idb;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use futures::lock::{Mutex, MutexGuard};
use js_sys::Array;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use stallside_shared::crdt::{ActorId, RecordDoc};
use stallside_shared::sync::client::{heads_hex, SyncState};
use stallside_shared::sync::wire::ContactDetails;
pub use stallside_shared::sync::wire::Summary;
use uuid::Uuid;
use wasm_bindgen::JsValue;
use web_sys::{IdbDatabase, IdbTransactionMode};

pub use idb::StoreError;
use idb::{
    bytes_value, committed, request_done, store, transaction, value_bytes, DOCS, META, RECORDS,
};

/// One check on the phone, without its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalRecord {
    /// Record id.
    pub id: Uuid,
    /// The document's heads, hex: compared with the server's to tell synced from not.
    pub heads: Vec<String>,
    /// What the server has.
    pub sync: SyncState,
    /// Contact details waiting to go to the server; removed once it has them.
    pub contact: Option<ContactDetails>,
    /// For the list.
    pub summary: Summary,
}

impl LocalRecord {
    /// A record's local entry after its document changed.
    pub fn describe(
        id: Uuid,
        doc: &mut RecordDoc,
        sync: SyncState,
        contact: Option<ContactDetails>,
    ) -> Result<Self, StoreError> {
        let record = doc
            .record()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(LocalRecord {
            id,
            heads: heads_hex(doc),
            sync,
            contact,
            summary: Summary::of(&record),
        })
    }
}

/// A document to write, or none.
pub type DocWrite = Option<Vec<u8>>;

/// The phone's store.
#[derive(Clone)]
pub struct Store {
    db: IdbDatabase,
}

thread_local! {
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

static WRITE_LOCK: Mutex<()> = Mutex::new(());

/// The store, opened once per page.
pub async fn get() -> Result<Store, StoreError> {
    if let Some(store) = STORE.with(|s| s.borrow().clone()) {
        return Ok(store);
    }
    let store = Store {
        db: idb::open().await?,
    };
    STORE.with(|s| *s.borrow_mut() = Some(store.clone()));
    Ok(store)
}

/// Serialises writers (saves and sync); see the module docs.
pub async fn write_lock() -> MutexGuard<'static, ()> {
    WRITE_LOCK.lock().await
}

impl Store {
    /// Every check's entry, for the lists and the sync.
    pub async fn records(&self) -> Result<Vec<LocalRecord>, StoreError> {
        let tx = transaction(&self.db, &[RECORDS], IdbTransactionMode::Readonly)?;
        let all = request_done(&store(&tx, RECORDS)?.get_all()?).await?;
        // An entry this version cannot read is left in place (a newer version may) rather than
        // stopping the phone from opening at all.
        Ok(Array::from(&all)
            .iter()
            .filter_map(|v| v.as_string())
            .filter_map(|text| serde_json::from_str(&text).ok())
            .collect())
    }

    /// One check's document.
    pub async fn doc(&self, id: Uuid) -> Result<Option<RecordDoc>, StoreError> {
        let tx = transaction(&self.db, &[DOCS], IdbTransactionMode::Readonly)?;
        let value =
            request_done(&store(&tx, DOCS)?.get(&JsValue::from_str(&id.to_string()))?).await?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        RecordDoc::load(&value_bytes(&value)?)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// The ids of every document the phone holds, read or not: a pulled record whose id is
    /// not among them can be stored as it came, with nothing to merge.
    pub async fn doc_ids(&self) -> Result<HashSet<Uuid>, StoreError> {
        let tx = transaction(&self.db, &[DOCS], IdbTransactionMode::Readonly)?;
        let keys = request_done(&store(&tx, DOCS)?.get_all_keys()?).await?;
        Ok(Array::from(&keys)
            .iter()
            .filter_map(|k| k.as_string())
            .filter_map(|k| k.parse().ok())
            .collect())
    }

    /// Several documents at once (for a sync batch).
    pub async fn docs(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, RecordDoc>, StoreError> {
        let tx = transaction(&self.db, &[DOCS], IdbTransactionMode::Readonly)?;
        let docs = store(&tx, DOCS)?;
        let requests = ids
            .iter()
            .map(|id| {
                docs.get(&JsValue::from_str(&id.to_string()))
                    .map(|r| (*id, r))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = HashMap::new();
        for (id, request) in requests {
            let value = request_done(&request).await?;
            if !value.is_undefined() {
                let doc = RecordDoc::load(&value_bytes(&value)?)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                out.insert(id, doc);
            }
        }
        Ok(out)
    }

    /// Writes entries (and documents, where given) and removes erased records in one
    /// transaction, with named values alongside; resolves only once the browser has committed
    /// all of it.
    pub async fn write(
        &self,
        entries: &[(LocalRecord, DocWrite)],
        removed: &[Uuid],
        meta: &[(&str, String)],
    ) -> Result<(), StoreError> {
        let tx = transaction(
            &self.db,
            &[DOCS, RECORDS, META],
            IdbTransactionMode::Readwrite,
        )?;
        let docs = store(&tx, DOCS)?;
        let records = store(&tx, RECORDS)?;
        let named = store(&tx, META)?;
        for (entry, doc) in entries {
            let key = JsValue::from_str(&entry.id.to_string());
            if let Some(bytes) = doc {
                docs.put_with_key(&bytes_value(bytes), &key)?;
            }
            let text =
                serde_json::to_string(entry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            records.put_with_key(&JsValue::from_str(&text), &key)?;
        }
        for id in removed {
            let key = JsValue::from_str(&id.to_string());
            docs.delete(&key)?;
            records.delete(&key)?;
        }
        for (name, value) in meta {
            named.put_with_key(&JsValue::from_str(value), &JsValue::from_str(name))?;
        }
        committed(&tx).await
    }

    /// Erases every record, document and named value (session, drafts, cursors) at once:
    /// what a phone a coordinator stopped does once it has sent what it held.
    pub async fn erase_all(&self) -> Result<(), StoreError> {
        let tx = transaction(
            &self.db,
            &[DOCS, RECORDS, META],
            IdbTransactionMode::Readwrite,
        )?;
        for name in [DOCS, RECORDS, META] {
            store(&tx, name)?.clear()?;
        }
        committed(&tx).await
    }

    /// A named value.
    pub async fn meta<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, StoreError> {
        let tx = transaction(&self.db, &[META], IdbTransactionMode::Readonly)?;
        let value = request_done(&store(&tx, META)?.get(&JsValue::from_str(name))?).await?;
        match value.as_string() {
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(e.to_string())),
            None => Ok(None),
        }
    }

    /// The Automerge actor id this phone signs a user's changes with. One per user, because
    /// the server binds an actor id to the first user (and device) that pushes it: two
    /// volunteers sharing a phone must not share one.
    pub async fn actor_for(&self, user_id: &str) -> Result<ActorId, StoreError> {
        let mut actors: HashMap<String, String> = self.meta("actors").await?.unwrap_or_default();
        if let Some(actor) = actors
            .get(user_id)
            .and_then(|hex| ActorId::try_from(hex.as_str()).ok())
        {
            return Ok(actor);
        }
        let actor = ActorId::random();
        actors.insert(user_id.to_owned(), actor.to_hex_string());
        self.set_meta("actors", &actors).await?;
        Ok(actor)
    }

    /// Removes a named value (committed before this resolves).
    pub async fn delete_meta(&self, name: &str) -> Result<(), StoreError> {
        let tx = transaction(&self.db, &[META], IdbTransactionMode::Readwrite)?;
        store(&tx, META)?.delete(&JsValue::from_str(name))?;
        committed(&tx).await
    }

    /// Sets a named value (committed before this resolves).
    pub async fn set_meta<T: Serialize>(&self, name: &str, value: &T) -> Result<(), StoreError> {
        let text = serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.write(&[], &[], &[(name, text)]).await
    }
}
