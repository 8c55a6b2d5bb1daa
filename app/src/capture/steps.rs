//! The screens of the capture flow, one small component each, and the rules for moving
//! between them.

use leptos::prelude::*;
use stallside_shared::readings::recorded_reading;
use stallside_shared::record::*;
use stallside_shared::triage::{participant_message, Band, ProgrammeSettings};

use super::area;
use super::draft::{toggle, Draft, ReadingsNext};
use crate::components::{options, problem_for, Choice, Choices, Problem, TextField};

/// The screens, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Consent to record.
    Consent,
    /// No consent: nothing is recorded.
    NoConsent,
    /// One to three readings.
    Readings,
    /// The pulse again after five minutes.
    PulseRecheck,
    /// Red flags, diagnosis, low blood pressure symptoms.
    Health,
    /// What the volunteer should do now.
    Result,
    /// For the person: their numbers in plain English.
    YourNumbers,
    /// Demographics and area.
    About,
    /// Other conditions and smoking.
    Lifestyle,
    /// Advice, goal, barriers.
    Advice,
    /// Contact for a flagged reading.
    Contact,
    /// Check the answers and save.
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
    Ok(match step {
        Step::Consent => match d.consent_to_record {
            Some(true) => Step::Readings,
            Some(false) => Step::NoConsent,
            None => {
                return Err(vec![Problem::new(
                    "consent",
                    "Say whether the person agrees to the check being recorded",
                )])
            }
        },
        Step::NoConsent => Step::Consent,
        Step::Readings => {
            let mut updated = d.clone();
            let next = updated.continue_readings()?;
            draft.set(updated.clone());
            match next {
                ReadingsNext::Another(_) => Step::Readings,
                ReadingsNext::Done if updated.needs_pulse_recheck() => Step::PulseRecheck,
                ReadingsNext::Done => Step::Health,
            }
        }
        Step::PulseRecheck => {
            require(
                d.pulse_irregular_on_repeat.is_some(),
                "pulse-repeat",
                "Say whether the pulse is still irregular",
            )?;
            Step::Health
        }
        Step::Health => {
            require(
                d.any_red_flag.is_some(),
                "any-red-flag",
                "Say whether the person has any of these symptoms",
            )?;
            require(
                d.any_red_flag != Some(true) || !d.red_flags.is_empty(),
                "red-flags",
                "Choose the symptoms the person has",
            )?;
            require(
                d.known_hypertension.is_some(),
                "known-hypertension",
                "Say whether the person has been told they have high blood pressure",
            )?;
            if d.is_low() {
                require(
                    d.any_low_symptom.is_some(),
                    "any-low-symptom",
                    "The reading is low: say whether the person has had any of these symptoms",
                )?;
                require(
                    d.any_low_symptom != Some(true) || !d.low_bp_symptoms.is_empty(),
                    "low-symptoms",
                    "Choose the symptoms the person has had",
                )?;
            }
            Step::Result
        }
        Step::Result => Step::YourNumbers,
        Step::YourNumbers => Step::About,
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
            ] {
                if missing {
                    problems.push(Problem::new(field, message));
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            Step::Lifestyle
        }
        Step::Lifestyle => {
            require(d.smoking.is_some(), "smoking", "Choose a smoking status")?;
            Step::Advice
        }
        Step::Advice if d.assessment(&settings).is_some_and(|a| a.is_flagged()) => Step::Contact,
        Step::Advice => Step::Review,
        Step::Contact => {
            require(
                d.consent_to_contact.is_some(),
                "contact-consent",
                "Say whether the person agrees to be contacted",
            )?;
            d.contact(true).map_err(|p| vec![p])?;
            Step::Review
        }
        Step::Review => Step::Review,
    })
}

/// The screen before this one.
pub fn previous(step: Step, draft: &Draft) -> Step {
    match step {
        Step::Consent | Step::NoConsent | Step::Readings => Step::Consent,
        Step::PulseRecheck => Step::Readings,
        Step::Health if draft.needs_pulse_recheck() => Step::PulseRecheck,
        Step::Health => Step::Readings,
        Step::Result => Step::Health,
        Step::YourNumbers => Step::Result,
        Step::About => Step::YourNumbers,
        Step::Lifestyle => Step::About,
        Step::Advice => Step::Lifestyle,
        Step::Contact => Step::Advice,
        Step::Review if draft.consent_to_contact.is_some() && !draft.phone.is_empty() => {
            Step::Contact
        }
        Step::Review => Step::Advice,
    }
}

