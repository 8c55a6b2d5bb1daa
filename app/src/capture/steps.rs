//! The screens of the capture flow, one small component each, and the rules for moving
//! between them. The order puts safety first: consent, then the red-flag symptoms (before any
//! reading), then the questions asked while the person rests and the reading, then the result
//! with contact for a flagged reading straight after it, then "Check your answers".

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stallside_shared::record::*;
use stallside_shared::triage::{Band, ProgrammeSettings, Tone};

use super::area;
use super::draft::{toggle, Draft, ReadingsNext, ResultView};
use super::person::{ConsentExplanation, LanguagePicker};
use crate::components::{options, problem_for, Choice, Choices, Problem, TextField};

/// The screens, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// Consent to record.
    Consent,
    /// No consent: nothing is recorded.
    NoConsent,
    /// Red-flag symptoms, asked before any reading.
    RedFlags,
    /// A red flag: call 999, save what there is.
    Emergency,
    /// The questions asked while the person rests, then one to three readings.
    About,
    /// The pulse again after five minutes.
    PulseRecheck,
    /// A low reading: fainting, falls and other symptoms.
    LowSymptoms,
    /// What to tell the person, contact for a flagged reading, the advice given.
    Result,
    /// Every answer, each with a Change link, and Save.
    Review,
}

/// Checks the current screen's answers and says which screen comes next.
pub fn advance(
    step: Step,
    draft: RwSignal<Draft>,
    settings: ProgrammeSettings,
) -> Result<Step, Vec<Problem>> {
    let d = draft.get_untracked();
    let require = |ok: bool, field: &str, message: &str| {
        if ok {
            Ok(())
        } else {
            Err(vec![Problem::new(field, message)])
        }
    };
    let after_readings = |d: &Draft| {
        if d.is_low() {
            Step::LowSymptoms
        } else {
            Step::Result
        }
    };
    let next = match step {
        Step::Consent => match d.consent_to_record {
            Some(true) => Step::RedFlags,
            Some(false) => Step::NoConsent,
            None => {
                return Err(vec![Problem::new(
                    "consent",
                    "Say whether the person agrees to the check being recorded",
                )])
            }
        },
        Step::NoConsent => {
            draft.set(Draft::new());
            Step::Consent
        }
        Step::RedFlags => match d.any_red_flag {
            Some(true) => Step::Emergency,
            _ => Step::About,
        },
        Step::Emergency => Step::About,
        Step::About => {
            let mut problems = Vec::new();
            for (missing, field, message) in [
                (d.age_band.is_none(), "age-band", "Choose an age band"),
                (d.sex.is_none(), "sex", "Choose the person's sex"),
                (d.ethnicity.is_none(), "ethnicity", "Choose an ethnic group"),
                (
                    d.english_first_language.is_none(),
                    "english",
                    "Say whether English is their first language",
                ),
                (
                    d.known_hypertension.is_none(),
                    "known-hypertension",
                    "Say whether the person has been told they have high blood pressure",
                ),
                (d.smoking.is_none(), "smoking", "Choose a smoking status"),
            ] {
                if missing {
                    problems.push(Problem::new(field, message));
                }
            }
            let mut updated = d.clone();
            match updated.continue_readings() {
                Err(found) => problems.extend(found),
                Ok(_) if !problems.is_empty() => {}
                Ok(ReadingsNext::Another(_)) => {
                    draft.set(updated);
                    return Ok(Step::About);
                }
                Ok(ReadingsNext::Done) => {
                    draft.set(updated.clone());
                    if updated.needs_pulse_recheck() {
                        return Ok(Step::PulseRecheck);
                    }
                    return Ok(enter(after_readings(&updated), draft, settings));
                }
            }
            return Err(problems);
        }
        Step::PulseRecheck => {
            require(
                d.pulse_irregular_on_repeat.is_some(),
                "pulse-repeat",
                "Say whether the pulse is still irregular",
            )?;
            after_readings(&d)
        }
        Step::LowSymptoms => {
            require(
                d.any_low_symptom.is_some(),
                "any-low-symptom",
                "Say whether the person has had any of these recently",
            )?;
            require(
                d.any_low_symptom != Some(true) || !d.low_bp_symptoms.is_empty(),
                "low-symptoms",
                "Choose what the person has had",
            )?;
            Step::Result
        }
        Step::Result => {
            let view = d.result_view(&settings);
            if view.flagged {
                require(
                    d.consent_to_contact.is_some(),
                    "contact-consent",
                    "Say whether the person agrees to be contacted",
                )?;
                d.contact(true).map_err(|p| vec![p])?;
            }
            if let Some(message) = view.advice_problem(&d.advice) {
                return Err(vec![Problem::new("advice", message)]);
            }
            Step::Review
        }
        Step::Review => Step::Review,
    };
    Ok(enter(next, draft, settings))
}

