//! Coordinators' programme settings: how long contact numbers are kept (and how early
//! supervisors are warned), after how many years checks are pseudonymised, and whether phones
//! offer the person only reviewed translations. Saved on the server, which checks them again,
//! audits the change and sends them to phones with their next sync.

use leptos::prelude::*;
use stallside_shared::api::RetentionSettings;

use super::{failure_text, form_problems, token, Notice};
use crate::api;
use crate::components::{problem_for, Choice, ErrorSummary, Problem, TextField};
use crate::state::app_state;

/// The answers of the translations question.
const REVIEWED_ONLY: [(&str, &str); 2] = [
    ("yes", "Yes: only reviewed translations"),
    ("no", "No: drafts too, marked as drafts for the volunteer"),
];

/// The settings form, filled with what is in force.
#[component]
pub fn SettingsScreen() -> impl IntoView {
    let state = app_state();
    let notice = RwSignal::new(None::<String>);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let days = RwSignal::new(String::new());
    let warning = RwSignal::new(String::new());
    let years = RwSignal::new(String::new());
    let reviewed_only = RwSignal::new(None::<&'static str>);
    let show = move |s: RetentionSettings| {
        days.set(s.contact_retention_days.to_string());
        warning.set(s.contact_warning_days.to_string());
        years.set(s.pseudonymise_after_years.to_string());
        reviewed_only.set(Some(if s.reviewed_languages_only {
            "yes"
        } else {
            "no"
        }));
    };
    leptos::task::spawn_local(async move {
        match api::get::<RetentionSettings>("/api/settings", token(&state).as_deref()).await {
            Ok(settings) => show(settings),
            Err(e) => notice.set(Some(failure_text(&state, &e))),
        }
    });
    let save = move |_| {
        notice.set(None);
        let read = RetentionSettings::from_form(
            &days.get_untracked(),
            &warning.get_untracked(),
            &years.get_untracked(),
            reviewed_only.get_untracked() == Some("yes"),
        );
        let settings = match read {
            Ok(settings) => settings,
            Err(found) => {
                problems.set(
                    found
                        .into_iter()
                        .map(|p| Problem::new(p.field, p.message))
                        .collect(),
                );
                return;
            }
        };
        leptos::task::spawn_local(async move {
            let saved = api::put::<_, RetentionSettings>(
                "/api/settings",
                token(&state).as_deref(),
                &settings,
            )
            .await;
            match saved {
                Ok(saved) => {
                    problems.set(Vec::new());
                    show(saved);
                    notice.set(Some(
                        "Settings saved. Phones get them at their next sync.".into(),
                    ));
                    super::focus_notice();
                }
                Err(e) => problems.set(form_problems(&state, &e, &[], "contact-retention-days")),
            }
        });
    };
    let error = move |field: &'static str| problem_for(problems.into(), field);
    view! {
        <h1>"Programme settings"</h1>
        <Notice message=notice />
        <ErrorSummary problems=problems.into() />
        <h2 class="nhsuk-heading-m">"Contact numbers"</h2>
        <TextField label="Days a contact number is kept" id="contact-retention-days" value=days numeric=true width="3"
            hint="Erased after this many days even if the follow-up is still open" error=error("contact-retention-days") />
        <TextField label="Days of warning before it is erased" id="contact-warning-days" value=warning numeric=true width="3"
            hint="Supervisors see the warning in their queue for these days" error=error("contact-warning-days") />
        <h2 class="nhsuk-heading-m">"Check records"</h2>
        <TextField label="Years before a check is pseudonymised" id="pseudonymise-after-years" value=years numeric=true width="3"
            hint="Then its date becomes its month, and the volunteer, the stall, the small area and any free text are removed" error=error("pseudonymise-after-years") />
        <h2 class="nhsuk-heading-m">"Translations"</h2>
        <Choice legend="Offer only reviewed translations on phones?" name="reviewed-only"
            options=REVIEWED_ONLY.to_vec() selected=reviewed_only on_pick=Callback::new(move |c| reviewed_only.set(Some(c)))
            hint="Draft translations have not been checked by a reviewer. English is always offered." />
        <button class="nhsuk-button" type="button" on:click=save>"Save settings"</button>
    }
}
