//! Signing out, on the phone and the staff app alike. The token stops working on the server
//! (when there is signal) and leaves the device; checks not yet on the server stay on the phone
//! and are sent after the next sign-in, and the volunteer is told so before signing out.

use leptos::prelude::*;

use crate::api;
use crate::state::{app_state, Screen};
use crate::store;

/// "Sign out" in the menu, asking first when checks are still waiting on the phone.
#[component]
pub fn SignOutItem() -> impl IntoView {
    let state = app_state();
    let waiting = state.unsynced();
    let asking = RwSignal::new(false);
    let sign_out = move || {
        asking.set(false);
        leptos::task::spawn_local(async move {
            if let Some(session) = state.session.get_untracked() {
                // Offline, the token cannot be revoked now; it still leaves the phone, and it
                // expires on the server by itself.
                let _ =
                    api::post_empty("/api/logout", Some(&session.token), &serde_json::json!({}))
                        .await;
            }
            let forgotten = match store::get().await {
                Ok(store) => store.delete_meta("session").await,
                Err(e) => Err(e),
            };
            match forgotten {
                Ok(()) => {
                    state.session.set(None);
                    state.signed_out.set(false);
                    state.screen.set(Screen::SignIn);
                }
                Err(e) => state.storage_error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <li class="nhsuk-header__navigation-item">
            <button class="nhsuk-header__navigation-link stallside-link-button" type="button"
                on:click=move |_| {
                    if waiting.get_untracked() > 0 {
                        asking.set(true);
                    } else {
                        sign_out();
                    }
                }>
                "Sign out"
            </button>
        </li>
        {move || asking.get().then(|| view! {
            <li class="nhsuk-header__navigation-item stallside-signout-warning" data-testid="signout-warning">
                <div class="nhsuk-warning-callout">
                    <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Checks not sent yet"</span></h2>
                    <p>{move || format!("{} checks are not on the server yet. They stay on this phone and are sent after you sign in again.", waiting.get())}</p>
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=move |_| sign_out()>"Sign out anyway"</button>
                    " "
                    <button class="nhsuk-button nhsuk-button--small" type="button" on:click=move |_| asking.set(false)>"Stay signed in"</button>
                </div>
            </li>
        })}
    }
}
