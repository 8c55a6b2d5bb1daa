//! Every language says everything the person's screens need, and says it in the same shape as
//! the English source: each wording-table row's message and safety-netting line, each advice
//! line and each screen message exists in every language and resolves with no missing
//! placeable; no language has a message English lacks; each file's header carries the status
//! the phone shows. English must match the wording table word for word.

use std::collections::BTreeSet;
use std::path::Path;

use fluent_syntax::ast::{Entry, Resource};
use stallside_shared::localise::{
    advice_id, message_id, safety_net_id, take_away_card, Formatted, Translation, Words,
    SCREEN_MESSAGES, TRANSLATIONS,
};
use stallside_shared::privacy::privacy_messages;
use stallside_shared::record::{Advice, Language, Reading};
use stallside_shared::wording::{PersonScreen, WORDING};

fn source(language: Language) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(format!("{}.ftl", language.code()));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn words(t: &Translation) -> Words {
    Words::parse(t.language, source(t.language)).unwrap_or_else(|e| panic!("{e}"))
}

/// The ids of the messages (not terms) a source defines.
fn message_ids(source: &str) -> BTreeSet<String> {
    let resource: Resource<&str> = fluent_syntax::parser::parse(source).expect("parses");
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// A message id with sample arguments and counts.
type Needed = (
    String,
    Vec<(&'static str, &'static str)>,
    Vec<(&'static str, u32)>,
);

/// Every message id the screens and the card use, with sample arguments and counts.
fn needed() -> Vec<Needed> {
    let mut ids = Vec::new();
    for row in WORDING {
        ids.push((message_id(row.situation), Vec::new(), Vec::new()));
        if row.safety_net.is_some() {
            ids.push((safety_net_id(row.situation), Vec::new(), Vec::new()));
        }
    }
    for advice in Advice::ALL {
        ids.push((advice_id(*advice), Vec::new(), Vec::new()));
    }
    for (id, args) in SCREEN_MESSAGES {
        let args = args.iter().map(|a| (*a, "12")).collect();
        ids.push(((*id).to_owned(), args, Vec::new()));
    }
    for (id, args, counts) in privacy_messages() {
        let args = args.iter().map(|a| (*a, "12")).collect();
        ids.push((id, args, counts.iter().map(|c| (*c, 12)).collect()));
    }
    ids
}

#[test]
fn every_language_has_every_message_and_every_placeable_resolves() {
    for t in TRANSLATIONS {
        let words = words(t);
        for (id, args, counts) in needed() {
            let text = words
                .format_counted(&id, &args, &counts)
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(
                !text.trim().is_empty(),
                "{}: {id} is empty",
                t.language.code()
            );
            for (_, value) in &args {
                assert!(
                    text.contains(value),
                    "{}: {id} drops its argument",
                    t.language.code()
                );
            }
        }
    }
}

#[test]
fn no_language_has_a_message_english_lacks() {
    let english = message_ids(&source(Language::English));
    let needed: BTreeSet<String> = needed().into_iter().map(|(id, _, _)| id).collect();
    assert_eq!(
        english, needed,
        "English defines exactly what the screens use"
    );
    for t in TRANSLATIONS {
        assert_eq!(
            message_ids(&source(t.language)),
            english,
            "{}",
            t.language.code()
        );
    }
}

#[test]
fn every_file_carries_its_status_and_no_file_is_unlisted() {
    for t in TRANSLATIONS {
        let source = source(t.language);
        for line in t.header() {
            assert!(
                source.lines().any(|l| l == line),
                "{}.ftl lacks `{line}`",
                t.language.code()
            );
        }
        if t.is_draft() {
            assert!(
                !source.contains("### reviewer:"),
                "a draft names no reviewer"
            );
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    for file in std::fs::read_dir(dir).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        let code = name.trim_end_matches(".ftl");
        let language = Language::from_code(code).expect("a file per listed language code");
        assert!(
            Translation::of(language).is_some(),
            "{name} is not listed in TRANSLATIONS"
        );
    }
}

#[test]
fn english_is_the_wording_table_word_for_word() {
    let english = Words::english().unwrap();
    for row in WORDING {
        assert_eq!(english.message(row.situation).unwrap(), row.for_person);
        assert_eq!(
            english.safety_net(row.situation).unwrap().as_deref(),
            row.safety_net
        );
    }
}

#[test]
fn right_to_left_languages_are_marked_and_english_comes_first() {
    assert_eq!(TRANSLATIONS[0].language, Language::English);
    for t in TRANSLATIONS {
        let rtl = matches!(
            t.language,
            Language::Arabic | Language::Persian | Language::Urdu
        );
        assert_eq!(t.right_to_left, rtl, "{}", t.language.code());
    }
    assert!(
        TRANSLATIONS.len() >= 11,
        "at least ten languages besides English"
    );
}

#[test]
fn a_programme_that_allows_only_reviewed_languages_offers_no_draft() {
    let reviewed: Vec<Language> = Translation::offered(true).map(|t| t.language).collect();
    assert_eq!(
        reviewed,
        [Language::English],
        "every translation is a draft today"
    );
    assert_eq!(Translation::offered(false).count(), TRANSLATIONS.len());
}

#[test]
fn the_take_away_card_holds_the_reading_and_advice_and_no_identifier() {
    let screen = PersonScreen {
        situation: stallside_shared::wording::Situation::Stage1,
        reading: Some(Reading::bp(150, 95)),
        message: "",
        safety_net: None,
    };
    let formatted = Formatted {
        reading: Some("150/95".into()),
        pulse: Some("70".into()),
        date: "22 November 2026".into(),
    };
    for t in TRANSLATIONS {
        let card = take_away_card(&words(t), &screen, &[Advice::Pharmacy], &formatted).unwrap();
        assert!(
            card.contains("150/95") && card.contains("22 November 2026"),
            "{card}"
        );
        assert!(
            card.len() < 2_000,
            "{}: fits a QR code a phone camera reads",
            t.language.code()
        );
    }
}

/// The retention periods take the plural form each language needs for the number: a
/// coordinator may set 1 day or 1 year, and Romanian, Polish and Arabic change the noun (or
/// add "de") well beyond one.
#[test]
fn the_retention_periods_take_each_languages_plural_forms() {
    let cases: &[(Language, u32, u32, &[&str])] = &[
        (
            Language::English,
            1,
            1,
            &["within 1 day.", "kept for 1 year,"],
        ),
        (
            Language::English,
            28,
            8,
            &["within 28 days.", "kept for 8 years,"],
        ),
        (Language::Romanian, 1, 1, &["1 zi.", "păstrată 1 an,"]),
        (Language::Romanian, 2, 8, &["2 zile.", "păstrată 8 ani,"]),
        (
            Language::Romanian,
            28,
            20,
            &["28 de zile.", "păstrată 20 de ani,"],
        ),
        (Language::Polish, 1, 1, &["w ciągu 1 dnia.", "przez 1 rok,"]),
        (
            Language::Polish,
            28,
            2,
            &["w ciągu 28 dni.", "przez 2 lata,"],
        ),
        (
            Language::Polish,
            5,
            22,
            &["w ciągu 5 dni.", "przez 22 lata,"],
        ),
        (Language::Polish, 7, 8, &["przez 8 lat,"]),
        (Language::Arabic, 28, 8, &["خلال 28 يومًا.", "لمدة 8 سنوات،"]),
        (Language::Arabic, 7, 20, &["خلال 7 أيام.", "لمدة 20 سنة،"]),
        (
            Language::Spanish,
            1,
            8,
            &["plazo de 1 día.", "durante 8 años"],
        ),
        (
            Language::Portuguese,
            28,
            1,
            &["prazo de 28 dias.", "durante 1 ano"],
        ),
    ];
    for (language, days, years, expected) in cases {
        let words = Words::parse(*language, source(*language)).unwrap();
        let notice = stallside_shared::privacy::privacy_notice(
            &words,
            [*days, *years],
            &[days.to_string(), years.to_string()],
        )
        .unwrap();
        let text: String = notice
            .iter()
            .find(|p| p.key == "privacy-how-long")
            .unwrap()
            .text
            .chars()
            .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
            .collect();
        for phrase in *expected {
            assert!(
                text.contains(phrase),
                "{}: {phrase:?} in {text}",
                language.code()
            );
        }
    }
}