/// The view of one screen.
#[allow(clippy::too_many_arguments)]
pub fn render(
    step: Step,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
    next: Callback<()>,
    back: Callback<()>,
    save: Callback<()>,
    saving: RwSignal<bool>,
    correcting: bool,
) -> AnyView {
    let problems: Signal<Vec<Problem>> = problems.into();
    let body = match step {
        Step::Consent => view! { <ConsentStep draft problems /> }.into_any(),
        Step::NoConsent => view! { <NoConsentStep /> }.into_any(),
        Step::Readings => view! { <ReadingsStep draft problems /> }.into_any(),
        Step::PulseRecheck => view! { <PulseRecheckStep draft problems /> }.into_any(),
        Step::Health => view! { <HealthStep draft problems /> }.into_any(),
        Step::Result => view! { <ResultStep draft /> }.into_any(),
        Step::YourNumbers => view! { <YourNumbers draft /> }.into_any(),
        Step::About => view! { <AboutStep draft problems /> }.into_any(),
        Step::Lifestyle => view! { <LifestyleStep draft problems /> }.into_any(),
        Step::Advice => view! { <AdviceStep draft /> }.into_any(),
        Step::Contact => view! { <ContactStep draft problems /> }.into_any(),
        Step::Review => view! { <ReviewStep draft /> }.into_any(),
    };
    let first = matches!(step, Step::Consent) || (correcting && step == Step::Readings);
    let action = match step {
        Step::Review => view! {
            <button class="nhsuk-button" type="button" data-testid="save" disabled=move || saving.get()
                on:click=move |_| save.run(())>
                {move || if saving.get() { "Saving…" } else if correcting { "Save correction" } else { "Save check" }}
            </button>
        }
        .into_any(),
        Step::NoConsent => view! {
            <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| next.run(())>"Start again"</button>
        }
        .into_any(),
        Step::Result => view! {
            <button class="nhsuk-button" type="button" on:click=move |_| next.run(())>"Show the person their numbers"</button>
        }
        .into_any(),
        _ => view! { <button class="nhsuk-button" type="button" on:click=move |_| next.run(())>"Continue"</button> }.into_any(),
    };
    view! {
        {(!first).then(|| view! {
            <div class="nhsuk-back-link">
                <button class="nhsuk-back-link__link stallside-link-button" type="button" on:click=move |_| back.run(())>"Back"</button>
            </div>
        })}
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

#[component]
fn ConsentStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    view! {
        <h1>"New check"</h1>
        <p class="nhsuk-body">"Explain what the check is and that the answers are kept by the NHS programme without their name."</p>
        <Choice
            legend="Does the person agree to this check being recorded?"
            name="consent"
            options=yes_no()
            inline=true
            selected=yes_no_signal(move || draft.with(|d| d.consent_to_record))
            on_pick=Callback::new(move |code| draft.update(|d| d.consent_to_record = Some(code == "yes")))
            error=problem_for(problems, "consent")
        />
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

#[component]
fn ReadingsStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    // A memo, so typing (which updates the draft) does not rebuild the fields being typed in.
    let count = Memo::new(move |_| draft.with(|d| d.readings.len()));
    view! {
        <h1>"Blood pressure"</h1>
        <p class="nhsuk-body">"Feel the pulse first. Then take the reading with the person seated and rested."</p>
        {move || draft.with(|d| d.reading_prompt()).map(|prompt| view! {
            <div class="nhsuk-inset-text" data-testid="reading-prompt"><p>{prompt}</p></div>
        })}
        {move || (1..=count.get()).map(|n| view! { <ReadingFields draft problems number=n /> }).collect_view()}
    }
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
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m"><h2 class="nhsuk-fieldset__heading">{legend}</h2></legend>
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

#[component]
fn HealthStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    let flagged = Memo::new(move |_| draft.with(|d| d.any_red_flag) == Some(true));
    let low = Memo::new(move |_| draft.with(|d| d.is_low()));
    let low_symptoms =
        Memo::new(move |_| draft.with(|d| d.is_low() && d.any_low_symptom == Some(true)));
    view! {
        <h1>"Symptoms and history"</h1>
        <Choice
            legend="Does the person have any of these now?"
            name="any-red-flag"
            hint="Chest pain, severe breathlessness, signs of stroke, collapse, or a severe headache with confusion or blurred vision"
            options=yes_no()
            inline=true
            selected=yes_no_signal(move || draft.with(|d| d.any_red_flag))
            on_pick=Callback::new(move |code| draft.update(|d| d.any_red_flag = Some(code == "yes")))
            error=problem_for(problems, "any-red-flag")
        />
        {move || flagged.get().then(|| view! {
            <Choices
                legend="Which symptoms?"
                name="red-flags"
                options=options(RedFlag::ALL, RedFlag::code, RedFlag::label)
                selected=Signal::derive(move || draft.with(|d| d.red_flags.iter().map(|f| f.code()).collect()))
                on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(f) = RedFlag::from_code(code) { toggle(&mut d.red_flags, f, on) }))
            />
        })}
        <Choice
            legend="Has a doctor or nurse told them they have high blood pressure?"
            name="known-hypertension"
            options=options(KnownHypertension::ALL, KnownHypertension::code, KnownHypertension::label)
            selected=Signal::derive(move || draft.with(|d| d.known_hypertension.map(|k| k.code())))
            on_pick=Callback::new(move |code| draft.update(|d| d.known_hypertension = KnownHypertension::from_code(code)))
            error=problem_for(problems, "known-hypertension")
        />
        {move || low.get().then(|| view! {
            <Choice
                legend="The reading is low. Has the person fainted, fallen, or felt dizzy, sick or very tired?"
                name="any-low-symptom"
                options=yes_no()
                inline=true
                selected=yes_no_signal(move || draft.with(|d| d.any_low_symptom))
                on_pick=Callback::new(move |code| draft.update(|d| d.any_low_symptom = Some(code == "yes")))
                error=problem_for(problems, "any-low-symptom")
            />
        })}
        {move || low_symptoms.get().then(|| view! {
            <Choices
                legend="Which?"
                name="low-symptoms"
                options=options(LowBpSymptom::ALL, LowBpSymptom::code, LowBpSymptom::label)
                selected=Signal::derive(move || draft.with(|d| d.low_bp_symptoms.iter().map(|s| s.code()).collect()))
                on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(s) = LowBpSymptom::from_code(code) { toggle(&mut d.low_bp_symptoms, s, on) }))
            />
        })}
    }
}

