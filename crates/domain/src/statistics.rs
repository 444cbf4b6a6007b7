//! Statistics over allegations, pure: the figures an analyst publishes, computed from one row
//! per subject per allegation ([`Fact`]) in codes and counts only. No fact holds a name or a
//! narrative, and no figure names a subject: the top list numbers them in its own order.
//!
//! Small cells: a count in a breakdown by category, handling, finding, number of allegations or
//! a recorded characteristic that is at least 1 and below [`SUPPRESS_BELOW`] is suppressed
//! (written as null, with `suppressed: true`), and so is every rate and index computed from one,
//! because a small cell can identify a person. Totals, and cases and allegations per year and
//! body (the caseload, as forces publish it), are not suppressed. Disproportionality counts
//! subjects on allegations (one per subject per allegation). Complementary suppression (a suppressed cell recovered from a total and the other
//! cells) is not applied: a published table should suppress a second cell where that matters.
//!
//! Disproportionality: at each stage, the rate at which a group's allegations reach it, from
//! the allegations that reached the stage before, divided by the reference group's rate (a
//! relative rate index, RRI). Stages: recorded (the base: every allegation), investigated,
//! substantiated (of those investigated), sanctioned (of those substantiated, where the source
//! records sanctions). The 95% confidence interval is Katz's log method:
//! exp(ln(RRI) ± 1.96 √(1/a − 1/n + 1/c − 1/m)) for a of n in the group and c of m in the
//! reference group. The reference group is White where it is recorded (as in the Ministry of
//! Justice's and the IOPC's tables), else the largest group; each table names it.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::imported::{Characteristics, Disposition};

/// Counts from 1 to this less one are suppressed in breakdowns.
pub const SUPPRESS_BELOW: u64 = 10;

/// How an allegation was handled.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Handling {
    Investigated,
    /// Under Schedule 3, otherwise than by investigation.
    Otherwise,
    OutsideSchedule3,
    /// Not yet handled, or the source does not say.
    NotKnown,
}

/// A case, in codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFact {
    pub case: String,
    pub source: String,
    pub body: String,
    /// A complaint (else a conduct or DSI matter, or a learning programme, recorded here).
    pub complaint: bool,
    pub received_on: Date,
    pub finalised_on: Option<Date>,
    /// The dates are known to the month only (their first days stand for them).
    pub months_only: bool,
}

/// One subject on one allegation, in codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub case: String,
    pub allegation: u64,
    pub source: String,
    pub body: String,
    pub received_on: Date,
    pub category: Option<String>,
    pub source_category: Option<String>,
    pub source_subcategory: Option<String>,
    pub handling: Handling,
    pub finding: Disposition,
    pub sanctioned: Option<bool>,
    /// The subject, by a key that is never shown (the source's identifier, or ours).
    pub subject: Option<String>,
    pub subject_traits: Characteristics,
    pub complainant_traits: Characteristics,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    /// Every case: complaints, and matters recorded here that are not complaints.
    pub cases: u64,
    pub complaints: u64,
    pub allegations: u64,
    pub subjects: u64,
    /// Facts: one per subject per allegation.
    pub subject_allegations: u64,
    pub suppressed_below: u64,
    pub by_year: Vec<YearCount>,
    pub by_category: Vec<Cell>,
    pub by_source_category: Vec<SourceCell>,
    pub handling: Vec<Cell>,
    pub findings: Vec<Cell>,
    /// Substantiated, of the allegations with a finding on their merits (substantiated, not
    /// substantiated, exonerated, unfounded).
    pub substantiation_rate: Option<f64>,
    pub time_to_finalise: Option<Durations>,
    pub subject_figures: SubjectFigures,
    pub disproportionality: Vec<Disproportionality>,
}

