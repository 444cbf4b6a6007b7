//! The behaviour every backend must show, run against each from its own tests:
//! `probity_store::conformance::run(|| async { fresh_store().await }).await`.

use std::future::Future;

use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::{CaseId, PartyId, Reference};

use crate::projection::{AllegationRow, CaseProjection, CaseRow, FindingRow, SubjectRow};
use probity_domain::CommandKind;

use crate::{
    AccountStore, Action, Append, AuditEntry, AuditStore, CaseQueries, CaseQuery, EventStore, Hash,
    NewEvent, Outcome, StoreError, UserRecord, Verifier, Viewer,
};

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
            restricted: false,
            publishable: false,
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
        access: Vec::new(),
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
    S: EventStore + AccountStore + AuditStore + CaseQueries,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    appends_are_read_back_in_order_with_a_verifying_chain(&fresh().await).await;
    stale_versions_are_refused_and_change_nothing(&fresh().await).await;
    a_batch_is_all_or_nothing(&fresh().await).await;
    personal_data_is_kept_apart_and_erasable(&fresh().await).await;
    read_models_follow_appends_and_can_be_replaced(&fresh().await).await;
    audit_entries_chain_and_travel_with_their_change(&fresh().await).await;
    accounts_sessions_and_tokens(&fresh().await).await;
    lists_show_only_what_the_viewer_may_see(&fresh().await).await;
}

pub async fn appends_are_read_back_in_order_with_a_verifying_chain<S: EventStore>(store: &S) {
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
}

pub async fn stale_versions_are_refused_and_change_nothing<S: EventStore>(store: &S) {
    store.append(&[sample_append(1, 0, 2)], &[]).await.unwrap();
    let before = (store.head().await.unwrap(), store.counts().await.unwrap());
    for stale in [0, 1, 3] {
        match store.append(&[sample_append(1, stale, 1)], &[]).await {
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
    store.append(&[sample_append(2, 0, 1)], &[]).await.unwrap();
    let before = (store.head().await.unwrap(), store.counts().await.unwrap());
    let batch = [sample_append(1, 0, 4), sample_append(2, 0, 1)];
    assert!(matches!(
        store.append(&batch, &[]).await,
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
    store.append(&[a], &[]).await.unwrap();
    assert_eq!(
        store.personal_data(case_id(1), PartyId(1)).await.unwrap(),
        Some(data.clone())
    );
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
    store.append(&[sample_append(1, 0, 2)], &[]).await.unwrap();
    let row = store.case_row(case_id(1)).await.unwrap().unwrap();
    assert_eq!(
        (row.version, row.status.as_str(), row.reference.as_str()),
        (2, "logged", "CONF/1")
    );
    let mut next = sample_append(1, 2, 1);
    next.projection.case.status = "recorded".into();
    store.append(&[next], &[]).await.unwrap();
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

pub async fn audit_entries_chain_and_travel_with_their_change<S: EventStore + AuditStore>(
    store: &S,
) {
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

pub async fn accounts_sessions_and_tokens<S: AccountStore + AuditStore>(store: &S) {
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
        .create_session(session, "ann", 100, &entry(Action::SessionLogin, "ann"))
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
    store
        .create_session(session, "ann", 100, &entry(Action::SessionLogin, "ann"))
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
    for at in [10, 20, 30] {
        store
            .record_login_failure("bob", at, &entry(Action::SessionLogin, "bob"))
            .await
            .unwrap();
    }
    assert_eq!(store.login_failures("bob", 20).await.unwrap(), 2);
    store.clear_login_failures("bob").await.unwrap();
    assert_eq!(store.login_failures("bob", 0).await.unwrap(), 0);
    assert_eq!(
        verify_audit(store).await,
        Ok(10),
        "every account change is audited"
    );
}

pub async fn lists_show_only_what_the_viewer_may_see<S: EventStore + CaseQueries>(store: &S) {
    let mut open = sample_append(1, 0, 1);
    open.projection.case.received_on = "2023-01-01".into();
    let mut restricted = sample_append(2, 0, 1);
    restricted.projection.case.restricted = true;
    restricted.projection.case.received_on = "2023-02-01".into();
    restricted.projection.access = vec![
        ("teamster".into(), None),
        ("visitor".into(), Some("2023-06-30".into())),
    ];
    let mut other_force = sample_append(3, 0, 1);
    other_force.projection.case.force = "essex".into();
    other_force.projection.case.publishable = true;
    other_force.projection.allegations[0].category = "G2".into();
    other_force.projection.subjects[0].force = "essex".into();
    store
        .append(&[open, restricted, other_force], &[])
        .await
        .unwrap();
    let viewer = |name: &str, force: Option<&str>, today: &str| Viewer {
        username: name.into(),
        force: force.map(str::to_string),
        publishable_only: false,
        today: today.into(),
    };
    let all = CaseQuery {
        limit: 50,
        ..CaseQuery::default()
    };
    let refs = |p: crate::Page<crate::CaseRow>| {
        (
            p.total,
            p.items.into_iter().map(|c| c.reference).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("outsider", None, "2023-03-01"), &all)
                .await
                .unwrap()
        ),
        (2, vec!["CONF/3".into(), "CONF/1".into()])
    );
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("teamster", None, "2023-03-01"), &all)
                .await
                .unwrap()
        )
        .0,
        3
    );
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("visitor", None, "2023-06-30"), &all)
                .await
                .unwrap()
        )
        .0,
        3
    );
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("visitor", None, "2023-07-01"), &all)
                .await
                .unwrap()
        )
        .0,
        2,
        "an expired grant shows nothing"
    );
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("teamster", Some("essex"), "2023-03-01"), &all)
                .await
                .unwrap()
        ),
        (1, vec!["CONF/3".into()])
    );
    let mut publications = viewer("pub", None, "2023-03-01");
    publications.publishable_only = true;
    assert_eq!(
        refs(store.list_cases(&publications, &all).await.unwrap()),
        (1, vec!["CONF/3".into()])
    );
    let g = CaseQuery {
        category: Some("G".into()),
        ..all.clone()
    };
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("teamster", None, "2023-03-01"), &g)
                .await
                .unwrap()
        )
        .1,
        ["CONF/3"]
    );
    let mine = CaseQuery {
        team_member: Some("teamster".into()),
        ..all.clone()
    };
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("teamster", None, "2023-03-01"), &mine)
                .await
                .unwrap()
        )
        .1,
        ["CONF/2"]
    );
    let dated = CaseQuery {
        received_from: Some("2023-01-15".into()),
        received_to: Some("2023-02-15".into()),
        ..all.clone()
    };
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("outsider", None, "2023-03-01"), &dated)
                .await
                .unwrap()
        )
        .0,
        0
    );
    let paged = CaseQuery {
        limit: 1,
        offset: 1,
        ..all.clone()
    };
    assert_eq!(
        refs(
            store
                .list_cases(&viewer("teamster", None, "2023-03-01"), &paged)
                .await
                .unwrap()
        ),
        (3, vec!["CONF/3".into()]),
        "newest first: CONF/2, CONF/3, CONF/1"
    );
    let history = store
        .subject_history(&viewer("outsider", None, "2023-03-01"), "kent", "KE1")
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
