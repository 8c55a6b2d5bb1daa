//! Signing in, once, online. The session is kept on the phone and survives offline use and
//! restarts; when it ends, unsynced checks stay and wait for the next sign-in.

use leptos::prelude::*;
use stallside_shared::api::{LoginRequest, LoginResponse};

use crate::api;
use crate::components::{ErrorSummary, Problem, TextField};
use crate::state::{app_state, Screen};
use crate::store;

/// The sign-in form.
#[component]
pub fn SignIn() -> impl IntoView {
    let state = app_state();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<Problem>::new());
    let busy = RwSignal::new(false);
    let waiting = state.unsynced();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(device) = state.device.get_untracked() else {
            return;
        };
        busy.set(true);
        let request = LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
            device_id: device.device_id,
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, LoginResponse>("/api/login", None, &request).await {
                Ok(session) => {
                    let stored = match store::get().await {
                        Ok(s) => s.set_meta("session", &session).await,
                        Err(e) => Err(e),
                    };
                    match stored {
                        Ok(()) => {
                            let home = Screen::home(
                                session.user.role,
                                state.stall.get_untracked().is_some(),
                            );
                            state.session.set(Some(session));
                            state.signed_out.set(false);
                            state.stopped.set(false);
                            password.set(String::new());
                            state.screen.set(home);
                            state.kick_sync();
                        }
                        Err(e) => problems.set(vec![Problem::new("username", e.to_string())]),
                    }
                }
                Err(api::ApiError::Offline) => problems.set(vec![Problem::new(
                    "username",
                    "No signal: signing in needs a connection once",
                )]),
                Err(api::ApiError::SignedOut) => problems.set(vec![Problem::new(
                    "username",
                    "The username or password is not right",
                )]),
                Err(e) => problems.set(vec![Problem::new("username", e.to_string())]),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>"Sign in"</h1>
        {move || state.stopped.get().then(|| view! {
            <div class="nhsuk-inset-text" data-testid="stopped">
                <span class="nhsuk-u-visually-hidden">"Information: "</span>
                <p>"A coordinator stopped this phone. Its checks were sent to the server, then everything on it was erased."</p>
            </div>
        })}
        {move || (waiting.get() > 0).then(|| view! {
            <div class="nhsuk-warning-callout">
                <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Checks waiting"</span></h2>
                <p>{move || format!("{} checks are on this phone and will be sent when you sign in.", waiting.get())}</p>
            </div>
        })}
        <ErrorSummary problems=problems.into() />
        <form on:submit=submit novalidate>
            <TextField label="Username" id="username" value=username autocomplete="username" />
            <TextField label="Password" id="password" value=password kind="password" autocomplete="current-password" />
            <button class="nhsuk-button" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}
