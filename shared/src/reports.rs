//! The coordinators' reach and equity report, computed from compact facts, one per check.
//!
//! The server keeps every check's [`Fact`] in memory (about 40 bytes each; a million checks
//! is 40 MB) and refreshes it from the database's projection, so a dashboard over a million
//! records is one pass over an array instead of a dozen scans of a table. Pure: no clock (the
//! caller says what "now" is for overdue flags), no IO.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::events::EventKind;
use crate::record::{
    AgeBand, Barrier, Enabler, EnglishFirstLanguage, Ethnicity, Language, Sex, VenueType,
};
use crate::triage::Band;
use crate::Vocab;

/// Interned strings (boroughs, events, volunteers, weeks), so a fact holds small numbers.
#[derive(Debug, Clone, Default)]
pub struct Names {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Names {
    /// The number for a name, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    /// The number of a known name.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The name of a number.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// The interned dimensions facts refer to.
#[derive(Debug, Clone, Default)]
pub struct Dimensions {
    /// ONS borough codes.
    pub boroughs: Names,
    /// Event ids.
    pub events: Names,
    /// Volunteer ids.
    pub volunteers: Names,
    /// ISO weeks, "2026-W47".
    pub weeks: Names,
    /// Calendar months, "2026-11".
    pub months: Names,
    /// Participant card codes.
    pub cards: Names,
}

/// What the report needs of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// When the check was taken, ms: the date-range and quarter filters read it.
    pub recorded_at_ms: i64,
    /// When follow-up is due, ms; 0 when not flagged.
    pub deadline_at_ms: i64,
    /// When follow-up closed, ms; 0 when not closed.
    pub closed_at_ms: i64,
    /// Interned borough.
    pub borough: u32,
    /// Interned event.
    pub event: u32,
    /// Interned volunteer.
    pub volunteer: u32,
    /// Interned ISO week.
    pub week: u32,
    /// Interned month.
    pub month: u32,
    /// Index in [`VenueType::ALL`].
    pub venue_type: u8,
    /// Index in [`Band::ALL`].
    pub band: u8,
    /// Index in [`Ethnicity::ALL`].
    pub ethnicity: u8,
    /// Index in [`AgeBand::ALL`].
    pub age_band: u8,
    /// Index in [`Sex::ALL`].
    pub sex: u8,
    /// IMD decile 1–10 of the person's area; 0 when no postcode was given.
    pub imd_decile: u8,
    /// Index in [`Language::ALL`], or [`LANGUAGE_NOT_RECORDED`].
    pub language: u8,
    /// Bit set of `FACT_*` flags.
    pub bits: u16,
    /// Bit set of [`Barrier::ALL`] indexes.
    pub barriers: u16,
    /// Bit set of [`Enabler::ALL`] indexes.
    pub enablers: u16,
    /// Interned participant card, or [`NO_CARD`].
    pub card: u32,
}

/// [`Fact::card`] of a check taken without a participant card.
pub const NO_CARD: u32 = u32::MAX;

/// People checked, counted by participant card: what the programme reports as people rather
/// than checks. A person with a card is one person however many checks they had; a check
/// without a card is one person (it cannot be told apart from anyone else's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct People {
    /// Distinct people checked: `with_card + checks_without_card`.
    pub checked: u64,
    /// Distinct participant cards seen: the repeat-visit share's denominator.
    pub with_card: u64,
    /// Checks taken without a card, each counted as one person.
    pub checks_without_card: u64,
    /// Cards seen at more than one check: the repeat-visit share's numerator.
    pub seen_again: u64,
}

impl People {
    /// Counts people from the cards of the checks covered (one entry a check, [`NO_CARD`]
    /// for a check without one).
    fn from_cards(mut cards: Vec<u32>) -> Self {
        cards.sort_unstable();
        let mut people = People::default();
        let mut i = 0;
        while i < cards.len() {
            let run = cards[i..].iter().take_while(|c| **c == cards[i]).count();
            if cards[i] == NO_CARD {
                people.checks_without_card += run as u64;
            } else {
                people.with_card += 1;
                people.seen_again += u64::from(run > 1);
            }
            i += run;
        }
        people.checked = people.with_card + people.checks_without_card;
        people
    }

    /// The repeat-visit share in percent (people with a card seen more than once, of people
    /// with a card), `None` when no card was seen.
    pub fn repeat_share_percent(&self) -> Option<f64> {
        (self.with_card > 0).then(|| 100.0 * self.seen_again as f64 / self.with_card as f64)
    }
}

/// People checked among the checks a filter covers: the one definition the dashboard, the
/// exports and "people reached" (people checked plus conversations without a check) share.
pub fn people_checked<'a>(facts: impl IntoIterator<Item = &'a Fact>, filter: &Filter) -> People {
    People::from_cards(
        facts
            .into_iter()
            .filter(|f| filter.admits(f))
            .map(|f| f.card)
            .collect(),
    )
}

