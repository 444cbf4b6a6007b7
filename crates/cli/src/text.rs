//! The case file as text for a terminal: the CLI's rendering of the typed view.

use std::fmt::Write as _;

use jiff::civil::Date;
use probity_app::CaseFile;
use probity_domain::code_of;
use probity_store::{OverdueLine, WorkPage};

fn words<T: serde::Serialize>(v: &T) -> String {
    code_of(v).replace('_', " ")
}

pub fn case_file(f: &CaseFile) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Case {}  ({}, {})",
        f.reference,
        f.kind.replace('_', " "),
        f.force
    );
    let _ = writeln!(
        s,
        "Status: {}   version {}   {}",
        f.status.replace('_', " "),
        f.version,
        f.classification.replace('_', "-").to_uppercase()
    );
    let _ = writeln!(
        s,
        "Received {}; came to attention {}{}",
        f.received_on,
        f.came_to_attention_on,
        f.incident_on
            .as_ref()
            .map(|d| format!("; incident {d}"))
            .unwrap_or_default()
    );
    if let Some(d) = &f.handling_started_on {
        let _ = writeln!(
            s,
            "Handling started {d}{}",
            f.first_contact_on
                .as_ref()
                .map(|c| format!("; complainant first contacted {c}"))
                .unwrap_or_default()
        );
    }
    if !f.mandatory_referral_criteria.is_empty() {
        let _ = writeln!(
            s,
            "Mandatory referral: {}",
            f.mandatory_referral_criteria.join("; ")
        );
    }
    if let Some(m) = &f.mode_of_investigation {
        let _ = writeln!(s, "Investigation: {m}");
    }
    if let Some(o) = &f.handling_outcome {
        let _ = writeln!(s, "Outcome of the handling: {o}");
    }
    for m in &f.conduct_matters {
        let _ = writeln!(
            s,
            "Conduct matter {} (came to attention {}): {}",
            m.conduct_matter, m.came_to_attention_on, m.summary
        );
    }
    let _ = writeln!(s, "\n{}\n", f.summary);
    let _ = writeln!(s, "Parties");
    for p in &f.parties {
        let _ = writeln!(
            s,
            "  {:<4} {:<32} {}{}",
            p.party,
            p.name.as_deref().unwrap_or("[personal data erased]"),
            p.role,
            if p.vulnerabilities.is_empty() {
                String::new()
            } else {
                format!("; vulnerable: {}", p.vulnerabilities.join(", "))
            }
        );
    }
    let _ = writeln!(s, "\nSubjects");
    for sub in &f.subjects {
        let _ = writeln!(
            s,
            "  {:<4} {} {} ({}){}",
            sub.party,
            sub.rank.as_deref().unwrap_or(""),
            sub.name.as_deref().unwrap_or("[erased]"),
            sub.service_number.as_deref().unwrap_or("no number"),
            if sub.former { ", former officer" } else { "" }
        );
        for w in &sub.prior_sanctions {
            let _ = writeln!(
                s,
                "       on record: {} from {} to {}",
                w.sanction.label(),
                w.effective_on,
                w.expires_on
            );
        }
        for x in &sub.suspensions {
            let _ = writeln!(
                s,
                "       suspended from {} ({}){}",
                x.from,
                words(&x.ground),
                x.until.map(|u| format!(" until {u}")).unwrap_or_default()
            );
        }
    }
    let _ = writeln!(s, "\nAllegations");
    for a in &f.allegations {
        let _ = writeln!(
            s,
            "  {:<4} {} {} - against {}",
            a.allegation,
            a.category,
            a.category_name,
            if a.subjects.is_empty() {
                "unidentified".into()
            } else {
                a.subjects.join(", ")
            }
        );
        let _ = writeln!(s, "       {}", a.description);
        if let Some(m) = &a.conduct_matter {
            let _ = writeln!(s, "       part of {m}, added {}", a.added_on);
        }
    }
    let _ = writeln!(s, "\nFindings (subject x allegation)");
    let _ = writeln!(
        s,
        "  {:<8} {:<4} {:<20} {:<20} outcome",
        "subject", "", "opinion", "determination"
    );
    for g in &f.findings {
        let _ = writeln!(
            s,
            "  {:<8} {:<4} {:<20} {:<20} {}",
            g.subject,
            g.allegation,
            g.opinion.as_deref().unwrap_or("-"),
            g.determination.as_deref().unwrap_or("-"),
            g.outcome
        );
    }
    if !f.proceedings.is_empty() {
        let _ = writeln!(s, "\nProceedings");
        for p in &f.proceedings {
            let found: Vec<_> = p
                .findings
                .iter()
                .map(|(a, x)| format!("{a} {}", words(x)))
                .collect();
            let _ = writeln!(
                s,
                "  {:<4} {} for {} on {}, arranged for {}{}",
                p.id,
                words(&p.form),
                p.subject,
                p.allegations
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                p.arranged_for,
                match p.concluded_on {
                    Some(on) => format!(
                        "; concluded {on}: {}; {}",
                        found.join(", "),
                        p.final_sanction()
                            .map(|x| x.label())
                            .unwrap_or("no disciplinary action")
                    ),
                    None => "; not concluded".into(),
                }
            );
        }
    }
    if !f.learning_recommendations.is_empty() {
        let _ = writeln!(s, "\nLearning recommendations");
        for r in &f.learning_recommendations {
            let _ = writeln!(
                s,
                "  {:<4} to {}, made {}, response due {}: {}",
                r.id,
                r.recipient,
                r.made_on,
                r.response_due,
                match &r.response {
                    Some((accepted, _, on)) => format!("{} on {on}", words(accepted)),
                    None => "awaiting response".into(),
                }
            );
        }
    }
    let _ = writeln!(s, "\nPublication");
    match &f.publication {
        Some(p) => {
            let _ = writeln!(s, "  published {}: {}", p.published_on, p.title);
        }
        None if f.publication_held_by.is_empty() => {
            let _ = writeln!(
                s,
                "  not published; all associated proceedings are complete"
            );
        }
        None => {
            let _ = writeln!(s, "  held: {}", f.publication_held_by.join("; "));
        }
    }
    let _ = writeln!(s, "\nClocks on {}", f.clocks_on);
    let mut not_applicable = 0;
    for c in &f.clocks {
        if c.state == "not_applicable" {
            not_applicable += 1;
            continue;
        }
        let period = if c.period > 1 {
            format!(" #{}", c.period)
        } else {
            String::new()
        };
        let done = c
            .satisfied_by
            .map(|s| format!("; {} {}", s.event.replace('_', " "), s.on))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  {:<9} {:<44} {:<5} due {}{done}",
            c.state.replace('_', " "),
            format!("{}{period}", c.title),
            c.about,
            c.due.as_deref().unwrap_or("(cannot be counted)"),
        );
    }
    if not_applicable > 0 {
        let _ = writeln!(s, "  ({not_applicable} clocks do not apply)");
    }
    let _ = writeln!(
        s,
        "\nTimeline (the day it happened; when and by whom it was entered)"
    );
    for e in &f.events {
        let _ = writeln!(
            s,
            "  {:>4}  {}  {}  {:<26} {}",
            e.version, e.on, e.local_time, e.actor, e.description
        );
    }
    s
}

