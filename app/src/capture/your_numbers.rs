//! "Your numbers": the person's own screen after the check, in their language, with their
//! numbers to take away without a network or a printer: a QR code of a plain-text card that
//! their own phone's camera reads (made here, stored nowhere, holding no identifier), the same
//! card printed where a printer is at hand, and read aloud where the device has a voice for
//! the language.

use leptos::prelude::*;
use stallside_shared::localise::{take_away_card, Formatted};
use stallside_shared::record::Advice;
use stallside_shared::wording::PersonScreen;

use super::draft::Draft;
use super::person::{person_words, ForThePerson, PersonWords, TranslationNotice};

/// The person's screen, once their words are loaded.
#[component]
pub fn YourNumbers(draft: RwSignal<Draft>) -> impl IntoView {
    let words = person_words(draft);
    move || {
        words
            .get()
            .flatten()
            .map(|words| view! { <NumbersFor draft words /> })
    }
}

/// The screen in one language.
#[component]
fn NumbersFor(draft: RwSignal<Draft>, words: PersonWords) -> impl IntoView {
    let (screen, advice) = draft.with_untracked(|d| (d.person_screen(), d.advice.clone()));
    let formatted = formatted(&screen, words.tag());
    let message = words
        .words
        .message(screen.situation)
        .unwrap_or_else(|_| screen.message.to_owned());
    let safety_net = words
        .words
        .safety_net(screen.situation)
        .unwrap_or_else(|_| screen.safety_net.map(str::to_owned));
    let card = take_away_card(&words.words, &screen, &advice, &formatted).ok();
    let higher = draft.with_untracked(Draft::higher_than_last).map(|last| {
        words.with(
            "higher-than-last-time",
            &[("date", &locale_date(last.recorded_at_ms, words.tag()))],
        )
    });
    // The words arrive after the screen opens: the heading takes the focus once they are in.
    crate::focus_next_frame(crate::focus_heading);
    view! {
        <TranslationNotice words=words.clone() />
        <ForThePerson words=words.clone()>
            <div class="stallside-your-numbers" data-testid="your-numbers">
                <h1>{words.text("your-numbers")}</h1>
                <ReadingLine words=words.clone() formatted=formatted.clone() />
                <p class="nhsuk-body-l" data-testid="person-message">{message}</p>
                {higher.map(|line| view! { <p class="nhsuk-body" data-testid="person-higher-than-last">{line}</p> })}
                {safety_net.map(|line| view! {
                    <p class="nhsuk-body stallside-safety-net" data-testid="person-safety-net"><strong>{line}</strong></p>
                })}
                <WhatToDo words=words.clone() advice />
                {card.map(|card| view! { <TakeAway words=words.clone() card /> })}
            </div>
        </ForThePerson>
    }
}

/// The reading, large, then what the two numbers and the pulse are.
#[component]
fn ReadingLine(words: PersonWords, formatted: Formatted) -> impl IntoView {
    let checked_on = words.with("checked-on", &[("date", &formatted.date)]);
    let units = formatted
        .pulse
        .as_deref()
        .map(|pulse| words.with("reading-units", &[("pulse", pulse)]));
    view! {
        {formatted.reading.map(|reading| view! {
            <p class="stallside-your-numbers__reading">
                <span class="nhsuk-u-visually-hidden">{words.text("reading-label")} " "</span>
                // Top number first, as on the monitor, whatever the script's direction.
                <span dir="ltr">{reading}</span>
            </p>
        })}
        {units.map(|units| view! { <p class="nhsuk-body-s">{units}</p> })}
        <p class="nhsuk-body-s" data-testid="checked-on">{checked_on}</p>
    }
}

