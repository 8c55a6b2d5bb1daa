//! The participant card at a check: scanned with the camera or typed, checked as it is
//! entered (a mistyped code says what is wrong, and the check can go on without a card), and
//! the card's earlier readings and dates, never anything else about the person: first from
//! this phone, then from the server when there is a connection (a lookup the server limits
//! and audits), with a small trend chart.

use leptos::prelude::*;
use stallside_shared::api::{CardVisit, CardVisits};
use stallside_shared::calendar::date;
use stallside_shared::card::CardCode;
use wasm_bindgen::prelude::*;

use super::draft::Draft;
use crate::api::{self, ApiError};
use crate::components::Problem;
use crate::state::app_state;
use crate::store;

// The scanner (`app/scan-card.js`) is imported only when a volunteer opens the camera: it
// stays out of the page's first load, which has no bytes to spare. The service worker fetches
// it in the background when it installs (it precaches it with the app), so it works offline.
#[wasm_bindgen(
    inline_js = "export function scanCard(v,s){return import('/scan-card.js').then(m=>m.scanCard(v,s))}"
)]
extern "C" {
    /// Shows the camera in `video` until a QR code is read; `null` when aborted.
    #[wasm_bindgen(js_name = scanCard, catch)]
    async fn scan_card(
        video: &web_sys::Element,
        signal: &web_sys::AbortSignal,
    ) -> Result<JsValue, JsValue>;
}

/// Where the earlier visits shown came from, and what to tell the volunteer about them.
#[derive(Debug, Clone, PartialEq)]
enum Lookup {
    /// Looking.
    Looking,
    /// Found (possibly none); the note says from where or why only from the phone.
    Done(String),
}

/// The card question of the "About the person" screen.
#[component]
pub fn ParticipantCard(
    draft: RwSignal<Draft>,
    problems: Signal<Vec<Problem>>,
    /// Correcting a saved check: its card is shown, earlier visits are not looked up again.
    correcting: bool,
) -> impl IntoView {
    // A typed code is judged once the volunteer leaves the field (not mid-typing).
    let judged = RwSignal::new(draft.with_untracked(|d| !d.card.trim().is_empty()));
    let parsed = Memo::new(move |_| {
        draft.with(|d| {
            let typed = d.card.trim();
            (!typed.is_empty()).then(|| CardCode::parse(typed).map_err(|e| e.to_string()))
        })
    });
    let error = Signal::derive(move || {
        let own = match parsed.get() {
            Some(Err(message)) if judged.get() => Some(format!("Participant card: {message}")),
            _ => None,
        };
        own.or_else(|| {
            problems.with(|all| {
                all.iter()
                    .find(|p| p.field == "card")
                    .map(|p| p.message.clone())
            })
        })
    });
    let lookup = RwSignal::new(None::<Lookup>);
    let state = app_state();
    let valid = Memo::new(move |_| parsed.get().and_then(Result::ok));
    Effect::new(move |_| {
        let Some(code) = valid.get() else {
            lookup.set(None);
            draft.update(|d| d.earlier_visits.clear());
            return;
        };
        if correcting {
            return;
        }
        lookup.set(Some(Lookup::Looking));
        let token = state.session.get_untracked().map(|s| s.token);
        leptos::task::spawn_local(async move {
            let (visits, note) = earlier_visits(code, token).await;
            if valid.get_untracked() == Some(code) {
                draft.update(|d| d.earlier_visits = visits);
                lookup.set(Some(Lookup::Done(note)));
            }
        });
    });
    let without_card = move |_| {
        draft.update(|d| {
            d.card.clear();
            d.earlier_visits.clear();
        });
        judged.set(false);
    };
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=move || error.get().is_some()>
            <label class="nhsuk-label nhsuk-label--s" for="card">"Participant card (if they have one)"</label>
            <div class="nhsuk-hint" id="card-hint">"Scan the card or type the code under its QR code. Someone without a card can be given one: enter the new card's code."</div>
            {move || error.get().map(|e| view! {
                <span class="nhsuk-error-message" id="card-error" data-testid="card-error">
                    <span class="nhsuk-u-visually-hidden">"Error: "</span>{e}
                </span>
            })}
            <input class="nhsuk-input nhsuk-input--width-10" id="card" name="card" type="text"
                autocomplete="off" autocapitalize="characters" spellcheck="false"
                aria-describedby=move || if error.get().is_some() { "card-hint card-error" } else { "card-hint" }
                prop:value=move || draft.with(|d| d.card.clone())
                on:input=move |ev| { judged.set(false); draft.update(|d| d.card = event_target_value(&ev)); }
                on:change=move |_| judged.set(true) />
        </div>
        {move || error.get().is_some().then(|| view! {
            <button class="nhsuk-button nhsuk-button--secondary" type="button" data-testid="without-card" on:click=without_card>
                "Go on without a card"
            </button>
        })}
        <CardScanner draft judged />
        {move || lookup.get().map(|state| view! { <EarlierVisits draft state /> })}
    }
}

