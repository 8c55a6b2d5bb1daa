//! The coordinators' dashboard: reach and equity at a glance, with bar charts a person would
//! rather look at than read, filters, and CSV exports of the records and of every table.

use leptos::prelude::*;
use stallside_shared::record::{borough_name, VenueType};
use stallside_shared::reports::{Count, Dashboard, Row};

use super::{failure_text, token, Notice};
use crate::api;
use crate::state::app_state;

/// The dashboard.
#[component]
pub fn DashboardScreen() -> impl IntoView {
    let state = app_state();
    let data = RwSignal::new(None::<Dashboard>);
    let notice = RwSignal::new(None::<String>);
    let borough = RwSignal::new(String::new());
    let venue_type = RwSignal::new(String::new());
    let query = move || {
        let mut q = Vec::new();
        if !borough.get_untracked().is_empty() {
            q.push(format!("borough={}", borough.get_untracked()));
        }
        if !venue_type.get_untracked().is_empty() {
            q.push(format!("venue_type={}", venue_type.get_untracked()));
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    };
    let load = move || {
        let url = format!("/api/reports/dashboard{}", query());
        leptos::task::spawn_local(async move {
            match api::get::<Dashboard>(&url, token(&state).as_deref()).await {
                Ok(d) => data.set(Some(d)),
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    load();
    let download = move |path: String, name: &'static str| {
        let Some(t) = token(&state) else { return };
        let url = format!("{path}{}", query());
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download(&url, &t, name).await {
                notice.set(Some(failure_text(&state, &e)));
            }
        });
    };
    let areas = state
        .session
        .get_untracked()
        .map(|s| s.user.areas)
        .unwrap_or_default();
    view! {
        <h1>"Reach and equity"</h1>
        <Notice message=notice />
        <div class="stallside-filters">
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-borough">"Borough"</label>
                <select class="nhsuk-select" id="filter-borough" on:change=move |ev| { borough.set(event_target_value(&ev)); load(); }>
                    <option value="">"All my boroughs"</option>
                    {areas.into_iter().map(|a| { let name = borough_name(&a).unwrap_or("").to_owned(); view! { <option value=a>{name}</option> } }).collect_view()}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-venue">"Venue type"</label>
                <select class="nhsuk-select" id="filter-venue" on:change=move |ev| { venue_type.set(event_target_value(&ev)); load(); }>
                    <option value="">"All venues"</option>
                    {VenueType::ALL.iter().map(|v| view! { <option value=v.code()>{v.label()}</option> }).collect_view()}
                </select>
            </div>
        </div>
        {move || data.get().map(|d| view! { <DashboardBody dashboard=d /> })}
        <h2>"Download"</h2>
        <ul class="nhsuk-list">
            <li><button class="stallside-link-button" type="button" on:click=move |_| download("/api/reports/export/records.csv".into(), "stallside-records.csv")>"All records (CSV, no personal details)"</button></li>
            {["bands", "barriers", "by_borough", "by_event", "by_venue_type", "by_week", "by_volunteer", "by_ethnicity", "by_language"].into_iter().map(|table| view! {
                <li><button class="stallside-link-button" type="button"
                    on:click=move |_| download(format!("/api/reports/export/tables/{table}"), "stallside-table.csv")>
                    {format!("Table: {} (CSV)", table.replace('_', " "))}
                </button></li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn DashboardBody(dashboard: Dashboard) -> impl IntoView {
    let t = &dashboard.totals;
    let share = |part: u64, whole: u64| {
        if whole == 0 {
            "–".to_owned()
        } else {
            format!("{:.0}%", part as f64 * 100.0 / whole as f64)
        }
    };
    let flags = &dashboard.flags;
    view! {
        <div class="stallside-tiles" data-testid="totals" data-checks=t.checks.to_string() data-newly=t.newly_identified.to_string()
            data-severe=t.severe.to_string()>
            <Tile label="Checks (people)" value=t.checks.to_string() />
            <Tile label="Events" value=dashboard.events.to_string() />
            <Tile label="Newly identified high" value=t.newly_identified.to_string() />
            <Tile label="Very high or emergency" value=t.severe.to_string() />
            <Tile label="Signposted" value=share(t.signposted, t.checks) />
            <Tile label="In Core20 areas" value=share(t.core20, t.area_known) />
            <Tile label="English not first language" value=share(t.english_not_first, t.checks) />
            <Tile label="Flags closed in time" value=format!("{} of {}", flags.closed_within_deadline, flags.flagged) />
        </div>
        {(flags.open_overdue > 0).then(|| view! {
            <div class="nhsuk-warning-callout"><h3 class="nhsuk-warning-callout__label">"Overdue"</h3>
                <p>{format!("{} flagged readings are past their follow-up deadline.", flags.open_overdue)}</p></div>
        })}
        <Bars title="Results by band" counts=dashboard.bands.clone() />
        <Bars title="What gets in the way of care" counts=dashboard.barriers.clone() />
        <RowTable title="By borough" rows=dashboard.by_borough.clone() />
        <RowTable title="By event" rows=dashboard.by_event.clone() />
        <RowTable title="By venue type" rows=dashboard.by_venue_type.clone() />
        <RowTable title="By week" rows=dashboard.by_week.clone() />
        <RowTable title="By volunteer" rows=dashboard.by_volunteer.clone() />
        <RowTable title="By ethnic group" rows=dashboard.by_ethnicity.clone() />
        <RowTable title="By main language" rows=dashboard.by_language.clone() />
    }
}

#[component]
fn Tile(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="stallside-tile">
            <p class="stallside-tile__value">{value}</p>
            <p class="nhsuk-body-s nhsuk-u-margin-bottom-0">{label}</p>
        </div>
    }
}

/// A horizontal bar chart, with the numbers written out for screen readers and print.
#[component]
fn Bars(title: &'static str, counts: Vec<Count>) -> impl IntoView {
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    view! {
        <h2>{title}</h2>
        <ul class="nhsuk-list stallside-bars">
            {counts.into_iter().map(|c| {
                let width = format!("{:.1}%", c.count as f64 * 100.0 / max as f64);
                view! {
                    <li>
                        <span class="stallside-bars__label">{c.label}</span>
                        <span class="stallside-bars__track" aria-hidden="true"><span class="stallside-bars__bar" style:width=width></span></span>
                        <span class="stallside-bars__value">{c.count}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn RowTable(title: &'static str, rows: Vec<Row>) -> impl IntoView {
    view! {
        <details class="nhsuk-details">
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">{title}</span></summary>
            <div class="nhsuk-details__text">
                <table class="nhsuk-table">
                    <thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
                        <th class="nhsuk-table__header" scope="col">""</th>
                        <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">"Checks"</th>
                        <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">"New high"</th>
                        <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">"Core20"</th>
                    </tr></thead>
                    <tbody class="nhsuk-table__body">
                        {rows.into_iter().take(50).map(|r| view! {
                            <tr class="nhsuk-table__row">
                                <th class="nhsuk-table__header" scope="row">{r.label}</th>
                                <td class="nhsuk-table__cell nhsuk-table__cell--numeric">{r.checks}</td>
                                <td class="nhsuk-table__cell nhsuk-table__cell--numeric">{r.newly_identified}</td>
                                <td class="nhsuk-table__cell nhsuk-table__cell--numeric">{r.core20}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
