//! Coordinators' volunteer and supervisor accounts: invite (a first password shown once),
//! disable, and revoke a lost phone's sessions; a supervisor is invited with the email address
//! that escalation writes to, and cannot be disabled while following up flags.

use leptos::prelude::*;
use stallside_shared::api::{Account, Invite, Invited};
use stallside_shared::crdt::Role;

use super::{failure_text, form_problems, token, Notice};
use crate::api;
use crate::components::{problem_for, Choice, ErrorSummary, Problem, TextField};
use crate::state::app_state;

/// Volunteers and supervisors: list, invite, disable, revoke.
#[component]
pub fn VolunteersScreen() -> impl IntoView {
    let state = app_state();
    let accounts = RwSignal::new(Vec::<Account>::new());
    let notice = RwSignal::new(None::<String>);
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Volunteer);
    let email = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<Problem>::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::get::<Vec<Account>>("/api/users", token(&state).as_deref()).await {
                Ok(list) => accounts.set(
                    list.into_iter()
                        .filter(|a| matches!(a.role, Role::Volunteer | Role::Supervisor))
                        .collect(),
                ),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    load();
    let invite = move |_| {
        let request = Invite {
            username: username.get_untracked(),
            display_name: display_name.get_untracked(),
            areas: state
                .session
                .get_untracked()
                .map(|s| s.user.areas)
                .unwrap_or_default(),
            phone: Some(phone.get_untracked())
                .filter(|p| !p.trim().is_empty() && role.get_untracked() == Role::Volunteer),
            role: role.get_untracked(),
            email: Some(email.get_untracked())
                .filter(|e| !e.trim().is_empty() && role.get_untracked() == Role::Supervisor),
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, Invited>("/api/users", token(&state).as_deref(), &request).await {
                Ok(invited) => {
                    problems.set(Vec::new());
                    notice.set(Some(format!(
                        "Invited {}. Their first password is {} (shown once: give it to them in person).",
                        request.username, invited.temporary_password
                    )));
                    username.set(String::new());
                    display_name.set(String::new());
                    phone.set(String::new());
                    email.set(String::new());
                    load();
                }
                Err(e) => problems.set(form_problems(
                    &state,
                    &e,
                    &[
                        ("Username", "invite-username"),
                        ("Display name", "invite-name"),
                        ("Phone", "invite-phone"),
                        ("Email", "invite-email"),
                    ],
                    "invite-name",
                )),
            }
        });
    };
    let act = move |path: String, done: &'static str| {
        leptos::task::spawn_local(async move {
            match api::post_empty(&path, token(&state).as_deref(), &serde_json::json!({})).await {
                Ok(()) => {
                    notice.set(Some(done.to_owned()));
                    load();
                }
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    view! {
        <h1>"Volunteers and supervisors"</h1>
        <Notice message=notice />
        <table class="nhsuk-table">
            <thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
                <th class="nhsuk-table__header" scope="col">"Name"</th>
                <th class="nhsuk-table__header" scope="col">"Role"</th>
                <th class="nhsuk-table__header" scope="col">"Devices signed in"</th>
                <th class="nhsuk-table__header" scope="col">"Actions"</th>
            </tr></thead>
            <tbody class="nhsuk-table__body">
                {move || accounts.get().into_iter().map(|a| {
                    let (revoke, disable) = (format!("/api/users/{}/revoke-sessions", a.id), format!("/api/users/{}/disable", a.id));
                    view! {
                        <tr class="nhsuk-table__row">
                            <th class="nhsuk-table__header" scope="row">{a.display_name.clone()}<br /><span class="nhsuk-body-s">{a.username.clone()}</span></th>
                            <td class="nhsuk-table__cell">{a.role.label()}</td>
                            <td class="nhsuk-table__cell">{if a.disabled { "Disabled".to_owned() } else { a.active_sessions.to_string() }}</td>
                            <td class="nhsuk-table__cell">
                                {(!a.disabled).then(|| view! {
                                    <button class="stallside-link-button" type="button" on:click={let r = revoke.clone(); move |_| act(r.clone(), "Signed out everywhere")}>
                                        "Sign out everywhere"<span class="nhsuk-u-visually-hidden">{format!(" for {}", a.display_name)}</span>
                                    </button>
                                    <br />
                                    <button class="stallside-link-button" type="button" on:click={let d = disable.clone(); move |_| act(d.clone(), "Account disabled")}>
                                        "Disable"<span class="nhsuk-u-visually-hidden">{format!(" {}", a.display_name)}</span>
                                    </button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h2>"Invite a volunteer or supervisor"</h2>
        <ErrorSummary problems=problems.into() />
        <Choice legend="Role" name="invite-role" inline=true
            options=vec![(Role::Volunteer.code(), Role::Volunteer.label()), (Role::Supervisor.code(), Role::Supervisor.label())]
            selected=Signal::derive(move || Some(role.get().code()))
            on_pick=Callback::new(move |code: &'static str| role.set(Role::from_code(code).unwrap_or(Role::Volunteer))) />
        <TextField label="Name" id="invite-name" value=display_name error=problem_for(problems.into(), "invite-name") />
        <TextField label="Username" id="invite-username" value=username autocomplete="off" error=problem_for(problems.into(), "invite-username") />
        {move || match role.get() {
            Role::Supervisor => view! {
                <TextField label="Email (optional)" id="invite-email" value=email kind="email" autocomplete="off" hint="Emergency and overdue flags in their boroughs are emailed here: a link and the band only." error=problem_for(problems.into(), "invite-email") />
            }.into_any(),
            _ => view! {
                <TextField label="Work phone (optional)" id="invite-phone" value=phone kind="tel" autocomplete="off" width="20" hint="Supervisors following up this volunteer's flagged checks can call it." error=problem_for(problems.into(), "invite-phone") />
            }.into_any(),
        }}
        <button class="nhsuk-button" type="button" on:click=invite>"Invite"</button>
    }
}
