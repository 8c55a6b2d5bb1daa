//! The privacy explanation the person hears (or reads on the phone) before they agree to a
//! check being recorded: what is kept, why, for how long, who sees it, and their rights. It is
//! person-facing, so its words live in the Fluent files beside the rest of the consent screen
//! (`privacy-*` messages in `shared/locales/`, checked in every language by
//! `tests/localise_table.rs`); this module fixes the order of the points and hands each the
//! programme's retention periods, so what the person is told is what the server does.

use crate::localise::{LocaleError, Words};
use crate::triage::ProgrammeSettings;

/// One point of the explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyPoint {
    /// Stable message id of the answer, e.g. `privacy-what`; the heading is `{key}-heading`.
    pub key: &'static str,
    /// The question it answers, in the person's language.
    pub heading: String,
    /// The answer, in the person's language.
    pub text: String,
}

/// The points in the order they are read out.
pub const PRIVACY_KEYS: [&str; 5] = [
    "privacy-what",
    "privacy-why",
    "privacy-how-long",
    "privacy-who",
    "privacy-rights",
];

/// The arguments the how-long point takes: the contact retention days and the years before a
/// check is pseudonymised, both as the caller formatted them for the person's locale.
pub const HOW_LONG_ARGS: [&str; 2] = ["days", "years"];

/// The same periods as numbers, which the point's words take their plural form from.
pub const HOW_LONG_COUNTS: [&str; 2] = ["days-count", "years-count"];

/// One message of the explanation: its id, the formatted arguments and the counts it takes.
pub type PrivacyMessage = (String, &'static [&'static str], &'static [&'static str]);

/// The message id of a point's heading.
pub fn heading_id(key: &str) -> String {
    format!("{key}-heading")
}

/// Every message id of the explanation, with the arguments and counts each takes: for the
/// test that every language has them all (`tests/localise_table.rs`).
pub fn privacy_messages() -> Vec<PrivacyMessage> {
    PRIVACY_KEYS
        .iter()
        .flat_map(|key| {
            let (args, counts): (&'static [&'static str], &'static [&'static str]) =
                if *key == "privacy-how-long" {
                    (&HOW_LONG_ARGS, &HOW_LONG_COUNTS)
                } else {
                    (&[], &[])
                };
            [
                (heading_id(key), &[] as &[&str], &[] as &[&str]),
                ((*key).to_owned(), args, counts),
            ]
        })
        .collect()
}

/// The periods the explanation states, in [`HOW_LONG_ARGS`] order, for the caller to format
/// the way the person's locale writes numbers.
pub fn periods(settings: &ProgrammeSettings) -> [u32; 2] {
    [
        settings.contact_retention_days,
        settings.pseudonymise_after_years,
    ]
}

/// The explanation in `words`' language: the `periods` (from [`periods`]) choose the words'
/// plural forms, and are shown as `formatted` for the locale.
pub fn privacy_notice(
    words: &Words,
    periods: [u32; 2],
    formatted: &[String; 2],
) -> Result<Vec<PrivacyPoint>, LocaleError> {
    let args: Vec<(&str, &str)> = HOW_LONG_ARGS
        .iter()
        .zip(formatted)
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let counts: Vec<(&str, u32)> = HOW_LONG_COUNTS.into_iter().zip(periods).collect();
    PRIVACY_KEYS
        .iter()
        .map(|key| {
            Ok(PrivacyPoint {
                key,
                heading: words.format(&heading_id(key), &[])?,
                text: words.format_counted(key, &args, &counts)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_tells_the_periods_the_server_applies() {
        let settings = ProgrammeSettings {
            contact_retention_days: 14,
            pseudonymise_after_years: 6,
            ..ProgrammeSettings::default()
        };
        let english = Words::english().unwrap();
        let periods = periods(&settings);
        let notice = privacy_notice(&english, periods, &periods.map(|n| n.to_string())).unwrap();
        let all: String = notice
            .iter()
            .flat_map(|p| p.text.chars())
            .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
            .collect();
        assert!(all.contains("within 14 days") && all.contains("kept for 6 years"));
        assert!(all.contains("Not your name"));
        assert_eq!(notice.len(), 5);
        assert_eq!(notice[0].heading, "What we keep");
    }
}