/// Arriving at a screen: the result ticks the advice that goes with its band.
fn enter(step: Step, draft: RwSignal<Draft>, settings: ProgrammeSettings) -> Step {
    if step == Step::Result {
        draft.update(|d| {
            let band = d.result_view(&settings).band;
            d.tick_advice_for(band);
        });
    }
    step
}

/// The screen before this one.
pub fn previous(step: Step, draft: &Draft) -> Step {
    match step {
        Step::Consent | Step::NoConsent | Step::RedFlags => Step::Consent,
        Step::Emergency | Step::About => Step::RedFlags,
        Step::PulseRecheck => Step::About,
        Step::LowSymptoms if draft.needs_pulse_recheck() => Step::PulseRecheck,
        Step::LowSymptoms => Step::About,
        Step::Result if draft.is_low() => Step::LowSymptoms,
        Step::Result if draft.needs_pulse_recheck() => Step::PulseRecheck,
        Step::Result => Step::About,
        Step::Review => Step::Result,
    }
}

/// What a screen's buttons do.
#[derive(Clone, Copy)]
pub struct Actions {
    /// Continue (checks the answers first).
    pub next: Callback<()>,
    /// The screen before.
    pub back: Callback<()>,
    /// Go straight to a screen (the Change links).
    pub change: Callback<Step>,
    /// Save the check.
    pub save: Callback<()>,
    /// Save an emergency with what there is.
    pub save_emergency: Callback<()>,
    /// A save is under way.
    pub saving: RwSignal<bool>,
}

/// The view of one screen.
pub fn render(
    step: Step,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
    actions: Actions,
    correcting: bool,
) -> AnyView {
    let problems: Signal<Vec<Problem>> = problems.into();
    let Actions {
        next, back, save, ..
    } = actions;
    let saving = actions.saving;
    let body = match step {
        Step::Consent => view! { <ConsentStep draft next /> }.into_any(),
        Step::NoConsent => view! { <NoConsentStep /> }.into_any(),
        Step::RedFlags => view! { <RedFlagsStep draft next /> }.into_any(),
        Step::Emergency => view! { <EmergencyStep draft actions /> }.into_any(),
        Step::About => view! { <AboutStep draft problems correcting /> }.into_any(),
        Step::PulseRecheck => view! { <PulseRecheckStep draft problems /> }.into_any(),
        Step::LowSymptoms => view! { <LowSymptomsStep draft problems /> }.into_any(),
        Step::Result => view! { <ResultStep draft problems /> }.into_any(),
        Step::Review => view! { <ReviewStep draft change=actions.change /> }.into_any(),
    };
    let first = step == Step::Consent || (correcting && step == Step::About);
    let action = match step {
        Step::Consent | Step::RedFlags | Step::Emergency => None,
        Step::Review => Some(view! {
            <button class="nhsuk-button" type="button" data-testid="save" disabled=move || saving.get()
                on:click=move |_| save.run(())>
                {move || if saving.get() { "Saving…" } else if correcting { "Save correction" } else { "Save check" }}
            </button>
        }
        .into_any()),
        Step::NoConsent => Some(view! {
            <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| next.run(())>"Start again"</button>
        }
        .into_any()),
        _ => Some(view! { <button class="nhsuk-button" type="button" on:click=move |_| next.run(())>"Continue"</button> }.into_any()),
    };
    view! {
        {(!first).then(|| view! {
            <div class="nhsuk-back-link">
                <button class="nhsuk-back-link__link stallside-link-button" type="button" on:click=move |_| back.run(())>"Back"</button>
            </div>
        })}
        <super::StallName correcting />
        {(step == Step::Consent && !correcting).then(|| view! { <crate::debrief::ConversationTally /> })}
        {body}
        {action}
    }
    .into_any()
}

