//! A check while the volunteer fills it in: answers not yet given are `None`, readings are
//! the text typed. Turning it into a [`CheckPart`] is where the shared validation and triage
//! run, so the phone and the server apply the same rules.

use serde::{Deserialize, Serialize};
use stallside_shared::area::Area;
use stallside_shared::card::CardCode;
use stallside_shared::readings::{
    needs_pulse_recheck, next_reading, readings_needed, recorded_reading, NextReading,
};
use stallside_shared::record::*;
use stallside_shared::triage::{
    assess, band, is_low_reading, Assessment, Band, ProgrammeSettings, TriageInput,
};
use stallside_shared::validation::{normalise_phone, validate, validate_reading};
use stallside_shared::wording::{advice_problem, default_advice, PersonScreen, VolunteerCard};

use crate::components::Problem;

/// One reading as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadingInput {
    /// Systolic, as typed.
    pub systolic: String,
    /// Diastolic, as typed.
    pub diastolic: String,
    /// Pulse, as typed.
    pub pulse: String,
    /// The pulse felt irregular.
    pub irregular: bool,
}

/// Where and by whom the check is taken.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// Event id.
    pub event_id: String,
    /// Venue type.
    pub venue_type: VenueType,
    /// Borough code.
    pub borough: String,
    /// The volunteer's user id.
    pub volunteer_id: String,
    /// When the check was taken.
    pub recorded_at_ms: i64,
}

/// The answers so far; kept on the phone as the volunteer goes (see [`crate::store::draft`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Consent to record.
    pub consent_to_record: Option<bool>,
    /// Readings taken so far.
    pub readings: Vec<ReadingInput>,
    /// The repeat pulse check, if one was needed.
    pub pulse_irregular_on_repeat: Option<bool>,
    /// Whether any red-flag symptom is present.
    pub any_red_flag: Option<bool>,
    /// Which.
    pub red_flags: Vec<RedFlag>,
    /// When the reading is low: whether the person has had any of the symptoms.
    pub any_low_symptom: Option<bool>,
    /// Low blood pressure symptoms.
    pub low_bp_symptoms: Vec<LowBpSymptom>,
    /// Known hypertension.
    pub known_hypertension: Option<KnownHypertension>,
    /// Age band.
    pub age_band: Option<AgeBand>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Ethnicity.
    pub ethnicity: Option<Ethnicity>,
    /// English first language.
    pub english_first_language: Option<EnglishFirstLanguage>,
    /// The person's main language, picked before consent so the person reads it in theirs.
    #[serde(default)]
    pub main_language: Option<Language>,
    /// The participant card's code as typed or scanned; empty without a card.
    #[serde(default)]
    pub card: String,
    /// The card's earlier visits, oldest first, as found on the phone and the server: for the
    /// trend and "higher than last time". Never part of the record.
    #[serde(default)]
    pub earlier_visits: Vec<stallside_shared::api::CardVisit>,
    /// Derived from the postcode (which is not kept).
    pub area: Option<Area>,
    /// Other conditions.
    pub other_conditions: Vec<Condition>,
    /// Smoking.
    pub smoking: Option<Smoking>,
    /// Advice given.
    pub advice: Vec<Advice>,
    /// The band the advice was last ticked for: a new band ticks its own advice afresh.
    pub advice_for: Option<Band>,
    /// Personal goal.
    pub goal: String,
    /// Barriers mentioned.
    pub barriers: Vec<Barrier>,
    /// What helps, as the person said. Drafts saved before the question have none.
    #[serde(default)]
    pub enablers: Vec<Enabler>,
    /// Consent to be contacted.
    pub consent_to_contact: Option<bool>,
    /// Contact number (never stored in the record).
    pub phone: String,
    /// Correcting a check whose person already agreed to contact: the number given then
    /// stands unless a new one is typed.
    pub contact_on_file: bool,
}

/// The result of the answers so far, as the result screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultView {
    /// The band.
    pub band: Band,
    /// The volunteer's card, from the shared wording table.
    pub card: VolunteerCard,
    /// The recorded reading, once there is one.
    pub reading: Option<Reading>,
    /// 140/90 or higher and not diagnosed before.
    pub newly_identified: bool,
    /// A supervisor will follow it up: contact is asked for.
    pub flagged: bool,
    assessment: Assessment,
}

