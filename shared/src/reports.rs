//! The coordinators' reach and equity report, computed from compact facts, one per check.
//!
//! The server keeps every check's [`Fact`] in memory (about 40 bytes each; a million checks
//! is 40 MB) and refreshes it from the database's projection, so a dashboard over a million
//! records is one pass over an array instead of a dozen scans of a table. Pure: no clock (the
//! caller says what "now" is for overdue flags), no IO.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::record::{Barrier, EnglishFirstLanguage, Ethnicity, Language, VenueType};
use crate::triage::Band;

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
}

/// What the report needs of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// Interned borough.
    pub borough: u32,
    /// Interned event.
    pub event: u32,
    /// Interned volunteer.
    pub volunteer: u32,
    /// Interned ISO week.
    pub week: u32,
    /// Index in [`VenueType::ALL`].
    pub venue_type: u8,
    /// Index in [`Band::ALL`].
    pub band: u8,
    /// Index in [`Ethnicity::ALL`].
    pub ethnicity: u8,
    /// Index in [`Language::ALL`], or [`LANGUAGE_NOT_RECORDED`].
    pub language: u8,
    /// Bit set of `FACT_*` flags.
    pub bits: u16,
    /// Bit set of [`Barrier::ALL`] indexes.
    pub barriers: u16,
    /// When follow-up is due, ms; 0 when not flagged.
    pub deadline_at_ms: i64,
    /// When follow-up closed, ms; 0 when not closed.
    pub closed_at_ms: i64,
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
}

impl Filter {
    fn admits(&self, f: &Fact) -> bool {
        (self.areas.is_empty() || self.areas.contains(&f.borough))
            && self.borough.is_none_or(|b| b == f.borough)
            && self.event.is_none_or(|e| e == f.event)
            && self.volunteer.is_none_or(|v| v == f.volunteer)
            && self.week.is_none_or(|w| w == f.week)
            && self.venue_type.is_none_or(|v| v == f.venue_type)
    }
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
    /// Severe or emergency.
    pub severe: u64,
    /// Signposted.
    pub signposted: u64,
    /// In Core20 areas.
    pub core20: u64,
    /// Area known (the Core20 share's denominator).
    pub area_known: u64,
    /// English not first language.
    pub english_not_first: u64,
}

