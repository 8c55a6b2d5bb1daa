//! Small-number suppression never leaks a count under 5: for random sets of records broken
//! down several ways, every count of 1 to 4 could still be at least two values given all
//! that is published (checked here by trying each value, not with the module's own sums).

use proptest::prelude::*;
use stallside_shared::suppression::{suppress, Cell, THRESHOLD};

/// Each record's category in each table; tables are partitions of the same records.
fn tables_of(records: &[Vec<usize>], sizes: &[usize]) -> Vec<Vec<u64>> {
    sizes
        .iter()
        .enumerate()
        .map(|(t, size)| {
            let mut counts = vec![0u64; *size];
            for record in records {
                counts[record[t] % size] += 1;
            }
            counts
        })
        .collect()
}

fn bounds(cell: Cell) -> (u64, u64) {
    match cell {
        Cell::Shown(n) => (n, n),
        Cell::Small => (0, THRESHOLD - 1),
        Cell::Hidden => (0, 1_000_000),
    }
}

/// Whether the published cells allow cell `index` of table `table` to be `value`: some total
/// must fit the total's cell and every table's sum with that value in place.
fn possible(cells: &[Vec<Cell>], total: Cell, table: usize, index: usize, value: u64) -> bool {
    let (mut lo, mut hi) = bounds(total);
    for (t, row) in cells.iter().enumerate() {
        let (mut sum_lo, mut sum_hi) = (0, 0);
        for (i, cell) in row.iter().enumerate() {
            let (l, h) = if (t, i) == (table, index) {
                (value, value)
            } else {
                bounds(*cell)
            };
            sum_lo += l;
            sum_hi += h;
        }
        lo = lo.max(sum_lo);
        hi = hi.min(sum_hi);
    }
    let (own_lo, own_hi) = bounds(cells[table][index]);
    lo <= hi && own_lo <= value && value <= own_hi
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn no_count_under_five_can_be_recovered(
        sizes in prop::collection::vec(1usize..7, 1..4),
        records in prop::collection::vec(prop::collection::vec(0usize..64, 3), 0..40),
    ) {
        let tables = tables_of(&records, &sizes);
        let total = records.len() as u64;
        let published = suppress(&tables, total);
        prop_assert_eq!(published.tables.len(), tables.len());
        if let Cell::Shown(n) = published.total {
            prop_assert_eq!(n, total);
            prop_assert!(!(1..THRESHOLD).contains(&n), "total {} shown", n);
        }
        for (t, row) in tables.iter().enumerate() {
            for (i, count) in row.iter().enumerate() {
                let cell = published.tables[t][i];
                if let Cell::Shown(n) = cell {
                    prop_assert_eq!(n, *count);
                }
                prop_assert!(possible(&published.tables, published.total, t, i, *count),
                    "the true value must stay possible");
                if (1..THRESHOLD).contains(count) {
                    let candidates = (0..THRESHOLD)
                        .filter(|v| possible(&published.tables, published.total, t, i, *v))
                        .count();
                    prop_assert!(candidates >= 2,
                        "count {} in table {} cell {} is recoverable: {:?}", count, t, i, published);
                }
            }
        }
    }
}

/// A breakdown with a yes/no figure in each row (checks and newly identified, by borough),
/// as the reports publish it: row checks, row "yes", their totals; "no" follows from them.
fn publish_two_way(table: &[[u64; 2]]) -> (Vec<Cell>, Vec<Cell>, Cell, Cell) {
    use stallside_shared::suppression::System;
    let mut system = System::default();
    let total: u64 = table.iter().map(|r| r[0] + r[1]).sum();
    let total_yes: u64 = table.iter().map(|r| r[1]).sum();
    let t = system.cell(total);
    let ty = system.cell(total_yes);
    let tn = system.implicit(total - total_yes);
    system.sum(vec![ty, tn], t);
    let mut checks = Vec::new();
    let mut yes = Vec::new();
    for row in table {
        let c = system.cell(row[0] + row[1]);
        let y = system.cell(row[1]);
        let n = system.implicit(row[0]);
        system.sum(vec![y, n], c);
        checks.push(c);
        yes.push(y);
    }
    system.sum(checks.clone(), t);
    system.sum(yes.clone(), ty);
    let cells = system.solve();
    (
        checks.iter().map(|h| cells[*h]).collect(),
        yes.iter().map(|h| cells[*h]).collect(),
        cells[t],
        cells[ty],
    )
}

fn fits(cell: Cell, value: u64) -> bool {
    let (lo, hi) = bounds(cell);
    lo <= value && value <= hi
}

/// Every table of `rows` rows with at most `limit` records, in the order "no, yes" per row.
fn every_table(rows: usize, limit: u64, visit: &mut dyn FnMut(&[[u64; 2]])) {
    fn go(cells: &mut Vec<u64>, left: u64, want: usize, visit: &mut dyn FnMut(&[u64])) {
        if cells.len() == want {
            visit(cells);
            return;
        }
        for n in 0..=left {
            cells.push(n);
            go(cells, left - n, want, visit);
            cells.pop();
        }
    }
    go(&mut Vec::new(), limit, rows * 2, &mut |flat| {
        let table: Vec<[u64; 2]> = flat.chunks(2).map(|c| [c[0], c[1]]).collect();
        visit(&table);
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// An exact reader: tries every table that could lie behind the published cells and
    /// checks each small count (published or only derivable) could be two values.
    #[test]
    fn a_two_way_table_hides_small_counts_from_an_exact_reader(
        records in prop::collection::vec((0usize..3, any::<bool>()), 0..10),
    ) {
        let mut table = vec![[0u64; 2]; 3];
        for (row, yes) in &records {
            table[*row][usize::from(*yes)] += 1;
        }
        let (checks, yes, total, total_yes) = publish_two_way(&table);
        for (row, cells) in table.iter().enumerate() {
            prop_assert!(fits(checks[row], cells[0] + cells[1]) && fits(yes[row], cells[1]));
        }
        let figures = |t: &[[u64; 2]]| -> Vec<u64> {
            let mut f: Vec<u64> = t.iter().flat_map(|r| [r[0] + r[1], r[1], r[0]]).collect();
            let total: u64 = t.iter().map(|r| r[0] + r[1]).sum();
            let yes: u64 = t.iter().map(|r| r[1]).sum();
            f.extend([total, yes, total - yes]);
            f
        };
        let truth = figures(&table);
        let mut seen: Vec<std::collections::BTreeSet<u64>> = vec![Default::default(); truth.len()];
        every_table(3, 14, &mut |candidate| {
            let consistent = candidate.iter().enumerate().all(|(r, c)| {
                fits(checks[r], c[0] + c[1]) && fits(yes[r], c[1])
            }) && fits(total, candidate.iter().map(|r| r[0] + r[1]).sum())
                && fits(total_yes, candidate.iter().map(|r| r[1]).sum());
            if consistent {
                for (i, v) in figures(candidate).into_iter().enumerate() {
                    seen[i].insert(v);
                }
            }
        });
        for (i, value) in truth.iter().enumerate() {
            prop_assert!(seen[i].contains(value));
            if (1..THRESHOLD).contains(value) {
                prop_assert!(seen[i].len() >= 2,
                    "figure {} = {} recoverable from {:?} {:?} {:?} {:?} (table {:?})",
                    i, value, checks, yes, total, total_yes, table);
            }
        }
    }
}
