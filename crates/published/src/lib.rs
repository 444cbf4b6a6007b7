//! The published-items port: everything the public side can read, and the only way it reads.
//!
//! The types here hold what was approved for publication and nothing else: no party, no
//! personal data, no case state. The portal (`probity-portal`) depends on this crate alone; the
//! store implements [`PublishedItems`] over its published read models. What is shown on a day is
//! decided by a [`Window`]: items scheduled for a later day are not yet visible, and items
//! published before the retention period are no longer visible.

pub mod query;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use query::{RegisterQuery, Search, SearchError, terms};

/// What kind of item is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Kind {
    InvestigationSummary,
    LearningRecommendation,
    Response,
}

impl Kind {
    pub const ALL: [Kind; 3] = [
        Kind::InvestigationSummary,
        Kind::LearningRecommendation,
        Kind::Response,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::InvestigationSummary => "investigation_summary",
            Kind::LearningRecommendation => "learning_recommendation",
            Kind::Response => "response",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::InvestigationSummary => "Investigation summary",
            Kind::LearningRecommendation => "Learning recommendation",
            Kind::Response => "Response",
        }
    }
}

/// Which publications are shown: those retained after `since` (the retention period counts
/// from the day an item was published here, or first imported) and published by `today`
/// (later days are scheduled, not yet public).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub today: Date,
    pub since: Date,
}

impl Window {
    /// Shown today: published within the last `years` years (the retention period).
    pub fn retaining(today: Date, years: i16) -> Window {
        let since = today
            .checked_sub(jiff::Span::new().years(years))
            .unwrap_or(Date::MIN);
        Window { today, since }
    }

    pub fn shows(&self, published_on: Date, retained_from: Date) -> bool {
        self.since < retained_from && published_on <= self.today
    }
}

/// A public correction: the day the corrected version was published and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Correction {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub published_on: Date,
    pub note: String,
}

/// A force as the public sees it: its code and its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForceName {
    pub code: String,
    pub name: String,
}

/// One published item: an anonymised investigation summary, a learning recommendation or a
/// response, as approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    /// The public reference: the case's reference with `/` written `-` (`2020-134541`).
    pub reference: String,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub force: ForceName,
    pub themes: Vec<String>,
    /// `YYYY-MM`.
    pub incident_month: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub published_on: Date,
    /// The version published; each correction is a new one.
    pub version: u32,
    pub corrections: Vec<Correction>,
    /// The learning recommendations made in the case, as the register shows them.
    pub recommendations: Vec<Recommendation>,
    /// Where it came from when it was imported rather than published here.
    pub source: Option<String>,
}

/// Where a learning recommendation stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RecommendationStatus {
    AwaitingResponse,
    Overdue,
    Responded,
    Closed,
}

impl RecommendationStatus {
    pub const ALL: [RecommendationStatus; 4] = [
        RecommendationStatus::AwaitingResponse,
        RecommendationStatus::Overdue,
        RecommendationStatus::Responded,
        RecommendationStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecommendationStatus::AwaitingResponse => "awaiting_response",
            RecommendationStatus::Overdue => "overdue",
            RecommendationStatus::Responded => "responded",
            RecommendationStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            RecommendationStatus::AwaitingResponse => "Awaiting response",
            RecommendationStatus::Overdue => "Response overdue",
            RecommendationStatus::Responded => "Responded",
            RecommendationStatus::Closed => "Closed",
        }
    }

    /// Where a recommendation stands on `today`: closed, else responded once the response is
    /// published, else overdue after its due day.
    pub fn on(
        today: Date,
        response_due: Date,
        responded: bool,
        closed: bool,
    ) -> RecommendationStatus {
        if closed {
            RecommendationStatus::Closed
        } else if responded {
            RecommendationStatus::Responded
        } else if today > response_due {
            RecommendationStatus::Overdue
        } else {
            RecommendationStatus::AwaitingResponse
        }
    }
}

/// How the recipient answered a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Acceptance {
    Accepted,
    PartiallyAccepted,
    NotAccepted,
}

impl Acceptance {
    pub fn code(self) -> &'static str {
        match self {
            Acceptance::Accepted => "accepted",
            Acceptance::PartiallyAccepted => "partially_accepted",
            Acceptance::NotAccepted => "not_accepted",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Acceptance::Accepted,
            Acceptance::PartiallyAccepted,
            Acceptance::NotAccepted,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Acceptance::Accepted => "Accepted",
            Acceptance::PartiallyAccepted => "Partly accepted",
            Acceptance::NotAccepted => "Not accepted",
        }
    }
}

/// The recipient's published response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Response {
    pub acceptance: Acceptance,
    /// Empty when only the acceptance is known (imported records).
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub published_on: Option<Date>,
}

/// One learning recommendation on the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    /// `2020-134541-R1`.
    pub reference: String,
    /// The item it was published with.
    pub item: String,
    pub recipient: String,
    pub force: ForceName,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub made_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub response_due: Date,
    pub response: Option<Response>,
    pub status: RecommendationStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub published_on: Date,
    pub themes: Vec<String>,
}

/// Highlighted text: the marked spans are character ranges of `text` that match the query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<Mark>,
}

/// A marked span of a snippet: characters `start` to `end` (exclusive), from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mark {
    pub start: usize,
    pub end: usize,
}

