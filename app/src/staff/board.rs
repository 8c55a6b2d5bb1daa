//! The printable quarterly report for a board (ICS, NHS England): reach, equity, newly
//! identified, follow-up within deadline and barriers heard, from the server's published
//! (suppressed) report, so no count of 1 to 4 can leave on paper. Charts are inline SVG and
//! the print stylesheet (`app/style.css`, `@media print`) drops the app's chrome.

use leptos::prelude::*;
use stallside_shared::published::{Published, PublishedCount, PublishedRow, PublishedVoice};
use stallside_shared::suppression::{share_text, Cell};

use super::{failure_text, token, Notice, NumberTable};
use crate::api;
use crate::state::app_state;

/// The report for the dashboard's current filters (`query` is their URL query, "" or "?...").
#[component]
pub fn BoardReport(query: String, close: Callback<()>) -> impl IntoView {
    let state = app_state();
    let data = RwSignal::new(None::<Published>);
    let notice = RwSignal::new(None::<String>);
    let url = format!("/api/reports/published{query}");
    leptos::task::spawn_local(async move {
        match api::get::<Published>(&url, token(&state).as_deref()).await {
            Ok(p) => data.set(Some(p)),
            Err(e) => notice.set(Some(failure_text(&state, &e))),
        }
    });
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <div class="stallside-no-print stallside-answers">
            <button class="nhsuk-button" type="button" on:click=print>"Print or save as PDF"</button>
            <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| close.run(())>"Back to the dashboard"</button>
        </div>
        <Notice message=notice />
        {move || data.get().map(|p| view! { <ReportBody report=p /> })}
    }
}

#[component]
fn ReportBody(report: Published) -> impl IntoView {
    let t = &report.totals;
    let f = &report.flags;
    let decile_rows = report
        .table("by_imd_decile")
        .map(|t| t.rows.clone())
        .unwrap_or_default();
    let deciles: Vec<(String, Cell)> = decile_rows
        .iter()
        .map(|r| (r.label.clone(), r.get("checks")))
        .collect();
    let bars = |list: &[PublishedCount]| -> Vec<(String, Cell)> {
        list.iter().map(|b| (b.label.clone(), b.cell)).collect()
    };
    let groups = |list: &[PublishedVoice]| -> Vec<(String, Vec<PublishedCount>)> {
        list.iter()
            .map(|g| (g.label.clone(), g.counts.clone()))
            .collect()
    };
    let table = |name: &str| {
        report
            .table(name)
            .map(|t| t.rows.clone())
            .unwrap_or_default()
    };
    view! {
        <article class="stallside-board" data-testid="board-report">
            <h1>"Community blood pressure checks: report for the board"</h1>
            <p class="nhsuk-body-l">{report.period.clone()}</p>
            <p class="nhsuk-body-s">"Small counts (below five) are shown as <5, and a few more are hidden (*) so that no small number can be worked out from the totals."</p>
            <h2>"Reach"</h2>
            <dl class="nhsuk-summary-list">
                <Fact term="People checked" value=report.people.checked.text() />
                <Fact term="Checks" value=t.get("checks").text() />
                <Fact term="People seen again (of people with a participant card)"
                    value=format!("{} of {}", report.people.seen_again.text(), report.people.with_card.text()) />
                <Fact term="Events held" value=report.events.text() />
            </dl>
            <h2>"Equity"</h2>
            <dl class="nhsuk-summary-list">
                <Fact term="Living in the 20% most deprived areas (Core20)"
                    value=format!("{} ({} of {} with a known area; {} area unknown)",
                        share_text(t.get("core20"), t.get("area_known")), t.get("core20").text(),
                        t.get("area_known").text(), t.get("area_unknown").text()) />
                <Fact term="English not their first language"
                    value=format!("{} ({} of {})", share_text(t.get("english_not_first"), t.get("checks")),
                        t.get("english_not_first").text(), t.get("checks").text()) />
            </dl>
            <BarChart title="People checked by deprivation decile of their area (1 is most deprived)" bars=deciles />
            <GroupTable title="By ethnic group" rows=table("by_ethnicity") />
            <GroupTable title="By age band" rows=table("by_age_band") />
            <GroupTable title="By sex" rows=table("by_sex") />
            <GroupTable title="By borough" rows=table("by_borough") />
            <GroupTable title="By venue type" rows=table("by_venue_type") />
            <h2>"Newly identified and followed up"</h2>
            <dl class="nhsuk-summary-list">
                <Fact term="High blood pressure newly identified"
                    value=format!("{} ({} of {})", share_text(t.get("newly_identified"), t.get("checks")),
                        t.get("newly_identified").text(), t.get("checks").text()) />
                <Fact term="Flagged for a nurse's follow-up" value=f.flagged.text() />
                <Fact term="Followed up within the deadline"
                    value=format!("{} ({} of {})", share_text(f.closed_within_deadline, f.flagged),
                        f.closed_within_deadline.text(), f.flagged.text()) />
                <Fact term="Still open past the deadline" value=f.open_overdue.text() />
            </dl>
            <h2>"What gets in the way of care"</h2>
            <p class="nhsuk-body">"What people told the volunteers, in their words' categories: the community's voice."</p>
            <BarChart title="Barriers heard" bars=bars(&report.barriers) />
            <VoiceGroups title="Barriers heard, by borough" groups=groups(&report.barriers_by_borough) />
            <h2>"What helps"</h2>
            <p class="nhsuk-body">"What people said helps them get checked and cared for: what to keep doing."</p>
            <BarChart title="What helps" bars=bars(&report.enablers) />
            <VoiceGroups title="What helps, by borough" groups=groups(&report.enablers_by_borough) />
        </article>
    }
}

