//! The behaviour every backend must show, run against each from its own tests:
//! `probity_store::conformance::run(|| async { fresh_store().await }).await`.

use std::future::Future;

use jiff::civil::{Date, date};
use probity_domain::access::{CaseAccess, Principal, StaffRole, Visibility, visibility};
use probity_domain::category::CategoryCode;
use probity_domain::conduct::CaseToAnswer;
use probity_domain::force::Force;
use probity_domain::matter::MatterKind;
use probity_domain::party::{PersonalData, SealedPersonalData, SubjectKind};
use probity_domain::{AllegationId, CaseId, CommandKind, PartyId, Reference, Status};

use crate::projection::{
    AccessRow, AllegationFactRow, AllegationRow, CaseFactRow, CaseRow, DutyRow, FindingRow,
    PublishedItemRow, PublishedRecommendationRow, PublishedThemeRow, READ_MODELS, SubjectRow,
};
use crate::query::{self, CaseQuery, CategoryFilter, Query, WorkQuery, WorkScope};
use crate::read_model::{Rows, TableRows};
use crate::{
    AccountStore, Action, Append, AuditEntry, AuditStore, EventLog, Hash, NewEvent, Outcome,
    PersonalDataStore, ReadModels, Statement, Store, StoreError, Tables, UserRecord, Verifier,
};
use probity_domain::clock::ClockName;

fn reference(n: u32) -> Reference {
    Reference::parse(&format!("CONF/{n}")).expect("valid")
}

fn case_id(n: u32) -> CaseId {
    CaseId::for_reference(&reference(n))
}

fn kent() -> Force {
    Force::parse("kent").expect("in the table")
}

/// The read-model rows of a sample case, typed, to be changed by each check.
#[derive(Debug, Clone)]
pub struct Sample {
    pub case: CaseRow,
    pub subjects: Vec<SubjectRow>,
    pub allegations: Vec<AllegationRow>,
    pub findings: Vec<FindingRow>,
    pub access: Vec<AccessRow>,
    pub duties: Vec<DutyRow>,
    pub published: Vec<PublishedItemRow>,
    pub themes: Vec<PublishedThemeRow>,
    pub recommendations: Vec<PublishedRecommendationRow>,
    pub case_facts: Vec<CaseFactRow>,
    pub allegation_facts: Vec<AllegationFactRow>,
}

impl Sample {
    pub fn new(n: u32, version: u64) -> Sample {
        let id = case_id(n);
        Sample {
            case: CaseRow {
                case_id: id,
                reference: reference(n),
                kind: MatterKind::Complaint,
                force: kent(),
                status: Status::Logged,
                received_on: date(2023, 1, 2),
                mode: None,
                sexual_misconduct: false,
                published_on: None,
                version,
                restricted: false,
                publishable: false,
            },
            subjects: vec![SubjectRow {
                case_id: id,
                party: PartyId(2),
                subject_kind: SubjectKind::Officer,
                rank: Some("Sergeant".into()),
                service_number: Some("KE1".into()),
                force: kent(),
                former: false,
            }],
            allegations: vec![AllegationRow {
                case_id: id,
                allegation: AllegationId(1),
                category: CategoryCode::parse("B6").expect("in the table"),
            }],
            findings: vec![FindingRow {
                case_id: id,
                subject: PartyId(2),
                allegation: AllegationId(1),
                opinion: None,
                determination: None,
                outcome: "under investigation".into(),
            }],
            access: Vec::new(),
            duties: vec![DutyRow {
                case_id: id,
                clock: ClockName::ProgressUpdate,
                about: "P1".into(),
                period: 1,
                due: Some(date(2023, 1, 30)),
                owner: probity_domain::Body::AppropriateAuthority,
                paused: false,
                reference: Reference::parse("KE/0001/23").unwrap(),
                force: Force::parse("kent").unwrap(),
                status: Status::UnderInvestigation,
                restricted: false,
            }],
            published: Vec::new(),
            themes: Vec::new(),
            recommendations: Vec::new(),
            case_facts: Vec::new(),
            allegation_facts: Vec::new(),
        }
    }

    /// The sample published: an item with `title` and `summary` on `on`, its themes, and one
    /// recommendation made on `on`, due 55 days later.
    pub fn published(mut self, title: &str, summary: &str, themes: &[&str], on: Date) -> Sample {
        let id = self.case.case_id;
        let reference = crate::published_reference(&self.case.reference);
        self.published = vec![PublishedItemRow {
            case_id: id,
            reference: reference.clone(),
            kind: "investigation_summary".into(),
            title: title.into(),
            summary: summary.into(),
            force: self.case.force.code().into(),
            force_name: self.case.force.name().into(),
            themes: themes.join("\n"),
            incident_month: Some("2020-01".into()),
            published_on: on,
            year: i64::from(on.year()),
            version: 1,
            corrections: "[]".into(),
            source: None,
            retained_from: on,
        }];
        self.themes = themes
            .iter()
            .map(|t| PublishedThemeRow {
                case_id: id,
                theme: (*t).into(),
            })
            .collect();
        self.recommendations = vec![PublishedRecommendationRow {
            case_id: id,
            reference,
            number: 1,
            recipient: self.case.force.name().into(),
            text: format!("Review the policy on {title}"),
            force: self.case.force.code().into(),
            force_name: self.case.force.name().into(),
            made_on: on,
            response_due: on
                .checked_add(jiff::Span::new().days(55))
                .expect("in range"),
            acceptance: None,
            response: None,
            responded_on: None,
            closed_on: None,
            published_on: on,
            retained_from: on,
        }];
        self
    }

