//! The whole check behind a flag (supervisors) or a review row (coordinators), opened in
//! place as an NHS details component and read from the server when first opened.

use leptos::prelude::*;
use stallside_shared::api::RecordDetail;

use super::{failure_text, token};
use crate::api;
use crate::components::time_of_day;
use crate::state::app_state;

/// The check behind a flag or a review row, read when opened: every reading, what the person
/// said, the stall and the volunteer, and the contact attempts so far. `has_contact` is
/// shown to supervisors only.
#[component]
pub fn RecordContext(url: String, has_contact: Option<bool>) -> impl IntoView {
    let state = app_state();
    let detail = RwSignal::new(None::<Result<RecordDetail, String>>);
    let load = move |_| {
        if detail.get_untracked().is_some() {
            return;
        }
        let url = url.clone();
        leptos::task::spawn_local(async move {
            let read = api::get::<RecordDetail>(&url, token(&state).as_deref())
                .await
                .map_err(|e| failure_text(&state, &e));
            detail.set(Some(read));
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
            </div>
        </details>
    }
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
        (
            "Volunteer",
            detail.volunteer_name.clone().unwrap_or_default(),
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
        </dl>
        <h3 class="nhsuk-heading-xs">"Contact attempts"</h3>
        {if attempts.is_empty() {
            view! { <p class="nhsuk-body-s">"None yet."</p> }.into_any()
        } else {
            view! {
                <ol class="nhsuk-list nhsuk-list--number" data-testid="attempts">
                    {attempts.into_iter().map(|a| view! {
                        <li>{format!("{} {}: {}", stallside_shared::calendar::date(a.at_ms), time_of_day(a.at_ms), if a.reached { "spoke to them" } else { "no answer" })}</li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}
