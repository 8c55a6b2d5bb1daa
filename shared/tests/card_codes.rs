//! The participant card's code as a table: what a volunteer may type or a camera may read, what
//! each mistake is told, and, exhaustively over a sample of issued codes, that every single
//! wrong symbol and every swap of two neighbours is caught rather than read as another card.

use stallside_shared::api::CardVisit;
use stallside_shared::card::{higher_than_last, CardCode, CardError, CODE_SYMBOLS};
use stallside_shared::record::Reading;

/// The alphabet a volunteer might type, canonical symbols and the check symbols' extras.
const TYPABLE: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

fn sample() -> Vec<CardCode> {
    // A spread of 50-bit values: small, large, and a simple generator's walk in between.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut codes = vec![CardCode::issue(0), CardCode::issue(u64::MAX)];
    for _ in 0..300 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        codes.push(CardCode::issue(state));
    }
    codes
}

#[test]
fn typed_forms_read_as_the_same_card() {
    let code = CardCode::issue(0x0003_1415_9265_3589);
    let canonical = code.canonical();
    assert_eq!(canonical.len(), CODE_SYMBOLS);
    let grouped = code.grouped();
    let cases = [
        canonical.clone(),
        grouped.clone(),
        grouped.to_lowercase(),
        grouped.replace(' ', "-"),
        format!("  {}  ", grouped.replace(' ', " - ")),
        canonical.replace('1', "I").replace('0', "O"),
        canonical.replace('1', "l").replace('0', "o"),
    ];
    for typed in cases {
        assert_eq!(CardCode::parse(&typed), Ok(code), "{typed:?}");
    }
    assert!(CardCode::is_canonical(&canonical));
    assert!(
        !CardCode::is_canonical(&grouped),
        "stored codes have no spaces"
    );
    assert!(!CardCode::is_canonical(&canonical.to_lowercase()));
}

#[test]
fn each_mistake_has_its_own_message() {
    let good = CardCode::issue(42).canonical();
    let table: [(&str, CardError); 6] = [
        ("", CardError::Empty),
        (" - ", CardError::Empty),
        ("ABC", CardError::WrongLength { found: 3 }),
        (&format!("{good}7"), CardError::WrongLength { found: 12 }),
        ("ABCD EFGH J!K", CardError::NotOnCards { character: '!' }),
        ("UBCD EFGH JKM", CardError::NotOnCards { character: 'U' }),
    ];
    for (typed, error) in table {
        assert_eq!(CardCode::parse(typed), Err(error), "{typed:?}");
    }
    assert_eq!(
        CardCode::parse("ABCD EFGH JKÉ"),
        Err(CardError::NotOnCards { character: 'É' })
    );
    for error in [
        CardError::Empty,
        CardError::WrongLength { found: 3 },
        CardError::NotOnCards { character: '!' },
        CardError::CheckFailed,
    ] {
        assert!(
            !error.to_string().is_empty() && error.to_string().len() < 160,
            "{error}"
        );
    }
}

#[test]
fn issued_codes_have_a_typable_check_symbol_and_are_fresh_per_input() {
    let codes = sample();
    for code in &codes {
        let check = code.canonical().chars().last().unwrap();
        assert!(check.is_ascii_alphanumeric() && check != 'U', "{code}");
        assert_eq!(CardCode::parse(&code.canonical()), Ok(*code));
    }
    let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), codes.len());
}

#[test]
fn every_single_wrong_symbol_is_caught() {
    for code in sample() {
        let canonical: Vec<char> = code.canonical().chars().collect();
        for position in 0..CODE_SYMBOLS {
            for typed in TYPABLE.chars().filter(|c| *c != canonical[position]) {
                let mut wrong = canonical.clone();
                wrong[position] = typed;
                let wrong: String = wrong.into_iter().collect();
                assert!(
                    CardCode::parse(&wrong).is_err(),
                    "{wrong} (from {code}) was read as a card"
                );
            }
        }
    }
}

#[test]
fn every_swap_of_two_neighbours_is_caught() {
    for code in sample() {
        let canonical: Vec<char> = code.canonical().chars().collect();
        for position in 0..CODE_SYMBOLS - 1 {
            if canonical[position] == canonical[position + 1] {
                continue;
            }
            let mut swapped = canonical.clone();
            swapped.swap(position, position + 1);
            let swapped: String = swapped.into_iter().collect();
            assert_eq!(
                CardCode::parse(&swapped),
                Err(CardError::CheckFailed),
                "{swapped} (from {code})"
            );
        }
    }
}

#[test]
fn higher_than_last_time_is_more_than_the_protocols_repeat_difference_above_the_last_visit() {
    let visit = |at: i64, systolic, diastolic| CardVisit {
        id: uuid::Uuid::nil(),
        recorded_at_ms: at,
        systolic,
        diastolic,
    };
    let earlier = [visit(1, 160, 100), visit(2, 130, 80)];
    let table = [
        (
            Reading::bp(140, 80),
            false,
            "10 above: within what two readings may differ",
        ),
        (Reading::bp(141, 80), true, "systolic more than 10 above"),
        (Reading::bp(130, 91), true, "diastolic more than 10 above"),
        (Reading::bp(120, 70), false, "lower"),
    ];
    for (today, higher, why) in table {
        assert_eq!(higher_than_last(today, &earlier).is_some(), higher, "{why}");
    }
    assert_eq!(
        higher_than_last(Reading::bp(141, 80), &earlier),
        Some(earlier[1])
    );
    assert_eq!(
        higher_than_last(Reading::bp(200, 110), &[]),
        None,
        "no visit"
    );
}
