//! The triage table of DESIGN.md, tested at every boundary of every band, through the same
//! entry point the phone and the server use (readings → recorded reading → band).

#![cfg(not(target_arch = "wasm32"))]

use stallside_shared::readings::recorded_reading;
use stallside_shared::record::{KnownHypertension, LowBpSymptom, Reading, RedFlag};
use stallside_shared::triage::{assess, band, Band, ProgrammeSettings, TriageInput};

use KnownHypertension::{No, YesOnMedication};
use LowBpSymptom::{Dizziness, Fainting, Falls, Nausea, Tiredness};

struct Case {
    name: &'static str,
    readings: &'static [(u16, u16)],
    red_flags: &'static [RedFlag],
    irregular_on_repeat: Option<bool>,
    low_symptoms: &'static [LowBpSymptom],
    known: KnownHypertension,
    band: Band,
}

const fn case(name: &'static str, readings: &'static [(u16, u16)], band: Band) -> Case {
    Case {
        name,
        readings,
        red_flags: &[],
        irregular_on_repeat: None,
        low_symptoms: &[],
        known: No,
        band,
    }
}

fn cases() -> Vec<Case> {
    vec![
        // Stage 1 boundaries: 139/140 systolic, 89/90 diastolic.
        case("139/80 normal", &[(139, 80)], Band::Normal),
        case("140/80 stage 1", &[(140, 80), (140, 80)], Band::Stage1),
        case("120/89 normal", &[(120, 89)], Band::Normal),
        case("120/90 stage 1", &[(120, 90), (120, 90)], Band::Stage1),
        // Stage 2 boundaries: 159/160, 99/100.
        case("159/80 stage 1", &[(159, 80), (159, 80)], Band::Stage1),
        case("160/80 stage 2", &[(160, 80), (160, 80)], Band::Stage2),
        case("130/99 stage 1", &[(130, 99), (130, 99)], Band::Stage1),
        case("130/100 stage 2", &[(130, 100), (130, 100)], Band::Stage2),
        // Severe boundaries: 179/180, 119/120.
        case("179/90 stage 2", &[(179, 90), (179, 90)], Band::Stage2),
        case("180/90 severe", &[(180, 90), (180, 90)], Band::Severe),
        case("150/119 stage 2", &[(150, 119), (150, 119)], Band::Stage2),
        case("150/120 severe", &[(150, 120), (150, 120)], Band::Severe),
        // The reading protocol decides what is triaged.
        case(
            "high first, lower second within 10: the lower counts",
            &[(145, 85), (138, 85)],
            Band::Normal,
        ),
        case(
            "three readings: lower of the last two",
            &[(200, 110), (185, 100), (175, 95)],
            Band::Stage2,
        ),
        case(
            "severe first, still severe after repeats",
            &[(200, 125), (190, 122), (186, 121)],
            Band::Severe,
        ),
        // Low boundaries: below 90/60 only counts with symptoms.
        Case {
            low_symptoms: &[Fainting],
            ..case("89/60 fainting: low urgent", &[(89, 60)], Band::LowUrgent)
        },
        Case {
            low_symptoms: &[Falls],
            ..case("100/59 falls: low urgent", &[(100, 59)], Band::LowUrgent)
        },
        Case {
            low_symptoms: &[Fainting, Falls],
            ..case("90/60 fainting: not low", &[(90, 60)], Band::Normal)
        },
        Case {
            low_symptoms: &[Dizziness],
            ..case("89/59 dizziness: low", &[(89, 59)], Band::Low)
        },
        Case {
            low_symptoms: &[Nausea],
            ..case("85/60 nausea: low", &[(85, 60)], Band::Low)
        },
        Case {
            low_symptoms: &[Tiredness],
            ..case("90/60 tiredness: normal", &[(90, 60)], Band::Normal)
        },
        case("85/55 no symptoms: normal", &[(85, 55)], Band::Normal),
        Case {
            low_symptoms: &[Dizziness, Falls],
            ..case(
                "low with both kinds: the serious wins",
                &[(80, 50)],
                Band::LowUrgent,
            )
        },
        // Red flags with normal readings.
        Case {
            red_flags: &[RedFlag::ChestPain],
            ..case("chest pain, normal reading", &[(120, 80)], Band::Emergency)
        },
        Case {
            red_flags: &[RedFlag::Breathlessness],
            ..case("breathless, normal reading", &[(118, 76)], Band::Emergency)
        },
        Case {
            red_flags: &[RedFlag::StrokeSigns],
            ..case("stroke signs, low reading", &[(85, 55)], Band::Emergency)
        },
        Case {
            red_flags: &[RedFlag::Collapse],
            ..case(
                "collapse, severe reading",
                &[(190, 125), (190, 125)],
                Band::Emergency,
            )
        },
        Case {
            red_flags: &[RedFlag::SevereHeadacheConfusion],
            ..case("headache with confusion, no reading", &[], Band::Emergency)
        },
        // Irregular pulse on a repeat after 5 minutes.
        Case {
            irregular_on_repeat: Some(true),
            ..case("irregular on repeat", &[(120, 80)], Band::IrregularPulse)
        },
        Case {
            irregular_on_repeat: Some(false),
            ..case("regular on repeat", &[(120, 80)], Band::Normal)
        },
        Case {
            irregular_on_repeat: Some(true),
            ..case(
                "severe outranks irregular",
                &[(185, 100), (185, 100)],
                Band::Severe,
            )
        },
        Case {
            irregular_on_repeat: Some(true),
            ..case(
                "irregular outranks stage 2",
                &[(165, 100), (165, 100)],
                Band::IrregularPulse,
            )
        },
        Case {
            irregular_on_repeat: Some(true),
            low_symptoms: &[Fainting],
            ..case(
                "irregular outranks low urgent",
                &[(85, 55)],
                Band::IrregularPulse,
            )
        },
        Case {
            low_symptoms: &[Dizziness],
            ..case(
                "stage 1 outranks low (150/55)",
                &[(150, 55), (150, 55)],
                Band::Stage1,
            )
        },
        Case {
            known: YesOnMedication,
            ..case(
                "diagnosis does not change the band",
                &[(165, 95), (165, 95)],
                Band::Stage2,
            )
        },
    ]
}

