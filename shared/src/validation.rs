//! Validation of a check before it is saved on the phone and again when it reaches the server.
//!
//! Every error names the field and the rule in words a volunteer understands, and all of a
//! record's errors are reported together so the form can mark every field at once.

use thiserror::Error;

use crate::card::{CardCode, CardError};
use crate::readings::{needs_pulse_recheck, readings_needed, MAX_READINGS};
use crate::record::{CheckPart, Reading};
use crate::text::{TextError, TextRule};

/// Plausible systolic range (mmHg).
pub const SYSTOLIC_RANGE: (u16, u16) = (50, 300);
/// Plausible diastolic range (mmHg).
pub const DIASTOLIC_RANGE: (u16, u16) = (30, 200);
/// Plausible pulse range (beats per minute).
pub const PULSE_RANGE: (u16, u16) = (25, 250);
/// The longest personal goal kept, in characters.
pub const MAX_GOAL_CHARS: usize = 200;
/// 2020-01-01T00:00:00Z: a check recorded before this has a broken clock behind it.
pub const EARLIEST_RECORDED_AT_MS: i64 = 1_577_836_800_000;

/// Which reading of the (up to) three an error is about, counted from 1.
pub type ReadingNumber = usize;

/// A rule a check broke.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// No consent, no record.
    #[error("The person must agree to the check being recorded before it can be saved")]
    NoConsent,
    /// The check is not tied to an event.
    #[error("Choose the event this check was taken at")]
    MissingEvent,
    /// Borough code not an ONS local authority code.
    #[error("Borough must be an ONS local authority code like E09000003")]
    InvalidBorough,
    /// Recorded time missing or implausible.
    #[error("The time of the check is not valid: check the phone's date and time")]
    InvalidRecordedAt,
    /// The volunteer is not known.
    #[error("The check has no volunteer: sign in again")]
    MissingVolunteer,
    /// No readings at all.
    #[error("Enter the first reading")]
    NoReadings,
    /// More readings than the protocol ever takes.
    #[error("A check has at most three readings")]
    TooManyReadings,
    /// A value outside the plausible range.
    #[error("Reading {reading}: {field} must be between {min} and {max}")]
    OutOfRange {
        /// Which reading.
        reading: ReadingNumber,
        /// "systolic", "diastolic" or "pulse".
        field: &'static str,
        /// Lowest plausible value.
        min: u16,
        /// Highest plausible value.
        max: u16,
    },
    /// Systolic not above diastolic.
    #[error("Reading {reading}: systolic must be higher than diastolic")]
    SystolicNotAboveDiastolic {
        /// Which reading.
        reading: ReadingNumber,
    },
    /// The protocol asks for another reading.
    #[error("Take reading {needed}: {reason}")]
    ReadingNeeded {
        /// The reading number still to take.
        needed: ReadingNumber,
        /// Why, in plain words.
        reason: &'static str,
    },
    /// More readings than the protocol asked for.
    #[error("Reading {reading} was not needed: remove it")]
    ReadingNotNeeded {
        /// The reading that should not be there.
        reading: ReadingNumber,
    },
    /// An irregular pulse with no repeat recorded.
    #[error("The pulse felt irregular: check it again after 5 minutes and record whether it is still irregular")]
    PulseRecheckMissing,
    /// LSOA and IMD decile come together from the postcode lookup.
    #[error(
        "The area (LSOA) and deprivation decile must both be set from the postcode, or neither"
    )]
    AreaIncomplete,
    /// Not an LSOA code.
    #[error("Area must be an LSOA code like E01000001")]
    InvalidLsoa,
    /// IMD decile out of 1–10.
    #[error("Deprivation decile must be between 1 and 10")]
    InvalidImdDecile,
    /// A goal too long to be a goal (and a risk of notes about the person creeping in).
    #[error("The personal goal must be at most {MAX_GOAL_CHARS} characters")]
    GoalTooLong,
    /// A goal with control or direction-changing characters.
    #[error("The personal goal has a hidden control character: type it again")]
    GoalHiddenCharacter,
    /// An event or volunteer id that is not an identifier Stallside makes.
    #[error("The {0} id is not valid: choose the event again or sign in again")]
    InvalidId(&'static str),
    /// The same answer twice in one list.
    #[error("{0} lists the same answer twice")]
    Repeated(&'static str),
    /// A participant card code that is not one (a typo, or a crafted record).
    #[error("Participant card: {0}")]
    InvalidCard(CardError),
    /// A valid card code not written as records hold it (upper case, no spaces), so one card
    /// could count as two people.
    #[error("Participant card: the code must be saved as printed, without spaces: update the app and save the check again")]
    CardNotCanonical,
}

impl ValidationError {
    /// The form field the error belongs to, so the screen can put the message beside it.
    pub fn field(&self) -> &'static str {
        use ValidationError::*;
        match self {
            NoConsent => "consent_to_record",
            MissingEvent => "event_id",
            InvalidBorough => "borough",
            InvalidRecordedAt => "recorded_at_ms",
            MissingVolunteer => "volunteer_id",
            NoReadings | TooManyReadings | OutOfRange { .. } | SystolicNotAboveDiastolic { .. } => {
                "readings"
            }
            ReadingNeeded { .. } | ReadingNotNeeded { .. } => "readings",
            PulseRecheckMissing => "pulse_irregular_on_repeat",
            AreaIncomplete | InvalidLsoa | InvalidImdDecile => "area",
            GoalTooLong | GoalHiddenCharacter => "goal",
            InvalidId("event") => "event_id",
            InvalidId(_) => "volunteer_id",
            Repeated(field) => field,
            InvalidCard(_) | CardNotCanonical => "card",
        }
    }
}