fn recorded(draft: &Draft) -> Option<Reading> {
    draft
        .parsed_readings()
        .ok()
        .and_then(|r| recorded_reading(&r))
}

fn care_class(band: Band) -> &'static str {
    match band {
        Band::Emergency => "nhsuk-card nhsuk-card--care nhsuk-card--care--emergency",
        Band::Severe | Band::IrregularPulse | Band::LowUrgent => {
            "nhsuk-card nhsuk-card--care nhsuk-card--care--urgent"
        }
        _ => "nhsuk-card nhsuk-card--care nhsuk-card--care--non-urgent",
    }
}

#[component]
fn ResultStep(draft: RwSignal<Draft>) -> impl IntoView {
    let state = crate::state::app_state();
    let view_of = move || {
        let d = draft.get();
        let assessment = d.assessment(&state.settings.get())?;
        let known = d.known_hypertension.unwrap_or(KnownHypertension::Unsure);
        let reading = recorded(&d)?;
        Some(view! {
            <h1>"Result"</h1>
            <div class=care_class(assessment.band) data-testid="result" data-band=assessment.band.code()>
                <div class="nhsuk-card--care__heading-container">
                    <h2 class="nhsuk-card--care__heading">{assessment.band.label()}</h2>
                    <span class="nhsuk-card--care__arrow" aria-hidden="true"></span>
                </div>
                <div class="nhsuk-card__content">
                    <p class="nhsuk-body-l">{format!("{}/{} mmHg, pulse {}", reading.systolic, reading.diastolic, reading.pulse)}</p>
                    <p class="nhsuk-body"><strong>"Tell the person: "</strong>{assessment.band.advice(known)}</p>
                    {assessment.is_flagged().then(|| view! {
                        <p class="nhsuk-body">"A supervisor will follow this up. Ask if they agree to be contacted."</p>
                    })}
                    {assessment.newly_identified.then(|| view! { <p class="nhsuk-body">"Newly identified high reading."</p> })}
                </div>
            </div>
        })
    };
    view_of
}