fn yes_no() -> Vec<(&'static str, &'static str)> {
    vec![("yes", "Yes"), ("no", "No")]
}

fn yes_no_signal(
    get: impl Fn() -> Option<bool> + Send + Sync + 'static,
) -> Signal<Option<&'static str>> {
    Signal::derive(move || get().map(|b| if b { "yes" } else { "no" }))
}

/// Consent, answered with one tap: each answer is a button that moves on.
#[component]
fn ConsentStep(draft: RwSignal<Draft>, next: Callback<()>) -> impl IntoView {
    let answer = move |agrees: bool| {
        draft.update(|d| d.consent_to_record = Some(agrees));
        next.run(());
    };
    view! {
        <h1>"New check"</h1>
        <LanguagePicker draft />
        <p class="nhsuk-body">"Show or read this to the person:"</p>
        <ConsentExplanation draft />
        <h2 class="nhsuk-heading-m" id="consent">"Does the person agree to this check being recorded?"</h2>
        <div class="stallside-answers">
            <button class="nhsuk-button" type="button" on:click=move |_| answer(true)>"Yes, they agree"</button>
            <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| answer(false)>"No, they do not agree"</button>
        </div>
    }
}

#[component]
fn NoConsentStep() -> impl IntoView {
    view! {
        <h1>"Nothing will be recorded"</h1>
        <div class="nhsuk-inset-text">
            <p>"You can still take their blood pressure and give advice. Nothing about this person is saved."</p>
        </div>
    }
}

