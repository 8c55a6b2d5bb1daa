//! The phone's local store: every check's Automerge document with a small summary and sync
//! state beside it for the lists, and a few named values (session, cursor, events).
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
use stallside_shared::sync::chunk;
use stallside_shared::sync::client::{heads_hex, same_heads, SyncState};
use stallside_shared::sync::wire::ContactDetails;
pub use stallside_shared::sync::wire::Summary;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbTransactionMode};

pub use idb::StoreError;
use idb::{
    bytes_value, committed, index_keys, pending, request_done, store, transaction, value_bytes,
    CHECKS, DOC, ENTRY, META,
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

/// Puts the newest check first, as every list shows them: one sort, compiled once.
pub fn newest_first(records: &mut [LocalRecord]) {
    records.sort_by_key(|r| std::cmp::Reverse(r.summary.recorded_at_ms));
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
        db: idb::open(idb::DB_NAME).await?,
    };
    STORE.with(|s| *s.borrow_mut() = Some(store.clone()));
    Ok(store)
}

/// Serialises writers (saves and sync); see the module docs.
pub async fn write_lock() -> MutexGuard<'static, ()> {
    WRITE_LOCK.lock().await
}

impl Store {
    /// Every check's entry, for the lists and the sync: the entry index's keys, so that no
    /// document is read.
    pub async fn records(&self) -> Result<Vec<LocalRecord>, StoreError> {
        let tx = transaction(&self.db, &[CHECKS], IdbTransactionMode::Readonly)?;
        let entries = index_keys(&store(&tx, CHECKS)?.index(ENTRY)?).await?;
        // An entry this version cannot read is left in place (a newer version may) rather than
        // stopping the phone from opening at all.
        Ok(entries
            .iter()
            .filter_map(|v| v.as_string())
            .filter_map(|text| serde_json::from_str(&text).ok())
            .collect())
    }

    /// One check's document.
    pub async fn doc(&self, id: Uuid) -> Result<Option<RecordDoc>, StoreError> {
        let tx = transaction(&self.db, &[CHECKS], IdbTransactionMode::Readonly)?;
        let key = JsValue::from_str(&id.to_string());
        let doc = field(&request_done(&store(&tx, CHECKS)?.get(&key)?).await?, DOC);
        if doc.is_undefined() {
            return Ok(None);
        }
        load(&value_bytes(&doc)?).map(Some)
    }

    /// The ids of every check the phone holds, its entry readable or not: a pulled record
    /// whose id is not among them can be stored as it came, with nothing to merge.
    pub async fn doc_ids(&self) -> Result<HashSet<Uuid>, StoreError> {
        let tx = transaction(&self.db, &[CHECKS], IdbTransactionMode::Readonly)?;
        let keys = request_done(&store(&tx, CHECKS)?.get_all_keys()?).await?;
        Ok(Array::from(&keys)
            .iter()
            .filter_map(|k| k.as_string())
            .filter_map(|k| k.parse().ok())
            .collect())
    }

