//! Coordinators' view of the audit trail: who signed in, synced, exported, read a contact
//! number or stopped a phone, among the people of their boroughs; filtered by action, and
//! downloaded as CSV.

use leptos::prelude::*;
use stallside_shared::api::AuditEntry;
use stallside_shared::calendar::date;

use super::{failure_text, token, Notice};
use crate::api;
use crate::components::time_of_day;
use crate::state::app_state;

/// The actions a coordinator filters by: code and words.
const ACTIONS: &[(&str, &str)] = &[
    ("login", "Signed in"),
    ("login_failed", "Sign-in refused"),
    ("sync", "Synced"),
    ("export", "Exported"),
    ("contact_read", "Read a contact number"),
    ("account_change", "Changed an account"),
    ("event_change", "Changed an event"),
    ("device_stop", "Stopped a phone"),
    ("flag_release", "Released a flag"),
];

/// The audit trail screen.
#[component]
pub fn AuditScreen() -> impl IntoView {
    let state = app_state();
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let notice = RwSignal::new(None::<String>);
    let action = RwSignal::new(String::new());
    let query = move || {
        let chosen = action.get_untracked();
        if chosen.is_empty() {
            String::new()
        } else {
            format!("?action={chosen}")
        }
    };
    let load = move || {
        let url = format!("/api/audit{}", query());
        leptos::task::spawn_local(async move {
            match api::get::<Vec<AuditEntry>>(&url, token(&state).as_deref()).await {
                Ok(list) => entries.set(list),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    load();
    let export = move |_| {
        let url = format!("/api/audit.csv{}", query());
        let Some(t) = token(&state) else { return };
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download(&url, &t).await {
                notice.set(Some(failure_text(&state, &e)));
            }
        });
    };
    let label = |code: &str| {
        ACTIONS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code.to_owned(), |(_, words)| (*words).to_owned())
    };
    view! {
        <h1>"Audit trail"</h1>
        <p class="nhsuk-body">"What the people of your boroughs did in Stallside, newest first."</p>
        <Notice message=notice />
        <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="audit-action">"Action"</label>
            <select class="nhsuk-select" id="audit-action" on:change=move |ev| { action.set(event_target_value(&ev)); load(); }>
                <option value="">"Any"</option>
                {ACTIONS.iter().map(|(code, words)| view! { <option value=*code>{*words}</option> }).collect_view()}
            </select>
        </div>
        <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=export>"Download as CSV"</button>
        <table class="nhsuk-table">
            <caption class="nhsuk-table__caption">"Audit trail"</caption>
            <thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
                <th class="nhsuk-table__header" scope="col">"When"</th>
                <th class="nhsuk-table__header" scope="col">"Who"</th>
                <th class="nhsuk-table__header" scope="col">"What"</th>
                <th class="nhsuk-table__header" scope="col">"Detail"</th>
            </tr></thead>
            <tbody class="nhsuk-table__body">
                {move || entries.get().into_iter().map(|e| view! {
                    <tr class="nhsuk-table__row" data-testid="audit-row">
                        <td class="nhsuk-table__cell">{format!("{} {}", date(e.at_ms), time_of_day(e.at_ms))}</td>
                        <td class="nhsuk-table__cell">{e.who.clone().unwrap_or_default()}</td>
                        <td class="nhsuk-table__cell">{label(&e.action)}</td>
                        <td class="nhsuk-table__cell">{e.detail.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
