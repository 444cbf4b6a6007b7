//! My work: the signed-in user's deadlines and their team's, next due first, from the same
//! desk operation as `GET /api/v1/work`.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use probity_domain::clock::ClockName;
use probity_domain::force::Force;
use probity_store::{WorkQuery, WorkScope};
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, case_href, html, long_date, state_class};
use crate::error::{PageProblem, Problem};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct WorkForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    clock: String,
    #[serde(default)]
    force: String,
    #[serde(default)]
    overdue: bool,
    page: Option<i64>,
}

pub struct Row {
    reference: String,
    href: String,
    force: String,
    title: String,
    about: String,
    basis: String,
    due: String,
    state: String,
    state_class: &'static str,
    whose: &'static str,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    chrome: Chrome,
    today: String,
    total: String,
    overdue: String,
    scope: String,
    scopes: Vec<(&'static str, &'static str)>,
    clock: String,
    clocks: Vec<(&'static str, &'static str)>,
    force: String,
    forces: Vec<(&'static str, &'static str)>,
    overdue_only: bool,
    items: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
}

fn bad(detail: String) -> PageProblem {
    PageProblem(Problem::bad_request(detail))
}

/// `GET /work`
pub async fn work(user: PageUser, Query(form): Query<WorkForm>) -> Result<Response, PageProblem> {
    let scope = match form.scope.as_str() {
        "" | "all" => WorkScope::All,
        "mine" => WorkScope::Mine,
        "team" => WorkScope::Team,
        other => return Err(bad(format!("'{other}' is not a list to show"))),
    };
    let clock = match form.clock.as_str() {
        "" => None,
        c => Some(ClockName::parse(c).ok_or_else(|| bad(format!("'{c}' is not a deadline")))?),
    };
    let force = match form.force.as_str() {
        "" => None,
        f => Some(Force::parse(f).map_err(|e| bad(e.to_string()))?),
    };
    let page = form.page.unwrap_or(1);
    if !(1..=1_000_000).contains(&page) {
        return Err(bad("page starts at 1".into()));
    }
    let principal = user.user.desk.principal();
    let query = WorkQuery {
        scope,
        body: principal.body,
        clock,
        force,
        overdue_only: form.overdue,
        today: jiff::civil::date(2000, 1, 1),
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
        count_cap: probity_store::WORK_COUNT_CAP,
    };
    let (today, found) = user.user.desk.work(&query).await?;
    let items = found
        .items
        .into_iter()
        .map(|w| {
            let info = w.clock.info();
            let overdue = !w.paused && w.due.is_none_or(|d| d < today);
            let (state, class) = if w.paused {
                ("Paused".to_string(), state_class("paused"))
            } else if w.due.is_none() {
                (
                    "Cannot be counted: beyond the bank-holiday data".to_string(),
                    state_class("uncounted"),
                )
            } else if overdue {
                let days = w.due.map_or(0, |d| (today - d).get_days());
                (
                    format!(
                        "Overdue by {days} {}",
                        if days == 1 { "day" } else { "days" }
                    ),
                    state_class("overdue"),
                )
            } else {
                ("Due".to_string(), state_class("due"))
            };
            Row {
                href: case_href(w.reference.as_str()),
                reference: w.reference.to_string(),
                force: w.force.name().to_string(),
                title: info.title.to_string(),
                about: if w.about == "case" {
                    String::new()
                } else {
                    w.about
                },
                basis: info.basis.to_string(),
                due: w.due.map(long_date).unwrap_or_else(|| "Not known".into()),
                state,
                state_class: class,
                whose: if w.mine { "Mine" } else { "My team's" },
            }
        })
        .collect::<Vec<_>>();
    let link = |p: i64| {
        let q = serde_urlencoded::to_string([
            ("scope", form.scope.as_str()),
            ("clock", form.clock.as_str()),
            ("force", form.force.as_str()),
            ("overdue", if form.overdue { "true" } else { "" }),
            ("page", &p.to_string()),
        ])
        .unwrap_or_default();
        format!("/work?{q}")
    };
    let count = |n: i64, more: bool| {
        if more {
            format!("more than {n}")
        } else {
            n.to_string()
        }
    };
    let page_view = WorkPage {
        chrome: user.chrome(Section::Work),
        today: long_date(today),
        total: count(found.total, found.total_more),
        overdue: count(found.overdue, found.overdue_more),
        scope: if form.scope.is_empty() {
            "all".into()
        } else {
            form.scope.clone()
        },
        scopes: vec![
            ("all", "Mine and my team's"),
            ("mine", "Only my cases"),
            ("team", "Only my team's"),
        ],
        clock: form.clock.clone(),
        clocks: ClockName::ALL
            .iter()
            .map(|c| (c.code(), c.info().title))
            .collect(),
        force: form.force.clone(),
        forces: Force::all().map(|f| (f.code(), f.name())).collect(),
        overdue_only: form.overdue,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page * PER_PAGE < found.total || found.total_more).then(|| link(page + 1)),
        items,
    };
    Ok(html(StatusCode::OK, page_view.render()))
}
