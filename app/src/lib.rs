//! Stallside's apps, two Leptos CSR bundles from one crate: the volunteers' offline-first
//! phone app ([`App`], served at `/`) and the coordinators' and supervisors' online screens
//! ([`StaffApp`], served at `/staff/`). They share sign-in, state and components; keeping the
//! staff screens out of the phone's bundle keeps the phone's first download small.

mod api;
mod assets;
mod capture;
mod components;
mod debrief;
mod records;
mod signin;
mod signout;
mod staff;
pub use staff::StaffApp;
mod stall;
mod state;
pub mod store;
mod sync;

use leptos::prelude::*;

use capture::CheckForm;
use records::RecordsList;
use signin::SignIn;
use signout::SignOutItem;
use stall::StallPicker;
use stallside_shared::crdt::Role;
use state::{app_state, AppState, Screen};

/// The whole app: the NHS header with the sync status, and the screen for where the person
/// is. The person's own screen ("Your numbers") is shown with none of the app around it.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    leptos::task::spawn_local(async move {
        match state::start(state, true).await {
            Ok(()) => {
                mark_ready();
                sync::start(state);
            }
            Err(e) => state.storage_error.set(Some(e.to_string())),
        }
    });
    // A new screen starts at its heading, not on the control that led there.
    Effect::new(move |previous: Option<Screen>| {
        let screen = state.screen.get();
        if previous.is_some_and(|p| p != screen) {
            capture::new_screen();
        }
        screen
    });
    let chrome = move || !state.participant_view.get();
    view! {
        {move || chrome().then(|| view! {
            <a class="nhsuk-skip-link" href="#maincontent">"Skip to main content"</a>
            <Header staff=false />
        })}
        <div class="nhsuk-width-container">
            <main class="nhsuk-main-wrapper nhsuk-main-wrapper--s" id="maincontent" role="main" tabindex="-1">
                {move || state.storage_error.get().map(|e| view! {
                    <div class="nhsuk-error-summary" role="alert">
                        <h2 class="nhsuk-error-summary__title">"This phone cannot store checks"</h2>
                        <div class="nhsuk-error-summary__body"><p>{e}</p></div>
                    </div>
                })}
                {move || match state.leaving.get() {
                    Some(to) => view! { <LeaveCheck to=to /> }.into_any(),
                    None => view! { <CurrentScreen /> }.into_any(),
                }}
            </main>
        </div>
    }
}

/// Asked before leaving a check part-way through for another screen.
#[component]
fn LeaveCheck(to: Screen) -> impl IntoView {
    let state = app_state();
    focus_next_frame(focus_heading);
    view! {
        <h1>"Leave this check?"</h1>
        <p class="nhsuk-body">"The answers so far stay on this phone. Choose New check to carry on where you left off."</p>
        <div class="stallside-answers">
            <button class="nhsuk-button" type="button" on:click=move |_| {
                state.leaving.set(None);
                state.screen.set(to);
            }>"Leave the check"</button>
            <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| state.leaving.set(None)>
                "Stay on the check"
            </button>
        </div>
    }
}

/// Moves focus to the screen's main heading, so a screen reader starts there and no button
/// of the last screen stays focused.
pub fn focus_heading() {
    focus_first("main h1");
}

/// Runs `focus` once the next frame is drawn (a new screen's heading, an error summary) unless
/// focus moved to another element since the call (made by the press that changes the screen):
/// a quick tap into a field keeps it, and the typing, from a late focus move.
pub fn focus_next_frame(focus: fn()) {
    let before = focused();
    request_animation_frame(move || {
        let now = focused();
        if now.is_none() || now == before {
            focus();
        }
    });
}

/// The focused element, unless it is the page itself.
fn focused() -> Option<web_sys::Element> {
    let document = web_sys::window()?.document()?;
    let active = document.active_element()?;
    let body: Option<web_sys::Element> = document.body().map(Into::into);
    (Some(&active) != body.as_ref()).then_some(active)
}

/// Opens the browser's print dialogue (the take-away card, sheets of participant cards).
pub fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// Moves focus to (and so into view) the first element matching `selector`, made focusable
/// for it: a new screen's heading, the error summary, the prompt for the next reading.
pub fn focus_first(selector: &str) {
    use wasm_bindgen::JsCast;
    let found = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = found {
        let _ = element.set_attribute("tabindex", "-1");
        let _ = element.focus();
    }
}

#[component]
fn CurrentScreen() -> impl IntoView {
    let state = app_state();
    move || {
        match state.screen.get() {
        Screen::Loading => view! { <p class="nhsuk-body">"Opening…"</p> }.into_any(),
        Screen::SignIn => view! { <SignIn /> }.into_any(),
        Screen::Stall => view! { <StallPicker /> }.into_any(),
        Screen::Capture(correcting) => view! { <CheckForm correcting=correcting /> }.into_any(),
        Screen::Records => view! { <RecordsList /> }.into_any(),
        Screen::Flags
        | Screen::Dashboard
        | Screen::Events
        | Screen::Volunteers
        | Screen::Review
        | Screen::Phones
        | Screen::Audit
        | Screen::Settings
        | Screen::Cards => {
            view! { <OtherApp href="/staff/" label="Open the coordinator and supervisor screens" /> }.into_any()
        }
    }
    }
}

