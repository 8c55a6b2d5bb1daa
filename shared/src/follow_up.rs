//! The follow-up of a flagged reading, as the only moves there are: a supervisor's claim,
//! release, contact attempt and close, and a coordinator's release or hand-over of a claim
//! (when the claimer is away, say).
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

/// One move on a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpAction {
    /// "I will follow this up."
    Claim,
    /// "Someone else should": the flag goes back to the queue, attempts kept. The claimer's
    /// move, or a coordinator's.
    Release,
    /// A coordinator hands a claimed flag to another supervisor (by user id), attempts kept.
    /// That they supervise the record's borough is the server's to check
    /// ([`handed_to`] names them), as only it knows the accounts.
    Reassign {
        /// The supervisor who takes the flag over.
        to: String,
    },
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
    /// The supervisor (or coordinator) making the move.
    pub me: &'a str,
    /// Whether the mover is a coordinator of the record's borough: they may release or hand
    /// over a claim, and make no other move.
    pub coordinator: bool,
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
    /// Claims, attempts and outcomes are the supervisors' work.
    #[error("A coordinator can only release a claim or hand it to another supervisor")]
    NotACoordinatorMove,
    /// Handing a flag over is a coordinator's move.
    #[error("Only a coordinator can hand a flag to another supervisor")]
    NotASupervisorMove,
    /// The flag is already theirs.
    #[error("This supervisor already has the flag")]
    AlreadyTheirs,
    /// The new claimer is not an active supervisor of the record's borough.
    #[error("Hand the flag to a supervisor of its borough")]
    NotASupervisorHere,
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
    match (&action, ctx.coordinator) {
        (FollowUpAction::Release | FollowUpAction::Reassign { .. }, true) => {}
        (FollowUpAction::Reassign { .. }, false) => return Err(FollowUpError::NotASupervisorMove),
        (_, true) => return Err(FollowUpError::NotACoordinatorMove),
        (_, false) => {}
    }
    match action {
        FollowUpAction::Release if ctx.coordinator => {
            if part.state != FollowUpState::Claimed || part.claimed_by.is_none() {
                return Err(FollowUpError::NotClaimed);
            }
            part.state = FollowUpState::Open;
            part.claimed_by = None;
        }
        FollowUpAction::Reassign { to } => {
            if part.state != FollowUpState::Claimed || part.claimed_by.is_none() {
                return Err(FollowUpError::NotClaimed);
            }
            if part.claimed_by.as_deref() == Some(to.as_str()) {
                return Err(FollowUpError::AlreadyTheirs);
            }
            part.claimed_by = Some(to);
        }
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

/// Checks that `after` is what a supervisor's (or coordinator's) moves make of `before`, by
/// working out the moves and replaying them through [`apply`]: the judge's view of a pushed
/// follow-up change.
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
    let moves = if ctx.coordinator {
        vec![match (after.state, &after.claimed_by) {
            (FollowUpState::Open, _) => FollowUpAction::Release,
            (FollowUpState::Claimed, Some(to)) => FollowUpAction::Reassign { to: to.clone() },
            _ => return Err(FollowUpError::NotAMove),
        }]
    } else {
        supervisor_moves(before, after, ctx.me)?
    };
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

/// The supervisor's moves that would turn `before` into `after`: a claim if not theirs yet,
/// the new attempts, then a close or a release.
fn supervisor_moves(
    before: &FollowUpPart,
    after: &FollowUpPart,
    me: &str,
) -> Result<Vec<FollowUpAction>, FollowUpError> {
    let mut moves = Vec::new();
    if before.claimed_by.as_deref() != Some(me) {
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
    Ok(moves)
}

/// The supervisor a change hands the flag to, if it hands it to someone other than the mover
/// (a coordinator's [`FollowUpAction::Reassign`]): the server checks they supervise the
/// record's borough.
pub fn handed_to<'a>(before: &FollowUpPart, after: &'a FollowUpPart, me: &str) -> Option<&'a str> {
    match after.claimed_by.as_deref() {
        Some(to) if to != me && before.claimed_by.as_deref() != Some(to) => Some(to),
        _ => None,
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
            coordinator: false,
        }
    }

    fn coordinator(me: &str) -> FollowUpContext<'_> {
        FollowUpContext {
            coordinator: true,
            ..ctx(me)
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
            (claimed("ann"), attempt.clone(), "ann", Ok(())),
            (
                open(),
                attempt.clone(),
                "ann",
                Err(FollowUpError::NotClaimed),
            ),
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
                apply(&mut part, action.clone(), &ctx(me)),
                expected,
                "{action:?} by {me} on {before:?}"
            );
            if expected.is_err() {
                assert_eq!(part, before, "a refused move changes nothing");
            }
        }
    }

    /// A coordinator releases or hands over a claim (to anyone but its holder) and makes no
    /// other move; a supervisor, even the claimer, cannot hand a flag over.
    #[test]
    fn coordinators_release_and_hand_over_claims_only() {
        use FollowUpAction::*;
        let to_bob = || Reassign { to: "bob".into() };
        let cases: Vec<(
            FollowUpPart,
            FollowUpAction,
            FollowUpContext<'_>,
            Result<(), FollowUpError>,
        )> = vec![
            (claimed("ann"), Release, coordinator("dev"), Ok(())),
            (
                with_attempt(claimed("ann")),
                to_bob(),
                coordinator("dev"),
                Ok(()),
            ),
            (
                open(),
                Release,
                coordinator("dev"),
                Err(FollowUpError::NotClaimed),
            ),
            (
                open(),
                to_bob(),
                coordinator("dev"),
                Err(FollowUpError::NotClaimed),
            ),
            (
                claimed("bob"),
                to_bob(),
                coordinator("dev"),
                Err(FollowUpError::AlreadyTheirs),
            ),
            (
                closed("ann", Outcome::AdvisedGp, false),
                to_bob(),
                coordinator("dev"),
                Err(FollowUpError::AlreadyClosed),
            ),
            (
                open(),
                Claim,
                coordinator("dev"),
                Err(FollowUpError::NotACoordinatorMove),
            ),
            (
                claimed("ann"),
                Attempt {
                    reached: true,
                    at_ms: T0 + 1,
                },
                coordinator("dev"),
                Err(FollowUpError::NotACoordinatorMove),
            ),
            (
                claimed("ann"),
                Close {
                    outcome: Outcome::AdvisedGp,
                    at_ms: T0 + 1,
                },
                coordinator("dev"),
                Err(FollowUpError::NotACoordinatorMove),
            ),
            (
                claimed("ann"),
                to_bob(),
                ctx("ann"),
                Err(FollowUpError::NotASupervisorMove),
            ),
            (
                claimed("ann"),
                to_bob(),
                ctx("carl"),
                Err(FollowUpError::NotASupervisorMove),
            ),
        ];
        for (before, action, who, expected) in cases {
            let mut part = before.clone();
            assert_eq!(
                apply(&mut part, action.clone(), &who),
                expected,
                "{action:?} by {} on {before:?}",
                who.me
            );
            if expected.is_err() {
                assert_eq!(part, before, "a refused move changes nothing");
            }
        }
        let mut handed = with_attempt(claimed("ann"));
        apply(&mut handed, to_bob(), &coordinator("dev")).unwrap();
        assert_eq!(handed, with_attempt(claimed("bob")), "the attempts stay");
    }

    /// A coordinator's pushed follow-up change is a release or a hand-over, nothing else.
    #[test]
    fn a_coordinators_push_is_a_release_or_a_hand_over() {
        let dev = coordinator("dev");
        assert_eq!(replay(&claimed("ann"), &open(), &dev), Ok(()));
        assert_eq!(replay(&claimed("ann"), &claimed("bob"), &dev), Ok(()));
        assert_eq!(
            replay(&claimed("ann"), &with_attempt(claimed("bob")), &dev),
            Err(FollowUpError::NotAMove),
            "no attempt slipped in with a hand-over"
        );
        assert_eq!(
            replay(&open(), &claimed("dev"), &dev),
            Err(FollowUpError::NotClaimed),
            "a coordinator cannot claim"
        );
        assert_eq!(
            replay(
                &claimed("ann"),
                &closed("ann", Outcome::AdvisedGp, false),
                &dev
            ),
            Err(FollowUpError::NotAMove)
        );
        assert_eq!(
            handed_to(&claimed("ann"), &claimed("bob"), "dev"),
            Some("bob")
        );
        assert_eq!(handed_to(&open(), &claimed("ann"), "ann"), None);
        assert_eq!(handed_to(&claimed("ann"), &claimed("ann"), "dev"), None);
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
