//! The wording table (shared/src/wording.rs) over every input of a fine grid, natively; the
//! same check runs in Chromium from `wasm.rs`.

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/wording_grid.rs"]
mod wording_grid;

use stallside_shared::readings::recorded_reading;
use stallside_shared::record::KnownHypertension::{No, YesOnMedication};
use stallside_shared::record::Reading;
use stallside_shared::record::{Advice, LowBpSymptom};
use stallside_shared::triage::{assess, Band, ProgrammeSettings, TriageInput};
use stallside_shared::wording::{advice_problem, default_advice, label_of, Situation};
use wording_grid::check_grid;

#[test]
fn the_card_and_the_persons_screen_never_contradict() {
    let checked = check_grid(1);
    assert!(checked > 1_000_000, "{checked}");
}

#[test]
fn the_issue_examples_read_as_the_nhs_says() {
    let at_risk = Situation::of(Band::Normal, No, recorded(&[(134, 86)])).wording();
    assert_eq!(at_risk.label, "At risk of high blood pressure");
    assert!(!at_risk.for_person.contains("healthy"));
    let low = Situation::of(Band::Normal, No, recorded(&[(86, 58)])).wording();
    assert_eq!(low.label, "Low, no symptoms");
    assert!(low.say_this.contains("a little low") && low.for_person.contains("a little low"));
    let treated = Situation::of(Band::Stage2, YesOnMedication, recorded(&[(165, 95)])).wording();
    assert!(treated.for_person.contains("within a week"));
    let severe = Situation::of(Band::Severe, No, recorded(&[(190, 125)])).wording();
    assert!(severe
        .safety_net
        .unwrap()
        .starts_with("Call 999 if you get chest pain"));
    assert_eq!(
        label_of(Band::Normal, recorded(&[(120, 80)])),
        "Healthy range"
    );
    assert_eq!(
        label_of(Band::Normal, recorded(&[(121, 80)])),
        "At risk of high blood pressure"
    );
    assert_eq!(
        label_of(Band::Normal, recorded(&[(120, 59)])),
        "Low, no symptoms"
    );
}

#[test]
fn every_situation_has_a_row() {
    use Situation::*;
    let all = [
        Emergency,
        VeryHigh,
        IrregularPulse,
        LowWithFaintingOrFall,
        Stage2,
        Stage2Diagnosed,
        Stage1,
        Stage1Diagnosed,
        LowWithSymptoms,
        LowNoSymptoms,
        AtRisk,
        AtTargetDiagnosed,
        Healthy,
        NoReading,
    ];
    for situation in all {
        // Exhaustive: a new situation does not compile until it is listed above.
        match situation {
            Emergency
            | VeryHigh
            | IrregularPulse
            | LowWithFaintingOrFall
            | Stage2
            | Stage2Diagnosed
            | Stage1
            | Stage1Diagnosed
            | LowWithSymptoms
            | LowNoSymptoms
            | AtRisk
            | AtTargetDiagnosed
            | Healthy
            | NoReading => {}
        }
        assert_eq!(
            situation.wording().situation,
            situation,
            "{situation:?} has no row"
        );
    }
    let treated = Situation::of(Band::Normal, YesOnMedication, recorded(&[(118, 76)])).wording();
    assert!(!treated.say_this.contains("5 years") && treated.say_this.contains("reviews"));
}

#[test]
fn every_row_is_in_the_table_once() {
    use std::collections::HashSet;
    let rows: HashSet<Situation> = stallside_shared::wording::WORDING
        .iter()
        .map(|w| w.situation)
        .collect();
    assert_eq!(rows.len(), stallside_shared::wording::WORDING.len());
    for w in stallside_shared::wording::WORDING {
        assert_eq!(w.situation.wording(), w);
        assert!(
            w.say_this.ends_with('.') && w.for_person.ends_with('.'),
            "{:?}: sentences",
            w.situation
        );
        assert!(
            !w.say_this.contains("ambulatory"),
            "said aloud, in plain words"
        );
    }
}

#[test]
fn advice_is_ticked_from_the_band_and_flagged_results_need_signposting() {
    let settings = ProgrammeSettings::default();
    let fainted = [LowBpSymptom::Fainting];
    for (reading, low, band) in [
        ((190, 125), &[][..], Band::Severe),
        ((165, 95), &[][..], Band::Stage2),
        ((85, 55), &fainted[..], Band::LowUrgent),
        ((150, 95), &[][..], Band::Stage1),
    ] {
        let input = TriageInput {
            recorded: recorded(&[reading, reading]),
            red_flags: &[],
            pulse_irregular_on_repeat: None,
            low_bp_symptoms: low,
            known_hypertension: No,
        };
        let assessment = assess(&input, &settings);
        assert_eq!(assessment.band, band);
        assert_eq!(
            advice_problem(&assessment, default_advice(band, No)),
            None,
            "{band:?}"
        );
        assert!(
            advice_problem(&assessment, &[Advice::Lifestyle, Advice::Leaflet]).is_some(),
            "{band:?}"
        );
    }
    assert_eq!(default_advice(Band::Normal, No), &[Advice::Lifestyle]);
}

fn recorded(pairs: &[(u16, u16)]) -> Option<Reading> {
    let readings: Vec<Reading> = pairs.iter().map(|&(s, d)| Reading::bp(s, d)).collect();
    recorded_reading(&readings)
}
