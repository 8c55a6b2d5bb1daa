//! Small-number suppression for figures that leave the system (exports and the printable
//! board report), so no one can learn about one or two identifiable people from a count.
//!
//! The rule (NHS statistical disclosure practice): a count of 1 to 4 is published as "<5"
//! (primary suppression). Because tables carry totals, a hidden count could be worked out by
//! subtraction, so more cells are hidden (secondary suppression) until every hidden small
//! count could still be at least two different numbers given everything published. A reader
//! is assumed to know the rule: a "<5" cell is 0 to 4 and a "*" cell is any number.
//!
//! Pure: the caller passes the exact counts; the coordinator's own screen shows those.

use serde::{Deserialize, Serialize};

/// Counts below this (and above 0) are never published.
pub const THRESHOLD: u64 = 5;

/// One published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Cell {
    /// Published as it is.
    Shown(u64),
    /// Published as "<5": the count is 0 to 4.
    Small,
    /// Published as "*": hidden so that a small count elsewhere cannot be worked out.
    Hidden,
}

impl Cell {
    /// The text a reader sees.
    pub fn text(self) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Small => "<5".into(),
            Cell::Hidden => "*".into(),
        }
    }

    /// The exact count, when it is published.
    pub fn value(self) -> Option<u64> {
        match self {
            Cell::Shown(n) => Some(n),
            Cell::Small | Cell::Hidden => None,
        }
    }

    /// What a reader can tell of the count from the cell alone: (lowest, highest).
    pub fn bounds(self) -> (u64, u64) {
        match self {
            Cell::Shown(n) => (n, n),
            Cell::Small => (0, THRESHOLD - 1),
            Cell::Hidden => (0, u64::MAX),
        }
    }
}

/// A published percentage: only when both counts are published, since a percentage and its
/// denominator give back the numerator.
pub fn share_text(part: Cell, whole: Cell) -> String {
    match (part.value(), whole.value()) {
        (Some(p), Some(w)) if w > 0 => format!("{}%", (p * 100 + w / 2) / w),
        _ => "–".into(),
    }
}

/// A reader's "no upper bound" (kept well below `u64::MAX` so sums cannot overflow).
const UNBOUNDED: u64 = u64::MAX / 1024;

/// Published figures and the sums that tie them together (a table's rows add up to its
/// total; a share and the rest of its row add up to the row), solved together: every
/// count of 1 to 4, published or only derivable, must keep at least two possible values.
///
/// A reader is modelled as narrowing every figure's range through every sum, over and over,
/// until nothing narrows (bounds propagation). Cells are hidden, smallest first, until no
/// small count is pinned down.
#[derive(Debug, Clone, Default)]
pub struct System {
    values: Vec<u64>,
    cells: Vec<Cell>,
    published: Vec<bool>,
    equations: Vec<(Vec<usize>, usize)>,
}

impl System {
    /// A published count; returns its handle.
    pub fn cell(&mut self, value: u64) -> usize {
        self.values.push(value);
        self.cells.push(primary(value));
        self.published.push(true);
        self.values.len() - 1
    }

    /// A count that is not published but follows from published ones (the people in a
    /// borough who were not newly identified): it must not be pinned down either.
    pub fn implicit(&mut self, value: u64) -> usize {
        self.values.push(value);
        self.cells.push(Cell::Hidden);
        self.published.push(false);
        self.values.len() - 1
    }

    /// `parts` add up to `total`.
    pub fn sum(&mut self, parts: Vec<usize>, total: usize) {
        self.equations.push((parts, total));
    }

    /// Hides cells until no small count can be worked out; returns every handle's cell
    /// (implicit ones read [`Cell::Hidden`]).
    pub fn solve(mut self) -> Vec<Cell> {
        while let Some(pinned) = self.first_pinned() {
            let Some(next) = self.cell_to_hide(pinned) else {
                break;
            };
            self.cells[next] = if self.values[next] < THRESHOLD {
                Cell::Small
            } else {
                Cell::Hidden
            };
        }
        self.cells
    }

