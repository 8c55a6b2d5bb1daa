//! The capture flow: consent, the red-flag symptoms before any reading, the questions asked
//! while the person rests and the readings (with the protocol's prompts), the result with
//! contact for a flagged reading straight after it, "Check your answers", and a save that says
//! "saved" only once IndexedDB has committed it; then the person's own screen.
//!
//! The check being filled in is kept on the phone as the volunteer goes and restored after a
//! reload, the browser's back button, another tab or a restart.

mod answers;
mod area;
mod card;
pub mod draft;
mod person;
mod steps;
mod your_numbers;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ChangeMeta, RecordDoc};
use stallside_shared::record::CheckRecord;
use stallside_shared::sync::client::SyncState;
use stallside_shared::sync::wire::ContactDetails;
use stallside_shared::triage::{assess, TriageInput};
use uuid::Uuid;

use crate::components::{ErrorSummary, Problem};
use crate::state::{app_state, AppState, Screen};
use crate::store::{self, LocalRecord};
use draft::{Context, Draft};
use steps::Actions;
pub use steps::Step;
use your_numbers::YourNumbers;

/// A check part-way through, as kept on the phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct KeptDraft {
    /// The screen the volunteer was on.
    step: Step,
    /// The answers.
    draft: Draft,
}

/// A check just saved.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Saved {
    id: Uuid,
    /// Saved from the 999 screen with what there was.
    emergency: bool,
}

/// The whole flow for one check; `correcting` is a saved check to change.
#[component]
pub fn CheckForm(correcting: Option<Uuid>) -> impl IntoView {
    let state = app_state();
    let draft = RwSignal::new(Draft::new());
    let first_step = if correcting.is_some() {
        Step::About
    } else {
        Step::Consent
    };
    let step = RwSignal::new(first_step);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let saved = RwSignal::new(None::<Saved>);
    let saving = RwSignal::new(false);
    let original = StoredValue::new(None::<CheckRecord>);
    let restored = RwSignal::new(false);
    // The form is drawn once a kept draft (or the check to correct) is loaded.
    let ready = RwSignal::new(false);

    person::keep_languages_for_offline();
    let kept_as = store::draft::name_for(correcting);
    let name = kept_as.clone();
    leptos::task::spawn_local(async move {
        let kept = store::draft::load(&name)
            .await
            .and_then(|text| serde_json::from_str::<KeptDraft>(&text).ok());
        if let Some(id) = correcting {
            match load_check(id).await {
                Some(record) => {
                    draft.set(Draft::from_check(&record.check));
                    original.set_value(Some(record));
                }
                None => {
                    problems.set(vec![Problem::new(
                        "maincontent",
                        "That check could not be opened",
                    )]);
                    return;
                }
            }
        }
        if let Some(kept) = kept {
            draft.set(kept.draft);
            step.set(kept.step);
            restored.set(true);
        }
        ready.set(true);
        new_screen();
    });

    // Keep every change on the phone as the volunteer goes.
    Effect::new(move |_| {
        let current = KeptDraft {
            step: step.get(),
            draft: draft.get(),
        };
        if !ready.get() || saved.get().is_some() {
            return;
        }
        let started = current.draft.is_started() || correcting.is_some();
        state.check_in_progress.set(started);
        store::draft::keep(
            &kept_as,
            started
                .then(|| serde_json::to_string(&current).ok())
                .flatten(),
        );
    });
    on_cleanup(move || state.participant_view.set(false));

    let go = move |next: Step| {
        problems.set(Vec::new());
        restored.set(false);
        step.set(next);
        new_screen();
    };
    let forward = move |next: Step| {
        if next == step.get_untracked() {
            // Another reading on the same screen: to its prompt, not back to the top.
            problems.set(Vec::new());
            crate::focus_next_frame(|| crate::focus_first("[data-testid=reading-prompt]"));
            return;
        }
        push_history();
        go(next);
    };
    // The browser's back button goes back a screen, keeping every answer.
    let back_listener = window_event_listener(leptos::ev::popstate, move |_| {
        if saved.get_untracked().is_none() {
            go(steps::previous(
                step.get_untracked(),
                &draft.get_untracked(),
            ));
        }
    });
    on_cleanup(move || back_listener.remove());

    let next = Callback::new(move |()| {
        match steps::advance(step.get_untracked(), draft, state.settings.get_untracked()) {
            Ok(next) => forward(next),
            Err(found) => show_problems(problems, found),
        }
    });
    let back = Callback::new(move |()| {
        go(steps::previous(
            step.get_untracked(),
            &draft.get_untracked(),
        ))
    });
    let change = Callback::new(move |to: Step| forward(to));
    let save_with = move |emergency: bool| {
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            let result = save_check(
                state,
                draft.get_untracked(),
                correcting,
                original.get_value(),
                emergency,
            )
            .await;
            match result {
                Ok(id) => {
                    store::draft::keep(&store::draft::name_for(correcting), None);
                    state.check_in_progress.set(false);
                    saved.set(Some(Saved { id, emergency }));
                    state.participant_view.set(!emergency);
                    state.kick_sync();
                    new_screen();
                }
                Err(found) => show_problems(problems, found),
            }
            saving.set(false);
        });
    };
    let actions = Actions {
        next,
        back,
        change,
        save: Callback::new(move |()| save_with(false)),
        save_emergency: Callback::new(move |()| save_with(true)),
        saving,
    };
    let again = Callback::new(move |()| {
        state.participant_view.set(false);
        // After a correction the next check is a new one, opened afresh: resetting this form
        // would keep a blank draft under the corrected check's name.
        if correcting.is_none() {
            draft.set(Draft::new());
            saved.set(None);
            go(Step::Consent);
        }
        state.screen.set(Screen::Capture(None));
    });

    view! {
        {move || match saved.get() {
            Some(Saved { id, emergency: true }) => view! { <SavedPanel id=id again=again /> }.into_any(),
            Some(Saved { .. }) => view! { <PersonsScreen draft again=again /> }.into_any(),
            None if !ready.get() => view! {
                <ErrorSummary problems=problems.into() />
                <p class="nhsuk-body">"Opening the check…"</p>
            }
            .into_any(),
            None => view! {
                <ErrorSummary problems=problems.into() />
                {move || restored.get().then(|| view! {
                    <div class="nhsuk-inset-text" role="status" data-testid="restored">
                        <p>"Carrying on where you left off: your answers so far were kept on this phone."</p>
                    </div>
                })}
                {move || steps::render(step.get(), draft, problems, actions, correcting.is_some())}
            }
            .into_any(),
        }}
    }
}

