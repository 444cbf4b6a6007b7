//! The statistics as SVG charts, drawn from the figures alone (`Statistics`: codes and counts),
//! so a chart can show nothing a table of the same figures does not. Each is an image with a
//! title and a description for those who cannot see it; pages show the table beside it.
//! Suppressed cells are left out of a chart and the description says how many were.
//! Deterministic: the same figures give the same bytes (the tests are snapshots).

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use probity_domain::statistics::{Cell, Statistics};

/// The charts there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Allegations per year received.
    Years,
    /// Allegations by finding.
    Findings,
    /// Subjects by their number of allegations.
    Subjects,
    /// Relative rate indices with their 95% intervals, by complainant ethnicity, at
    /// substantiation.
    Disproportionality,
}

impl Chart {
    pub const ALL: [Chart; 4] = [
        Chart::Years,
        Chart::Findings,
        Chart::Subjects,
        Chart::Disproportionality,
    ];

    /// Its name in addresses and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Years => "years",
            Chart::Findings => "findings",
            Chart::Subjects => "subjects",
            Chart::Disproportionality => "disproportionality",
        }
    }

    pub fn parse(name: &str) -> Option<Chart> {
        Chart::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            Chart::Years => "Allegations by year received",
            Chart::Findings => "Allegations by finding",
            Chart::Subjects => "Subjects by number of allegations",
            Chart::Disproportionality => {
                "Substantiation by complainant ethnicity: relative rate index"
            }
        }
    }
}

const WIDTH: u32 = 720;
const HEIGHT: u32 = 400;
/// GOV.UK blue and black: the colours of the pages the charts sit in.
const BAR: RGBColor = RGBColor(29, 112, 184);
const INK: RGBColor = RGBColor(11, 12, 12);
const FONT: &str = "sans-serif";

/// The chart, as an SVG document.
pub fn svg(stats: &Statistics, chart: Chart) -> String {
    let mut out = String::new();
    let description = {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|()| match chart {
                Chart::Years => years(&root, stats),
                Chart::Findings => findings(&root, stats),
                Chart::Subjects => subjects(&root, stats),
                Chart::Disproportionality => disproportionality(&root, stats),
            });
        let description = match drawn {
            Ok(d) => d,
            // Drawing into a string fails only on figures the axes cannot hold; say so.
            Err(e) => format!("The chart could not be drawn: {e}."),
        };
        let _ = root.present();
        description
    };
    accessible(&out, chart.name(), chart.title(), &description)
}