/// Lives in one of the 20% most deprived areas.
pub const FACT_CORE20: u16 = 1;
/// English is not their first language.
pub const FACT_ENGLISH_NOT_FIRST: u16 = 1 << 1;
/// Recorded ≥140/90 with no previous diagnosis.
pub const FACT_NEWLY_IDENTIFIED: u16 = 1 << 2;
/// Signposted to GP, pharmacy, NHS 111 or 999.
pub const FACT_SIGNPOSTED: u16 = 1 << 3;
/// Flagged for follow-up.
pub const FACT_FLAGGED: u16 = 1 << 4;
/// Follow-up closed.
pub const FACT_CLOSED: u16 = 1 << 5;
/// Area known (postcode given).
pub const FACT_AREA_KNOWN: u16 = 1 << 6;

/// [`Fact::language`] of a check from a phone that did not ask the person's main language.
pub const LANGUAGE_NOT_RECORDED: u8 = u8::MAX;

/// Index of a value in its closed list, for a [`Fact`].
pub fn index_of<T: PartialEq>(all: &[T], value: &T) -> u8 {
    all.iter().position(|v| v == value).unwrap_or(0) as u8
}

/// Which checks a report covers; `None` is "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these boroughs (the coordinator's); empty is all.
    pub areas: Vec<u32>,
    /// Interned borough.
    pub borough: Option<u32>,
    /// Interned event.
    pub event: Option<u32>,
    /// Interned volunteer.
    pub volunteer: Option<u32>,
    /// Interned week.
    pub week: Option<u32>,
    /// Venue type index.
    pub venue_type: Option<u8>,
    /// Checks taken at or after this time, ms.
    pub from_ms: Option<i64>,
    /// Checks taken before this time, ms.
    pub until_ms: Option<i64>,
}

impl Filter {
    /// Whether the filter covers a check: the dashboard and every export ask the same question.
    pub fn admits(&self, f: &Fact) -> bool {
        (self.areas.is_empty() || self.areas.contains(&f.borough))
            && self.borough.is_none_or(|b| b == f.borough)
            && self.event.is_none_or(|e| e == f.event)
            && self.volunteer.is_none_or(|v| v == f.volunteer)
            && self.week.is_none_or(|w| w == f.week)
            && self.venue_type.is_none_or(|v| v == f.venue_type)
            && self.from_ms.is_none_or(|from| f.recorded_at_ms >= from)
            && self.until_ms.is_none_or(|until| f.recorded_at_ms < until)
    }
}

/// The period a report covers, from a date range and/or a quarter as a coordinator types them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    /// First day covered, "YYYY-MM-DD"; none is "from the start".
    pub from: Option<String>,
    /// Last day covered (inclusive), "YYYY-MM-DD"; none is "to date".
    pub to: Option<String>,
    /// The NHS financial quarter asked for, "2026-27-Q1" (April to June 2026).
    pub quarter: Option<String>,
}

/// Why a period cannot be reported on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not a real day written YYYY-MM-DD.
    #[error("{0:?} is not a date: write it as YYYY-MM-DD, e.g. 2026-11-21")]
    Date(String),
    /// Not a financial quarter written like 2026-27-Q1.
    #[error("{0:?} is not a quarter: write it like 2026-27-Q1 (April to June 2026)")]
    Quarter(String),
    /// The end is before the start.
    #[error("The period ends before it starts")]
    Backwards,
}

impl Period {
    /// The half-open time range `[from, until)` in ms; a quarter and a date range together
    /// cover the days in both.
    pub fn range(&self) -> Result<(Option<i64>, Option<i64>), PeriodError> {
        let day = |text: &Option<String>| {
            text.as_deref()
                .map(|t| crate::calendar::day_ms(t).ok_or_else(|| PeriodError::Date(t.into())))
                .transpose()
        };
        let mut from = day(&self.from)?;
        let mut until = day(&self.to)?.map(|ms| ms + 86_400_000);
        if let Some(q) = &self.quarter {
            let (start, end) = quarter_range(q).ok_or_else(|| PeriodError::Quarter(q.clone()))?;
            from = Some(from.map_or(start, |f| f.max(start)));
            until = Some(until.map_or(end, |u| u.min(end)));
        }
        match (from, until) {
            (Some(f), Some(u)) if u <= f => Err(PeriodError::Backwards),
            _ => Ok((from, until)),
        }
    }

    /// How a board reads the period: "1 April 2026 to 30 June 2026".
    pub fn label(&self) -> String {
        match self.range() {
            Ok((Some(f), Some(u))) => format!(
                "{} to {}",
                crate::calendar::date(f),
                crate::calendar::date(u - 1)
            ),
            Ok((Some(f), None)) => format!("From {} to date", crate::calendar::date(f)),
            Ok((None, Some(u))) => format!("Up to {}", crate::calendar::date(u - 1)),
            _ => "All dates".into(),
        }
    }
}

