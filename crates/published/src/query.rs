//! What the public asks for: a search or a register page, checked before any store sees it.
//! Any text is a valid query: it is reduced to its words, so no character of it reaches a query
//! language.

use crate::{Kind, RecommendationStatus};

/// Words of a query at most: more narrow nothing a person would type.
pub const MAX_TERMS: usize = 12;
/// Characters of one word at most.
pub const MAX_TERM_CHARS: usize = 40;
/// Characters of a query at most (before it is reduced to words).
pub const MAX_QUERY_CHARS: usize = 500;
/// Results on a page.
pub const PAGE_SIZE: u32 = 20;
/// The last page one can ask for: deep pages are for the bulk downloads.
pub const MAX_PAGE: u32 = 500;

/// A search of the published items.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    /// The words searched for, lower case (all must match); empty for the newest first.
    pub terms: Vec<String>,
    pub force: Option<String>,
    pub theme: Option<String>,
    pub kind: Option<Kind>,
    pub year: Option<i32>,
    /// From 1.
    pub page: u32,
    /// Newest first even with words (feeds), rather than best first.
    pub newest: bool,
}

/// A page of the recommendations register.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisterQuery {
    pub terms: Vec<String>,
    pub force: Option<String>,
    pub status: Option<RecommendationStatus>,
    pub year: Option<i32>,
    pub page: u32,
}

/// Why a request is not a search. Each is a 400 answer naming the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("'{0}' is not a page number: pages are counted from 1 to {MAX_PAGE}")]
    Page(String),
    #[error("'{0}' is not a year")]
    Year(String),
    #[error(
        "'{0}' is not a kind of item: use investigation_summary, learning_recommendation or response"
    )]
    Kind(String),
    #[error("'{0}' is not a status: use awaiting_response, overdue, responded or closed")]
    Status(String),
    #[error(
        "'{0}' is not a force code (letters and '-', as in the force filter's list: gloucestershire, avon-somerset)"
    )]
    Force(String),
    #[error("the theme is longer than 100 characters")]
    Theme,
    #[error("'{0}' is not a parameter here: use {1}")]
    Unknown(String, &'static str),
}

/// The words of `q`: runs of letters and digits, lower case, at most [`MAX_TERMS`] of at
/// most [`MAX_TERM_CHARS`] characters. Everything else separates words.
pub fn terms(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in q.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let w: String = word
            .chars()
            .take(MAX_TERM_CHARS)
            .collect::<String>()
            .to_lowercase();
        if !out.contains(&w) {
            out.push(w);
        }
        if out.len() == MAX_TERMS {
            break;
        }
    }
    out
}

// A parameter given empty is not "not given": `year=` is no year (the API's document says so,
// and the pages never send one).
fn page(raw: Option<&str>) -> Result<u32, SearchError> {
    match raw.map(str::trim) {
        None => Ok(1),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=MAX_PAGE).contains(p))
            .ok_or_else(|| SearchError::Page(clip(s))),
    }
}

fn year(raw: Option<&str>) -> Result<Option<i32>, SearchError> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| SearchError::Year(clip(s))),
    }
}

fn force(raw: Option<&str>) -> Result<Option<String>, SearchError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.len() <= 40 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Ok(Some(s.to_ascii_lowercase()))
        }
        Some(s) => Err(SearchError::Force(clip(s))),
    }
}

fn query_terms(raw: Option<&str>) -> Result<Vec<String>, SearchError> {
    let q = raw.unwrap_or("");
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::TooLong);
    }
    Ok(terms(q))
}

/// The results before page `page` (from 1).
fn offset(page: u32) -> u32 {
    (page.max(1) - 1) * PAGE_SIZE
}

/// A value quoted back in an error, kept short.
fn clip(s: &str) -> String {
    let mut c: String = s.chars().take(40).collect();
    if c.len() < s.len() {
        c.push('…');
    }
    c
}

/// The parameters as given (name, value); an unknown name is an error, so a mistyped filter
/// never silently matches everything.
type Params<'a> = &'a [(String, String)];

fn get<'a>(params: Params<'a>, name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn known(
    params: Params<'_>,
    names: &'static [&'static str],
    hint: &'static str,
) -> Result<(), SearchError> {
    match params.iter().find(|(k, _)| !names.contains(&k.as_str())) {
        Some((k, _)) => Err(SearchError::Unknown(clip(k), hint)),
        None => Ok(()),
    }
}

