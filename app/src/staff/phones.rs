//! Coordinators' oversight of volunteers' phones: when each last synced, how many checks it
//! still held, its app version; and "stop this phone" for a lost or stolen one, asked twice.

use leptos::prelude::*;
use stallside_shared::api::DeviceView;
use stallside_shared::calendar::date;

use super::{failure_text, token, Notice};
use crate::api;
use crate::components::time_of_day;
use crate::state::app_state;

/// The phones list.
#[component]
pub fn PhonesScreen() -> impl IntoView {
    let state = app_state();
    let phones = RwSignal::new(Vec::<DeviceView>::new());
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::get::<Vec<DeviceView>>("/api/devices", token(&state).as_deref()).await {
                Ok(list) => phones.set(list),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    load();
    let stop = Callback::new(move |phone: DeviceView| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/devices/{}/{}/stop", phone.user_id, phone.device_id);
            match api::post_empty(&path, token(&state).as_deref(), &serde_json::json!({})).await {
                Ok(()) => {
                    notice.set(Some(format!(
                        "{}'s phone will send its checks and erase itself at its next sync.",
                        phone.display_name
                    )));
                    load();
                }
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    });
    view! {
        <h1>"Phones"</h1>
        <p class="nhsuk-body">"Each volunteer's phone as it was at its last sync. Stop a phone that is lost or stolen: at its next sync it sends the checks it holds, then erases everything on it."</p>
        <Notice message=notice />
        <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" on:click=move |_| load()>"Refresh"</button>
        {move || {
            let list = phones.get();
            if list.is_empty() {
                view! { <p class="nhsuk-body">"No phone has synced yet."</p> }.into_any()
            } else {
                view! {
                    <table class="nhsuk-table">
                        <caption class="nhsuk-table__caption">"Volunteers' phones"</caption>
                        <thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
                            <th class="nhsuk-table__header" scope="col">"Volunteer"</th>
                            <th class="nhsuk-table__header" scope="col">"Last sync"</th>
                            <th class="nhsuk-table__header" scope="col">"Checks waiting"</th>
                            <th class="nhsuk-table__header" scope="col">"App version"</th>
                            <th class="nhsuk-table__header" scope="col">"Stop"</th>
                        </tr></thead>
                        <tbody class="nhsuk-table__body">
                            {list.into_iter().map(|phone| view! { <PhoneRow phone=phone stop=stop /> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }
        }}
    }
}

/// One phone, with its stop button and the question that confirms it.
#[component]
fn PhoneRow(phone: DeviceView, stop: Callback<DeviceView>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let when = |ms: i64| format!("{} {}", date(ms), time_of_day(ms));
    let status = match (phone.stop_requested_at_ms, phone.stopped_at_ms) {
        (_, Some(told)) => Some(format!("Stopped: told to erase itself at {}", when(told))),
        (Some(asked), None) => Some(format!(
            "Stop asked at {}: waiting for its next sync",
            when(asked)
        )),
        (None, None) => None,
    };
    let short_id: String = phone.device_id.chars().take(8).collect();
    let name = phone.display_name.clone();
    view! {
        <tr class="nhsuk-table__row" data-testid="phone">
            <th class="nhsuk-table__header" scope="row">{phone.display_name.clone()}<br /><span class="nhsuk-body-s">{format!("Phone {short_id}")}</span></th>
            <td class="nhsuk-table__cell">{when(phone.last_sync_ms)}</td>
            <td class="nhsuk-table__cell" data-testid="waiting">{phone.unsynced}</td>
            <td class="nhsuk-table__cell">{phone.app_version.clone().unwrap_or_default()}</td>
            <td class="nhsuk-table__cell">
                {match status {
                    Some(text) => view! { <span data-testid="stop-status">{text}</span> }.into_any(),
                    None => view! {
                        {move || if asking.get() {
                            let (confirmed, name) = (phone.clone(), name.clone());
                            view! {
                                <p class="nhsuk-body-s">{format!("Stop {name}'s phone? It sends its checks, then erases everything on it.")}</p>
                                <button class="nhsuk-button nhsuk-button--warning nhsuk-button--small" type="button"
                                    on:click=move |_| stop.run(confirmed.clone())>"Yes, stop this phone"</button>
                                " "
                                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button"
                                    on:click=move |_| asking.set(false)>"Cancel"</button>
                            }.into_any()
                        } else {
                            view! {
                                <button class="stallside-link-button" type="button" on:click=move |_| asking.set(true)>
                                    "Stop this phone"<span class="nhsuk-u-visually-hidden">{format!(" of {name}")}</span>
                                </button>
                            }.into_any()
                        }}
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}