/// The advice and signposting given, in the person's words.
#[component]
fn WhatToDo(words: PersonWords, advice: Vec<Advice>) -> impl IntoView {
    (!advice.is_empty()).then(|| {
        let items = advice
            .iter()
            .map(|a| {
                let line = words
                    .words
                    .advice(*a)
                    .unwrap_or_else(|_| a.label().to_owned());
                view! { <li>{line}</li> }
            })
            .collect_view();
        view! {
            <h2 class="nhsuk-heading-s">{words.text("what-to-do")}</h2>
            <ul class="nhsuk-list nhsuk-list--bullet" data-testid="person-advice">{items}</ul>
        }
    })
}

/// The card to take away: as a QR code, printed, or read aloud.
#[component]
fn TakeAway(words: PersonWords, card: String) -> impl IntoView {
    let svg = qr_svg(&card);
    let scan = words.text("scan-to-keep");
    let speech = card.clone();
    view! {
        <div class="stallside-take-away">
            {svg.map(|svg| view! {
                <figure class="stallside-qr" data-testid="take-away-qr">
                    <div role="img" aria-label=scan.clone() inner_html=svg></div>
                    <figcaption class="nhsuk-body-s">{scan}</figcaption>
                </figure>
            })}
            <pre class="stallside-card" data-testid="take-away-card">{card}</pre>
            <div class="stallside-take-away__actions">
                <button class="nhsuk-button nhsuk-button--secondary" type="button" data-testid="print-card"
                    on:click=move |_| crate::print_page()>
                    {words.text("print-card")}
                </button>
                <ReadAloud words text=speech />
            </div>
        </div>
    }
}

/// Read-aloud with the browser's speech synthesis, shown only where the device has a voice
/// for the language (voices arrive a moment after the page opens, so it looks twice).
#[component]
fn ReadAloud(words: PersonWords, text: String) -> impl IntoView {
    let tag = words.tag();
    let has_voice = RwSignal::new(voice_for(tag).is_some());
    set_timeout(
        move || has_voice.set(voice_for(tag).is_some()),
        std::time::Duration::from_secs(1),
    );
    let label = words.text("read-aloud");
    move || {
        has_voice.get().then(|| {
            let text = text.clone();
            view! {
                <button class="nhsuk-button nhsuk-button--secondary" type="button" data-testid="read-aloud"
                    on:click=move |_| speak(&text, tag)>
                    {label.clone()}
                </button>
            }
        })
    }
}

/// The reading, pulse and today's date in the person's locale (the browser's `Intl`: Arabic
/// and Bengali digits, the month's name in their language).
fn formatted(screen: &PersonScreen, tag: &str) -> Formatted {
    let number = |n: u16| super::person::locale_number(f64::from(n), tag);
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    Formatted {
        reading: screen
            .reading
            .map(|r| format!("{}/{}", number(r.systolic), number(r.diastolic))),
        pulse: screen.reading.map(|r| number(r.pulse)),
        date: locale_date(js_sys::Date::now() as i64, tag),
    }
}

/// A day in the person's locale, long form ("21 November 2026", "٢١ نوفمبر ٢٠٢٦").
fn locale_date(ms: i64, tag: &str) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_locale_date_string(tag, &options)
        .into()
}

/// The card as a QR code in SVG; `None` if the text is too long for one (the card is tested
/// to fit).
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(280, 280)
            .quiet_zone(true)
            .build(),
    )
}

/// The device's voice for a language, if it has one.
fn voice_for(tag: &str) -> Option<web_sys::SpeechSynthesisVoice> {
    use wasm_bindgen::JsCast;
    let synth = web_sys::window()?.speech_synthesis().ok()?;
    synth
        .get_voices()
        .iter()
        .filter_map(|v| v.dyn_into::<web_sys::SpeechSynthesisVoice>().ok())
        .find(|v| v.lang().split(['-', '_']).next() == Some(tag))
}

fn speak(text: &str, tag: &str) {
    let Some(synth) = web_sys::window().and_then(|w| w.speech_synthesis().ok()) else {
        return;
    };
    if let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) {
        utterance.set_lang(tag);
        utterance.set_voice(voice_for(tag).as_ref());
        synth.cancel();
        synth.speak(&utterance);
    }
}
