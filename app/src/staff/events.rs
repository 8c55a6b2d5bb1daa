//! Coordinators' events: the list with what was done at each (checks, the volunteers'
//! debriefs), stalls started on phones among them; create, edit, cancel and copy an event to
//! another day. Changes reach the volunteers' phones with their next sync.

use leptos::prelude::*;
use stallside_shared::api::{Account, CopyEvent, EventOverview, NewEvent};
use stallside_shared::crdt::Role;
use stallside_shared::events::{EventKind, Plan};
use stallside_shared::record::{borough_name, VenueType};
use stallside_shared::sync::wire::Event;

use super::{failure_text, focus_notice, form_problems, token, Notice};
use crate::api;
use crate::components::{options, problem_for, Choice, ErrorSummary, Problem, TextField};
use crate::state::app_state;

/// The server's field names in its refusals, and the inputs they are about.
const FIELDS: &[(&str, &str)] = &[
    ("Event name", "event-name"),
    ("Date", "event-date"),
    ("Venue", "event-venue"),
    ("Borough", "event-borough"),
];

/// The event form's inputs.
#[derive(Clone, Copy)]
struct PlanInputs {
    name: RwSignal<String>,
    date: RwSignal<String>,
    venue: RwSignal<String>,
    venue_type: RwSignal<Option<&'static str>>,
    borough: RwSignal<Option<&'static str>>,
    kind: RwSignal<Option<&'static str>>,
}

impl PlanInputs {
    fn new() -> Self {
        PlanInputs {
            name: RwSignal::new(String::new()),
            date: RwSignal::new(stallside_shared::calendar::date(
                stallside_shared::clock::now_ms(),
            )),
            venue: RwSignal::new(String::new()),
            venue_type: RwSignal::new(None),
            borough: RwSignal::new(None),
            kind: RwSignal::new(Some(EventKind::Stall.code())),
        }
    }

    /// Fills the form with an event's plan, to edit it.
    fn fill(&self, event: &Event) {
        self.name.set(event.name.clone());
        self.date.set(event.date.clone());
        self.venue.set(event.venue.clone());
        self.venue_type.set(Some(event.venue_type.code()));
        self.borough.set(
            stallside_shared::record::LONDON_BOROUGHS
                .iter()
                .find(|(code, _)| *code == event.borough)
                .map(|(code, _)| *code),
        );
        self.kind.set(Some(event.kind.code()));
    }

    fn clear(&self) {
        self.name.set(String::new());
        self.venue.set(String::new());
    }
}

