//! The report as it may leave the system (CSV tables, the printable board report): the
//! dashboard's counts with small-number suppression applied across every figure and every
//! sum that ties figures together ([`crate::suppression::System`]). The coordinator's own
//! screen shows the exact [`Dashboard`]; everything handed on is built from [`publish`].

use serde::{Deserialize, Serialize};

use crate::reports::{Count, Dashboard, Reach, Row, VoiceRow, REACH_FIGURES};
use crate::suppression::{primary, Cell, System};

/// The columns a published breakdown row carries, in order.
pub const PUBLISHED_COLUMNS: [&str; 7] = [
    "checks",
    "newly_identified",
    "flagged",
    "english_not_first",
    "core20",
    "area_known",
    "area_unknown",
];

/// One published row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedRow {
    /// Stable key.
    pub key: String,
    /// What a person reads.
    pub label: String,
    /// One cell per [`PUBLISHED_COLUMNS`] entry.
    pub cells: Vec<Cell>,
}

impl PublishedRow {
    /// The cell of a column named in [`PUBLISHED_COLUMNS`].
    pub fn get(&self, column: &str) -> Cell {
        PUBLISHED_COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.cells.get(i).copied())
            .unwrap_or(Cell::Hidden)
    }
}

/// One published count (a band, a barrier, an enabler).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedCount {
    /// Code.
    pub key: String,
    /// Label.
    pub label: String,
    /// The figure.
    pub cell: Cell,
}

/// One published breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedTable {
    /// The dashboard's name for it, e.g. `by_imd_decile`.
    pub name: String,
    /// Its rows.
    pub rows: Vec<PublishedRow>,
}

/// Barriers (or enablers) heard within one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedVoice {
    /// The group's code.
    pub key: String,
    /// The group's name.
    pub label: String,
    /// Each barrier, or each enabler.
    pub counts: Vec<PublishedCount>,
}

/// Follow-up of flagged readings, published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedFlags {
    /// Flagged.
    pub flagged: Cell,
    /// Closed.
    pub closed: Cell,
    /// Closed by their deadline.
    pub closed_within_deadline: Cell,
    /// Open past their deadline.
    pub open_overdue: Cell,
}

/// People checked by participant card, published: each figure suppressed like a count of
/// checks, and tied to the others (people = with a card + without; seen again ≤ with a card)
/// so a hidden one cannot be worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedPeople {
    /// Distinct people checked.
    pub checked: Cell,
    /// Distinct cards.
    pub with_card: Cell,
    /// Checks without a card.
    pub checks_without_card: Cell,
    /// Cards seen more than once.
    pub seen_again: Cell,
}

/// The whole report, suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Published {
    /// The period covered, in words.
    pub period: String,
    /// Events with checks: not people, but a count of 1 to 4 reads "<5" like every figure
    /// on paper, so a reader never has to ask which small numbers are safe.
    pub events: Cell,
    /// All checks.
    pub totals: PublishedRow,
    /// Checks in each band.
    pub bands: Vec<PublishedCount>,
    /// Barriers heard, in the dashboard's order.
    pub barriers: Vec<PublishedCount>,
    /// Follow-up.
    pub flags: PublishedFlags,
    /// People checked, by participant card.
    pub people: PublishedPeople,
    /// Every breakdown, in [`Dashboard::tables`] order.
    pub tables: Vec<PublishedTable>,
    /// Barriers heard by borough.
    pub barriers_by_borough: Vec<PublishedVoice>,
    /// Barriers heard by ethnic group.
    pub barriers_by_ethnicity: Vec<PublishedVoice>,
    /// What helps, in the dashboard's order.
    pub enablers: Vec<PublishedCount>,
    /// Enablers heard by borough.
    pub enablers_by_borough: Vec<PublishedVoice>,
    /// Enablers heard by ethnic group.
    pub enablers_by_ethnicity: Vec<PublishedVoice>,
    /// People reached, events held and workshops, in [`REACH_FIGURES`] order.
    pub reach: Vec<PublishedCount>,
}