fn readings(pairs: &[(u16, u16)]) -> Vec<Reading> {
    pairs.iter().map(|&(s, d)| Reading::bp(s, d)).collect()
}

#[test]
fn every_boundary_of_every_band() {
    for c in cases() {
        let readings = readings(c.readings);
        let input = TriageInput {
            recorded: recorded_reading(&readings),
            red_flags: c.red_flags,
            pulse_irregular_on_repeat: c.irregular_on_repeat,
            low_bp_symptoms: c.low_symptoms,
            known_hypertension: c.known,
        };
        assert_eq!(band(&input), c.band, "{}", c.name);
    }
}

fn input_for(reading: (u16, u16), known: KnownHypertension) -> (Vec<Reading>, KnownHypertension) {
    (vec![Reading::bp(reading.0, reading.1)], known)
}

#[test]
fn deadlines_and_newly_identified() {
    let settings = ProgrammeSettings::default();
    let day = 24 * 60;
    // (reading, diagnosis, red flags, newly identified, deadline in minutes)
    type Row = (
        (u16, u16),
        KnownHypertension,
        &'static [RedFlag],
        bool,
        Option<u32>,
    );
    let table: &[Row] = &[
        ((120, 80), No, &[RedFlag::ChestPain], false, Some(0)),
        ((185, 95), No, &[], true, Some(day)),
        ((185, 95), YesOnMedication, &[], false, Some(day)),
        ((165, 95), No, &[], true, Some(7 * day)),
        ((165, 95), YesOnMedication, &[], false, Some(7 * day)),
        ((145, 85), No, &[], true, Some(21 * day)),
        (
            (145, 85),
            KnownHypertension::Unsure,
            &[],
            true,
            Some(21 * day),
        ),
        ((145, 85), YesOnMedication, &[], false, None),
        (
            (145, 85),
            KnownHypertension::YesNotOnMedication,
            &[],
            false,
            None,
        ),
        ((139, 89), No, &[], false, None),
    ];
    for &(reading, known, flags, newly, deadline) in table {
        let (readings, known) = input_for(reading, known);
        let input = TriageInput {
            recorded: recorded_reading(&readings),
            red_flags: flags,
            pulse_irregular_on_repeat: None,
            low_bp_symptoms: &[],
            known_hypertension: known,
        };
        let a = assess(&input, &settings);
        assert_eq!(a.newly_identified, newly, "{reading:?} {known:?}");
        assert_eq!(a.deadline_minutes, deadline, "{reading:?} {known:?}");
        assert_eq!(a.is_flagged(), deadline.is_some());
    }
}

#[test]
fn deadlines_are_settings() {
    let settings = ProgrammeSettings {
        same_day_minutes: 4 * 60,
        ..ProgrammeSettings::default()
    };
    assert_eq!(settings.deadline_minutes(Band::Severe, false), Some(240));
    assert_eq!(settings.deadline_minutes(Band::Low, false), None);
    assert_eq!(settings.deadline_minutes(Band::Normal, true), None);
}

#[test]
fn urgent_bands_are_those_due_the_same_day_or_sooner() {
    let settings = ProgrammeSettings::default();
    for band in Band::ALL {
        let due_within_a_day = settings
            .deadline_minutes(*band, true)
            .is_some_and(|m| m <= settings.same_day_minutes);
        assert_eq!(band.is_urgent(), due_within_a_day, "{band:?}");
    }
}

#[test]
fn urgency_follows_table_order() {
    let urgencies: Vec<u8> = Band::ALL.iter().map(|b| b.urgency()).collect();
    assert_eq!(urgencies, vec![7, 6, 5, 4, 3, 2, 1, 0]);
}
