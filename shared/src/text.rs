//! The one rule for text people type (names, venues, comments, goals): bounded in length and
//! free of characters that hide or reorder what a reader sees.
//!
//! Control characters break CSV exports and logs; Unicode bidirectional overrides and isolates
//! make a name display as something else ("Trojan Source"). Both are refused rather than
//! stripped, so what is stored is exactly what the person typed and saw.

use thiserror::Error;

/// How a piece of text may look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    /// The most characters (Unicode scalar values) allowed.
    pub max_chars: usize,
    /// Whether the text may be empty (after trimming).
    pub may_be_empty: bool,
    /// Whether line breaks are allowed (a comment may have several lines; a name may not).
    pub multiline: bool,
}

impl TextRule {
    /// A one-line name or label of at most `max_chars`, not empty.
    pub const fn name(max_chars: usize) -> Self {
        TextRule {
            max_chars,
            may_be_empty: false,
            multiline: false,
        }
    }

    /// A free-text note of at most `max_chars`, which may run over several lines.
    pub const fn note(max_chars: usize) -> Self {
        TextRule {
            max_chars,
            may_be_empty: true,
            multiline: true,
        }
    }

    /// Checks `value` against the rule.
    pub fn check(&self, value: &str) -> Result<(), TextError> {
        if !self.may_be_empty && value.trim().is_empty() {
            return Err(TextError::Empty);
        }
        if value.chars().count() > self.max_chars {
            return Err(TextError::TooLong {
                max: self.max_chars,
            });
        }
        match value.chars().find(|c| !self.allows(*c)) {
            Some(c) => Err(TextError::HiddenCharacter(c as u32)),
            None => Ok(()),
        }
    }

    fn allows(&self, c: char) -> bool {
        if self.multiline && c == '\n' {
            return true;
        }
        !(c.is_control() || is_bidi_control(c) || is_noncharacter(c))
    }
}

/// Why a piece of text was refused. Messages are for the person who typed it; the caller adds
/// which field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TextError {
    /// Nothing but spaces.
    #[error("must not be empty")]
    Empty,
    /// Over the length limit.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A control or direction-changing character.
    #[error("contains a hidden control character (U+{0:04X}): type it again without it")]
    HiddenCharacter(u32),
}

/// Embedding, override and isolate controls, and the implicit direction marks' stronger
/// relatives: the characters that make text display in another order than it is stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Code points Unicode reserves as never to be interchanged.
fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_notes_follow_their_rules() {
        let name = TextRule::name(10);
        let note = TextRule::note(10);
        let cases: &[(&TextRule, &str, Result<(), TextError>)] = &[
            (&name, "Ana", Ok(())),
            (&name, "عائشة", Ok(())),
            (&name, "  ", Err(TextError::Empty)),
            (&name, "abcdefghijk", Err(TextError::TooLong { max: 10 })),
            (&name, "abcdefghij", Ok(())),
            (&name, "a\nb", Err(TextError::HiddenCharacter(0x0A))),
            (&name, "a\u{0}b", Err(TextError::HiddenCharacter(0))),
            (&name, "a\tb", Err(TextError::HiddenCharacter(9))),
            (
                &name,
                "ab\u{202E}c",
                Err(TextError::HiddenCharacter(0x202E)),
            ),
            (
                &name,
                "ab\u{2067}c",
                Err(TextError::HiddenCharacter(0x2067)),
            ),
            (&name, "ab\u{FFFF}", Err(TextError::HiddenCharacter(0xFFFF))),
            (&note, "", Ok(())),
            (&note, "one\ntwo", Ok(())),
            (&note, "one\r\ntwo", Err(TextError::HiddenCharacter(0x0D))),
        ];
        for (rule, value, expected) in cases {
            assert_eq!(rule.check(value), *expected, "{value:?}");
        }
    }
}
