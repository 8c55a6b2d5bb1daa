//! Coordinators print sheets of participant cards: each a fresh random code as a QR code with
//! the code beneath in groups, to hand to people at stalls. Nothing is sent to the server: a
//! card is only a random code until a check names it (see the server's `cards` module).

use leptos::prelude::*;
use stallside_shared::card::CardCode;

/// Cards on one sheet unless the coordinator asks for another number.
const DEFAULT_CARDS: usize = 10;
/// The most cards made at once.
const MAX_CARDS: usize = 100;

/// The print page: how many cards, make them, print them.
#[component]
pub fn CardSheetScreen() -> impl IntoView {
    let count = RwSignal::new(DEFAULT_CARDS.to_string());
    let cards = RwSignal::new(fresh_cards(DEFAULT_CARDS));
    let error = RwSignal::new(None::<String>);
    let make = move |_| match count.get_untracked().trim().parse::<usize>() {
        Ok(n) if (1..=MAX_CARDS).contains(&n) => {
            error.set(None);
            cards.set(fresh_cards(n));
        }
        _ => error.set(Some(format!(
            "Enter a number of cards from 1 to {MAX_CARDS}"
        ))),
    };
    view! {
        <div class="stallside-no-print">
            <h1>"Participant cards"</h1>
            <p class="nhsuk-body">"Each card has a new random code, as a QR code and printed beneath it. Nothing about the person is on the card or kept with it: a volunteer scans or types the code at a check, and the person is counted once however many checks they have."</p>
            <div class="nhsuk-form-group" class:nhsuk-form-group--error=move || error.get().is_some()>
                <label class="nhsuk-label" for="card-count">"How many cards"</label>
                <div class="nhsuk-hint" id="card-count-hint">"Ten fit on a sheet of A4."</div>
                {move || error.get().map(|e| view! { <span class="nhsuk-error-message" id="card-count-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{e}</span> })}
                <input class="nhsuk-input nhsuk-input--width-4" id="card-count" name="card-count" type="text" inputmode="numeric"
                    aria-describedby="card-count-hint"
                    prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev)) />
            </div>
            <div class="stallside-answers">
                <button class="nhsuk-button nhsuk-button--secondary" type="button" data-testid="make-cards" on:click=make>"Make new cards"</button>
                <button class="nhsuk-button" type="button" data-testid="print-cards" on:click=move |_| crate::print_page()>"Print"</button>
            </div>
        </div>
        <ul class="stallside-card-sheet" aria-label="Cards to print">
            {move || cards.get().into_iter().map(|code| view! { <PrintedCard code /> }).collect_view()}
        </ul>
    }
}

/// One card as printed.
#[component]
fn PrintedCard(code: CardCode) -> impl IntoView {
    let grouped = code.grouped();
    let svg = qrcode::QrCode::new(code.canonical().as_bytes())
        .map(|qr| {
            qr.render::<qrcode::render::svg::Color>()
                .min_dimensions(120, 120)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    view! {
        <li class="stallside-card-sheet__card" data-testid="participant-card">
            <p class="stallside-card-sheet__title">"Blood pressure check card"</p>
            <div class="stallside-card-sheet__qr" role="img" aria-label=format!("QR code of card {grouped}") inner_html=svg></div>
            <p class="stallside-card-sheet__code" data-testid="card-code">{grouped.clone()}</p>
            <p class="stallside-card-sheet__note">"Show this card at your next check. It has no name or details on it."</p>
        </li>
    }
}

/// `n` cards with fresh random codes (from the browser's cryptographic random numbers, which
/// `Uuid::new_v4` reads).
fn fresh_cards(n: usize) -> Vec<CardCode> {
    (0..n)
        .map(|_| CardCode::issue(uuid::Uuid::new_v4().as_u64_pair().0))
        .collect()
}