/// The time range of an NHS financial quarter written "2026-27-Q1": Q1 is April to June of
/// the first year, Q4 January to March of the second.
pub fn quarter_range(text: &str) -> Option<(i64, i64)> {
    let (years, quarter) = text.split_once("-Q")?;
    let (first, second) = years.split_once('-')?;
    let year: i64 = first.parse().ok().filter(|_| first.len() == 4)?;
    let quarter: i64 = quarter.parse().ok().filter(|q| (1..=4).contains(q))?;
    if second.len() != 2 || second.parse::<i64>().ok()? != (year + 1) % 100 {
        return None;
    }
    let month = |index: i64| {
        let (y, m) = (year + (index + 2) / 12, (index + 2) % 12 + 1);
        crate::calendar::day_ms(&format!("{y:04}-{m:02}-01"))
    };
    Some((month(3 * quarter - 2)?, month(3 * quarter + 1)?))
}

/// The NHS financial quarter holding a time, "2026-27-Q3": the quarter menu starts there.
pub fn quarter_of(ms: i64) -> String {
    let date = crate::calendar::date(ms);
    let year: i64 = date[..4].parse().unwrap_or(1970);
    let month: i64 = date[5..7].parse().unwrap_or(1);
    let first = if month >= 4 { year } else { year - 1 };
    format!(
        "{first}-{:02}-Q{}",
        (first + 1) % 100,
        (month + 8) % 12 / 3 + 1
    )
}

/// The `count` quarters up to and including the one holding `now_ms`, latest first.
pub fn recent_quarters(now_ms: i64, count: usize) -> Vec<String> {
    let mut quarters = vec![quarter_of(now_ms)];
    while quarters.len() < count {
        let start = quarters
            .last()
            .and_then(|q| quarter_range(q))
            .map_or(0, |(start, _)| start);
        quarters.push(quarter_of(start - 1));
    }
    quarters
}

/// Counts for one row of a breakdown (a borough, an event, a week, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    /// Stable key (code or id).
    pub key: String,
    /// What a person reads.
    pub label: String,
    /// Checks.
    pub checks: u64,
    /// Newly identified high readings.
    pub newly_identified: u64,
    /// Flagged for a supervisor's follow-up.
    pub flagged: u64,
    /// Severe or emergency.
    pub severe: u64,
    /// Signposted.
    pub signposted: u64,
    /// In Core20 areas.
    pub core20: u64,
    /// Area known (the Core20 share's denominator).
    pub area_known: u64,
    /// No postcode given: the Core20 share says how many it leaves out.
    pub area_unknown: u64,
    /// English not first language.
    pub english_not_first: u64,
}

/// The counted columns of a [`Row`], in CSV order, for exports and suppression.
pub const ROW_COLUMNS: [&str; 9] = [
    "checks",
    "newly_identified",
    "flagged",
    "severe",
    "signposted",
    "core20",
    "area_known",
    "area_unknown",
    "english_not_first",
];

impl Row {
    fn add(&mut self, f: &Fact) {
        self.checks += 1;
        let has = |bit| u64::from(f.bits & bit != 0);
        self.newly_identified += has(FACT_NEWLY_IDENTIFIED);
        self.flagged += has(FACT_FLAGGED);
        self.signposted += has(FACT_SIGNPOSTED);
        self.core20 += has(FACT_CORE20);
        self.area_known += has(FACT_AREA_KNOWN);
        self.area_unknown += 1 - has(FACT_AREA_KNOWN);
        self.english_not_first += has(FACT_ENGLISH_NOT_FIRST);
        self.severe += u64::from(f.band <= 1);
    }

    /// The counted columns, in [`ROW_COLUMNS`] order.
    pub fn counts(&self) -> [u64; 9] {
        [
            self.checks,
            self.newly_identified,
            self.flagged,
            self.severe,
            self.signposted,
            self.core20,
            self.area_known,
            self.area_unknown,
            self.english_not_first,
        ]
    }
}

/// How flagged readings were followed up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagStats {
    /// Flagged.
    pub flagged: u64,
    /// Closed.
    pub closed: u64,
    /// Closed by their deadline.
    pub closed_within_deadline: u64,
    /// Open and past their deadline.
    pub open_overdue: u64,
}

/// A count of one value (a band, a barrier, an enabler).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    /// Code.
    pub key: String,
    /// Label.
    pub label: String,
    /// How many.
    pub count: u64,
}

/// Barriers (or enablers) heard within one group (a borough, an ethnic group): the
/// community's voice, broken down the way decision-makers ask.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoiceRow {
    /// Code of the group.
    pub key: String,
    /// Name of the group.
    pub label: String,
    /// Checks in the group.
    pub checks: u64,
    /// Each barrier in [`Barrier::ALL`] order, or each enabler in [`Enabler::ALL`] order.
    pub counts: Vec<Count>,
}

