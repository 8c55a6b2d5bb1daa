//! The coordinators' dashboard: reach and equity at a glance, with bar charts a person would
//! rather look at than read, filters, and CSV exports of the records and of every table.

use leptos::prelude::*;
use stallside_shared::record::{borough_name, VenueType};
use stallside_shared::reports::{recent_quarters, Count, Dashboard, Row, VoiceRow};

use super::board::BoardReport;
use super::{failure_text, token, Notice, NumberTable};
use crate::api;
use crate::state::app_state;

/// The dashboard.
#[component]
pub fn DashboardScreen() -> impl IntoView {
    let state = app_state();
    let data = RwSignal::new(None::<Dashboard>);
    let notice = RwSignal::new(None::<String>);
    let filters: [(&'static str, RwSignal<String>); 7] = [
        ("borough", RwSignal::new(String::new())),
        ("venue_type", RwSignal::new(String::new())),
        ("event", RwSignal::new(String::new())),
        ("volunteer", RwSignal::new(String::new())),
        ("quarter", RwSignal::new(String::new())),
        ("from", RwSignal::new(String::new())),
        ("to", RwSignal::new(String::new())),
    ];
    let [borough, venue_type, event, volunteer, quarter, from, to] = filters.map(|(_, s)| s);
    // The event and volunteer menus list what the unfiltered report found.
    let choices = RwSignal::new(None::<(Vec<Row>, Vec<Row>)>);
    let printable = RwSignal::new(false);
    let query = move || {
        let q: Vec<String> = filters
            .iter()
            .filter(|(_, value)| !value.get_untracked().is_empty())
            .map(|(name, value)| {
                format!(
                    "{name}={}",
                    js_sys::encode_uri_component(&value.get_untracked())
                )
            })
            .collect();
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
                Ok(d) => {
                    if choices.get_untracked().is_none() {
                        choices.set(Some((d.by_event.clone(), d.by_volunteer.clone())));
                    }
                    data.set(Some(d));
                }
                Err(e) => notice.set(Some(failure_text(&state, &e))),
            }
        });
    };
    load();
    let download = move |path: String| {
        let Some(t) = token(&state) else { return };
        let url = format!("{path}{}", query());
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download(&url, &t).await {
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
        {move || printable.get().then(|| view! {
            <BoardReport query=query() close=Callback::new(move |()| printable.set(false)) />
        })}
        <div hidden=move || printable.get()>
        <h1>"Reach and equity"</h1>
        <Notice message=notice />
        <p><button class="nhsuk-button nhsuk-button--secondary" type="button" data-testid="board-report-open"
            on:click=move |_| printable.set(true)>"Printable report for a board"</button></p>
        <div class="stallside-filters">
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-quarter">"Quarter"</label>
                <select class="nhsuk-select" id="filter-quarter" on:change=move |ev| { quarter.set(event_target_value(&ev)); load(); }>
                    <option value="">"All quarters"</option>
                    {recent_quarters(js_sys::Date::now() as i64, 8).into_iter().map(|q| { let label = q.clone(); view! { <option value=q>{label}</option> } }).collect_view()}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-from">"From (first day)"</label>
                <input class="nhsuk-input nhsuk-date-input__input" type="date" id="filter-from" on:change=move |ev| { from.set(event_target_value(&ev)); load(); } />
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-to">"To (last day)"</label>
                <input class="nhsuk-input nhsuk-date-input__input" type="date" id="filter-to" on:change=move |ev| { to.set(event_target_value(&ev)); load(); } />
            </div>
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
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-event">"Event"</label>
                <select class="nhsuk-select" id="filter-event" on:change=move |ev| { event.set(event_target_value(&ev)); load(); }>
                    <option value="">"All events"</option>
                    {move || choices.get().map(|(events, _)| options(events))}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="filter-volunteer">"Volunteer"</label>
                <select class="nhsuk-select" id="filter-volunteer" on:change=move |ev| { volunteer.set(event_target_value(&ev)); load(); }>
                    <option value="">"All volunteers"</option>
                    {move || choices.get().map(|(_, volunteers)| options(volunteers))}
                </select>
            </div>
        </div>

        {move || data.get().map(|d| view! { <DashboardBody dashboard=d /> })}
        <h2>"Download"</h2>
        <ul class="nhsuk-list">
            <li><button class="stallside-link-button" type="button" on:click=move |_| download("/api/reports/export/records.csv".into())>"All records (CSV, no personal details)"</button></li>
            {["reach", "people", "bands", "barriers", "flags", "by_borough", "by_event", "by_venue_type", "by_week", "by_month", "by_volunteer", "by_ethnicity", "by_imd_decile", "by_age_band", "by_sex", "by_language", "barriers_by_borough", "barriers_by_ethnicity", "enablers", "enablers_by_borough", "enablers_by_ethnicity"].into_iter().map(|table| view! {
                <li><button class="stallside-link-button" type="button"
                    on:click=move |_| download(format!("/api/reports/export/tables/{table}"))>
                    {format!("Table: {} (CSV, numbers under 5 hidden)", table.replace('_', " "))}
                </button></li>
            }).collect_view()}
        </ul>
        </div>
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
    let r = &dashboard.reach;
    let people = &dashboard.people;
    view! {
        <div class="stallside-tiles" data-testid="totals" data-checks=t.checks.to_string()
            data-reached=r.people_reached.to_string() data-conversations=r.conversations.to_string()
            data-events-held=r.events_held.to_string() data-workshops=r.workshops.to_string()
            data-attendance=r.workshop_attendance.to_string() data-newly=t.newly_identified.to_string()
            data-severe=t.severe.to_string()>
            <Tile label="People reached" value=r.people_reached.to_string() />
            <Tile label="People checked" value=people.checked.to_string() />
            <p class="nhsuk-body-s stallside-denominator" data-testid="people-denominator"
                data-people=people.checked.to_string() data-with-card=people.with_card.to_string()
                data-seen-again=people.seen_again.to_string()>
                {format!("{} with a participant card, {} checks without one", people.with_card, people.checks_without_card)}
            </p>
            <Tile label="Conversations without a check" value=r.conversations.to_string() />
            <Tile label="Checks" value=t.checks.to_string() />
            <Tile label="Seen again" value=format!("{} ({} of {} with a card)", share(people.seen_again, people.with_card), people.seen_again, people.with_card) />
            <Tile label="Events held" value=format!("{} ({} with checks, {} without)", r.events_held, r.events_with_checks, r.events_without_checks) />
            <Tile label="Health workshops" value=format!("{} ({} attended)", r.workshops, r.workshop_attendance) />
            <Tile label="Newly identified high" value=t.newly_identified.to_string() />
            <Tile label="Very high or emergency" value=t.severe.to_string() />
            <Tile label="Signposted" value=format!("{} ({} of {})", share(t.signposted, t.checks), t.signposted, t.checks) />
            <Tile label="In Core20 areas" value=share(t.core20, t.area_known) />
            <p class="nhsuk-body-s stallside-denominator" data-testid="core20-denominator">
                {format!("Core20: {} of {} checks with a known area; {} unknown", t.core20, t.area_known, t.area_unknown)}
            </p>
            <Tile label="English not first language" value=format!("{} ({} of {})", share(t.english_not_first, t.checks), t.english_not_first, t.checks) />
            <Tile label="Flags closed in time" value=format!("{} of {}", flags.closed_within_deadline, flags.flagged) />
        </div>
        {(flags.open_overdue > 0).then(|| view! {
            <div class="nhsuk-warning-callout"><h3 class="nhsuk-warning-callout__label">"Overdue"</h3>
                <p>{format!("{} flagged readings are past their follow-up deadline.", flags.open_overdue)}</p></div>
        })}
        <Bars title="Results by band" counts=dashboard.bands.clone() />
        <Bars title="What gets in the way of care" counts=dashboard.barriers.clone() />
        <Bars title="What helps" counts=dashboard.enablers.clone() />
        <RowTable title="By borough" rows=dashboard.by_borough.clone() />
        <RowTable title="By event" rows=dashboard.by_event.clone() />
        <RowTable title="By venue type" rows=dashboard.by_venue_type.clone() />
        <Bars title="Checks by deprivation decile of the area (1 most deprived)" counts=dashboard.by_imd_decile.iter().map(|r| Count { key: r.key.clone(), label: r.label.clone(), count: r.checks }).collect() />
        <RowTable title="By deprivation decile" rows=dashboard.by_imd_decile.clone() />
        <RowTable title="By age band" rows=dashboard.by_age_band.clone() />
        <RowTable title="By sex" rows=dashboard.by_sex.clone() />
        <RowTable title="By ethnic group" rows=dashboard.by_ethnicity.clone() />
        <RowTable title="By week" rows=dashboard.by_week.clone() />
        <RowTable title="By month" rows=dashboard.by_month.clone() />
        <RowTable title="By volunteer" rows=dashboard.by_volunteer.clone() />
        <VoiceTable title="Barriers heard, by borough" rows=dashboard.barriers_by_borough.clone() />
        <VoiceTable title="Barriers heard, by ethnic group" rows=dashboard.barriers_by_ethnicity.clone() />
        <VoiceTable title="What helps, by borough" rows=dashboard.enablers_by_borough.clone() />
        <VoiceTable title="What helps, by ethnic group" rows=dashboard.enablers_by_ethnicity.clone() />
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
    let heads = [
        "Checks",
        "Newly identified",
        "Flagged",
        "Core20 (of known area)",
        "Area unknown",
    ]
    .map(String::from)
    .to_vec();
    let rows = rows
        .into_iter()
        .take(50)
        .map(|r| {
            let cells = vec![
                r.checks.to_string(),
                rate(r.newly_identified, r.checks),
                rate(r.flagged, r.checks),
                format!("{} of {}", r.core20, r.area_known),
                r.area_unknown.to_string(),
            ];
            (r.label, cells)
        })
        .collect();
    view! { <DataTable title heads rows /> }
}

/// A folded table with a header row and one labelled row a group.
#[component]
fn DataTable(
    title: &'static str,
    heads: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
) -> impl IntoView {
    view! {
        <details class="nhsuk-details">
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">{title}</span></summary>
            <div class="nhsuk-details__text stallside-wide">
                <NumberTable heads rows />
            </div>
        </details>
    }
}

/// A count with its share of the row: "12 (30%)".
fn rate(part: u64, whole: u64) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or_else(|| part.to_string(), |p| format!("{part} ({p}%)"))
}

/// Menu options for the rows of a breakdown (events, volunteers).
fn options(rows: Vec<Row>) -> impl IntoView {
    rows.into_iter()
        .map(|r| view! { <option value=r.key>{r.label}</option> })
        .collect_view()
}

/// Barriers (or what helps) heard in each group: the community's voice, group by group.
#[component]
fn VoiceTable(title: &'static str, rows: Vec<VoiceRow>) -> impl IntoView {
    let mut heads = vec!["Checks".to_owned()];
    heads.extend(
        rows.first()
            .map(|r| r.counts.iter().map(|b| b.label.clone()).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let rows = rows
        .into_iter()
        .map(|r| {
            let mut cells = vec![r.checks.to_string()];
            cells.extend(r.counts.iter().map(|b| b.count.to_string()));
            (r.label, cells)
        })
        .collect();
    view! { <DataTable title heads rows /> }
}