/// Sends a person to the other app for their role (the page loads it; no data moves).
#[component]
fn OtherApp(href: &'static str, label: &'static str) -> impl IntoView {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(href);
    }
    view! { <p class="nhsuk-body"><a href=href>{label}</a></p> }
}

/// The NHS header with the service name and the navigation for the person's role in this
/// app (`staff`: the coordinator and supervisor app).
#[component]
fn Header(staff: bool) -> impl IntoView {
    let state = app_state();
    let role = Memo::new(move |_| {
        state
            .session
            .with(|s| s.as_ref().map(|s| s.user.role))
            .filter(|_| !state.signed_out.get())
    });
    let nav = move |label: &'static str, screen: Screen| {
        view! {
            <li class="nhsuk-header__navigation-item">
                <button class="nhsuk-header__navigation-link stallside-link-button" type="button"
                    aria-current=move || (state.screen.get() == screen).then_some("page")
                    on:click=move |_| state.go_to(screen)>{label}</button>
            </li>
        }
    };
    view! {
        <header class="nhsuk-header" role="banner">
            <div class="nhsuk-header__container nhsuk-width-container">
                <div class="nhsuk-header__service">
                    <span class="nhsuk-header__service-name">"Stallside"</span>
                </div>
                {(!staff).then(|| view! { <SyncStatus /> })}
            </div>
            {move || role.get().map(|role| {
                let items = match role {
                    _ if staff != (role != Role::Volunteer) => Vec::new(),
                    Role::Supervisor => vec![nav("Flags", Screen::Flags)],
                    Role::Coordinator => vec![
                        nav("Dashboard", Screen::Dashboard),
                        nav("Flags", Screen::Flags),
                        nav("Review", Screen::Review),
                        nav("Events", Screen::Events),
                        nav("Volunteers", Screen::Volunteers),
                        nav("Phones", Screen::Phones),
                        nav("Audit", Screen::Audit),
                        nav("Settings", Screen::Settings),
                        nav("Cards", Screen::Cards),
                    ],
                    Role::Volunteer => vec![nav("New check", Screen::Capture(None)), nav("Checks", Screen::Records), nav("Stall", Screen::Stall)],
                };
                let sign_out = (!items.is_empty()).then(|| view! { <SignOutItem /> });
                view! {
                    <nav class="nhsuk-header__navigation" aria-label="Menu">
                        <div class="nhsuk-header__navigation-container nhsuk-width-container">
                            <ul class="nhsuk-header__navigation-list">{items}{sign_out}</ul>
                        </div>
                    </nav>
                }
            })}
        </header>
    }
}

/// One line in the header: how many checks are not yet on the server. The detail and
/// "Sync now" are a tap away, so the status never pushes the screen down.
#[component]
fn SyncStatus() -> impl IntoView {
    let state = app_state();
    let unsynced = state.unsynced();
    let open = RwSignal::new(false);
    let text = move || {
        let n = unsynced.get();
        let sync = state.sync.get();
        if state.signed_out.get() {
            return format!("{n} not sent: sign in again");
        }
        match (n, sync.running) {
            (0, _) => "All checks synced".to_owned(),
            (n, true) => format!("Sending {n} {}…", plural(n)),
            (n, false) => format!("{n} {} on this phone only", plural(n)),
        }
    };
    let detail = move || {
        let sync = state.sync.get();
        match (&sync.last_error, sync.last_success_ms) {
            (Some(_), _) => "No connection to the server: checks stay safe on this phone and are sent when there is signal.",
            (None, Some(_)) => "Checks are sent to the server whenever there is signal.",
            (None, None) => "Checks are sent to the server when there is signal.",
        }
    };
    let visible = Memo::new(move |_| {
        state
            .session
            .with(|s| s.as_ref().is_some_and(|s| s.user.role == Role::Volunteer))
            || unsynced.get() > 0
    });
    view! {
        {move || visible.get().then(|| view! {
            <div class="stallside-sync">
                <button class="stallside-sync__line" type="button" data-testid="syncbar"
                    aria-expanded=move || open.get().to_string() aria-controls="sync-detail"
                    data-unsynced=move || unsynced.get().to_string()
                    data-records=move || state.records.with(|r| r.len()).to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    <span role="status" aria-live="polite">{text}</span>
                </button>
                {move || state.signed_out.get().then(|| view! {
                    <button class="nhsuk-button nhsuk-button--small nhsuk-button--reverse stallside-sync__signin" type="button"
                        on:click=move |_| state.screen.set(Screen::SignIn)>"Sign in again"</button>
                })}
                {move || open.get().then(|| view! {
                    <div class="stallside-sync__detail" id="sync-detail">
                        <p class="nhsuk-body-s">{detail}</p>
                        <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button"
                            disabled=move || state.sync.with(|s| s.running)
                            on:click=move |_| state.kick_sync()>"Sync now"</button>
                    </div>
                })}
            </div>
        })}
    }
}

/// Records on `window.stallsideReadyMs` when the app had loaded every check and chosen its
/// first screen, for the browser benchmark.
fn mark_ready() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let ms = window.performance().map_or(0.0, |p| p.now());
    let _ = js_sys::Reflect::set(&window, &"stallsideReadyMs".into(), &ms.into());
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "check"
    } else {
        "checks"
    }
}
