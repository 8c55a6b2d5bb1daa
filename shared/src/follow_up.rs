//! The supervisor's follow-up of a flagged reading, as the only moves there are: claim,
//! release, a contact attempt, close.
//!
//! These rules have one home. The supervisor's screens call [`apply`] through the server, and
//! the sync judge replays a pushed change as the same moves ([`replay`]), so a rule cannot be
//! skipped by writing the document directly: a flag cannot be claimed for someone else (which
//! would lock it for good), closed unclaimed, closed as unreachable without an attempt, or
//! back-dated.

use thiserror::Error;

use crate::record::{ContactAttempt, FollowUpPart, FollowUpState, Outcome};

/// How far ahead of the server's clock a device's clock may run.
pub const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;
/// The most contact attempts one follow-up keeps: more is a stuck button or a hostile client.
pub const MAX_ATTEMPTS: usize = 50;

/// One move a supervisor makes on a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpAction {
    /// "I will follow this up."
    Claim,
    /// "Someone else should": the flag goes back to the queue, attempts kept.
    Release,
    /// A try at reaching the person.
    Attempt {
        /// Whether the supervisor spoke to the person.
        reached: bool,
        /// When, milliseconds since the Unix epoch.
        at_ms: i64,
    },
    /// How it ended; the contact number is erased after this.
    Close {
        /// The outcome.
        outcome: Outcome,
        /// When, milliseconds since the Unix epoch.
        at_ms: i64,
    },
}

/// What a move is judged against besides the follow-up itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpContext<'a> {
    /// The supervisor making the move.
    pub me: &'a str,
    /// When the check was taken: nothing about its follow-up happened before.
    pub recorded_at_ms: i64,
    /// The server's clock.
    pub now_ms: i64,
    /// Whether the reading is flagged now, by the server's triage. A check corrected into a
    /// flagged band still carries the `not_needed` follow-up its phone created it with; it
    /// must be workable all the same.
    pub flagged: bool,
}

/// Why a move was refused; the message is for the supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FollowUpError {
    /// The reading needs no follow-up.
    #[error("This reading is not flagged for follow-up")]
    NotFlagged,
    /// Closed is final.
    #[error("This flag is already closed")]
    AlreadyClosed,
    /// Another supervisor has it.
    #[error("Another supervisor has claimed this flag")]
    ClaimedByOther,
    /// Attempts and closing need a claim.
    #[error("Claim the flag first")]
    NotClaimed,
    /// Unreachable means someone tried.
    #[error("Record the contact attempts before closing as unreachable")]
    UnreachableWithoutAttempt,
    /// A time before the check or ahead of the server's clock.
    #[error("The time given is before the check was taken or in the future")]
    ImplausibleTime,
    /// More attempts than any follow-up needs.
    #[error("A flag keeps at most {MAX_ATTEMPTS} contact attempts")]
    TooManyAttempts,
    /// A pushed follow-up that no sequence of moves produces (a claim for someone else, an
    /// attempt rewritten or removed, a closed flag without its outcome...).
    #[error("This change to the follow-up is not one a supervisor can make")]
    NotAMove,
}

/// Makes one move on `part`, or says why it may not be made (leaving `part` as it was).
pub fn apply(
    part: &mut FollowUpPart,
    action: FollowUpAction,
    ctx: &FollowUpContext<'_>,
) -> Result<(), FollowUpError> {
    match part.state {
        _ if !ctx.flagged => return Err(FollowUpError::NotFlagged),
        FollowUpState::Closed => return Err(FollowUpError::AlreadyClosed),
        FollowUpState::NotNeeded | FollowUpState::Open | FollowUpState::Claimed => {}
    }
    match action {
        FollowUpAction::Claim => {
            if part.claimed_by.as_ref().is_some_and(|by| by != ctx.me) {
                return Err(FollowUpError::ClaimedByOther);
            }
            part.state = FollowUpState::Claimed;
            part.claimed_by = Some(ctx.me.to_owned());
        }
        FollowUpAction::Release => {
            require_claimed(part, ctx.me)?;
            part.state = FollowUpState::Open;
            part.claimed_by = None;
        }
        FollowUpAction::Attempt { reached, at_ms } => {
            require_claimed(part, ctx.me)?;
            if part.attempts.len() >= MAX_ATTEMPTS {
                return Err(FollowUpError::TooManyAttempts);
            }
            check_time(part, at_ms, ctx)?;
            part.attempts.push(ContactAttempt { at_ms, reached });
        }
        FollowUpAction::Close { outcome, at_ms } => {
            require_claimed(part, ctx.me)?;
            if outcome == Outcome::Unreachable && part.attempts.is_empty() {
                return Err(FollowUpError::UnreachableWithoutAttempt);
            }
            check_time(part, at_ms, ctx)?;
            part.state = FollowUpState::Closed;
            part.outcome = Some(outcome);
            part.closed_at_ms = Some(at_ms);
        }
    }
    Ok(())
}