impl ResultView {
    /// Why the advice ticked is not enough for this result, if it is not.
    pub fn advice_problem(&self, advice: &[Advice]) -> Option<&'static str> {
        advice_problem(&self.assessment, advice)
    }
}

/// What pressing "Continue" on the readings step leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingsNext {
    /// Another reading is needed; its fields were added.
    Another(usize),
    /// Enough readings.
    Done,
}

impl Draft {
    /// A new check: one empty reading to fill in.
    pub fn new() -> Self {
        Draft {
            readings: vec![ReadingInput::default()],
            ..Draft::default()
        }
    }

    /// A saved check, to correct (an emergency saved before any reading gets an empty one).
    pub fn from_check(check: &CheckPart) -> Self {
        let draft = Draft {
            consent_to_record: Some(check.consent_to_record),
            readings: check
                .readings
                .iter()
                .map(|r| ReadingInput {
                    systolic: r.systolic.to_string(),
                    diastolic: r.diastolic.to_string(),
                    pulse: r.pulse.to_string(),
                    irregular: r.irregular,
                })
                .collect(),
            pulse_irregular_on_repeat: check.pulse_irregular_on_repeat,
            any_red_flag: Some(!check.red_flags.is_empty()),
            red_flags: check.red_flags.clone(),
            any_low_symptom: Some(!check.low_bp_symptoms.is_empty()),
            low_bp_symptoms: check.low_bp_symptoms.clone(),
            known_hypertension: Some(check.known_hypertension),
            age_band: Some(check.age_band),
            sex: Some(check.sex),
            ethnicity: Some(check.ethnicity),
            english_first_language: Some(check.english_first_language),
            main_language: check.main_language,
            card: check
                .card
                .as_deref()
                .and_then(|c| CardCode::parse(c).ok())
                .map(|c| c.grouped())
                .unwrap_or_default(),
            earlier_visits: Vec::new(),
            area: match (&check.lsoa, check.imd_decile) {
                (Some(lsoa), Some(imd_decile)) => Some(Area {
                    lsoa: lsoa.clone(),
                    imd_decile,
                }),
                _ => None,
            },
            other_conditions: check.other_conditions.clone(),
            smoking: Some(check.smoking),
            advice: check.advice.clone(),
            advice_for: Some(check.band),
            goal: check.goal.clone().unwrap_or_default(),
            barriers: check.barriers.clone(),
            enablers: check.enablers.clone(),
            consent_to_contact: Some(check.consent_to_contact),
            phone: String::new(),
            contact_on_file: check.consent_to_contact,
        };
        if draft.readings.is_empty() {
            Draft {
                readings: vec![ReadingInput::default()],
                ..draft
            }
        } else {
            draft
        }
    }

    /// The card as the record keeps it: the canonical code of a valid one; what was typed
    /// when it is not one, so that validation names the mistake; `None` without a card.
    pub fn card_code(&self) -> Option<String> {
        let typed = self.card.trim();
        (!typed.is_empty()).then(|| {
            CardCode::parse(typed).map_or_else(|_| typed.to_owned(), |code| code.canonical())
        })
    }