#[component]
fn YourNumbers(draft: RwSignal<Draft>) -> impl IntoView {
    let view_of = move || {
        let d = draft.get();
        let reading = recorded(&d)?;
        let known = d.known_hypertension.unwrap_or(KnownHypertension::Unsure);
        let band = d.assessment(&ProgrammeSettings::default())?.band;
        Some(view! {
            <div class="stallside-your-numbers" data-testid="your-numbers">
                <h1>"Your numbers"</h1>
                <p class="stallside-your-numbers__reading">
                    <span class="nhsuk-u-visually-hidden">"Blood pressure "</span>{format!("{}/{}", reading.systolic, reading.diastolic)}
                </p>
                <p class="nhsuk-body-s">"Top number (systolic) / bottom number (diastolic), in mmHg. Pulse " {reading.pulse} " beats a minute."</p>
                <p class="nhsuk-body-l">{participant_message(band, known, Some(reading))}</p>
                <p class="nhsuk-body">"A healthy blood pressure is usually between 90/60 and 120/80."</p>
            </div>
        })
    };
    view_of
}

#[component]
fn AboutStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    let postcode = RwSignal::new(String::new());
    let lookup_message = RwSignal::new(None::<String>);
    let find = move |_| {
        let typed = postcode.get_untracked();
        leptos::task::spawn_local(async move {
            match area::lookup(&typed).await {
                Ok(Some(found)) => {
                    lookup_message.set(Some(format!(
                        "Area found: {} (deprivation decile {}). The postcode is not kept.",
                        found.lsoa, found.imd_decile
                    )));
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
        <h1>"About the person"</h1>
        <Choice legend="Age" name="age-band" options=options(AgeBand::ALL, AgeBand::code, AgeBand::label)
            selected=Signal::derive(move || draft.with(|d| d.age_band.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.age_band = AgeBand::from_code(c)))
            error=problem_for(problems, "age-band") />
        <Choice legend="Sex" name="sex" options=options(Sex::ALL, Sex::code, Sex::label)
            selected=Signal::derive(move || draft.with(|d| d.sex.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.sex = Sex::from_code(c)))
            error=problem_for(problems, "sex") />
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=move || problem_for(problems, "ethnicity").get().is_some()>
            <label class="nhsuk-label nhsuk-label--m" for="ethnicity">"Ethnic group"</label>
            {move || problem_for(problems, "ethnicity").get().map(|e| view! { <span class="nhsuk-error-message">{e}</span> })}
            <select class="nhsuk-select" id="ethnicity" name="ethnicity"
                on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.ethnicity = Ethnicity::from_code(&v)); }>
                <option value="" selected=move || draft.with(|d| d.ethnicity.is_none())>"Choose"</option>
                {Ethnicity::ALL.iter().map(|e| {
                    let e = *e;
                    view! { <option value=e.code() selected=move || draft.with(|d| d.ethnicity == Some(e))>{e.label()}</option> }
                }).collect_view()}
            </select>
        </div>
        <Choice legend="Is English their first language?" name="english" inline=true
            options=options(EnglishFirstLanguage::ALL, EnglishFirstLanguage::code, EnglishFirstLanguage::label)
            selected=Signal::derive(move || draft.with(|d| d.english_first_language.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.english_first_language = EnglishFirstLanguage::from_code(c)))
            error=problem_for(problems, "english") />
        <TextField label="Postcode (optional)" id="postcode" value=postcode width="10" autocomplete="postal-code"
            hint="Used on this phone to find the area, then forgotten" />
        <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=find>"Find area"</button>
        {move || lookup_message.get().map(|m| view! { <p class="nhsuk-body" role="status" data-testid="area">{m}</p> })}
    }
}

#[component]
fn LifestyleStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    view! {
        <h1>"Health and lifestyle"</h1>
        <Choices legend="Did they mention any other conditions?" name="conditions" hint="Select all that apply"
            options=options(Condition::ALL, Condition::code, Condition::label)
            selected=Signal::derive(move || draft.with(|d| d.other_conditions.iter().map(|c| c.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(c) = Condition::from_code(code) { toggle(&mut d.other_conditions, c, on) })) />
        <Choice legend="Do they smoke?" name="smoking" options=options(Smoking::ALL, Smoking::code, Smoking::label)
            selected=Signal::derive(move || draft.with(|d| d.smoking.map(|v| v.code())))
            on_pick=Callback::new(move |c| draft.update(|d| d.smoking = Smoking::from_code(c)))
            error=problem_for(problems, "smoking") />
    }
}

#[component]
fn AdviceStep(draft: RwSignal<Draft>) -> impl IntoView {
    let goal = RwSignal::new(draft.with_untracked(|d| d.goal.clone()));
    Effect::new(move |_| {
        let text = goal.get();
        draft.update(|d| d.goal = text);
    });
    view! {
        <h1>"Advice and next steps"</h1>
        <Choices legend="What advice or signposting did you give?" name="advice" hint="Select all that apply"
            options=options(Advice::ALL, Advice::code, Advice::label)
            selected=Signal::derive(move || draft.with(|d| d.advice.iter().map(|a| a.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(a) = Advice::from_code(code) { toggle(&mut d.advice, a, on) })) />
        <TextField label="Personal goal (optional)" id="goal" value=goal hint="In their words, for example: walk to the shops" />
        <Choices legend="Did they mention anything that gets in the way of care?" name="barriers" hint="Select all that apply"
            options=options(Barrier::ALL, Barrier::code, Barrier::label)
            selected=Signal::derive(move || draft.with(|d| d.barriers.iter().map(|b| b.code()).collect()))
            on_toggle=Callback::new(move |(code, on)| draft.update(|d| if let Some(b) = Barrier::from_code(code) { toggle(&mut d.barriers, b, on) })) />
    }
}

#[component]
fn ContactStep(draft: RwSignal<Draft>, problems: Signal<Vec<Problem>>) -> impl IntoView {
    let phone = RwSignal::new(draft.with_untracked(|d| d.phone.clone()));
    Effect::new(move |_| {
        let text = phone.get();
        draft.update(|d| d.phone = text);
    });
    let consented = Memo::new(move |_| draft.with(|d| d.consent_to_contact) == Some(true));
    view! {
        <h1>"Follow-up contact"</h1>
        <p class="nhsuk-body">"This reading needs follow-up by a supervisor."</p>
        <Choice legend="Does the person agree to be contacted by phone?" name="contact-consent" options=yes_no() inline=true
            selected=yes_no_signal(move || draft.with(|d| d.consent_to_contact))
            on_pick=Callback::new(move |c| draft.update(|d| d.consent_to_contact = Some(c == "yes")))
            error=problem_for(problems, "contact-consent") />
        {move || consented.get().then(|| view! {
            <TextField label="Phone number" id="phone" value=phone kind="tel" autocomplete="tel" width="20"
                hint="Only the supervisor sees it, and it is deleted when the follow-up closes"
                error=problem_for(problems, "phone") />
        })}
    }
}

#[component]
fn ReviewStep(draft: RwSignal<Draft>) -> impl IntoView {
    let row = |key: &'static str, value: String| {
        view! {
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">{key}</dt>
                <dd class="nhsuk-summary-list__value">{value}</dd>
            </div>
        }
    };
    let rows = move || {
        let d = draft.get();
        let reading = recorded(&d)
            .map(|r| format!("{}/{}, pulse {}", r.systolic, r.diastolic, r.pulse))
            .unwrap_or_default();
        let band = d
            .assessment(&ProgrammeSettings::default())
            .map(|a| a.band.label())
            .unwrap_or_default();
        let join = |items: Vec<&'static str>| {
            if items.is_empty() {
                "None".to_owned()
            } else {
                items.join(", ")
            }
        };
        vec![
            row("Recorded reading", reading),
            row("Result", band.to_owned()),
            row(
                "Age",
                d.age_band.map(|v| v.label()).unwrap_or_default().to_owned(),
            ),
            row(
                "Ethnic group",
                d.ethnicity
                    .map(|v| v.label())
                    .unwrap_or_default()
                    .to_owned(),
            ),
            row(
                "Area",
                d.area
                    .as_ref()
                    .map(|a| format!("{} (decile {})", a.lsoa, a.imd_decile))
                    .unwrap_or_else(|| "Not given".into()),
            ),
            row(
                "Advice given",
                join(d.advice.iter().map(|a| a.label()).collect()),
            ),
            row(
                "Barriers",
                join(d.barriers.iter().map(|b| b.label()).collect()),
            ),
            row(
                "Contact",
                match d.consent_to_contact {
                    Some(true) if !d.phone.is_empty() => "Agreed, number taken".to_owned(),
                    _ => "No".to_owned(),
                },
            ),
        ]
    };
    view! {
        <h1>"Check your answers"</h1>
        <dl class="nhsuk-summary-list">{rows}</dl>
    }
}