    /// Every model's rows.
    pub fn rows(&self) -> Vec<TableRows> {
        fn of<R: Rows>(id: CaseId, rows: &[R]) -> TableRows {
            TableRows {
                table: &R::TABLE,
                case_id: id,
                rows: rows.iter().map(Rows::to_row).collect(),
            }
        }
        let id = self.case.case_id;
        vec![
            of(id, std::slice::from_ref(&self.case)),
            of(id, &self.subjects),
            of(id, &self.allegations),
            of(id, &self.findings),
            of(id, &self.access),
            of(id, &self.duties),
            of(id, &self.published),
            of(id, &self.themes),
            of(id, &self.recommendations),
            of(id, &self.case_facts),
            of(id, &self.allegation_facts),
        ]
    }

    fn access(&self) -> CaseAccess {
        CaseAccess {
            force: Some(self.case.force),
            restricted: self.case.restricted,
            team: self
                .access
                .iter()
                .filter(|a| a.until.is_none())
                .map(|a| a.username.clone())
                .collect(),
            grants: self
                .access
                .iter()
                .filter_map(|a| a.until.map(|u| (a.username.clone(), u)))
                .collect(),
            publishable: self.case.publishable,
        }
    }
}

/// An append of `count` events to case `n`, after `expected`, with the sample's rows.
pub fn sample_append(n: u32, expected: u64, count: usize) -> Append {
    with_rows(n, expected, count, Sample::new(n, expected + count as u64))
}

fn with_rows(n: u32, expected: u64, count: usize, sample: Sample) -> Append {
    Append {
        case_id: case_id(n),
        reference: reference(n),
        expected_version: expected,
        events: (0..count)
            .map(|i| NewEvent {
                kind: "sample".to_string(),
                payload: format!("{{\"case\":{n},\"v\":{}}}", expected as usize + i + 1),
                actor: "conformance".into(),
                recorded_at: 1_700_000_000_000_000 + (expected as usize + i) as i64,
            })
            .collect(),
        personal_data: Vec::new(),
        erase: Vec::new(),
        read_models: sample.rows(),
        statements: Vec::new(),
        written_by: Vec::new(),
    }
}

async fn verify_all<S: EventLog>(store: &S) -> Result<i64, crate::BrokenLink> {
    let mut v = Verifier::default();
    loop {
        let page = store.read_log(v.position, 100).await.expect("read log");
        if page.is_empty() {
            return Ok(v.position);
        }
        for r in &page {
            v.check(r)?;
        }
    }
}

async fn counts<S: ReadModels>(store: &S) -> query::Counts {
    query::counts(store).await.expect("counts")
}

/// A case's row; its version read alone must agree with it.
async fn row<S: ReadModels>(store: &S, n: u32) -> Option<CaseRow> {
    let row = query::case_row(store, case_id(n)).await.expect("case row");
    let version = query::case_version(store, case_id(n))
        .await
        .expect("version");
    assert_eq!(version, row.as_ref().map(|r| r.version));
    row
}

/// Runs every check, each on a fresh store from `fresh`.
pub async fn run<S, F, Fut>(fresh: F)
where
    S: Store + 'static,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    appends_are_read_back_in_order_with_a_verifying_chain(&fresh().await).await;
    stale_versions_are_refused_and_change_nothing(&fresh().await).await;
    a_batch_is_all_or_nothing(&fresh().await).await;
    personal_data_is_kept_apart_and_erasable(&fresh().await).await;
    read_models_follow_appends_and_can_be_replaced(&fresh().await).await;
    every_read_model_is_written_and_read_back_as_declared(&fresh().await).await;
    audit_entries_chain_and_travel_with_their_change(&fresh().await).await;
    accounts_sessions_and_tokens(&fresh().await).await;
    lists_show_only_what_the_viewer_may_see(&fresh().await).await;
    visibility_in_queries_agrees_with_the_access_policy(&fresh().await).await;
    the_public_side_reads_only_what_is_shown(std::sync::Arc::new(fresh().await), &|s| {
        Box::new(crate::published::Shelf::new(s))
    })
    .await;
}

/// Makes the published-items port under test over a store.
pub type Port<S> = dyn Fn(std::sync::Arc<S>) -> Box<dyn probity_published::PublishedItems>;

