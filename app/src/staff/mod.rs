//! The screens of the people behind the volunteers, online against the server: the
//! supervisors' flag queue and the coordinators' dashboard, events, volunteers, phones and
//! review.

mod audit;
mod board;
mod cards;
mod context;
mod dashboard;
mod events;
mod flags;
mod live;
mod phones;
mod review;
mod settings;
mod volunteers;

use audit::AuditScreen;
use cards::CardSheetScreen;
use dashboard::DashboardScreen;
use events::EventsScreen;
use flags::FlagQueue;
use phones::PhonesScreen;
use review::ReviewScreen;
use settings::SettingsScreen;
use volunteers::VolunteersScreen;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::signin::SignIn;
use crate::state::{app_state, AppState, Screen};
use crate::{Header, OtherApp};

/// The coordinators' and supervisors' app: online screens against the server. It shares
/// the phone app's sign-in (the session is in the same IndexedDB) but keeps no records.
#[component]
pub fn StaffApp() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    leptos::task::spawn_local(async move {
        if let Err(e) = crate::state::start(state, false).await {
            state.storage_error.set(Some(e.to_string()));
        }
    });
    view! {
        <a class="nhsuk-skip-link" href="#maincontent">"Skip to main content"</a>
        <Header staff=true />
        <div class="nhsuk-width-container">
            <main class="nhsuk-main-wrapper nhsuk-main-wrapper--s" id="maincontent" role="main" tabindex="-1">
                <StaffScreen />
            </main>
        </div>
    }
}

#[component]
fn StaffScreen() -> impl IntoView {
    let state = app_state();
    move || match state.screen.get() {
        Screen::Loading => view! { <p class="nhsuk-body">"Opening…"</p> }.into_any(),
        Screen::SignIn => view! { <SignIn /> }.into_any(),
        Screen::Flags => view! { <FlagQueue /> }.into_any(),
        Screen::Dashboard => view! { <DashboardScreen /> }.into_any(),
        Screen::Events => view! { <EventsScreen /> }.into_any(),
        Screen::Volunteers => view! { <VolunteersScreen /> }.into_any(),
        Screen::Review => view! { <ReviewScreen /> }.into_any(),
        Screen::Phones => view! { <PhonesScreen /> }.into_any(),
        Screen::Audit => view! { <AuditScreen /> }.into_any(),
        Screen::Settings => view! { <SettingsScreen /> }.into_any(),
        Screen::Cards => view! { <CardSheetScreen /> }.into_any(),
        Screen::Stall | Screen::Capture(_) | Screen::Records => {
            view! { <OtherApp href="/" label="Open the volunteers' app" /> }.into_any()
        }
    }
}

/// The signed-in token, for a call to the server.
pub fn token(state: &AppState) -> Option<String> {
    state.session.get_untracked().map(|s| s.token)
}

/// Shows an API failure the way the screens agree on; a signed-out session goes to sign-in.
pub fn failure_text(state: &AppState, error: &ApiError) -> String {
    if matches!(error, ApiError::SignedOut) {
        state.signed_out.set(true);
        state.screen.set(crate::state::Screen::SignIn);
    }
    error.to_string()
}

/// A refused form as NHS error-summary problems: the server names the field first ("Venue:
/// ..."), which picks the input the summary links to; anything else goes to `fallback`.
pub fn form_problems(
    state: &AppState,
    error: &ApiError,
    fields: &[(&str, &'static str)],
    fallback: &'static str,
) -> Vec<crate::components::Problem> {
    let text = failure_text(state, error);
    let field = fields
        .iter()
        .find(|(prefix, _)| text.starts_with(&format!("{prefix}:")))
        .map_or(fallback, |(_, id)| *id);
    vec![crate::components::Problem::new(field, text)]
}

/// "in 3 h", "overdue by 2 days": a deadline as a countdown.
pub fn countdown(deadline_ms: i64, now_ms: i64) -> String {
    let minutes = (deadline_ms - now_ms) / 60_000;
    let span = |m: i64| {
        let m = m.abs();
        if m >= 2 * 24 * 60 {
            format!("{} days", m / (24 * 60))
        } else if m >= 120 {
            format!("{} h", m / 60)
        } else {
            format!("{m} min")
        }
    };
    if minutes < 0 {
        format!("overdue by {}", span(minutes))
    } else {
        format!("due in {}", span(minutes))
    }
}

/// A message line under a heading (errors and confirmations).
#[component]
pub fn Notice(message: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <div class="nhsuk-inset-text" role="status" id="notice" tabindex="-1"><p>{m}</p></div> })
    }
}

/// Moves focus to the screen's notice once it is drawn: after an action that removes the row
/// it was pressed on, focus must not land on the next row's button, where a second press
/// would act on the wrong record.
pub fn focus_notice() {
    crate::focus_next_frame(|| {
        if let Some(notice) = document().get_element_by_id("notice") {
            if let Ok(notice) = notice.dyn_into::<web_sys::HtmlElement>() {
                let _ = notice.focus();
            }
        }
    });
}

/// A table of numbers: a header row and one labelled row a group (reports and the board).
#[component]
pub fn NumberTable(heads: Vec<String>, rows: Vec<(String, Vec<String>)>) -> impl IntoView {
    view! {
        <table class="nhsuk-table">
            <thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
                <th class="nhsuk-table__header" scope="col">""</th>
                {heads.into_iter().map(|h| view! { <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">{h}</th> }).collect_view()}
            </tr></thead>
            <tbody class="nhsuk-table__body">
                {rows.into_iter().map(|(label, cells)| view! {
                    <tr class="nhsuk-table__row">
                        <th class="nhsuk-table__header" scope="row">{label}</th>
                        {cells.into_iter().map(|c| view! { <td class="nhsuk-table__cell nhsuk-table__cell--numeric">{c}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::countdown;

    #[test]
    fn countdowns_read_naturally() {
        let h = 3_600_000;
        assert_eq!(countdown(3 * h, 0), "due in 3 h");
        assert_eq!(countdown(30 * 60_000, 0), "due in 30 min");
        assert_eq!(countdown(-5 * 24 * h, 0), "overdue by 5 days");
    }
}