/// The dashboard: reach, equity, bands, barriers and follow-up, with breakdowns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// The period covered, in words.
    pub period: String,
    /// Everything the filter admits.
    pub totals: Row,
    /// Distinct events with checks.
    pub events: u64,
    /// People checked, by participant card, and repeat visits.
    pub people: People,
    /// Checks in each band, in table order.
    pub bands: Vec<Count>,
    /// Barriers heard, most often first.
    pub barriers: Vec<Count>,
    /// Follow-up of flagged readings.
    pub flags: FlagStats,
    /// By borough.
    pub by_borough: Vec<Row>,
    /// By event.
    pub by_event: Vec<Row>,
    /// By venue type.
    pub by_venue_type: Vec<Row>,
    /// By ISO week, in order.
    pub by_week: Vec<Row>,
    /// By calendar month, in order.
    pub by_month: Vec<Row>,
    /// By volunteer.
    pub by_volunteer: Vec<Row>,
    /// By ethnic group (ONS 2021 category), in list order.
    pub by_ethnicity: Vec<Row>,
    /// By IMD decile of the person's area, 1 (most deprived) to 10, then unknown.
    pub by_imd_decile: Vec<Row>,
    /// By age band, in list order.
    pub by_age_band: Vec<Row>,
    /// By sex, in list order.
    pub by_sex: Vec<Row>,
    /// Barriers heard in each borough.
    pub barriers_by_borough: Vec<VoiceRow>,
    /// Barriers heard in each ethnic group.
    pub barriers_by_ethnicity: Vec<VoiceRow>,
    /// What helps, most often first: the enablers beside the barriers.
    pub enablers: Vec<Count>,
    /// Enablers heard in each borough.
    pub enablers_by_borough: Vec<VoiceRow>,
    /// Enablers heard in each ethnic group.
    pub enablers_by_ethnicity: Vec<VoiceRow>,
    /// By the person's main language, then "not recorded" (phones that did not ask).
    pub by_language: Vec<Row>,
    /// People reached, events held and workshops: the programme's headline figures.
    #[serde(default)]
    pub reach: Reach,
}

impl Dashboard {
    /// Every breakdown by name, in export order: each partitions the totals.
    pub fn tables(&self) -> [(&'static str, &[Row]); 11] {
        [
            ("by_borough", &self.by_borough),
            ("by_event", &self.by_event),
            ("by_venue_type", &self.by_venue_type),
            ("by_week", &self.by_week),
            ("by_month", &self.by_month),
            ("by_volunteer", &self.by_volunteer),
            ("by_ethnicity", &self.by_ethnicity),
            ("by_imd_decile", &self.by_imd_decile),
            ("by_age_band", &self.by_age_band),
            ("by_sex", &self.by_sex),
            ("by_language", &self.by_language),
        ]
    }
}

/// A breakdown under construction: rows indexed by a dense key (an interned id or a list
/// index), so a million facts cost array stores, not hashing.
#[derive(Default)]
struct Tally {
    rows: Vec<Row>,
    barriers: Vec<[u64; 16]>,
    enablers: Vec<[u64; 16]>,
}

impl Tally {
    fn add(&mut self, key: u32, f: &Fact, with_voice: bool) {
        let key = key as usize;
        if key >= self.rows.len() {
            self.rows.resize_with(key + 1, Row::default);
            if with_voice {
                self.barriers.resize(key + 1, [0; 16]);
                self.enablers.resize(key + 1, [0; 16]);
            }
        }
        self.rows[key].add(f);
        if with_voice {
            add_bits(&mut self.barriers[key], f.barriers);
            add_bits(&mut self.enablers[key], f.enablers);
        }
    }

    /// Rows with checks, named; `all` keeps every key below it even when empty (closed
    /// lists, where a board wants to see the zeros).
    fn named(&self, all: usize, name: impl Fn(u32) -> (String, String)) -> Vec<Row> {
        (0..self.rows.len().max(all))
            .filter_map(|k| {
                let row = self.rows.get(k).cloned().unwrap_or_default();
                (k < all || row.checks > 0).then(|| {
                    let (key, label) = name(k as u32);
                    Row { key, label, ..row }
                })
            })
            .collect()
    }

