//! The check being filled in, kept in IndexedDB as the volunteer goes, so that a reload, the
//! browser's back button, another tab of the app or a phone that kills the browser never
//! throws a half-taken check away.
//!
//! Writes are coalesced: while one is being committed only the newest value waits, so typing
//! never queues a write per key press. The newest value is also kept in memory, so a screen
//! that opens before the write lands still reads it.

use std::cell::{Cell, RefCell};

/// The named value the draft is kept under.
const KEY: &str = "draft";

thread_local! {
    static LATEST: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
    static PENDING: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
    static WRITING: Cell<bool> = const { Cell::new(false) };
}

/// Keeps `text` (the draft as JSON) as the draft, or forgets the draft with `None`.
pub fn keep(text: Option<String>) {
    LATEST.with(|l| *l.borrow_mut() = Some(text.clone()));
    PENDING.with(|p| *p.borrow_mut() = Some(text));
    if !WRITING.with(Cell::get) {
        WRITING.with(|w| w.set(true));
        mark("saving");
        leptos::task::spawn_local(flush());
    }
}

/// The kept draft (JSON), if any.
pub async fn load() -> Option<String> {
    if let Some(latest) = LATEST.with(|l| l.borrow().clone()) {
        return latest;
    }
    let store = super::get().await.ok()?;
    store.meta::<String>(KEY).await.ok().flatten()
}

async fn flush() {
    while let Some(next) = PENDING.with(|p| p.borrow_mut().take()) {
        if let Ok(store) = super::get().await {
            let _ = match next {
                Some(text) => store.set_meta(KEY, &text).await,
                None => store.delete_meta(KEY).await,
            };
        }
    }
    WRITING.with(|w| w.set(false));
    mark("saved");
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
