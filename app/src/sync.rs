//! The phone's sync loop: at start, when the connection comes back, every 30 seconds, after
//! a save and on the button; with backoff and jitter after a failure. Each round trip is the
//! shared sans-IO session ([`stallside_shared::sync::session`]) over `fetch` and IndexedDB.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::{RecordDoc, Role};
use stallside_shared::events::Plan;
use stallside_shared::sync::backoff::retry_delay_ms;
use stallside_shared::sync::client::{merge_pulled, needs_push, Outgoing, OutgoingDoc};
use stallside_shared::sync::session::{Effect, Limits, Phase, Session, SessionError};
use stallside_shared::sync::wire::{DeviceReport, Event, EventPush, SyncRequest, SyncResponse};
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::state::AppState;
use crate::store::{self, DocWrite, LocalRecord, StoreError, StoredDoc};

/// Time between syncs when all is well.
const INTERVAL_MS: u64 = 30_000;

/// Why a sync stopped.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SyncFailure {
    /// The server could not be reached or refused.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The phone's storage failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The session was driven out of order (a bug in this driver).
    #[error("{0}")]
    Session(#[from] SessionError),
}

/// Starts the background loop (once per page).
pub fn start(state: AppState) {
    let online = Closure::<dyn FnMut()>::new(move || state.kick_sync());
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    }
    online.forget();
    leptos::task::spawn_local(async move {
        let mut failures = 0u32;
        loop {
            let kick = state.sync_kick.get_untracked();
            let wait = match run(state).await {
                Ok(()) => {
                    failures = 0;
                    INTERVAL_MS
                }
                Err(SyncFailure::Api(ApiError::SignedOut)) => INTERVAL_MS,
                // No network at all is not a failing server: wait for the `online` event (or
                // the interval) without growing the backoff.
                Err(_) if !browser_online() => INTERVAL_MS,
                Err(_) => {
                    failures += 1;
                    retry_delay_ms(failures, js_sys::Math::random())
                }
            };
            // A kick (signal back, a save, the button) is a reason to try at once and afresh.
            if wait_for(state, wait, kick).await {
                failures = 0;
            }
        }
    });
}

/// One full sync: push everything unacknowledged and pull every page; updates the status bar.
pub async fn run(state: AppState) -> Result<(), SyncFailure> {
    // Only volunteers keep records on the device; the other roles' screens work online.
    let Some(session) = state
        .session
        .get_untracked()
        .filter(|s| s.user.role == Role::Volunteer)
    else {
        return Ok(());
    };
    if state.signed_out.get_untracked() {
        return Err(ApiError::SignedOut.into());
    }
    state.sync.update(|s| s.running = true);
    let result = sync_all(state, &session.token, &session.user.id).await;
    state.sync.update(|s| {
        s.running = false;
        match &result {
            Ok(()) => {
                s.last_error = None;
                s.last_success_ms = Some(now_ms());
            }
            Err(e) => s.last_error = Some(e.to_string()),
        }
    });
    if matches!(result, Err(SyncFailure::Api(ApiError::SignedOut))) {
        state.signed_out.set(true);
    }
    result
}