/// All the rules a check broke; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ValidationErrors(pub Vec<ValidationError>);

/// Checks a check against every rule; `Ok` only when it may be saved.
pub fn validate(check: &CheckPart) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    if !check.consent_to_record {
        errors.push(ValidationError::NoConsent);
    }
    if check.event_id.trim().is_empty() {
        errors.push(ValidationError::MissingEvent);
    } else if !is_identifier(&check.event_id) {
        errors.push(ValidationError::InvalidId("event"));
    }
    if !is_ons_local_authority(&check.borough) {
        errors.push(ValidationError::InvalidBorough);
    }
    if check.recorded_at_ms < EARLIEST_RECORDED_AT_MS {
        errors.push(ValidationError::InvalidRecordedAt);
    }
    if check.volunteer_id.trim().is_empty() {
        errors.push(ValidationError::MissingVolunteer);
    } else if !is_identifier(&check.volunteer_id) {
        errors.push(ValidationError::InvalidId("volunteer"));
    }
    // An emergency is saved with what was taken before 999 was called: no readings, or fewer
    // than the protocol asks for. Each reading taken must still be plausible.
    let emergency = !check.red_flags.is_empty();
    validate_readings(&check.readings, emergency, &mut errors);
    if !emergency
        && needs_pulse_recheck(&check.readings)
        && check.pulse_irregular_on_repeat.is_none()
    {
        errors.push(ValidationError::PulseRecheckMissing);
    }
    validate_area(check, &mut errors);
    if let Some(goal) = &check.goal {
        match GOAL_RULE.check(goal) {
            Ok(()) => {}
            Err(TextError::TooLong { .. }) => errors.push(ValidationError::GoalTooLong),
            Err(_) => errors.push(ValidationError::GoalHiddenCharacter),
        }
    }
    if let Some(card) = &check.card {
        match CardCode::parse(card) {
            Err(error) => errors.push(ValidationError::InvalidCard(error)),
            Ok(code) if code.canonical() != *card => errors.push(ValidationError::CardNotCanonical),
            Ok(_) => {}
        }
    }
    let lists = [
        ("other_conditions", repeats(&check.other_conditions)),
        ("red_flags", repeats(&check.red_flags)),
        ("low_bp_symptoms", repeats(&check.low_bp_symptoms)),
        ("advice", repeats(&check.advice)),
        ("barriers", repeats(&check.barriers)),
        ("enablers", repeats(&check.enablers)),
    ];
    errors.extend(
        lists
            .into_iter()
            .filter(|(_, repeated)| *repeated)
            .map(|(field, _)| ValidationError::Repeated(field)),
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

/// Checks one reading on its own: the ranges and systolic above diastolic.
pub fn validate_reading(number: ReadingNumber, reading: &Reading) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let ranges = [
        ("systolic", reading.systolic, SYSTOLIC_RANGE),
        ("diastolic", reading.diastolic, DIASTOLIC_RANGE),
        ("pulse", reading.pulse, PULSE_RANGE),
    ];
    for (field, value, (min, max)) in ranges {
        if !(min..=max).contains(&value) {
            errors.push(ValidationError::OutOfRange {
                reading: number,
                field,
                min,
                max,
            });
        }
    }
    if reading.systolic <= reading.diastolic {
        errors.push(ValidationError::SystolicNotAboveDiastolic { reading: number });
    }
    errors
}

