//! The shell with a real SQLite store: the reference scenario end to end, refusals that leave
//! the log untouched, erasure, rebuild, and tamper detection.

use probity_domain::command::*;
use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::scenario::{self, REFERENCE_CASE};
use probity_domain::{Body, Command, Context, PartyId, Reference, Rule};
use probity_store::{EventStore, StoreError};

use crate::{AppError, Casebook, Db, demo};

async fn book() -> (Casebook, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("p.db").display());
    (Casebook::new(Db::connect(&url).await.unwrap()), dir)
}

/// A connection of the tests' own on the database file, as a hostile administrator would use.
fn pool(book: &Casebook) -> sqlx::SqlitePool {
    match book.db() {
        Db::Sqlite(s) => {
            sqlx::SqlitePool::connect_lazy(&format!("sqlite:{}", s.path().display())).unwrap()
        }
        Db::Postgres(_) => unreachable!("these tests run on SQLite"),
    }
}

fn salts() -> impl FnMut() -> [u8; 16] {
    let mut n = 0u8;
    move || {
        n += 1;
        [n; 16]
    }
}

async fn drive_reference(book: &Casebook) {
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    for step in scenario::reference_case(&mut salts()) {
        let head = book.db().head().await.unwrap();
        match (
            book.execute(&reference, &step.command, &step.context, None, "test")
                .await,
            step.refused_by,
        ) {
            (Ok(_), None) => {}
            (Err(AppError::Refused(r)), Some(rule)) => {
                assert_eq!(r.rule, rule);
                assert_eq!(
                    book.db().head().await.unwrap(),
                    head,
                    "a refused command leaves the log untouched"
                );
            }
            (other, expected) => panic!(
                "{}: {other:?}, expected refusal {expected:?}",
                step.command.name()
            ),
        }
    }
}

