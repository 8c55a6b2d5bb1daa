//! The supervisors' flag queue: most urgent first, then oldest, each with its deadline
//! counting down; claim, see the contact number (claimed flags only), record attempts, close.
//! Coordinators see their boroughs' queue to hand a claim to another supervisor or release it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use stallside_shared::api::{
    AttemptRequest, CloseRequest, ContactView, Flag, ReassignRequest, SupervisorView,
};
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use stallside_shared::record::{borough_name, FollowUpState, Outcome};
use stallside_shared::validation::{phone_for_reading, phone_link};

use super::context::RecordContext;
use super::live;
use super::{countdown, failure_text, token, Notice};
use crate::api;
use crate::components::{time_of_day, ErrorSummary, Problem};
use crate::state::app_state;

/// The queue.
#[component]
pub fn FlagQueue() -> impl IntoView {
    let state = app_state();
    let flags = RwSignal::new(Vec::<Flag>::new());
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::get::<Vec<Flag>>("/api/flags", token(&state).as_deref()).await {
                Ok(list) => {
                    flags.set(list);
                    request_animation_frame(show_linked_flag);
                }
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    load();
    let alert = RwSignal::new(None::<String>);
    // The live stream and its alert are for the supervisors working the queue; coordinators
    // oversee it and refresh.
    let coordinator = is_coordinator(state);
    if !coordinator {
        follow_live(state, flags, alert);
    }
    let act = Callback::new(move |(path, body): (String, serde_json::Value)| {
        leptos::task::spawn_local(async move {
            match api::post::<_, Vec<Flag>>(&path, token(&state).as_deref(), &body).await {
                Ok(list) => {
                    flags.set(list);
                    notice.set(None);
                }
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    });
    view! {
        <h1>"Flagged readings"</h1>
        <p class="nhsuk-body">{if coordinator {
            "Most urgent first, then oldest. Hand a claimed flag to another supervisor of its borough, or release it to the queue."
        } else {
            "Most urgent first, then oldest. Claim a flag to see the person's number."
        }}</p>
        {move || alert.get().map(|text| view! {
            <div class="nhsuk-warning-callout" role="alert" data-testid="live-alert">
                <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"New urgent flag"</span></h2>
                <p>{text}</p>
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=move |_| alert.set(None)>"Dismiss"</button>
            </div>
        })}
        <Notice message=notice />
        <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=move |_| load()>"Refresh"</button>
        {move || {
            let list = flags.get();
            if list.is_empty() {
                view! { <p class="nhsuk-body">"No flagged readings."</p> }.into_any()
            } else {
                view! {
                    <ul class="nhsuk-list stallside-records">
                        {list.into_iter().map(|f| view! { <FlagCard flag=f act=act shown=flags.write_only() /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }}
    }
}

/// Scrolls to the flag an escalation email linked to (`/staff/#flag-{id}`), once the queue
/// is on screen.
fn show_linked_flag() {
    let document = web_sys::window().and_then(|w| w.document());
    let hash = document
        .as_ref()
        .and_then(|d| d.location())
        .and_then(|l| l.hash().ok())
        .unwrap_or_default();
    if let Some(card) = hash
        .strip_prefix('#')
        .filter(|id| id.starts_with("flag-"))
        .and_then(|id| document?.get_element_by_id(id))
    {
        card.scroll_into_view();
    }
}

#[component]
fn FlagCard(
    flag: Flag,
    act: Callback<(String, serde_json::Value)>,
    shown: WriteSignal<Vec<Flag>>,
) -> impl IntoView {
    let state = app_state();
    let coordinator = is_coordinator(state);
    let band = flag.band;
    let tag = if band.is_urgent() {
        "nhsuk-tag nhsuk-tag--red"
    } else {
        "nhsuk-tag nhsuk-tag--orange"
    };
    let id = flag.id.clone();
    let contact = RwSignal::new(None::<Result<String, String>>);
    let confirming = RwSignal::new(None::<Outcome>);
    let outcome = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let due = match (flag.state, flag.deadline_at_ms) {
        (FollowUpState::Closed, _) => "Closed".to_owned(),
        (_, Some(deadline)) => countdown(deadline, now_ms()),
        _ => String::new(),
    };
    let path = move |action: &str| format!("/api/flags/{id}/{action}");
    let show_contact = {
        let path = path.clone();
        move |_| {
            let url = path("contact");
            leptos::task::spawn_local(async move {
                let shown = match api::get::<ContactView>(&url, token(&state).as_deref()).await {
                    Ok(c) => Ok(c.phone),
                    Err(e) => Err(failure_text(&state, &e)),
                };
                contact.set(Some(shown));
            });
        }
    };
    let claim = {
        let path = path.clone();
        move |_| act.run((path("claim"), serde_json::json!({})))
    };
    let attempt = {
        let path = path.clone();
        move |reached: bool| act.run((path("attempts"), body(&AttemptRequest { reached })))
    };
    let ask_to_close = move |_| match Outcome::from_code(&outcome.get_untracked()) {
        Some(outcome) => {
            problem.set(None);
            confirming.set(Some(outcome));
        }
        None => problem.set(Some("Choose an outcome from the list")),
    };
    let close = {
        let path = path.clone();
        move |outcome: Outcome| {
            confirming.set(None);
            act.run((path("close"), body(&CloseRequest { outcome })));
        }
    };
    let release = {
        let path = path.clone();
        move |_| act.run((path("release"), serde_json::json!({})))
    };
    let select_id = format!("outcome-{}", flag.id);
    view! {
        <li class="stallside-record" id=format!("flag-{}", flag.id) data-testid="flag" data-band=flag.band.code() data-state=flag.state.code()>
            <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                <strong class=tag>{band.label()}</strong>
                " " {format!("{}/{}", flag.systolic, flag.diastolic)}
            </h2>
            <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">
                {borough_name(&flag.borough).unwrap_or("")} ", taken " {stallside_shared::calendar::date(flag.recorded_at_ms)} " at " {time_of_day(flag.recorded_at_ms)} ". "
                <strong class:stallside-reason=flag.overdue>{due}</strong>
            </p>
            {flag.outcome.map(|o| view! { <p class="nhsuk-body-s">"Outcome: " {o.label()}</p> })}
            {flag.contact_erased_at_ms.map(|at| view! {
                <p class="nhsuk-body-s stallside-retention" data-testid="retention-warning"><strong>{retention_text(at, now_ms())}</strong></p>
            })}
            {(flag.state == FollowUpState::Open && !flag.claimed_by_other && !coordinator).then(|| view! {
                <button class="nhsuk-button nhsuk-button--small" type="button" on:click=claim>"Claim"</button>
            })}
            {flag.claimed_by_other.then(|| view! {
                <p class="nhsuk-body-s" data-testid="claimed-by">{format!("Claimed by {}", flag.claimed_by_name.clone().unwrap_or_else(|| "another supervisor".into()))}</p>
            })}
            {(coordinator && flag.state == FollowUpState::Claimed).then(|| view! { <HandOver id=flag.id.clone() shown=shown /> })}
            {(flag.state == FollowUpState::Claimed && flag.claimed_by_me).then(|| view! {
                <div>
                    {flag.has_contact.then(|| view! {
                        <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=show_contact.clone()>"Show contact number"</button>
                    })}
                    {(!flag.has_contact).then(|| view! { <p class="nhsuk-body-s">"No contact details: the person did not agree to be contacted."</p> })}
                    {move || contact.get().map(|shown| match shown {
                        Ok(number) => view! {
                            <p class="nhsuk-body" data-testid="contact">
                                <a class="nhsuk-link" href=phone_link(&number)><strong>{phone_for_reading(&number)}</strong><span class="nhsuk-u-visually-hidden">": call"</span></a>
                            </p>
                        }.into_any(),
                        Err(text) => view! { <p class="nhsuk-body" data-testid="contact">{text}</p> }.into_any(),
                    })}
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click={let a = attempt.clone(); move |_| a(true)}>"Spoke to them"</button>
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click={let a = attempt.clone(); move |_| a(false)}>"No answer"</button>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for=select_id.clone()>"Outcome"</label>
                        {move || problem.get().map(|p| view! { <p class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{p}</p> })}
                        <select class="nhsuk-select" id=select_id.clone() on:change=move |ev| outcome.set(event_target_value(&ev))>
                            <option value="">"Choose"</option>
                            {Outcome::ALL.iter().map(|o| view! { <option value=o.code()>{o.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    {move || match confirming.get() {
                        Some(chosen) => {
                            let close = close.clone();
                            view! {
                                <div class="nhsuk-warning-callout" data-testid="confirm-close">
                                    <h3 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Close this flag?"</span></h3>
                                    <p>{format!("Outcome: {}. The person's contact number is deleted when the flag closes.", chosen.label())}</p>
                                    <button class="nhsuk-button nhsuk-button--small" type="button" on:click=move |_| close(chosen)>"Yes, close the flag"</button>
                                    " "
                                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                                </div>
                            }.into_any()
                        }
                        None => view! {
                            <button class="nhsuk-button nhsuk-button--small" type="button" on:click=ask_to_close>"Close flag"</button>
                        }.into_any(),
                    }}
                    " "
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=release.clone()>"Release to the queue"</button>
                </div>
            })}
            <RecordContext id=flag.id.clone() has_contact=Some(flag.has_contact) />
        </li>
    }
}

/// What a coordinator is about to do with a claim, waiting for "Yes".
#[derive(Clone)]
enum HandOverMove {
    To(SupervisorView),
    Release,
}

/// A coordinator's hand-over of a claimed flag: to another active supervisor of its borough
/// (the server's list) or back to the queue, each after a confirmation; a refusal is shown in
/// the NHS error summary, and the queue redraws with the new claimer after.
#[component]
fn HandOver(id: String, shown: WriteSignal<Vec<Flag>>) -> impl IntoView {
    let state = app_state();
    let choices = RwSignal::new(Vec::<SupervisorView>::new());
    let chosen = RwSignal::new(String::new());
    let confirming = RwSignal::new(None::<HandOverMove>);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let select_id = format!("hand-over-{id}");
    let path = move |action: &str| format!("/api/flags/{id}/{action}");
    let fail = {
        let select_id = select_id.clone();
        move |text: String| problems.set(vec![Problem::new(select_id.clone(), text)])
    };
    {
        let (url, fail) = (path("supervisors"), fail.clone());
        leptos::task::spawn_local(async move {
            match api::get::<Vec<SupervisorView>>(&url, token(&state).as_deref()).await {
                Ok(list) => choices.set(list),
                Err(e) => fail(failure_text(&state, &e)),
            }
        });
    }
    let ask = {
        let fail = fail.clone();
        move |_| {
            let picked = chosen.with_untracked(|c| {
                choices.with_untracked(|all| all.iter().find(|s| s.id == *c).cloned())
            });
            match picked {
                Some(to) => {
                    problems.set(Vec::new());
                    confirming.set(Some(HandOverMove::To(to)));
                }
                None => fail("Choose the supervisor to hand the flag to".into()),
            }
        }
    };
    let confirm = move |chosen_move: HandOverMove| {
        confirming.set(None);
        let (url, request) = match &chosen_move {
            HandOverMove::To(to) => (
                path("reassign"),
                body(&ReassignRequest { to: to.id.clone() }),
            ),
            HandOverMove::Release => (path("release"), serde_json::json!({})),
        };
        let fail = fail.clone();
        leptos::task::spawn_local(async move {
            match api::post::<_, Vec<Flag>>(&url, token(&state).as_deref(), &request).await {
                Ok(list) => shown.set(list),
                Err(e) => fail(failure_text(&state, &e)),
            }
        });
    };
    let error = {
        let select_id = select_id.clone();
        move || {
            problems.with(|all| {
                all.iter()
                    .find(|p| p.field == select_id)
                    .map(|p| p.message.clone())
            })
        }
    };
    let has_error = {
        let error = error.clone();
        move || error().is_some()
    };
    view! {
        <div data-testid="hand-over">
            <ErrorSummary problems=problems.into() />
            <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_error>
                <label class="nhsuk-label" for=select_id.clone()>"Hand over to"</label>
                {move || error().map(|text| view! { <p class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{text}</p> })}
                <select class="nhsuk-select" id=select_id.clone() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"Choose a supervisor"</option>
                    {move || choices.get().into_iter().map(|s| view! { <option value=s.id>{s.display_name}</option> }).collect_view()}
                </select>
            </div>
            {move || match confirming.get() {
                Some(chosen_move) => {
                    let (title, text, yes) = match &chosen_move {
                        HandOverMove::To(to) => (
                            format!("Hand this flag to {}?", to.display_name),
                            format!("{} will hold the claim and see the person's number. The attempts so far stay with the flag.", to.display_name),
                            "Yes, hand it over",
                        ),
                        HandOverMove::Release => (
                            "Release this flag to the queue?".to_owned(),
                            "Any supervisor of the borough can then claim it. The attempts so far stay with the flag.".to_owned(),
                            "Yes, release it",
                        ),
                    };
                    let confirm = confirm.clone();
                    view! {
                        <div class="nhsuk-warning-callout" data-testid="confirm-hand-over">
                            <h3 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>{title}</span></h3>
                            <p>{text}</p>
                            <button class="nhsuk-button nhsuk-button--small" type="button" on:click=move |_| confirm(chosen_move.clone())>{yes}</button>
                            " "
                            <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                        </div>
                    }.into_any()
                }
                None => {
                    let ask = ask.clone();
                    view! {
                        <div>
                            <button class="nhsuk-button nhsuk-button--small" type="button" on:click=ask>"Hand over"</button>
                            " "
                            <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=move |_| confirming.set(Some(HandOverMove::Release))>"Release to the queue"</button>
                        </div>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// Keeps the queue live while it is on screen: every announced flag reloads it, and a new
/// urgent one raises an alert (shown and, where the browser allows, heard) once.
fn follow_live(
    state: crate::state::AppState,
    flags: RwSignal<Vec<Flag>>,
    alert: RwSignal<Option<String>>,
) {
    let Some(token) = token(&state) else {
        return;
    };
    let alive = Arc::new(AtomicBool::new(true));
    let stop = Arc::clone(&alive);
    on_cleanup(move || stop.store(false, Ordering::Relaxed));
    let announced = RwSignal::new(std::collections::HashSet::<String>::new());
    live::follow(alive, token.clone(), move |flag| {
        if flag.band.is_urgent()
            && announced.try_update(|seen| seen.insert(flag.id.clone())) == Some(true)
        {
            alert.set(Some(format!(
                "A new {} flag is in the queue.",
                flag.band.label().to_lowercase()
            )));
            live::chime();
        }
        let token = token.clone();
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::get::<Vec<Flag>>("/api/flags", Some(&token)).await {
                flags.try_set(list);
            }
        });
    });
}

/// Whether a coordinator is signed in (who hands claims over rather than working them).
fn is_coordinator(state: crate::state::AppState) -> bool {
    state
        .session
        .get_untracked()
        .is_some_and(|s| s.user.role == Role::Coordinator)
}

/// A request body as JSON for the queue's actions.
fn body<T: serde::Serialize>(request: &T) -> serde_json::Value {
    serde_json::to_value(request).unwrap_or_default()
}

/// The retention warning on a flag whose contact number will soon be erased.
fn retention_text(erase_at_ms: i64, now_ms: i64) -> String {
    if erase_at_ms <= now_ms {
        "The contact number is due to be erased now: the programme keeps numbers for a set time."
            .into()
    } else {
        format!(
            "The contact number will be erased {}: the programme keeps numbers for a set time. Call before then.",
            countdown(erase_at_ms, now_ms).replacen("due ", "", 1)
        )
    }
}