/// Which stall this is, on every capture screen.
#[component]
fn StallName(correcting: bool) -> impl IntoView {
    let state = app_state();
    let name = move || match (correcting, state.stall.get()) {
        (true, _) => "Correcting a saved check".to_owned(),
        (false, Some(stall)) => stall.name,
        (false, None) => "No stall chosen".to_owned(),
    };
    view! { <p class="nhsuk-caption-m stallside-stall-name" data-testid="stall-name">{name}</p> }
}

/// After saving: the person's own screen, then on to the next check.
#[component]
fn PersonsScreen(draft: RwSignal<Draft>, again: Callback<()>) -> impl IntoView {
    view! {
        <YourNumbers draft />
        <p class="nhsuk-body-s" role="status" data-testid="saved">"Check saved on this phone."</p>
        <button class="nhsuk-button" type="button" on:click=move |_| again.run(())>"Next check"</button>
    }
}

/// Shown once the browser has committed a check saved from the 999 screen.
#[component]
fn SavedPanel(id: Uuid, again: Callback<()>) -> impl IntoView {
    let state = app_state();
    let band = move || {
        state
            .records
            .with(|all| {
                all.iter()
                    .find(|r| r.id == id)
                    .map(|r| r.summary.result_label())
            })
            .unwrap_or_default()
    };
    view! {
        <div class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="saved-title" data-testid="saved">
            <div class="nhsuk-notification-banner__header">
                <h1 class="nhsuk-notification-banner__title" id="saved-title">"Saved"</h1>
            </div>
            <div class="nhsuk-notification-banner__content">
                <p class="nhsuk-notification-banner__heading">"Check saved on this phone"</p>
                <p class="nhsuk-body">"Result: " {band} ". Finish the rest of the check later: open Checks and choose Correct."</p>
            </div>
        </div>
        <button class="nhsuk-button" type="button" on:click=move |_| again.run(())>"Record another check"</button>
        <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| state.screen.set(Screen::Records)>
            "See checks"
        </button>
    }
}

async fn load_check(id: Uuid) -> Option<CheckRecord> {
    let store = store::get().await.ok()?;
    store.doc(id).await.ok().flatten()?.record().ok()
}

/// Builds, stores and indexes the check; resolves once IndexedDB has committed it.
async fn save_check(
    state: AppState,
    draft: Draft,
    correcting: Option<Uuid>,
    original: Option<CheckRecord>,
    emergency: bool,
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
    let check = if emergency {
        draft.to_emergency_check(&context)?
    } else {
        draft.to_check(&context)?
    };
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
        .write(&[(entry.clone(), Some(doc.save_uncompressed()))], &[], &[])
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

/// The NHS error summary for what is wrong, with focus on it (it links to each field).
fn show_problems(problems: RwSignal<Vec<Problem>>, found: Vec<Problem>) {
    problems.set(found);
    crate::focus_next_frame(|| crate::focus_first(".nhsuk-error-summary"));
}

/// A new screen: to the top, and focus on its heading (never on the button pressed to get
/// there, which on the next screen would be a different button).
pub fn new_screen() {
    scroll_to_top();
    crate::focus_next_frame(crate::focus_heading);
}

/// Lets the browser's back button step back through the check.
fn push_history() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", None);
    }
}
