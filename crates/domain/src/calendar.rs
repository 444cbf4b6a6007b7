//! Working days in England and Wales: weekdays that are not bank holidays, from the GOV.UK
//! bank-holidays data (https://www.gov.uk/bank-holidays.json). The data for 2012 to 2028 is
//! bundled in the binary (`data/bank-holidays.json`, a copy of shared/data/uk); newer years are
//! imported in the same format. A date beyond the data is an error, never a guess: a clock that
//! cannot be counted says so.
//!
//! Convention, used by every clock counted in working days: "within n working days of a day"
//! ends on the n-th working day after that day. The day itself is not counted, whether or not it
//! is a working day; Saturdays, Sundays and bank holidays are skipped.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;

/// The bank holidays of England and Wales, and the years they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
    first: Date,
    last: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "{date} is outside the bank-holiday data, which covers {first} to {last}: import newer data with `probity holidays import FILE`"
    )]
    Outside { date: Date, first: Date, last: Date },
    #[error("the bank-holiday data is not in the GOV.UK format: {0}")]
    BadData(String),
    #[error("the end of a period ({end}) is before its start ({start})")]
    EndBeforeStart { start: Date, end: Date },
}

#[derive(Deserialize)]
struct GovUk {
    #[serde(rename = "england-and-wales")]
    england_and_wales: Division,
}

#[derive(Deserialize)]
struct Division {
    events: Vec<Holiday>,
}

#[derive(Deserialize)]
struct Holiday {
    date: Date,
}

static ENGLAND_AND_WALES: LazyLock<Calendar> = LazyLock::new(|| {
    Calendar::from_govuk_json(include_str!("../data/bank-holidays.json"))
        .expect("the bundled bank-holiday data reads")
});