/// "Scan card": the camera until a QR code is read, then its code in the field.
#[component]
fn CardScanner(draft: RwSignal<Draft>, judged: RwSignal<bool>) -> impl IntoView {
    let open = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let controller = StoredValue::new_local(None::<web_sys::AbortController>);
    let video = NodeRef::<leptos::html::Video>::new();
    // Also run when the screen goes away, when the values may already be disposed.
    let stop = move || {
        if let Some(Some(c)) = controller.try_get_value() {
            c.abort();
        }
        open.try_set(false);
    };
    on_cleanup(stop);
    let start = move |_| {
        failure.set(None);
        open.set(true);
        request_animation_frame(move || {
            let (Some(element), Ok(abort)) =
                (video.get_untracked(), web_sys::AbortController::new())
            else {
                return;
            };
            let signal = abort.signal();
            controller.set_value(Some(abort));
            leptos::task::spawn_local(async move {
                let element: &web_sys::Element = &element;
                match scan_card(element, &signal).await {
                    Ok(text) => {
                        if let Some(text) = text.as_string() {
                            let shown = CardCode::parse(&text).map_or(text, |c| c.grouped());
                            draft.update(|d| d.card = shown);
                            judged.set(true);
                        }
                    }
                    Err(_) => failure.set(Some(
                        "The camera could not be opened: type the code under the QR code instead."
                            .into(),
                    )),
                }
                open.set(false);
            });
        });
    };
    view! {
        <div class="stallside-scanner">
            <Show when=move || open.get() fallback=move || view! {
                <button class="nhsuk-button nhsuk-button--secondary" type="button" data-testid="scan-card" on:click=start>"Scan card"</button>
            }>
                <video node_ref=video aria-label="Camera: hold the card's QR code in view" data-testid="card-camera"></video>
                <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| stop()>"Stop scanning"</button>
            </Show>
            {move || failure.get().map(|f| view! { <p class="nhsuk-body" role="status">{f}</p> })}
        </div>
    }
}

