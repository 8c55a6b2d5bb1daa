//! The participant card: a pseudonymous id a person carries from stall to stall (as
//! Simple.org's BP Passport), so that people are counted once and their earlier readings can be
//! shown when they present the card in person. Nothing personal is on the card or behind it.
//!
//! The id is 50 random bits written as ten Crockford base32 symbols and a Crockford check
//! symbol (the value mod 37), printed as a QR code with the same text beneath it in groups:
//! `7KQ3 M9XA 2PZ`. Why this scheme and not Luhn or Damm:
//! - Crockford base32 leaves out I, L, O and U, so nothing on the card looks like another
//!   symbol, and a volunteer who types I, L or O gets what they meant (1, 1, 0); case, spaces
//!   and hyphens do not matter.
//! - A check value mod 37, a prime larger than the alphabet, catches every single wrong symbol
//!   (a change of `d·32^k` with `0 < |d| < 32` is never a multiple of 37) and every swap of two
//!   neighbours, the check symbol included (`(a−b)·31·32^k`, and `2(c−a)` for the last one).
//!   Luhn mod N misses one transposition (the symbols worth 0 and N−1); Damm needs a quasigroup
//!   table of order 32 to be built and reviewed.
//! - Of the 37 check symbols, five are not letters or digits (`* ~ $ = U`), awkward on a phone
//!   keyboard; [`CardCode::issue`] only makes codes whose check symbol is a letter or digit,
//!   while [`CardCode::parse`] accepts the whole standard.
//!
//! 50 bits: among 100,000 cards the chance that any two share an id is about 1 in 200,000, and
//! a guessed code hits a card in use about once in ten billion tries (and lookups are
//! rate-limited).

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::api::CardVisit;
use crate::readings::REPEAT_DIFFERENCE;
use crate::record::Reading;

/// Crockford's base32 symbols, by value.
const SYMBOLS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Crockford's check symbols, by value mod 37: the 32 symbols, then five more.
const CHECK_SYMBOLS: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
/// Symbols of the id (before the check symbol).
pub const DATA_SYMBOLS: usize = 10;
/// Symbols of a whole code, check symbol included.
pub const CODE_SYMBOLS: usize = DATA_SYMBOLS + 1;
/// The check modulus, a prime above the alphabet's 32.
const MODULUS: u64 = 37;
/// The largest id value.
const MAX_VALUE: u64 = (1 << (5 * DATA_SYMBOLS)) - 1;

/// A valid participant card code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardCode(u64);

/// Why a typed or scanned card code is not one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CardError {
    /// Nothing was typed.
    #[error("Enter the code printed under the card's QR code")]
    Empty,
    /// Too few or too many symbols.
    #[error("The card code has {found} letters and numbers; a card's code has {CODE_SYMBOLS}: check it against the card")]
    WrongLength {
        /// How many there were (spaces and hyphens left out).
        found: usize,
    },
    /// A character that is never on a card.
    #[error("\"{character}\" is not on Stallside cards: codes use the numbers 0 to 9 and the letters A to Z except U")]
    NotOnCards {
        /// What was typed.
        character: char,
    },
    /// The check symbol does not match: a typing slip or two symbols swapped.
    #[error("The card code is not right: a letter or number is mistyped or two are swapped. Check it against the card")]
    CheckFailed,
}

/// A symbol's value, reading I and L as 1 and O as 0 (Crockford's decoding rules).
fn value_of(symbol: u8) -> Option<u8> {
    let symbol = match symbol.to_ascii_uppercase() {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        other => other,
    };
    SYMBOLS
        .iter()
        .position(|s| *s == symbol)
        .map(|index| index as u8)
}

/// A check symbol's value (the standard's five extra symbols included).
fn check_value_of(symbol: u8) -> Option<u8> {
    value_of(symbol).or_else(|| {
        CHECK_SYMBOLS
            .iter()
            .position(|s| *s == symbol.to_ascii_uppercase())
            .map(|index| index as u8)
    })
}

impl CardCode {
    /// Reads a code as typed or scanned: any case, spaces and hyphens anywhere, I and L for 1,
    /// O for 0. The error says what to do.
    pub fn parse(text: &str) -> Result<Self, CardError> {
        let symbols: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if symbols.is_empty() {
            return Err(CardError::Empty);
        }
        if let Some(&character) = symbols.iter().find(|c| {
            !c.is_ascii() || {
                let byte = **c as u8;
                value_of(byte).is_none() && !CHECK_SYMBOLS.contains(&byte.to_ascii_uppercase())
            }
        }) {
            return Err(CardError::NotOnCards { character });
        }
        if symbols.len() != CODE_SYMBOLS {
            return Err(CardError::WrongLength {
                found: symbols.len(),
            });
        }
        let mut value = 0u64;
        for c in &symbols[..DATA_SYMBOLS] {
            let digit = value_of(*c as u8).ok_or(CardError::NotOnCards { character: *c })?;
            value = value << 5 | u64::from(digit);
        }
        let check = symbols[DATA_SYMBOLS];
        let check =
            check_value_of(check as u8).ok_or(CardError::NotOnCards { character: check })?;
        if u64::from(check) != value % MODULUS {
            return Err(CardError::CheckFailed);
        }
        Ok(CardCode(value))
    }

    /// A new card from 50 (or more; the rest are ignored) random bits. Codes whose check
    /// symbol would be one of `* ~ $ = U` are moved on to the next value whose check symbol is
    /// a letter or digit (at most four steps), so every printed code types on any keyboard.
    pub fn issue(random: u64) -> Self {
        let mut value = random & MAX_VALUE;
        while value % MODULUS >= 32 {
            value = (value + 1) & MAX_VALUE;
        }
        CardCode(value)
    }

    /// The code as stored in a check record and encoded in the QR code: eleven upper-case
    /// symbols, no spaces.
    pub fn canonical(&self) -> String {
        self.to_string()
    }

    /// The code as printed under the QR code, in groups of four, four and three, for reading
    /// out and typing.
    pub fn grouped(&self) -> String {
        let text = self.to_string();
        format!("{} {} {}", &text[..4], &text[4..8], &text[8..])
    }

    /// Whether `text` is a code written exactly as [`CardCode::canonical`] writes it: what a
    /// check record must hold, so that one card is one value in reports.
    pub fn is_canonical(text: &str) -> bool {
        CardCode::parse(text).is_ok_and(|code| code.canonical() == text)
    }
}

impl fmt::Display for CardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = [0u8; CODE_SYMBOLS];
        for (i, slot) in text[..DATA_SYMBOLS].iter_mut().enumerate() {
            let shift = 5 * (DATA_SYMBOLS - 1 - i);
            *slot = SYMBOLS[((self.0 >> shift) & 31) as usize];
        }
        text[DATA_SYMBOLS] = CHECK_SYMBOLS[(self.0 % MODULUS) as usize];
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for CardCode {
    type Err = CardError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CardCode::parse(text)
    }
}

/// The card's last visit before today, when today's recorded reading is higher than it by
/// more than two readings taken minutes apart may differ ([`REPEAT_DIFFERENCE`] mmHg, the
/// protocol's threshold for a third reading), in systolic or diastolic: then the person is
/// told "higher than last time". Triage is not changed by it. `earlier` is oldest first.
pub fn higher_than_last(today: Reading, earlier: &[CardVisit]) -> Option<CardVisit> {
    let last = earlier.last()?;
    (today.systolic > last.systolic + REPEAT_DIFFERENCE
        || today.diastolic > last.diastolic + REPEAT_DIFFERENCE)
        .then_some(*last)
}
