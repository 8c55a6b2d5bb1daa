//! What the person checked reads and hears, in their own language, with Project Fluent.
//!
//! The band messages are keyed by the wording table's rows ([`Situation::key`]), so a
//! translation can only say what the English row says and the volunteer's card and the
//! person's screen can never contradict each other. English is compiled in (the phone opens
//! with it, offline, on the first visit); the other languages are `.ftl` files in
//! `shared/locales/` that the phone fetches the first time it needs one and keeps for offline
//! use, so they cost the first visit nothing.
//!
//! Each language has a status ([`Status`]): a draft is shown with a visible marker for the
//! volunteer, and a programme can allow only reviewed languages
//! ([`crate::triage::ProgrammeSettings::reviewed_languages_only`]). The file's own header
//! carries the same status, and a test checks the two agree.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use thiserror::Error;
use unic_langid::LanguageIdentifier;

use crate::record::{Advice, Language};
use crate::wording::{PersonScreen, Situation};

/// The English source, compiled in.
pub const ENGLISH_FTL: &str = include_str!("../locales/en.ftl");

/// Whether a translation has been checked by a fluent speaker with clinical sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Written but not yet reviewed: the volunteer sees a "draft translation" marker.
    Draft,
    /// Reviewed by a named person on a date.
    Reviewed {
        /// Who reviewed it.
        by: &'static str,
        /// When, as YYYY-MM-DD.
        on: &'static str,
    },
}

/// A language the person's screens can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Translation {
    /// The language.
    pub language: Language,
    /// Its name in itself, for the picker (the person may point at it).
    pub native_name: &'static str,
    /// Draft or reviewed.
    pub status: Status,
    /// Written right to left (Arabic script).
    pub right_to_left: bool,
}

const fn draft(language: Language, native_name: &'static str, right_to_left: bool) -> Translation {
    Translation {
        language,
        native_name,
        status: Status::Draft,
        right_to_left,
    }
}

/// Every translation, most used first in the programme's boroughs (ONS Census 2021 TS024), so
/// the volunteer finds the person's language in one tap near the top.
pub const TRANSLATIONS: &[Translation] = &[
    Translation {
        language: Language::English,
        native_name: "English",
        status: Status::Reviewed {
            by: "Stallside wording table (shared/src/wording.rs)",
            on: "2026-11-22",
        },
        right_to_left: false,
    },
    draft(Language::Romanian, "Română", false),
    draft(Language::Polish, "Polski", false),
    draft(Language::Turkish, "Türkçe", false),
    draft(Language::Bengali, "বাংলা", false),
    draft(Language::Arabic, "العربية", true),
    draft(Language::Portuguese, "Português", false),
    draft(Language::Spanish, "Español", false),
    draft(Language::Gujarati, "ગુજરાતી", false),
    draft(Language::Persian, "فارسی", true),
    draft(Language::Urdu, "اردو", true),
];

impl Translation {
    /// The translation for a language, if there is one.
    pub fn of(language: Language) -> Option<&'static Translation> {
        TRANSLATIONS.iter().find(|t| t.language == language)
    }

    /// Whether the volunteer must see the "draft translation" marker.
    pub fn is_draft(&self) -> bool {
        self.status == Status::Draft
    }

    /// The `dir` attribute for the person's text.
    pub fn dir(&self) -> &'static str {
        if self.right_to_left {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The translations a phone may offer: all, or only reviewed ones when the programme says.
    pub fn offered(reviewed_only: bool) -> impl Iterator<Item = &'static Translation> {
        TRANSLATIONS
            .iter()
            .filter(move |t| !reviewed_only || !t.is_draft())
    }

    /// The header lines the language's `.ftl` file must carry for this status.
    pub fn header(&self) -> Vec<String> {
        match self.status {
            Status::Draft => vec!["### status: draft".into()],
            Status::Reviewed { by, on } => vec![
                "### status: reviewed".into(),
                format!("### reviewer: {by}"),
                format!("### reviewed-on: {on}"),
            ],
        }
    }
}

/// Why the person's words could not be made.
#[derive(Debug, Error)]
pub enum LocaleError {
    /// The `.ftl` file does not parse.
    #[error("the {language} translation does not parse: {errors}")]
    Syntax {
        /// The language's code.
        language: &'static str,
        /// What the parser said.
        errors: String,
    },
    /// A message the screens need is missing.
    #[error("the {language} translation has no message \"{id}\"")]
    Missing {
        /// The language's code.
        language: &'static str,
        /// The message id.
        id: String,
    },
    /// A message whose placeables did not all resolve.
    #[error("the {language} message \"{id}\" does not resolve: {errors}")]
    Unresolved {
        /// The language's code.
        language: &'static str,
        /// The message id.
        id: String,
        /// What the resolver said.
        errors: String,
    },
}

/// One language's messages, ready to format; shareable across threads so screens can hold
/// them in reactive state.
pub struct Words {
    language: Language,
    bundle: FluentBundle<FluentResource>,
}

impl Words {
    /// English, from the compiled-in source (which `tests/localise_table.rs` parses).
    pub fn english() -> Result<Words, LocaleError> {
        Words::parse(Language::English, ENGLISH_FTL.to_owned())
    }