/// Events: the list and a form for a new one or for the one being edited.
#[component]
pub fn EventsScreen() -> impl IntoView {
    let state = app_state();
    let events = RwSignal::new(Vec::<EventOverview>::new());
    let volunteers = RwSignal::new(Vec::<Account>::new());
    let notice = RwSignal::new(None::<String>);
    let inputs = PlanInputs::new();
    let editing = RwSignal::new(None::<Event>);
    let chosen = RwSignal::new(Vec::<String>::new());
    let problems = RwSignal::new(Vec::<Problem>::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            let t = token(&state);
            match api::get::<Vec<EventOverview>>("/api/events/overview", t.as_deref()).await {
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
    let done = move |message: String| {
        problems.set(Vec::new());
        notice.set(Some(message));
        editing.set(None);
        inputs.clear();
        load();
        focus_notice();
    };
    let save = move |_| {
        let Some(venue_type) = inputs
            .venue_type
            .get_untracked()
            .and_then(VenueType::from_code)
        else {
            problems.set(vec![Problem::new(
                "event-venue-type",
                "Venue type: choose one from the list",
            )]);
            return;
        };
        let plan = Plan {
            name: inputs.name.get_untracked(),
            date: inputs.date.get_untracked(),
            venue: inputs.venue.get_untracked(),
            venue_type,
            borough: inputs
                .borough
                .get_untracked()
                .unwrap_or_default()
                .to_owned(),
            kind: inputs
                .kind
                .get_untracked()
                .and_then(EventKind::from_code)
                .unwrap_or_default(),
            cancelled: editing.get_untracked().is_some_and(|e| e.cancelled),
        };
        let editing = editing.get_untracked();
        let volunteer_ids = chosen.get_untracked();
        leptos::task::spawn_local(async move {
            let t = token(&state);
            let result = match &editing {
                Some(event) => {
                    api::put::<_, Event>(
                        &format!("/api/events/{}", event.id),
                        t.as_deref(),
                        &plan.push(),
                    )
                    .await
                }
                None => {
                    let new = NewEvent {
                        name: plan.name,
                        date: plan.date,
                        venue: plan.venue,
                        venue_type: plan.venue_type,
                        borough: plan.borough,
                        volunteer_ids,
                        kind: plan.kind,
                    };
                    api::post::<_, Event>("/api/events", t.as_deref(), &new).await
                }
            };
            match result {
                Ok(saved) if editing.is_some() => done(format!("{} saved.", saved.name)),
                Ok(saved) => done(format!(
                    "{} created. It reaches volunteers' phones when they sync.",
                    saved.name
                )),
                Err(e) => problems.set(form_problems(&state, &e, FIELDS, "event-name")),
            }
        });
    };
    let cancel = Callback::new(move |event: Event| {
        leptos::task::spawn_local(async move {
            let mut plan = Plan::of(&event);
            plan.cancelled = !plan.cancelled;
            let path = format!("/api/events/{}", event.id);
            match api::put::<_, Event>(&path, token(&state).as_deref(), &plan.push()).await {
                Ok(saved) if saved.cancelled => done(format!(
                    "{} cancelled. Its checks are kept and still count.",
                    saved.name
                )),
                Ok(saved) => done(format!("{} is on again.", saved.name)),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    });
    let copy = Callback::new(move |(event, date): (Event, String)| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/events/{}/copy", event.id);
            match api::post::<_, Event>(&path, token(&state).as_deref(), &CopyEvent { date }).await
            {
                Ok(saved) => done(format!("{} copied to {}.", saved.name, saved.date)),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    });
    let edit = Callback::new(move |event: Event| {
        inputs.fill(&event);
        editing.set(Some(event));
        problems.set(Vec::new());
        // The form is always on the page, so focus goes to it now: a frame later it would
        // take the typing of someone who had already tapped into another field.
        if let Some(input) = document().get_element_by_id("event-name") {
            let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(input).focus();
        }
    });
    view! {
        <h1>"Events"</h1>
        <Notice message=notice />
        <div data-testid="events">
            {move || events.get().into_iter().map(|e| view! { <EventCard overview=e edit cancel copy /> }).collect_view()}
        </div>
        <h2>{move || if editing.get().is_some() { "Edit event" } else { "New event" }}</h2>
        <ErrorSummary problems=problems.into() />
        <TextField label="Name" id="event-name" value=inputs.name error=problem_for(problems.into(), "event-name") />
        <TextField label="Date" id="event-date" value=inputs.date kind="date" error=problem_for(problems.into(), "event-date") />
        <TextField label="Venue" id="event-venue" value=inputs.venue error=problem_for(problems.into(), "event-venue") />
        <Choice legend="Type of venue" name="event-venue-type" options=options(VenueType::ALL, VenueType::code, VenueType::label)
            selected=inputs.venue_type on_pick=Callback::new(move |c| inputs.venue_type.set(Some(c))) error=problem_for(problems.into(), "event-venue-type") />
        <Choice legend="Borough" name="event-borough" options=areas selected=inputs.borough on_pick=Callback::new(move |c| inputs.borough.set(Some(c))) error=problem_for(problems.into(), "event-borough") />
        <Choice legend="Kind of event" name="event-kind" options=options(EventKind::ALL, EventKind::code, EventKind::label)
            selected=inputs.kind on_pick=Callback::new(move |c| inputs.kind.set(Some(c))) />
        {move || editing.get().is_none().then(|| view! {
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
        })}
        <button class="nhsuk-button" type="button" on:click=save>
            {move || if editing.get().is_some() { "Save changes" } else { "Create event" }}
        </button>
        {move || editing.get().is_some().then(|| view! {
            <button class="nhsuk-button nhsuk-button--secondary" type="button"
                on:click=move |_| { editing.set(None); inputs.clear(); problems.set(Vec::new()); }>"Stop editing"</button>
        })}
    }
}

/// One event in the list: its plan, what was done at it, and what the coordinator can do.
#[component]
fn EventCard(
    overview: EventOverview,
    edit: Callback<Event>,
    cancel: Callback<Event>,
    copy: Callback<(Event, String)>,
) -> impl IntoView {
    let e = overview.event.clone();
    let copy_date = RwSignal::new(String::new());
    let copy_id = format!("copy-date-{}", e.id);
    let place = format!(
        "{} – {}, {} ({}), {}",
        e.date,
        e.kind.label(),
        e.venue,
        e.venue_type.label(),
        borough_name(&e.borough).unwrap_or("")
    );
    let mut figures = format!(
        "{} checks, {} conversations without a check, {} leaflets",
        overview.checks, overview.conversations, overview.leaflets
    );
    if let Some(footfall) = overview.footfall {
        figures.push_str(&format!(", about {footfall} passed"));
    }
    if let Some(attendance) = overview.attendance {
        figures.push_str(&format!(", {attendance} at the workshop"));
    }
    let (for_edit, for_cancel, for_copy) = (e.clone(), e.clone(), e.clone());
    let copy_label = format!("Copy {} to", e.name);
    view! {
        <div class="nhsuk-card" data-testid="event-card">
            <div class="nhsuk-card__content">
                <h2 class="nhsuk-card__heading nhsuk-heading-s">
                    {e.name.clone()}
                    {e.cancelled.then(|| view! { " " <strong class="nhsuk-tag nhsuk-tag--red">"Cancelled"</strong> })}
                    {overview.started_on_phone.then(|| view! { " " <strong class="nhsuk-tag nhsuk-tag--grey">"Started on a phone"</strong> })}
                </h2>
                <p class="nhsuk-body-s">{place}</p>
                <p class="nhsuk-body-s" data-testid="event-figures">{figures}</p>
                {(!overview.debriefs.is_empty()).then(|| view! {
                    <ul class="nhsuk-list nhsuk-body-s">
                        {overview.debriefs.iter().map(|d| {
                            let mut line = format!("{}: ", d.volunteer);
                            if !d.kit_used.is_empty() {
                                line.push_str(&format!("kit used {}. ", d.kit_used));
                            }
                            line.push_str(&d.note);
                            view! { <li>{line}</li> }
                        }).collect_view()}
                    </ul>
                })}
                <div class="stallside-event-actions">
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-2" type="button"
                        on:click=move |_| edit.run(for_edit.clone())>"Edit"<span class="nhsuk-u-visually-hidden">{format!(" {}", e.name)}</span></button>
                    " "
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-2" type="button"
                        on:click=move |_| cancel.run(for_cancel.clone())>
                        {if e.cancelled { "Restore" } else { "Cancel event" }}<span class="nhsuk-u-visually-hidden">{format!(" {}", e.name)}</span>
                    </button>
                </div>
                <div class="nhsuk-form-group nhsuk-u-margin-bottom-0">
                    <label class="nhsuk-label" for=copy_id.clone()>{copy_label}</label>
                    <input class="nhsuk-input nhsuk-input--width-10" type="date" id=copy_id
                        prop:value=move || copy_date.get() on:input=move |ev| copy_date.set(event_target_value(&ev)) />
                    " "
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="button"
                        on:click=move |_| copy.run((for_copy.clone(), copy_date.get_untracked()))>"Copy"<span class="nhsuk-u-visually-hidden">{format!(" {}", e.name)}</span></button>
                </div>
            </div>
        </div>
    }
}
