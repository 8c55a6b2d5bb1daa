//! Dates from timestamps, without a clock or a time-zone database: reports group checks by
//! day and ISO week. Grouping is in UTC (a stall in London is at most an hour off UTC, and
//! checks are not taken around midnight); times people read in exports are London's.

/// "YYYY-MM-DD" of a timestamp in milliseconds since the Unix epoch.
pub fn date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// "YYYY-MM-DDTHH:MM:SS+01:00": the time on a London clock, ISO 8601 with its offset, for
/// exports a coordinator reads beside their diary (a check at 10:30 BST is not "09:30Z").
pub fn london_date_time(ms: i64) -> String {
    let (local, offset) = london(ms);
    let seconds = local.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}{offset}",
        date(local),
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// "YYYY-MM-DD" on a London calendar: the day a file downloaded now is named by.
pub fn london_date(ms: i64) -> String {
    date(london(ms).0)
}

/// The London wall-clock time as milliseconds, and its UTC offset: British Summer Time
/// (+01:00) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
/// October, GMT otherwise (the rule since 1996, written out so the app carries no time-zone
/// database).
fn london(ms: i64) -> (i64, &'static str) {
    let (year, _, _) = civil_from_days(ms.div_euclid(86_400_000));
    let last_sunday = |month: u32| {
        let day = days_from_civil(year, month, 31);
        // 1970-01-01 was a Thursday: weekday 0 is Sunday here.
        let weekday = (day + 4).rem_euclid(7);
        (day - weekday) * 86_400_000 + 3_600_000
    };
    if (last_sunday(3)..last_sunday(10)).contains(&ms) {
        (ms + 3_600_000, "+01:00")
    } else {
        (ms, "+00:00")
    }
}

/// The first instant (UTC) of the month a timestamp falls in: a pseudonymised check keeps
/// its month, not its day.
pub fn month_start_ms(ms: i64) -> i64 {
    let (y, m, _) = civil_from_days(ms.div_euclid(86_400_000));
    days_from_civil(y, m, 1) * 86_400_000
}

/// Whether `text` is a real calendar day written "YYYY-MM-DD" (so "2026-02-29" and
/// "2026-99-99" are not): typed dates are checked before they are stored or reported on.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && date(days_from_civil(i64::from(year), month, day) * 86_400_000) == text
}

/// Milliseconds since the Unix epoch at the start (UTC) of the day written "YYYY-MM-DD", if
/// it is a real calendar day: backups are named by date and read back by it.
pub fn day_ms(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    is_date(text)
        .then(|| {
            Some(days_from_civil(
                i64::from(number(0..4)?),
                number(5..7)?,
                number(8..10)?,
            ))
        })
        .flatten()
        .map(|days| days * 86_400_000)
}

/// The ISO 8601 week, "YYYY-Www", of a timestamp in milliseconds since the Unix epoch.
pub fn iso_week(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    // 1970-01-01 was a Thursday; ISO weeks start on Monday (weekday 0 here).
    let weekday = (days + 3).rem_euclid(7);
    let thursday = days - weekday + 3;
    let (year, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(year, 1, 1);
    let week = (thursday - jan1) / 7 + 1;
    format!("{year:04}-W{week:02}")
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    /// The clocks go forward at 01:00 UTC on the last Sunday of March and back at 01:00 UTC
    /// on the last Sunday of October.
    #[test]
    fn london_time_follows_british_summer_time() {
        let at = |text: &str, h: i64, m: i64| day_ms(text).unwrap() + h * 3_600_000 + m * 60_000;
        for (utc, london) in [
            (at("2026-01-15", 9, 30), "2026-01-15T09:30:00+00:00"),
            (at("2026-07-01", 9, 30), "2026-07-01T10:30:00+01:00"),
            (at("2026-03-29", 0, 59), "2026-03-29T00:59:00+00:00"),
            (at("2026-03-29", 1, 0), "2026-03-29T02:00:00+01:00"),
            (at("2026-10-25", 0, 59), "2026-10-25T01:59:00+01:00"),
            (at("2026-10-25", 1, 0), "2026-10-25T01:00:00+00:00"),
            (at("2025-03-30", 1, 0), "2025-03-30T02:00:00+01:00"),
            (at("2026-06-30", 23, 30), "2026-07-01T00:30:00+01:00"),
        ] {
            assert_eq!(london_date_time(utc), london, "{utc}");
        }
        assert_eq!(london_date(at("2026-06-30", 23, 30)), "2026-07-01");
        assert_eq!(london_date(at("2026-12-31", 23, 30)), "2026-12-31");
    }

    #[test]
    fn only_real_days_are_dates() {
        for good in ["2026-11-21", "2024-02-29", "2000-02-29", "1999-12-31"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2026-99-99",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-00-10",
            "2026-01-00",
            "2026-1-01",
            "2026/01/01",
            "+026-01-01",
            "２０２６-01-01",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn dates_and_iso_weeks() {
        assert_eq!(date(0), "1970-01-01");
        // 2026-11-21 is a Saturday in ISO week 47.
        let nov21 = days_from_civil(2026, 11, 21) * DAY;
        assert_eq!(date(nov21 + 13 * 3_600_000), "2026-11-21");
        assert_eq!(iso_week(nov21), "2026-W47");
        // Year edges: 2021-01-03 is in 2020-W53; 2024-12-30 is in 2025-W01.
        assert_eq!(iso_week(days_from_civil(2021, 1, 3) * DAY), "2020-W53");
        assert_eq!(iso_week(days_from_civil(2021, 1, 4) * DAY), "2021-W01");
        assert_eq!(iso_week(days_from_civil(2024, 12, 30) * DAY), "2025-W01");
        assert_eq!(date(days_from_civil(2024, 2, 29) * DAY), "2024-02-29");
        assert_eq!(
            day_ms("2024-02-29"),
            Some(days_from_civil(2024, 2, 29) * DAY)
        );
        assert_eq!(day_ms("2026-02-29"), None);
    }
}