/// Gives the drawing its role, title and description, with ids of its own so that several
/// charts can sit in one page.
fn accessible(svg: &str, name: &str, title: &str, description: &str) -> String {
    let Some(open) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[open..].find('>').map(|e| open + e) else {
        return svg.to_string();
    };
    format!(
        "{} role=\"img\" aria-labelledby=\"chart-{name}-title chart-{name}-desc\"><title id=\"chart-{name}-title\">{}</title><desc id=\"chart-{name}-desc\">{}</desc>{}",
        &svg[..end],
        escape(title),
        escape(description),
        &svg[end + 1..]
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Words for a code (`not_substantiated` → "not substantiated").
fn words(code: &str) -> String {
    code.replace('_', " ")
}

/// A category axis: its labels, one a segment. plotters cannot place a range of one value,
/// so a single label has a blank one after it.
fn categories(mut labels: Vec<String>) -> Vec<String> {
    if labels.len() == 1 {
        labels.push(String::new());
    }
    labels
}

fn start(labels: &[String], i: usize) -> SegmentValue<&String> {
    SegmentValue::Exact(&labels[i])
}

fn end(labels: &[String], i: usize) -> SegmentValue<&String> {
    labels
        .get(i + 1)
        .map_or(SegmentValue::Last, SegmentValue::Exact)
}

fn label(v: &SegmentValue<&String>) -> String {
    match v {
        SegmentValue::CenterOf(l) | SegmentValue::Exact(l) => (*l).clone(),
        SegmentValue::Last => String::new(),
    }
}

fn top(max: u64) -> u64 {
    (max + max / 10).max(1)
}

fn years(root: &Area<'_>, stats: &Statistics) -> Result<String, String> {
    let mut per_year: std::collections::BTreeMap<i32, u64> = Default::default();
    for y in &stats.by_year {
        *per_year.entry(i32::from(y.year)).or_default() += y.allegations;
    }
    let (Some(first), Some(last)) = (
        per_year.keys().next().copied(),
        per_year.keys().last().copied(),
    ) else {
        return nothing(root, "No allegation was received in the period.");
    };
    let max = per_year.values().copied().max().unwrap_or(0);
    let counts: Vec<u64> = (first..=last)
        .map(|y| per_year.get(&y).copied().unwrap_or(0))
        .collect();
    let labels = categories((first..=last).map(|y| y.to_string()).collect());
    let mut chart = ChartBuilder::on(root)
        .caption(Chart::Years.title(), (FONT, 20).into_font().color(&INK))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(labels.as_slice().into_segmented(), 0u64..top(max))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .disable_x_mesh()
        .x_labels(12)
        .x_label_formatter(&|v| label(v))
        .x_desc("Year received")
        .y_desc("Allegations")
        .label_style((FONT, 13).into_font().color(&INK))
        .draw()
        .map_err(|e| e.to_string())?;
    // Rectangles in the years' order (plotters' Histogram keeps its bars in a HashMap, so its
    // output's order changes from run to run).
    chart
        .draw_series(counts.iter().enumerate().map(|(i, n)| {
            let mut bar = Rectangle::new(
                [(start(&labels, i), 0), (end(&labels, i), *n)],
                BAR.filled(),
            );
            bar.set_margin(0, 0, 2, 2);
            bar
        }))
        .map_err(|e| e.to_string())?;
    let busiest = per_year
        .iter()
        .max_by_key(|(y, n)| (**n, std::cmp::Reverse(**y)))
        .map(|(y, n)| format!("; the most, {n}, in {y}"))
        .unwrap_or_default();
    Ok(format!(
        "Bars of the allegations received each year from {first} to {last}{busiest}."
    ))
}

/// A horizontal bar for each cell shown; the description names the suppressed ones.
fn bars(root: &Area<'_>, title: &str, axis: &str, cells: &[Cell]) -> Result<String, String> {
    let shown: Vec<(&str, u64)> = cells
        .iter()
        .filter_map(|c| c.count.map(|n| (c.code.as_str(), n)))
        .collect();
    let suppressed = cells.iter().filter(|c| c.suppressed).count();
    if shown.iter().all(|(_, n)| *n == 0) {
        return nothing(root, "No figure to show: none, or every one suppressed.");
    }
    let max = shown.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let labels = categories(shown.iter().map(|(c, _)| words(c)).collect());
    let n = labels.len();
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 20).into_font().color(&INK))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(150)
        .build_cartesian_2d(0u64..top(max), labels.as_slice().into_segmented())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| label(v))
        .x_desc(axis)
        .label_style((FONT, 13).into_font().color(&INK))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(shown.iter().enumerate().map(|(i, (_, n))| {
            let mut bar = Rectangle::new(
                [(0, start(&labels, i)), (*n, end(&labels, i))],
                BAR.filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            bar
        }))
        .map_err(|e| e.to_string())?;
    let listed: Vec<String> = shown
        .iter()
        .map(|(c, n)| format!("{} {n}", words(c)))
        .collect();
    let hidden = match suppressed {
        0 => String::new(),
        1 => "; one figure is suppressed (fewer than 10)".to_string(),
        k => format!("; {k} figures are suppressed (fewer than 10)"),
    };
    Ok(format!("Bars: {}{hidden}.", listed.join(", ")))
}

fn findings(root: &Area<'_>, stats: &Statistics) -> Result<String, String> {
    bars(
        root,
        Chart::Findings.title(),
        "Subjects' allegations",
        &stats.findings,
    )
}

fn subjects(root: &Area<'_>, stats: &Statistics) -> Result<String, String> {
    let cells: Vec<Cell> = stats
        .subject_figures
        .by_allegations
        .iter()
        .map(|c| Cell {
            code: format!("{} allegations", c.code),
            ..c.clone()
        })
        .collect();
    bars(root, Chart::Subjects.title(), "Subjects", &cells)
}

fn disproportionality(root: &Area<'_>, stats: &Statistics) -> Result<String, String> {
    let Some(d) = stats.disproportionality_of("complainant", "ethnicity", "substantiated") else {
        return nothing(
            root,
            "No complainant's ethnicity is recorded in the period.",
        );
    };
    let shown: Vec<(&str, f64, f64, f64)> = d
        .groups
        .iter()
        .filter_map(|g| Some((g.group.as_str(), g.rri?, g.ci_low?, g.ci_high?)))
        .collect();
    let reference = d.reference_group.as_str();
    if shown.is_empty() {
        return nothing(root, "No group is large enough to show.");
    }
    let high = shown
        .iter()
        .map(|(_, r, _, h)| r.max(*h))
        .fold(1.0_f64, f64::max);
    let labels = categories(shown.iter().map(|(g, ..)| words(g)).collect());
    let n = labels.len();
    let mut chart = ChartBuilder::on(root)
        .caption(
            Chart::Disproportionality.title(),
            (FONT, 18).into_font().color(&INK),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(labels.as_slice().into_segmented(), 0.0..high * 1.1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|v| label(v))
        .x_desc(format!(
            "Complainant's ethnicity (reference: {})",
            words(reference)
        ))
        .y_desc("Relative rate index, 95% interval")
        .label_style((FONT, 13).into_font().color(&INK))
        .draw()
        .map_err(|e| e.to_string())?;
    // Equal rates: the reference line.
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(start(&labels, 0), 1.0), (SegmentValue::Last, 1.0)],
            INK.stroke_width(1),
        )))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(shown.iter().enumerate().map(|(i, (_, rri, low, high))| {
            ErrorBar::new_vertical(
                SegmentValue::CenterOf(&labels[i]),
                *low,
                *rri,
                *high,
                BAR.filled().stroke_width(2),
                16,
            )
        }))
        .map_err(|e| e.to_string())?;
    let listed: Vec<String> = shown
        .iter()
        .map(|(g, rri, low, high)| format!("{} {rri:.2} ({low:.2} to {high:.2})", words(g)))
        .collect();
    let hidden = match d.groups.len() - shown.len() {
        0 => String::new(),
        1 => " One group is too small to show.".to_string(),
        k => format!(" {k} groups are too small to show."),
    };
    Ok(format!(
        "Of the allegations investigated, the rate substantiated for each group of complainants against the rate for the {} group, with Katz's 95% interval: {}. A value above 1 is a higher rate.{hidden}",
        words(reference),
        listed.join("; ")
    ))
}