impl Snippet {
    /// A snippet from text whose matches are wrapped in `open` and `close` characters (how
    /// the databases mark them); the markers are taken out.
    pub fn from_marked(marked: &str, open: char, close: char) -> Snippet {
        let mut text = String::with_capacity(marked.len());
        let (mut marks, mut at, mut start) = (Vec::new(), 0usize, None);
        for c in marked.chars() {
            if c == open {
                start = Some(at);
            } else if c == close {
                if let Some(s) = start.take()
                    && s < at
                {
                    marks.push(Mark { start: s, end: at });
                }
            } else {
                text.push(c);
                at += 1;
            }
        }
        Snippet { text, marks }
    }

    /// The text in pieces, each with whether it is marked.
    pub fn pieces(&self) -> Vec<(String, bool)> {
        let chars: Vec<char> = self.text.chars().collect();
        let mut out = Vec::new();
        let mut at = 0;
        for &Mark { start: s, end: e } in &self.marks {
            let (s, e) = (s.min(chars.len()), e.min(chars.len()));
            if s < at {
                continue;
            }
            if at < s {
                out.push((chars[at..s].iter().collect(), false));
            }
            out.push((chars[s..e].iter().collect(), true));
            at = e;
        }
        if at < chars.len() {
            out.push((chars[at..].iter().collect(), false));
        }
        out
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    pub reference: String,
    pub kind: Kind,
    pub title: String,
    pub force: ForceName,
    pub themes: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub published_on: Date,
    pub snippet: Snippet,
}

/// How many matching items each value of a filter has.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    pub force: Vec<Count>,
    pub theme: Vec<Count>,
    pub kind: Vec<Count>,
    pub year: Vec<Count>,
}

/// How many items have one value of a filter: the value as the filter takes it, and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: Facets,
}

/// A page of the recommendations register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Register {
    pub recommendations: Vec<Recommendation>,
    pub total: u64,
    /// By status (the value is the status's code), under every filter but the status.
    pub by_status: Vec<Count>,
}

/// The store could not answer.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the published items cannot be read: {0}")]
pub struct Unavailable(pub String);

/// What the public side may read. Every method reads only what is published and shown in the
/// window.
#[async_trait::async_trait]
pub trait PublishedItems: Send + Sync {
    /// Items matching the search, best first (newest first without words), with facet counts.
    async fn search(&self, search: &Search, window: Window) -> Result<Results, Unavailable>;

    /// One item by its public reference.
    async fn item(&self, reference: &str, window: Window) -> Result<Option<Item>, Unavailable>;

    /// The recommendations register, newest first.
    async fn register(
        &self,
        query: &RegisterQuery,
        window: Window,
    ) -> Result<Register, Unavailable>;

    /// Everything shown, oldest first, for the bulk downloads: up to `limit` items after the
    /// public reference `after` (in the order of references).
    async fn everything(
        &self,
        after: Option<&str>,
        limit: u32,
        window: Window,
    ) -> Result<Vec<Item>, Unavailable>;
}

/// The public form of a case reference: `/` written `-`, so it sits in a URL as one segment.
pub fn public_reference(reference: &str) -> String {
    reference.replace('/', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_lose_their_markers_and_keep_the_marked_spans() {
        let s = Snippet::from_marked(
            "an \u{2}informant\u{3} was \u{2}paid\u{3}…",
            '\u{2}',
            '\u{3}',
        );
        assert_eq!(s.text, "an informant was paid…");
        assert_eq!(
            s.marks,
            vec![Mark { start: 3, end: 12 }, Mark { start: 17, end: 21 }]
        );
        assert_eq!(
            s.pieces(),
            vec![
                ("an ".to_string(), false),
                ("informant".to_string(), true),
                (" was ".to_string(), false),
                ("paid".to_string(), true),
                ("…".to_string(), false)
            ]
        );
        // Unbalanced markers mark nothing and lose nothing.
        let s = Snippet::from_marked("a\u{3}b\u{2}c", '\u{2}', '\u{3}');
        assert_eq!((s.text.as_str(), s.marks.len()), ("abc", 0));
    }

    #[test]
    fn the_window_shows_the_retention_period_up_to_today() {
        let today: Date = "2026-12-03".parse().unwrap();
        let w = Window::retaining(today, 5);
        let day = |s: &str| -> Date { s.parse().unwrap() };
        let here = |d: &str| w.shows(day(d), day(d));
        assert!(here("2026-12-03"));
        assert!(!here("2026-12-04"), "scheduled");
        assert!(here("2021-12-04"));
        assert!(!here("2021-12-03"), "five years ago: retained no longer");
        // Published elsewhere in 2018, imported last year: retained from the import.
        assert!(w.shows(day("2018-10-29"), day("2025-06-01")));
        assert!(!w.shows(day("2018-10-29"), day("2021-01-01")));
    }

    #[test]
    fn a_recommendation_s_status_follows_its_response_and_due_day() {
        let due: Date = "2026-01-31".parse().unwrap();
        let on = |d: &str, r, c| RecommendationStatus::on(d.parse().unwrap(), due, r, c);
        assert_eq!(
            on("2026-01-31", false, false),
            RecommendationStatus::AwaitingResponse
        );
        assert_eq!(
            on("2026-02-01", false, false),
            RecommendationStatus::Overdue
        );
        assert_eq!(
            on("2026-02-01", true, false),
            RecommendationStatus::Responded
        );
        assert_eq!(on("2026-02-01", true, true), RecommendationStatus::Closed);
    }
}