/// What this phone holds that the server has not acknowledged, and its version.
fn device_report(state: &AppState) -> DeviceReport {
    DeviceReport {
        unsynced: state
            .records
            .with_untracked(|all| all.iter().filter(|r| needs_push(&r.sync, &r.heads)).count())
            .try_into()
            .unwrap_or(u32::MAX),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// Drives one shared [`Session`] over `fetch` and IndexedDB: offers it the signed-in
/// volunteer's records that may need pushing, sends what it asks, stores what it returns.
async fn sync_all(state: AppState, token: &str, user_id: &str) -> Result<(), SyncFailure> {
    let store = store::get().await?;
    // Each volunteer's pulls have a cursor of their own: on a phone shared at a stall, one
    // volunteer's pull moves past changes to another's records (a supervisor's outcome),
    // which that volunteer's next pull must still ask for.
    let phone = Phone {
        state,
        store: &store,
        token,
        user_id,
        cursor_key: format!("cursor:{user_id}"),
    };
    let cursor: u64 = match store.meta(&phone.cursor_key).await? {
        Some(cursor) => cursor,
        None => {
            // The cursor a phone from before kept for everyone goes with this volunteer's
            // first pull, which starts from 0.
            store.delete_meta("cursor").await?;
            0
        }
    };
    let limits = Limits::default();
    let mut session = Session::new(cursor, limits);
    let report = device_report(&state);
    if report.unsynced > 0 {
        // Said before the upload, which a weak signal may cut: the coordinator then still
        // sees what this phone holds. A failure here shows in the sync that follows.
        let _ = api::post_empty("/api/devices/report", Some(token), &report).await;
    }
    // Stalls started and debriefs filed here ride on the first request of the sync.
    let mut event_push = state.phone_events.with_untracked(|e| e.outgoing());
    // A push sent ahead of the answer to the request out: its records and its answer to come.
    let mut ahead: Option<(HashSet<Uuid>, Answer)> = None;
    let mut first = true;
    loop {
        let sending_ahead = ahead
            .as_ref()
            .map(|(ids, _)| ids.clone())
            .unwrap_or_default();
        let mut batch = phone.batch(limits.batch, &sending_ahead).await?;
        let Some(mut request) = session.poll_request(batch.outgoing()) else {
            match ahead.take() {
                // Nothing else to send until the push ahead is answered (or lost).
                Some((_, answer)) => {
                    phone.take_ahead(&mut session, answer).await?;
                    continue;
                }
                None => break,
            }
        };
        // What the phone holds rides on the session's first request only: the server counts
        // it down with every request after.
        if first {
            request.device = Some(device_report(&state));
            first = false;
        }
        request.events = std::mem::take(&mut event_push);
        let sent = request.events.clone();
        let in_flight: HashSet<Uuid> = request.push.iter().map(|p| p.id).collect();
        let answer = send_early(token, request).await;
        // While this request is out, the push sent ahead of the last one is taken, and the
        // next batch goes ahead of this one's answer (read only when it may go).
        if let Some((_, earlier)) = ahead.take() {
            phone.take_ahead(&mut session, earlier).await?;
        }
        if session.may_push_ahead() {
            let mut next = phone.batch(limits.batch, &in_flight).await?;
            if let Some(request) = session.push_ahead(next.outgoing()) {
                let ids = request.push.iter().map(|p| p.id).collect();
                ahead = Some((ids, send_early(token, request).await));
            }
        }
        let response = answer.await.inspect_err(|_| session.handle_lost())?;
        phone.take_pages(&mut session, response, sent).await?;
    }
    if session.phase() == Phase::Stopped {
        erase_phone(state, &store).await?;
    }
    Ok(())
}

/// What one sync works with: the app, its store, who is signed in and where their cursor is
/// kept.
struct Phone<'a> {
    state: AppState,
    store: &'a store::Store,
    token: &'a str,
    user_id: &'a str,
    cursor_key: String,
}

impl Phone<'_> {
    /// Takes the answer to a main request and every page the session asks for after it. Each
    /// further page is fetched while the one before it is committed: a new phone's first pull
    /// is otherwise round trips and IndexedDB commits in series.
    async fn take_pages(
        &self,
        session: &mut Session,
        mut response: SyncResponse,
        mut sent: Vec<EventPush>,
    ) -> Result<(), SyncFailure> {
        loop {
            let effects = session.handle_response(&response)?;
            let next = session.prefetch();
            let storing = async {
                self.apply(effects).await?;
                settle_events(self.state, self.store, &sent, &response).await
            };
            let fetching = async {
                match next {
                    Some(request) => Some(send_early(self.token, request).await.await),
                    None => None,
                }
            };
            let (stored, fetched) = futures::future::join(storing, fetching).await;
            if let Err(e) = stored {
                // The page did not commit: the one fetched after it is not taken either.
                session.handle_lost();
                return Err(e);
            }
            let Some(page) = fetched else {
                return Ok(());
            };
            response = page.inspect_err(|_| session.handle_lost())?;
            session.stored();
            sent = Vec::new();
        }
    }

    /// Takes the answer to a push sent ahead and stores what it says; a lost one leaves its
    /// records to go again.
    async fn take_ahead(&self, session: &mut Session, answer: Answer) -> Result<(), SyncFailure> {
        match answer.await {
            Ok(response) => {
                let effects = session.handle_ahead_response(&response)?;
                self.apply(effects).await
            }
            Err(_) => {
                session.handle_ahead_lost();
                Ok(())
            }
        }
    }

    /// The signed-in volunteer's next batch, leaving out the records in a request still out.
    async fn batch(&self, size: usize, in_flight: &HashSet<Uuid>) -> Result<Batch, SyncFailure> {
        Batch::load(self.state, self.store, self.user_id, size, in_flight).await
    }

    /// Stores one answer's effects, the cursor under this volunteer's key.
    async fn apply(&self, effects: Vec<Effect>) -> Result<(), SyncFailure> {
        apply(self.state, self.store, &self.cursor_key, effects).await
    }
}

/// A sync request's answer to come.
type Answer = std::pin::Pin<Box<dyn std::future::Future<Output = Result<SyncResponse, ApiError>>>>;

