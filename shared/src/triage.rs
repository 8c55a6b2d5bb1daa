//! Triage: the band a check falls in and how fast a supervisor must follow it up (NICE NG136;
//! NHS pharmacy blood-pressure check service; DESIGN.md). What to tell the person about each
//! band lives in one place, the wording table in [`crate::wording`].
//!
//! The table is data: [`RULES`] lists the rows in order and the first that applies wins. The
//! same code runs on the phone (instant advice, offline) and on the server (the authoritative
//! flag), so the two can never disagree.

use serde::{Deserialize, Serialize};

use crate::readings::recorded_reading;
use crate::record::{CheckPart, KnownHypertension, LowBpSymptom, Reading, RedFlag};

vocab! {
    /// The triage band, most urgent first.
    Band {
        Emergency = "emergency" => "Emergency",
        Severe = "severe" => "Very high",
        IrregularPulse = "irregular_pulse" => "Irregular pulse",
        LowUrgent = "low_urgent" => "Low with fainting or falls",
        Stage2 = "stage2" => "High (stage 2)",
        Stage1 = "stage1" => "Raised (stage 1)",
        Low = "low" => "Low with symptoms",
        Normal = "normal" => "Under 140/90, no symptoms",
    }
}

/// Everything triage looks at, gathered from a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriageInput<'a> {
    /// The recorded reading (see [`crate::readings`]); `None` before any reading is taken.
    pub recorded: Option<Reading>,
    /// Red-flag symptoms present.
    pub red_flags: &'a [RedFlag],
    /// Whether the pulse was still irregular when repeated after five minutes.
    pub pulse_irregular_on_repeat: Option<bool>,
    /// Symptoms that go with low blood pressure.
    pub low_bp_symptoms: &'a [LowBpSymptom],
    /// Previous diagnosis, which changes stage 1–2 advice and "newly identified".
    pub known_hypertension: KnownHypertension,
}

impl<'a> TriageInput<'a> {
    /// The input triage reads from a check.
    pub fn from_check(check: &'a CheckPart) -> Self {
        TriageInput {
            recorded: recorded_reading(&check.readings),
            red_flags: &check.red_flags,
            pulse_irregular_on_repeat: check.pulse_irregular_on_repeat,
            low_bp_symptoms: &check.low_bp_symptoms,
            known_hypertension: check.known_hypertension,
        }
    }
}

/// One row of the triage table.
pub struct Rule {
    /// The band this row gives.
    pub band: Band,
    /// Whether the row applies.
    pub applies: fn(&TriageInput) -> bool,
}

/// The triage table of DESIGN.md, in order; the first row that applies wins.
pub const RULES: &[Rule] = &[
    Rule {
        band: Band::Emergency,
        applies: |i| !i.red_flags.is_empty(),
    },
    Rule {
        band: Band::Severe,
        applies: |i| reading_at_least(i, 180, 120),
    },
    Rule {
        band: Band::IrregularPulse,
        applies: |i| i.pulse_irregular_on_repeat == Some(true),
    },
    Rule {
        band: Band::LowUrgent,
        applies: |i| is_low(i) && i.low_bp_symptoms.iter().any(|s| s.is_serious()),
    },
    Rule {
        band: Band::Stage2,
        applies: |i| reading_at_least(i, 160, 100),
    },
    Rule {
        band: Band::Stage1,
        applies: |i| reading_at_least(i, 140, 90),
    },
    Rule {
        band: Band::Low,
        applies: |i| is_low(i) && !i.low_bp_symptoms.is_empty(),
    },
    Rule {
        band: Band::Normal,
        applies: |_| true,
    },
];

/// The band of a check: the first row of [`RULES`] that applies.
pub fn band(input: &TriageInput) -> Band {
    RULES
        .iter()
        .find(|rule| (rule.applies)(input))
        .map_or(Band::Normal, |rule| rule.band)
}

/// The whole triage result for a check, under the programme's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The band.
    pub band: Band,
    /// Recorded reading 140/90 or higher and no previous diagnosis.
    pub newly_identified: bool,
    /// Minutes the supervisor has to follow up; `None` when no follow-up is needed.
    pub deadline_minutes: Option<u32>,
}

impl Assessment {
    /// Whether the reading goes to the supervisors' queue.
    pub fn is_flagged(&self) -> bool {
        self.deadline_minutes.is_some()
    }
}

/// Triages a check: band, newly identified, and the follow-up deadline from the settings.
pub fn assess(input: &TriageInput, settings: &ProgrammeSettings) -> Assessment {
    let band = band(input);
    let newly_identified = reading_at_least(input, 140, 90) && !has_diagnosis(input);
    Assessment {
        band,
        newly_identified,
        deadline_minutes: settings.deadline_minutes(band, newly_identified),
    }
}

