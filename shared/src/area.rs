//! Postcode → LSOA → IMD decile, on the phone, so the postcode itself is never stored.
//!
//! The phone holds a compact table (`postcode,lsoa,imd_decile` lines) made from the real
//! files: the ONS postcode directory (NSPL/ONSPD CSV, columns `pcds` and `lsoa21cd` or
//! `lsoa11`) and MHCLG's English Indices of Deprivation (File 7 CSV, columns
//! `LSOA code (2011)` or `LSOA code (2021)` and the IMD decile).

use std::collections::HashMap;

use thiserror::Error;

/// Where a postcode is, for equity reporting. (Serialisable so a check being filled in can be
/// kept on the phone with its area; the postcode is never part of it.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Area {
    /// LSOA code.
    pub lsoa: String,
    /// IMD decile, 1 = most deprived.
    pub imd_decile: u8,
}

/// Why a table could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AreaError {
    /// A file lacks a column it needs.
    #[error("the {file} file has no {column} column")]
    MissingColumn {
        /// Which file.
        file: &'static str,
        /// Which column.
        column: &'static str,
    },
    /// A line could not be read.
    #[error("line {line} of the {file} file could not be read")]
    BadLine {
        /// Which file.
        file: &'static str,
        /// 1-based line number.
        line: usize,
    },
}

/// A postcode lookup table.
#[derive(Debug, Clone, Default)]
pub struct AreaTable {
    by_postcode: HashMap<String, Area>,
}

impl AreaTable {
    /// Reads the compact `postcode,lsoa,imd_decile` table the phone holds.
    pub fn from_compact(text: &str) -> Result<Self, AreaError> {
        let mut by_postcode = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || index == 0 && line.starts_with("postcode") {
                continue;
            }
            let bad = AreaError::BadLine {
                file: "area table",
                line: index + 1,
            };
            let mut fields = line.split(',');
            let (Some(postcode), Some(lsoa), Some(decile)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad);
            };
            let imd_decile: u8 = decile.trim().parse().map_err(|_| bad.clone())?;
            if !(1..=10).contains(&imd_decile) {
                return Err(bad);
            }
            by_postcode.insert(
                normalise_postcode(postcode),
                Area {
                    lsoa: lsoa.trim().to_owned(),
                    imd_decile,
                },
            );
        }
        Ok(AreaTable { by_postcode })
    }

    /// Builds the table from the ONS postcode directory and the IMD file (both CSV).
    pub fn from_ons(postcodes_csv: &str, imd_csv: &str) -> Result<Self, AreaError> {
        let deciles = imd_deciles(imd_csv)?;
        let mut lines = postcodes_csv.lines();
        let header = split_csv(lines.next().unwrap_or_default());
        let find = |names: &[&'static str]| {
            names
                .iter()
                .find_map(|name| header.iter().position(|h| h.eq_ignore_ascii_case(name)))
        };
        let postcode_col = find(&["pcds", "pcd"]).ok_or(AreaError::MissingColumn {
            file: "postcode",
            column: "pcds",
        })?;
        let lsoa_col = find(&["lsoa21cd", "lsoa21", "lsoa11", "lsoa11cd"]).ok_or(
            AreaError::MissingColumn {
                file: "postcode",
                column: "lsoa21cd",
            },
        )?;
        let mut by_postcode = HashMap::new();
        for line in lines {
            let fields = split_csv(line);
            let (Some(postcode), Some(lsoa)) = (fields.get(postcode_col), fields.get(lsoa_col))
            else {
                continue;
            };
            if let Some(decile) = deciles.get(lsoa.as_str()) {
                by_postcode.insert(
                    normalise_postcode(postcode),
                    Area {
                        lsoa: lsoa.clone(),
                        imd_decile: *decile,
                    },
                );
            }
        }
        Ok(AreaTable { by_postcode })
    }

    /// The compact form, sorted, for the phone to download.
    pub fn to_compact(&self) -> String {
        let mut rows: Vec<_> = self.by_postcode.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = String::from("postcode,lsoa,imd_decile\n");
        for (postcode, area) in rows {
            out.push_str(&format!("{postcode},{},{}\n", area.lsoa, area.imd_decile));
        }
        out
    }

    /// The area of a postcode, however it was typed.
    pub fn lookup(&self, postcode: &str) -> Option<&Area> {
        self.by_postcode.get(&normalise_postcode(postcode))
    }

    /// How many postcodes the table knows.
    pub fn len(&self) -> usize {
        self.by_postcode.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_postcode.is_empty()
    }
}

