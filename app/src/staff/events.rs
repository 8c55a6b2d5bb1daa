//! Coordinators' events: create a stall (date, venue, venue type, borough, volunteers); events
//! reach the volunteers' phones with their next sync.

use leptos::prelude::*;
use stallside_shared::api::{Account, NewEvent};
use stallside_shared::crdt::Role;
use stallside_shared::record::{borough_name, VenueType};
use stallside_shared::sync::wire::Event;

use super::{failure_text, token, Notice};
use crate::api;
use crate::components::{options, Choice, TextField};
use crate::state::app_state;

/// Events: the list and a form for a new one.
#[component]
pub fn EventsScreen() -> impl IntoView {
    let state = app_state();
    let events = RwSignal::new(Vec::<Event>::new());
    let volunteers = RwSignal::new(Vec::<Account>::new());
    let notice = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let date = RwSignal::new(stallside_shared::calendar::date(
        stallside_shared::clock::now_ms(),
    ));
    let venue = RwSignal::new(String::new());
    let venue_type = RwSignal::new(None::<&'static str>);
    let borough = RwSignal::new(None::<&'static str>);
    let chosen = RwSignal::new(Vec::<String>::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            let t = token(&state);
            match api::get::<Vec<Event>>("/api/events", t.as_deref()).await {
                Ok(list) => events.set(list),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
            if let Ok(list) = api::get::<Vec<Account>>("/api/users", t.as_deref()).await {
                volunteers.set(
                    list.into_iter()
                        .filter(|a| a.role == Role::Volunteer && !a.disabled)
                        .collect(),
                );
            }
        });
    };
    load();
    let areas = state.my_boroughs();
    let create = move |_| {
        let Some(venue_type) = venue_type.get_untracked().and_then(VenueType::from_code) else {
            notice.set(Some("Venue type: choose one from the list".to_owned()));
            return;
        };
        let event = NewEvent {
            name: name.get_untracked(),
            date: date.get_untracked(),
            venue: venue.get_untracked(),
            venue_type,
            borough: borough.get_untracked().unwrap_or_default().to_owned(),
            volunteer_ids: chosen.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, Event>("/api/events", token(&state).as_deref(), &event).await {
                Ok(created) => {
                    notice.set(Some(format!(
                        "{} created. It reaches volunteers' phones when they sync.",
                        created.name
                    )));
                    name.set(String::new());
                    venue.set(String::new());
                    load();
                }
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    view! {
        <h1>"Events"</h1>
        <Notice message=notice />
        <ul class="nhsuk-list nhsuk-list--bullet" data-testid="events">
            {move || events.get().into_iter().map(|e| view! {
                <li>{format!("{} – {}, {} ({}), {}", e.date, e.name, e.venue, e.venue_type.label(), borough_name(&e.borough).unwrap_or(""))}</li>
            }).collect_view()}
        </ul>
        <h2>"New event"</h2>
        <TextField label="Name" id="event-name" value=name />
        <TextField label="Date" id="event-date" value=date kind="date" />
        <TextField label="Venue" id="event-venue" value=venue />
        <Choice legend="Type of venue" name="event-venue-type" options=options(VenueType::ALL, VenueType::code, VenueType::label)
            selected=venue_type on_pick=Callback::new(move |c| venue_type.set(Some(c))) />
        <Choice legend="Borough" name="event-borough" options=areas selected=borough on_pick=Callback::new(move |c| borough.set(Some(c))) />
        <fieldset class="nhsuk-fieldset">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Volunteers"</legend>
            <div class="nhsuk-checkboxes">
                {move || volunteers.get().into_iter().map(|v| {
                    let id = v.id.clone();
                    let input_id = format!("volunteer-{}", v.id);
                    view! {
                        <div class="nhsuk-checkboxes__item">
                            <input class="nhsuk-checkboxes__input" id=input_id.clone() type="checkbox"
                                on:change=move |ev| { let on = event_target_checked(&ev); let id = id.clone(); chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id); } }); } />
                            <label class="nhsuk-label nhsuk-checkboxes__label" for=input_id>{v.display_name}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
        <button class="nhsuk-button" type="button" on:click=create>"Create event"</button>
    }
}