impl Search {
    pub const PARAMETERS: &'static [&'static str] =
        &["q", "force", "theme", "kind", "year", "page"];

    pub fn parse(params: Params<'_>) -> Result<Search, SearchError> {
        known(
            params,
            Self::PARAMETERS,
            "q, force, theme, kind, year, page",
        )?;
        let theme = get(params, "theme")
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if theme.is_some_and(|t| t.chars().count() > 100) {
            return Err(SearchError::Theme);
        }
        let kind = match get(params, "kind").map(str::trim) {
            None => None,
            Some(k) => Some(Kind::parse(k).ok_or_else(|| SearchError::Kind(clip(k)))?),
        };
        Ok(Search {
            terms: query_terms(get(params, "q"))?,
            force: force(get(params, "force"))?,
            theme: theme.map(str::to_string),
            kind,
            year: year(get(params, "year"))?,
            page: page(get(params, "page"))?,
            newest: false,
        })
    }

    /// The query string that asks for this search again (`page` left out).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.terms.is_empty() {
            p.push(("q", self.terms.join(" ")));
        }
        if let Some(f) = &self.force {
            p.push(("force", f.clone()));
        }
        if let Some(t) = &self.theme {
            p.push(("theme", t.clone()));
        }
        if let Some(k) = self.kind {
            p.push(("kind", k.code().to_string()));
        }
        if let Some(y) = self.year {
            p.push(("year", y.to_string()));
        }
        p
    }

    pub fn offset(&self) -> u32 {
        offset(self.page)
    }
}

impl RegisterQuery {
    pub const PARAMETERS: &'static [&'static str] = &["q", "force", "status", "year", "page"];

    pub fn parse(params: Params<'_>) -> Result<RegisterQuery, SearchError> {
        known(params, Self::PARAMETERS, "q, force, status, year, page")?;
        let status = match get(params, "status").map(str::trim) {
            None => None,
            Some(s) => {
                Some(RecommendationStatus::parse(s).ok_or_else(|| SearchError::Status(clip(s)))?)
            }
        };
        Ok(RegisterQuery {
            terms: query_terms(get(params, "q"))?,
            force: force(get(params, "force"))?,
            status,
            year: year(get(params, "year"))?,
            page: page(get(params, "page"))?,
        })
    }

    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.terms.is_empty() {
            p.push(("q", self.terms.join(" ")));
        }
        if let Some(f) = &self.force {
            p.push(("force", f.clone()));
        }
        if let Some(s) = self.status {
            p.push(("status", s.code().to_string()));
        }
        if let Some(y) = self.year {
            p.push(("year", y.to_string()));
        }
        p
    }

    pub fn offset(&self) -> u32 {
        offset(self.page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn any_text_becomes_words_and_nothing_else() {
        assert_eq!(
            terms("Informant's \"payments\" OR 1=1; DROP--"),
            vec!["informant", "s", "payments", "or", "1", "drop"]
        );
        assert_eq!(terms("NEAR(a b) * ^ \u{0} ' \" )"), vec!["near", "a", "b"]);
        assert_eq!(terms("Café naïve café"), vec!["café", "naïve"]);
        assert!(terms("!!! ***").is_empty());
        let many = (0..50)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(terms(&many).len(), MAX_TERMS);
        assert_eq!(terms(&"x".repeat(1000))[0].len(), MAX_TERM_CHARS);
    }

    #[test]
    fn a_search_is_checked_parameter_by_parameter() {
        let s = Search::parse(&params(&[
            ("q", "spit guard"),
            ("force", "Avon-Somerset"),
            ("year", "2021"),
            ("page", "2"),
        ]))
        .unwrap();
        assert_eq!(s.terms, vec!["spit", "guard"]);
        assert_eq!(
            (s.force.as_deref(), s.year, s.page, s.offset()),
            (Some("avon-somerset"), Some(2021), 2, 20)
        );
        assert_eq!(
            Search::parse(&params(&[("page", "0")])),
            Err(SearchError::Page("0".into()))
        );
        assert_eq!(
            Search::parse(&params(&[("page", "99999999999")])),
            Err(SearchError::Page("99999999999".into()))
        );
        assert_eq!(
            Search::parse(&params(&[("year", "twenty")])),
            Err(SearchError::Year("twenty".into()))
        );
        assert!(matches!(
            Search::parse(&params(&[("kind", "secret")])),
            Err(SearchError::Kind(_))
        ));
        assert!(matches!(
            Search::parse(&params(&[("force", "GL' OR 1=1")])),
            Err(SearchError::Force(_))
        ));
        assert!(matches!(
            Search::parse(&params(&[("sort", "x")])),
            Err(SearchError::Unknown(..))
        ));
        assert_eq!(
            Search::parse(&params(&[("q", &"a".repeat(501))])),
            Err(SearchError::TooLong)
        );
        assert_eq!(
            Search::parse(&params(&[("q", ""), ("force", ""), ("theme", " ")])).unwrap(),
            Search {
                page: 1,
                ..Search::default()
            }
        );
        for empty in ["page", "year", "kind"] {
            assert!(
                Search::parse(&params(&[(empty, "")])).is_err(),
                "{empty}= is not a value"
            );
        }
        assert!(RegisterQuery::parse(&params(&[("status", "")])).is_err());
    }

    #[test]
    fn a_register_page_is_checked_too() {
        let r = RegisterQuery::parse(&params(&[("status", "overdue")])).unwrap();
        assert_eq!(r.status, Some(RecommendationStatus::Overdue));
        assert!(matches!(
            RegisterQuery::parse(&params(&[("status", "lost")])),
            Err(SearchError::Status(_))
        ));
        assert!(matches!(
            RegisterQuery::parse(&params(&[("theme", "x")])),
            Err(SearchError::Unknown(..))
        ));
    }
}