    /// The readings typed, parsed and checked one by one.
    pub fn parsed_readings(&self) -> Result<Vec<Reading>, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut readings = Vec::new();
        for (index, input) in self.readings.iter().enumerate() {
            let number = index + 1;
            let field = |name: &str| format!("reading-{number}-{name}");
            let parse = |text: &str, name: &str, label: &str, problems: &mut Vec<Problem>| {
                text.trim().parse::<u16>().ok().or_else(|| {
                    problems.push(Problem::new(
                        field(name),
                        format!("Enter reading {number}'s {label} as a number"),
                    ));
                    None
                })
            };
            let systolic = parse(&input.systolic, "systolic", "systolic", &mut problems);
            let diastolic = parse(&input.diastolic, "diastolic", "diastolic", &mut problems);
            let pulse = parse(&input.pulse, "pulse", "pulse", &mut problems);
            if let (Some(systolic), Some(diastolic), Some(pulse)) = (systolic, diastolic, pulse) {
                let reading = Reading {
                    systolic,
                    diastolic,
                    pulse,
                    irregular: input.irregular,
                };
                for error in validate_reading(number, &reading) {
                    let name = match &error {
                        stallside_shared::validation::ValidationError::OutOfRange {
                            field, ..
                        } => field,
                        _ => "systolic",
                    };
                    problems.push(Problem::new(field(name), error.to_string()));
                }
                readings.push(reading);
            }
        }
        if problems.is_empty() {
            Ok(readings)
        } else {
            Err(problems)
        }
    }

    /// "Continue" on the readings step: adds the next reading the protocol asks for, drops
    /// readings no longer needed, or moves on.
    pub fn continue_readings(&mut self) -> Result<ReadingsNext, Vec<Problem>> {
        let readings = self.parsed_readings()?;
        let needed = readings_needed(&readings);
        if readings.len() < needed {
            self.readings.push(ReadingInput::default());
            return Ok(ReadingsNext::Another(self.readings.len()));
        }
        self.readings.truncate(needed);
        if !needs_pulse_recheck(&readings[..needed]) {
            self.pulse_irregular_on_repeat = None;
        }
        Ok(ReadingsNext::Done)
    }

    /// Why the protocol asks for the reading being shown, if it is not the first.
    pub fn reading_prompt(&self) -> Option<&'static str> {
        let taken = &self.readings[..self.readings.len().saturating_sub(1)];
        let parsed: Vec<Reading> = Draft {
            readings: taken.to_vec(),
            ..Draft::default()
        }
        .parsed_readings()
        .ok()?;
        match next_reading(&parsed) {
            NextReading::Second => Some("The first reading is 140/90 or higher. Wait 1 to 2 minutes, then take a second reading."),
            NextReading::Third => Some("The first two readings differ by more than 10. Take a third reading."),
            _ => None,
        }
    }

    /// Whether the repeat pulse question is needed.
    pub fn needs_pulse_recheck(&self) -> bool {
        self.readings.iter().any(|r| r.irregular)
    }

    /// Whether the recorded reading is below 90/60, so low blood pressure symptoms are asked.
    pub fn is_low(&self) -> bool {
        self.recorded().is_some_and(|r| is_low_reading(&r))
    }

    /// The recorded reading of the readings typed, once they all parse.
    pub fn recorded(&self) -> Option<Reading> {
        self.parsed_readings()
            .ok()
            .and_then(|r| recorded_reading(&r))
    }

    /// The result of the answers so far (readings that are complete and plausible).
    /// The card's last visit, when today's reading is higher than it (see
    /// [`stallside_shared::card::higher_than_last`]); triage is not changed by it.
    pub fn higher_than_last(&self) -> Option<stallside_shared::api::CardVisit> {
        stallside_shared::card::higher_than_last(self.recorded()?, &self.earlier_visits)
    }

    /// The result of the answers so far.
    pub fn result_view(&self, settings: &ProgrammeSettings) -> ResultView {
        let check = self.partial_check(self.complete_readings());
        let input = TriageInput::from_check(&check);
        let assessment = assess(&input, settings);
        ResultView {
            band: assessment.band,
            card: VolunteerCard::of(&input),
            reading: input.recorded,
            newly_identified: assessment.newly_identified,
            flagged: assessment.is_flagged(),
            assessment,
        }
    }

    /// The person's own screen, from the same row of the wording table as the card.
    pub fn person_screen(&self) -> PersonScreen {
        let check = self.partial_check(self.complete_readings());
        PersonScreen::of(&TriageInput::from_check(&check))
    }

    /// The readings typed so far that are complete and plausible, up to the first that is not.
    fn complete_readings(&self) -> Vec<Reading> {
        self.readings
            .iter()
            .map_while(|typed| {
                Draft {
                    readings: vec![typed.clone()],
                    ..Draft::default()
                }
                .parsed_readings()
                .ok()
                .and_then(|r| r.first().copied())
            })
            .collect()
    }

    /// The known-hypertension answer, "not sure" until given.
    pub fn known(&self) -> KnownHypertension {
        self.known_hypertension.unwrap_or(KnownHypertension::Unsure)
    }

    /// Ticks the advice that goes with the band, unless it was already ticked for this band
    /// (so the volunteer's own changes stand).
    pub fn tick_advice_for(&mut self, band: Band) {
        if self.advice_for != Some(band) {
            self.advice = default_advice(band, self.known()).to_vec();
            self.advice_for = Some(band);
        }
    }

    /// Whether anything has been answered yet: an untouched form is not worth keeping.
    pub fn is_started(&self) -> bool {
        *self != Draft::new()
    }

    /// An emergency saved with what was taken before 999 was called: the red flags, the
    /// readings that are complete and plausible, and "not said" for every question not yet
    /// asked. The volunteer finishes it later by correcting it.
    pub fn to_emergency_check(&self, context: &Context) -> Result<CheckPart, Vec<Problem>> {
        let mut check = self.partial_check(self.complete_readings());
        if !check.advice.contains(&Advice::Call999) {
            check.advice.push(Advice::Call999);
        }
        self.finish(check, context)
    }

    /// The contact number, checked; `None` when none is to be sent.
    pub fn contact(&self, flagged: bool) -> Result<Option<String>, Problem> {
        if !flagged || self.consent_to_contact != Some(true) {
            return Ok(None);
        }
        if self.contact_on_file && self.phone.trim().is_empty() {
            return Ok(None);
        }
        normalise_phone(&self.phone)
            .map(Some)
            .map_err(|e| Problem::new("phone", e.to_string()))
    }

    /// The check to save, with every answer required and the shared validation passed.
    pub fn to_check(&self, context: &Context) -> Result<CheckPart, Vec<Problem>> {
        let readings = self.parsed_readings()?;
        let mut problems = Vec::new();
        let mut need = |missing: bool, field: &str, message: &str| {
            if missing {
                problems.push(Problem::new(field, message));
            }
        };
        need(
            self.any_red_flag.is_none(),
            "any-red-flag",
            "Say whether the person has any red-flag symptoms",
        );
        need(
            self.any_red_flag == Some(true) && self.red_flags.is_empty(),
            "red-flags",
            "Choose the red-flag symptoms",
        );
        need(
            self.known_hypertension.is_none(),
            "known-hypertension",
            "Say whether the person has been told they have high blood pressure",
        );
        need(
            self.is_low() && self.any_low_symptom.is_none(),
            "any-low-symptom",
            "The reading is low: say whether the person has had any of these symptoms",
        );
        need(
            self.is_low() && self.any_low_symptom == Some(true) && self.low_bp_symptoms.is_empty(),
            "low-symptoms",
            "Choose the symptoms the person has had",
        );
        need(self.age_band.is_none(), "age-band", "Choose an age band");
        need(self.sex.is_none(), "sex", "Choose the person's sex");
        need(
            self.ethnicity.is_none(),
            "ethnicity",
            "Choose an ethnic group",
        );
        need(
            self.english_first_language.is_none(),
            "english",
            "Say whether English is their first language",
        );
        need(self.smoking.is_none(), "smoking", "Choose a smoking status");
        if !problems.is_empty() {
            return Err(problems);
        }
        let check = self.partial_check(readings);
        let assessment = assess(
            &TriageInput::from_check(&check),
            &ProgrammeSettings::default(),
        );
        if let Some(message) = advice_problem(&assessment, &check.advice) {
            return Err(vec![Problem::new("advice", message)]);
        }
        self.finish(check, context)
    }

    /// Stamps where, when and by whom, triages, and runs the shared validation.
    fn finish(&self, mut check: CheckPart, context: &Context) -> Result<CheckPart, Vec<Problem>> {
        check.event_id = context.event_id.clone();
        check.venue_type = context.venue_type;
        check.borough = context.borough.clone();
        check.volunteer_id = context.volunteer_id.clone();
        check.recorded_at_ms = context.recorded_at_ms;
        check.band = band(&TriageInput::from_check(&check));
        validate(&check).map_err(|errors| {
            errors
                .0
                .into_iter()
                .map(|e| Problem::new(field_id(e.field()), e.to_string()))
                .collect::<Vec<_>>()
        })?;
        Ok(check)
    }

    fn partial_check(&self, readings: Vec<Reading>) -> CheckPart {
        CheckPart {
            event_id: String::new(),
            venue_type: VenueType::Other,
            borough: String::new(),
            recorded_at_ms: 0,
            volunteer_id: String::new(),
            consent_to_record: self.consent_to_record == Some(true),
            consent_to_contact: self.consent_to_contact == Some(true),
            age_band: self.age_band.unwrap_or(AgeBand::NotSaid),
            sex: self.sex.unwrap_or(Sex::NotSaid),
            ethnicity: self.ethnicity.unwrap_or(Ethnicity::NotStated),
            english_first_language: self
                .english_first_language
                .unwrap_or(EnglishFirstLanguage::NotSaid),
            main_language: self.main_language,
            card: self.card_code(),
            lsoa: self.area.as_ref().map(|a| a.lsoa.clone()),
            imd_decile: self.area.as_ref().map(|a| a.imd_decile),
            known_hypertension: self.known_hypertension.unwrap_or(KnownHypertension::Unsure),
            other_conditions: self.other_conditions.clone(),
            smoking: self.smoking.unwrap_or(Smoking::NotSaid),
            readings,
            pulse_irregular_on_repeat: self.pulse_irregular_on_repeat,
            red_flags: if self.any_red_flag == Some(true) {
                self.red_flags.clone()
            } else {
                Vec::new()
            },
            low_bp_symptoms: if self.is_low() && self.any_low_symptom == Some(true) {
                self.low_bp_symptoms.clone()
            } else {
                Vec::new()
            },
            band: stallside_shared::triage::Band::Normal,
            advice: self.advice.clone(),
            goal: Some(self.goal.trim().to_owned()).filter(|g| !g.is_empty()),
            barriers: self.barriers.clone(),
            enablers: self.enablers.clone(),
        }
    }
}

