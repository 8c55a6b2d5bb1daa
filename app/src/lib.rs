//! Stallside's app: the volunteer's offline capture flow and the coordinator's and
//! supervisor's screens, one Leptos CSR bundle served by the Stallside server.

use leptos::prelude::*;

/// The whole app: the NHS header and the screen for where the person is.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="nhsuk-header" role="banner">
            <div class="nhsuk-header__container nhsuk-width-container">
                <span class="nhsuk-header__service-name">"Stallside"</span>
            </div>
        </header>
        <div class="nhsuk-width-container">
            <main class="nhsuk-main-wrapper" id="maincontent" role="main">
                <h1>"Stallside"</h1>
                <p class="nhsuk-body">"Blood pressure checks at community stalls."</p>
            </main>
        </div>
    }
}