    /// Parses a language's `.ftl` source.
    pub fn parse(language: Language, source: String) -> Result<Words, LocaleError> {
        let syntax = |errors: String| LocaleError::Syntax {
            language: language.code(),
            errors,
        };
        let resource =
            FluentResource::try_new(source).map_err(|(_, errors)| syntax(format!("{errors:?}")))?;
        let id: LanguageIdentifier = language
            .code()
            .parse()
            .map_err(|e| syntax(format!("{e}")))?;
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        bundle
            .add_resource(resource)
            .map_err(|errors| syntax(format!("{errors:?}")))?;
        Ok(Words { language, bundle })
    }

    /// The language these words are in.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Whether the source has a message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Formats message `id` with string arguments (numbers and dates arrive formatted for the
    /// locale by the caller, which has the browser's `Intl`).
    pub fn format(&self, id: &str, args: &[(&str, &str)]) -> Result<String, LocaleError> {
        self.format_counted(id, args, &[])
    }

    /// Formats message `id` with string arguments and with counts. A count is a number the
    /// message selects its plural form by, with the locale's plural rules (`{ $days-count ->
    /// [one] … *[other] … }`: "1 day", Romanian "28 de zile", Polish "2 lata"), while the
    /// number shown comes formatted for the locale among `args`.
    pub fn format_counted(
        &self,
        id: &str,
        args: &[(&str, &str)],
        counts: &[(&str, u32)],
    ) -> Result<String, LocaleError> {
        let missing = || LocaleError::Missing {
            language: self.language.code(),
            id: id.to_owned(),
        };
        let pattern = self
            .bundle
            .get_message(id)
            .and_then(|m| m.value())
            .ok_or_else(missing)?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, *value);
        }
        for (name, count) in counts {
            fluent_args.set(*name, *count);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if errors.is_empty() {
            Ok(text.into_owned())
        } else {
            Err(LocaleError::Unresolved {
                language: self.language.code(),
                id: id.to_owned(),
                errors: format!("{errors:?}"),
            })
        }
    }

    /// The person's message for a row of the wording table.
    pub fn message(&self, situation: Situation) -> Result<String, LocaleError> {
        self.format(&message_id(situation), &[])
    }

    /// The safety-netting line for a row, where the row has one.
    pub fn safety_net(&self, situation: Situation) -> Result<Option<String>, LocaleError> {
        situation
            .wording()
            .safety_net
            .map(|_| self.format(&safety_net_id(situation), &[]))
            .transpose()
    }

    /// The advice line for a piece of advice given.
    pub fn advice(&self, advice: Advice) -> Result<String, LocaleError> {
        self.format(&advice_id(advice), &[])
    }
}

/// The message id of a row's message for the person.
pub fn message_id(situation: Situation) -> String {
    format!("{}-message", situation.key())
}

/// The message id of a row's safety-netting line.
pub fn safety_net_id(situation: Situation) -> String {
    format!("{}-safety-net", situation.key())
}

/// The message id of an advice line.
pub fn advice_id(advice: Advice) -> String {
    format!("advice-{}", advice.code().replace('_', "-"))
}

/// Every message id the screens use outside the wording table, with the arguments each takes.
pub const SCREEN_MESSAGES: &[(&str, &[&str])] = &[
    ("consent-title", &[]),
    ("consent-what", &[]),
    ("consent-privacy", &[]),
    ("privacy-title", &[]),
    ("your-numbers", &[]),
    ("reading-label", &[]),
    ("reading-units", &["pulse"]),
    ("checked-on", &["date"]),
    ("what-to-do", &[]),
    ("higher-than-last-time", &["date"]),
    ("card-title", &[]),
    ("card-footer", &[]),
    ("scan-to-keep", &[]),
    ("print-card", &[]),
    ("read-aloud", &[]),
];

/// Numbers and the date, already formatted for the person's locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatted {
    /// Systolic / diastolic, e.g. "١٥٠/٩٥".
    pub reading: Option<String>,
    /// The pulse.
    pub pulse: Option<String>,
    /// The day of the check.
    pub date: String,
}

/// The plain-text card the person takes away (as a QR code, on paper or read aloud): the date,
/// their reading, what it means and what to do next, in their language. It holds no name,
/// record id or anything else that identifies them.
pub fn take_away_card(
    words: &Words,
    screen: &PersonScreen,
    advice: &[Advice],
    formatted: &Formatted,
) -> Result<String, LocaleError> {
    let mut lines = vec![
        words.format("card-title", &[])?,
        words.format("checked-on", &[("date", &formatted.date)])?,
    ];
    if let Some(reading) = &formatted.reading {
        lines.push(format!(
            "{}: {reading} mmHg",
            words.format("reading-label", &[])?
        ));
    }
    if let Some(pulse) = &formatted.pulse {
        lines.push(words.format("reading-units", &[("pulse", pulse)])?);
    }
    lines.push(String::new());
    lines.push(words.message(screen.situation)?);
    if let Some(line) = words.safety_net(screen.situation)? {
        lines.push(line);
    }
    if !advice.is_empty() {
        lines.push(String::new());
        lines.push(words.format("what-to-do", &[])?);
        for a in advice {
            lines.push(format!("- {}", words.advice(*a)?));
        }
    }
    lines.push(String::new());
    lines.push(words.format("card-footer", &[])?);
    Ok(lines.join("\n"))
}
