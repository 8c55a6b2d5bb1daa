//! The checks on this phone: today's and earlier, each with where it stands (on this phone,
//! synced, or not accepted and why) and, once synced back, the supervisor's outcome or the
//! coordinator's comment.

use leptos::prelude::*;
use stallside_shared::calendar::date;
use stallside_shared::clock::now_ms;
use stallside_shared::record::FollowUpState;
use stallside_shared::sync::client::{status, Status};
use stallside_shared::triage::Tone;

use crate::state::{app_state, Screen};
use crate::store::LocalRecord;

/// How many checks the list shows before "show more".
const PAGE: usize = 50;

/// The records list.
#[component]
pub fn RecordsList() -> impl IntoView {
    let state = app_state();
    let shown = RwSignal::new(PAGE);
    let sorted = Memo::new(move |_| {
        let mut all = state.records.get();
        crate::store::newest_first(&mut all);
        all
    });
    let today = date(now_ms());
    view! {
        <h1>"Checks on this phone"</h1>
        {move || {
            let all = sorted.get();
            if all.is_empty() {
                return view! { <p class="nhsuk-body">"No checks yet."</p> }.into_any();
            }
            let total = all.len();
            let (todays, earlier): (Vec<_>, Vec<_>) = all
                .into_iter()
                .take(shown.get())
                .partition(|r| date(r.summary.recorded_at_ms) == today);
            view! {
                {(!todays.is_empty()).then(|| view! { <h2>"Today"</h2><RecordItems records=todays /> })}
                {(!earlier.is_empty()).then(|| view! { <h2>"Earlier"</h2><RecordItems records=earlier /> })}
                {(total > shown.get()).then(|| view! {
                    <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| shown.update(|n| *n += PAGE)>
                        {format!("Show more ({} more)", total - shown.get_untracked())}
                    </button>
                })}
            }
            .into_any()
        }}
        <button class="nhsuk-button" type="button" on:click=move |_| state.screen.set(Screen::Capture(None))>"New check"</button>
    }
}

#[component]
fn RecordItems(records: Vec<LocalRecord>) -> impl IntoView {
    view! {
        <ul class="nhsuk-list stallside-records">
            {records.into_iter().map(|r| view! { <RecordItem record=r /> }).collect_view()}
        </ul>
    }
}

#[component]
fn RecordItem(record: LocalRecord) -> impl IntoView {
    let state = app_state();
    let s = &record.summary;
    let status = status(&record.sync, &record.heads);
    let (tag, label) = match &status {
        Status::Synced => ("nhsuk-tag nhsuk-tag--green", "Synced"),
        Status::OnPhone => ("nhsuk-tag nhsuk-tag--grey", "On this phone"),
        Status::Rejected(_) => ("nhsuk-tag nhsuk-tag--red", "Not accepted"),
    };
    let band_tag = match s.band.tone() {
        Tone::Emergency | Tone::Urgent => "nhsuk-tag nhsuk-tag--red",
        Tone::High => "nhsuk-tag nhsuk-tag--orange",
        Tone::Raised => "nhsuk-tag nhsuk-tag--yellow",
        Tone::Low => "nhsuk-tag nhsuk-tag--blue",
        Tone::Normal => "nhsuk-tag nhsuk-tag--green",
    };
    let result = s.result_label();
    let time = crate::components::time_of_day(s.recorded_at_ms);
    let edit_window_ms = state
        .settings
        .with_untracked(|settings| settings.edit_window_ms());
    let correctable = now_ms() - s.recorded_at_ms <= edit_window_ms;
    let id = record.id;
    let outcome = match (s.follow_up_state, s.outcome) {
        (FollowUpState::Closed, Some(outcome)) => Some(format!("Supervisor: {}", outcome.label())),
        (FollowUpState::Claimed, _) => Some("A supervisor is following this up".to_owned()),
        _ => None,
    };
    view! {
        <li class="stallside-record" data-testid="record" data-status=label data-band=s.band.code()>
            <p class="nhsuk-body nhsuk-u-margin-bottom-1">
                <strong>{time.clone()}</strong>" "{format!("{}/{}", s.systolic, s.diastolic)}" "
                <strong class=band_tag>{result}</strong>" "
                <strong class=tag>{label}</strong>
            </p>
            {match status {
                Status::Rejected(reason) => Some(view! { <p class="nhsuk-body-s stallside-reason">{reason}</p> }),
                _ => None,
            }}
            {outcome.map(|o| view! { <p class="nhsuk-body-s" data-testid="outcome">{o}</p> })}
            {s.review_comment.clone().map(|c| view! { <p class="nhsuk-body-s" data-testid="comment">{format!("Coordinator: {c}")}</p> })}
            {correctable.then(|| view! {
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button"
                    on:click=move |_| state.screen.set(Screen::Capture(Some(id)))>
                    "Correct"<span class="nhsuk-u-visually-hidden">{format!(" the check at {time}")}</span>
                </button>
            })}
        </li>
    }
}
