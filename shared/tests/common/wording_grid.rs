//! The wording table's promise, checked over every input of a grid: the volunteer's card and
//! the person's screen read the same row, agree on the time frame and the safety net, call
//! only a reading between 90/60 and 120/80 healthy, and carry a 999 line where things can get
//! worse quickly. Shared by the native test and the test in Chromium.

use stallside_shared::record::{KnownHypertension, LowBpSymptom, Reading, RedFlag};
use stallside_shared::triage::{band, Band, TriageInput};
use stallside_shared::wording::{is_healthy_reading, PersonScreen, VolunteerCard};

/// The symptom sets tried at every reading.
const RED_FLAGS: &[&[RedFlag]] = &[&[], &[RedFlag::Collapse]];
const LOW_SYMPTOMS: &[&[LowBpSymptom]] = &[
    &[],
    &[LowBpSymptom::Dizziness],
    &[LowBpSymptom::Fainting],
    &[LowBpSymptom::Falls, LowBpSymptom::Tiredness],
];
const REPEATS: &[Option<bool>] = &[None, Some(false), Some(true)];

/// Checks every input with systolic and diastolic stepping by `step` over the plausible
/// ranges (and every boundary of the table); returns how many inputs were checked.
pub fn check_grid(step: u16) -> usize {
    let mut values_s: Vec<u16> = (50..=300).step_by(step.into()).collect();
    let mut values_d: Vec<u16> = (30..=200).step_by(step.into()).collect();
    values_s.extend([89, 90, 120, 121, 139, 140, 159, 160, 179, 180]);
    values_d.extend([59, 60, 80, 81, 89, 90, 99, 100, 119, 120]);
    let mut checked = 0;
    let readings = values_s
        .iter()
        .flat_map(|&s| values_d.iter().map(move |&d| (s, d)))
        .filter(|(s, d)| s > d)
        .map(|(s, d)| Some(Reading::bp(s, d)))
        .chain([None]);
    for recorded in readings {
        for red_flags in RED_FLAGS {
            for low in LOW_SYMPTOMS {
                for repeat in REPEATS {
                    for known in KnownHypertension::ALL {
                        let input = TriageInput {
                            recorded,
                            red_flags,
                            pulse_irregular_on_repeat: *repeat,
                            low_bp_symptoms: low,
                            known_hypertension: *known,
                        };
                        check_one(&input);
                        checked += 1;
                    }
                }
            }
        }
    }
    checked
}

fn check_one(input: &TriageInput) {
    let card = VolunteerCard::of(input);
    let screen = PersonScreen::of(input);
    let band = band(input);
    let row = card.situation.wording();
    let ensure = |ok: bool, rule: &str| {
        assert!(ok, "{rule}: {input:?} → {band:?} / {:?}", card.situation);
    };
    ensure(card.situation == screen.situation, "the same row");
    ensure(card.safety_net == screen.safety_net, "the same safety net");
    ensure(screen.reading == input.recorded, "the recorded reading");
    ensure(
        card.say_this.contains(row.when),
        "say this carries the time frame",
    );
    ensure(
        screen.message.contains(row.when),
        "the person's message carries it",
    );
    let diagnosed = input.known_hypertension.is_diagnosed();
    let healthy = input.recorded.is_some_and(|r| is_healthy_reading(&r))
        && band == Band::Normal
        && !diagnosed;
    ensure(
        !(diagnosed && band == Band::Normal)
            || input
                .recorded
                .is_none_or(|r| r.systolic < 90 || r.diastolic < 60)
            || (card.say_this.contains("reviews") && !card.say_this.contains("5 years")),
        "a diagnosed person at target is sent to their reviews, not a five-year recheck",
    );
    for text in [card.label, card.say_this, screen.message] {
        ensure(
            text.to_lowercase().contains("healthy") == healthy,
            "\"healthy\" only between 90/60 and 120/80, undiagnosed, with nothing else wrong",
        );
    }
    let needs_999 = matches!(
        band,
        Band::Emergency | Band::Severe | Band::Stage2 | Band::LowUrgent | Band::Low
    );
    ensure(
        !needs_999 || screen.safety_net.is_some_and(|line| line.contains("999")),
        "999 safety-netting",
    );
    ensure(
        band != Band::Stage2 || row.when.contains("week"),
        "stage 2 has a time frame, diagnosed or not",
    );
}
