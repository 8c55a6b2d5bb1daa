//! "Check your answers": every answer of the check in words, each with the screen that
//! changes it.

use stallside_shared::record::*;
use stallside_shared::triage::ProgrammeSettings;

use super::draft::Draft;
use super::steps::Step;

/// (question, answer, the screen to change it on) for every answer given, in the order asked;
/// the result is derived from the answers, so it has no screen of its own to change it on.
pub fn answers(
    d: &Draft,
    settings: &ProgrammeSettings,
) -> Vec<(&'static str, String, Option<Step>)> {
    let list = |items: Vec<&'static str>| {
        if items.is_empty() {
            "None".to_owned()
        } else {
            items.join(", ")
        }
    };
    let label = |value: Option<&'static str>| value.unwrap_or("Not answered").to_owned();
    let yes_no = |value: Option<bool>| label(value.map(|b| if b { "Yes" } else { "No" }));
    let result = d.result_view(settings);
    let mut rows = vec![
        (
            "Agrees to the check being recorded",
            yes_no(d.consent_to_record),
            Some(Step::Consent),
        ),
        (
            "Main language",
            label(d.main_language.map(Language::label)),
            Some(Step::Consent),
        ),
        (
            "Symptoms now",
            list(d.red_flags.iter().map(|f| f.label()).collect()),
            Some(Step::RedFlags),
        ),
        (
            "Age",
            label(d.age_band.map(AgeBand::label)),
            Some(Step::About),
        ),
        ("Sex", label(d.sex.map(Sex::label)), Some(Step::About)),
        (
            "Ethnic group",
            label(d.ethnicity.map(Ethnicity::label)),
            Some(Step::About),
        ),
        (
            "English first language",
            label(d.english_first_language.map(EnglishFirstLanguage::label)),
            Some(Step::About),
        ),
        (
            "Area",
            d.area
                .as_ref()
                .map(|a| format!("{} (decile {})", a.lsoa, a.imd_decile))
                .unwrap_or_else(|| "Not given".into()),
            Some(Step::About),
        ),
        (
            "Told they have high blood pressure",
            label(d.known_hypertension.map(KnownHypertension::label)),
            Some(Step::About),
        ),
        (
            "Other conditions",
            list(d.other_conditions.iter().map(|c| c.label()).collect()),
            Some(Step::About),
        ),
        (
            "Smoking",
            label(d.smoking.map(Smoking::label)),
            Some(Step::About),
        ),
    ];
    let typed_readings = d
        .readings
        .iter()
        .filter(|r| !(r.systolic.is_empty() && r.diastolic.is_empty() && r.pulse.is_empty()));
    for (index, typed) in typed_readings.enumerate() {
        let key = ["Reading 1", "Reading 2", "Reading 3"][index.min(2)];
        let irregular = if typed.irregular {
            ", irregular pulse"
        } else {
            ""
        };
        rows.push((
            key,
            format!(
                "{}/{}, pulse {}{irregular}",
                typed.systolic, typed.diastolic, typed.pulse
            ),
            Some(Step::About),
        ));
    }
    if let Some(still) = d.pulse_irregular_on_repeat {
        rows.push((
            "Pulse still irregular after 5 minutes",
            yes_no(Some(still)),
            Some(Step::PulseRecheck),
        ));
    }
    if d.is_low() {
        rows.push((
            "Low blood pressure symptoms",
            list(d.low_bp_symptoms.iter().map(|s| s.label()).collect()),
            Some(Step::LowSymptoms),
        ));
    }
    rows.push(("Result", result.card.label.to_owned(), None));
    if result.flagged {
        let contact = match d.consent_to_contact {
            Some(true) if !d.phone.trim().is_empty() => format!("Yes, on {}", d.phone.trim()),
            Some(true) if d.contact_on_file => "Yes, number already given".to_owned(),
            other => yes_no(other),
        };
        rows.push(("Supervisor may phone them", contact, Some(Step::Result)));
    }
    rows.push((
        "Advice and signposting",
        list(d.advice.iter().map(|a| a.label()).collect()),
        Some(Step::Result),
    ));
    rows.push((
        "Personal goal",
        Some(d.goal.trim().to_owned())
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| "None".into()),
        Some(Step::Result),
    ));
    rows.push((
        "Gets in the way of care",
        list(d.barriers.iter().map(|b| b.label()).collect()),
        Some(Step::Result),
    ));
    rows.push((
        "What helps",
        list(d.enablers.iter().map(|e| e.label()).collect()),
        Some(Step::Result),
    ));
    rows
}