    /// Several documents at once, for a push, read in one transaction: as saved, beside the
    /// heads their entry names, where the entry says the server holds none of the record and
    /// the document was saved without compression (most of a push, sent as saved); loaded
    /// otherwise.
    pub async fn outgoing_docs(
        &self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, StoredDoc>, StoreError> {
        let tx = transaction(&self.db, &[CHECKS], IdbTransactionMode::Readonly)?;
        let checks = store(&tx, CHECKS)?;
        let reads = ids
            .iter()
            .map(|id| {
                Ok((
                    *id,
                    pending(&checks.get(&JsValue::from_str(&id.to_string()))?),
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut out = HashMap::new();
        for (id, read) in reads {
            let value = read.await?;
            let doc = field(&value, DOC);
            if doc.is_undefined() {
                continue;
            }
            let bytes = value_bytes(&doc)?;
            let entry = field(&value, ENTRY)
                .as_string()
                .and_then(|text| serde_json::from_str::<LocalRecord>(&text).ok());
            let doc = match entry {
                Some(entry)
                    if entry.sync.server_heads.is_empty() && chunk::is_plain_document(&bytes) =>
                {
                    StoredDoc::Saved {
                        bytes,
                        heads: entry.heads,
                    }
                }
                _ => StoredDoc::Loaded(load(&bytes)?),
            };
            out.insert(id, doc);
        }
        Ok(out)
    }

    /// Writes entries (and documents, where given) and removes erased records in one
    /// transaction, with named values alongside; resolves only once the browser has committed
    /// all of it, and a failure part-way writes none of it.
    ///
    /// An entry given without a document (an acknowledgement) is written beside the document
    /// already stored, read in the same transaction. If that document has moved on from the
    /// heads the entry names (another tab saved a correction meanwhile), only the entry's sync
    /// state is taken: the stored heads, summary and contact number stay, so the correction
    /// still shows as on the phone and still goes to the server.
    pub async fn write(
        &self,
        entries: &[(LocalRecord, DocWrite)],
        removed: &[Uuid],
        meta: &[(&str, String)],
    ) -> Result<(), StoreError> {
        let tx = transaction(&self.db, &[CHECKS, META], IdbTransactionMode::Readwrite)?;
        if let Err(e) = write_in(&tx, entries, removed, meta).await {
            let _ = tx.abort();
            return Err(e);
        }
        committed(&tx).await
    }

    /// Erases every record, document and named value (session, drafts, cursors) at once:
    /// what a phone a coordinator stopped does once it has sent what it held.
    pub async fn erase_all(&self) -> Result<(), StoreError> {
        let tx = transaction(&self.db, &[CHECKS, META], IdbTransactionMode::Readwrite)?;
        for name in [CHECKS, META] {
            store(&tx, name)?.clear()?;
        }
        committed(&tx).await
    }

    /// A named value.
    pub async fn meta<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, StoreError> {
        self.meta_text(name)
            .await?
            .map(|text| serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// A named value's JSON text: the read is compiled once, not once for every type
    /// [`Store::meta`] is asked for (the phone's download pays for each copy).
    async fn meta_text(&self, name: &str) -> Result<Option<String>, StoreError> {
        let tx = transaction(&self.db, &[META], IdbTransactionMode::Readonly)?;
        let value = request_done(&store(&tx, META)?.get(&JsValue::from_str(name))?).await?;
        Ok(value.as_string())
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

/// A check's document as read for a push ([`Store::outgoing_docs`]). Loaded documents are
/// held inline, as a batch held them before: boxing them cost 278 bytes of the phone's
/// first-visit download, which has none to spare.
#[allow(clippy::large_enum_variant)]
pub enum StoredDoc {
    /// Loaded, for a record the server holds some of.
    Loaded(RecordDoc),
    /// As saved, with the heads its entry names, for a record the server holds none of.
    Saved {
        /// The saved document.
        bytes: Vec<u8>,
        /// Its heads, hex, from the entry stored beside it.
        heads: Vec<String>,
    },
}

/// Loads a stored document: one that does not load is the store's fault, not the sync's.
fn load(bytes: &[u8]) -> Result<RecordDoc, StoreError> {
    RecordDoc::load(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A field of a stored value, or `undefined` when the value or the field is missing.
fn field(value: &JsValue, name: &str) -> JsValue {
    if value.is_object() {
        js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// The requests of [`Store::write`], in its transaction `tx`.
async fn write_in(
    tx: &web_sys::IdbTransaction,
    entries: &[(LocalRecord, DocWrite)],
    removed: &[Uuid],
    meta: &[(&str, String)],
) -> Result<(), StoreError> {
    let checks = store(tx, CHECKS)?;
    let named = store(tx, META)?;
    let keys: Vec<JsValue> = entries
        .iter()
        .map(|(entry, _)| JsValue::from_str(&entry.id.to_string()))
        .collect();
    let mut reads = Vec::new();
    for ((_, doc), key) in entries.iter().zip(&keys) {
        if doc.is_none() {
            reads.push(pending(&checks.get(key)?));
        }
    }
    let mut stored = Vec::with_capacity(reads.len());
    for read in reads {
        stored.push(read.await?);
    }
    let mut stored = stored.into_iter();
    // Each read above has landed, and this runs in the same turn as the last one's success:
    // the transaction is still active for the writes.
    for ((entry, doc), key) in entries.iter().zip(&keys) {
        let (value, moved_on) = match doc {
            Some(bytes) => {
                let value = js_sys::Object::new();
                js_sys::Reflect::set(&value, &DOC.into(), &bytes_value(bytes))?;
                (value, None)
            }
            None => {
                let value = stored.next().unwrap_or_default();
                let moved_on = entry_if_moved_on(entry, &value);
                (value.dyn_into().unwrap_or_default(), moved_on)
            }
        };
        let text = serde_json::to_string(moved_on.as_ref().unwrap_or(entry))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        js_sys::Reflect::set(&value, &ENTRY.into(), &JsValue::from_str(&text))?;
        checks.put_with_key(&value, key)?;
    }
    for id in removed {
        checks.delete(&JsValue::from_str(&id.to_string()))?;
    }
    for (name, value) in meta {
        named.put_with_key(&JsValue::from_str(value), &JsValue::from_str(name))?;
    }
    Ok(())
}

/// The entry to write beside a stored value instead of `entry`, when the stored document has
/// moved on from the heads `entry` names: the stored entry, with `entry`'s sync state.
fn entry_if_moved_on(entry: &LocalRecord, stored: &JsValue) -> Option<LocalRecord> {
    field(stored, ENTRY)
        .as_string()
        .and_then(|text| serde_json::from_str::<LocalRecord>(&text).ok())
        .filter(|current| !same_heads(&current.heads, &entry.heads))
        .map(|current| LocalRecord {
            sync: entry.sync.clone(),
            ..current
        })
}