/// An empty chart that says why.
fn nothing(root: &Area<'_>, why: &str) -> Result<String, String> {
    root.draw(&Text::new(
        why.to_string(),
        (20, (HEIGHT / 2) as i32),
        (FONT, 16).into_font().color(&INK),
    ))
    .map_err(|e| e.to_string())?;
    Ok(why.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_domain::imported::{Characteristics, Disposition, Ethnicity};
    use probity_domain::statistics::{CaseFact, Fact, Handling, statistics};

    fn day(year: i16) -> jiff::civil::Date {
        jiff::civil::Date::new(year, 6, 1).unwrap()
    }

    /// 120 cases of 2019 and 2020, with complainants of two ethnicities, one finding
    /// suppressed.
    fn figures() -> Statistics {
        let mut cases = Vec::new();
        let mut facts = Vec::new();
        for i in 0..120u64 {
            let year = if i < 50 { 2019 } else { 2020 };
            let case = format!("c{i}");
            cases.push(CaseFact {
                case: case.clone(),
                source: "test".into(),
                body: "tsp".into(),
                complaint: true,
                received_on: day(year),
                finalised_on: None,
                months_only: false,
            });
            let ethnicity = if i % 3 == 0 {
                Ethnicity::Black
            } else {
                Ethnicity::White
            };
            let finding = match i % 7 {
                0 | 3 => Disposition::Substantiated,
                6 if i < 14 => Disposition::Exonerated,
                _ => Disposition::NotSubstantiated,
            };
            facts.push(Fact {
                case,
                allegation: 1,
                source: "test".into(),
                body: "tsp".into(),
                received_on: day(year),
                category: Some("B6".into()),
                source_category: None,
                source_subcategory: None,
                handling: Handling::Investigated,
                finding,
                sanctioned: None,
                subject: Some(format!("s{}", i % 20)),
                subject_traits: Characteristics::default(),
                complainant_traits: Characteristics {
                    ethnicity: Some(ethnicity),
                    ..Characteristics::default()
                },
            });
        }
        statistics(
            &cases,
            &facts,
            probity_domain::calendar::Calendar::england_and_wales(),
        )
    }

    #[test]
    fn each_chart_is_an_image_with_its_title_and_what_it_shows_in_words() {
        let s = figures();
        for chart in Chart::ALL {
            let svg = svg(&s, chart);
            assert!(
                svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
                "{}",
                chart.name()
            );
            let n = chart.name();
            assert!(svg.contains(&format!(
                " role=\"img\" aria-labelledby=\"chart-{n}-title chart-{n}-desc\">"
            )));
            assert!(svg.contains(&format!(
                "<title id=\"chart-{n}-title\">{}</title>",
                escape(chart.title())
            )));
            assert_eq!(
                svg,
                super::svg(&s, chart),
                "the same figures, the same bytes"
            );
            assert_eq!(Chart::parse(chart.name()), Some(chart));
        }
        let findings = svg(&s, Chart::Findings);
        assert!(findings.contains("one figure is suppressed"), "{findings}");
        assert!(findings.contains("\nnot substantiated\n"), "{findings}");
        let d = svg(&s, Chart::Disproportionality);
        assert!(d.contains("reference: white"), "{d}");
        assert!(d.contains("black "), "{d}");
    }

    #[test]
    fn the_charts_are_as_they_were() {
        let s = figures();
        for chart in Chart::ALL {
            insta::assert_snapshot!(chart.name(), svg(&s, chart));
        }
    }

    #[test]
    fn one_year_or_one_bar_is_drawn_too() {
        let mut s = figures();
        s.by_year.retain(|y| y.year == 2019);
        s.findings.truncate(1);
        for chart in [Chart::Years, Chart::Findings] {
            let svg = svg(&s, chart);
            assert!(svg.contains("fill=\"#1D70B8\""), "{svg}");
            assert!(!svg.contains("could not be drawn"), "{svg}");
        }
    }

    #[test]
    fn no_figures_give_a_chart_that_says_so() {
        let s = statistics(
            &[],
            &[],
            probity_domain::calendar::Calendar::england_and_wales(),
        );
        for chart in Chart::ALL {
            let svg = svg(&s, chart);
            assert!(
                svg.contains(&format!("<desc id=\"chart-{}-desc\">No ", chart.name())),
                "{svg}"
            );
        }
    }
}