/// Sends a sync request and returns its answer to await later. The fetch is started before
/// this returns (the browser completes it whether or not the answer is being awaited), so the
/// phone can build the next batch meanwhile.
async fn send_early(token: &str, request: SyncRequest) -> Answer {
    let token = token.to_owned();
    let mut answer: Answer =
        Box::pin(async move { api::post("/api/sync", Some(&token), &request).await });
    match futures::poll!(answer.as_mut()) {
        std::task::Poll::Ready(result) => Box::pin(futures::future::ready(result)),
        std::task::Poll::Pending => answer,
    }
}

/// The next records that may need pushing, with their documents read from the store: the
/// session's candidates for one request.
struct Batch {
    records: HashMap<Uuid, LocalRecord>,
    docs: HashMap<Uuid, StoredDoc>,
}

impl Batch {
    /// Up to `batch` of this user's records with changes the server lacks, leaving out those
    /// in a request still out.
    async fn load(
        state: AppState,
        store: &store::Store,
        user_id: &str,
        batch: usize,
        in_flight: &HashSet<Uuid>,
    ) -> Result<Batch, SyncFailure> {
        let records: HashMap<Uuid, LocalRecord> = state.records.with_untracked(|all| {
            all.iter()
                .filter(|r| {
                    r.summary.volunteer_id == user_id
                        && !in_flight.contains(&r.id)
                        && needs_push(&r.sync, &r.heads)
                })
                .take(batch)
                .map(|r| (r.id, r.clone()))
                .collect()
        });
        let ids: Vec<Uuid> = records.keys().copied().collect();
        let docs = store.outgoing_docs(&ids).await?;
        Ok(Batch { records, docs })
    }

    /// The batch as the session takes it.
    fn outgoing(&mut self) -> impl Iterator<Item = Outgoing<'_>> {
        let records = &self.records;
        self.docs.iter_mut().filter_map(move |(id, doc)| {
            let r = records.get(id)?;
            let doc = match doc {
                StoredDoc::Loaded(doc) => OutgoingDoc::Loaded(doc),
                StoredDoc::Saved { bytes, heads } => OutgoingDoc::Saved {
                    bytes,
                    heads: heads.clone(),
                },
            };
            Some(Outgoing {
                id: *id,
                doc,
                state: &r.sync,
                contact: r.contact.clone(),
            })
        })
    }
}

/// A coordinator stopped this phone (lost or stolen) and it has sent what it held: erase its
/// records, drafts and session, and give it a new identity, so whoever holds it finds nothing.
async fn erase_phone(state: AppState, store: &store::Store) -> Result<(), SyncFailure> {
    let _guard = store::write_lock().await;
    store.erase_all().await?;
    store::draft::forget_all();
    let device = crate::state::new_device(store).await?;
    state.device.set(Some(device));
    state.records.set(Vec::new());
    state.events.set(Vec::new());
    state.phone_events.set(Default::default());
    state.stall.set(None);
    state.session.set(None);
    state.stopped.set(true);
    state.screen.set(crate::state::Screen::SignIn);
    Ok(())
}

