//! The words for every result: the label on the volunteer's card, the sentence the volunteer
//! reads aloud, the message on the person's own screen, and the safety-netting line. One table,
//! so the volunteer's card and the person's screen are two views of the same row and can never
//! contradict each other.
//!
//! Reviewed like the triage table ([`crate::triage`]), against:
//! - NHS, "High blood pressure (hypertension)" and "Blood pressure test"
//!   (<https://www.nhs.uk/conditions/high-blood-pressure-hypertension/>): ideal is between 90/60
//!   and 120/80; between 120/80 and 140/90 a person "could be at risk of developing high blood
//!   pressure"; 140/90 or higher is high.
//! - NHS, "Low blood pressure (hypotension)"
//!   (<https://www.nhs.uk/conditions/low-blood-pressure-hypotension/>): below 90/60 is usually
//!   fine without symptoms; see a GP with dizziness, fainting or falls.
//! - NICE NG136, "Hypertension in adults: diagnosis and management" (2019, updated 2023),
//!   1.2 and 1.5: same-day referral at 180/120 or above; offer ambulatory monitoring from
//!   140/90; re-measure more often when close to 140/90 (here: at least once a year above
//!   120/80, where the triage table's "recheck in 5 years" is for the healthy range); review
//!   treated people not at target (here: within a week at stage 2, within 4 weeks at stage 1).
//! - NHS Community Pharmacy Blood Pressure Check Service specification: the reading protocol
//!   and the one-week and three-week time frames in DESIGN.md's triage table.
//!
//! Every row names its time frame ([`Wording::when`]); the table test checks that the
//! sentence said aloud and the person's message both carry it, that only a reading between
//! 90/60 and 120/80 is ever called healthy, and that the bands where things can get worse
//! quickly carry a 999 line.

use crate::record::{Advice, KnownHypertension, Reading};
use crate::triage::{is_low_reading, Assessment, Band, TriageInput};

/// Which row of the table applies: the band, refined by the reading and the diagnosis where
/// the words must differ (a "normal" band spans low, healthy and at-risk readings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Situation {
    /// A red-flag symptom.
    Emergency,
    /// 180/120 or higher.
    VeryHigh,
    /// Still irregular after five minutes.
    IrregularPulse,
    /// Below 90/60 and fainted or fallen recently.
    LowWithFaintingOrFall,
    /// 160/100 to 179/119, not diagnosed before.
    Stage2,
    /// 160/100 to 179/119 in a person already diagnosed.
    Stage2Diagnosed,
    /// 140/90 to 159/99, not diagnosed before.
    Stage1,
    /// 140/90 to 159/99 in a person already diagnosed.
    Stage1Diagnosed,
    /// Below 90/60 with dizziness, sickness or tiredness.
    LowWithSymptoms,
    /// Below 90/60 and well.
    LowNoSymptoms,
    /// Above 120/80 but below 140/90.
    AtRisk,
    /// Between 90/60 and 140/90 in a person already diagnosed: at the usual treatment target,
    /// which is neither "healthy" nor "at risk" for them, and needs their reviews, not a
    /// five-year recheck.
    AtTargetDiagnosed,
    /// Between 90/60 and 120/80.
    Healthy,
    /// No reading taken (only before the first reading; a saved check has one unless it is
    /// an emergency).
    NoReading,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    /// The row.
    pub situation: Situation,
    /// The result's name on the volunteer's card and in the lists.
    pub label: &'static str,
    /// What the volunteer reads aloud, word for word.
    pub say_this: &'static str,
    /// The message on the person's own screen.
    pub for_person: &'static str,
    /// What to do if things get worse; shown on both screens. `None` where nothing is needed.
    pub safety_net: Option<&'static str>,
    /// The time frame (or where to go) that both the spoken sentence and the person's message
    /// contain, so that the two cannot give different deadlines.
    pub when: &'static str,
}