/// A work queue for a terminal: next due first, overdue marked.
pub fn work(today: Date, page: &WorkPage) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}{} duties on {today}, {}{} overdue",
        page.total,
        if page.total_more { " or more" } else { "" },
        page.overdue,
        if page.overdue_more { " or more" } else { "" }
    );
    for w in &page.items {
        let due = w
            .due
            .map_or("(cannot be counted)".to_string(), |d| d.to_string());
        let flag = match w.due {
            _ if w.paused => "paused".to_string(),
            None => "check".to_string(),
            Some(d) if d < today => format!("{} days over", (today - d).get_days()),
            Some(_) => String::new(),
        };
        let _ = writeln!(
            s,
            "  {due:<12} {flag:<15} {:<14} {:<44} {:<5} {}{}",
            w.reference.as_str(),
            w.clock.info().title,
            w.about,
            w.force.code(),
            if w.mine { "  (yours)" } else { "" }
        );
    }
    s
}

pub fn work_json(today: Date, page: &WorkPage) -> String {
    let items: Vec<_> = page
        .items
        .iter()
        .map(|w| {
            serde_json::json!({
                "reference": w.reference.as_str(),
                "force": w.force.code(),
                "clock": w.clock.code(),
                "title": w.clock.info().title,
                "about": w.about,
                "period": w.period,
                "due": w.due,
                "overdue": !w.paused && w.due.is_none_or(|d| d < today),
                "paused": w.paused,
                "owner": probity_domain::code_of(&w.owner),
                "mine": w.mine,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "today": today,
        "total": page.total,
        "total_more": page.total_more,
        "overdue": page.overdue,
        "overdue_more": page.overdue_more,
        "items": items,
    }))
    .expect("a work queue serialises")
}

/// The overdue report for a terminal: one line per force, team and clock.
pub fn overdue(today: Date, lines: &[OverdueLine]) -> String {
    let mut s = String::new();
    let total: i64 = lines.iter().map(|l| l.overdue + l.uncounted).sum();
    let _ = writeln!(s, "Overdue duties on {today}: {total}");
    let _ = writeln!(
        s,
        "  {:<20} {:<22} {:<44} {:>7} {:>12}",
        "force", "team", "duty", "overdue", "oldest due"
    );
    for l in lines {
        let _ = writeln!(
            s,
            "  {:<20} {:<22} {:<44} {:>7} {:>12}{}",
            l.force.code(),
            probity_domain::code_of(&l.owner).replace('_', " "),
            l.clock.info().title,
            l.overdue,
            l.oldest_due.map(|d| d.to_string()).unwrap_or_default(),
            if l.uncounted > 0 {
                format!("  ({} cannot be counted)", l.uncounted)
            } else {
                String::new()
            }
        );
    }
    s
}

pub fn overdue_json(today: Date, lines: &[OverdueLine]) -> String {
    let lines: Vec<_> = lines
        .iter()
        .map(|l| {
            serde_json::json!({
                "force": l.force.code(),
                "owner": probity_domain::code_of(&l.owner),
                "clock": l.clock.code(),
                "overdue": l.overdue,
                "oldest_due": l.oldest_due,
                "uncounted": l.uncounted,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "today": today, "lines": lines }))
        .expect("a report serialises")
}

/// What an import did: the counts, then each rejected row by line.
pub fn import_report(file: &std::path::Path, digest: &str, r: &probity_import::Report, json: bool) {
    if json {
        let rejected: Vec<serde_json::Value> = r
            .rejected
            .iter()
            .map(|x| serde_json::json!({"line": x.line, "reason": x.reason}))
            .collect();
        let out = serde_json::json!({
            "file": file.display().to_string(),
            "sha256": digest,
            "lines": r.lines,
            "rows": r.rows,
            "added": r.added,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "rejected": rejected,
        });
        println!("{out}");
        return;
    }
    let records = if r.lines == r.rows {
        String::new()
    } else {
        format!(" into {} cases", r.added + r.updated + r.unchanged)
    };
    println!(
        "{}: {} rows read{records} (sha256 {}): {} added, {} updated, {} already held, {} rejected",
        file.display(),
        r.lines,
        &digest[..16.min(digest.len())],
        r.added,
        r.updated,
        r.unchanged,
        r.rejected.len()
    );
    for x in &r.rejected {
        println!("  line {}: {}", x.line, x.reason);
    }
}

/// Statistics as tables a person reads.
pub fn statistics(s: &probity_domain::statistics::Statistics) -> String {
    use std::fmt::Write;
    let n = |c: &Option<u64>| c.map_or_else(|| "suppressed".to_string(), |n| n.to_string());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} complaints, {} allegations, {} subjects ({} subject-allegations)",
        s.complaints, s.allegations, s.subjects, s.subject_allegations
    );
    let _ = writeln!(
        out,
        "cells from 1 to {} are suppressed",
        s.suppressed_below - 1
    );
    let _ = writeln!(
        out,
        "\nreceived, by year and body\n  year  body                 complaints  allegations"
    );
    for y in &s.by_year {
        let _ = writeln!(
            out,
            "  {:<5} {:<20} {:>10} {:>12}",
            y.year, y.body, y.complaints, y.allegations
        );
    }
    for (title, cells) in [
        ("allegations by category", &s.by_category),
        ("allegations by handling", &s.handling),
        ("findings (each subject on each allegation)", &s.findings),
        (
            "subjects by number of allegations",
            &s.subject_figures.by_allegations,
        ),
    ] {
        let _ = writeln!(out, "\n{title}");
        for c in cells {
            let _ = writeln!(out, "  {:<28} {:>10}", c.code, n(&c.count));
        }
    }
    let _ = writeln!(out, "\nallegations by the source's own category");
    for c in &s.by_source_category {
        let _ = writeln!(
            out,
            "  {:<8} {:<45} {:>10}",
            c.source,
            match &c.subcategory {
                Some(sub) => format!("  {sub}"),
                None => c.category.clone(),
            },
            n(&c.count)
        );
    }
    if let Some(r) = s.substantiation_rate {
        let _ = writeln!(
            out,
            "\nsubstantiated: {:.1}% of findings on the merits",
            r * 100.0
        );
    }
    if let Some(t) = &s.time_to_finalise {
        let _ = writeln!(
            out,
            "time to finalise ({} cases{}): mean {:.0} days, median {:.0}, 90th percentile {:.0}",
            t.cases,
            if t.months_only {
                ", dates to the month"
            } else {
                ""
            },
            t.mean_days,
            t.median_days,
            t.p90_days
        );
        if let Some(w) = &t.working_days {
            let _ = writeln!(
                out,
                "  in working days (England and Wales, {} cases recorded here): mean {:.0}, median {:.0}, 90th percentile {:.0}",
                w.cases, w.mean, w.median, w.p90
            );
        }
    }
    let f = &s.subject_figures;
    let _ = writeln!(
        out,
        "subjects with 5 or more substantiated allegations: {}; with more than 40 allegations: {}",
        f.with_5_or_more_substantiated, f.with_more_than_40_allegations
    );
    for t in &f.top {
        let _ = writeln!(
            out,
            "  {:<12} {:>4} allegations, {:>3} substantiated",
            t.pseudonym, t.allegations, t.substantiated
        );
    }
    let _ = writeln!(
        out,
        "\ndisproportionality: relative rate index against the reference group, 95% CI (Katz)"
    );
    for d in &s.disproportionality {
        let _ = writeln!(
            out,
            "  {} {} at {} (reference: {})",
            d.party, d.characteristic, d.stage, d.reference_group
        );
        for g in &d.groups {
            let _ = match (g.rri, g.ci_low, g.ci_high, g.reached, g.base) {
                (Some(r), Some(lo), Some(hi), Some(a), Some(b)) => writeln!(
                    out,
                    "    {:<14} {a:>7} of {b:>7}  RRI {r:.2} ({lo:.2} to {hi:.2})",
                    g.group
                ),
                _ if g.suppressed => writeln!(out, "    {:<14} suppressed", g.group),
                _ => writeln!(out, "    {:<14} no rate", g.group),
            };
        }
    }
    out
}