    /// Each group's counts of one list (`slots`: the tally's barriers or enablers).
    fn voice_rows<T: Vocab>(
        &self,
        slots: &[[u64; 16]],
        all: &[T],
        label: fn(T) -> &'static str,
        name: impl Fn(u32) -> (String, String),
    ) -> Vec<VoiceRow> {
        self.rows
            .iter()
            .zip(slots)
            .enumerate()
            .filter(|(_, (row, _))| row.checks > 0)
            .map(|(k, (row, counts))| {
                let (key, label_of_group) = name(k as u32);
                VoiceRow {
                    key,
                    label: label_of_group,
                    checks: row.checks,
                    counts: voice_counts(all, label, counts),
                }
            })
            .collect()
    }
}

fn add_bits(slots: &mut [u64; 16], bits: u16) {
    for (i, slot) in slots.iter_mut().enumerate() {
        *slot += u64::from(bits & (1 << i) != 0);
    }
}

/// One count per value of a closed list, from slots indexed like the list.
fn voice_counts<T: Vocab>(
    all: &[T],
    label: fn(T) -> &'static str,
    counts: &[u64; 16],
) -> Vec<Count> {
    all.iter()
        .zip(counts)
        .map(|(v, count)| Count {
            key: v.code_of().into(),
            label: label(*v).into(),
            count: *count,
        })
        .collect()
}

/// The whole filter's counts of one list, most often first.
fn most_heard<T: Vocab>(all: &[T], label: fn(T) -> &'static str, counts: &[u64; 16]) -> Vec<Count> {
    let mut list = voice_counts(all, label, counts);
    list.sort_by_key(|c| std::cmp::Reverse(c.count));
    list
}

fn interned(names: &Names, k: u32) -> (String, String) {
    (names.name(k).to_owned(), names.name(k).to_owned())
}

fn most_first(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by(|a, b| b.checks.cmp(&a.checks).then_with(|| a.label.cmp(&b.label)));
    rows
}

fn in_key_order(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    rows
}

fn vocab_name<T: Copy>(
    all: &[T],
    k: u32,
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> (String, String) {
    all.get(k as usize)
        .map_or((String::new(), String::new()), |v| {
            (code(*v).into(), label(*v).into())
        })
}

/// The programme's headline figures, as its public reports quote them ("reached over 2,000
/// people ... over 100 events").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reach {
    /// People checked plus conversations without a check.
    pub people_reached: u64,
    /// People checked ([`people_checked`]).
    pub people_checked: u64,
    /// Conversations without a check, from the volunteers' debriefs.
    pub conversations: u64,
    /// Checks.
    pub checks: u64,
    /// Events held: not cancelled and on or before today, or with checks.
    pub events_held: u64,
    /// Events held with at least one check.
    pub events_with_checks: u64,
    /// Events held without a check (workshops, quiet stalls).
    pub events_without_checks: u64,
    /// Health workshops held.
    pub workshops: u64,
    /// People at those workshops.
    pub workshop_attendance: u64,
    /// Events cancelled (their checks still count above).
    pub cancelled: u64,
}

/// The reach figures' names and labels, in CSV order.
pub const REACH_FIGURES: [(&str, &str); 10] = [
    ("people_reached", "People reached"),
    ("people_checked", "People checked"),
    ("conversations", "Conversations without a check"),
    ("checks", "Checks"),
    ("events_held", "Events held"),
    ("events_with_checks", "Events held with checks"),
    ("events_without_checks", "Events held without checks"),
    ("workshops", "Health workshops held"),
    ("workshop_attendance", "Workshop attendance"),
    ("cancelled", "Events cancelled"),
];

impl Reach {
    /// The figures in [`REACH_FIGURES`] order.
    pub fn figures(&self) -> [u64; 10] {
        [
            self.people_reached,
            self.people_checked,
            self.conversations,
            self.checks,
            self.events_held,
            self.events_with_checks,
            self.events_without_checks,
            self.workshops,
            self.workshop_attendance,
            self.cancelled,
        ]
    }

    /// Adds the events the filter admits: their debriefs' conversations (each volunteer's
    /// tally is their own, so they add up) and a workshop's attendance (a headcount of one
    /// room, so the largest any volunteer gave).
    pub fn add_events(&mut self, events: &[EventFact], filter: &EventFilter, now_ms: i64) {
        for event in events.iter().filter(|e| filter.admits(e)) {
            let debriefs = event
                .debriefs
                .iter()
                .filter(|d| filter.volunteer.as_ref().is_none_or(|v| *v == d.volunteer));
            let (mut conversations, mut attendance) = (0, 0);
            for d in debriefs {
                conversations += u64::from(d.conversations);
                attendance = attendance.max(u64::from(d.attendance));
            }
            self.conversations += conversations;
            self.cancelled += u64::from(event.cancelled);
            let held = event.checks > 0 || (!event.cancelled && event.day_ms <= now_ms);
            if !held {
                continue;
            }
            self.events_held += 1;
            if event.checks > 0 {
                self.events_with_checks += 1;
            } else {
                self.events_without_checks += 1;
            }
            if event.kind == EventKind::Workshop {
                self.workshops += 1;
                self.workshop_attendance += attendance;
            }
        }
        self.people_reached = self.people_checked + self.conversations;
    }
}

/// What the reach figures need of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFact {
    /// Event id.
    pub id: String,
    /// The event's day, ms at midnight UTC.
    pub day_ms: i64,
    /// ONS borough code.
    pub borough: String,
    /// The kind of venue.
    pub venue_type: VenueType,
    /// Stall or workshop.
    pub kind: EventKind,
    /// Called off.
    pub cancelled: bool,
    /// Checks taken at it (whatever the filter: a check makes it held).
    pub checks: u64,
    /// The volunteers' debriefs.
    pub debriefs: Vec<DebriefFact>,
}

