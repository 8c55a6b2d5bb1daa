//! The check being filled in, kept in IndexedDB as the volunteer goes, so that a reload, the
//! browser's back button, another tab of the app or a phone that kills the browser never
//! throws a half-taken check away.
//!
//! Writes are coalesced: while one is being committed only the newest value waits, so typing
//! never queues a write per key press. The newest value is also kept in memory, so a screen
//! that opens before the write lands still reads it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// The named value a check's draft is kept under: one for the new check, one per saved
/// check being corrected, so starting one never overwrites another.
pub fn name_for(correcting: Option<uuid::Uuid>) -> String {
    match correcting {
        None => "draft".to_owned(),
        Some(id) => format!("draft-{id}"),
    }
}

thread_local! {
    static LATEST: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
    static PENDING: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
    static WRITING: Cell<bool> = const { Cell::new(false) };
}

/// Keeps `text` (the draft as JSON) under `name`, or forgets that draft with `None`.
pub fn keep(name: &str, text: Option<String>) {
    LATEST.with(|l| l.borrow_mut().insert(name.to_owned(), text.clone()));
    PENDING.with(|p| p.borrow_mut().insert(name.to_owned(), text));
    if !WRITING.with(Cell::get) {
        WRITING.with(|w| w.set(true));
        mark("saving");
        leptos::task::spawn_local(flush());
    }
}

/// Forgets every draft held in memory, once the store itself has been erased.
pub fn forget_all() {
    LATEST.with(|l| l.borrow_mut().clear());
    PENDING.with(|p| p.borrow_mut().clear());
}

/// The draft kept under `name` (JSON), if any.
pub async fn load(name: &str) -> Option<String> {
    if let Some(latest) = LATEST.with(|l| l.borrow().get(name).cloned()) {
        return latest;
    }
    let store = super::get().await.ok()?;
    store.meta::<String>(name).await.ok().flatten()
}

/// Writes what waits, newest value per draft, until nothing does. A write that fails puts its
/// value back (unless a newer one arrived) and stops: the page says "failed", and the next
/// keep tries again. Only when everything is committed does it say "saved".
async fn flush() {
    let mut failed = false;
    loop {
        let batch = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
        if batch.is_empty() {
            break;
        }
        let store = super::get().await.ok();
        for (name, next) in batch {
            let written = match (&store, &next) {
                (Some(store), Some(text)) => store.set_meta(&name, text).await.is_ok(),
                (Some(store), None) => store.delete_meta(&name).await.is_ok(),
                (None, _) => false,
            };
            if !written {
                failed = true;
                PENDING.with(|p| {
                    p.borrow_mut().entry(name).or_insert(next);
                });
            }
        }
        if failed {
            break;
        }
    }
    WRITING.with(|w| w.set(false));
    mark(if failed { "failed" } else { "saved" });
}

/// `data-draft` on the page's body says whether the newest draft is committed, for the
/// browser tests (which reload the page only once it is).
fn mark(state: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-draft", state);
    }
}