    /// What a reader can deduce of every handle: (lowest, highest).
    pub fn ranges(&self) -> Vec<(u64, u64)> {
        let mut ranges: Vec<(u64, u64)> = self
            .cells
            .iter()
            .map(|c| {
                let (lo, hi) = c.bounds();
                (lo, hi.min(UNBOUNDED))
            })
            .collect();
        for _ in 0..10_000 {
            let mut changed = false;
            for (parts, total) in &self.equations {
                let (sum_lo, sum_hi) = parts.iter().fold((0u64, 0u64), |(l, h), p| {
                    (
                        l.saturating_add(ranges[*p].0),
                        h.saturating_add(ranges[*p].1),
                    )
                });
                let t = ranges[*total];
                let new_total = (t.0.max(sum_lo), t.1.min(sum_hi));
                changed |= new_total != t;
                ranges[*total] = new_total;
                for p in parts {
                    let (lo, hi) = ranges[*p];
                    let others = (sum_lo - lo, sum_hi - hi);
                    let new = (
                        lo.max(new_total.0.saturating_sub(others.1)),
                        hi.min(new_total.1.saturating_sub(others.0)),
                    );
                    changed |= new != (lo, hi);
                    ranges[*p] = new;
                }
            }
            if !changed {
                break;
            }
        }
        ranges
    }

    fn first_pinned(&self) -> Option<usize> {
        let ranges = self.ranges();
        (0..self.values.len()).find(|v| {
            let (lo, hi) = ranges[*v];
            (1..THRESHOLD).contains(&self.values[*v]) && lo >= hi
        })
    }

    /// The smallest shown cell in a sum with `pinned`, else in a sum with one of those sums'
    /// members, else anywhere.
    fn cell_to_hide(&self, pinned: usize) -> Option<usize> {
        let shown = |v: &usize| self.published[*v] && matches!(self.cells[*v], Cell::Shown(_));
        let near = |of: &[usize]| -> Vec<usize> {
            self.equations
                .iter()
                .filter(|(parts, total)| of.contains(total) || parts.iter().any(|p| of.contains(p)))
                .flat_map(|(parts, total)| parts.iter().copied().chain([*total]))
                .collect()
        };
        let first = near(&[pinned]);
        let second = near(&first);
        let everything: Vec<usize> = (0..self.values.len()).collect();
        [first, second, everything].into_iter().find_map(|pool| {
            pool.into_iter()
                .filter(|v| *v != pinned && shown(v))
                .min_by_key(|v| self.values[*v])
        })
    }
}

/// Several breakdowns of the same total (checks by borough, by week, by decile...), each a
/// list of parts that sum to it, suppressed together: the total is shown in every one or in
/// none, so no table can be subtracted from another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// Each table's cells, in the order given.
    pub tables: Vec<Vec<Cell>>,
    /// The total's cell.
    pub total: Cell,
}

/// Suppresses `tables` (each a partition of `total`) and the total.
pub fn suppress(tables: &[Vec<u64>], total: u64) -> Suppressed {
    let mut system = System::default();
    let total_handle = system.cell(total);
    let handles: Vec<Vec<usize>> = tables
        .iter()
        .map(|parts| {
            let handles: Vec<usize> = parts.iter().map(|n| system.cell(*n)).collect();
            system.sum(handles.clone(), total_handle);
            handles
        })
        .collect();
    let cells = system.solve();
    Suppressed {
        tables: handles
            .iter()
            .map(|row| row.iter().map(|h| cells[*h]).collect())
            .collect(),
        total: cells[total_handle],
    }
}

/// Primary suppression alone, for a figure no sum ties to others (events held).
pub fn primary(n: u64) -> Cell {
    if (1..THRESHOLD).contains(&n) {
        Cell::Small
    } else {
        Cell::Shown(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_read_less_than_five_and_a_lone_one_takes_a_partner() {
        let s = suppress(&[vec![3, 20, 30]], 53);
        assert_eq!(
            s.tables[0],
            vec![Cell::Small, Cell::Hidden, Cell::Shown(30)]
        );
        assert_eq!(s.total, Cell::Shown(53));
        assert_eq!(Cell::Small.text(), "<5");
    }

    #[test]
    fn a_zero_is_hidden_before_a_large_count() {
        let s = suppress(&[vec![2, 0, 40]], 42);
        assert_eq!(s.tables[0], vec![Cell::Small, Cell::Small, Cell::Shown(40)]);
    }

    #[test]
    fn two_full_small_cells_hide_the_total_in_every_table() {
        let s = suppress(&[vec![4, 4], vec![8]], 8);
        assert_eq!(s.total, Cell::Hidden);
        assert_eq!(s.tables[1], vec![Cell::Hidden]);
    }

    #[test]
    fn shares_need_both_counts() {
        assert_eq!(share_text(Cell::Shown(1), Cell::Shown(3)), "33%");
        assert_eq!(share_text(Cell::Small, Cell::Shown(30)), "–");
    }
}