/// Programme settings a coordinator may change: the supervisor deadlines per band, how
/// long a volunteer may correct a check, and the retention schedule. They ride along with every sync, so the phone and
/// the server apply the same values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeSettings {
    /// Emergency: the supervisor is told at once.
    pub emergency_minutes: u32,
    /// Severe, irregular pulse, and low with fainting or falls.
    pub same_day_minutes: u32,
    /// Stage 2.
    pub stage2_minutes: u32,
    /// Stage 1, only when newly identified.
    pub stage1_new_minutes: u32,
    /// How long after taking a check its volunteer may still correct it. Settings stored by
    /// an older phone lack it and take the default.
    #[serde(default = "default_edit_window_hours")]
    pub edit_window_hours: u32,
    /// Retention: days a contact number is kept, even while its flag is still open.
    #[serde(default = "default_contact_retention_days")]
    pub contact_retention_days: u32,
    /// Retention: days before that erasure the supervisors' queue warns of it.
    #[serde(default = "default_contact_warning_days")]
    pub contact_warning_days: u32,
    /// Retention: years after which a check is pseudonymised further.
    #[serde(default = "default_pseudonymise_after_years")]
    pub pseudonymise_after_years: u32,
    /// Offer the person only reviewed translations (draft ones are hidden from the phone's
    /// language picker). Off by default; settings from an older server lack it.
    #[serde(default)]
    pub reviewed_languages_only: bool,
}

/// 28 days: a flag's longest deadline (3 weeks for a new stage 1) and a week to spare.
fn default_contact_retention_days() -> u32 {
    28
}

/// A week's warning.
fn default_contact_warning_days() -> u32 {
    7
}

/// 8 years, the NHS records retention period for adult records.
fn default_pseudonymise_after_years() -> u32 {
    8
}

/// Seven days to correct a check.
fn default_edit_window_hours() -> u32 {
    7 * 24
}

impl Default for ProgrammeSettings {
    /// DESIGN.md's defaults: immediate, 24 h, 7 days, and 3 weeks for a new stage 1.
    fn default() -> Self {
        ProgrammeSettings {
            emergency_minutes: 0,
            same_day_minutes: 24 * 60,
            stage2_minutes: 7 * 24 * 60,
            stage1_new_minutes: 21 * 24 * 60,
            edit_window_hours: default_edit_window_hours(),
            contact_retention_days: default_contact_retention_days(),
            contact_warning_days: default_contact_warning_days(),
            pseudonymise_after_years: default_pseudonymise_after_years(),
            reviewed_languages_only: false,
        }
    }
}

impl ProgrammeSettings {
    /// The edit window in milliseconds.
    pub fn edit_window_ms(&self) -> i64 {
        i64::from(self.edit_window_hours) * 3_600_000
    }

    /// The follow-up deadline for a band; `None` means no follow-up.
    pub fn deadline_minutes(&self, band: Band, newly_identified: bool) -> Option<u32> {
        match band {
            Band::Emergency => Some(self.emergency_minutes),
            Band::Severe | Band::IrregularPulse | Band::LowUrgent => Some(self.same_day_minutes),
            Band::Stage2 => Some(self.stage2_minutes),
            Band::Stage1 if newly_identified => Some(self.stage1_new_minutes),
            Band::Stage1 | Band::Low | Band::Normal => None,
        }
    }
}

impl Band {
    /// 7 for the most urgent band down to 0 for normal: table order as a number, for sorting
    /// queues and comparing bands.
    pub fn urgency(self) -> u8 {
        let position = Band::ALL.iter().position(|b| *b == self).unwrap_or(0);
        (Band::ALL.len() - 1 - position) as u8
    }

    /// How loudly the band is shown: one scale for the volunteer's card, the records list and
    /// the supervisor's queue, so no screen groups the bands its own way.
    pub fn tone(self) -> Tone {
        match self {
            Band::Emergency => Tone::Emergency,
            Band::Severe | Band::IrregularPulse | Band::LowUrgent => Tone::Urgent,
            Band::Stage2 => Tone::High,
            Band::Stage1 => Tone::Raised,
            Band::Low => Tone::Low,
            Band::Normal => Tone::Normal,
        }
    }

    /// The bands that need an immediate or same-day response.
    pub fn is_urgent(self) -> bool {
        matches!(self.tone(), Tone::Emergency | Tone::Urgent)
    }
}

/// How loudly a band is shown, loudest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Call 999 now.
    Emergency,
    /// Seen the same day.
    Urgent,
    /// High: a GP appointment within weeks.
    High,
    /// Raised: checked again.
    Raised,
    /// Low with symptoms.
    Low,
    /// Nothing to act on.
    Normal,
}

fn reading_at_least(input: &TriageInput, systolic: u16, diastolic: u16) -> bool {
    input
        .recorded
        .is_some_and(|r| r.systolic >= systolic || r.diastolic >= diastolic)
}

/// Below 90/60: systolic under 90 or diastolic under 60.
fn is_low(input: &TriageInput) -> bool {
    input.recorded.is_some_and(|r| is_low_reading(&r))
}

/// Below 90/60 (systolic under 90 or diastolic under 60): the threshold of triage rows 4 and 7,
/// shared with the wording table and the form that asks about low blood pressure symptoms.
pub fn is_low_reading(r: &Reading) -> bool {
    r.systolic < 90 || r.diastolic < 60
}

fn has_diagnosis(input: &TriageInput) -> bool {
    input.known_hypertension.is_diagnosed()
}
