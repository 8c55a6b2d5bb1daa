//! Validation: each rule refuses what it should, in words a volunteer understands, and a good
//! check passes.

#![cfg(not(target_arch = "wasm32"))]

use stallside_shared::record::{CheckPart, Reading, VenueType};
use stallside_shared::synthetic::{self, Stall};
use stallside_shared::validation::{validate, ValidationError};

fn good() -> CheckPart {
    let stall = Stall {
        event_id: "event-1".into(),
        volunteer_id: "vol-1".into(),
        borough: "E09000003".into(),
        venue_type: VenueType::Library,
    };
    let mut check = synthetic::check(7, &stall, 1_790_000_000_000);
    check.readings = vec![Reading::bp(120, 80)];
    check.pulse_irregular_on_repeat = None;
    check.lsoa = Some("E01000123".into());
    check.imd_decile = Some(2);
    check.goal = None;
    check.red_flags.clear();
    check
}

fn errors_of(check: &CheckPart) -> Vec<ValidationError> {
    validate(check).err().map(|e| e.0).unwrap_or_default()
}

#[test]
fn a_good_check_passes_and_synthetic_checks_are_valid() {
    assert_eq!(errors_of(&good()), vec![]);
    let stall = Stall {
        event_id: "e".into(),
        volunteer_id: "v".into(),
        borough: "E09000005".into(),
        venue_type: VenueType::Market,
    };
    for seed in 0..2_000 {
        let check = synthetic::check(seed, &stall, 1_790_000_000_000);
        assert_eq!(errors_of(&check), vec![], "seed {seed}");
    }
}

#[test]
fn each_rule_is_refused_with_its_message() {
    type Breaker = fn(&mut CheckPart);
    let table: &[(Breaker, ValidationError, &str)] = &[
        (
            |c| c.consent_to_record = false,
            ValidationError::NoConsent,
            "The person must agree to the check being recorded before it can be saved",
        ),
        (|c| c.event_id.clear(), ValidationError::MissingEvent, "Choose the event this check was taken at"),
        (
            |c| c.borough = "Barnet".into(),
            ValidationError::InvalidBorough,
            "Borough must be an ONS local authority code like E09000003",
        ),
        (|c| c.recorded_at_ms = 0, ValidationError::InvalidRecordedAt, "The time of the check is not valid: check the phone's date and time"),
        (|c| c.readings.clear(), ValidationError::NoReadings, "Enter the first reading"),
        (
            |c| c.readings = vec![Reading::bp(80, 90)],
            ValidationError::SystolicNotAboveDiastolic { reading: 1 },
            "Reading 1: systolic must be higher than diastolic",
        ),
        (
            |c| c.readings = vec![Reading::bp(301, 90)],
            ValidationError::OutOfRange { reading: 1, field: "systolic", min: 50, max: 300 },
            "Reading 1: systolic must be between 50 and 300",
        ),
        (
            |c| c.readings = vec![Reading::bp(120, 29)],
            ValidationError::OutOfRange { reading: 1, field: "diastolic", min: 30, max: 200 },
            "Reading 1: diastolic must be between 30 and 200",
        ),
        (
            |c| c.readings = vec![Reading { pulse: 251, ..Reading::bp(120, 80) }],
            ValidationError::OutOfRange { reading: 1, field: "pulse", min: 25, max: 250 },
            "Reading 1: pulse must be between 25 and 250",
        ),
        (
            |c| c.readings = vec![Reading::bp(150, 80)],
            ValidationError::ReadingNeeded { needed: 2, reason: "the first reading was 140/90 or higher" },
            "Take reading 2: the first reading was 140/90 or higher",
        ),
        (
            |c| c.readings = vec![Reading::bp(150, 80), Reading::bp(139, 80)],
            ValidationError::ReadingNeeded { needed: 3, reason: "the first two readings differ by more than 10" },
            "Take reading 3: the first two readings differ by more than 10",
        ),
        (
            |c| c.readings = vec![Reading::bp(120, 80), Reading::bp(121, 80)],
            ValidationError::ReadingNotNeeded { reading: 2 },
            "Reading 2 was not needed: remove it",
        ),
        (
            |c| c.readings = vec![Reading { irregular: true, ..Reading::bp(120, 80) }],
            ValidationError::PulseRecheckMissing,
            "The pulse felt irregular: check it again after 5 minutes and record whether it is still irregular",
        ),
        (|c| c.imd_decile = None, ValidationError::AreaIncomplete, "The area (LSOA) and deprivation decile must both be set from the postcode, or neither"),
        (|c| c.lsoa = Some("N1 9GU".into()), ValidationError::InvalidLsoa, "Area must be an LSOA code like E01000001"),
        (|c| c.imd_decile = Some(11), ValidationError::InvalidImdDecile, "Deprivation decile must be between 1 and 10"),
        (|c| c.goal = Some("x".repeat(201)), ValidationError::GoalTooLong, "The personal goal must be at most 200 characters"),
    ];
    for (breaker, expected, message) in table {
        let mut check = good();
        breaker(&mut check);
        let errors = errors_of(&check);
        assert_eq!(errors, vec![expected.clone()], "{message}");
        assert_eq!(expected.to_string(), *message);
    }
}

#[test]
fn range_edges_are_inclusive() {
    for (s, d, p) in [(50, 30, 25), (300, 200, 250)] {
        let mut check = good();
        check.readings = vec![Reading {
            systolic: s,
            diastolic: d,
            pulse: p,
            irregular: false,
        }];
        if s >= 140 {
            check.readings.push(check.readings[0]);
        }
        assert_eq!(errors_of(&check), vec![], "{s}/{d} pulse {p}");
    }
}

#[test]
fn all_errors_are_reported_together() {
    let mut check = good();
    check.consent_to_record = false;
    check.readings = vec![Reading::bp(80, 90)];
    let errors = validate(&check).unwrap_err();
    assert_eq!(errors.0.len(), 2);
    assert_eq!(errors.0[1].field(), "readings");
}

#[test]
fn an_emergency_is_saved_with_what_was_taken_before_999() {
    let mut check = good();
    check.red_flags = vec![stallside_shared::record::RedFlag::ChestPain];
    check.readings.clear();
    assert_eq!(errors_of(&check), vec![], "no reading yet");
    check.readings = vec![Reading::bp(150, 95)];
    assert_eq!(errors_of(&check), vec![], "a second reading not taken");
    check.readings = vec![Reading::bp(80, 90)];
    assert_eq!(
        errors_of(&check)[0].field(),
        "readings",
        "what was taken is still checked"
    );
}

#[test]
fn contact_numbers_read_in_groups_and_dial_internationally() {
    use stallside_shared::validation::{normalise_phone, phone_for_reading, phone_link};
    let cases = [
        ("07700900123", "07700 900123", "tel:+447700900123"),
        ("+44 7700 900123", "07700 900123", "tel:+447700900123"),
        ("020 7946 0018", "020 7946 0018", "tel:+442079460018"),
        ("01632 960001", "01632 960001", "tel:+441632960001"),
        ("0169 772 1234", "01697 721234", "tel:+441697721234"),
    ];
    for (typed, read, link) in cases {
        let national = normalise_phone(typed).unwrap();
        assert_eq!(phone_for_reading(&national), read, "{typed}");
        assert_eq!(phone_link(&national), link, "{typed}");
    }
}