/// The element id a validation field's message links to.
fn field_id(field: &str) -> &'static str {
    match field {
        "consent_to_record" => "consent",
        "readings" => "reading-1-systolic",
        "pulse_irregular_on_repeat" => "pulse-repeat",
        "area" => "postcode",
        "goal" => "goal",
        "card" => "card",
        _ => "maincontent",
    }
}

/// Adds or removes a value of a closed list.
pub fn toggle<T: PartialEq + Copy>(list: &mut Vec<T>, value: T, on: bool) {
    list.retain(|v| *v != value);
    if on {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str, d: &str) -> ReadingInput {
        ReadingInput {
            systolic: s.into(),
            diastolic: d.into(),
            pulse: "72".into(),
            irregular: false,
        }
    }

    fn context() -> Context {
        Context {
            event_id: "event".into(),
            venue_type: VenueType::Library,
            borough: "E09000019".into(),
            volunteer_id: "volunteer".into(),
            recorded_at_ms: 1_790_000_000_000,
        }
    }

    fn answered(readings: Vec<ReadingInput>) -> Draft {
        Draft {
            consent_to_record: Some(true),
            readings,
            any_red_flag: Some(false),
            known_hypertension: Some(KnownHypertension::No),
            age_band: Some(AgeBand::Age50To59),
            sex: Some(Sex::Female),
            ethnicity: Some(Ethnicity::BlackCaribbean),
            english_first_language: Some(EnglishFirstLanguage::Yes),
            smoking: Some(Smoking::Never),
            ..Draft::default()
        }
    }

    #[test]
    fn the_protocol_asks_for_a_second_then_a_third_reading() {
        let mut draft = answered(vec![typed("150", "95")]);
        assert_eq!(draft.continue_readings(), Ok(ReadingsNext::Another(2)));
        assert!(draft.reading_prompt().unwrap().contains("second reading"));
        draft.readings[1] = typed("135", "85");
        assert_eq!(draft.continue_readings(), Ok(ReadingsNext::Another(3)));
        assert!(draft.reading_prompt().unwrap().contains("third reading"));
        draft.readings[2] = typed("138", "86");
        assert_eq!(draft.continue_readings(), Ok(ReadingsNext::Done));
        let check = draft.to_check(&context()).unwrap();
        assert_eq!(
            check.band,
            stallside_shared::triage::Band::Normal,
            "lower of the last two: 135/85"
        );
    }

    #[test]
    fn typing_mistakes_are_named_by_field() {
        let mut draft = answered(vec![typed("12o", "80")]);
        let problems = draft.continue_readings().unwrap_err();
        assert_eq!(problems[0].field, "reading-1-systolic");
        draft.readings[0] = typed("80", "90");
        let problems = draft.continue_readings().unwrap_err();
        assert_eq!(
            problems[0].message,
            "Reading 1: systolic must be higher than diastolic"
        );
    }

    #[test]
    fn unanswered_questions_block_saving_and_a_severe_check_triages_as_such() {
        let mut draft = answered(vec![typed("185", "100"), typed("182", "98")]);
        draft.sex = None;
        assert_eq!(draft.to_check(&context()).unwrap_err()[0].field, "sex");
        draft.sex = Some(Sex::Male);
        assert_eq!(
            draft.to_check(&context()).unwrap_err()[0].field,
            "advice",
            "a flagged result needs signposting"
        );
        draft.advice = vec![Advice::Gp];
        let check = draft.to_check(&context()).unwrap();
        assert_eq!(check.band, stallside_shared::triage::Band::Severe);
        let view = draft.result_view(&ProgrammeSettings::default());
        assert!(view.flagged);
        assert_eq!(view.card.label, "Very high");
        assert!(
            view.advice_problem(&[Advice::Lifestyle]).is_some(),
            "lifestyle advice is no signposting"
        );
        draft.advice.clear();
        draft.tick_advice_for(view.band);
        assert_eq!(draft.advice, vec![Advice::Gp, Advice::Nhs111]);
        assert_eq!(view.advice_problem(&draft.advice), None);
        draft.consent_to_contact = Some(true);
        draft.phone = "0770 090 0123".into();
        assert_eq!(draft.contact(true), Ok(Some("07700900123".into())));
        assert_eq!(draft.contact(false), Ok(None));
        draft.phone = "nope".into();
        assert_eq!(draft.contact(true).unwrap_err().field, "phone");
    }

    #[test]
    fn an_emergency_is_saved_with_what_there_is() {
        let mut draft = Draft::new();
        draft.consent_to_record = Some(true);
        draft.any_red_flag = Some(true);
        draft.red_flags = vec![RedFlag::ChestPain];
        draft.readings[0] = typed("150", "");
        let check = draft.to_emergency_check(&context()).unwrap();
        assert_eq!(check.band, stallside_shared::triage::Band::Emergency);
        assert!(
            check.readings.is_empty(),
            "a reading half typed is left out"
        );
        assert_eq!(check.advice, vec![Advice::Call999]);
        assert_eq!(
            check.age_band,
            AgeBand::NotSaid,
            "asked later, when it is corrected"
        );
    }

    #[test]
    fn a_low_reading_asks_about_symptoms_before_triage() {
        let mut draft = answered(vec![typed("85", "55")]);
        assert_eq!(
            draft.to_check(&context()).unwrap_err()[0].field,
            "any-low-symptom"
        );
        draft.any_low_symptom = Some(true);
        assert_eq!(
            draft.to_check(&context()).unwrap_err()[0].field,
            "low-symptoms"
        );
        draft.low_bp_symptoms = vec![LowBpSymptom::Fainting];
        draft.tick_advice_for(stallside_shared::triage::Band::LowUrgent);
        assert_eq!(
            draft.to_check(&context()).unwrap().band,
            stallside_shared::triage::Band::LowUrgent
        );
        draft.any_low_symptom = Some(false);
        let check = draft.to_check(&context()).unwrap();
        assert_eq!(check.band, stallside_shared::triage::Band::Normal);
        assert!(
            check.low_bp_symptoms.is_empty(),
            "a \"no\" drops symptoms ticked before"
        );
    }
}
