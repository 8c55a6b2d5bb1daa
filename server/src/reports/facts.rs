//! The in-memory facts behind the dashboard, refreshed from the `checks` projection: each
//! request first reads the rows changed since the last refresh (by sequence number), so the
//! report is always as fresh as the database.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use stallside_shared::calendar::date;
use stallside_shared::record::{AgeBand, Barrier, Enabler, Ethnicity, Language, Sex, VenueType};
use stallside_shared::reports::*;
use stallside_shared::triage::Band;

use crate::error::ApiError;

/// Every check's fact, and the names they refer to.
#[derive(Default)]
pub struct FactCache {
    /// Interned dimensions.
    pub dims: Dimensions,
    /// One per check.
    pub facts: Vec<Fact>,
    by_id: HashMap<String, usize>,
    /// The id of each fact, by position, so an erased record's fact can be removed.
    ids: Vec<String>,
    last_seq: u64,
}

impl FactCache {
    /// Reads the rows changed since the last refresh, and drops records erased since.
    pub fn refresh(&mut self, conn: &Connection) -> Result<usize, ApiError> {
        let since = self.last_seq;
        let changed = self.read_changed(conn)?;
        let mut statement = conn.prepare_cached("SELECT id, seq FROM erased WHERE seq > ?1")?;
        let mut rows = statement.query(params![since])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            self.last_seq = self.last_seq.max(row.get(1)?);
            if let Some(index) = self.by_id.remove(&id) {
                self.facts.swap_remove(index);
                self.ids.swap_remove(index);
                if let Some(moved) = self.ids.get(index) {
                    self.by_id.insert(moved.clone(), index);
                }
            }
        }
        Ok(changed)
    }

    fn read_changed(&mut self, conn: &Connection) -> Result<usize, ApiError> {
        let mut statement = conn.prepare_cached(
            "SELECT id, seq, borough, event_id, volunteer_id, week, venue_type, band, ethnicity,
                    core20, english_first_language, newly_identified, signposted, flagged,
                    follow_up_state, barriers, deadline_at_ms, closed_at_ms, imd_decile,
                    recorded_at_ms, age_band, sex, main_language, enablers, card_id
             FROM checks WHERE seq > ?1 ORDER BY seq",
        )?;
        let mut rows = statement.query(params![self.last_seq])?;
        let mut changed = 0;
        while let Some(row) = rows.next()? {
            changed += 1;
            let id: String = row.get(0)?;
            self.last_seq = row.get(1)?;
            let text = |i: usize| row.get::<_, String>(i);
            let flag = |i: usize, bit: u16| -> rusqlite::Result<u16> {
                Ok(if row.get::<_, bool>(i)? { bit } else { 0 })
            };
            let venue = VenueType::from_code(&text(6)?).unwrap_or(VenueType::Other);
            let band = Band::from_code(&text(7)?).unwrap_or(Band::Normal);
            let ethnicity = Ethnicity::from_code(&text(8)?).unwrap_or(Ethnicity::NotStated);
            let english_not_first = text(10)? == "no";
            let closed = text(14)? == "closed";
            let barriers = bits_of(Barrier::ALL, &text(15)?);
            let enablers = bits_of(Enabler::ALL, &text(23)?);
            let recorded_at_ms: i64 = row.get(19)?;
            let imd_decile: Option<u8> = row.get(18)?;
            let age = AgeBand::from_code(&text(20)?).unwrap_or(AgeBand::NotSaid);
            let sex = Sex::from_code(&text(21)?).unwrap_or(Sex::NotSaid);
            let fact = Fact {
                recorded_at_ms,
                month: self.dims.months.intern(&date(recorded_at_ms)[..7]),
                age_band: index_of(AgeBand::ALL, &age),
                sex: index_of(Sex::ALL, &sex),
                imd_decile: imd_decile.unwrap_or(0),
                borough: self.dims.boroughs.intern(&text(2)?),
                event: self.dims.events.intern(&text(3)?),
                volunteer: self.dims.volunteers.intern(&text(4)?),
                week: self.dims.weeks.intern(&text(5)?),
                venue_type: index_of(VenueType::ALL, &venue),
                band: index_of(Band::ALL, &band),
                ethnicity: index_of(Ethnicity::ALL, &ethnicity),
                language: row
                    .get::<_, Option<String>>(22)?
                    .and_then(|code| Language::from_code(&code))
                    .map_or(LANGUAGE_NOT_RECORDED, |l| index_of(Language::ALL, &l)),
                bits: flag(9, FACT_CORE20)?
                    | if english_not_first {
                        FACT_ENGLISH_NOT_FIRST
                    } else {
                        0
                    }
                    | flag(11, FACT_NEWLY_IDENTIFIED)?
                    | flag(12, FACT_SIGNPOSTED)?
                    | flag(13, FACT_FLAGGED)?
                    | if closed { FACT_CLOSED } else { 0 }
                    | if imd_decile.is_some() {
                        FACT_AREA_KNOWN
                    } else {
                        0
                    },
                barriers,
                enablers,
                card: row
                    .get::<_, Option<String>>(24)?
                    .map_or(NO_CARD, |card| self.dims.cards.intern(&card)),
                deadline_at_ms: row.get::<_, Option<i64>>(16)?.unwrap_or(0),
                closed_at_ms: row.get::<_, Option<i64>>(17)?.unwrap_or(0),
            };
            match self.by_id.get(&id) {
                Some(index) => self.facts[*index] = fact,
                None => {
                    self.by_id.insert(id.clone(), self.facts.len());
                    self.facts.push(fact);
                    self.ids.push(id);
                }
            }
        }
        Ok(changed)
    }
}

/// The bit set of a comma-joined list of codes of a closed list, by position in the list.
fn bits_of<T: stallside_shared::Vocab + PartialEq>(all: &[T], codes: &str) -> u16 {
    codes
        .split(',')
        .filter_map(T::parse_code)
        .fold(0u16, |bits, v| bits | 1 << index_of(all, &v))
}