/// What the reach figures need of one volunteer's debrief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebriefFact {
    /// Volunteer id.
    pub volunteer: String,
    /// Conversations without a check.
    pub conversations: u32,
    /// People at a workshop.
    pub attendance: u32,
}

/// Which events the reach figures cover: the dashboard's filters, read against the event's
/// day, borough and venue type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// The coordinator's boroughs.
    pub areas: Vec<String>,
    /// One borough.
    pub borough: Option<String>,
    /// One event.
    pub event: Option<String>,
    /// One volunteer's debriefs.
    pub volunteer: Option<String>,
    /// One ISO week.
    pub week: Option<String>,
    /// One venue type.
    pub venue_type: Option<VenueType>,
    /// Events on or after this time, ms.
    pub from_ms: Option<i64>,
    /// Events before this time, ms.
    pub until_ms: Option<i64>,
}

impl EventFilter {
    /// Whether the filter covers an event.
    pub fn admits(&self, e: &EventFact) -> bool {
        self.areas.contains(&e.borough)
            && self.borough.as_ref().is_none_or(|b| *b == e.borough)
            && self.event.as_ref().is_none_or(|id| *id == e.id)
            && self
                .week
                .as_ref()
                .is_none_or(|w| *w == crate::calendar::iso_week(e.day_ms))
            && self.venue_type.is_none_or(|v| v == e.venue_type)
            && self.from_ms.is_none_or(|from| e.day_ms >= from)
            && self.until_ms.is_none_or(|until| e.day_ms < until)
    }
}

/// Computes the dashboard in one pass over the facts.
pub fn dashboard<'a>(
    facts: impl IntoIterator<Item = &'a Fact> + Clone,
    filter: &Filter,
    dims: &Dimensions,
    labels: &Labels,
    now_ms: i64,
) -> Dashboard {
    let mut totals = Row::default();
    let mut bands = [0u64; 8];
    let mut barriers = [0u64; 16];
    let mut enablers = [0u64; 16];
    let mut flags = FlagStats::default();
    let mut by: [Tally; 11] = Default::default();
    let mut cards = Vec::new();
    for f in facts.into_iter().filter(|f| filter.admits(f)) {
        totals.add(f);
        cards.push(f.card);
        bands[usize::from(f.band).min(7)] += 1;
        add_bits(&mut barriers, f.barriers);
        add_bits(&mut enablers, f.enablers);
        if f.bits & FACT_FLAGGED != 0 {
            flags.flagged += 1;
            if f.bits & FACT_CLOSED != 0 {
                flags.closed += 1;
                flags.closed_within_deadline += u64::from(f.closed_at_ms <= f.deadline_at_ms);
            } else {
                flags.open_overdue += u64::from(f.deadline_at_ms < now_ms);
            }
        }
        let keys = [
            f.borough,
            f.event,
            u32::from(f.venue_type),
            f.week,
            f.month,
            f.volunteer,
            u32::from(f.ethnicity),
            u32::from(f.imd_decile),
            u32::from(f.age_band),
            u32::from(f.sex),
            u32::from(f.language),
        ];
        for (i, (tally, key)) in by.iter_mut().zip(keys).enumerate() {
            tally.add(key, f, i == 0 || i == 6);
        }
    }
    let [borough, event, venue, week, month, volunteer, ethnicity, decile, age, sex, language] = by;
    let people = People::from_cards(cards);
    let borough_name = |k: u32| {
        let code = dims.boroughs.name(k).to_owned();
        let label = crate::record::borough_name(&code)
            .unwrap_or(&code)
            .to_owned();
        (code, label)
    };
    let ethnicity_name = |k: u32| vocab_name(Ethnicity::ALL, k, Ethnicity::code, Ethnicity::label);
    let mut by_imd_decile = decile.named(11, |k| match k {
        0 => ("unknown".into(), "Unknown (no postcode)".into()),
        d => (d.to_string(), format!("Decile {d}")),
    });
    by_imd_decile.rotate_left(1);
    let checks = totals.checks;
    Dashboard {
        period: String::new(),
        totals: Row {
            key: "all".into(),
            label: "All checks".into(),
            ..totals
        },
        events: event.rows.iter().filter(|r| r.checks > 0).count() as u64,
        people,
        bands: Band::ALL
            .iter()
            .zip(bands)
            .map(|(b, count)| Count {
                key: b.code().into(),
                label: b.label().into(),
                count,
            })
            .collect(),
        barriers: most_heard(Barrier::ALL, Barrier::label, &barriers),
        enablers: most_heard(Enabler::ALL, Enabler::label, &enablers),
        flags,
        by_borough: most_first(borough.named(0, borough_name)),
        by_event: most_first(event.named(0, |k| {
            let id = dims.events.name(k).to_owned();
            let label = labels
                .events
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "Started on a phone".into());
            (id, label)
        })),
        by_venue_type: venue.named(VenueType::ALL.len(), |k| {
            vocab_name(VenueType::ALL, k, VenueType::code, VenueType::label)
        }),
        by_week: in_key_order(week.named(0, |k| interned(&dims.weeks, k))),
        by_month: in_key_order(month.named(0, |k| interned(&dims.months, k))),
        by_volunteer: most_first(volunteer.named(0, |k| {
            let id = dims.volunteers.name(k).to_owned();
            let label = labels
                .volunteers
                .get(&id)
                .cloned()
                .unwrap_or_else(|| id.clone());
            (id, label)
        })),
        by_ethnicity: ethnicity.named(Ethnicity::ALL.len(), ethnicity_name),
        by_imd_decile,
        by_age_band: age.named(AgeBand::ALL.len(), |k| {
            vocab_name(AgeBand::ALL, k, AgeBand::code, AgeBand::label)
        }),
        by_sex: sex.named(Sex::ALL.len(), |k| {
            vocab_name(Sex::ALL, k, Sex::code, Sex::label)
        }),
        barriers_by_borough: borough.voice_rows(
            &borough.barriers,
            Barrier::ALL,
            Barrier::label,
            borough_name,
        ),
        barriers_by_ethnicity: ethnicity.voice_rows(
            &ethnicity.barriers,
            Barrier::ALL,
            Barrier::label,
            ethnicity_name,
        ),
        enablers_by_borough: borough.voice_rows(
            &borough.enablers,
            Enabler::ALL,
            Enabler::label,
            borough_name,
        ),
        enablers_by_ethnicity: ethnicity.voice_rows(
            &ethnicity.enablers,
            Enabler::ALL,
            Enabler::label,
            ethnicity_name,
        ),
        by_language: most_first(language.named(0, |k| match Language::ALL.get(k as usize) {
            Some(l) => (l.code().into(), l.label().into()),
            None => ("not_recorded".into(), "Not recorded".into()),
        })),
        reach: Reach {
            people_reached: people.checked,
            people_checked: people.checked,
            checks,
            ..Reach::default()
        },
    }
}