/// Checks that `after` is what a supervisor's moves make of `before`, by working out the moves
/// and replaying them through [`apply`]: the judge's view of a pushed follow-up change.
pub fn replay(
    before: &FollowUpPart,
    after: &FollowUpPart,
    ctx: &FollowUpContext<'_>,
) -> Result<(), FollowUpError> {
    if before == after {
        return Ok(());
    }
    if before.state == FollowUpState::Closed {
        return Err(FollowUpError::AlreadyClosed);
    }
    let mut moves = Vec::new();
    if before.claimed_by.as_deref() != Some(ctx.me) {
        moves.push(FollowUpAction::Claim);
    }
    let new_attempts = after
        .attempts
        .strip_prefix(before.attempts.as_slice())
        .ok_or(FollowUpError::NotAMove)?;
    moves.extend(new_attempts.iter().map(|a| FollowUpAction::Attempt {
        reached: a.reached,
        at_ms: a.at_ms,
    }));
    match after.state {
        FollowUpState::Closed => moves.push(FollowUpAction::Close {
            outcome: after.outcome.ok_or(FollowUpError::NotAMove)?,
            at_ms: after.closed_at_ms.ok_or(FollowUpError::NotAMove)?,
        }),
        FollowUpState::Open => moves.push(FollowUpAction::Release),
        FollowUpState::Claimed | FollowUpState::NotNeeded => {}
    }
    let mut replayed = before.clone();
    for action in moves {
        apply(&mut replayed, action, ctx)?;
    }
    if replayed == *after {
        Ok(())
    } else {
        Err(FollowUpError::NotAMove)
    }
}

fn require_claimed(part: &FollowUpPart, me: &str) -> Result<(), FollowUpError> {
    match &part.claimed_by {
        Some(by) if by == me && part.state == FollowUpState::Claimed => Ok(()),
        Some(by) if by != me => Err(FollowUpError::ClaimedByOther),
        _ => Err(FollowUpError::NotClaimed),
    }
}

