//! The coordinator's review of a record, in one place: the review screen calls [`apply`] through
//! the server and the sync judge checks a pushed review with [`replay`], so neither path can
//! store a comment the other would refuse or a review signed by someone else.

use thiserror::Error;

use crate::record::{ReviewPart, ReviewState};
use crate::text::{TextError, TextRule};

/// The longest review comment: a note for the volunteer, not a record of the person.
pub const MAX_COMMENT_CHARS: usize = 500;

/// How a comment may look.
pub const COMMENT_RULE: TextRule = TextRule::note(MAX_COMMENT_CHARS);

/// Why a review was refused; the message is for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReviewError {
    /// "Has issues" says what the issue is.
    #[error("Say what the issue is, for the volunteer")]
    CommentNeeded,
    /// The comment breaks the text rule.
    #[error("The comment {0}")]
    Comment(TextError),
    /// A pushed review that the review screen would not have written (another reviewer's
    /// name, untrimmed text).
    #[error("This change to the review is not one a coordinator can make")]
    NotAReview,
}

/// Sets the review to `state` with `comment` (trimmed; blank means none), signed by `me`.
pub fn apply(
    part: &mut ReviewPart,
    state: ReviewState,
    comment: Option<&str>,
    me: &str,
) -> Result<(), ReviewError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if state == ReviewState::HasIssues && comment.is_none() {
        return Err(ReviewError::CommentNeeded);
    }
    if let Some(comment) = comment {
        COMMENT_RULE.check(comment).map_err(ReviewError::Comment)?;
    }
    part.state = state;
    part.comment = comment.map(str::to_owned);
    part.reviewed_by = Some(me.to_owned());
    Ok(())
}

/// Checks that `after` is what [`apply`] makes of `before` for `me`.
pub fn replay(before: &ReviewPart, after: &ReviewPart, me: &str) -> Result<(), ReviewError> {
    if before == after {
        return Ok(());
    }
    let mut replayed = before.clone();
    apply(&mut replayed, after.state, after.comment.as_deref(), me)?;
    if replayed == *after {
        Ok(())
    } else {
        Err(ReviewError::NotAReview)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(state: ReviewState, comment: Option<&str>, by: Option<&str>) -> ReviewPart {
        ReviewPart {
            state,
            comment: comment.map(Into::into),
            reviewed_by: by.map(Into::into),
        }
    }

    #[test]
    fn reviews_follow_the_rules() {
        use ReviewState::*;
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        let fresh = ReviewPart::default();
        let cases: Vec<(ReviewPart, Result<(), ReviewError>)> = vec![
            (review(Approved, None, Some("cat")), Ok(())),
            (
                review(HasIssues, Some("Wrong borough"), Some("cat")),
                Ok(()),
            ),
            (
                review(HasIssues, None, Some("cat")),
                Err(ReviewError::CommentNeeded),
            ),
            (
                review(Approved, None, Some("someone-else")),
                Err(ReviewError::NotAReview),
            ),
            (review(Approved, None, None), Err(ReviewError::NotAReview)),
            (
                review(HasIssues, Some(" padded "), Some("cat")),
                Err(ReviewError::NotAReview),
            ),
            (
                review(HasIssues, Some(&long), Some("cat")),
                Err(ReviewError::Comment(TextError::TooLong {
                    max: MAX_COMMENT_CHARS,
                })),
            ),
            (
                review(HasIssues, Some("a\u{202E}b"), Some("cat")),
                Err(ReviewError::Comment(TextError::HiddenCharacter(0x202E))),
            ),
            (fresh.clone(), Ok(())),
        ];
        for (after, expected) in cases {
            assert_eq!(replay(&fresh, &after, "cat"), expected, "{after:?}");
        }
    }
}
