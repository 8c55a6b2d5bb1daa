//! After (and during) a stall: the conversations tally and the volunteer's debrief, kept on
//! the phone as they are tapped and typed, and sent with the next sync
//! ([`stallside_shared::events::PhoneEvents`]).

use leptos::prelude::*;
use stallside_shared::clock::now_ms;
use stallside_shared::events::{EventKind, PhoneEvents};

use crate::components::{problem_for, ErrorSummary, Problem, TextField};
use crate::state::{app_state, AppState, PHONE_EVENTS};
use crate::store;

/// Changes the phone's events and stores them at once, so a tap survives the phone dying.
pub fn change_events(state: AppState, change: impl FnOnce(&mut PhoneEvents)) {
    state.phone_events.update(change);
    let events = state.phone_events.get_untracked();
    leptos::task::spawn_local(async move {
        let _guard = store::write_lock().await;
        match store::get().await {
            Ok(store) => {
                if let Err(e) = store.set_meta(PHONE_EVENTS, &events).await {
                    state.storage_error.set(Some(e.to_string()));
                }
            }
            Err(e) => state.storage_error.set(Some(e.to_string())),
        }
    });
}

/// Conversations without a check: big − and + buttons for today's stall.
#[component]
pub fn ConversationTally() -> impl IntoView {
    let state = app_state();
    let id = move || state.stall.with(|s| s.as_ref().map(|s| s.id.clone()));
    let count = move || {
        id().map_or(0, |id| {
            state.phone_events.with(|e| e.debrief(&id).conversations)
        })
    };
    let tap = move |delta: i32| {
        if let Some(id) = id() {
            change_events(state, |e| e.tally(&id, now_ms(), delta));
        }
    };
    view! {
        <div class="stallside-tally" role="group" aria-labelledby="tally-label">
            <p class="nhsuk-body nhsuk-u-margin-bottom-1" id="tally-label">"Conversations without a check"</p>
            <div class="stallside-tally__row">
                <button class="nhsuk-button nhsuk-button--secondary stallside-tally__button" type="button"
                    aria-label="One fewer conversation" on:click=move |_| tap(-1)>"−"</button>
                <output class="stallside-tally__count" data-testid="tally" aria-live="polite">{count}</output>
                <button class="nhsuk-button stallside-tally__button" type="button"
                    aria-label="One more conversation" on:click=move |_| tap(1)>"+"</button>
            </div>
        </div>
    }
}

/// The debrief of today's stall: footfall, leaflets, a workshop's attendance, kit, a note.
#[component]
pub fn DebriefForm() -> impl IntoView {
    let state = app_state();
    let Some(stall) = state.stall.get_untracked() else {
        return ().into_any();
    };
    let held = state.phone_events.with_untracked(|e| e.debrief(&stall.id));
    let number = |n: Option<u32>| RwSignal::new(n.map(|n| n.to_string()).unwrap_or_default());
    let footfall = number(held.footfall);
    let leaflets = number(Some(held.leaflets).filter(|n| *n > 0));
    let attendance = number(held.attendance);
    let kit_used = RwSignal::new(held.kit_used);
    let note = RwSignal::new(held.note);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let saved = RwSignal::new(false);
    let workshop = stall.kind == EventKind::Workshop;
    let id = stall.id.clone();
    let refused = move || {
        let id = id.clone();
        state.phone_events.with(|e| {
            e.entries
                .iter()
                .find(|entry| entry.id == id)
                .and_then(|entry| entry.refused.clone())
        })
    };
    let save = move |_| {
        let mut found = Vec::new();
        let mut read = |field: &'static str, label: &str, value: RwSignal<String>| {
            let text = value.get_untracked();
            if text.trim().is_empty() {
                return None;
            }
            let parsed = text.trim().parse::<u32>().ok();
            if parsed.is_none() {
                found.push(Problem::new(
                    field,
                    format!("{label}: enter a whole number, 0 or more"),
                ));
            }
            parsed
        };
        let footfall = read("debrief-footfall", "People who passed", footfall);
        let leaflets = read("debrief-leaflets", "Leaflets given", leaflets);
        let attendance = read("debrief-attendance", "People at the workshop", attendance);
        problems.set(found.clone());
        if !found.is_empty() {
            return;
        }
        let (kit_used, note) = (kit_used.get_untracked(), note.get_untracked());
        let id = stall.id.clone();
        change_events(state, move |e| {
            e.edit_debrief(&id, now_ms(), |d| {
                d.footfall = footfall;
                d.leaflets = leaflets.unwrap_or(0);
                d.attendance = attendance;
                d.kit_used = kit_used.trim().to_owned();
                d.note = note.trim().to_owned();
            });
        });
        saved.set(true);
        state.kick_sync();
    };
    view! {
        <h2>"Debrief"</h2>
        <p class="nhsuk-body">"For your coordinator, after the stall. It is kept on this phone and sent when there is signal."</p>
        <ErrorSummary problems=problems.into() />
        <TextField label="About how many people passed the stall" id="debrief-footfall" value=footfall numeric=true width="4"
            error=problem_for(problems.into(), "debrief-footfall") />
        <TextField label="Leaflets given" id="debrief-leaflets" value=leaflets numeric=true width="4"
            error=problem_for(problems.into(), "debrief-leaflets") />
        {workshop.then(|| view! {
            <TextField label="People at the workshop" id="debrief-attendance" value=attendance numeric=true width="4"
                error=problem_for(problems.into(), "debrief-attendance") />
        })}
        <TextField label="Kit used" id="debrief-kit" value=kit_used hint="For example: 2 cuffs, 4 batteries" />
        <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="debrief-note">"Note for your coordinator"</label>
            <textarea class="nhsuk-textarea" id="debrief-note" name="debrief-note" rows="3"
                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
        </div>
        <button class="nhsuk-button" type="button" on:click=save>"Save debrief"</button>
        {move || saved.get().then(|| view! { <p class="nhsuk-body-s" role="status" data-testid="debrief-saved">"Debrief saved on this phone."</p> })}
        {move || refused().map(|reason| view! { <p class="nhsuk-body-s" role="status" data-testid="debrief-refused">{reason}</p> })}
    }
    .into_any()
}