/// Statistics as one CSV table: table, group, code, count, rate, rri, ci_low, ci_high.
pub fn statistics_csv(s: &probity_domain::statistics::Statistics) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let opt = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    let count = |c: Option<u64>| c.map(|n| n.to_string()).unwrap_or_default();
    let mut row = |cells: [String; 8]| w.write_record(&cells).expect("a CSV row in memory");
    let e = String::new;
    row([
        "table", "group", "code", "count", "rate", "rri", "ci_low", "ci_high",
    ]
    .map(String::from));
    for (code, v) in [
        ("complaints", s.complaints),
        ("allegations", s.allegations),
        ("subjects", s.subjects),
    ] {
        row([
            "totals".into(),
            e(),
            code.into(),
            v.to_string(),
            e(),
            e(),
            e(),
            e(),
        ]);
    }
    for y in &s.by_year {
        row([
            "complaints_by_year".into(),
            y.body.clone(),
            y.year.to_string(),
            y.complaints.to_string(),
            e(),
            e(),
            e(),
            e(),
        ]);
        row([
            "allegations_by_year".into(),
            y.body.clone(),
            y.year.to_string(),
            y.allegations.to_string(),
            e(),
            e(),
            e(),
            e(),
        ]);
    }
    for (table, cells) in [
        ("category", &s.by_category),
        ("handling", &s.handling),
        ("finding", &s.findings),
        ("subjects_by_allegations", &s.subject_figures.by_allegations),
    ] {
        for c in cells {
            row([
                table.into(),
                e(),
                c.code.clone(),
                count(c.count),
                e(),
                e(),
                e(),
                e(),
            ]);
        }
    }
    for c in &s.by_source_category {
        let code = match &c.subcategory {
            Some(sub) => format!("{}/{sub}", c.category),
            None => c.category.clone(),
        };
        row([
            "source_category".into(),
            c.source.clone(),
            code,
            count(c.count),
            e(),
            e(),
            e(),
            e(),
        ]);
    }
    for d in &s.disproportionality {
        for g in &d.groups {
            row([
                format!("rri_{}_{}_{}", d.party, d.characteristic, d.stage),
                d.reference_group.clone(),
                g.group.clone(),
                count(g.reached),
                opt(g.rate),
                opt(g.rri),
                opt(g.ci_low),
                opt(g.ci_high),
            ]);
        }
    }
    String::from_utf8(w.into_inner().expect("an in-memory CSV")).expect("UTF-8 CSV")
}