/// The 999 line for high readings: the symptoms of a hypertensive emergency (NHS; NICE NG136
/// 1.5.1).
const CALL_999_HIGH: &str = "Call 999 if you get chest pain, a severe headache, changes in your vision, confusion or breathlessness.";
/// The 999 line for low readings with symptoms.
const CALL_999_LOW: &str =
    "Call 999 if you faint and do not wake up quickly, or get chest pain or breathlessness.";

/// The table, one row per [`Situation`].
pub const WORDING: &[Wording] = &[
    Wording {
        situation: Situation::Emergency,
        label: "Emergency: call 999",
        say_this: "I am worried about these symptoms, so I am calling 999 for you now. Please stay sitting down with me.",
        for_person: "Your symptoms need urgent help. We are calling 999 for you now.",
        safety_net: Some("Call 999 now. Stay with the person, and call again if they get worse while you wait."),
        when: "now",
    },
    Wording {
        situation: Situation::VeryHigh,
        label: "Very high",
        say_this: "Your blood pressure is very high. You need to see a doctor today: call your GP surgery, call NHS 111, or go to an urgent treatment centre.",
        for_person: "Your blood pressure is very high. Please see a doctor today: call your GP surgery, call NHS 111, or go to an urgent treatment centre.",
        safety_net: Some(CALL_999_HIGH),
        when: "today",
    },
    Wording {
        situation: Situation::IrregularPulse,
        label: "Irregular pulse",
        say_this: "Your pulse is not regular. Please see your GP today to get it checked: it can be a heart rhythm problem, and it can make this blood pressure reading less reliable.",
        for_person: "Your pulse was not regular. Please see your GP today to get it checked.",
        safety_net: Some("Call 999 if you get chest pain or breathlessness, feel faint, or notice signs of a stroke: a drooping face, a weak arm or slurred speech."),
        when: "today",
    },
    Wording {
        situation: Situation::LowWithFaintingOrFall,
        label: "Low, with fainting or a fall",
        say_this: "Your blood pressure is low, and you have fainted or fallen recently. Please see your GP today.",
        for_person: "Your blood pressure is low, and you have fainted or fallen recently. Please see your GP today.",
        safety_net: Some(CALL_999_LOW),
        when: "today",
    },
    Wording {
        situation: Situation::Stage2,
        label: "High (stage 2)",
        say_this: "Your blood pressure is high. Please see your GP, or have a blood pressure check at a pharmacy, within a week.",
        for_person: "Your blood pressure is high. Please see your GP or have a pharmacy blood pressure check within a week.",
        safety_net: Some(CALL_999_HIGH),
        when: "within a week",
    },
    Wording {
        situation: Situation::Stage2Diagnosed,
        label: "High (stage 2)",
        say_this: "Your blood pressure is high, even with the diagnosis you already have. Please book a review with your GP or practice nurse within a week.",
        for_person: "Your blood pressure is high. Please book a review with your GP or practice nurse within a week.",
        safety_net: Some(CALL_999_HIGH),
        when: "within a week",
    },
    Wording {
        situation: Situation::Stage1,
        label: "Raised (stage 1)",
        say_this: "Your blood pressure is a bit high. Please have it checked again at a pharmacy or by your GP within 3 weeks. They may ask you to wear a small monitor at home for a day.",
        for_person: "Your blood pressure is a bit high. Please have it checked again at a pharmacy or by your GP within 3 weeks.",
        safety_net: Some(CALL_999_HIGH),
        when: "within 3 weeks",
    },
    Wording {
        situation: Situation::Stage1Diagnosed,
        label: "Raised (stage 1)",
        say_this: "Your blood pressure is a bit higher than it should be. Please tell your GP or practice nurse about this reading within 4 weeks, or at your next review if that is sooner.",
        for_person: "Your blood pressure is a bit higher than it should be. Please tell your GP or practice nurse about this reading within 4 weeks.",
        safety_net: Some(CALL_999_HIGH),
        when: "within 4 weeks",
    },
    Wording {
        situation: Situation::LowWithSymptoms,
        label: "Low, with symptoms",
        say_this: "Your blood pressure is low, and that may be why you feel dizzy, sick or tired. Please make an appointment with your GP. Sit or lie down if you feel faint.",
        for_person: "Your blood pressure is low. Please make an appointment with your GP. Sit or lie down if you feel faint.",
        safety_net: Some(CALL_999_LOW),
        when: "your GP",
    },
    Wording {
        situation: Situation::LowNoSymptoms,
        label: "Low, no symptoms",
        say_this: "Your blood pressure is a little low. This is usually fine if you feel well. If you start to feel dizzy or faint, see your GP.",
        for_person: "Your blood pressure is a little low. This is usually fine if you feel well. See your GP if you feel dizzy or faint.",
        safety_net: None,
        when: "your GP",
    },
    Wording {
        situation: Situation::AtRisk,
        label: "At risk of high blood pressure",
        say_this: "Your blood pressure is not high, but it is above the ideal of 120/80, so you could be at risk of developing high blood pressure. Eating less salt and moving more can help. Please have it checked again at least once a year.",
        for_person: "Your blood pressure is not high, but it is above the ideal of 120/80, so you could be at risk of developing high blood pressure. Have it checked again at least once a year.",
        safety_net: None,
        when: "once a year",
    },
    Wording {
        situation: Situation::AtTargetDiagnosed,
        label: "Below 140/90, already diagnosed",
        say_this: "Your blood pressure is below 140/90 today, which is the usual target for people with high blood pressure. Keep taking any medicines as prescribed, and keep going to your reviews with your GP or practice nurse.",
        for_person: "Your blood pressure is below 140/90 today, the usual target for people with high blood pressure. Keep taking any medicines as prescribed, and keep going to your reviews with your GP or practice nurse.",
        safety_net: None,
        when: "your reviews",
    },
    Wording {
        situation: Situation::Healthy,
        label: "Healthy range",
        say_this: "Your blood pressure is in the healthy range. Keep active and eat well, and have it checked again in 5 years.",
        for_person: "Your blood pressure is in the healthy range, between 90/60 and 120/80. Have it checked again in 5 years.",
        safety_net: None,
        when: "in 5 years",
    },
    Wording {
        situation: Situation::NoReading,
        label: "No reading",
        say_this: "We have not taken your blood pressure yet.",
        for_person: "Your blood pressure has not been taken yet.",
        safety_net: None,
        when: "yet",
    },
];

