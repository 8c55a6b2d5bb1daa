//! The person checked, in their own language: the one-tap language picker, the consent and
//! privacy explanation, and the words loaded for the person's screens.
//!
//! English is compiled in; another language's Fluent file is fetched the first time it is
//! picked (the service worker keeps it for offline use). Until it arrives, or when the phone
//! has never had it and has no signal, the person's text stays in English and the volunteer is
//! told why. Only the person's text is translated: the volunteer's screens stay English.

use std::sync::Arc;

use leptos::prelude::*;
use stallside_shared::localise::{Translation, Words, TRANSLATIONS};
use stallside_shared::privacy;
use stallside_shared::record::Language;

use super::draft::Draft;
use crate::state::app_state;

/// The person's words, ready to format, and whether they are in the language asked for.
#[derive(Clone)]
pub struct PersonWords {
    /// The translation shown.
    pub translation: &'static Translation,
    /// Its messages.
    pub words: Arc<Words>,
    /// The language asked for could not be had, so this is English.
    pub fell_back: bool,
}

impl PersonWords {
    /// A message, or its id when a message cannot be formatted (the completeness test keeps
    /// that from happening; an id on screen is better than a blank).
    pub fn text(&self, id: &str) -> String {
        self.with(id, &[])
    }

    /// A message with arguments, as [`PersonWords::text`].
    pub fn with(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.words
            .format(id, args)
            .unwrap_or_else(|_| id.to_owned())
    }

    /// The BCP 47 tag for `lang` attributes and the browser's `Intl` and speech.
    pub fn tag(&self) -> &'static str {
        self.translation.language.code()
    }
}

/// The translation the person sees: their language's when there is one the programme allows,
/// else English.
fn shown(language: Option<Language>, reviewed_only: bool) -> &'static Translation {
    language
        .and_then(|l| Translation::offered(reviewed_only).find(|t| t.language == l))
        .unwrap_or(&TRANSLATIONS[0])
}

/// The person's words for the draft's language, loaded as the language changes.
pub fn person_words(draft: RwSignal<Draft>) -> LocalResource<Option<PersonWords>> {
    let settings = app_state().settings;
    let translation = Memo::new(move |_| {
        shown(
            draft.with(|d| d.main_language),
            settings.with(|s| s.reviewed_languages_only),
        )
    });
    LocalResource::new(move || load(translation.get()))
}

async fn load(translation: &'static Translation) -> Option<PersonWords> {
    let english = || {
        Some(PersonWords {
            translation: &TRANSLATIONS[0],
            words: Arc::new(Words::english().ok()?),
            fell_back: translation.language != Language::English,
        })
    };
    if translation.language == Language::English {
        return english();
    }
    let path = format!("/locales/{}.ftl", translation.language.code());
    match crate::assets::fetch_text(&path)
        .await
        .and_then(|source| Words::parse(translation.language, source).ok())
    {
        Some(words) => Some(PersonWords {
            translation,
            words: Arc::new(words),
            fell_back: false,
        }),
        None => english(),
    }
}

/// Fetches every language the phone may offer, once per app start, so that a phone that has
/// been online once with the capture screen open has them all at a stall with no signal (the
/// service worker keeps what is fetched). After the first visit's download, never in it.
pub fn keep_languages_for_offline() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::Relaxed) {
        return;
    }
    leptos::task::spawn_local(async {
        for t in TRANSLATIONS.iter().skip(1) {
            crate::assets::fetch_text(&format!("/locales/{}.ftl", t.language.code())).await;
        }
    });
}