/// A count in a breakdown; None when suppressed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cell {
    pub code: String,
    pub count: Option<u64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearCount {
    pub year: i16,
    pub body: String,
    pub cases: u64,
    pub complaints: u64,
    pub allegations: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceCell {
    pub source: String,
    pub category: String,
    /// None for the category's total.
    pub subcategory: Option<String>,
    pub count: Option<u64>,
    pub suppressed: bool,
}

/// Days from receipt to finalisation, over the cases finalised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Durations {
    pub cases: u64,
    pub mean_days: f64,
    pub median_days: f64,
    pub p90_days: f64,
    /// Some dates were known only to the month: the days count from the months' first days.
    pub months_only: bool,
    /// Working days (England and Wales: weekends and bank holidays are not), over the cases
    /// recorded here whose days the calendar holds. Imported cases are not counted in them:
    /// another body's working days are not ours, and its dates may be months.
    pub working_days: Option<WorkingDays>,
}

/// Working days from receipt to finalisation: the working days after the day received, up to
/// and including the day finalised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkingDays {
    pub cases: u64,
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
}

/// The source of the cases recorded here.
pub const HERE: &str = "probity";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectFigures {
    /// Subjects by their number of allegations: bands of 1, 2-4, 5-9, 10-19, 20-40, over 40.
    pub by_allegations: Vec<Cell>,
    pub with_5_or_more_substantiated: u64,
    pub with_more_than_40_allegations: u64,
    /// The ten subjects with most allegations, numbered in this list's order only.
    pub top: Vec<TopSubject>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopSubject {
    pub pseudonym: String,
    pub allegations: u64,
    pub substantiated: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Disproportionality {
    /// `complainant` or `subject`.
    pub party: &'static str,
    /// `ethnicity`, `sex` or `age_band`.
    pub characteristic: &'static str,
    pub stage: &'static str,
    pub reference_group: String,
    pub groups: Vec<RateIndex>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateIndex {
    pub group: String,
    /// Allegations that reached the stage before, and this one.
    pub base: Option<u64>,
    pub reached: Option<u64>,
    pub rate: Option<f64>,
    pub rri: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub suppressed: bool,
}

impl Statistics {
    /// The disproportionality table of one party's characteristic at one stage, when any
    /// fact recorded it.
    pub fn disproportionality_of(
        &self,
        party: &str,
        characteristic: &str,
        stage: &str,
    ) -> Option<&Disproportionality> {
        self.disproportionality
            .iter()
            .find(|d| d.party == party && d.characteristic == characteristic && d.stage == stage)
    }
}

fn cell(code: impl Into<String>, n: u64) -> Cell {
    let suppressed = small(n);
    Cell {
        code: code.into(),
        count: (!suppressed).then_some(n),
        suppressed,
    }
}

fn small(n: u64) -> bool {
    n > 0 && n < SUPPRESS_BELOW
}

/// Every figure over `cases` and the `facts` of their allegations.
pub fn statistics(
    cases: &[CaseFact],
    facts: &[Fact],
    calendar: &crate::calendar::Calendar,
) -> Statistics {
    let mut allegations: HashSet<(&str, u64)> = HashSet::new();
    // Per year and body: cases, complaints, allegations.
    let mut years: BTreeMap<(i16, &str), (u64, u64, u64)> = BTreeMap::new();
    for c in cases {
        let y = years
            .entry((c.received_on.year(), c.body.as_str()))
            .or_default();
        y.0 += 1;
        y.1 += u64::from(c.complaint);
    }
    let mut categories: BTreeMap<&str, u64> = BTreeMap::new();
    let mut source_categories: BTreeMap<(&str, &str, Option<&str>), u64> = BTreeMap::new();
    let mut handling: BTreeMap<Handling, u64> = BTreeMap::new();
    let mut findings: BTreeMap<Disposition, u64> = BTreeMap::new();
    let mut subjects: HashMap<&str, (u64, u64)> = HashMap::new();
    for f in facts {
        let allegation = (f.case.as_str(), f.allegation);
        let first = allegations.insert(allegation);
        if first {
            years
                .entry((f.received_on.year(), f.body.as_str()))
                .or_default()
                .2 += 1;
            *categories
                .entry(f.category.as_deref().unwrap_or("not_classified"))
                .or_default() += 1;
            if let Some(c) = &f.source_category {
                *source_categories.entry((&f.source, c, None)).or_default() += 1;
                if let Some(sub) = f.source_subcategory.as_deref() {
                    *source_categories
                        .entry((&f.source, c, Some(sub)))
                        .or_default() += 1;
                }
            }
            *handling.entry(f.handling).or_default() += 1;
        }
        *findings.entry(f.finding).or_default() += 1;
        if let Some(s) = &f.subject {
            let e = subjects.entry(s).or_default();
            e.0 += 1;
            e.1 += u64::from(f.finding == Disposition::Substantiated);
        }
    }
    let merits: u64 = [
        Disposition::Substantiated,
        Disposition::NotSubstantiated,
        Disposition::Exonerated,
        Disposition::Unfounded,
    ]
    .iter()
    .map(|d| findings.get(d).copied().unwrap_or(0))
    .sum();
    let substantiated = findings
        .get(&Disposition::Substantiated)
        .copied()
        .unwrap_or(0);
    Statistics {
        cases: cases.len() as u64,
        complaints: cases.iter().filter(|c| c.complaint).count() as u64,
        allegations: allegations.len() as u64,
        subjects: subjects.len() as u64,
        subject_allegations: facts.len() as u64,
        suppressed_below: SUPPRESS_BELOW,
        by_year: years
            .into_iter()
            .map(
                |((year, body), (cases, complaints, allegations))| YearCount {
                    year,
                    body: body.to_string(),
                    cases,
                    complaints,
                    allegations,
                },
            )
            .collect(),
        by_category: categories.into_iter().map(|(c, n)| cell(c, n)).collect(),
        by_source_category: source_categories
            .into_iter()
            .map(|((source, category, sub), n)| SourceCell {
                source: source.to_string(),
                category: category.to_string(),
                subcategory: sub.map(str::to_string),
                count: (!small(n)).then_some(n),
                suppressed: small(n),
            })
            .collect(),
        handling: handling
            .into_iter()
            .map(|(h, n)| cell(crate::code_of(&h), n))
            .collect(),
        findings: findings
            .into_iter()
            .map(|(d, n)| cell(crate::code_of(&d), n))
            .collect(),
        substantiation_rate: (merits > 0).then(|| substantiated as f64 / merits as f64),
        time_to_finalise: durations(cases, calendar),
        subject_figures: subject_figures(&subjects),
        disproportionality: disproportionality(facts),
    }
}

/// Mean, median and 90th percentile of `values` (linear interpolation between the closest
/// ranks); None when there are none.
fn spread(mut values: Vec<f64>) -> Option<(u64, f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
    };
    Some((
        values.len() as u64,
        values.iter().sum::<f64>() / values.len() as f64,
        at(0.5),
        at(0.9),
    ))
}

fn durations(cases: &[CaseFact], calendar: &crate::calendar::Calendar) -> Option<Durations> {
    let days: Vec<f64> = cases
        .iter()
        .filter_map(|c| {
            let span = c.received_on.until(c.finalised_on?).ok()?;
            Some(f64::from(span.get_days()))
        })
        .collect();
    let working: Vec<f64> = cases
        .iter()
        .filter(|c| c.source == HERE && !c.months_only)
        .filter_map(|c| {
            let n = calendar
                .working_days_between(c.received_on, c.finalised_on?)
                .ok()?;
            Some(f64::from(n))
        })
        .collect();
    let (cases_finalised, mean_days, median_days, p90_days) = spread(days)?;
    Some(Durations {
        cases: cases_finalised,
        mean_days,
        median_days,
        p90_days,
        months_only: cases
            .iter()
            .any(|c| c.months_only && c.finalised_on.is_some()),
        working_days: spread(working).map(|(cases, mean, median, p90)| WorkingDays {
            cases,
            mean,
            median,
            p90,
        }),
    })
}

fn subject_figures(subjects: &HashMap<&str, (u64, u64)>) -> SubjectFigures {
    const BANDS: [(&str, u64, u64); 6] = [
        ("1", 1, 1),
        ("2-4", 2, 4),
        ("5-9", 5, 9),
        ("10-19", 10, 19),
        ("20-40", 20, 40),
        ("over_40", 41, u64::MAX),
    ];
    let by_allegations = BANDS
        .iter()
        .map(|(code, lo, hi)| {
            cell(
                *code,
                subjects
                    .values()
                    .filter(|(n, _)| (lo..=hi).contains(&n))
                    .count() as u64,
            )
        })
        .collect();
    let mut ranked: Vec<(u64, u64, &str)> =
        subjects.iter().map(|(k, (n, s))| (*n, *s, *k)).collect();
    // Most allegations first; ties in an order that depends on the keys only, never shown.
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    SubjectFigures {
        by_allegations,
        with_5_or_more_substantiated: subjects.values().filter(|(_, s)| *s >= 5).count() as u64,
        with_more_than_40_allegations: subjects.values().filter(|(n, _)| *n > 40).count() as u64,
        top: ranked
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, (n, s, _))| TopSubject {
                pseudonym: format!("Subject {}", i + 1),
                allegations: *n,
                substantiated: *s,
            })
            .collect(),
    }
}