impl Situation {
    /// The stable key the person's translated text is filed under (`{key}-message`,
    /// `{key}-safety-net` in the `.ftl` files of [`crate::localise`]).
    pub fn key(self) -> &'static str {
        match self {
            Situation::Emergency => "emergency",
            Situation::VeryHigh => "very-high",
            Situation::IrregularPulse => "irregular-pulse",
            Situation::LowWithFaintingOrFall => "low-fainting",
            Situation::Stage2 => "stage2",
            Situation::Stage2Diagnosed => "stage2-diagnosed",
            Situation::Stage1 => "stage1",
            Situation::Stage1Diagnosed => "stage1-diagnosed",
            Situation::LowWithSymptoms => "low-symptoms",
            Situation::LowNoSymptoms => "low-well",
            Situation::AtRisk => "at-risk",
            Situation::AtTargetDiagnosed => "at-target",
            Situation::Healthy => "healthy",
            Situation::NoReading => "no-reading",
        }
    }

    /// The row for a band, refined by the recorded reading and the diagnosis.
    pub fn of(band: Band, known: KnownHypertension, recorded: Option<Reading>) -> Situation {
        let diagnosed = known.is_diagnosed();
        match band {
            Band::Emergency => Situation::Emergency,
            Band::Severe => Situation::VeryHigh,
            Band::IrregularPulse => Situation::IrregularPulse,
            Band::LowUrgent => Situation::LowWithFaintingOrFall,
            Band::Stage2 if diagnosed => Situation::Stage2Diagnosed,
            Band::Stage2 => Situation::Stage2,
            Band::Stage1 if diagnosed => Situation::Stage1Diagnosed,
            Band::Stage1 => Situation::Stage1,
            Band::Low => Situation::LowWithSymptoms,
            Band::Normal => match recorded {
                None => Situation::NoReading,
                Some(r) if is_low_reading(&r) => Situation::LowNoSymptoms,
                Some(_) if diagnosed => Situation::AtTargetDiagnosed,
                Some(r) if is_healthy_reading(&r) => Situation::Healthy,
                Some(_) => Situation::AtRisk,
            },
        }
    }

    /// This situation's row of [`WORDING`].
    pub fn wording(self) -> &'static Wording {
        WORDING
            .iter()
            .find(|w| w.situation == self)
            .unwrap_or(&WORDING[WORDING.len() - 1])
    }
}