/// The volunteer picks the person's main language in one tap, most used first; languages
/// with no translation, "another language" and "prefer not to say" are in a list below.
#[component]
pub fn LanguagePicker(draft: RwSignal<Draft>) -> impl IntoView {
    let settings = app_state().settings;
    let picked = move || draft.with(|d| d.main_language);
    let pick = move |language: Language| draft.update(|d| d.main_language = Some(language));
    let buttons = move || {
        Translation::offered(settings.with(|s| s.reviewed_languages_only))
            .map(|t| {
                let language = t.language;
                view! {
                    <button type="button" class="nhsuk-button nhsuk-button--secondary stallside-language"
                        aria-pressed=move || (picked() == Some(language)).to_string()
                        data-language=language.code()
                        on:click=move |_| pick(language)>
                        <span lang=language.code() dir=t.dir()>{t.native_name}</span>
                        {(language != Language::English).then(|| view! { <span class="stallside-language__english">{language.label()}</span> })}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="nhsuk-fieldset" aria-describedby="language-hint">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m" id="language">"The person's main language"</legend>
            <div class="nhsuk-hint" id="language-hint">"Their words below change to it."</div>
            <div class="stallside-languages">{buttons}</div>
            <OtherLanguage draft />
        </fieldset>
    }
}

/// The rest of the closed list: languages recorded for reports but not translated.
#[component]
fn OtherLanguage(draft: RwSignal<Draft>) -> impl IntoView {
    let untranslated = Language::ALL
        .iter()
        .filter(|l| Translation::of(**l).is_none())
        .map(|l| view! { <option value=l.code()>{l.label()}</option> })
        .collect_view();
    let value = move || {
        draft
            .with(|d| d.main_language)
            .filter(|l| Translation::of(*l).is_none())
            .map_or("", Language::code)
    };
    view! {
        <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="other-language">"Another language"</label>
            <select class="nhsuk-select" id="other-language" prop:value=value
                on:change=move |ev| {
                    let code = event_target_value(&ev);
                    draft.update(|d| d.main_language = Language::from_code(&code));
                }>
                <option value="">"Choose"</option>
                {untranslated}
            </select>
        </div>
    }
}

/// What the volunteer must know about the text shown to the person: a draft translation, or
/// English because the language could not be had.
#[component]
pub fn TranslationNotice(words: PersonWords) -> impl IntoView {
    let name = words.translation.language.label();
    if words.fell_back {
        view! {
            <p class="nhsuk-body-s" role="status" data-testid="language-fallback">
                "This language is not on this phone yet: connect to the internet once to get it. Showing English."
            </p>
        }
        .into_any()
    } else if words.translation.is_draft() {
        view! {
            <p class="nhsuk-body-s" data-testid="draft-translation">
                <strong class="nhsuk-tag nhsuk-tag--orange">"Draft translation"</strong>
                " The " {name} " text has not been checked by a reviewer yet."
            </p>
        }
        .into_any()
    } else {
        ().into_any()
    }
}

/// Text for the person, in their language and direction.
#[component]
pub fn ForThePerson(words: PersonWords, children: Children) -> impl IntoView {
    view! {
        <div class="stallside-for-person" lang=words.tag() dir=words.translation.dir() data-testid="for-person">
            {children()}
        </div>
    }
}

/// The consent and privacy explanation, for the person to read or hear before they answer.
#[component]
pub fn ConsentExplanation(draft: RwSignal<Draft>) -> impl IntoView {
    let words = person_words(draft);
    move || {
        words.get().flatten().map(|w| {
            view! {
                <TranslationNotice words=w.clone() />
                <ForThePerson words=w.clone()>
                    <div class="nhsuk-inset-text" data-testid="consent-explanation">
                        <h2 class="nhsuk-heading-m">{w.text("consent-title")}</h2>
                        <p>{w.text("consent-what")}</p>
                        <p>{w.text("consent-privacy")}</p>
                    </div>
                    <PrivacyDetails words=w.clone() />
                </ForThePerson>
            }
        })
    }
}

/// How the person's information is used, point by point, in their language, with the
/// programme's retention periods as numbers of their locale.
#[component]
fn PrivacyDetails(words: PersonWords) -> impl IntoView {
    let settings = app_state().settings.get_untracked();
    let tag = words.tag();
    let periods = privacy::periods(&settings);
    let formatted = periods.map(|n| locale_number(f64::from(n), tag));
    let points = privacy::privacy_notice(&words.words, periods, &formatted).unwrap_or_default();
    view! {
        <details class="nhsuk-details" data-testid="privacy">
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">{words.text("privacy-title")}</span></summary>
            <div class="nhsuk-details__text">
                {points.into_iter().map(|point| view! {
                    <h3 class="nhsuk-heading-s">{point.heading}</h3>
                    <p class="nhsuk-body-s" data-key=point.key>{point.text}</p>
                }).collect_view()}
            </div>
        </details>
    }
}

/// A number the way the person's locale writes it (the browser's `Intl`: Bengali digits, for
/// one).
pub fn locale_number(value: f64, tag: &str) -> String {
    js_sys::Number::from(value).to_locale_string(tag).into()
}