fn validate_readings(readings: &[Reading], emergency: bool, errors: &mut Vec<ValidationError>) {
    if readings.is_empty() {
        if !emergency {
            errors.push(ValidationError::NoReadings);
        }
        return;
    }
    if readings.len() > MAX_READINGS {
        errors.push(ValidationError::TooManyReadings);
        return;
    }
    let before = errors.len();
    for (index, reading) in readings.iter().enumerate() {
        errors.extend(validate_reading(index + 1, reading));
    }
    if errors.len() > before || emergency {
        return;
    }
    let needed = readings_needed(readings);
    if readings.len() < needed {
        let reason = if needed == 2 {
            "the first reading was 140/90 or higher"
        } else {
            "the first two readings differ by more than 10"
        };
        errors.push(ValidationError::ReadingNeeded {
            needed: readings.len() + 1,
            reason,
        });
    } else if readings.len() > needed {
        errors.push(ValidationError::ReadingNotNeeded {
            reading: needed + 1,
        });
    }
}

fn validate_area(check: &CheckPart, errors: &mut Vec<ValidationError>) {
    match (&check.lsoa, check.imd_decile) {
        (None, None) => {}
        (Some(lsoa), Some(decile)) => {
            if !is_code(lsoa, "E01") && !is_code(lsoa, "W01") {
                errors.push(ValidationError::InvalidLsoa);
            }
            if !(1..=10).contains(&decile) {
                errors.push(ValidationError::InvalidImdDecile);
            }
        }
        _ => errors.push(ValidationError::AreaIncomplete),
    }
}

/// How a personal goal may look: one line, in the person's words.
const GOAL_RULE: TextRule = TextRule {
    max_chars: MAX_GOAL_CHARS,
    may_be_empty: true,
    multiline: false,
};

/// The longest event or user id: Stallside makes UUIDs (36 characters).
pub const MAX_ID_CHARS: usize = 64;

/// An id as Stallside makes them (UUIDs, or test and bench names): letters, digits, `-` and
/// `_`, at most [`MAX_ID_CHARS`]. Nothing else can reach a CSV cell or a report label.
pub fn is_identifier(id: &str) -> bool {
    (1..=MAX_ID_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether a list holds the same answer twice (the lists are short: at most one of each).
fn repeats<T: PartialEq>(list: &[T]) -> bool {
    list.iter()
        .enumerate()
        .any(|(i, item)| list[..i].contains(item))
}

/// An ONS local authority district code: E06, E07, E08 or E09 and six digits.
fn is_ons_local_authority(code: &str) -> bool {
    ["E06", "E07", "E08", "E09"]
        .iter()
        .any(|prefix| is_code(code, prefix))
}

/// A normalised number grouped as people read it aloud: "07700 900123", "020 7946 0018".
pub fn phone_for_reading(national: &str) -> String {
    let split = |at: &[usize]| {
        let mut out = String::new();
        let mut last = 0;
        for &cut in at.iter().chain(std::iter::once(&national.len())) {
            if cut > last && cut <= national.len() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&national[last..cut]);
                last = cut;
            }
        }
        out
    };
    if national.starts_with("02") && national.len() == 11 {
        split(&[3, 7])
    } else {
        split(&[5])
    }
}

/// A normalised number as a `tel:` link, in international form so it dials from anywhere.
pub fn phone_link(national: &str) -> String {
    format!("tel:+44{}", national.trim_start_matches('0'))
}

/// A nine-character ONS code: the prefix and six digits.
fn is_code(code: &str, prefix: &str) -> bool {
    code.len() == 9
        && code.starts_with(prefix)
        && code[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
}

/// Why a contact number was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Enter a UK phone number, like 07700 900123 or +44 7700 900123")]
pub struct InvalidPhone;

/// Normalises a UK phone number to digits with a leading 0, or says why it is not one.
pub fn normalise_phone(input: &str) -> Result<String, InvalidPhone> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let national = match compact.strip_prefix("+44") {
        Some(rest) => format!("0{}", rest.trim_start_matches('0')),
        None => compact,
    };
    let valid = national.starts_with('0')
        && (10..=11).contains(&national.len())
        && national.bytes().all(|b| b.is_ascii_digit());
    if valid {
        Ok(national)
    } else {
        Err(InvalidPhone)
    }
}
