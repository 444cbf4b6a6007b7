//! Statistics for analysts: the same figures as `GET /api/v1/statistics` (codes and counts,
//! never a name or a narrative), with the charts drawn in the page and offered as SVG, and the
//! table beside each chart for those who do not read it.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use probity_app::FactFilter;
use probity_charts::Chart;
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, html};
use super::form::Errors;
use crate::api::statistics as api;
use crate::error::PageProblem;

#[derive(Deserialize, Default)]
pub struct StatisticsForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    source: String,
}

/// A chart in the page: its drawing, where to download it, and its table.
pub struct Drawn {
    name: &'static str,
    title: &'static str,
    svg: String,
    download: String,
    rows: Vec<(String, String)>,
}

/// A disproportionality table: one party's characteristic at one stage.
pub struct RateTable {
    id: String,
    caption: String,
    base: &'static str,
    reached: &'static str,
    rows: Vec<RateRow>,
}

/// A row of a disproportionality table, in words.
pub struct RateRow {
    group: String,
    base: String,
    reached: String,
    rate: String,
    rri: String,
    interval: String,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    chrome: Chrome,
    errors: Errors,
    texts: Vec<(&'static str, &'static str, &'static str, String)>,
    headline: Vec<(&'static str, String)>,
    charts: Vec<Drawn>,
    tables: Vec<RateTable>,
    suppressed_below: u64,
    shown: bool,
}

fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "fewer than 10".to_string(), |n| n.to_string())
}

fn words(code: &str) -> String {
    code.replace('_', " ")
}

/// A filter as the API checks it, its problem on its field; empty is not given.
fn checked<T>(
    errors: &mut Errors,
    name: &str,
    value: &str,
    parse: fn(&str, Option<String>) -> Result<Option<T>, crate::error::Problem>,
) -> Option<T> {
    let v = value.trim();
    parse(name, (!v.is_empty()).then(|| v.to_string()))
        .map_err(|p| errors.add(name, p.detail))
        .ok()
        .flatten()
}

/// `GET /statistics`
pub async fn statistics(
    user: PageUser,
    Query(form): Query<StatisticsForm>,
) -> Result<Response, PageProblem> {
    // The API's checks of each filter; a problem shown on its field.
    let mut errors = Errors::default();
    let from = checked(&mut errors, "from", &form.from, api::day);
    let to = checked(&mut errors, "to", &form.to, api::day);
    let body = checked(&mut errors, "body", &form.body, api::code);
    let source = checked(&mut errors, "source", &form.source, api::code);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.add("to", "The last day must be on or after the first");
    }
    let mut page = StatisticsPage {
        chrome: user.chrome(Section::Statistics),
        errors: Errors::default(),
        texts: vec![
            (
                "from",
                "From",
                "Received on or after, such as 2019-01-01",
                form.from.clone(),
            ),
            (
                "to",
                "To",
                "Received on or before, such as 2019-12-31",
                form.to.clone(),
            ),
            (
                "body",
                "Force or body",
                "Its code, such as kent or nypd",
                form.body.clone(),
            ),
            (
                "source",
                "Source",
                "probity for cases recorded here, or an importer's name, such as ccrb",
                form.source.clone(),
            ),
        ],
        headline: Vec::new(),
        charts: Vec::new(),
        tables: Vec::new(),
        suppressed_below: probity_domain::statistics::SUPPRESS_BELOW,
        shown: false,
    };
    if !errors.is_empty() {
        page.errors = errors;
        return Ok(html(StatusCode::BAD_REQUEST, page.render()));
    }
    // The desk refuses (and records the refusal of) a role that counts no statistics.
    let stats = user
        .user
        .desk
        .statistics(FactFilter {
            from,
            to,
            body,
            source,
        })
        .await?;
    // The filters given, as the API takes them (it refuses an empty day).
    let given: Vec<(&str, &str)> = [
        ("from", form.from.trim()),
        ("to", form.to.trim()),
        ("body", form.body.trim()),
        ("source", form.source.trim()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let query = serde_urlencoded::to_string(given).unwrap_or_default();
    page.shown = true;
    page.headline = vec![
        ("Cases", stats.cases.to_string()),
        ("Complaints", stats.complaints.to_string()),
        ("Allegations", stats.allegations.to_string()),
        ("Subjects", stats.subjects.to_string()),
        (
            "Substantiated, of allegations with a finding on the merits",
            stats
                .substantiation_rate
                .map_or_else(|| "none".to_string(), |r| format!("{:.1}%", r * 100.0)),
        ),
        (
            "Time to finalise (median, 90th percentile)",
            stats.time_to_finalise.as_ref().map_or_else(
                || "no case finalised".to_string(),
                |t| {
                    format!(
                        "{:.0} and {:.0} days, over {} cases{}",
                        t.median_days,
                        t.p90_days,
                        t.cases,
                        if t.months_only {
                            " (some dates known to the month only)"
                        } else {
                            ""
                        }
                    )
                },
            ),
        ),
        (
            "In working days (median, 90th percentile)",
            stats
                .time_to_finalise
                .as_ref()
                .and_then(|t| t.working_days.as_ref())
                .map_or_else(
                    || "no case recorded here finalised".to_string(),
                    |w| {
                        format!(
                            "{:.0} and {:.0} working days, over {} cases recorded here",
                            w.median, w.p90, w.cases
                        )
                    },
                ),
        ),
    ];
    let mut per_year: std::collections::BTreeMap<i16, u64> = Default::default();
    for y in &stats.by_year {
        *per_year.entry(y.year).or_default() += y.allegations;
    }
    for chart in Chart::ALL {
        let rows = match chart {
            Chart::Years => per_year
                .iter()
                .map(|(y, n)| (y.to_string(), n.to_string()))
                .collect(),
            Chart::Findings => stats
                .findings
                .iter()
                .map(|c| (words(&c.code), count(c.count)))
                .collect(),
            Chart::Subjects => stats
                .subject_figures
                .by_allegations
                .iter()
                .map(|c| (format!("{} allegations", c.code), count(c.count)))
                .collect(),
            // Its table is the rate table below.
            Chart::Disproportionality => Vec::new(),
        };
        page.charts.push(Drawn {
            name: chart.name(),
            title: chart.title(),
            svg: probity_charts::svg(&stats, chart),
            download: format!("/api/v1/statistics/charts/{}.svg?{query}", chart.name()),
            rows,
        });
    }
    let n = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.2}"));
    page.tables = stats
        .disproportionality
        .iter()
        .map(|d| {
            // What each stage counts from, and what reaching it is.
            let (base, reached) = match d.stage {
                "investigated" => ("Recorded", "Investigated"),
                "substantiated" => ("Investigated", "Substantiated"),
                _ => ("Substantiated", "Sanctioned"),
            };
            RateTable {
                id: format!("{}-{}-{}", d.party, d.characteristic, d.stage),
                caption: format!(
                    "{}s by {}: {}, against the {} group",
                    if d.party == "complainant" {
                        "Complainant"
                    } else {
                        "Subject"
                    },
                    words(d.characteristic),
                    reached.to_lowercase(),
                    words(&d.reference_group)
                ),
                base,
                reached,
                rows: d
                    .groups
                    .iter()
                    .map(|g| RateRow {
                        group: words(&g.group),
                        base: count(g.base),
                        reached: count(g.reached),
                        rate: g
                            .rate
                            .map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0)),
                        rri: n(g.rri),
                        interval: match (g.ci_low, g.ci_high) {
                            (Some(l), Some(h)) => format!("{l:.2} to {h:.2}"),
                            _ => "-".to_string(),
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(html(StatusCode::OK, page.render()))
}