/// The red flags, before any reading: "None of these" moves on in one tap; a ticked symptom
/// turns the button into "Call 999 now".
#[component]
fn RedFlagsStep(draft: RwSignal<Draft>, next: Callback<()>) -> impl IntoView {
    let any = Memo::new(move |_| draft.with(|d| !d.red_flags.is_empty()));
    let answer = move |present: bool| {
        draft.update(|d| {
            d.any_red_flag = Some(present);
            if !present {
                d.red_flags.clear();
            }
        });
        next.run(());
    };
    view! {
        <h1>"Symptoms now"</h1>
        <Choices
            legend="Does the person have any of these now?"
            name="red-flags"
            hint="Ask before taking any reading. Any one of them means call 999."
            options=options(RedFlag::ALL, RedFlag::code, RedFlag::label)
            selected=Signal::derive(move || draft.with(|d| d.red_flags.iter().map(|f| f.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(f) = RedFlag::from_code(code) { toggle(&mut d.red_flags, f, on) }))
        />
        {move || if any.get() {
            view! { <button class="nhsuk-button stallside-button--emergency" type="button" on:click=move |_| answer(true)>"Call 999 now"</button> }.into_any()
        } else {
            view! { <button class="nhsuk-button" type="button" on:click=move |_| answer(false)>"None of these"</button> }.into_any()
        }}
    }
}

/// A red flag: what to say while calling 999, and a save of what there is, to finish later.
#[component]
fn EmergencyStep(draft: RwSignal<Draft>, actions: Actions) -> impl IntoView {
    let state = crate::state::app_state();
    let view = Memo::new(move |_| draft.with(|d| d.result_view(&state.settings.get())));
    let symptoms = move || {
        draft.with(|d| {
            d.red_flags
                .iter()
                .map(|f| f.label())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let saving = actions.saving;
    view! {
        <h1>"Call 999 now"</h1>
        <ResultCard view />
        <p class="nhsuk-body">"Symptoms: " {symptoms}</p>
        <button class="nhsuk-button" type="button" data-testid="save-emergency" disabled=move || saving.get()
            on:click=move |_| actions.save_emergency.run(())>"Save what you have"</button>
        <p class="nhsuk-body">"The check is kept with what you have so far. Finish it later from Checks."</p>
        <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| actions.next.run(())>"Carry on with the check"</button>
    }
}

/// The questions asked while the person rests for five minutes, then the readings.
#[component]
fn AboutStep(
    draft: RwSignal<Draft>,
    problems: Signal<Vec<Problem>>,
    correcting: bool,
) -> impl IntoView {
    // A memo, so typing (which updates the draft) does not rebuild the fields being typed in.
    let count = Memo::new(move |_| draft.with(|d| d.readings.len()));
    view! {
        <h1>"About the person"</h1>
        <p class="nhsuk-body">"Ask these while the person sits and rests for 5 minutes before the reading."</p>
        <super::card::ParticipantCard draft problems correcting />
        <Choice legend="Age" name="age-band" inline=true options=options(AgeBand::ALL, AgeBand::code, AgeBand::label)
            selected=Signal::derive(move || draft.with(|d| d.age_band.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.age_band = AgeBand::from_code(c)))
            error=problem_for(problems, "age-band") />
        <Choice legend="Sex" name="sex" inline=true options=options(Sex::ALL, Sex::code, Sex::label)
            selected=Signal::derive(move || draft.with(|d| d.sex.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.sex = Sex::from_code(c)))
            error=problem_for(problems, "sex") />
        <EthnicGroup draft problems />
        <Choice legend="Is English their first language?" name="english" inline=true
            options=options(EnglishFirstLanguage::ALL, EnglishFirstLanguage::code, EnglishFirstLanguage::label)
            selected=Signal::derive(move || draft.with(|d| d.english_first_language.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.english_first_language = EnglishFirstLanguage::from_code(c)))
            error=problem_for(problems, "english") />
        <PostcodeArea draft />
        <Choice
            legend="Has a doctor or nurse told them they have high blood pressure?"
            name="known-hypertension"
            options=options(KnownHypertension::ALL, KnownHypertension::code, KnownHypertension::label)
            selected=Signal::derive(move || draft.with(|d| d.known_hypertension.map(|k| k.code())))
            on_pick=Callback::new(move |code| draft.update(|d| d.known_hypertension = KnownHypertension::from_code(code)))
            error=problem_for(problems, "known-hypertension")
        />
        <Choices legend="Did they mention any other conditions?" name="conditions" hint="Select all that apply"
            options=options(Condition::ALL, Condition::code, Condition::label)
            selected=Signal::derive(move || draft.with(|d| d.other_conditions.iter().map(|c| c.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(c) = Condition::from_code(code) { toggle(&mut d.other_conditions, c, on) })) />
        <Choice legend="Do they smoke?" name="smoking" inline=true options=options(Smoking::ALL, Smoking::code, Smoking::label)
            selected=Signal::derive(move || draft.with(|d| d.smoking.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.smoking = Smoking::from_code(c)))
            error=problem_for(problems, "smoking") />
        <h2 class="nhsuk-heading-l">"Blood pressure"</h2>
        <p class="nhsuk-body">"Feel the pulse first. Then take the reading with the person seated and rested."</p>
        {move || draft.with(|d| d.reading_prompt()).map(|prompt| view! {
            <div class="nhsuk-inset-text" data-testid="reading-prompt"><p>{prompt}</p></div>
        })}
        {move || (1..=count.get()).map(|n| view! { <ReadingFields draft problems number=n /> }).collect_view()}
    }
}

#[component]
fn EthnicGroup(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    let error = problem_for(problems, "ethnicity");
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=move || error.get().is_some()>
            <label class="nhsuk-label nhsuk-label--m" for="ethnicity">"Ethnic group"</label>
            {move || error.get().map(|e| view! { <span class="nhsuk-error-message">{e}</span> })}
            <select class="nhsuk-select" id="ethnicity" name="ethnicity"
                on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.ethnicity = Ethnicity::from_code(&v)); }>
                <option value="" selected=move || draft.with(|d| d.ethnicity.is_none())>"Choose"</option>
                {Ethnicity::ALL.iter().map(|e| {
                    let e = *e;
                    view! { <option value=e.code() selected=move || draft.with(|d| d.ethnicity == Some(e))>{e.label()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The postcode, turned into an area on the phone and then forgotten.
#[component]
fn PostcodeArea(draft: RwSignal<Draft>) -> impl IntoView {
    let postcode = RwSignal::new(String::new());
    let lookup_message = RwSignal::new(draft.with_untracked(|d| d.area.as_ref().map(found_text)));
    let find = move |_| {
        let typed = postcode.get_untracked();
        leptos::task::spawn_local(async move {
            match area::lookup(&typed).await {
                Ok(Some(found)) => {
                    lookup_message.set(Some(found_text(&found)));
                    draft.update(|d| d.area = Some(found));
                    postcode.set(String::new());
                }
                Ok(None) => lookup_message.set(Some(
                    "That postcode is not in the list. Check it, or carry on without it.".into(),
                )),
                Err(message) => lookup_message.set(Some(message)),
            }
        });
    };
    view! {
        <TextField label="Postcode (optional)" id="postcode" value=postcode width="10" autocomplete="postal-code"
            hint="Used on this phone to find the area, then forgotten" />
        <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=find>"Find area"</button>
        {move || lookup_message.get().map(|m| view! { <p class="nhsuk-body" role="status" data-testid="area">{m}</p> })}
    }
}

fn found_text(found: &stallside_shared::area::Area) -> String {
    format!(
        "Area found: {} (deprivation decile {}). The postcode is not kept.",
        found.lsoa, found.imd_decile
    )
}

#[component]
fn ReadingFields(
    draft: RwSignal<Draft>,
    problems: Signal<Vec<Problem>>,
    number: usize,
) -> impl IntoView {
    let index = number - 1;
    let field = move |name: &'static str| -> RwSignal<String> {
        let value = RwSignal::new(
            draft
                .with_untracked(|d| {
                    d.readings.get(index).map(|r| match name {
                        "systolic" => r.systolic.clone(),
                        "diastolic" => r.diastolic.clone(),
                        _ => r.pulse.clone(),
                    })
                })
                .unwrap_or_default(),
        );
        Effect::new(move |_| {
            let text = value.get();
            draft.update(|d| {
                if let Some(r) = d.readings.get_mut(index) {
                    match name {
                        "systolic" => r.systolic = text,
                        "diastolic" => r.diastolic = text,
                        _ => r.pulse = text,
                    }
                }
            });
        });
        value
    };
    let ids: [&'static str; 4] = match number {
        1 => [
            "reading-1-systolic",
            "reading-1-diastolic",
            "reading-1-pulse",
            "reading-1-irregular",
        ],
        2 => [
            "reading-2-systolic",
            "reading-2-diastolic",
            "reading-2-pulse",
            "reading-2-irregular",
        ],
        _ => [
            "reading-3-systolic",
            "reading-3-diastolic",
            "reading-3-pulse",
            "reading-3-irregular",
        ],
    };
    let legend = match number {
        1 => "First reading",
        2 => "Second reading",
        _ => "Third reading",
    };
    let irregular = move || draft.with(|d| d.readings.get(index).is_some_and(|r| r.irregular));
    view! {
        <fieldset class="nhsuk-fieldset stallside-reading">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m"><h3 class="nhsuk-fieldset__heading">{legend}</h3></legend>
            <div class="stallside-reading__numbers">
                <TextField label="Systolic (top)" id=ids[0] value=field("systolic") numeric=true width="3" error=problem_for(problems, ids[0]) />
                <TextField label="Diastolic (bottom)" id=ids[1] value=field("diastolic") numeric=true width="3" error=problem_for(problems, ids[1]) />
                <TextField label="Pulse" id=ids[2] value=field("pulse") numeric=true width="3" error=problem_for(problems, ids[2]) />
            </div>
            <div class="nhsuk-checkboxes">
                <div class="nhsuk-checkboxes__item">
                    <input class="nhsuk-checkboxes__input" id=ids[3] type="checkbox" prop:checked=irregular
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| if let Some(r) = d.readings.get_mut(index) { r.irregular = on });
                        } />
                    <label class="nhsuk-label nhsuk-checkboxes__label" for=ids[3]>"The pulse felt irregular"</label>
                </div>
            </div>
        </fieldset>
    }
}

#[component]
fn PulseRecheckStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    view! {
        <h1>"Check the pulse again"</h1>
        <p class="nhsuk-body">"Wait 5 minutes with the person resting, then feel the pulse for 30 seconds."</p>
        <Choice
            legend="Is the pulse still irregular?"
            name="pulse-repeat"
            options=yes_no()
            inline=true
            selected=yes_no_signal(move || draft.with(|d| d.pulse_irregular_on_repeat))
            on_pick=Callback::new(move |code| draft.update(|d| d.pulse_irregular_on_repeat = Some(code == "yes")))
            error=problem_for(problems, "pulse-repeat")
        />
    }
}

/// A low reading: symptoms in the recent past decide whether it matters. Fainting now is a
/// red flag, asked before the reading.
#[component]
fn LowSymptomsStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    let any = Memo::new(move |_| draft.with(|d| d.any_low_symptom) == Some(true));
    view! {
        <h1>"Low blood pressure"</h1>
        <Choice
            legend="Has the person had any of these recently?"
            name="any-low-symptom"
            hint="Fainted, fallen, felt dizzy, sick or very tired. Collapsed or fainted now is a red flag: call 999."
            options=yes_no()
            inline=true
            selected=yes_no_signal(move || draft.with(|d| d.any_low_symptom))
            on_pick=Callback::new(move |code| draft.update(|d| d.any_low_symptom = Some(code == "yes")))
            error=problem_for(problems, "any-low-symptom")
        />
        {move || any.get().then(|| view! {
            <Choices
                legend="Which?"
                name="low-symptoms"
                options=options(LowBpSymptom::ALL, LowBpSymptom::code, LowBpSymptom::label)
                selected=Signal::derive(move || draft.with(|d| d.low_bp_symptoms.iter().map(|s| s.code()).collect()))
                on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(s) = LowBpSymptom::from_code(code) { toggle(&mut d.low_bp_symptoms, s, on) }))
                error=problem_for(problems, "low-symptoms")
            />
        })}
    }
}

/// The card's colour: the urgency of the band.
fn urgency_class(band: Band) -> &'static str {
    match band.tone() {
        Tone::Emergency => "stallside-result stallside-result--emergency",
        Tone::Urgent => "stallside-result stallside-result--urgent",
        Tone::High => "stallside-result stallside-result--stage2",
        Tone::Raised => "stallside-result stallside-result--stage1",
        Tone::Low => "stallside-result stallside-result--low",
        Tone::Normal => "stallside-result stallside-result--normal",
    }
}

/// The volunteer's card: the result, coloured by urgency, and the words to say.
#[component]
fn ResultCard(view: Memo<ResultView>) -> impl IntoView {
    move || {
        let v = view.get();
        view! {
            <div class=urgency_class(v.band) data-testid="result" data-band=v.band.code()>
                <h2 class="stallside-result__heading">{v.card.label}</h2>
                <div class="stallside-result__body">
                    {v.reading.map(|r| view! {
                        <p class="nhsuk-body-l">{format!("{}/{} mmHg, pulse {}", r.systolic, r.diastolic, r.pulse)}</p>
                    })}
                    <p class="nhsuk-body nhsuk-u-margin-bottom-1"><strong>"Say this:"</strong></p>
                    <p class="nhsuk-body stallside-say-this" data-testid="say-this">{v.card.say_this}</p>
                    {v.card.safety_net.map(|line| view! {
                        <p class="nhsuk-body" data-testid="safety-net"><strong>{line}</strong></p>
                    })}
                    {v.newly_identified.then(|| view! { <p class="nhsuk-body">"Newly identified high reading."</p> })}
                    {v.flagged.then(|| view! { <p class="nhsuk-body">"A supervisor will follow this up."</p> })}
                </div>
            </div>
        }
    }
}

/// The result, then (for a flagged reading) contact at once, then the advice given.
#[component]
fn ResultStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    let state = crate::state::app_state();
    let view = Memo::new(move |_| draft.with(|d| d.result_view(&state.settings.get())));
    let flagged = Memo::new(move |_| view.get().flagged);
    let goal = RwSignal::new(draft.with_untracked(|d| d.goal.clone()));
    Effect::new(move |_| {
        let text = goal.get();
        draft.update(|d| d.goal = text);
    });
    view! {
        <h1>"Result"</h1>
        <ResultCard view />
        {move || draft.with(|d| d.higher_than_last()).map(|last| view! {
            <div class="nhsuk-inset-text" data-testid="higher-than-last">
                <p>{format!("Higher than last time: {}/{} on {}. Tell the person; the advice for today's reading stays the same.", last.systolic, last.diastolic, stallside_shared::calendar::date(last.recorded_at_ms))}</p>
            </div>
        })}
        {move || flagged.get().then(|| view! { <FollowUpContact draft problems /> })}
        <Choices legend="Advice and signposting given" name="advice" hint="Ticked for this result: change them to what you said"
            options=options(Advice::ALL, Advice::code, Advice::label)
            selected=Signal::derive(move || draft.with(|d| d.advice.iter().map(|a| a.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(a) = Advice::from_code(code) { toggle(&mut d.advice, a, on) }))
            error=problem_for(problems, "advice") />
        <TextField label="Personal goal (optional)" id="goal" value=goal hint="In their words, for example: walk to the shops" />
        <Choices legend="Did they mention anything that gets in the way of care?" name="barriers" hint="Select all that apply"
            options=options(Barrier::ALL, Barrier::code, Barrier::label)
            selected=Signal::derive(move || draft.with(|d| d.barriers.iter().map(|b| b.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(b) = Barrier::from_code(code) { toggle(&mut d.barriers, b, on) })) />
        <Choices legend="Did they say what helps them get checked?" name="enablers" hint="Select all that apply"
            options=options(Enabler::ALL, Enabler::code, Enabler::label)
            selected=Signal::derive(move || draft.with(|d| d.enablers.iter().map(|e| e.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(e) = Enabler::from_code(code) { toggle(&mut d.enablers, e, on) })) />
    }
}

/// Contact for a flagged reading, asked straight after the result (before the person walks
/// away).
#[component]
fn FollowUpContact(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    let phone = RwSignal::new(draft.with_untracked(|d| d.phone.clone()));
    Effect::new(move |_| {
        let text = phone.get();
        draft.update(|d| d.phone = text);
    });
    let consented = Memo::new(move |_| draft.with(|d| d.consent_to_contact) == Some(true));
    view! {
        <div class="stallside-contact">
            <Choice legend="Can a supervisor phone them about this result?" name="contact-consent" options=yes_no() inline=true
                hint="This result needs follow-up. Ask now, before they leave."
                selected=yes_no_signal(move || draft.with(|d| d.consent_to_contact))
                on_pick=Callback::new(move |c| draft.update(|d| d.consent_to_contact = Some(c == "yes")))
                error=problem_for(problems, "contact-consent") />
            {move || consented.get().then(|| view! {
                <TextField label="Phone number" id="phone" value=phone kind="tel" autocomplete="tel" width="20"
                    hint="Only the supervisor sees it, and it is deleted when the follow-up closes"
                    error=problem_for(problems, "phone") />
            })}
        </div>
    }
}

/// Every answer, each with a Change link (the NHS "check your answers" pattern).
#[component]
fn ReviewStep(draft: RwSignal<Draft>, change: Callback<Step>) -> impl IntoView {
    let state = crate::state::app_state();
    let rows = move || {
        let d = draft.get();
        super::answers::answers(&d, &state.settings.get())
            .into_iter()
            .map(|(key, value, step)| {
                view! {
                    <div class="nhsuk-summary-list__row" class:nhsuk-summary-list__row--no-actions=step.is_none()>
                        <dt class="nhsuk-summary-list__key">{key}</dt>
                        <dd class="nhsuk-summary-list__value">{value}</dd>
                        {step.map(|step| view! {
                            <dd class="nhsuk-summary-list__actions">
                                <button class="stallside-link-button stallside-change" type="button" on:click=move |_| change.run(step)>
                                    "Change"<span class="nhsuk-u-visually-hidden">{format!(" {}", key.to_lowercase())}</span>
                                </button>
                            </dd>
                        })}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <h1>"Check your answers"</h1>
        <dl class="nhsuk-summary-list" data-testid="answers">{rows}</dl>
    }
}