/// A move happens after the check (give or take a phone's clock skew), after the last
/// attempt, and not in the future.
fn check_time(
    part: &FollowUpPart,
    at_ms: i64,
    ctx: &FollowUpContext<'_>,
) -> Result<(), FollowUpError> {
    // The check's time came from a phone whose clock may run up to the skew ahead.
    let taken = ctx.recorded_at_ms - CLOCK_SKEW_MS;
    let earliest = part.attempts.last().map_or(taken, |a| a.at_ms.max(taken));
    if at_ms < earliest || at_ms > ctx.now_ms + CLOCK_SKEW_MS {
        return Err(FollowUpError::ImplausibleTime);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000;
    const NOW: i64 = T0 + 3_600_000;

    fn ctx(me: &str) -> FollowUpContext<'_> {
        FollowUpContext {
            me,
            recorded_at_ms: T0,
            now_ms: NOW,
            flagged: true,
        }
    }

    fn open() -> FollowUpPart {
        FollowUpPart {
            state: FollowUpState::Open,
            ..FollowUpPart::default()
        }
    }

    fn claimed(by: &str) -> FollowUpPart {
        FollowUpPart {
            state: FollowUpState::Claimed,
            claimed_by: Some(by.into()),
            ..FollowUpPart::default()
        }
    }

    fn with_attempt(mut part: FollowUpPart) -> FollowUpPart {
        part.attempts.push(ContactAttempt {
            at_ms: T0 + 60_000,
            reached: false,
        });
        part
    }

    fn closed(by: &str, outcome: Outcome, attempts: bool) -> FollowUpPart {
        let mut part = claimed(by);
        if attempts {
            part = with_attempt(part);
        }
        part.state = FollowUpState::Closed;
        part.outcome = Some(outcome);
        part.closed_at_ms = Some(T0 + 120_000);
        part
    }

    /// Every move, allowed and refused, as (before, move, who, expected).
    #[test]
    fn moves_follow_the_rules() {
        use FollowUpAction::*;
        let attempt = Attempt {
            reached: true,
            at_ms: T0 + 1,
        };
        let close = |outcome| Close {
            outcome,
            at_ms: T0 + 2,
        };
        let not_needed = FollowUpPart::default();
        let cases: Vec<(
            FollowUpPart,
            FollowUpAction,
            &str,
            Result<(), FollowUpError>,
        )> = vec![
            (open(), Claim, "ann", Ok(())),
            (claimed("ann"), Claim, "ann", Ok(())),
            (
                claimed("bob"),
                Claim,
                "ann",
                Err(FollowUpError::ClaimedByOther),
            ),
            // Created unflagged, corrected into a flagged band: workable.
            (not_needed.clone(), Claim, "ann", Ok(())),
            (
                closed("ann", Outcome::AdvisedGp, false),
                Claim,
                "ann",
                Err(FollowUpError::AlreadyClosed),
            ),
            (claimed("ann"), Release, "ann", Ok(())),
            (
                claimed("bob"),
                Release,
                "ann",
                Err(FollowUpError::ClaimedByOther),
            ),
            (open(), Release, "ann", Err(FollowUpError::NotClaimed)),
            (claimed("ann"), attempt, "ann", Ok(())),
            (open(), attempt, "ann", Err(FollowUpError::NotClaimed)),
            (
                claimed("bob"),
                attempt,
                "ann",
                Err(FollowUpError::ClaimedByOther),
            ),
            (
                claimed("ann"),
                Attempt {
                    reached: true,
                    at_ms: T0 - CLOCK_SKEW_MS - 1,
                },
                "ann",
                Err(FollowUpError::ImplausibleTime),
            ),
            (
                claimed("ann"),
                Attempt {
                    reached: true,
                    at_ms: NOW + CLOCK_SKEW_MS + 1,
                },
                "ann",
                Err(FollowUpError::ImplausibleTime),
            ),
            (
                with_attempt(claimed("ann")),
                Attempt {
                    reached: true,
                    at_ms: T0 + 59_999,
                },
                "ann",
                Err(FollowUpError::ImplausibleTime),
            ),
            (claimed("ann"), close(Outcome::UrgentCare), "ann", Ok(())),
            (
                claimed("ann"),
                close(Outcome::Unreachable),
                "ann",
                Err(FollowUpError::UnreachableWithoutAttempt),
            ),
            (
                with_attempt(claimed("ann")),
                Close {
                    outcome: Outcome::Unreachable,
                    at_ms: T0 + 60_000,
                },
                "ann",
                Ok(()),
            ),
            (
                open(),
                close(Outcome::UrgentCare),
                "ann",
                Err(FollowUpError::NotClaimed),
            ),
            (
                claimed("bob"),
                close(Outcome::UrgentCare),
                "ann",
                Err(FollowUpError::ClaimedByOther),
            ),
            (
                claimed("ann"),
                Close {
                    outcome: Outcome::UrgentCare,
                    at_ms: 1_577_836_800_000,
                },
                "ann",
                Err(FollowUpError::ImplausibleTime),
            ),
            (
                closed("ann", Outcome::AdvisedGp, false),
                close(Outcome::Declined),
                "ann",
                Err(FollowUpError::AlreadyClosed),
            ),
        ];
        for (before, action, me, expected) in cases {
            let mut part = before.clone();
            assert_eq!(
                apply(&mut part, action, &ctx(me)),
                expected,
                "{action:?} by {me} on {before:?}"
            );
            if expected.is_err() {
                assert_eq!(part, before, "a refused move changes nothing");
            }
        }
    }

    /// A reading that is not flagged (now) takes no move, whatever its follow-up says.
    #[test]
    fn an_unflagged_reading_takes_no_move() {
        let unflagged = FollowUpContext {
            flagged: false,
            ..ctx("ann")
        };
        for part in [FollowUpPart::default(), open(), claimed("ann")] {
            let mut moved = part.clone();
            let refused = apply(&mut moved, FollowUpAction::Claim, &unflagged);
            assert_eq!(refused, Err(FollowUpError::NotFlagged));
            assert_eq!(
                replay(&part, &closed("ann", Outcome::AdvisedGp, false), &unflagged),
                Err(FollowUpError::NotFlagged)
            );
        }
    }

    /// A phone's clock may run ahead: an attempt just before the check's recorded time is
    /// still plausible.
    #[test]
    fn a_fast_phone_clock_does_not_block_an_attempt() {
        let mut part = claimed("ann");
        let action = FollowUpAction::Attempt {
            reached: true,
            at_ms: T0 - CLOCK_SKEW_MS,
        };
        assert_eq!(apply(&mut part, action, &ctx("ann")), Ok(()));
    }

    /// Pushed follow-ups, judged by replaying them as moves: (before, after, who, expected).
    #[test]
    fn pushed_follow_ups_are_replayed_as_moves() {
        let ghost = claimed("ghost-user");
        let mut never_claimed_close = closed("ann", Outcome::AdvisedGp, false);
        never_claimed_close.claimed_by = Some("bob".into());
        let mut back_dated = closed("ann", Outcome::AdvisedGp, false);
        back_dated.closed_at_ms = Some(1_577_836_800_000);
        let mut no_outcome = closed("ann", Outcome::AdvisedGp, false);
        no_outcome.outcome = None;
        let mut released_with_claimer = claimed("ann");
        released_with_claimer.state = FollowUpState::Open;
        let cases: Vec<(FollowUpPart, FollowUpPart, &str, Result<(), FollowUpError>)> = vec![
            (open(), open(), "ann", Ok(())),
            (open(), claimed("ann"), "ann", Ok(())),
            (open(), with_attempt(claimed("ann")), "ann", Ok(())),
            (
                open(),
                closed("ann", Outcome::Unreachable, true),
                "ann",
                Ok(()),
            ),
            (claimed("ann"), open(), "ann", Ok(())),
            (
                with_attempt(claimed("ann")),
                with_attempt(open()),
                "ann",
                Ok(()),
            ),
            (open(), ghost.clone(), "ann", Err(FollowUpError::NotAMove)),
            (claimed("ann"), ghost, "ann", Err(FollowUpError::NotAMove)),
            (
                open(),
                never_claimed_close,
                "ann",
                Err(FollowUpError::NotAMove),
            ),
            (
                open(),
                closed("ann", Outcome::Unreachable, false),
                "ann",
                Err(FollowUpError::UnreachableWithoutAttempt),
            ),
            (
                claimed("bob"),
                closed("bob", Outcome::AdvisedGp, false),
                "ann",
                Err(FollowUpError::ClaimedByOther),
            ),
            (
                claimed("ann"),
                back_dated,
                "ann",
                Err(FollowUpError::ImplausibleTime),
            ),
            (
                claimed("ann"),
                no_outcome,
                "ann",
                Err(FollowUpError::NotAMove),
            ),
            (
                with_attempt(claimed("ann")),
                claimed("ann"),
                "ann",
                Err(FollowUpError::NotAMove),
            ),
            (
                claimed("ann"),
                released_with_claimer,
                "ann",
                Err(FollowUpError::NotAMove),
            ),
            (
                closed("ann", Outcome::AdvisedGp, false),
                claimed("ann"),
                "ann",
                Err(FollowUpError::AlreadyClosed),
            ),
            (FollowUpPart::default(), claimed("ann"), "ann", Ok(())),
        ];
        for (before, after, me, expected) in cases {
            assert_eq!(
                replay(&before, &after, &ctx(me)),
                expected,
                "{before:?} -> {after:?} by {me}"
            );
        }
    }
}