#[tokio::test]
async fn the_reference_case_file_shows_the_published_outcome() {
    let (book, _dir) = book().await;
    drive_reference(&book).await;
    let file = book
        .case_file(&Reference::parse(REFERENCE_CASE).unwrap())
        .await
        .unwrap();
    let json = serde_json::to_value(&file).unwrap();
    assert_eq!(json["reference"], "2020/134541");
    assert_eq!(json["status"], "closed");
    assert_eq!(json["subjects"].as_array().unwrap().len(), 2);
    assert_eq!(json["allegations"].as_array().unwrap().len(), 4);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 7, "one finding per subject per allegation");
    let cta: Vec<_> = findings
        .iter()
        .filter(|f| f["determination"] == "misconduct")
        .map(|f| {
            (
                f["subject"].as_str().unwrap(),
                f["allegation"].as_str().unwrap(),
                f["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(cta.len(), 3);
    for (_, _, outcome) in &cta {
        assert!(outcome.contains("reflective practice"), "{outcome}");
    }
    assert!(
        findings
            .iter()
            .filter(|f| f["determination"] == "no_case_to_answer")
            .all(|f| f["outcome"] == "no case to answer")
    );
    assert_eq!(json["publication"]["published_on"], "2022-04-04");
    assert!(
        json["learning_recommendations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let events = json["events"].as_array().unwrap();
    assert_eq!(events.len() as u64, file.version);
    assert_eq!(events[0]["actor"], "psd.assessor");
    assert!(
        events[0]["at"]
            .as_str()
            .unwrap()
            .starts_with("2020-04-06T09:00:00"),
        "{}",
        events[0]["at"]
    );
    assert_eq!(json["parties"][0]["name"], "Rowan Ashby");
    let text = file.to_text();
    assert!(text.contains("Case 2020/134541"));
    assert!(text.contains("published 2022-04-04"));
    // The stored log replays to the same state as the scripted run.
    let loaded = book
        .load(&Reference::parse(REFERENCE_CASE).unwrap())
        .await
        .unwrap();
    assert_eq!(probity_domain::Case::replay(&loaded.events), loaded.case);
    assert_eq!(book.verify().await.unwrap().events as u64, file.version);
}

#[tokio::test]
async fn stale_versions_and_unknown_references_are_refused() {
    let (book, _dir) = book().await;
    drive_reference(&book).await;
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    let version = book.load(&reference).await.unwrap().case.version;
    let ctx = Context::new(
        scenario::morning(jiff::civil::date(2022, 5, 1)),
        "x",
        Body::OversightBody,
    );
    let cmd = Command::LogDecision(LogDecision {
        decision: "d".into(),
        rationale: "r".into(),
        acted: false,
    });
    let err = book
        .execute(&reference, &cmd, &ctx, Some(version - 1), "test")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Store(StoreError::Conflict { .. })),
        "{err}"
    );
    let unknown = Reference::parse("1999/000001").unwrap();
    assert!(matches!(
        book.execute(&unknown, &cmd, &ctx, None, "test").await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        book.case_file(&unknown).await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_batch_with_a_refused_command_writes_nothing() {
    let (book, _dir) = book().await;
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    let mut items: Vec<_> = scenario::reference_case(&mut salts())
        .into_iter()
        .map(|s| (reference.clone(), s.command, s.context))
        .collect();
    items.truncate(40);
    let err = book.execute_batch(&items, None, "test").await.unwrap_err();
    assert!(matches!(err, AppError::Refused(_)));
    assert_eq!(book.counts().await.unwrap().events, 0);
    assert_eq!(book.counts().await.unwrap().cases, 0);
}

#[tokio::test]
async fn erasing_a_party_keeps_the_chain_and_the_record() {
    let (book, _dir) = book().await;
    drive_reference(&book).await;
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    let ctx = Context::new(
        scenario::morning(jiff::civil::date(2028, 4, 5)),
        "records.officer",
        Body::OversightBody,
    );
    book.execute(
        &reference,
        &Command::ErasePersonalData(ErasePersonalData {
            party: PartyId(1),
            reason: "retention period ended".into(),
        }),
        &ctx,
        None,
        "test",
    )
    .await
    .unwrap();
    let file = book.case_file(&reference).await.unwrap();
    assert_eq!(file.parties[0].name, None);
    assert_eq!(file.parties[1].name.as_deref(), Some("Daniel Morrow"));
    let everything: Vec<String> = sqlx::query_scalar("SELECT payload FROM events")
        .fetch_all(&pool(&book))
        .await
        .unwrap();
    assert!(everything.iter().all(|p| !p.contains("Rowan Ashby")));
    let personal: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM personal_data WHERE data LIKE '%Rowan Ashby%'")
            .fetch_one(&pool(&book))
            .await
            .unwrap();
    assert_eq!(personal, 0);
    let verified = book.verify().await.unwrap();
    assert_eq!(verified.events as u64, file.version);
}

#[tokio::test]
async fn a_closed_case_takes_no_new_parties() {
    let (book, _dir) = book().await;
    drive_reference(&book).await;
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    let ctx = Context::new(
        scenario::morning(jiff::civil::date(2021, 1, 5)),
        "x",
        Body::OversightBody,
    );
    let mut sealed = SealedPersonalData::new(
        PersonalData {
            name: "W".into(),
            contact: None,
            date_of_birth: None,
            address: None,
        },
        [1; 16],
    );
    sealed.salt = "not hex".into();
    // The case is closed by now; a closed case refuses new parties before the salt is checked.
    let err = book
        .execute(
            &reference,
            &Command::AddParty(AddParty {
                role: probity_domain::party::PartyRole::Witness,
                vulnerabilities: vec![],
                personal_data: sealed,
            }),
            &ctx,
            None,
            "test",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Refused(ref r) if r.rule == Rule::WrongStage),
        "{err}"
    );
}

#[tokio::test]
async fn demo_fills_once_and_rebuild_reproduces_the_read_models() {
    let (book, _dir) = book().await;
    let summary = demo::fill(&book, 40).await.unwrap();
    assert_eq!(summary.cases, 41);
    let before = book.counts().await.unwrap();
    assert_eq!(before.cases, 41);
    assert!(before.events > 500, "{before:?}");
    let snapshot = |book: &Casebook| {
        let pool = pool(book).clone();
        async move {
            sqlx::query_as::<_, (String, String, i64, String)>(
                "SELECT c.reference, c.status, c.version, COALESCE(GROUP_CONCAT(f.subject || '/' || f.allegation || '=' || f.outcome, ';'), '')
                 FROM cases c LEFT JOIN findings f ON f.case_id = c.case_id GROUP BY c.case_id ORDER BY c.reference",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let rows_before = snapshot(&book).await;
    sqlx::query("DELETE FROM findings")
        .execute(&pool(&book))
        .await
        .unwrap();
    sqlx::query("UPDATE cases SET status = 'garbage'")
        .execute(&pool(&book))
        .await
        .unwrap();
    let after = book.rebuild().await.unwrap();
    assert_eq!(after, before);
    assert_eq!(snapshot(&book).await, rows_before);
    let again = demo::fill(&book, 1).await.unwrap_err();
    assert!(again.to_string().contains("empty database"), "{again}");
}

mod tampering {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Changing any byte of any stored event makes verification fail at or just after it.
        #[test]
        fn any_changed_byte_fails_verification(pick in any::<u32>(), at in any::<u32>(), bit in 0u8..7) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let (book, _dir) = book().await;
                drive_reference(&book).await;
                let total = book.counts().await.unwrap().events;
                let position = i64::from(pick) % total + 1;
                let payload: String = sqlx::query_scalar("SELECT payload FROM events WHERE position = $1").bind(position).fetch_one(&pool(&book)).await.unwrap();
                let mut bytes = payload.into_bytes();
                let i = at as usize % bytes.len();
                bytes[i] ^= 1 << bit;
                let changed = String::from_utf8_lossy(&bytes).into_owned();
                sqlx::query("DROP TRIGGER events_refuse_update").execute(&pool(&book)).await.unwrap();
                sqlx::query("UPDATE events SET payload = $1 WHERE position = $2").bind(changed).bind(position).execute(&pool(&book)).await.unwrap();
                match book.verify().await {
                    Err(AppError::Broken(b)) => assert_eq!(b.position, position),
                    other => panic!("tampering at {position} was not detected: {other:?}"),
                }
            });
        }
    }
}

mod moving {
    use super::*;
    use crate::migrate::migrate_store;
    use probity_domain::access::StaffRole;

    async fn filled() -> (Casebook, tempfile::TempDir) {
        let (book, dir) = book().await;
        demo::fill(&book, 20).await.unwrap();
        book.add_user(
            crate::accounts::NewUser {
                username: "ann".into(),
                role: StaffRole::Investigator,
                body: Body::OversightBody,
                force: None,
                password: "a long enough password".into(),
            },
            "test",
        )
        .await
        .unwrap();
        let reference = Reference::parse(REFERENCE_CASE).unwrap();
        let ctx = Context::new(
            scenario::morning(jiff::civil::date(2028, 4, 5)),
            "records.officer",
            Body::OversightBody,
        );
        book.execute(
            &reference,
            &Command::ErasePersonalData(ErasePersonalData {
                party: PartyId(5),
                reason: "retention".into(),
            }),
            &ctx,
            None,
            "test",
        )
        .await
        .unwrap();
        (book, dir)
    }

    async fn check_move(from: &Casebook, to: &Casebook) {
        let moved = migrate_store(from, to, &|_| {}).await.unwrap();
        let source = from.verify().await.unwrap();
        assert_eq!(moved.events, source.events);
        assert_eq!(moved.head, source.head, "the same chain head");
        assert_eq!(moved.audit_entries, source.audit_entries);
        assert_eq!(moved.users, 1);
        assert_eq!(moved.cases, 21);
        let reference = Reference::parse(REFERENCE_CASE).unwrap();
        let a = serde_json::to_value(from.case_file(&reference).await.unwrap()).unwrap();
        let b = serde_json::to_value(to.case_file(&reference).await.unwrap()).unwrap();
        assert_eq!(a, b, "the same case file, names and erasures included");
        assert_eq!(b["parties"][4]["name"], serde_json::Value::Null);
        assert!(
            to.log_in("ann", "a long enough password").await.is_ok(),
            "accounts move with their passwords"
        );
        let again = migrate_store(from, to, &|_| {}).await.unwrap_err();
        assert!(again.to_string().contains("not empty"), "{again}");
    }

    #[tokio::test]
    async fn a_store_moves_whole_to_sqlite() {
        let (from, _a) = filled().await;
        let (to, _b) = book().await;
        check_move(&from, &to).await;
    }

    #[tokio::test]
    async fn a_store_moves_whole_to_postgres() {
        let Some(url) = std::env::var("TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
            eprintln!("skipped: set TEST_PG_URL to move a store to PostgreSQL");
            return;
        };
        let (from, _a) = filled().await;
        let mut b = [0u8; 6];
        getrandom::fill(&mut b).unwrap();
        let schema = format!("t_{}", probity_domain::hex::encode(&b));
        let to = Casebook::new(Db::postgres_in_schema(&url, &schema).await.unwrap());
        check_move(&from, &to).await;
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA \"{schema}\" CASCADE"
        )))
        .execute(&pool)
        .await
        .unwrap();
    }
}

/// Case files are kept between reads; a change through this casebook, or through another
/// one on the same database (another process or server), is seen at the next read.
#[tokio::test]
async fn a_kept_case_file_never_outlives_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("p.db").display());
    let here = Casebook::new(Db::connect(&url).await.unwrap());
    let elsewhere = Casebook::new(Db::connect(&url).await.unwrap());
    drive_reference(&here).await;
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    let reader = probity_domain::access::Principal {
        username: "oversight.decision-maker".into(),
        role: probity_domain::access::StaffRole::DecisionMaker,
        body: Body::OversightBody,
        force: None,
    };
    let read = |book: &Casebook| {
        let (book, reference, reader) = (book.clone(), reference.clone(), reader.clone());
        async move {
            let json = book
                .case_file_as(&reader, &reference, "test")
                .await
                .unwrap();
            serde_json::from_slice::<serde_json::Value>(&json).unwrap()
        }
    };
    let first = read(&here).await;
    assert_eq!(here.recent().len(), 1);
    assert_eq!(
        read(&here).await,
        first,
        "a second read is served the same file"
    );
    assert_eq!(first["parties"][1]["name"], "Daniel Morrow");

    let ctx = Context::new(
        scenario::morning(jiff::civil::date(2028, 4, 5)),
        "records.officer",
        Body::OversightBody,
    );
    let erase = |party| {
        Command::ErasePersonalData(ErasePersonalData {
            party: PartyId(party),
            reason: "retention period ended".into(),
        })
    };
    // Through another casebook: this one learns of it from the version.
    elsewhere
        .execute(&reference, &erase(2), &ctx, None, "test")
        .await
        .unwrap();
    let second = read(&here).await;
    assert_eq!(second["version"], first["version"].as_u64().unwrap() + 1);
    assert_eq!(second["parties"][1]["name"], serde_json::Value::Null);
    // Through this one: the kept file is dropped at once, before any read.
    here.execute(&reference, &erase(1), &ctx, None, "test")
        .await
        .unwrap();
    assert!(here.recent().is_empty(), "erased data does not linger");
    let third = read(&here).await;
    assert_eq!(third["parties"][0]["name"], serde_json::Value::Null);
    assert_eq!(
        third,
        serde_json::to_value(here.case_file(&reference).await.unwrap()).unwrap()
    );
}
