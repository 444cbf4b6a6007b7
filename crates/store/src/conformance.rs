//! The behaviour every backend must show, run against each from its own tests:
//! `probity_store::conformance::run(|| async { fresh_store().await }).await`.

use std::future::Future;

use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::{CaseId, PartyId, Reference};

use crate::projection::{AllegationRow, CaseProjection, CaseRow, FindingRow, SubjectRow};
use crate::{Append, EventStore, NewEvent, StoreError, Verifier};

fn case_id(n: u32) -> CaseId {
    CaseId::for_reference(&Reference::parse(&format!("CONF/{n}")).expect("valid"))
}

fn projection(n: u32, version: i64, status: &str) -> CaseProjection {
    CaseProjection {
        case: CaseRow {
            case_id: case_id(n).to_string(),
            reference: format!("CONF/{n}"),
            kind: "complaint".into(),
            force: "kent".into(),
            status: status.into(),
            received_on: "2023-01-02".into(),
            mode: None,
            sexual_misconduct: false,
            published_on: None,
            version,
        },
        subjects: vec![SubjectRow {
            party: 2,
            subject_kind: "officer".into(),
            rank: Some("Sergeant".into()),
            service_number: Some("KE1".into()),
            force: "kent".into(),
            former: false,
        }],
        allegations: vec![AllegationRow {
            allegation: 1,
            category: "B6".into(),
        }],
        findings: vec![FindingRow {
            subject: 2,
            allegation: 1,
            opinion: None,
            determination: None,
            outcome: "under investigation".into(),
        }],
    }
}

/// An append of `count` events to case `n`, after `expected`.
pub fn sample_append(n: u32, expected: u64, count: usize) -> Append {
    Append {
        case_id: case_id(n),
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
        projection: projection(n, (expected as usize + count) as i64, "logged"),
        grid_changed: expected == 0,
    }
}

async fn verify_all<S: EventStore>(store: &S) -> Result<i64, crate::BrokenLink> {
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

/// Runs every check, each on a fresh store from `fresh`.
pub async fn run<S, F, Fut>(fresh: F)
where
    S: EventStore,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    appends_are_read_back_in_order_with_a_verifying_chain(&fresh().await).await;
    stale_versions_are_refused_and_change_nothing(&fresh().await).await;
    a_batch_is_all_or_nothing(&fresh().await).await;
    personal_data_is_kept_apart_and_erasable(&fresh().await).await;
    read_models_follow_appends_and_can_be_replaced(&fresh().await).await;
}

pub async fn appends_are_read_back_in_order_with_a_verifying_chain<S: EventStore>(store: &S) {
    assert_eq!(store.head().await.unwrap(), None, "a new store is empty");
    let first = store
        .append(&[sample_append(1, 0, 3), sample_append(2, 0, 2)])
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|r| r.position).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    store.append(&[sample_append(1, 3, 2)]).await.unwrap();
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
}

pub async fn stale_versions_are_refused_and_change_nothing<S: EventStore>(store: &S) {
    store.append(&[sample_append(1, 0, 2)]).await.unwrap();
    let before = (store.head().await.unwrap(), store.counts().await.unwrap());
    for stale in [0, 1, 3] {
        match store.append(&[sample_append(1, stale, 1)]).await {
            Err(StoreError::Conflict {
                expected, actual, ..
            }) => {
                assert_eq!((expected, actual), (stale, 2));
            }
            other => panic!("a stale write must be refused, got {other:?}"),
        }
    }
    assert_eq!(
        (store.head().await.unwrap(), store.counts().await.unwrap()),
        before
    );
}

pub async fn a_batch_is_all_or_nothing<S: EventStore>(store: &S) {
    store.append(&[sample_append(2, 0, 1)]).await.unwrap();
    let before = (store.head().await.unwrap(), store.counts().await.unwrap());
    let batch = [sample_append(1, 0, 4), sample_append(2, 0, 1)];
    assert!(matches!(
        store.append(&batch).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        (store.head().await.unwrap(), store.counts().await.unwrap()),
        before
    );
    assert!(
        store.read_case(case_id(1)).await.unwrap().is_empty(),
        "no part of a refused batch is kept"
    );
    assert!(store.case_row(case_id(1)).await.unwrap().is_none());
}

pub async fn personal_data_is_kept_apart_and_erasable<S: EventStore>(store: &S) {
    let name = "Confidential Person";
    let mut a = sample_append(1, 0, 1);
    let data = PersonalData {
        name: name.into(),
        contact: Some("01234 567890".into()),
        date_of_birth: None,
        address: Some("1 High Street".into()),
    };
    a.personal_data = vec![(PartyId(1), SealedPersonalData::new(data.clone(), [9; 16]))];
    store.append(&[a]).await.unwrap();
    assert_eq!(
        store.personal_data(case_id(1), PartyId(1)).await.unwrap(),
        Some(data)
    );
    let log = store.read_log(0, 10).await.unwrap();
    assert!(
        log.iter().all(|r| !r.payload.contains(name)),
        "personal data never enters the log"
    );
    let mut erase = sample_append(1, 1, 1);
    erase.erase = vec![PartyId(1)];
    store.append(&[erase]).await.unwrap();
    assert_eq!(
        store.personal_data(case_id(1), PartyId(1)).await.unwrap(),
        None
    );
    assert_eq!(
        verify_all(store).await,
        Ok(2),
        "erasure leaves the chain intact"
    );
    assert_eq!(store.counts().await.unwrap().personal_data, 0);
}

pub async fn read_models_follow_appends_and_can_be_replaced<S: EventStore>(store: &S) {
    store.append(&[sample_append(1, 0, 2)]).await.unwrap();
    let row = store.case_row(case_id(1)).await.unwrap().unwrap();
    assert_eq!(
        (row.version, row.status.as_str(), row.reference.as_str()),
        (2, "logged", "CONF/1")
    );
    let mut next = sample_append(1, 2, 1);
    next.projection.case.status = "recorded".into();
    store.append(&[next]).await.unwrap();
    let row = store.case_row(case_id(1)).await.unwrap().unwrap();
    assert_eq!((row.version, row.status.as_str()), (3, "recorded"));
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (
            counts.cases,
            counts.subjects,
            counts.allegations,
            counts.findings
        ),
        (1, 1, 1, 1)
    );
    store
        .replace_read_models(&[projection(5, 1, "closed")])
        .await
        .unwrap();
    assert!(store.case_row(case_id(1)).await.unwrap().is_none());
    assert_eq!(
        store.case_row(case_id(5)).await.unwrap().unwrap().status,
        "closed"
    );
    assert_eq!(
        store.counts().await.unwrap().events,
        3,
        "rebuilding read models never touches the log"
    );
}