impl Published {
    /// A breakdown by its dashboard name.
    pub fn table(&self, name: &str) -> Option<&PublishedTable> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// Handles of one row's published cells, in [`PUBLISHED_COLUMNS`] order.
type RowHandles = [usize; 7];

fn row_handles(system: &mut System, row: &Row) -> RowHandles {
    let values = [
        row.checks,
        row.newly_identified,
        row.flagged,
        row.english_not_first,
        row.core20,
        row.area_known,
        row.area_unknown,
    ];
    let h = values.map(|v| system.cell(v));
    for (column, value) in [
        (1, row.newly_identified),
        (2, row.flagged),
        (3, row.english_not_first),
    ] {
        let rest = system.implicit(row.checks - value);
        system.sum(vec![h[column], rest], h[0]);
    }
    system.sum(vec![h[5], h[6]], h[0]);
    let outside = system.implicit(row.area_known - row.core20);
    system.sum(vec![h[4], outside], h[5]);
    h
}

fn counts(system: &mut System, list: &[Count]) -> Vec<usize> {
    list.iter().map(|c| system.cell(c.count)).collect()
}

/// Each barrier's (or enabler's) count in a group, tied to the group's checks.
fn voice_handles(
    system: &mut System,
    list: &[Count],
    checks: usize,
    checks_value: u64,
) -> Vec<usize> {
    list.iter()
        .map(|c| {
            let handle = system.cell(c.count);
            let rest = system.implicit(checks_value.saturating_sub(c.count));
            system.sum(vec![handle, rest], checks);
            handle
        })
        .collect()
}

/// The cell handles of one list heard (barriers or enablers): its totals, and each group's
/// counts per breakdown, tied so no suppressed count can be recovered from the others.
struct Voice {
    total: Vec<usize>,
    groups: [Vec<Vec<usize>>; 2],
}

/// A breakdown's rows and their cell handles.
type Breakdown<'a> = (&'a [Row], &'a [RowHandles]);

impl Voice {
    /// Ties each value's count in each group to that group's checks, and the groups' counts of
    /// a value to its total.
    fn tie(
        system: &mut System,
        (list, checks, checks_value): (&[Count], usize, u64),
        by: [(&[VoiceRow], Breakdown); 2],
    ) -> Voice {
        let total = voice_handles(system, list, checks, checks_value);
        let groups = by.map(|(groups, (rows, row_handles))| {
            let handles: Vec<Vec<usize>> = groups
                .iter()
                .map(|g| {
                    let row = rows.iter().position(|r| r.key == g.key).unwrap_or(0);
                    voice_handles(system, &g.counts, row_handles[row][0], g.checks)
                })
                .collect();
            for (k, value) in list.iter().enumerate() {
                let parts = groups
                    .iter()
                    .zip(&handles)
                    .filter_map(|(g, h)| {
                        g.counts
                            .iter()
                            .position(|c| c.key == value.key)
                            .map(|i| h[i])
                    })
                    .collect();
                system.sum(parts, total[k]);
            }
            handles
        });
        Voice { total, groups }
    }
}

/// Applies small-number suppression to a dashboard.
pub fn publish(d: &Dashboard) -> Published {
    let mut system = System::default();
    let totals = row_handles(&mut system, &d.totals);
    let tables: Vec<Vec<RowHandles>> = d
        .tables()
        .iter()
        .map(|(_, rows)| {
            let handles: Vec<RowHandles> =
                rows.iter().map(|r| row_handles(&mut system, r)).collect();
            for column in 0..PUBLISHED_COLUMNS.len() {
                system.sum(handles.iter().map(|h| h[column]).collect(), totals[column]);
            }
            handles
        })
        .collect();
    let bands = counts(&mut system, &d.bands);
    system.sum(bands.clone(), totals[0]);
    let table_rows = |name: &str| {
        let index = d.tables().iter().position(|(n, _)| *n == name).unwrap_or(0);
        (d.tables()[index].1, &tables[index])
    };
    let (borough_rows, borough_handles) = table_rows("by_borough");
    let (ethnic_rows, ethnic_handles) = table_rows("by_ethnicity");
    let by_borough = (borough_rows, borough_handles.as_slice());
    let by_ethnicity = (ethnic_rows, ethnic_handles.as_slice());
    let barriers = Voice::tie(
        &mut system,
        (&d.barriers, totals[0], d.totals.checks),
        [
            (&d.barriers_by_borough, by_borough),
            (&d.barriers_by_ethnicity, by_ethnicity),
        ],
    );
    let enablers = Voice::tie(
        &mut system,
        (&d.enablers, totals[0], d.totals.checks),
        [
            (&d.enablers_by_borough, by_borough),
            (&d.enablers_by_ethnicity, by_ethnicity),
        ],
    );
    let f = &d.flags;
    let closed = system.cell(f.closed);
    let open = system.implicit(f.flagged - f.closed);
    system.sum(vec![closed, open], totals[2]);
    let within = system.cell(f.closed_within_deadline);
    let late = system.implicit(f.closed - f.closed_within_deadline);
    system.sum(vec![within, late], closed);
    let overdue = system.cell(f.open_overdue);
    let waiting = system.implicit(f.flagged - f.closed - f.open_overdue);
    system.sum(vec![overdue, waiting], open);

    let reach = reach_handles(&mut system, &d.reach, totals[0]);
    let p = &d.people;
    // The same cell as reach's people checked: one figure, published once.
    let people = reach[1];
    let with_card = system.cell(p.with_card);
    let without_card = system.cell(p.checks_without_card);
    system.sum(vec![with_card, without_card], people);
    let seen_again = system.cell(p.seen_again);
    let seen_once = system.implicit(p.with_card - p.seen_again);
    system.sum(vec![seen_again, seen_once], with_card);

    let cells = system.solve();
    let row = |r: &Row, h: &RowHandles| PublishedRow {
        key: r.key.clone(),
        label: r.label.clone(),
        cells: h.iter().map(|i| cells[*i]).collect(),
    };
    let count_list = |list: &[Count], handles: &[usize]| -> Vec<PublishedCount> {
        list.iter()
            .zip(handles)
            .map(|(c, h)| PublishedCount {
                key: c.key.clone(),
                label: c.label.clone(),
                cell: cells[*h],
            })
            .collect()
    };
    let groups = |list: &[VoiceRow], handles: &[Vec<usize>]| {
        list.iter()
            .zip(handles)
            .map(|(g, h)| PublishedVoice {
                key: g.key.clone(),
                label: g.label.clone(),
                counts: count_list(&g.counts, h),
            })
            .collect()
    };
    Published {
        period: d.period.clone(),
        events: primary(d.events),
        totals: row(&d.totals, &totals),
        bands: count_list(&d.bands, &bands),
        barriers: count_list(&d.barriers, &barriers.total),
        flags: PublishedFlags {
            flagged: cells[totals[2]],
            closed: cells[closed],
            closed_within_deadline: cells[within],
            open_overdue: cells[overdue],
        },
        people: PublishedPeople {
            checked: cells[people],
            with_card: cells[with_card],
            checks_without_card: cells[without_card],
            seen_again: cells[seen_again],
        },
        tables: d
            .tables()
            .iter()
            .zip(&tables)
            .map(|((name, rows), handles)| PublishedTable {
                name: (*name).into(),
                rows: rows.iter().zip(handles).map(|(r, h)| row(r, h)).collect(),
            })
            .collect(),
        barriers_by_borough: groups(&d.barriers_by_borough, &barriers.groups[0]),
        barriers_by_ethnicity: groups(&d.barriers_by_ethnicity, &barriers.groups[1]),
        enablers: count_list(&d.enablers, &enablers.total),
        enablers_by_borough: groups(&d.enablers_by_borough, &enablers.groups[0]),
        enablers_by_ethnicity: groups(&d.enablers_by_ethnicity, &enablers.groups[1]),
        reach: REACH_FIGURES
            .iter()
            .zip(reach)
            .map(|((key, label), h)| PublishedCount {
                key: (*key).into(),
                label: (*label).into(),
                cell: cells[h],
            })
            .collect(),
    }
}

/// The reach figures' cells, tied by their sums (people reached = people checked +
/// conversations; events held = with checks + without), so no small figure can be worked
/// out from the others; checks are the totals' cell.
fn reach_handles(system: &mut System, reach: &Reach, checks: usize) -> [usize; 10] {
    let mut h = reach.figures().map(|v| system.cell(v));
    h[3] = checks;
    system.sum(vec![h[1], h[2]], h[0]);
    system.sum(vec![h[5], h[6]], h[4]);
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::{
        dashboard, Dimensions, Fact, Filter, Labels, FACT_AREA_KNOWN, FACT_FLAGGED,
        FACT_NEWLY_IDENTIFIED, NO_CARD,
    };

    #[test]
    fn no_published_figure_is_between_one_and_four() {
        let mut dims = Dimensions::default();
        let facts: Vec<Fact> = (0..57u32)
            .map(|i| Fact {
                recorded_at_ms: i64::from(i),
                deadline_at_ms: 10,
                closed_at_ms: 0,
                borough: dims
                    .boroughs
                    .intern(["E09000003", "E09000019", "E09000007"][(i % 7).min(2) as usize]),
                event: dims.events.intern(&format!("e{}", i % 4)),
                volunteer: dims.volunteers.intern(&format!("v{}", i % 9)),
                week: dims.weeks.intern("2026-W47"),
                month: dims.months.intern("2026-11"),
                venue_type: (i % 3) as u8,
                band: (i % 8) as u8,
                ethnicity: (i % 5) as u8,
                age_band: (i % 6) as u8,
                sex: (i % 2) as u8,
                imd_decile: (i % 11) as u8,
                language: if i % 4 == 0 { u8::MAX } else { (i % 3) as u8 },
                bits: if i % 3 == 0 {
                    FACT_NEWLY_IDENTIFIED | FACT_FLAGGED
                } else {
                    0
                } | if i % 11 != 0 { FACT_AREA_KNOWN } else { 0 },
                barriers: (i % 5) as u16,
                enablers: (i % 3) as u16,
                card: if i % 3 == 0 {
                    NO_CARD
                } else {
                    dims.cards.intern(&format!("c{}", i % 23))
                },
            })
            .collect();
        let d = dashboard(&facts, &Filter::default(), &dims, &Labels::default(), 100);
        let p = publish(&d);
        let json = serde_json::to_string(&p).unwrap();
        for small in 1..5 {
            assert!(
                !json.contains(&format!("\"kind\":\"shown\",\"value\":{small}}}")),
                "{small} published: {json}"
            );
        }
        assert_eq!(p.totals.get("checks"), Cell::Shown(57));
        assert_eq!(d.people.checks_without_card, 19);
        assert_eq!(d.people.with_card, 23);
        assert_eq!(p.people.checked, Cell::Shown(42));
        assert_eq!(p.table("by_imd_decile").map(|t| t.rows.len()), Some(11));
    }
}
