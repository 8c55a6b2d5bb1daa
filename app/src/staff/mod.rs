//! The screens of the people behind the volunteers, online against the server: the
//! supervisors' flag queue and the coordinators' dashboard, events, volunteers and review.

mod dashboard;
mod events;
mod flags;
mod review;
mod volunteers;

pub use dashboard::DashboardScreen;
pub use events::EventsScreen;
pub use flags::FlagQueue;
pub use review::ReviewScreen;
pub use volunteers::VolunteersScreen;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::state::AppState;

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
            .map(|m| view! { <div class="nhsuk-inset-text" role="status"><p>{m}</p></div> })
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
