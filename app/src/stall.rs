//! Today's stall: choose an event synced from the server, or start one offline; then the
//! conversations tally and the debrief of the stall chosen.

use leptos::prelude::*;
use stallside_shared::calendar::date;
use stallside_shared::clock::now_ms;
use stallside_shared::events::EventKind;
use stallside_shared::record::{borough_name, VenueType};
use stallside_shared::sync::wire::Event;

use crate::components::{options, problem_for, Choice, ErrorSummary, Problem, TextField};
use crate::debrief::{change_events, ConversationTally, DebriefForm};
use crate::state::{app_state, Screen};
use crate::store;
use crate::sync::upsert_event;

/// The stall picker.
#[component]
pub fn StallPicker() -> impl IntoView {
    let state = app_state();
    let today = date(now_ms());
    let todays = {
        let today = today.clone();
        Memo::new(move |_| {
            state.events.with(|all| {
                crate::components::in_order_by(
                    all.iter()
                        .filter(|e| e.date == today && !e.cancelled)
                        .cloned(),
                    |a, b| a.name.cmp(&b.name),
                )
            })
        })
    };
    let choose = move |event: Event| {
        leptos::task::spawn_local(async move {
            if let Ok(store) = store::get().await {
                let _ = store.set_meta("stall", &event).await;
            }
            state.stall.set(Some(event));
            state.screen.set(Screen::Capture(None));
        });
    };
    view! {
        <h1>"Today's stall"</h1>
        {move || state.stall.get().map(|stall| view! {
            <div class="nhsuk-card"><div class="nhsuk-card__content">
                <h2 class="nhsuk-card__heading" data-testid="todays-stall">{stall.name.clone()}</h2>
                {stall.cancelled.then(|| view! { <p class="nhsuk-body"><strong>"Your coordinator cancelled this event."</strong></p> })}
                <ConversationTally />
                <DebriefForm />
            </div></div>
            <h2>"Choose another stall"</h2>
        })}
        {move || {
            let list = todays.get();
            if list.is_empty() {
                view! { <p class="nhsuk-body">"No events for today have reached this phone. Start one below."</p> }.into_any()
            } else {
                view! {
                    <ul class="nhsuk-list stallside-events">
                        {list.into_iter().map(|event| {
                            let chosen = event.clone();
                            let borough = borough_name(&event.borough).unwrap_or("");
                            view! {
                                <li>
                                    <button class="nhsuk-button nhsuk-button--secondary stallside-event" type="button"
                                        on:click=move |_| choose(chosen.clone())>
                                        {event.name.clone()}<br /><span class="nhsuk-body-s">{format!("{}, {} ({})", event.venue, borough, event.venue_type.label())}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
        <StartOfflineEvent today=today on_start=Callback::new(choose) />
    }
}

/// A stall started on the phone, with no signal.
#[component]
fn StartOfflineEvent(today: String, on_start: Callback<Event>) -> impl IntoView {
    let state = app_state();
    let name = RwSignal::new(String::new());
    let venue = RwSignal::new(String::new());
    let venue_type = RwSignal::new(None::<&'static str>);
    let borough = RwSignal::new(None::<&'static str>);
    let kind = RwSignal::new(Some(EventKind::Stall.code()));
    let problems = RwSignal::new(Vec::<Problem>::new());
    let areas = state.my_boroughs();
    let start = move |_| {
        let mut found = Vec::new();
        if name.get_untracked().trim().is_empty() {
            found.push(Problem::new("event-name", "Give the stall a name"));
        }
        if venue.get_untracked().trim().is_empty() {
            found.push(Problem::new("event-venue", "Enter the venue"));
        }
        if venue_type.get_untracked().is_none() {
            found.push(Problem::new("event-venue-type", "Choose the type of venue"));
        }
        if borough.get_untracked().is_none() {
            found.push(Problem::new("event-borough", "Choose the borough"));
        }
        problems.set(found.clone());
        if !found.is_empty() {
            return;
        }
        let event = Event {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.get_untracked().trim().to_owned(),
            date: today.clone(),
            venue: venue.get_untracked().trim().to_owned(),
            venue_type: venue_type
                .get_untracked()
                .and_then(VenueType::from_code)
                .unwrap_or(VenueType::Other),
            borough: borough.get_untracked().unwrap_or_default().to_owned(),
            kind: kind
                .get_untracked()
                .and_then(EventKind::from_code)
                .unwrap_or_default(),
            cancelled: false,
            plan_rev: 0,
        };
        change_events(state, |e| e.start(&event));
        let mut events = state.events.get_untracked();
        upsert_event(&mut events, event.clone());
        state.events.set(events.clone());
        leptos::task::spawn_local(async move {
            if let Ok(store) = store::get().await {
                let _ = store.set_meta("events", &events).await;
            }
        });
        on_start.run(event);
    };
    view! {
        <details class="nhsuk-details">
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Start a stall on this phone"</span></summary>
            <div class="nhsuk-details__text">
                <ErrorSummary problems=problems.into() />
                <TextField label="Stall name" id="event-name" value=name error=problem_for(problems.into(), "event-name") />
                <TextField label="Venue" id="event-venue" value=venue error=problem_for(problems.into(), "event-venue") />
                <Choice legend="Type of venue" name="event-venue-type" options=options(VenueType::ALL, VenueType::code, VenueType::label)
                    selected=venue_type on_pick=Callback::new(move |c| venue_type.set(Some(c)))
                    error=problem_for(problems.into(), "event-venue-type") />
                <Choice legend="Borough" name="event-borough" options=areas
                    selected=borough on_pick=Callback::new(move |c| borough.set(Some(c)))
                    error=problem_for(problems.into(), "event-borough") />
                <Choice legend="Kind of event" name="event-kind" options=options(EventKind::ALL, EventKind::code, EventKind::label)
                    selected=kind on_pick=Callback::new(move |c| kind.set(Some(c))) />
                <button class="nhsuk-button" type="button" on:click=start>"Start stall"</button>
            </div>
        </details>
    }
}
