//! The reading protocol: how many readings a check needs and which one is recorded.
//!
//! From the NHS pharmacy blood-pressure check service: if the first reading is 140/90 or
//! higher take a second; if the second differs from the first by more than 10 mmHg take a
//! third. The recorded reading is the lower of the last two, comparing systolic first, then
//! diastolic.

use crate::record::Reading;

/// A first reading at or above this systolic (mmHg) needs a second.
pub const RAISED_SYSTOLIC: u16 = 140;
/// A first reading at or above this diastolic (mmHg) needs a second.
pub const RAISED_DIASTOLIC: u16 = 90;
/// A second reading differing from the first by more than this (mmHg) needs a third.
pub const REPEAT_DIFFERENCE: u16 = 10;
/// The most readings a check ever takes.
pub const MAX_READINGS: usize = 3;

/// What the volunteer should do next with the readings taken so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextReading {
    /// Take the first reading.
    First,
    /// The first was raised: take a second.
    Second,
    /// The first two differ by more than 10 mmHg: take a third.
    Third,
    /// Enough readings; this one is recorded.
    Done(Reading),
}

/// The next step of the protocol for the readings taken so far (in order).
pub fn next_reading(readings: &[Reading]) -> NextReading {
    let needed = readings_needed(readings);
    if readings.len() < needed {
        return match readings.len() {
            0 => NextReading::First,
            1 => NextReading::Second,
            _ => NextReading::Third,
        };
    }
    match recorded_reading(&readings[..needed]) {
        Some(reading) => NextReading::Done(reading),
        None => NextReading::First,
    }
}

/// How many readings the protocol asks for, given those taken so far.
pub fn readings_needed(readings: &[Reading]) -> usize {
    match readings {
        [] => 1,
        [first] if is_raised(first) => 2,
        [_] => 1,
        [first, second, ..] if differs_by_more_than_repeat(first, second) => 3,
        [first, ..] if is_raised(first) => 2,
        _ => 1,
    }
}

/// The recorded reading: the lower of the last two (or the only one).
pub fn recorded_reading(readings: &[Reading]) -> Option<Reading> {
    match readings {
        [] => None,
        [only] => Some(*only),
        [.., a, b] => Some(lower(*a, *b)),
    }
}

/// A reading at or above 140/90.
pub fn is_raised(reading: &Reading) -> bool {
    reading.systolic >= RAISED_SYSTOLIC || reading.diastolic >= RAISED_DIASTOLIC
}

/// Whether a pulse felt irregular in any reading, so the volunteer must repeat the pulse check
/// after five minutes.
pub fn needs_pulse_recheck(readings: &[Reading]) -> bool {
    readings.iter().any(|r| r.irregular)
}

fn differs_by_more_than_repeat(a: &Reading, b: &Reading) -> bool {
    a.systolic.abs_diff(b.systolic) > REPEAT_DIFFERENCE
        || a.diastolic.abs_diff(b.diastolic) > REPEAT_DIFFERENCE
}

fn lower(a: Reading, b: Reading) -> Reading {
    if (b.systolic, b.diastolic) < (a.systolic, a.diastolic) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: u16, d: u16) -> Reading {
        Reading::bp(s, d)
    }

    #[test]
    fn protocol_table() {
        use NextReading::*;
        let cases: &[(&str, Vec<Reading>, NextReading)] = &[
            ("none yet", vec![], First),
            ("139/89 is not raised", vec![r(139, 89)], Done(r(139, 89))),
            ("140 systolic is raised", vec![r(140, 80)], Second),
            ("90 diastolic is raised", vec![r(120, 90)], Second),
            (
                "89 diastolic alone is not",
                vec![r(120, 89)],
                Done(r(120, 89)),
            ),
            (
                "second within 10 systolic",
                vec![r(150, 85), r(140, 85)],
                Done(r(140, 85)),
            ),
            (
                "second 11 lower systolic",
                vec![r(150, 85), r(139, 85)],
                Third,
            ),
            (
                "second within 10 diastolic",
                vec![r(130, 95), r(130, 85)],
                Done(r(130, 85)),
            ),
            (
                "second 11 lower diastolic",
                vec![r(130, 95), r(130, 84)],
                Third,
            ),
            ("second 11 higher", vec![r(140, 80), r(151, 80)], Third),
            (
                "third: lower of last two",
                vec![r(170, 100), r(150, 90), r(155, 88)],
                Done(r(150, 90)),
            ),
            (
                "third: tie on systolic, lower diastolic",
                vec![r(170, 100), r(150, 92), r(150, 88)],
                Done(r(150, 88)),
            ),
            (
                "low first reading: one is enough",
                vec![r(85, 55)],
                Done(r(85, 55)),
            ),
        ];
        for (name, readings, expected) in cases {
            assert_eq!(next_reading(readings), *expected, "{name}");
        }
    }

    #[test]
    fn recorded_reading_prefers_lower_systolic_even_with_higher_diastolic() {
        assert_eq!(
            recorded_reading(&[r(150, 80), r(148, 95)]),
            Some(r(148, 95))
        );
    }

    #[test]
    fn pulse_recheck_only_when_irregular() {
        let mut irregular = r(120, 80);
        irregular.irregular = true;
        assert!(needs_pulse_recheck(&[irregular]));
        assert!(!needs_pulse_recheck(&[r(120, 80)]));
    }
}