#[component]
fn Fact(term: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">{term}</dt>
            <dd class="nhsuk-summary-list__value">{value}</dd>
        </div>
    }
}

/// A horizontal bar chart as inline SVG; hidden bars are drawn empty with their mark.
#[component]
fn BarChart(title: &'static str, bars: Vec<(String, Cell)>) -> impl IntoView {
    let max = bars
        .iter()
        .filter_map(|(_, c)| c.value())
        .max()
        .unwrap_or(1)
        .max(1);
    let height = 22 * bars.len() + 4;
    view! {
        <figure class="stallside-chart">
            <figcaption class="nhsuk-heading-s">{title}</figcaption>
            <svg role="img" aria-label=title viewBox=format!("0 0 600 {height}") width="100%" height=height.to_string()>
                {bars.into_iter().enumerate().map(|(i, (label, cell))| {
                    let y = 22 * i + 2;
                    let width = cell.value().map_or(0, |v| v * 330 / max);
                    view! {
                        <text x="0" y=(y + 15).to_string() font-size="13">{label}</text>
                        <rect x="220" y=y.to_string() width=width.to_string() height="16" fill="#005eb8"></rect>
                        <text x=(226 + width).to_string() y=(y + 15).to_string() font-size="13">{cell.text()}</text>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// Checks, newly identified and flagged rates for each group of a breakdown.
#[component]
fn GroupTable(title: &'static str, rows: Vec<PublishedRow>) -> impl IntoView {
    let heads = ["People checked", "Newly identified", "Flagged"]
        .map(String::from)
        .to_vec();
    let rows = rows
        .into_iter()
        .map(|r| {
            let checks = r.get("checks");
            let with_rate = |c: Cell| format!("{} ({})", c.text(), share_text(c, checks));
            let cells = vec![
                checks.text(),
                with_rate(r.get("newly_identified")),
                with_rate(r.get("flagged")),
            ];
            (r.label, cells)
        })
        .collect();
    view! { <h3>{title}</h3> <NumberTable heads rows /> }
}

/// Barriers (or what helps) heard in each group.
#[component]
fn VoiceGroups(title: &'static str, groups: Vec<(String, Vec<PublishedCount>)>) -> impl IntoView {
    let heads: Vec<String> = groups
        .first()
        .map(|(_, b)| b.iter().map(|c| c.label.clone()).collect())
        .unwrap_or_default();
    let rows = groups
        .into_iter()
        .map(|(label, barriers)| (label, barriers.iter().map(|b| b.cell.text()).collect()))
        .collect();
    view! { <h3>{title}</h3> <div class="stallside-board__wide"><NumberTable heads rows /></div> }
}