impl Calendar {
    /// The bundled calendar (2012 to 2028).
    pub fn england_and_wales() -> &'static Calendar {
        &ENGLAND_AND_WALES
    }

    /// Reads GOV.UK's `bank-holidays.json`, England and Wales division. It covers the whole
    /// years from its first holiday's to its last's.
    pub fn from_govuk_json(text: &str) -> Result<Calendar, CalendarError> {
        let data: GovUk =
            serde_json::from_str(text).map_err(|e| CalendarError::BadData(e.to_string()))?;
        let holidays: BTreeSet<Date> = data
            .england_and_wales
            .events
            .into_iter()
            .map(|h| h.date)
            .collect();
        let (Some(first), Some(last)) = (holidays.first(), holidays.last()) else {
            return Err(CalendarError::BadData(
                "it lists no England and Wales bank holidays".into(),
            ));
        };
        let first = jiff::civil::date(first.year(), 1, 1);
        let last = jiff::civil::date(last.year(), 12, 31);
        Ok(Calendar {
            holidays,
            first,
            last,
        })
    }

    /// This calendar with `newer` data beside it: the holidays of both, covering both. The two
    /// must meet or overlap, so no year is left without data; where they overlap, `newer` wins.
    pub fn extended(&self, newer: &Calendar) -> Result<Calendar, CalendarError> {
        let day_after = self.last.checked_add(1.day()).unwrap_or(self.last);
        if newer.first > day_after || newer.last < self.first {
            return Err(CalendarError::BadData(format!(
                "the new data ({} to {}) leaves a gap beside the data held ({} to {})",
                newer.first, newer.last, self.first, self.last
            )));
        }
        let mut holidays: BTreeSet<Date> = self
            .holidays
            .iter()
            .filter(|d| **d < newer.first || **d > newer.last)
            .copied()
            .collect();
        holidays.extend(newer.holidays.iter().copied());
        Ok(Calendar {
            holidays,
            first: self.first.min(newer.first),
            last: self.last.max(newer.last),
        })
    }

    /// The first and last days the data covers.
    pub fn covers(&self) -> (Date, Date) {
        (self.first, self.last)
    }

    fn check(&self, date: Date) -> Result<(), CalendarError> {
        if date < self.first || date > self.last {
            return Err(CalendarError::Outside {
                date,
                first: self.first,
                last: self.last,
            });
        }
        Ok(())
    }

    pub fn is_bank_holiday(&self, date: Date) -> Result<bool, CalendarError> {
        self.check(date)?;
        Ok(self.holidays.contains(&date))
    }

    /// A weekday that is not a bank holiday.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        Ok(!weekend && !self.is_bank_holiday(date)?)
    }

    /// The `n`-th working day after `day` (`day` itself is not counted); `day` when `n` is 0.
    pub fn add_working_days(&self, day: Date, n: u32) -> Result<Date, CalendarError> {
        self.check(day)?;
        let mut date = day;
        let mut left = n;
        while left > 0 {
            date = self.next_day(date)?;
            if self.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// The working days after `from`, up to and including `to`; an error when `to` is before
    /// `from`, since such a period is a mistake, not zero days.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        self.check(from)?;
        self.check(to)?;
        if to < from {
            return Err(CalendarError::EndBeforeStart {
                start: from,
                end: to,
            });
        }
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = self.next_day(date)?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// `day` if it is a working day, else the next one: where a period's last day falls on a
    /// day that is not, for the rules that say so.
    pub fn on_or_after(&self, day: Date) -> Result<Date, CalendarError> {
        let mut date = day;
        while !self.is_working_day(date)? {
            date = self.next_day(date)?;
        }
        Ok(date)
    }

    fn next_day(&self, date: Date) -> Result<Date, CalendarError> {
        let next = date
            .checked_add(1.day())
            .map_err(|_| CalendarError::Outside {
                date,
                first: self.first,
                last: self.last,
            })?;
        self.check(next)?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn cal() -> &'static Calendar {
        Calendar::england_and_wales()
    }

    #[test]
    fn the_bundled_data_covers_2012_to_2028() {
        assert_eq!(cal().covers(), (date(2012, 1, 1), date(2028, 12, 31)));
        assert!(cal().is_bank_holiday(date(2028, 12, 26)).unwrap());
    }

    /// Worked examples across Christmas, Easter and the extra or moved bank holidays.
    #[test]
    fn working_days_skip_weekends_and_bank_holidays() {
        let cases = [
            // VE Day 2020: the early May bank holiday moved to Friday 8 May.
            (date(2020, 5, 7), 1, date(2020, 5, 11)),
            (date(2020, 5, 4), 1, date(2020, 5, 5)),
            // Christmas 2020: Friday 25th, Boxing Day substituted to Monday 28th.
            (date(2020, 12, 24), 1, date(2020, 12, 29)),
            (date(2020, 12, 23), 5, date(2021, 1, 4)),
            // Easter 2021: Good Friday 2 April, Easter Monday 5 April.
            (date(2021, 4, 1), 1, date(2021, 4, 6)),
            // The Platinum Jubilee, 2022: spring bank holiday moved to Thursday 2 June, and
            // Friday 3 June added.
            (date(2022, 6, 1), 1, date(2022, 6, 6)),
            (date(2022, 5, 27), 1, date(2022, 5, 30)),
            // The State Funeral, Monday 19 September 2022.
            (date(2022, 9, 16), 1, date(2022, 9, 20)),
            // The Coronation, Monday 8 May 2023 (after the early May bank holiday on the 1st).
            (date(2023, 4, 28), 5, date(2023, 5, 9)),
            (date(2023, 5, 5), 1, date(2023, 5, 9)),
            // A Saturday start: the first working day after it is Monday.
            (date(2024, 3, 2), 1, date(2024, 3, 4)),
            (date(2024, 3, 2), 0, date(2024, 3, 2)),
        ];
        for (from, n, expected) in cases {
            assert_eq!(
                cal().add_working_days(from, n).unwrap(),
                expected,
                "{n} working days after {from}"
            );
            assert_eq!(cal().working_days_between(from, expected).unwrap(), n);
        }
        assert_eq!(
            cal().on_or_after(date(2022, 9, 17)).unwrap(),
            date(2022, 9, 20)
        );
        assert_eq!(
            cal().on_or_after(date(2022, 9, 20)).unwrap(),
            date(2022, 9, 20)
        );
    }

    #[test]
    fn a_date_beyond_the_data_is_an_error_never_a_guess() {
        let err = cal().add_working_days(date(2028, 12, 29), 2).unwrap_err();
        assert!(matches!(err, CalendarError::Outside { date: d, .. } if d == date(2029, 1, 1)));
        assert!(err.to_string().contains("probity holidays import"), "{err}");
        assert!(cal().is_working_day(date(2011, 12, 30)).is_err());
        assert!(
            cal()
                .working_days_between(date(2028, 1, 1), date(2029, 1, 2))
                .is_err()
        );
    }

    #[test]
    fn newer_data_extends_the_calendar_and_a_gap_is_refused() {
        let newer = Calendar::from_govuk_json(
            r#"{"england-and-wales":{"division":"england-and-wales","events":[
                {"title":"New Year's Day","date":"2029-01-01","notes":"","bunting":true},
                {"title":"Christmas Day","date":"2029-12-25","notes":"","bunting":true}]}}"#,
        )
        .unwrap();
        let extended = cal().extended(&newer).unwrap();
        assert_eq!(extended.covers(), (date(2012, 1, 1), date(2029, 12, 31)));
        assert_eq!(
            extended.add_working_days(date(2028, 12, 29), 1).unwrap(),
            date(2029, 1, 2)
        );
        let later = Calendar::from_govuk_json(
            r#"{"england-and-wales":{"events":[{"date":"2031-01-01"}]}}"#,
        )
        .unwrap();
        assert!(matches!(
            cal().extended(&later),
            Err(CalendarError::BadData(_))
        ));
        assert!(matches!(
            Calendar::from_govuk_json(r#"{"scotland":{}}"#),
            Err(CalendarError::BadData(_))
        ));
        assert!(matches!(
            Calendar::from_govuk_json(r#"{"england-and-wales":{"events":[]}}"#),
            Err(CalendarError::BadData(_))
        ));
    }

    fn day_in_data() -> impl Strategy<Value = Date> {
        (0i64..6000).prop_map(|n| date(2012, 1, 1).checked_add(n.days()).unwrap())
    }

    proptest! {
        #[test]
        fn working_day_arithmetic_is_consistent(day in day_in_data(), n in 1u32..60, m in 1u32..60) {
            let cal = cal();
            let at = cal.add_working_days(day, n).unwrap();
            prop_assert!(cal.is_working_day(at).unwrap(), "lands on a working day");
            prop_assert_eq!(cal.working_days_between(day, at).unwrap(), n, "counting back gives n");
            prop_assert_eq!(cal.working_days_between(at, day), Err(CalendarError::EndBeforeStart { start: at, end: day }), "an end before a start is refused");
            let (lo, hi) = (n.min(m), n.max(m));
            prop_assert!(cal.add_working_days(day, lo).unwrap() <= cal.add_working_days(day, hi).unwrap(), "monotonic");
            if lo < hi {
                prop_assert!(cal.add_working_days(day, lo).unwrap() < cal.add_working_days(day, hi).unwrap());
            }
        }
    }
}