/// The card's earlier visits: dates and readings, a trend chart, and where they came from.
#[component]
fn EarlierVisits(draft: RwSignal<Draft>, state: Lookup) -> impl IntoView {
    let note = match state {
        Lookup::Looking => return view! { <p class="nhsuk-body" role="status">"Looking for earlier checks with this card…"</p> }.into_any(),
        Lookup::Done(note) => note,
    };
    let visits = draft.with_untracked(|d| d.earlier_visits.clone());
    view! {
        <div class="nhsuk-inset-text" data-testid="earlier-visits">
            <h2 class="nhsuk-heading-s">"Earlier checks with this card"</h2>
            <p class="nhsuk-body-s" role="status" data-testid="visits-note">{note}</p>
            {(!visits.is_empty()).then(|| view! {
                <TrendChart visits=visits.clone() />
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">"Earlier readings, oldest first"</caption>
                    <thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
                        <th class="nhsuk-table__header" scope="col">"Date"</th>
                        <th class="nhsuk-table__header" scope="col">"Reading (mmHg)"</th>
                    </tr></thead>
                    <tbody class="nhsuk-table__body">
                        {visits.iter().map(|v| view! {
                            <tr class="nhsuk-table__row" data-testid="earlier-visit">
                                <td class="nhsuk-table__cell">{date(v.recorded_at_ms)}</td>
                                <td class="nhsuk-table__cell">{format!("{}/{}", v.systolic, v.diastolic)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
    .into_any()
}

/// Systolic and diastolic over the visits as two lines, with the 140/90 lines for reference:
/// plain SVG, no chart library. The table beside it carries the same numbers for screen
/// readers, so the chart is hidden from them.
///
/// Drawn in tenths of a pixel with whole numbers: formatting floats to one decimal here cost
/// the phone's download about a kilobyte (brotli) more.
#[component]
fn TrendChart(visits: Vec<CardVisit>) -> impl IntoView {
    const WIDTH: u32 = 3200;
    const HEIGHT: u32 = 1600;
    const PAD: u32 = 240;
    const LOW: u32 = 40;
    const HIGH: u32 = 220;
    let y = |mmhg: u16| {
        PAD + (HIGH - u32::from(mmhg).clamp(LOW, HIGH)) * (HEIGHT - 2 * PAD) / (HIGH - LOW)
    };
    let last = u32::try_from(visits.len().saturating_sub(1))
        .unwrap_or(u32::MAX)
        .max(1);
    let x = |i: usize| PAD + (WIDTH - 2 * PAD) * u32::try_from(i).unwrap_or(0) / last;
    let line = |value: fn(&CardVisit) -> u16| {
        visits
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", x(i), y(value(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let dots = |value: fn(&CardVisit) -> u16, colour: &'static str| {
        visits
            .iter()
            .enumerate()
            .map(|(i, v)| view! { <circle cx=x(i) cy=y(value(v)) r="30" fill=colour /> })
            .collect_view()
    };
    let guide = |mmhg: u16, label: &'static str| {
        view! {
            <line x1=PAD x2=WIDTH - PAD y1=y(mmhg) y2=y(mmhg) stroke="#768692" stroke-width="10" stroke-dasharray="40 30" />
            <text x="0" y=y(mmhg) + 40 font-size="100" fill="#4c6272">{label}</text>
        }
    };
    view! {
        <svg class="stallside-visits__chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-hidden="true" data-testid="visits-chart">
            {guide(140, "140")}
            {guide(90, "90")}
            <polyline points=line(|v| v.systolic) fill="none" stroke="#005eb8" stroke-width="20" />
            <polyline points=line(|v| v.diastolic) fill="none" stroke="#007f3b" stroke-width="20" />
            {dots(|v| v.systolic, "#005eb8")}
            {dots(|v| v.diastolic, "#007f3b")}
        </svg>
        <p class="nhsuk-body-s">"Blue: top number (systolic). Green: bottom number (diastolic)."</p>
    }
}

/// The card's visits this phone holds, then the server's when it can be reached, merged by
/// record id, oldest first; and a note saying where they came from.
async fn earlier_visits(code: CardCode, token: Option<String>) -> (Vec<CardVisit>, String) {
    let canonical = code.canonical();
    let mut visits: Vec<CardVisit> = match store::get().await {
        Ok(store) => store
            .records()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| {
                r.summary.card.as_deref() == Some(canonical.as_str()) && r.summary.systolic > 0
            })
            .map(|r| CardVisit {
                id: r.id,
                recorded_at_ms: r.summary.recorded_at_ms,
                systolic: r.summary.systolic,
                diastolic: r.summary.diastolic,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let on_phone = visits.len();
    let path = format!("/api/cards/{canonical}/visits");
    let note = match api::get::<CardVisits>(&path, token.as_deref()).await {
        Ok(answer) => {
            for visit in answer.visits {
                if !visits.iter().any(|v| v.id == visit.id) {
                    visits.push(visit);
                }
            }
            match answer.message {
                Some(message) if visits.is_empty() => message,
                _ => format!(
                    "{} earlier checks: {} on this phone, the rest from the server.",
                    visits.len(),
                    on_phone
                ),
            }
        }
        Err(ApiError::Offline) => {
            format!("No connection: showing the {on_phone} earlier checks this phone holds.")
        }
        Err(e) => format!("{e} Showing the {on_phone} earlier checks this phone holds."),
    };
    (
        crate::components::in_order_by(visits, |a, b| a.recorded_at_ms.cmp(&b.recorded_at_ms)),
        note,
    )
}
