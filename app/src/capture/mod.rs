//! The capture flow: consent, readings (with the protocol's prompts), red-flag questions, the
//! triage result at once and the person's "your numbers" screen, then the rest of the record,
//! and a save that says "saved" only once IndexedDB has committed it.

mod area;
pub mod draft;
mod steps;

use leptos::prelude::*;
use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ChangeMeta, RecordDoc};
use stallside_shared::record::CheckRecord;
use stallside_shared::sync::client::SyncState;
use stallside_shared::sync::judge::Policy;
use stallside_shared::sync::wire::ContactDetails;
use stallside_shared::triage::{assess, TriageInput};
use uuid::Uuid;

use crate::components::{ErrorSummary, Problem};
use crate::state::{app_state, AppState, Screen};
use crate::store::{self, LocalRecord};
use draft::{Context, Draft};
pub use steps::Step;

/// How long after taking a check a volunteer may correct it (the server's default).
pub fn edit_window_ms() -> i64 {
    Policy::default().edit_window_ms
}

/// The whole flow for one check; `correcting` is a saved check to change.
#[component]
pub fn CheckForm(correcting: Option<Uuid>) -> impl IntoView {
    let state = app_state();
    let draft = RwSignal::new(Draft::new());
    let step = RwSignal::new(if correcting.is_some() {
        Step::Readings
    } else {
        Step::Consent
    });
    let problems = RwSignal::new(Vec::<Problem>::new());
    let saved = RwSignal::new(None::<Uuid>);
    let saving = RwSignal::new(false);
    let original = StoredValue::new(None::<CheckRecord>);
    // A correction's form is drawn only once the saved check is loaded into the draft.
    let ready = RwSignal::new(correcting.is_none());

    if let Some(id) = correcting {
        leptos::task::spawn_local(async move {
            let loaded = match store::get().await {
                Ok(store) => store
                    .doc(id)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|d| d.record().ok()),
                Err(_) => None,
            };
            match loaded {
                Some(record) => {
                    draft.set(Draft::from_check(&record.check));
                    original.set_value(Some(record));
                    ready.set(true);
                }
                None => problems.set(vec![Problem::new(
                    "maincontent",
                    "That check could not be opened",
                )]),
            }
        });
    }

    let go = move |next: Step| {
        problems.set(Vec::new());
        step.set(next);
        scroll_to_top();
    };
    let next = Callback::new(move |()| {
        match steps::advance(step.get_untracked(), draft, state.settings.get_untracked()) {
            Ok(next) => go(next),
            Err(found) => {
                problems.set(found);
                scroll_to_top();
            }
        }
    });
    let back = Callback::new(move |()| {
        go(steps::previous(
            step.get_untracked(),
            &draft.get_untracked(),
        ))
    });
    let save = Callback::new(move |()| {
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            match save_check(
                state,
                draft.get_untracked(),
                correcting,
                original.get_value(),
            )
            .await
            {
                Ok(id) => {
                    saved.set(Some(id));
                    state.kick_sync();
                }
                Err(found) => problems.set(found),
            }
            saving.set(false);
            scroll_to_top();
        });
    });
    let again = Callback::new(move |()| {
        draft.set(Draft::new());
        saved.set(None);
        go(Step::Consent);
        state.screen.set(Screen::Capture(None));
    });

    view! {
        {move || match saved.get() {
            Some(id) => view! { <SavedPanel id=id again=again /> }.into_any(),
            None if !ready.get() => view! {
                <ErrorSummary problems=problems.into() />
                <p class="nhsuk-body">"Opening the check…"</p>
            }
            .into_any(),
            None => view! {
                <ErrorSummary problems=problems.into() />
                {move || steps::render(step.get(), draft, problems, next, back, save, saving, correcting.is_some())}
            }
            .into_any(),
        }}
    }
}

/// Shown once the browser has committed the check.
#[component]
fn SavedPanel(id: Uuid, again: Callback<()>) -> impl IntoView {
    let state = app_state();
    let band = move || {
        state
            .records
            .with(|all| {
                all.iter()
                    .find(|r| r.id == id)
                    .map(|r| r.summary.band.label())
            })
            .unwrap_or_default()
    };
    view! {
        <div class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="saved-title" data-testid="saved">
            <div class="nhsuk-notification-banner__header">
                <h2 class="nhsuk-notification-banner__title" id="saved-title">"Saved"</h2>
            </div>
            <div class="nhsuk-notification-banner__content">
                <p class="nhsuk-notification-banner__heading">"Check saved on this phone"</p>
                <p class="nhsuk-body">"Result: " {band} ". It will be sent to the server when there is signal."</p>
            </div>
        </div>
        <button class="nhsuk-button" type="button" on:click=move |_| again.run(())>"Record another check"</button>
        <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| state.screen.set(Screen::Records)>
            "See checks"
        </button>
    }
}