/// Upper case, no spaces: "n1 9gu" and "N19GU" are the same postcode. (Postcodes are ASCII;
/// full Unicode case mapping would add its tables to the phone's download.)
pub fn normalise_postcode(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn imd_deciles(csv: &str) -> Result<HashMap<String, u8>, AreaError> {
    let mut lines = csv.lines();
    let header = split_csv(lines.next().unwrap_or_default());
    let lsoa_col = header
        .iter()
        .position(|h| h.starts_with("LSOA code"))
        .ok_or(AreaError::MissingColumn {
            file: "IMD",
            column: "LSOA code",
        })?;
    let decile_col = header
        .iter()
        .position(|h| h.starts_with("Index of Multiple Deprivation (IMD) Decile"))
        .ok_or(AreaError::MissingColumn {
            file: "IMD",
            column: "Index of Multiple Deprivation (IMD) Decile",
        })?;
    let mut out = HashMap::new();
    for (index, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv(line);
        let decile = fields
            .get(decile_col)
            .and_then(|d| d.trim().parse::<u8>().ok())
            .filter(|d| (1..=10).contains(d))
            .ok_or(AreaError::BadLine {
                file: "IMD",
                line: index + 2,
            })?;
        if let Some(lsoa) = fields.get(lsoa_col) {
            out.insert(lsoa.clone(), decile);
        }
    }
    Ok(out)
}

/// Splits one CSV line, honouring double-quoted fields (the ONS files quote every field).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field.trim_end_matches('\r').to_owned());
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const NSPL: &str = "\"pcd\",\"pcd2\",\"pcds\",\"dointr\",\"lsoa21cd\",\"laua\"\n\
        \"N1  9GU\",\"N1  9GU\",\"N1 9GU\",\"198001\",\"E01002704\",\"E09000019\"\n\
        \"EN5 1AA\",\"EN5  1AA\",\"EN5 1AA\",\"198001\",\"E01000248\",\"E09000003\"\n\
        \"ZZ1 1ZZ\",\"ZZ1  1ZZ\",\"ZZ1 1ZZ\",\"198001\",\"E01999999\",\"E09000003\"\n";
    const IMD: &str = "LSOA code (2021),LSOA name (2021),Local Authority District code,Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n\
        E01002704,Islington 012A,E09000019,1234,1\n\
        E01000248,Barnet 001A,E09000003,30000,9\n";

    #[test]
    fn builds_from_the_ons_and_imd_formats_and_round_trips_compact() {
        let table = AreaTable::from_ons(NSPL, IMD).unwrap();
        assert_eq!(
            table.len(),
            2,
            "postcodes whose LSOA has no IMD row are left out"
        );
        let area = table.lookup("n1 9gu").unwrap();
        assert_eq!((area.lsoa.as_str(), area.imd_decile), ("E01002704", 1));
        assert_eq!(table.lookup("EN51AA").unwrap().imd_decile, 9);
        assert!(table.lookup("SW1A 1AA").is_none());
        let compact = AreaTable::from_compact(&table.to_compact()).unwrap();
        assert_eq!(compact.lookup("N1 9GU"), table.lookup("N1 9GU"));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert_eq!(
            AreaTable::from_ons("postcode,lsoa\n", IMD).unwrap_err(),
            AreaError::MissingColumn {
                file: "postcode",
                column: "pcds"
            }
        );
        assert_eq!(
            AreaTable::from_compact("postcode,lsoa,imd_decile\nN19GU,E01002704,11\n").unwrap_err(),
            AreaError::BadLine {
                file: "area table",
                line: 2
            }
        );
    }
}