/// Names to show for ids the facts carry.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Event id → name.
    pub events: HashMap<String, String>,
    /// Volunteer id → display name.
    pub volunteers: HashMap<String, String>,
}

/// Whether English is not the person's first language, for a fact.
pub fn english_not_first(value: EnglishFirstLanguage) -> bool {
    value == EnglishFirstLanguage::No
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(dims: &mut Dimensions, borough: &str, event: &str, band: Band, bits: u16) -> Fact {
        Fact {
            recorded_at_ms: 100,
            deadline_at_ms: if bits & FACT_FLAGGED != 0 { 1_000 } else { 0 },
            closed_at_ms: if bits & FACT_CLOSED != 0 { 500 } else { 0 },
            borough: dims.boroughs.intern(borough),
            event: dims.events.intern(event),
            volunteer: dims.volunteers.intern("v1"),
            week: dims.weeks.intern("2026-W47"),
            month: dims.months.intern("2026-11"),
            venue_type: 0,
            band: index_of(Band::ALL, &band),
            ethnicity: 0,
            age_band: 0,
            sex: 0,
            imd_decile: if bits & FACT_AREA_KNOWN != 0 { 1 } else { 0 },
            language: if bits & FACT_CORE20 != 0 {
                index_of(Language::ALL, &Language::Bengali)
            } else {
                LANGUAGE_NOT_RECORDED
            },
            bits,
            barriers: 0b101,
            enablers: 0b11,
            card: NO_CARD,
        }
    }

    #[test]
    fn counts_shares_flags_and_filters() {
        let mut dims = Dimensions::default();
        let facts = vec![
            fact(
                &mut dims,
                "E09000003",
                "e1",
                Band::Severe,
                FACT_FLAGGED | FACT_CLOSED | FACT_NEWLY_IDENTIFIED | FACT_CORE20 | FACT_AREA_KNOWN,
            ),
            fact(
                &mut dims,
                "E09000003",
                "e1",
                Band::Stage2,
                FACT_FLAGGED | FACT_NEWLY_IDENTIFIED,
            ),
            fact(
                &mut dims,
                "E09000019",
                "e2",
                Band::Normal,
                FACT_SIGNPOSTED | FACT_ENGLISH_NOT_FIRST | FACT_AREA_KNOWN,
            ),
        ];
        let d = dashboard(&facts, &Filter::default(), &dims, &Labels::default(), 2_000);
        assert_eq!(d.totals.checks, 3);
        assert_eq!(d.totals.newly_identified, 2);
        assert_eq!(d.totals.severe, 1);
        assert_eq!((d.totals.core20, d.totals.area_known), (1, 2));
        assert_eq!(d.events, 2);
        assert_eq!(d.bands.iter().find(|b| b.key == "severe").unwrap().count, 1);
        assert_eq!(
            d.flags,
            FlagStats {
                flagged: 2,
                closed: 1,
                closed_within_deadline: 1,
                open_overdue: 1
            }
        );
        assert_eq!(d.barriers[0].count, 3);
        assert_eq!(d.by_borough[0].label, "Barnet");
        assert_eq!(d.by_borough[0].checks, 2);
        let languages: Vec<_> = d
            .by_language
            .iter()
            .map(|r| (r.label.as_str(), r.checks))
            .collect();
        assert_eq!(languages, [("Not recorded", 2), ("Bengali", 1)]);

        let barnet = Filter {
            borough: dims.boroughs.get("E09000019"),
            ..Filter::default()
        };
        let only = dashboard(&facts, &barnet, &dims, &Labels::default(), 2_000);
        assert_eq!(only.totals.checks, 1);
        assert_eq!(only.totals.english_not_first, 1);
        assert_eq!(d.by_imd_decile.len(), 11);
        assert_eq!(d.by_imd_decile[0].checks, 2);
        assert_eq!(d.by_imd_decile[10].key, "unknown");
        assert_eq!(d.by_imd_decile[10].checks, 1);
        assert_eq!(d.totals.area_unknown, 1);
        assert_eq!(d.barriers_by_borough.len(), 2);
        let first_two: Vec<_> = d.enablers.iter().take(2).map(|c| c.count).collect();
        assert_eq!(first_two, [3, 3], "what helps, most often first");
        let barnet_helps = &d.enablers_by_borough[0];
        assert_eq!(
            (
                barnet_helps.checks,
                barnet_helps.counts[0].key.as_str(),
                barnet_helps.counts[0].count
            ),
            (2, "familiar_venue", 2)
        );
        assert_eq!(d.enablers_by_ethnicity[0].counts.len(), Enabler::ALL.len());

        let later = Filter {
            from_ms: Some(101),
            ..Filter::default()
        };
        let none = dashboard(&facts, &later, &dims, &Labels::default(), 2_000);
        assert_eq!(none.totals.checks, 0);
    }

    #[test]
    fn people_are_counted_by_card_and_a_check_without_one_is_one_person() {
        let mut dims = Dimensions::default();
        let with = |dims: &mut Dimensions, card: &str, event: &str| Fact {
            card: dims.cards.intern(card),
            ..fact(dims, "E09000003", event, Band::Normal, 0)
        };
        let facts = vec![
            with(&mut dims, "A", "e1"),
            with(&mut dims, "A", "e2"),
            with(&mut dims, "A", "e2"),
            with(&mut dims, "B", "e1"),
            fact(&mut dims, "E09000003", "e1", Band::Normal, 0),
            fact(&mut dims, "E09000003", "e2", Band::Normal, 0),
        ];
        let all = people_checked(&facts, &Filter::default());
        assert_eq!(
            all,
            People {
                checked: 4,
                with_card: 2,
                checks_without_card: 2,
                seen_again: 1
            }
        );
        assert_eq!(all.repeat_share_percent(), Some(50.0));
        let d = dashboard(&facts, &Filter::default(), &dims, &Labels::default(), 0);
        assert_eq!(d.people, all, "the dashboard counts people the one way");
        let e1 = Filter {
            event: dims.events.get("e1"),
            ..Filter::default()
        };
        let at_e1 = people_checked(&facts, &e1);
        assert_eq!((at_e1.checked, at_e1.seen_again), (3, 0));
        assert_eq!(People::default().repeat_share_percent(), None);
    }

    #[test]
    fn quarters_are_nhs_financial_quarters() {
        let day = |t| crate::calendar::day_ms(t).unwrap();
        assert_eq!(
            quarter_range("2026-27-Q1"),
            Some((day("2026-04-01"), day("2026-07-01")))
        );
        assert_eq!(
            quarter_range("2026-27-Q4"),
            Some((day("2027-01-01"), day("2027-04-01")))
        );
        assert_eq!(quarter_range("2026-28-Q1"), None);
        assert_eq!(quarter_of(day("2027-02-10")), "2026-27-Q4");
        assert_eq!(
            recent_quarters(day("2026-05-01"), 3),
            ["2026-27-Q1", "2025-26-Q4", "2025-26-Q3"]
        );
        assert_eq!(quarter_range("2026-27-Q5"), None);
        let period = Period {
            from: Some("2026-05-01".into()),
            to: None,
            quarter: Some("2026-27-Q1".into()),
        };
        assert_eq!(
            period.range(),
            Ok((Some(day("2026-05-01")), Some(day("2026-07-01"))))
        );
        assert_eq!(period.label(), "2026-05-01 to 2026-06-30");
        let backwards = Period {
            from: Some("2026-05-02".into()),
            to: Some("2026-05-01".into()),
            quarter: None,
        };
        assert_eq!(backwards.range(), Err(PeriodError::Backwards));
        let typo = Period {
            from: Some("2026-13-01".into()),
            ..Period::default()
        };
        assert!(matches!(typo.range(), Err(PeriodError::Date(_))));
    }
}