/// Builds, stores and indexes the check; resolves once IndexedDB has committed it.
async fn save_check(
    state: AppState,
    draft: Draft,
    correcting: Option<Uuid>,
    original: Option<CheckRecord>,
) -> Result<Uuid, Vec<Problem>> {
    let started = now_ms();
    let fail = |m: &str| vec![Problem::new("maincontent", m)];
    let session = state
        .session
        .get_untracked()
        .ok_or_else(|| fail("Sign in to save checks"))?;
    let settings = state.settings.get_untracked();
    let context = match &original {
        Some(record) => Context {
            event_id: record.check.event_id.clone(),
            venue_type: record.check.venue_type,
            borough: record.check.borough.clone(),
            volunteer_id: record.check.volunteer_id.clone(),
            recorded_at_ms: record.check.recorded_at_ms,
        },
        None => {
            let stall = state
                .stall
                .get_untracked()
                .ok_or_else(|| fail("Choose today's stall first"))?;
            Context {
                event_id: stall.id,
                venue_type: stall.venue_type,
                borough: stall.borough,
                volunteer_id: session.user.id.clone(),
                recorded_at_ms: now_ms(),
            }
        }
    };
    let check = draft.to_check(&context)?;
    let assessment = assess(&TriageInput::from_check(&check), &settings);
    let contact = draft
        .contact(assessment.is_flagged())
        .map_err(|p| vec![p])?
        .map(|phone| ContactDetails { phone });
    // A number already given stays only while the reading is flagged and consent stands.
    let keep_previous = assessment.is_flagged() && check.consent_to_contact;
    let storage = |e: &dyn std::fmt::Display| {
        fail(&format!("The check could not be saved on this phone: {e}"))
    };

    let _guard = store::write_lock().await;
    let store = store::get().await.map_err(|e| storage(&e))?;
    let meta = ChangeMeta {
        actor: store
            .actor_for(&session.user.id)
            .await
            .map_err(|e| storage(&e))?,
        time_secs: now_secs(),
    };
    let (id, mut doc, sync, previous_contact) = match correcting {
        Some(id) => {
            let mut doc = store
                .doc(id)
                .await
                .map_err(|e| storage(&e))?
                .ok_or_else(|| fail("That check is no longer on this phone"))?;
            doc.write_check(&check, &meta).map_err(|e| storage(&e))?;
            let existing = state
                .records
                .with_untracked(|all| all.iter().find(|r| r.id == id).cloned());
            let (sync, contact) = existing.map(|r| (r.sync, r.contact)).unwrap_or_default();
            (id, doc, sync, contact)
        }
        None => {
            let id = Uuid::new_v4();
            let record = CheckRecord::new(id, check, assessment.is_flagged());
            let doc = RecordDoc::create(&record, &meta).map_err(|e| storage(&e))?;
            (id, doc, SyncState::default(), None)
        }
    };
    let contact = contact.or(previous_contact.filter(|_| keep_previous));
    let entry = LocalRecord::describe(id, &mut doc, sync, contact).map_err(|e| storage(&e))?;
    store
        .write(&[(entry.clone(), Some(doc.save()))], &[])
        .await
        .map_err(|e| storage(&e))?;
    record_save_time(now_ms() - started);
    state.put_records([entry]);
    Ok(id)
}

/// Keeps the save times (ms, from pressing Save to IndexedDB's commit) on `window.stallsideSaveTimes` for the browser benchmark.
fn record_save_time(ms: i64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    use wasm_bindgen::JsCast;
    let key = wasm_bindgen::JsValue::from_str("stallsideSaveTimes");
    let list = match js_sys::Reflect::get(&window, &key)
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
    {
        Some(list) => list,
        None => {
            let list = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &list);
            list
        }
    };
    list.push(&wasm_bindgen::JsValue::from_f64(ms as f64));
}

fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}
