//! The whole check behind a flag (supervisors) or a review row (coordinators), opened in
//! place as an NHS details component and read from the server when first opened.

use leptos::prelude::*;
use stallside_shared::api::{AttemptView, HistoryEntry, RecordDetail};
use stallside_shared::validation::{phone_for_reading, phone_link};

use super::{failure_text, token};
use crate::api;
use crate::components::local_date_time;
use crate::state::app_state;

/// The check behind a flag or a review row, read when opened: every reading, what the person
/// said, the stall and the volunteer, the contact attempts so far, and who changed what.
/// `has_contact` is shown to supervisors only.
#[component]
pub fn RecordContext(id: String, has_contact: Option<bool>) -> impl IntoView {
    let state = app_state();
    let detail = RwSignal::new(None::<Result<RecordDetail, String>>);
    let history = RwSignal::new(Vec::<HistoryEntry>::new());
    let load = move |_| {
        if detail.get_untracked().is_some() {
            return;
        }
        let (url, history_url) = (
            format!("/api/records/{id}"),
            format!("/api/records/{id}/history"),
        );
        leptos::task::spawn_local(async move {
            let t = token(&state);
            let read = api::get::<RecordDetail>(&url, t.as_deref())
                .await
                .map_err(|e| failure_text(&state, &e));
            detail.set(Some(read));
            if let Ok(entries) = api::get::<Vec<HistoryEntry>>(&history_url, t.as_deref()).await {
                history.set(entries);
            }
        });
    };
    view! {
        <details class="nhsuk-details" on:toggle=load>
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"The check"</span></summary>
            <div class="nhsuk-details__text" data-testid="record-context">
                {move || detail.get().map(|read| match read {
                    Ok(d) => view! { <ContextList detail=d has_contact=has_contact /> }.into_any(),
                    Err(text) => view! { <p class="nhsuk-body-s">{text}</p> }.into_any(),
                })}
                {move || (!history.get().is_empty()).then(|| view! { <HistoryList entries=history.get() /> })}
            </div>
        </details>
    }
}

/// Who changed the record, oldest first.
#[component]
fn HistoryList(entries: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <h3 class="nhsuk-heading-xs">"History"</h3>
        <ol class="nhsuk-list" data-testid="history">
            {entries.into_iter().map(|e| {
                let who = match (e.who, e.role) {
                    (Some(name), Some(role)) => format!("{name}, {}", role.label().to_lowercase()),
                    _ => "Someone this server does not know".to_owned(),
                };
                view! {
                    <li class="nhsuk-body-s">{format!("{}: {who} changed {}", local_date_time(e.at_ms), e.fields.join(", "))}</li>
                }
            }).collect_view()}
        </ol>
    }
}

/// One attempt as listed: when (local time), who, and the result.
fn attempt_text(attempt: &AttemptView) -> String {
    let who = attempt
        .by
        .as_deref()
        .unwrap_or("Someone this server does not know");
    let result = if attempt.reached {
        "spoke to them"
    } else {
        "no answer"
    };
    format!("{}, {who}: {result}", local_date_time(attempt.at_ms))
}

/// The context as a summary list.
#[component]
fn ContextList(detail: RecordDetail, has_contact: Option<bool>) -> impl IntoView {
    let readings = detail
        .readings
        .iter()
        .map(|r| {
            let irregular = if r.irregular { ", irregular" } else { "" };
            format!(
                "{}/{} (pulse {}{irregular})",
                r.systolic, r.diastolic, r.pulse
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let or_none = |list: &[String]| {
        if list.is_empty() {
            "None".to_owned()
        } else {
            list.join(", ")
        }
    };
    let mut rows = vec![
        ("Readings", readings),
        ("Red flags", or_none(&detail.red_flags)),
        (
            "Low blood pressure symptoms",
            or_none(&detail.low_bp_symptoms),
        ),
        (
            "Known high blood pressure",
            detail.known_hypertension.clone(),
        ),
        ("Age", detail.age_band.clone()),
        ("Sex", detail.sex.clone()),
        (
            "Stall",
            detail
                .event_name
                .clone()
                .unwrap_or_else(|| "Started on a phone".into()),
        ),
    ];
    if let Some(held) = has_contact {
        let text = if held {
            "Held: claim the flag to see it"
        } else {
            "None: the person did not agree to be contacted"
        };
        rows.push(("Contact number", text.to_owned()));
    }
    let attempts = detail.attempts.clone();
    view! {
        <dl class="nhsuk-summary-list">
            {rows.into_iter().map(|(key, value)| view! {
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">{key}</dt>
                    <dd class="nhsuk-summary-list__value">{value}</dd>
                </div>
            }).collect_view()}
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Volunteer"</dt>
                <dd class="nhsuk-summary-list__value" data-testid="volunteer">
                    {detail.volunteer_name.clone().unwrap_or_default()}
                    {detail.volunteer_phone.clone().map(|number| view! {
                        " "<a class="nhsuk-link" href=phone_link(&number)>{phone_for_reading(&number)}<span class="nhsuk-u-visually-hidden">": call the volunteer"</span></a>
                    })}
                </dd>
            </div>
        </dl>
        <h3 class="nhsuk-heading-xs">"Contact attempts"</h3>
        {if attempts.is_empty() {
            view! { <p class="nhsuk-body-s">"None yet."</p> }.into_any()
        } else {
            view! {
                <ol class="nhsuk-list nhsuk-list--number" data-testid="attempts">
                    {attempts.into_iter().map(|a| view! {
                        <li>{attempt_text(&a)}</li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}
