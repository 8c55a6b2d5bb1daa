//! Coordinators' record review: filter by band and review state; mark "has issues" with a
//! comment that reaches the volunteer, or "approved".

use leptos::prelude::*;
use stallside_shared::api::{Account, RecordRow, ReviewRequest};
use stallside_shared::crdt::Role;
use stallside_shared::record::ReviewState;
use stallside_shared::sync::wire::Event;
use stallside_shared::triage::Band;

use super::context::RecordContext;
use super::{failure_text, focus_notice, token, Notice};
use crate::api;
use crate::state::app_state;

/// The review list.
#[component]
pub fn ReviewScreen() -> impl IntoView {
    let state = app_state();
    let rows = RwSignal::new(Vec::<RecordRow>::new());
    let notice = RwSignal::new(None::<String>);
    let band = RwSignal::new(String::new());
    let review_state = RwSignal::new("received".to_owned());
    let event = RwSignal::new(String::new());
    let volunteer = RwSignal::new(String::new());
    let events = RwSignal::new(Vec::<Event>::new());
    let volunteers = RwSignal::new(Vec::<Account>::new());
    leptos::task::spawn_local(async move {
        let t = token(&state);
        if let Ok(list) = api::get::<Vec<Event>>("/api/events", t.as_deref()).await {
            events.set(list);
        }
        if let Ok(list) = api::get::<Vec<Account>>("/api/users", t.as_deref()).await {
            volunteers.set(
                list.into_iter()
                    .filter(|a| a.role == Role::Volunteer)
                    .collect(),
            );
        }
    });
    let load = move || {
        let mut q = vec![];
        for (name, value) in [
            ("band", band),
            ("review_state", review_state),
            ("event", event),
            ("volunteer", volunteer),
        ] {
            // The screen may be gone by the time an answer comes back and reloads it.
            let Some(value) = value.try_get_untracked() else {
                return;
            };
            if !value.is_empty() {
                q.push(format!("{name}={value}"));
            }
        }
        let url = format!("/api/records?{}", q.join("&"));
        leptos::task::spawn_local(async move {
            match api::get::<Vec<RecordRow>>(&url, token(&state).as_deref()).await {
                Ok(list) => rows.set(list),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    load();
    let review = Callback::new(
        move |(id, new_state, comment): (String, ReviewState, Option<String>)| {
            leptos::task::spawn_local(async move {
                let body = ReviewRequest {
                    state: new_state,
                    comment,
                };
                match api::post_empty(
                    &format!("/api/records/{id}/review"),
                    token(&state).as_deref(),
                    &body,
                )
                .await
                {
                    Ok(()) => {
                        notice.set(Some(
                            "Review saved. The volunteer sees it after their next sync.".into(),
                        ));
                        focus_notice();
                        load();
                    }
                    Err(e) => notice.set(Some(failure_text(&state, &e))),
                }
            });
        },
    );
    let erase = Callback::new(move |id: String| {
        leptos::task::spawn_local(async move {
            let done = api::delete(&format!("/api/records/{id}"), token(&state).as_deref()).await;
            notice.set(Some(match done {
                Ok(()) => "Record erased. Phones drop their copy at their next sync.".into(),
                Err(e) => failure_text(&state, &e),
            }));
            focus_notice();
            load();
        });
    });
    view! {
        <h1>"Review records"</h1>
        <Notice message=notice />
        <div class="stallside-filters">
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-review">"Review state"</label>
                <select class="nhsuk-select" id="filter-review" on:change=move |ev| { review_state.set(event_target_value(&ev)); load(); }>
                    {ReviewState::ALL.iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                    <option value="">"Any"</option>
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-event">"Event"</label>
                <select class="nhsuk-select" id="filter-event" on:change=move |ev| { event.set(event_target_value(&ev)); load(); }>
                    <option value="">"Any"</option>
                    {move || events.get().into_iter().map(|e| view! { <option value=e.id>{format!("{} ({})", e.name, e.date)}</option> }).collect_view()}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-volunteer">"Volunteer"</label>
                <select class="nhsuk-select" id="filter-volunteer" on:change=move |ev| { volunteer.set(event_target_value(&ev)); load(); }>
                    <option value="">"Any"</option>
                    {move || volunteers.get().into_iter().map(|v| view! { <option value=v.id>{v.display_name}</option> }).collect_view()}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-band">"Band"</label>
                <select class="nhsuk-select" id="filter-band" on:change=move |ev| { band.set(event_target_value(&ev)); load(); }>
                    <option value="">"Any"</option>
                    {Band::ALL.iter().map(|b| view! { <option value=b.code()>{b.label()}</option> }).collect_view()}
                </select>
            </div>
        </div>
        <ul class="nhsuk-list stallside-records">
            {move || rows.get().into_iter().map(|r| view! { <ReviewItem row=r review=review erase=erase /> }).collect_view()}
        </ul>
    }
}

#[component]
fn ReviewItem(
    row: RecordRow,
    review: Callback<(String, ReviewState, Option<String>)>,
    erase: Callback<String>,
) -> impl IntoView {
    let comment = RwSignal::new(row.summary.review_comment.clone().unwrap_or_default());
    let band = row.summary.band.label();
    let (id_issue, id_ok, id_erase) = (row.id.clone(), row.id.clone(), row.id.clone());
    let input_id = format!("comment-{}", row.id);
    view! {
        <li class="stallside-record" data-testid="review-row">
            <p class="nhsuk-body nhsuk-u-margin-bottom-1">
                <strong>{format!("{}/{}", row.summary.systolic, row.summary.diastolic)}</strong>" "{band}" – "
                {row.volunteer_name.clone().unwrap_or_default()}", "{row.event_name.clone().unwrap_or_else(|| "event started on a phone".into())}
                ", " {stallside_shared::calendar::date(row.summary.recorded_at_ms)}
            </p>
            <p class="nhsuk-body-s">{row.summary.review_state.label()}</p>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for=input_id.clone()>"Comment for the volunteer"</label>
                <input class="nhsuk-input" id=input_id type="text" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev)) />
            </div>
            <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button"
                on:click=move |_| review.run((id_issue.clone(), ReviewState::HasIssues, Some(comment.get_untracked())))>"Has issues"</button>
            " "
            <button class="nhsuk-button nhsuk-button--small" type="button"
                on:click=move |_| review.run((id_ok.clone(), ReviewState::Approved, None))>"Approve"</button>
            <RecordContext id=row.id.clone() has_contact=None />
            <details class="nhsuk-details">
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Erase this record (the person asked)"</span></summary>
                <div class="nhsuk-details__text">
                    <p class="nhsuk-body-s">"The record, its history, its flag and any contact number are deleted here and on every phone at its next sync. This cannot be undone."</p>
                    <EraseButton erase=Callback::new(move |()| erase.run(id_erase.clone())) />
                </div>
            </details>
        </li>
    }
}

/// Erasing asks once more before it acts: it cannot be undone and reaches every phone.
#[component]
fn EraseButton(erase: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    move || {
        if asking.get() {
            view! {
                <div class="nhsuk-warning-callout" data-testid="erase-confirm">
                    <h3 class="nhsuk-warning-callout__label">"Erase this record for good?"</h3>
                    <p>"Only if the person asked. It is deleted here now and from phones at their next sync."</p>
                    <button class="nhsuk-button nhsuk-button--warning nhsuk-button--small" type="button"
                        on:click=move |_| erase.run(())>"Yes, erase this record"</button>
                    " "
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button"
                        on:click=move |_| asking.set(false)>"Cancel"</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button class="nhsuk-button nhsuk-button--warning nhsuk-button--small" type="button" data-testid="erase"
                    on:click=move |_| asking.set(true)>"Erase the record"</button>
            }
            .into_any()
        }
    }
}