/// Stores one response's effects in one transaction, under the write lock, starting from the
/// records as they are now (a check saved during the round trip is not overwritten).
async fn apply(
    state: AppState,
    store: &store::Store,
    cursor_key: &str,
    effects: Vec<Effect>,
) -> Result<(), SyncFailure> {
    let _guard = store::write_lock().await;
    let touched: HashSet<Uuid> = effects.iter().filter_map(Effect::record).collect();
    let current: HashMap<Uuid, LocalRecord> = state.records.with_untracked(|all| {
        all.iter()
            .filter(|r| touched.contains(&r.id))
            .map(|r| (r.id, r.clone()))
            .collect()
    });
    let held = store.doc_ids().await?;
    let mut updated: HashMap<Uuid, (LocalRecord, DocWrite)> = HashMap::new();
    let mut erased: Vec<Uuid> = Vec::new();
    let mut events = state.events.get_untracked();
    let mut settings = None;
    let mut meta: Vec<(&str, String)> = Vec::new();
    for effect in effects {
        match &effect {
            Effect::Acknowledged { id, .. } | Effect::Rejected { id, .. } => {
                if let Some(mut entry) = latest(&updated, &current, *id) {
                    effect.update_record(&mut entry.sync, &mut entry.contact);
                    let doc = updated.remove(id).and_then(|(_, d)| d);
                    updated.insert(*id, (entry, doc));
                }
            }
            // A record the phone has never held (a new phone's first pull): the server's bytes
            // are kept as they came, with no read of the store, no merge and no re-encoding;
            // with the server's summary beside them the document is not even decoded.
            Effect::Merge {
                id,
                doc,
                server_heads,
                summary,
            } if !held.contains(id) && !updated.contains_key(id) => {
                let (mut sync, mut contact) = Default::default();
                effect.update_record(&mut sync, &mut contact);
                let entry = match summary {
                    Some(summary) => LocalRecord {
                        id: *id,
                        heads: server_heads.clone(),
                        sync,
                        contact,
                        summary: summary.clone(),
                    },
                    None => {
                        let mut pulled =
                            RecordDoc::load(doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        LocalRecord::describe(*id, &mut pulled, sync, contact)?
                    }
                };
                updated.insert(*id, (entry, Some(doc.clone())));
            }
            Effect::Merge { id, doc, .. } => {
                let before = latest(&updated, &current, *id);
                let local = match updated.get(id).and_then(|(_, d)| d.clone()) {
                    Some(bytes) => Some(
                        RecordDoc::load(&bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    ),
                    None => store.doc(*id).await?,
                };
                let mut merged =
                    merge_pulled(local, doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let (mut sync, mut contact) =
                    before.map(|r| (r.sync, r.contact)).unwrap_or_default();
                effect.update_record(&mut sync, &mut contact);
                let entry = LocalRecord::describe(*id, &mut merged, sync, contact)?;
                updated.insert(*id, (entry, Some(merged.save_uncompressed())));
            }
            Effect::Erase { id } => {
                updated.remove(id);
                erased.push(*id);
            }
            Effect::Events(changed) => {
                for event in changed {
                    upsert_event(&mut events, event.clone());
                }
            }
            Effect::Settings(new) => settings = Some(*new),
            Effect::Cursor(cursor) => meta.push((cursor_key, cursor.to_string())),
        }
    }
    meta.push(("events", serde_json::to_string(&events).unwrap_or_default()));
    if let Some(settings) = &settings {
        meta.push((
            "settings",
            serde_json::to_string(settings).unwrap_or_default(),
        ));
    }
    let writes: Vec<(LocalRecord, DocWrite)> = updated.into_values().collect();
    store.write(&writes, &erased, &meta).await?;
    state.put_records(writes.into_iter().map(|(entry, _)| entry));
    state.drop_records(&erased);
    state.events.set(events);
    if let Some(settings) = settings {
        state.settings.set(settings);
    }
    Ok(())
}

/// Applies the server's answers to the events the phone sent, and the plans it pulled (a
/// coordinator's correction or cancellation of a stall started here, or of today's stall).
async fn settle_events(
    state: AppState,
    store: &store::Store,
    sent: &[EventPush],
    response: &SyncResponse,
) -> Result<(), SyncFailure> {
    if sent.is_empty() && response.events.is_empty() {
        return Ok(());
    }
    let _guard = store::write_lock().await;
    state.phone_events.update(|e| {
        e.settle(sent, &response.event_results);
        for event in &response.events {
            e.learn(event);
        }
    });
    if let Some(stall) = state.stall.get_untracked() {
        // Only a changed plan redraws the stall screen (and the debrief being typed on it).
        let changed = |e: &&stallside_shared::sync::wire::Event| {
            e.id == stall.id && Plan::of(e) != Plan::of(&stall)
        };
        if let Some(now) = response.events.iter().find(changed) {
            state.stall.set(Some(now.clone()));
            store.set_meta("stall", now).await?;
        }
    }
    store
        .set_meta(
            crate::state::PHONE_EVENTS,
            &state.phone_events.get_untracked(),
        )
        .await?;
    Ok(())
}

fn latest(
    updated: &HashMap<Uuid, (LocalRecord, DocWrite)>,
    current: &HashMap<Uuid, LocalRecord>,
    id: Uuid,
) -> Option<LocalRecord> {
    updated
        .get(&id)
        .map(|(entry, _)| entry.clone())
        .or_else(|| current.get(&id).cloned())
}

/// Adds or replaces an event by id.
pub fn upsert_event(events: &mut Vec<Event>, event: Event) {
    match events.iter_mut().find(|e| e.id == event.id) {
        Some(existing) => *existing = event,
        None => events.push(event),
    }
}

thread_local! {
    /// Resolves the sync loop's current wait early: set while it waits, taken by [`wake`].
    static WAKE: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Ends the sync loop's wait at once (the sync was kicked), rather than at its next check:
/// a sign-in's first pull, or a save's push, starts without a timer's delay.
pub fn wake() {
    if let Some(resolve) = WAKE.with(|w| w.borrow_mut().take()) {
        let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
    }
}

/// Waits `ms`, or less if the sync is kicked; says whether it was kicked.
async fn wait_for(state: AppState, ms: u64, kick: u32) -> bool {
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
        WAKE.with(|w| *w.borrow_mut() = Some(resolve));
    });
    if state.sync_kick.get_untracked() == kick {
        let _ = wasm_bindgen_futures::JsFuture::from(timer).await;
    }
    WAKE.with(|w| w.borrow_mut().take());
    state.sync_kick.get_untracked() != kick
}

/// What the browser says about the network.
fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// A timer as a future.
pub async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