impl Row {
    fn add(&mut self, f: &Fact) {
        self.checks += 1;
        let has = |bit| u64::from(f.bits & bit != 0);
        self.newly_identified += has(FACT_NEWLY_IDENTIFIED);
        self.signposted += has(FACT_SIGNPOSTED);
        self.core20 += has(FACT_CORE20);
        self.area_known += has(FACT_AREA_KNOWN);
        self.english_not_first += has(FACT_ENGLISH_NOT_FIRST);
        self.severe += u64::from(f.band <= 1);
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

/// A count of one value (a band, a barrier).
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

/// The dashboard: reach, equity, bands, barriers and follow-up, with breakdowns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Everything the filter admits.
    pub totals: Row,
    /// Distinct events with checks.
    pub events: u64,
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
    /// By volunteer.
    pub by_volunteer: Vec<Row>,
    /// By ethnic group (ONS 2021 category).
    pub by_ethnicity: Vec<Row>,
    /// By the person's main language.
    pub by_language: Vec<Row>,
}

/// Computes the dashboard in one pass over the facts.
pub fn dashboard<'a>(
    facts: impl IntoIterator<Item = &'a Fact>,
    filter: &Filter,
    dims: &Dimensions,
    labels: &Labels,
    now_ms: i64,
) -> Dashboard {
    let mut totals = Row::default();
    let mut bands = [0u64; 8];
    let mut barriers = [0u64; 16];
    let mut flags = FlagStats::default();
    let mut by: [HashMap<u32, Row>; 7] = Default::default();
    for f in facts.into_iter().filter(|f| filter.admits(f)) {
        totals.add(f);
        bands[usize::from(f.band).min(7)] += 1;
        for (i, slot) in barriers.iter_mut().enumerate() {
            *slot += u64::from(f.barriers & (1 << i) != 0);
        }
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
            f.volunteer,
            u32::from(f.ethnicity),
            u32::from(f.language),
        ];
        for (map, key) in by.iter_mut().zip(keys) {
            map.entry(key).or_default().add(f);
        }
    }
    let [borough, event, venue, week, volunteer, ethnicity, language] = by;
    let events = event.len() as u64;
    Dashboard {
        totals: Row {
            key: "all".into(),
            label: "All checks".into(),
            ..totals
        },
        events,
        bands: Band::ALL
            .iter()
            .zip(bands)
            .map(|(b, count)| Count {
                key: b.code().into(),
                label: b.label().into(),
                count,
            })
            .collect(),
        barriers: {
            let mut list: Vec<Count> = Barrier::ALL
                .iter()
                .zip(barriers)
                .map(|(b, count)| Count {
                    key: b.code().into(),
                    label: b.label().into(),
                    count,
                })
                .collect();
            list.sort_by_key(|c| std::cmp::Reverse(c.count));
            list
        },
        flags,
        by_borough: rows(borough, |k| {
            let code = dims.boroughs.name(k).to_owned();
            let label = crate::record::borough_name(&code)
                .unwrap_or(&code)
                .to_owned();
            (code, label)
        }),
        by_event: rows(event, |k| {
            let id = dims.events.name(k).to_owned();
            let label = labels
                .events
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "Started on a phone".into());
            (id, label)
        }),
        by_venue_type: rows(venue, |k| {
            let v = VenueType::ALL
                .get(k as usize)
                .copied()
                .unwrap_or(VenueType::Other);
            (v.code().into(), v.label().into())
        }),
        by_week: {
            let mut list = rows(week, |k| {
                (dims.weeks.name(k).to_owned(), dims.weeks.name(k).to_owned())
            });
            list.sort_by(|a, b| a.key.cmp(&b.key));
            list
        },
        by_volunteer: rows(volunteer, |k| {
            let id = dims.volunteers.name(k).to_owned();
            let label = labels
                .volunteers
                .get(&id)
                .cloned()
                .unwrap_or_else(|| id.clone());
            (id, label)
        }),
        by_ethnicity: rows(ethnicity, |k| {
            let e = Ethnicity::ALL
                .get(k as usize)
                .copied()
                .unwrap_or(Ethnicity::NotStated);
            (e.code().into(), e.label().into())
        }),
        by_language: rows(language, |k| match Language::ALL.get(k as usize) {
            Some(l) => (l.code().into(), l.label().into()),
            None => ("not_recorded".into(), "Not recorded".into()),
        }),
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

fn rows(map: HashMap<u32, Row>, name: impl Fn(u32) -> (String, String)) -> Vec<Row> {
    let mut list: Vec<Row> = map
        .into_iter()
        .map(|(k, row)| {
            let (key, label) = name(k);
            Row { key, label, ..row }
        })
        .collect();
    list.sort_by(|a, b| b.checks.cmp(&a.checks).then_with(|| a.label.cmp(&b.label)));
    list
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
            borough: dims.boroughs.intern(borough),
            event: dims.events.intern(event),
            volunteer: dims.volunteers.intern("v1"),
            week: dims.weeks.intern("2026-W47"),
            venue_type: 0,
            band: index_of(Band::ALL, &band),
            ethnicity: 0,
            language: if bits & FACT_CORE20 != 0 {
                index_of(Language::ALL, &Language::Bengali)
            } else {
                LANGUAGE_NOT_RECORDED
            },
            bits,
            barriers: 0b101,
            deadline_at_ms: if bits & FACT_FLAGGED != 0 { 1_000 } else { 0 },
            closed_at_ms: if bits & FACT_CLOSED != 0 { 500 } else { 0 },
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
    }
}