/// The published-items port over this backend: words found and ranked, snippets marked, facets
/// counted, filters applied, scheduled and retained-no-longer items hidden, withdrawn ones gone,
/// any text a valid query.
pub async fn the_public_side_reads_only_what_is_shown<S: Store + 'static>(
    store: std::sync::Arc<S>,
    port: &Port<S>,
) {
    use probity_published::{RecommendationStatus, RegisterQuery, Search, Window};
    let day = |m, d| date(2026, m, d);
    let items = [
        (
            1,
            "Informant payments",
            "Payments to an informant were not recorded by the handler.",
            &["Informants", "Corruption"][..],
            day(3, 2),
        ),
        (
            2,
            "Use of a spit guard in custody",
            "A man in custody was held in a spit guard; the informant mentioned it once.",
            &["Custody"][..],
            day(4, 5),
        ),
        (
            3,
            "Vehicle pursuit",
            "A pursuit ended in a collision at a junction.",
            &["Road traffic"][..],
            day(5, 9),
        ),
        (
            4,
            "Scheduled item about an informant",
            "Not shown before its day: informant.",
            &["Informants"][..],
            day(12, 24),
        ),
        (
            5,
            "Old item about an informant",
            "Published long ago: informant.",
            &["Informants"][..],
            date(2019, 1, 1),
        ),
    ];
    for (n, title, summary, themes, on) in items {
        let sample = Sample::new(n, 1).published(title, summary, themes, on);
        store
            .append(&[with_rows(n, 0, 1, sample)], &[])
            .await
            .unwrap();
    }
    let shelf = port(store.clone());
    let window = Window::retaining(day(12, 3), 5);
    let search = |q: &str| Search {
        terms: probity_published::terms(q),
        page: 1,
        ..Search::default()
    };
    let found = shelf.search(&search("informants"), window).await.unwrap();
    let refs: Vec<&str> = found.hits.iter().map(|h| h.reference.as_str()).collect();
    assert_eq!(
        refs,
        ["CONF-1", "CONF-2"],
        "stemmed, ranked by title first; scheduled and old items hidden"
    );
    assert_eq!(found.total, 2);
    let marked: Vec<String> = found.hits[0]
        .snippet
        .pieces()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        marked,
        ["informant"],
        "the matched word is marked in the snippet"
    );
    let counted = |c: &[probity_published::Count]| {
        c.iter()
            .map(|c| (c.value.clone(), c.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counted(&found.facets.theme),
        vec![
            ("Corruption".to_string(), 1),
            ("Custody".to_string(), 1),
            ("Informants".to_string(), 1)
        ]
    );
    assert_eq!(counted(&found.facets.year), vec![("2026".to_string(), 2)]);
    assert_eq!(found.facets.force.len(), 1);
    let custody = Search {
        theme: Some("Custody".into()),
        ..search("informant")
    };
    let found = shelf.search(&custody, window).await.unwrap();
    assert_eq!(
        found
            .hits
            .iter()
            .map(|h| h.reference.as_str())
            .collect::<Vec<_>>(),
        ["CONF-2"]
    );
    assert_eq!(
        shelf
            .search(&search("spit guard custody"), window)
            .await
            .unwrap()
            .total,
        1,
        "every word must match"
    );
    // Without words: the newest first.
    let all = shelf.search(&search(""), window).await.unwrap();
    assert_eq!(
        all.hits
            .iter()
            .map(|h| h.reference.as_str())
            .collect::<Vec<_>>(),
        ["CONF-3", "CONF-2", "CONF-1"]
    );
    assert!(all.hits[0].snippet.marks.is_empty());
    // Hostile text is words like any other.
    for q in [
        "\"informant",
        "informant OR 1=1; --",
        "NEAR(informant",
        "*",
        "'",
        "informant\u{0}",
        "a AND NOT b",
    ] {
        shelf
            .search(&search(q), window)
            .await
            .unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    // One item, with its recommendation; hidden before its day and after the retention period.
    let item = shelf.item("CONF-1", window).await.unwrap().expect("shown");
    assert_eq!(
        (
            item.title.as_str(),
            item.themes.len(),
            item.recommendations.len()
        ),
        ("Informant payments", 2, 1)
    );
    assert_eq!(
        item.recommendations[0].status,
        RecommendationStatus::Overdue
    );
    assert!(
        shelf.item("CONF-4", window).await.unwrap().is_none(),
        "scheduled"
    );
    assert!(
        shelf
            .item("CONF-4", Window::retaining(day(12, 24), 5))
            .await
            .unwrap()
            .is_some(),
        "shown on its day"
    );
    assert!(
        shelf.item("CONF-5", window).await.unwrap().is_none(),
        "past the retention period"
    );
    assert!(shelf.item("CONF-9", window).await.unwrap().is_none());
    // The register, by status.
    let register = shelf
        .register(
            &RegisterQuery {
                page: 1,
                ..RegisterQuery::default()
            },
            window,
        )
        .await
        .unwrap();
    assert_eq!(register.total, 3);
    assert_eq!(
        counted(&register.by_status),
        vec![("overdue".to_string(), 3)]
    );
    let awaiting = RegisterQuery {
        status: Some(RecommendationStatus::AwaitingResponse),
        page: 1,
        ..RegisterQuery::default()
    };
    assert_eq!(shelf.register(&awaiting, window).await.unwrap().total, 0);
    let words = RegisterQuery {
        terms: probity_published::terms("pursuit"),
        page: 1,
        ..RegisterQuery::default()
    };
    let found = shelf.register(&words, window).await.unwrap();
    assert_eq!(
        found
            .recommendations
            .iter()
            .map(|r| r.reference.as_str())
            .collect::<Vec<_>>(),
        ["CONF-3-R1"]
    );
    // Everything, in pages.
    let first = shelf.everything(None, 2, window).await.unwrap();
    assert_eq!(
        first
            .iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>(),
        ["CONF-1", "CONF-2"]
    );
    assert!(first.iter().all(|i| i.recommendations.len() == 1));
    let rest = shelf.everything(Some("CONF-2"), 2, window).await.unwrap();
    assert_eq!(
        rest.iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>(),
        ["CONF-3"]
    );
    // Withdrawn: its rows are gone, and so is it from the index.
    store
        .append(&[with_rows(1, 1, 1, Sample::new(1, 2))], &[])
        .await
        .unwrap();
    assert!(shelf.item("CONF-1", window).await.unwrap().is_none());
    assert_eq!(
        shelf
            .search(&search("payments"), window)
            .await
            .unwrap()
            .total,
        0
    );
    // Published elsewhere long ago and imported this year: retained from its import.
    let mut imported = Sample::new(6, 1).published(
        "Imported item about an informant",
        "First published by another body.",
        &["Informants"],
        date(2018, 10, 29),
    );
    imported.published[0].retained_from = day(6, 1);
    imported.published[0].source = Some("https://example.org/original".into());
    imported.recommendations[0].retained_from = day(6, 1);
    store
        .append(&[with_rows(6, 0, 1, imported)], &[])
        .await
        .unwrap();
    let item = shelf.item("CONF-6", window).await.unwrap().expect("shown");
    assert_eq!(
        (item.published_on, item.source.as_deref()),
        (date(2018, 10, 29), Some("https://example.org/original"))
    );
    assert_eq!(item.recommendations.len(), 1);
    let found = shelf.search(&search("imported"), window).await.unwrap();
    assert_eq!(
        (
            found.hits.len(),
            found.hits.first().map(|h| h.reference.as_str())
        ),
        (1, Some("CONF-6")),
        "found by its words, published in 2018"
    );
    assert_eq!(counted(&found.facets.year), vec![("2018".to_string(), 1)]);
    let later = Window::retaining(date(2031, 6, 2), 5);
    assert_eq!(
        shelf
            .search(&search("imported"), later)
            .await
            .unwrap()
            .total,
        0
    );
    assert!(
        shelf
            .item("CONF-6", Window::retaining(date(2031, 6, 2), 5))
            .await
            .unwrap()
            .is_none(),
        "five years after its import"
    );
}

pub async fn appends_are_read_back_in_order_with_a_verifying_chain<S: EventLog>(store: &S) {
    assert_eq!(store.head().await.unwrap(), None, "a new store is empty");
    let first = store
        .append(&[sample_append(1, 0, 3), sample_append(2, 0, 2)], &[])
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|r| r.position).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    store.append(&[sample_append(1, 3, 2)], &[]).await.unwrap();
    let case1 = store.read_case(case_id(1)).await.unwrap();
    assert_eq!(
        case1.iter().map(|r| r.version).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(case1[4].payload, "{\"case\":1,\"v\":5}");
    assert_eq!(case1[4].position, 7);
    assert!(store.read_case(case_id(99)).await.unwrap().is_empty());
    let head = store.head().await.unwrap().unwrap();
    assert_eq!(head.position, 7);
    assert_eq!(verify_all(store).await, Ok(7));
    let page = store.read_log(2, 3).await.unwrap();
    assert_eq!(
        page.iter().map(|r| r.position).collect::<Vec<_>>(),
        [3, 4, 5]
    );
    let packed = store.read_log_page(2, 3).await.unwrap();
    assert_eq!(
        packed.into_records(),
        page,
        "a page is the records it packs"
    );
}

pub async fn stale_versions_are_refused_and_change_nothing<S: EventLog + ReadModels>(store: &S) {
    store.append(&[sample_append(1, 0, 2)], &[]).await.unwrap();
    let before = (store.head().await.unwrap(), counts(store).await);
    for stale in [0, 1, 3] {
        match store.append(&[sample_append(1, stale, 1)], &[]).await {
            Err(StoreError::Conflict {
                case,
                expected,
                actual,
            }) => {
                assert_eq!((case.as_str(), expected, actual), ("CONF/1", stale, 2));
            }
            other => panic!("a stale write must be refused, got {other:?}"),
        }
    }
    assert_eq!((store.head().await.unwrap(), counts(store).await), before);
}

pub async fn a_batch_is_all_or_nothing<S: EventLog + ReadModels>(store: &S) {
    store.append(&[sample_append(2, 0, 1)], &[]).await.unwrap();
    let before = (store.head().await.unwrap(), counts(store).await);
    let batch = [sample_append(1, 0, 4), sample_append(2, 0, 1)];
    assert!(matches!(
        store.append(&batch, &[]).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!((store.head().await.unwrap(), counts(store).await), before);
    assert!(
        store.read_case(case_id(1)).await.unwrap().is_empty(),
        "no part of a refused batch is kept"
    );
    assert!(row(store, 1).await.is_none());
}

pub async fn personal_data_is_kept_apart_and_erasable<
    S: EventLog + PersonalDataStore + ReadModels,
>(
    store: &S,
) {
    let name = "Confidential Person";
    let mut a = sample_append(1, 0, 1);
    let data = PersonalData {
        name: name.into(),
        contact: Some("01234 567890".into()),
        date_of_birth: None,
        address: Some("1 High Street".into()),
        nicknames: Vec::new(),
        vehicle_registrations: Vec::new(),
    };
    a.personal_data = vec![(PartyId(1), SealedPersonalData::new(data.clone(), [9; 16]))];
    store.append(&[a], &[]).await.unwrap();
    let sealed = store.sealed_personal_data(case_id(1)).await.unwrap();
    assert_eq!(
        sealed,
        vec![(PartyId(1), SealedPersonalData::new(data.clone(), [9; 16]))]
    );
    let (events, personal) = store.read_case_file(case_id(1)).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(personal, vec![(PartyId(1), data)]);
    let log = store.read_log(0, 10).await.unwrap();
    assert!(
        log.iter().all(|r| !r.payload.contains(name)),
        "personal data never enters the log"
    );
    let mut erase = sample_append(1, 1, 1);
    erase.erase = vec![PartyId(1)];
    store.append(&[erase], &[]).await.unwrap();
    let (events, personal) = store.read_case_file(case_id(1)).await.unwrap();
    assert_eq!((events.len(), personal), (2, vec![]));
    assert_eq!(
        verify_all(store).await,
        Ok(2),
        "erasure leaves the chain intact"
    );
    assert_eq!(counts(store).await.personal_data, 0);
}

pub async fn read_models_follow_appends_and_can_be_replaced<S: EventLog + ReadModels>(store: &S) {
    store.append(&[sample_append(1, 0, 2)], &[]).await.unwrap();
    let r = row(store, 1).await.unwrap();
    assert_eq!(
        (r.version, r.status, r.reference.as_str()),
        (2, Status::Logged, "CONF/1")
    );
    // An append that changes only the case row leaves the other models' rows as they were.
    let mut next = Sample::new(1, 3);
    next.case.status = Status::Recorded;
    let mut append = with_rows(1, 2, 1, next);
    append.read_models.truncate(1);
    store.append(&[append], &[]).await.unwrap();
    let r = row(store, 1).await.unwrap();
    assert_eq!((r.version, r.status), (3, Status::Recorded));
    let c = counts(store).await;
    assert_eq!(
        (c.cases, c.subjects, c.allegations, c.findings),
        (1, 1, 1, 1)
    );
    // Rows that go empty are gone.
    let mut emptied = Sample::new(1, 4);
    emptied.findings.clear();
    store
        .append(&[with_rows(1, 3, 1, emptied)], &[])
        .await
        .unwrap();
    assert_eq!(counts(store).await.findings, 0);
    let mut closed = Sample::new(5, 1);
    closed.case.status = Status::Closed;
    store.replace_read_models(&closed.rows()).await.unwrap();
    assert!(row(store, 1).await.is_none());
    assert_eq!(row(store, 5).await.unwrap().status, Status::Closed);
    assert_eq!(
        counts(store).await.events,
        4,
        "rebuilding read models never touches the log"
    );
}

/// Each declared model's table exists with its columns on this backend, and what the generic
/// writer puts there the generic reader gives back, nulls, booleans and all.
pub async fn every_read_model_is_written_and_read_back_as_declared<S: EventLog + ReadModels>(
    store: &S,
) {
    let mut sample = Sample::new(1, 1);
    sample.case.mode = Some(probity_domain::referral::InvestigationMode::Directed);
    sample.case.published_on = Some(date(2024, 5, 6));
    sample.case.restricted = true;
    sample.subjects[0].rank = None;
    sample.findings[0].determination = Some(CaseToAnswer::GrossMisconduct);
    sample.duties.push(DutyRow {
        case_id: case_id(1),
        clock: ClockName::AcceleratedHearing,
        about: "H1".into(),
        period: 1,
        due: None,
        owner: probity_domain::Body::OversightBody,
        paused: true,
        reference: Reference::parse("ES/0001/23").unwrap(),
        force: Force::parse("essex").unwrap(),
        status: Status::Suspended,
        restricted: true,
    });
    sample.access = vec![
        AccessRow {
            case_id: case_id(1),
            username: "a.member".into(),
            until: None,
        },
        AccessRow {
            case_id: case_id(1),
            username: "a.visitor".into(),
            until: Some(date(2024, 6, 30)),
        },
    ];
    let mut sample = sample.published(
        "Spit guards",
        "A spit guard was left on.",
        &["Custody", "Use of force"],
        date(2024, 5, 6),
    );
    sample.published[0].incident_month = None;
    sample.published[0].source = Some("iopc-recommendations".into());
    sample.recommendations[0].acceptance = Some("accepted".into());
    sample.recommendations[0].response = Some("Done.".into());
    sample.recommendations[0].responded_on = Some(date(2024, 6, 1));
    sample.case_facts.push(CaseFactRow {
        case_id: case_id(1),
        source: "ccrb".into(),
        body: "nypd".into(),
        kind: "complaint".into(),
        received_on: date(2019, 7, 1),
        finalised_on: None,
        months_only: true,
    });
    let fact = AllegationFactRow {
        case_id: case_id(1),
        allegation: 1,
        source: "ccrb".into(),
        body: "nypd".into(),
        received_on: date(2019, 7, 1),
        category: Some(CategoryCode::parse("B1").unwrap()),
        source_category: Some("Abuse of Authority".into()),
        source_subcategory: None,
        handling: "investigated".into(),
        finding: "substantiated".into(),
        sanctioned: Some(false),
        subject: Some("ccrb:10004".into()),
        subject_ethnicity: Some("other".into()),
        subject_sex: None,
        subject_age_band: Some("25_34".into()),
        complainant_ethnicity: None,
        complainant_sex: Some("female".into()),
        complainant_age_band: None,
    };
    sample.allegation_facts = vec![
        fact.clone(),
        AllegationFactRow {
            allegation: 2,
            category: None,
            sanctioned: None,
            subject: None,
            ..fact
        },
    ];
    let written = sample.rows();
    assert_eq!(
        written.len(),
        READ_MODELS.len(),
        "the sample covers every model"
    );
    store
        .append(&[with_rows(1, 0, 1, sample)], &[])
        .await
        .unwrap();
    for rows in &written {
        let t = rows.table;
        let read = store
            .query(&[Query {
                sql: format!(
                    "SELECT {} FROM {} ORDER BY {}",
                    t.column_list(None),
                    t.name,
                    t.column_list(None)
                ),
                binds: Vec::new(),
                columns: t.types(),
                point: false,
            }])
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", t.name));
        let mut expected = rows.rows.clone();
        expected.sort();
        assert_eq!(read[0], expected, "{} reads back as written", t.name);
    }
}

fn entry(action: Action, target: &str) -> AuditEntry {
    AuditEntry {
        recorded_at: 1_700_000_000_000_000,
        actor: "conformance".into(),
        role: "decision_maker".into(),
        action,
        target: target.into(),
        outcome: Outcome::Allowed,
        purpose: "testing".into(),
        detail: String::new(),
        wrote: None,
    }
}

async fn verify_audit<S: AuditStore>(store: &S) -> Result<i64, crate::BrokenLink> {
    let mut v = Verifier::default();
    for r in store
        .read_audit(0, i64::MAX, None)
        .await
        .expect("read audit")
    {
        v.check(&r)?;
    }
    Ok(v.position)
}

pub async fn audit_entries_chain_and_travel_with_their_change<S: EventLog + AuditStore>(store: &S) {
    store
        .audit(&[
            entry(Action::CaseRead, "CONF/1"),
            entry(Action::CasesList, "-"),
        ])
        .await
        .unwrap();
    store
        .append(
            &[sample_append(1, 0, 1)],
            &[entry(Action::CaseCommand(CommandKind::LogMatter), "CONF/1")],
        )
        .await
        .unwrap();
    // A refused change leaves no audit entry of its own making.
    assert!(
        store
            .append(
                &[sample_append(1, 0, 1)],
                &[entry(Action::CaseCommand(CommandKind::Close), "CONF/1")]
            )
            .await
            .is_err()
    );
    assert_eq!(verify_audit(store).await, Ok(3));
    let about = store.read_audit(0, 10, Some("CONF/1")).await.unwrap();
    assert_eq!(
        about.iter().map(|r| r.entry.action).collect::<Vec<_>>(),
        [
            Action::CaseRead,
            Action::CaseCommand(CommandKind::LogMatter)
        ]
    );
    assert_eq!(store.read_audit(2, 10, None).await.unwrap().len(), 1);
}

fn user(name: &str) -> UserRecord {
    UserRecord {
        username: name.into(),
        role: "investigator".into(),
        body: "oversight_body".into(),
        force: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        disabled: false,
        created_at: 1,
    }
}

pub async fn accounts_sessions_and_tokens<S: Tables + AuditStore>(store: &S) {
    store
        .add_user(&user("ann"), &entry(Action::UserAdd, "ann"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_user(&user("ann"), &entry(Action::UserAdd, "ann"))
            .await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(
        store.user("ann").await.unwrap().unwrap().role,
        "investigator"
    );
    assert_eq!(store.users().await.unwrap().len(), 1);
    let session = Hash([1; 32]);
    let token = Hash([2; 32]);
    store
        .create_session(
            session,
            "ann",
            "10.0.0.1",
            100,
            &entry(Action::SessionLogin, "ann"),
        )
        .await
        .unwrap();
    store
        .create_token(token, "ann", "robot", &entry(Action::TokenCreate, "ann"))
        .await
        .unwrap();
    assert!(store.session_user(session, 99).await.unwrap().is_some());
    assert!(
        store.session_user(session, 100).await.unwrap().is_none(),
        "expired"
    );
    assert!(
        store
            .session_user(Hash([9; 32]), 0)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.token_user(token).await.unwrap().is_some());
    assert!(
        store
            .set_password("ann", "new-hash", &entry(Action::UserPassword, "ann"))
            .await
            .unwrap()
    );
    assert!(
        store.session_user(session, 0).await.unwrap().is_none(),
        "a new password ends sessions"
    );
    assert!(
        store.token_user(token).await.unwrap().is_none(),
        "a new password revokes tokens"
    );
    store
        .create_token(token, "ann", "robot", &entry(Action::TokenCreate, "ann"))
        .await
        .unwrap();
    store
        .create_session(
            session,
            "ann",
            "10.0.0.1",
            100,
            &entry(Action::SessionLogin, "ann"),
        )
        .await
        .unwrap();
    assert!(
        store
            .disable_user("ann", &entry(Action::UserDisable, "ann"))
            .await
            .unwrap()
    );
    assert!(
        store.session_user(session, 0).await.unwrap().is_none(),
        "disabling ends sessions"
    );
    assert!(
        store.token_user(token).await.unwrap().is_none(),
        "disabling ends tokens"
    );
    assert!(
        !store
            .disable_user("nobody", &entry(Action::UserDisable, "nobody"))
            .await
            .unwrap()
    );
    // A change that fails part-way changes nothing, and leaves no entry.
    let audited = verify_audit(store).await;
    let half = store
        .execute(
            &[
                Statement {
                    sql: "UPDATE users SET role = 'auditor' WHERE username = $1".into(),
                    binds: vec![crate::Value::Text("ann".into())],
                },
                Statement {
                    sql: "INSERT INTO users (username, role, body, force, password_hash, disabled, created_at) VALUES ($1, 'x', 'x', NULL, 'x', FALSE, 0)".into(),
                    binds: vec![crate::Value::Text("ann".into())],
                },
            ],
            &[entry(Action::UserAdd, "ann")],
        )
        .await;
    assert!(matches!(half, Err(StoreError::Duplicate(_))), "{half:?}");
    assert_eq!(
        store.user("ann").await.unwrap().unwrap().role,
        "investigator"
    );
    assert_eq!(verify_audit(store).await, audited);
    for (who, source, at) in [
        ("ann", "10.0.0.9", 10),
        ("ann", "10.0.0.9", 20),
        ("ann", "10.0.0.9", 30),
        ("ann", "10.0.0.1", 30),
        ("bob", "10.0.0.9", 30),
    ] {
        store
            .record_login_failure(who, source, at, 0, &entry(Action::SessionLogin, who))
            .await
            .unwrap();
    }
    assert_eq!(
        store.login_failures("ann", "10.0.0.9", 20).await.unwrap(),
        2
    );
    assert_eq!(store.login_failures("ann", "10.0.0.1", 0).await.unwrap(), 1);
    // A session opened clears its user's failed log-ins from its address, in the same
    // transaction; those from elsewhere stand.
    store
        .create_session(
            Hash([3; 32]),
            "ann",
            "10.0.0.1",
            100,
            &entry(Action::SessionLogin, "ann"),
        )
        .await
        .unwrap();
    assert_eq!(store.login_failures("ann", "10.0.0.1", 0).await.unwrap(), 0);
    assert_eq!(store.login_failures("ann", "10.0.0.9", 0).await.unwrap(), 3);
    assert_eq!(store.login_failures("bob", "10.0.0.9", 0).await.unwrap(), 1);
    // Old failures are forgotten as new ones are recorded.
    store
        .record_login_failure(
            "bob",
            "10.0.0.9",
            40,
            25,
            &entry(Action::SessionLogin, "bob"),
        )
        .await
        .unwrap();
    assert_eq!(store.login_failures("ann", "10.0.0.9", 0).await.unwrap(), 1);
    assert_eq!(
        verify_audit(store).await,
        Ok(15),
        "every account change is audited"
    );
}

pub async fn lists_show_only_what_the_viewer_may_see<S: EventLog + ReadModels>(store: &S) {
    let mut open = Sample::new(1, 1);
    open.case.received_on = date(2023, 1, 1);
    let mut restricted = Sample::new(2, 1);
    restricted.case.restricted = true;
    restricted.case.received_on = date(2023, 2, 1);
    restricted.access = vec![
        AccessRow {
            case_id: case_id(2),
            username: "teamster".into(),
            until: None,
        },
        AccessRow {
            case_id: case_id(2),
            username: "visitor".into(),
            until: Some(date(2023, 6, 30)),
        },
    ];
    let essex = Force::parse("essex").unwrap();
    let mut other_force = Sample::new(3, 1);
    other_force.case.force = essex;
    other_force.case.publishable = true;
    other_force.allegations[0].category = CategoryCode::parse("G2").unwrap();
    other_force.case.mode = Some(probity_domain::referral::InvestigationMode::Independent);
    other_force.subjects[0].force = essex;
    store
        .append(
            &[
                with_rows(1, 0, 1, open),
                with_rows(2, 0, 1, restricted),
                with_rows(3, 0, 1, other_force),
            ],
            &[],
        )
        .await
        .unwrap();
    let viewer = |name: &str, force: Option<Force>, today: Date| Visibility {
        username: name.into(),
        force,
        publishable_only: false,
        today,
    };
    let all = CaseQuery {
        limit: 50,
        ..CaseQuery::default()
    };
    let list = |v: Visibility, q: CaseQuery| async move {
        let p = query::list_cases(store, &v, &q).await.unwrap();
        (
            p.total,
            p.items
                .into_iter()
                .map(|c| c.reference.to_string())
                .collect::<Vec<_>>(),
        )
    };
    let march = date(2023, 3, 1);
    assert_eq!(
        list(viewer("outsider", None, march), all.clone()).await,
        (2, vec!["CONF/3".into(), "CONF/1".into()])
    );
    assert_eq!(
        list(viewer("teamster", None, march), all.clone()).await.0,
        3
    );
    assert_eq!(
        list(viewer("visitor", None, date(2023, 6, 30)), all.clone())
            .await
            .0,
        3
    );
    assert_eq!(
        list(viewer("visitor", None, date(2023, 7, 1)), all.clone())
            .await
            .0,
        2,
        "an expired grant shows nothing"
    );
    assert_eq!(
        list(viewer("teamster", Some(essex), march), all.clone()).await,
        (1, vec!["CONF/3".into()])
    );
    let mut publications = viewer("pub", None, march);
    publications.publishable_only = true;
    assert_eq!(
        list(publications, all.clone()).await,
        (1, vec!["CONF/3".into()])
    );
    let g = CaseQuery {
        category: Some(CategoryFilter::Letter('G')),
        ..all.clone()
    };
    assert_eq!(list(viewer("teamster", None, march), g).await.1, ["CONF/3"]);
    let g2 = CaseQuery {
        category: Some(CategoryFilter::parse("G2").unwrap()),
        ..all.clone()
    };
    assert_eq!(
        list(viewer("teamster", None, march), g2).await.1,
        ["CONF/3"]
    );
    // A reference's beginning (in any case), and the mode of investigation.
    let by_reference = |r: &str| CaseQuery {
        reference: Some(r.into()),
        ..all.clone()
    };
    assert_eq!(
        list(viewer("teamster", None, march), by_reference("conf/"))
            .await
            .0,
        3
    );
    assert_eq!(
        list(viewer("teamster", None, march), by_reference("CONF/3"))
            .await
            .1,
        ["CONF/3"]
    );
    assert_eq!(
        list(viewer("teamster", None, march), by_reference("CONF/9"))
            .await
            .0,
        0
    );
    assert_eq!(
        list(viewer("teamster", None, march), by_reference("C%"))
            .await
            .0,
        0,
        "a wildcard is no reference"
    );
    let independent = CaseQuery {
        mode: Some(probity_domain::referral::InvestigationMode::Independent),
        ..all.clone()
    };
    assert_eq!(
        list(viewer("teamster", None, march), independent).await.1,
        ["CONF/3"]
    );
    let mine = CaseQuery {
        team_member: Some("teamster".into()),
        ..all.clone()
    };
    assert_eq!(
        list(viewer("teamster", None, march), mine).await.1,
        ["CONF/2"]
    );
    let dated = CaseQuery {
        received_from: Some(date(2023, 1, 15)),
        received_to: Some(date(2023, 2, 15)),
        ..all.clone()
    };
    assert_eq!(list(viewer("outsider", None, march), dated).await.0, 0);
    let paged = CaseQuery {
        limit: 1,
        offset: 1,
        ..all.clone()
    };
    assert_eq!(
        list(viewer("teamster", None, march), paged).await,
        (3, vec!["CONF/3".into()]),
        "newest first: CONF/2, CONF/3, CONF/1"
    );
    let history = query::subject_history(store, &viewer("outsider", None, march), kent(), "KE1")
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| h.case.reference.as_str())
            .collect::<Vec<_>>(),
        ["CONF/1"],
        "the restricted case stays out; the same number in another force is another person"
    );
}

/// A small deterministic generator (SplitMix64), so a failure names a case that can be run again.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

/// Over random cases (forces, restrictions, teams, grants, publication holds) and random
/// principals (every role, with and without a force, on and off teams, on several days), what
/// the store lists, counts and shows in a subject's history is exactly what the access policy
/// (`access::authorize`) lets each principal list.
pub async fn visibility_in_queries_agrees_with_the_access_policy<S: EventLog + ReadModels>(
    store: &S,
) {
    let mut draw = Draw(0x0DD5_EED5);
    let forces = [
        kent(),
        Force::parse("essex").unwrap(),
        Force::parse("devon-cornwall").unwrap(),
    ];
    let users = ["ann", "bob", "cat", "dan"];
    let first = date(2024, 3, 1);
    let day = |d: u64| {
        first
            .checked_add(jiff::Span::new().days(d as i64))
            .expect("in range")
    };
    let mut samples = Vec::new();
    for n in 1..=60u32 {
        let mut s = Sample::new(n, 1);
        s.case.force = forces[draw.below(3) as usize];
        s.subjects[0].force = s.case.force;
        s.subjects[0].service_number = Some("SHARED1".into());
        s.case.received_on = day(draw.below(30));
        s.case.restricted = draw.below(3) == 0;
        s.case.publishable = draw.below(2) == 0;
        // The duties carry their case's force and restriction, as `DutyRow::derive` writes them.
        for d in &mut s.duties {
            d.reference = s.case.reference.clone();
            d.force = s.case.force;
            d.restricted = s.case.restricted;
        }
        for u in users {
            match draw.below(6) {
                0 => s.access.push(AccessRow {
                    case_id: case_id(n),
                    username: u.into(),
                    until: None,
                }),
                1 => s.access.push(AccessRow {
                    case_id: case_id(n),
                    username: u.into(),
                    until: Some(day(draw.below(10))),
                }),
                _ => {}
            }
        }
        samples.push(s);
    }
    let appends: Vec<Append> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| with_rows(i as u32 + 1, 0, 1, s.clone()))
        .collect();
    store.append(&appends, &[]).await.unwrap();
    let all = CaseQuery {
        limit: 1000,
        ..CaseQuery::default()
    };
    let mut checked = 0;
    for role in StaffRole::ALL {
        for force in [None, Some(forces[0]), Some(forces[1])] {
            for username in users {
                for today in [day(0), day(4), day(9), day(12)] {
                    let who = Principal {
                        username: username.into(),
                        role,
                        body: probity_domain::access::default_body(force),
                        force,
                    };
                    let mut allowed: Vec<String> = samples
                        .iter()
                        .filter(|s| {
                            probity_domain::access::authorize(
                                &who,
                                probity_domain::access::Access::ListCase,
                                Some(&s.access()),
                                today,
                            )
                            .is_ok()
                        })
                        .map(|s| s.case.reference.to_string())
                        .collect();
                    allowed.sort();
                    let Some(v) = visibility(&who, today) else {
                        assert!(allowed.is_empty(), "{role:?} lists nothing");
                        continue;
                    };
                    let page = query::list_cases(store, &v, &all).await.unwrap();
                    let mut listed: Vec<String> =
                        page.items.iter().map(|c| c.reference.to_string()).collect();
                    listed.sort();
                    assert_eq!(listed, allowed, "{role:?} {force:?} {username} {today}");
                    assert_eq!(page.total, allowed.len() as i64, "the count agrees too");
                    // A work queue shows the duties of exactly those cases: the body's (every
                    // sample's duty is the appropriate authority's), and the viewer's own.
                    for (scope, mine_only) in [(WorkScope::Team, false), (WorkScope::Mine, true)] {
                        let q = WorkQuery {
                            scope,
                            body: probity_domain::Body::AppropriateAuthority,
                            clock: None,
                            force: None,
                            overdue_only: false,
                            today,
                            offset: 0,
                            limit: 1000,
                            count_cap: 1000,
                        };
                        let work = query::work(store, &v, &q).await.unwrap();
                        let mut queued: Vec<String> =
                            work.items.iter().map(|w| w.reference.to_string()).collect();
                        queued.sort();
                        let mut expected: Vec<String> = samples
                            .iter()
                            .filter(|s| allowed.contains(&s.case.reference.to_string()))
                            .filter(|s| {
                                !mine_only
                                    || s.access
                                        .iter()
                                        .any(|a| a.username == username && a.until.is_none())
                            })
                            .map(|s| s.case.reference.to_string())
                            .collect();
                        expected.sort();
                        assert_eq!(
                            queued, expected,
                            "work {scope:?}: {role:?} {force:?} {username} {today}"
                        );
                        assert_eq!(work.total, expected.len() as i64);
                    }
                    for f in forces {
                        let history = query::subject_history(store, &v, f, "SHARED1")
                            .await
                            .unwrap();
                        let mut seen: Vec<String> = history
                            .iter()
                            .map(|h| h.case.reference.to_string())
                            .collect();
                        seen.sort();
                        let expected: Vec<String> = samples
                            .iter()
                            .filter(|s| {
                                s.case.force == f && allowed.contains(&s.case.reference.to_string())
                            })
                            .map(|s| s.case.reference.to_string())
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter()
                            .collect();
                        assert_eq!(
                            seen, expected,
                            "history: {role:?} {force:?} {username} {today}"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 200, "{checked} principals checked");
}

/// Appends queued together commit in one transaction (a group commit), yet each keeps its own
/// outcome: a stale one is refused alone, with its audit entry, and the rest commit with theirs.
pub async fn appends_together_keep_their_own_outcomes<S: EventLog + AuditStore + 'static>(
    store: std::sync::Arc<S>,
) {
    store.append(&[sample_append(1, 0, 1)], &[]).await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for case in 2..42u32 {
        let store = std::sync::Arc::clone(&store);
        tasks.spawn(async move {
            let append = if case == 20 {
                // Case 1 is at version 1: this append expects 0.
                sample_append(1, 0, 1)
            } else {
                sample_append(case, 0, 2)
            };
            let target = format!("case {case}");
            let audit = entry(
                Action::CaseCommand(probity_domain::CommandKind::Close),
                &target,
            );
            (case, store.append(&[append], &[audit]).await)
        });
    }
    let mut refused = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            (case, Ok(records)) => assert_eq!(records.len(), 2, "case {case}"),
            (case, Err(e)) => refused.push((case, e)),
        }
    }
    assert!(
        matches!(
            refused.as_slice(),
            [(
                20,
                StoreError::Conflict {
                    expected: 0,
                    actual: 1,
                    ..
                }
            )]
        ),
        "{refused:?}"
    );
    let log = store.read_log(0, 1000).await.unwrap();
    assert_eq!(log.len(), 1 + 39 * 2);
    let mut v = Verifier::default();
    for (i, r) in log.iter().enumerate() {
        assert_eq!(r.position, i as i64 + 1);
        v.check(r).unwrap();
    }
    let audit = store.read_audit(0, 1000, None).await.unwrap();
    assert_eq!(audit.len(), 39);
    assert!(audit.iter().all(|r| r.entry.target != "case 20"));
}