type Trait = fn(&Characteristics) -> Option<String>;

fn disproportionality(facts: &[Fact]) -> Vec<Disproportionality> {
    let traits: [(&'static str, Trait); 3] = [
        ("ethnicity", |c| c.ethnicity.as_ref().map(crate::code_of)),
        ("sex", |c| c.sex.as_ref().map(crate::code_of)),
        ("age_band", |c| c.age_band.as_ref().map(crate::code_of)),
    ];
    type Stage = (&'static str, fn(&Fact) -> Option<bool>);
    // Each stage: whether a fact that reached the stage before reached it; None when the
    // source does not record it (the fact is left out of that stage's base).
    let stages: [Stage; 3] = [
        ("investigated", |f| {
            (f.handling != Handling::NotKnown).then_some(f.handling == Handling::Investigated)
        }),
        ("substantiated", |f| {
            (f.handling == Handling::Investigated
                && !matches!(
                    f.finding,
                    Disposition::Pending | Disposition::NoFinding | Disposition::NotRecorded
                ))
            .then_some(f.finding == Disposition::Substantiated)
        }),
        ("sanctioned", |f| {
            if f.finding == Disposition::Substantiated {
                f.sanctioned
            } else {
                None
            }
        }),
    ];
    let mut out = Vec::new();
    for (party, side) in [
        (
            "complainant",
            (|f: &Fact| &f.complainant_traits) as fn(&Fact) -> &Characteristics,
        ),
        ("subject", |f: &Fact| &f.subject_traits),
    ] {
        for (characteristic, of) in traits {
            for (stage, reached) in stages {
                let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
                for f in facts {
                    let (Some(group), Some(r)) = (of(side(f)), reached(f)) else {
                        continue;
                    };
                    let g = groups.entry(group).or_default();
                    g.0 += 1;
                    g.1 += u64::from(r);
                }
                let white = groups
                    .get_key_value("white")
                    .filter(|_| characteristic == "ethnicity");
                let Some((reference, &(m, c))) =
                    white.or_else(|| groups.iter().max_by_key(|(_, (n, _))| *n))
                else {
                    continue;
                };
                let reference = reference.clone();
                let groups = groups
                    .iter()
                    .map(|(group, &(n, a))| rate_index(group, n, a, m, c))
                    .collect();
                out.push(Disproportionality {
                    party,
                    characteristic,
                    stage,
                    reference_group: reference,
                    groups,
                });
            }
        }
    }
    out
}

/// The relative rate of `a` of `n` against `c` of `m`, with its 95% interval (Katz).
fn rate_index(group: &str, n: u64, a: u64, m: u64, c: u64) -> RateIndex {
    let suppressed = small(n) || small(a);
    if suppressed {
        return RateIndex {
            group: group.to_string(),
            base: None,
            reached: None,
            rate: None,
            rri: None,
            ci_low: None,
            ci_high: None,
            suppressed,
        };
    }
    let rate = a as f64 / n as f64;
    let reference = c as f64 / m as f64;
    let rri = (reference > 0.0).then(|| rate / reference);
    let interval = rri.filter(|r| *r > 0.0).map(|r| {
        let se = (1.0 / a as f64 - 1.0 / n as f64 + 1.0 / c as f64 - 1.0 / m as f64).sqrt();
        ((r.ln() - 1.96 * se).exp(), (r.ln() + 1.96 * se).exp())
    });
    RateIndex {
        group: group.to_string(),
        base: Some(n),
        reached: Some(a),
        rate: Some(rate),
        rri,
        ci_low: interval.map(|i| i.0),
        ci_high: interval.map(|i| i.1),
        suppressed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imported::Ethnicity;
    use jiff::civil::date;

    fn fact(case: &str, allegation: u64, subject: &str, finding: Disposition) -> Fact {
        Fact {
            case: case.into(),
            allegation,
            source: "ccrb".into(),
            body: "nypd".into(),
            received_on: date(2019, 7, 1),
            category: Some("B1".into()),
            source_category: Some("Abuse of Authority".into()),
            source_subcategory: Some("Frisk".into()),
            handling: Handling::Investigated,
            finding,
            sanctioned: None,
            subject: Some(subject.into()),
            subject_traits: Characteristics::default(),
            complainant_traits: Characteristics::default(),
        }
    }

    /// The cases of `facts`, each finalised ten months after it was received.
    fn cases_of(facts: &[Fact]) -> Vec<CaseFact> {
        let mut out: Vec<CaseFact> = Vec::new();
        for f in facts {
            out.retain(|c| c.case != f.case);
            out.push(CaseFact {
                case: f.case.clone(),
                source: f.source.clone(),
                body: f.body.clone(),
                complaint: true,
                received_on: f.received_on,
                finalised_on: Some(date(2020, 5, 1)),
                months_only: true,
            });
        }
        out
    }

    #[test]
    fn counts_distinguish_complaints_allegations_and_subjects() {
        let facts = vec![
            fact("c1", 1, "s1", Disposition::Substantiated),
            fact("c1", 1, "s2", Disposition::Exonerated),
            fact("c1", 2, "s1", Disposition::NotSubstantiated),
            fact("c2", 1, "s1", Disposition::Substantiated),
        ];
        let mut cases = cases_of(&facts);
        cases[1].finalised_on = Some(date(2019, 8, 1));
        // A complaint that names no one: a case, without allegations.
        cases.push(CaseFact {
            case: "c3".into(),
            finalised_on: None,
            ..cases[0].clone()
        });
        let s = statistics(
            &cases,
            &facts,
            crate::calendar::Calendar::england_and_wales(),
        );
        assert_eq!((s.complaints, s.allegations, s.subjects), (3, 3, 2));
        assert_eq!((s.by_year[0].complaints, s.by_year[0].allegations), (3, 3));
        assert_eq!(s.subject_allegations, 4);
        assert_eq!(s.substantiation_rate, Some(0.5));
        let t = s.time_to_finalise.unwrap();
        assert_eq!(t.cases, 2);
        assert_eq!(t.median_days, (305.0 + 31.0) / 2.0);
        assert_eq!(s.subject_figures.top[0].allegations, 3);
        assert_eq!(s.subject_figures.top[0].pseudonym, "Subject 1");
        // Small cells are suppressed in breakdowns, never in totals.
        assert_eq!(s.findings[0].count, None);
        assert!(s.findings[0].suppressed);
    }

    #[test]
    fn working_days_count_the_cases_recorded_here_without_weekends_or_bank_holidays() {
        let here = |case: &str, received: Date, finalised: Date| CaseFact {
            case: case.into(),
            source: HERE.into(),
            body: "kent".into(),
            complaint: true,
            received_on: received,
            finalised_on: Some(finalised),
            months_only: false,
        };
        let cases = vec![
            // Friday 20 December 2019 to Friday 3 January 2020: Christmas Day, Boxing Day and
            // New Year's Day are not working days, nor the two weekends.
            here("a", date(2019, 12, 20), date(2020, 1, 3)),
            // Over the early May bank holiday moved to VE Day (Friday 8 May 2020).
            here("b", date(2020, 5, 7), date(2020, 5, 11)),
            // Imported: counted in days, never in our working days.
            CaseFact {
                source: "ccrb".into(),
                ..here("c", date(2019, 12, 20), date(2020, 1, 3))
            },
            // Beyond the calendar's years: in days only.
            here("d", date(2040, 1, 2), date(2040, 1, 9)),
        ];
        let t = statistics(&cases, &[], crate::calendar::Calendar::england_and_wales())
            .time_to_finalise
            .unwrap();
        assert_eq!(t.cases, 4);
        let w = t.working_days.unwrap();
        assert_eq!(w.cases, 2);
        assert_eq!((w.median, w.mean), ((7.0 + 1.0) / 2.0, 4.0));
        assert_eq!(t.median_days, (7.0 + 14.0) / 2.0, "4, 7, 14 and 14 days");
    }

    #[test]
    fn the_rate_index_and_its_interval_follow_katz() {
        // 30 of 100 against 20 of 200: RRI 3.
        let r = rate_index("black", 100, 30, 200, 20);
        assert!((r.rri.unwrap() - 3.0).abs() < 1e-12);
        let se = (1.0f64 / 30.0 - 1.0 / 100.0 + 1.0 / 20.0 - 1.0 / 200.0).sqrt();
        assert!((r.ci_low.unwrap() - (3f64.ln() - 1.96 * se).exp()).abs() < 1e-12);
        assert!(r.ci_low.unwrap() < 3.0 && r.ci_high.unwrap() > 3.0);
        assert!(rate_index("asian", 100, 5, 200, 20).suppressed);
    }

    #[test]
    fn disproportionality_is_against_the_largest_group_at_each_stage() {
        let mut facts = Vec::new();
        for i in 0..200 {
            let black = i % 2 == 0;
            // Black complainants' allegations substantiated at twice the rate.
            let substantiated = if black { i % 10 < 4 } else { i % 10 < 2 };
            let mut f = fact(
                &format!("c{i}"),
                1,
                "s",
                if substantiated {
                    Disposition::Substantiated
                } else {
                    Disposition::NotSubstantiated
                },
            );
            f.complainant_traits.ethnicity = Some(if black || i % 3 == 0 {
                Ethnicity::Black
            } else {
                Ethnicity::White
            });
            facts.push(f);
        }
        let s = statistics(
            &cases_of(&facts),
            &facts,
            crate::calendar::Calendar::england_and_wales(),
        );
        let d = s
            .disproportionality_of("complainant", "ethnicity", "substantiated")
            .unwrap();
        assert_eq!(
            d.reference_group, "white",
            "white even when not the largest"
        );
        let black = d.groups.iter().find(|g| g.group == "black").unwrap();
        assert!(black.rri.unwrap() > 1.0, "{black:?}");
        let sex = s
            .disproportionality
            .iter()
            .find(|d| d.characteristic == "sex");
        assert!(sex.is_none(), "no sex recorded, no table");
        // Nothing records sanctions: no table for that stage.
        assert!(!s.disproportionality.iter().any(|d| d.stage == "sanctioned"));
    }
}