/// Between 90/60 and 120/80 inclusive: the only readings ever called healthy.
pub fn is_healthy_reading(r: &Reading) -> bool {
    (90..=120).contains(&r.systolic) && (60..=80).contains(&r.diastolic)
}

/// The row for a triage input.
pub fn wording_for(input: &TriageInput) -> &'static Wording {
    Situation::of(
        crate::triage::band(input),
        input.known_hypertension,
        input.recorded,
    )
    .wording()
}

/// What the volunteer's result card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolunteerCard {
    /// The row it reads from.
    pub situation: Situation,
    /// The heading.
    pub label: &'static str,
    /// The sentence to read aloud.
    pub say_this: &'static str,
    /// The safety-netting line.
    pub safety_net: Option<&'static str>,
}

/// What the person's "Your numbers" screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonScreen {
    /// The row it reads from.
    pub situation: Situation,
    /// The recorded reading, large.
    pub reading: Option<Reading>,
    /// The message.
    pub message: &'static str,
    /// The safety-netting line.
    pub safety_net: Option<&'static str>,
}

impl VolunteerCard {
    /// The card for a triage input.
    pub fn of(input: &TriageInput) -> Self {
        let w = wording_for(input);
        VolunteerCard {
            situation: w.situation,
            label: w.label,
            say_this: w.say_this,
            safety_net: w.safety_net,
        }
    }
}

impl PersonScreen {
    /// The person's screen for a triage input.
    pub fn of(input: &TriageInput) -> Self {
        let w = wording_for(input);
        PersonScreen {
            situation: w.situation,
            reading: input.recorded,
            message: w.for_person,
            safety_net: w.safety_net,
        }
    }
}

/// The label for a saved check in the lists, from its band and recorded reading (the
/// diagnosis never changes a label).
pub fn label_of(band: Band, recorded: Option<Reading>) -> &'static str {
    Situation::of(band, KnownHypertension::No, recorded)
        .wording()
        .label
}

/// Advice and signposting that go with a result, ticked for the volunteer to confirm.
pub fn default_advice(band: Band, known: KnownHypertension) -> &'static [Advice] {
    let diagnosed = known.is_diagnosed();
    match band {
        Band::Emergency => &[Advice::Call999],
        Band::Severe => &[Advice::Gp, Advice::Nhs111],
        Band::IrregularPulse | Band::LowUrgent | Band::Low => &[Advice::Gp],
        Band::Stage2 | Band::Stage1 if diagnosed => &[Advice::Gp, Advice::Lifestyle],
        Band::Stage2 | Band::Stage1 => &[Advice::Gp, Advice::Pharmacy, Advice::Lifestyle],
        Band::Normal => &[Advice::Lifestyle],
    }
}

/// Whether a piece of advice sends the person somewhere (GP, pharmacy, NHS 111, 999).
pub fn is_signposting(advice: Advice) -> bool {
    matches!(
        advice,
        Advice::Gp | Advice::Pharmacy | Advice::Nhs111 | Advice::Call999
    )
}

/// A flagged result must be signposted somewhere: the message when none of the advice given
/// does, `None` when the advice is enough.
pub fn advice_problem(assessment: &Assessment, advice: &[Advice]) -> Option<&'static str> {
    (assessment.is_flagged() && !advice.iter().any(|a| is_signposting(*a)))
        .then_some("This result needs follow-up: choose where you sent the person (GP, pharmacy, NHS 111 or 999)")
}
