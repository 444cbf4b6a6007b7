//! The shell with a real SQLite store: the reference scenario end to end through desks, one
//! audit entry per operation, refusals that leave the log untouched, erasure, rebuild, moving a
//! store, kept case files, and tamper detection.

use probity_domain::access::StaffRole;
use probity_domain::command::*;
use probity_domain::party::{PartyRole, PersonalData, SealedPersonalData};
use probity_domain::scenario::{self, REFERENCE_CASE};
use probity_domain::{Body, Case, Command, PartyId, Reference, Rule};
use probity_store::{Action, Outcome, StoreError};

use crate::{AppError, Console, Desk, NewUser, Office};

async fn office() -> (Office, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("p.db").display());
    (Office::open(&url).await.unwrap(), dir)
}

async fn console(office: &Office, actor: &str, role: StaffRole) -> Desk {
    office
        .console(Console {
            actor: actor.into(),
            role: Some(role),
            ..Console::default()
        })
        .await
        .unwrap()
}

async fn admin(office: &Office) -> Desk {
    console(office, "root", StaffRole::Administrator).await
}

async fn decision_maker(office: &Office) -> Desk {
    console(office, "oversight.decision-maker", StaffRole::DecisionMaker).await
}

/// A connection of the tests' own on the database file, as a hostile administrator would use.
fn pool(dir: &tempfile::TempDir) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect_lazy(&format!("sqlite:{}", dir.path().join("p.db").display()))
        .unwrap()
}

/// The erasure of a party's personal data, its retention ended.
fn erasure(party: u32) -> Command {
    Command::ErasePersonalData(ErasePersonalData {
        party: PartyId(party),
        reason: "retention period ended".into(),
    })
}

fn salts() -> impl FnMut() -> [u8; 16] {
    let mut n = 0u8;
    move || {
        n += 1;
        [n; 16]
    }
}

fn reference() -> Reference {
    Reference::parse(REFERENCE_CASE).unwrap()
}

/// The audit trail as (actor, action, outcome, detail).
async fn trail(office: &Office) -> Vec<(String, Action, Outcome, String)> {
    office
        .book()
        .db()
        .read_audit(0, i64::MAX, None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.entry.actor,
                r.entry.action,
                r.entry.outcome,
                r.entry.detail,
            )
        })
        .collect()
}

/// Drives the reference scenario step by step, each step imported with its own actor and day.
async fn drive_reference(office: &Office) {
    let desk = admin(office).await;
    let r = reference();
    for step in scenario::reference_case(&mut salts()) {
        let head = office.book().db().head().await.unwrap();
        let item = [(r.clone(), step.command.clone(), step.context.clone())];
        match (desk.import(&item).await, step.refused_by) {
            (Ok(_), None) => {}
            (Err(AppError::Refused(refusal)), Some(rule)) => {
                assert_eq!(refusal.rule, rule);
                assert_eq!(
                    office.book().db().head().await.unwrap(),
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

/// The anonymisation check sees the names only the personal data holds: a draft naming a
/// party carries the finding, and its approval is refused saying what kind of thing was found
/// and where, never the thing itself (refusals are audited).
#[tokio::test]
async fn a_draft_that_names_a_party_is_not_approved_and_the_name_is_not_repeated() {
    let (office, _dir) = office().await;
    let desk = admin(&office).await;
    let r = reference();
    let mut published = None;
    for step in scenario::reference_case(&mut salts()) {
        if step.refused_by.is_some() {
            continue;
        }
        if let Command::DraftPublication(d) = &step.command
            && d.themes.len() == 1
        {
            published = Some(d.clone());
            break;
        }
        desk.import(&[(r.clone(), step.command.clone(), step.context.clone())])
            .await
            .unwrap();
    }
    let published = published.expect("the script publishes");
    let author = console(&office, "the.author", StaffRole::PublicationsOfficer).await;
    let approver = console(&office, "the.approver", StaffRole::PublicationsOfficer).await;
    let named = Command::DraftPublication(DraftPublication {
        summary: format!("{} We spoke to Ellis Tanner.", published.summary),
        ..published.clone()
    });
    let drafted = author.run_on(&r, &named, None, None).await.unwrap();
    let approve = |version| {
        Command::ApprovePublication(ApprovePublication {
            version,
            publish_on: None,
        })
    };
    let version = drafted.version;
    let draft_number = 2;
    let head = office.book().db().head().await.unwrap();
    match approver
        .run_on(&r, &approve(draft_number), None, None)
        .await
    {
        Err(AppError::Refused(refusal)) => {
            assert_eq!(refusal.rule, Rule::AnonymisationFinding);
            assert!(
                refusal
                    .detail
                    .contains("a name in the summary at line 1, column"),
                "{}",
                refusal.detail
            );
            assert!(!refusal.detail.contains("Tanner"), "{}", refusal.detail);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        office.book().db().head().await.unwrap(),
        head,
        "nothing written"
    );
    assert!(version > 0);
    let audited = trail(&office).await;
    assert!(
        audited
            .iter()
            .all(|(_, _, _, detail)| !detail.contains("Tanner"))
    );
    author
        .run_on(&r, &Command::DraftPublication(published), None, None)
        .await
        .expect("a draft naming no one");
    match author.run_on(&r, &approve(3), None, None).await {
        Err(AppError::Refused(refusal)) => assert_eq!(refusal.rule, Rule::SecondPersonRequired),
        other => panic!("{other:?}"),
    }
    approver
        .run_on(&r, &approve(3), None, None)
        .await
        .expect("a second person approves");
}

#[tokio::test]
async fn the_reference_case_file_shows_the_published_outcome() {
    let (office, _dir) = office().await;
    drive_reference(&office).await;
    let file = decision_maker(&office)
        .await
        .case_file(&reference(), probity_domain::access::ReadPurpose::CASE_WORK)
        .await
        .unwrap();
    let json = serde_json::to_value(&*file).unwrap();
    assert_eq!(json["reference"], "2020/134541");
    assert_eq!(json["status"], "closed");
    assert_eq!(json["subjects"].as_array().unwrap().len(), 2);
    assert_eq!(json["allegations"].as_array().unwrap().len(), 4);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 7, "one finding per subject per allegation");
    let cta: Vec<_> = findings
        .iter()
        .filter(|f| f["determination"] == "misconduct")
        .map(|f| f["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(cta.len(), 3);
    for outcome in &cta {
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
    // The day it happened is the case's own; the moment of entry is when the demo was loaded.
    assert_eq!(events[0]["on"], "2020-04-06");
    let entered = events[0]["at"].as_str().unwrap();
    let entered: jiff::Timestamp = entered.parse().unwrap();
    assert!(
        jiff::Timestamp::now().duration_since(entered).as_secs() < 600,
        "entered {entered}"
    );
    let outcome = events
        .iter()
        .find(|e| e["kind"] == "outcome_notified")
        .unwrap();
    assert_eq!(outcome["on"], "2022-03-01");
    assert_eq!(json["parties"][0]["name"], "Rowan Ashby");
    // The stored log replays to the same state as the scripted run.
    let loaded = office.book().load(&reference()).await.unwrap();
    assert_eq!(Case::replay(&loaded.events), loaded.case);
    let verified = console(&office, "auditor", StaffRole::Auditor)
        .await
        .verify()
        .await
        .unwrap();
    assert_eq!(verified.events as u64, file.version);
}

/// Every operation of a desk leaves exactly one audit entry, whatever its outcome.
#[tokio::test]
async fn every_operation_leaves_one_audit_entry() {
    let (office, _dir) = office().await;
    drive_reference(&office).await;
    let r = reference();
    let dm = decision_maker(&office).await;
    let analyst = console(&office, "an.analyst", StaffRole::Analyst).await;
    let root = admin(&office).await;
    let version = dm
        .case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
        .await
        .unwrap()
        .version;
    let assign = |u: &str| Command::AssignToTeam(AssignToTeam { user: u.into() });
    let unknown = Reference::parse("1999/000001").unwrap();
    let kent = probity_domain::force::Force::parse("kent").unwrap();
    let mut expected: Vec<(Action, Outcome, String)> = Vec::new();
    let before = trail(&office).await.len();
    macro_rules! step {
        ($op:expr, $action:expr, $outcome:expr, $detail:expr) => {{
            let _ = $op;
            expected.push(($action, $outcome, $detail.to_string()));
        }};
    }
    let team = Action::CaseCommand(CommandKind::AssignToTeam);
    step!(
        dm.run(&r, &assign("a.one"), Some(version)).await.unwrap(),
        team,
        Outcome::Allowed,
        ""
    );
    step!(
        dm.run(&r, &assign("a.two"), Some(version))
            .await
            .unwrap_err(),
        team,
        Outcome::Failed,
        "stale version"
    );
    step!(
        dm.run(&r, &assign("a.one"), None).await.unwrap_err(),
        team,
        Outcome::Refused,
        "team-change"
    );
    step!(
        dm.run(&unknown, &assign("a.three"), None)
            .await
            .unwrap_err(),
        team,
        Outcome::Refused,
        "case-not-open"
    );
    step!(
        analyst.run(&r, &assign("a.four"), None).await.unwrap_err(),
        team,
        Outcome::Denied,
        "role"
    );
    step!(
        dm.case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
            .await
            .unwrap(),
        Action::CaseRead,
        Outcome::Allowed,
        ""
    );
    step!(
        analyst
            .case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
            .await
            .unwrap_err(),
        Action::CaseRead,
        Outcome::Denied,
        "role"
    );
    step!(
        dm.case_file(&unknown, probity_domain::access::ReadPurpose::CASE_WORK)
            .await
            .unwrap_err(),
        Action::CaseRead,
        Outcome::Failed,
        "no such case"
    );
    step!(
        dm.list_cases(&probity_store::CaseQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap(),
        Action::CasesList,
        Outcome::Allowed,
        "1 of 1"
    );
    step!(
        dm.subject_history(kent, "KE1").await.unwrap(),
        Action::SubjectHistory,
        Outcome::Allowed,
        "0"
    );
    step!(
        dm.audit_trail(0, 10, None).await.unwrap_err(),
        Action::AuditRead,
        Outcome::Denied,
        "role"
    );
    let new = |name: &str| NewUser {
        username: name.into(),
        role: StaffRole::Investigator,
        body: Body::OversightBody,
        force: None,
        password: "a long enough password".into(),
    };
    step!(
        root.add_user(new("ann")).await.unwrap(),
        Action::UserAdd,
        Outcome::Allowed,
        "investigator"
    );
    step!(
        root.add_user(new("ann")).await.unwrap_err(),
        Action::UserAdd,
        Outcome::Failed,
        "exists"
    );
    step!(
        dm.add_user(new("bob")).await.unwrap_err(),
        Action::UserAdd,
        Outcome::Denied,
        "role"
    );
    step!(
        root.users().await.unwrap(),
        Action::UsersList,
        Outcome::Allowed,
        "1"
    );
    step!(
        root.create_token("nobody", "t").await.unwrap_err(),
        Action::TokenCreate,
        Outcome::Failed,
        "bad input"
    );
    step!(
        dm.verify().await.unwrap_err(),
        Action::ChainsVerify,
        Outcome::Denied,
        "role"
    );
    step!(
        root.rebuild().await.unwrap(),
        Action::ReadModelsRebuild,
        Outcome::Allowed,
        format!("1 cases from {} events", version + 1)
    );
    let after = trail(&office).await;
    let got: Vec<_> = after[before..]
        .iter()
        .map(|(_, a, o, d)| (*a, *o, d.clone()))
        .collect();
    assert_eq!(got, expected);
    assert!(
        after[before..]
            .iter()
            .all(|(actor, ..)| actor.starts_with("console:")),
        "console operations name the console actor"
    );
}

/// A command is decided on the case as it stands, and the store alone compares versions: a
/// stale command the case would still accept is refused as stale; one it no longer accepts is
/// refused by the rule it breaks now.
#[tokio::test]
async fn stale_commands_meet_the_store_s_version_check() {
    let (office, _dir) = office().await;
    drive_reference(&office).await;
    let r = reference();
    let dm = decision_maker(&office).await;
    let assign = |u: &str| Command::AssignToTeam(AssignToTeam { user: u.into() });
    let seen = dm
        .case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
        .await
        .unwrap()
        .version;
    dm.run(&r, &assign("first.one"), Some(seen)).await.unwrap();
    let stale = dm
        .run(&r, &assign("second.one"), Some(seen))
        .await
        .unwrap_err();
    assert!(
        matches!(stale, AppError::Store(StoreError::Conflict { expected, actual, .. }) if expected == seen && actual == seen + 1),
        "{stale}"
    );
    let broken = dm
        .run(&r, &assign("first.one"), Some(seen))
        .await
        .unwrap_err();
    assert!(
        matches!(broken, AppError::Refused(ref x) if x.rule == Rule::TeamChange),
        "{broken}"
    );
    assert_eq!(
        dm.case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
            .await
            .unwrap()
            .version,
        seen + 1,
        "neither changed anything"
    );
}

#[tokio::test]
async fn unknown_references_read_as_no_such_case() {
    let (office, _dir) = office().await;
    let dm = decision_maker(&office).await;
    let unknown = Reference::parse("1999/000001").unwrap();
    let cmd = Command::LogDecision(LogDecision {
        decision: "d".into(),
        rationale: "r".into(),
        acted: false,
    });
    let refused = dm.run(&unknown, &cmd, None).await.unwrap_err();
    assert!(refused.is_no_such_case(), "{refused}");
    assert!(matches!(refused, AppError::Refused(ref r) if r.rule == Rule::CaseNotOpen));
    let read = dm
        .case_file(&unknown, probity_domain::access::ReadPurpose::CASE_WORK)
        .await
        .unwrap_err();
    assert!(read.is_no_such_case(), "{read}");
    assert_eq!(office.book().counts().await.unwrap().events, 0);
}

#[tokio::test]
async fn a_batch_with_a_refused_command_writes_nothing_and_says_which() {
    let (office, _dir) = office().await;
    let r = reference();
    let steps = scenario::reference_case(&mut salts());
    let first_mistake = steps.iter().position(|s| s.refused_by.is_some()).unwrap();
    let items: Vec<_> = steps
        .into_iter()
        .map(|s| (r.clone(), s.command, s.context))
        .take(first_mistake + 5)
        .collect();
    let err = admin(&office).await.import(&items).await.unwrap_err();
    assert!(matches!(err, AppError::Refused(_)));
    let counts = office.book().counts().await.unwrap();
    assert_eq!((counts.events, counts.cases), (0, 0));
    let entries = trail(&office).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        (entries[0].1, entries[0].2),
        (
            Action::CaseCommand(items[first_mistake].1.kind()),
            Outcome::Refused
        )
    );
}

#[tokio::test]
async fn erasing_a_party_keeps_the_chain_and_the_record() {
    let (office, dir) = office().await;
    drive_reference(&office).await;
    let dm = decision_maker(&office).await;
    dm.run(&reference(), &erasure(1), None).await.unwrap();
    let file = dm
        .case_file(&reference(), probity_domain::access::ReadPurpose::CASE_WORK)
        .await
        .unwrap();
    assert_eq!(file.parties[0].name, None);
    assert_eq!(file.parties[1].name.as_deref(), Some("Daniel Morrow"));
    let everything: Vec<String> = sqlx::query_scalar("SELECT payload FROM events")
        .fetch_all(&pool(&dir))
        .await
        .unwrap();
    assert!(everything.iter().all(|p| !p.contains("Rowan Ashby")));
    let personal: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM personal_data WHERE data LIKE '%Rowan Ashby%'")
            .fetch_one(&pool(&dir))
            .await
            .unwrap();
    assert_eq!(personal, 0);
    let verified = office.book().verify(&Default::default()).await.unwrap();
    assert_eq!(verified.events as u64, file.version);
}

/// What an erasure removes leaves the database file too: neither the name nor the salt that
/// could match the commitment again can be read from it once the store is closed.
#[tokio::test]
async fn an_erased_name_and_its_salt_leave_the_file() {
    let (office, dir) = office().await;
    drive_reference(&office).await;
    let salt: String = sqlx::query_scalar("SELECT salt FROM personal_data WHERE party = 1")
        .fetch_one(&pool(&dir))
        .await
        .unwrap();
    let file = || {
        let mut bytes = std::fs::read(dir.path().join("p.db")).unwrap();
        bytes.extend(std::fs::read(dir.path().join("p.db-wal")).unwrap_or_default());
        bytes
    };
    let holds =
        |bytes: &[u8], needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    office.close().await.unwrap();
    assert!(
        holds(&file(), "Rowan Ashby") && holds(&file(), &salt),
        "stored before"
    );
    let office = Office::open(&format!("sqlite:{}", dir.path().join("p.db").display()))
        .await
        .unwrap();
    decision_maker(&office)
        .await
        .run(&reference(), &erasure(1), None)
        .await
        .unwrap();
    office.close().await.unwrap();
    let bytes = file();
    assert!(
        !holds(&bytes, "Rowan Ashby"),
        "the erased name is still in the file"
    );
    assert!(
        !holds(&bytes, &salt),
        "the erased salt is still in the file"
    );
}

#[tokio::test]
async fn a_closed_case_takes_no_new_parties() {
    let (office, _dir) = office().await;
    drive_reference(&office).await;
    let mut sealed = SealedPersonalData::new(
        PersonalData {
            name: "W".into(),
            contact: None,
            date_of_birth: None,
            address: None,
            nicknames: Vec::new(),
            vehicle_registrations: Vec::new(),
        },
        [1; 16],
    );
    sealed.salt = "not hex".into();
    // The case is closed; a closed case refuses new parties before the salt is checked.
    let err = decision_maker(&office)
        .await
        .run(
            &reference(),
            &Command::AddParty(AddParty {
                characteristics: Default::default(),
                role: PartyRole::Witness,
                vulnerabilities: vec![],
                personal_data: sealed,
            }),
            None,
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
    let (office, dir) = office().await;
    let root = admin(&office).await;
    let summary = root.load_demo(40).await.unwrap();
    assert_eq!(summary.cases, 41);
    let before = root.counts().await.unwrap();
    assert_eq!(before.cases, 41);
    assert!(before.events > 500, "{before:?}");
    let snapshot = |dir: &tempfile::TempDir| {
        let pool = pool(dir).clone();
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
    let rows_before = snapshot(&dir).await;
    sqlx::query("DELETE FROM findings")
        .execute(&pool(&dir))
        .await
        .unwrap();
    sqlx::query("UPDATE cases SET status = 'garbage'")
        .execute(&pool(&dir))
        .await
        .unwrap();
    let after = root.rebuild().await.unwrap();
    assert_eq!(after, before);
    assert_eq!(snapshot(&dir).await, rows_before);
    let again = root.load_demo(1).await.unwrap_err();
    assert!(again.to_string().contains("empty database"), "{again}");
    let not_admin = decision_maker(&office)
        .await
        .load_demo(1)
        .await
        .unwrap_err();
    assert!(matches!(not_admin, AppError::Denied(_)), "{not_admin}");
}

/// Every row of one read model, in a fixed order, read back through the store's generic reader.
async fn snapshot(
    office: &Office,
    table: &probity_store::read_model::Table,
) -> Vec<probity_store::Row> {
    let columns = table.column_list(None);
    let rows = office
        .book()
        .db()
        .query(&[probity_store::Query {
            sql: format!("SELECT {columns} FROM {} ORDER BY {columns}", table.name),
            binds: Vec::new(),
            columns: table.types(),
            point: false,
        }])
        .await
        .unwrap();
    rows.into_iter().next().unwrap()
}

/// For each read model: what appends wrote row by row, case by case, is exactly what a rebuild
/// from the log gives, and a rebuild restores the model after its rows are lost or altered.
#[tokio::test]
async fn rebuild_reproduces_every_read_model() {
    let (office, dir) = office().await;
    let root = admin(&office).await;
    // Enough synthetic cases that some reach publication with a recommendation.
    root.load_demo(300).await.unwrap();
    // Changes after the demo: an erasure, a team, a grant, an appeal-free closure all move rows.
    let dm = decision_maker(&office).await;
    let r = reference();
    for command in [
        Command::AssignToTeam(AssignToTeam {
            user: "a.member".into(),
        }),
        Command::GrantAccess(GrantAccess {
            user: "a.visitor".into(),
            until: probity_domain::london()
                .to_datetime(jiff::Timestamp::now())
                .date(),
            reason: "second opinion".into(),
        }),
        erasure(4),
    ] {
        dm.run(&r, &command, None).await.unwrap();
    }
    let models = probity_store::projection::READ_MODELS;
    let mut written = Vec::new();
    for m in models {
        let rows = snapshot(&office, m.table).await;
        assert!(!rows.is_empty(), "the demo fills {}", m.table.name);
        written.push(rows);
    }
    root.rebuild().await.unwrap();
    for (m, rows) in models.iter().zip(&written) {
        assert_eq!(
            &snapshot(&office, m.table).await,
            rows,
            "{}: the rows appends wrote are the rows a rebuild gives",
            m.table.name
        );
    }
    let pool = pool(&dir);
    for (m, rows) in models.iter().zip(&written) {
        let t = m.table.name;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {t} WHERE rowid % 3 = 0 OR rowid = (SELECT MIN(rowid) FROM {t})"
        )))
        .execute(&pool)
        .await
        .unwrap();
        assert_ne!(
            &snapshot(&office, m.table).await,
            rows,
            "{} was damaged",
            m.table.name
        );
        root.rebuild().await.unwrap();
        assert_eq!(
            &snapshot(&office, m.table).await,
            rows,
            "{}: a rebuild restores it",
            m.table.name
        );
    }
}

/// At the console a principal is the account of the same name, or the role it names, or the
/// command's default; with none of these it is refused.
#[tokio::test]
async fn the_console_acts_as_a_named_role_or_account() {
    let (office, _dir) = office().await;
    let root = admin(&office).await;
    root.add_user(NewUser {
        username: "kent.liaison".into(),
        role: StaffRole::ForceLiaison,
        body: Body::AppropriateAuthority,
        force: Some(probity_domain::force::Force::parse("kent").unwrap()),
        password: "a long enough password".into(),
    })
    .await
    .unwrap();
    let as_account = office
        .console(Console {
            actor: "kent.liaison".into(),
            ..Console::default()
        })
        .await
        .unwrap();
    let p = as_account.principal();
    assert_eq!(
        (p.role, p.body, p.force.map(|f| f.code())),
        (
            StaffRole::ForceLiaison,
            Body::AppropriateAuthority,
            Some("kent")
        )
    );
    let nobody = office
        .console(Console {
            actor: "root".into(),
            ..Console::default()
        })
        .await
        .unwrap_err();
    assert!(nobody.to_string().contains("--as"), "{nobody}");
    let defaulted = office
        .console(Console {
            actor: "root".into(),
            default_role: Some(StaffRole::Auditor),
            ..Console::default()
        })
        .await
        .unwrap();
    assert_eq!(defaulted.principal().role, StaffRole::Auditor);
    let bad = office
        .console(Console {
            actor: "no spaces".into(),
            role: Some(StaffRole::Auditor),
            ..Console::default()
        })
        .await;
    assert!(bad.is_err());
}

/// A chain is read in pages; a break in a later page is found at its position, and an intact
/// chain verifies the same whatever the page size.
#[tokio::test]
async fn verification_reads_the_chains_page_by_page() {
    let (office, dir) = office().await;
    admin(&office).await.load_demo(12).await.unwrap();
    let book = office.book();
    let whole = book.verify_events(16_384, Vec::new()).await.unwrap();
    assert!(whole.position > 150, "{}", whole.position);
    for rows in [1, 7, 64] {
        let paged = book.verify_events(rows, Vec::new()).await.unwrap();
        assert_eq!((paged.position, paged.head), (whole.position, whole.head));
        let (audit, _) = book.verify_audit(rows, Vec::new()).await.unwrap();
        assert_eq!(
            audit.position,
            book.verify_audit(16_384, Vec::new())
                .await
                .unwrap()
                .0
                .position
        );
    }
    let pool = pool(&dir);
    sqlx::query("DROP TRIGGER events_refuse_update")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE events SET kind = 'other' WHERE position = 150")
        .execute(&pool)
        .await
        .unwrap();
    for rows in [7, 149, 150, 16_384] {
        match book.verify_events(rows, Vec::new()).await {
            Err(AppError::Broken(b)) => assert_eq!((b.chain, b.position), ("event", 150)),
            other => panic!("pages of {rows}: {other:?}"),
        }
    }
    sqlx::query("DROP TRIGGER audit_refuse_delete")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit WHERE seq = 20")
        .execute(&pool)
        .await
        .unwrap();
    match book.verify_audit(7, Vec::new()).await {
        Err(AppError::Broken(b)) => assert_eq!((b.chain, b.position), ("audit", 20)),
        other => panic!("{other:?}"),
    }
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
                let (office, dir) = office().await;
                drive_reference(&office).await;
                let total = office.book().counts().await.unwrap().events;
                let position = i64::from(pick) % total + 1;
                let payload: String = sqlx::query_scalar("SELECT payload FROM events WHERE position = $1").bind(position).fetch_one(&pool(&dir)).await.unwrap();
                let mut bytes = payload.into_bytes();
                let i = at as usize % bytes.len();
                bytes[i] ^= 1 << bit;
                let changed = String::from_utf8_lossy(&bytes).into_owned();
                sqlx::query("DROP TRIGGER events_refuse_update").execute(&pool(&dir)).await.unwrap();
                sqlx::query("UPDATE events SET payload = $1 WHERE position = $2").bind(changed).bind(position).execute(&pool(&dir)).await.unwrap();
                let auditor = console(&office, "auditor", StaffRole::Auditor).await;
                match auditor.verify().await {
                    Err(AppError::Broken(b)) => assert_eq!(b.position, position),
                    other => panic!("tampering at {position} was not detected: {other:?}"),
                }
                let last = trail(&office).await.pop().unwrap();
                assert_eq!((last.1, last.2), (Action::ChainsVerify, Outcome::Failed), "the failed check is audited");
            });
        }
    }
}

mod moving {
    use super::*;

    async fn filled() -> (Office, tempfile::TempDir) {
        let (office, dir) = office().await;
        let root = admin(&office).await;
        root.load_demo(20).await.unwrap();
        root.add_user(NewUser {
            username: "ann".into(),
            role: StaffRole::Investigator,
            body: Body::OversightBody,
            force: None,
            password: "a long enough password".into(),
        })
        .await
        .unwrap();
        decision_maker(&office)
            .await
            .run(&reference(), &erasure(5), None)
            .await
            .unwrap();
        // Bank holidays imported for 2029, and a round of notices delivered.
        let events: Vec<_> = ["2029-01-01", "2029-12-25"]
            .iter()
            .map(|d| serde_json::json!({"title": "Bank holiday", "date": d, "notes": "", "bunting": true}))
            .collect();
        let json = serde_json::json!({"england-and-wales": {"division": "england-and-wales", "events": events}});
        root.import_holidays(&json.to_string()).await.unwrap();
        let postman = office.postman(crate::MailConfig {
            batch: 5,
            ..crate::MailConfig::new(crate::Delivery::Mailbox(dir.path().join("mailbox")))
        });
        assert!(postman.deliver_due().await.unwrap().sent > 0);
        (office, dir)
    }

    async fn check_move(from: &Office, to: &Office) {
        let root = admin(from).await;
        let moved = root.move_store(to, &|_| {}).await.unwrap();
        let source = from.book().verify(&Default::default()).await.unwrap();
        assert_eq!(moved.events, source.events);
        assert_eq!(moved.head, source.head, "the same chain head");
        assert_eq!(
            moved.audit_entries + 1,
            source.audit_entries,
            "the move's own entry follows"
        );
        assert_eq!(moved.users, 1);
        assert_eq!(moved.cases, 21);
        let a = serde_json::to_value(
            &*decision_maker(from)
                .await
                .case_file(&reference(), probity_domain::access::ReadPurpose::CASE_WORK)
                .await
                .unwrap(),
        )
        .unwrap();
        let b = serde_json::to_value(
            &*decision_maker(to)
                .await
                .case_file(&reference(), probity_domain::access::ReadPurpose::CASE_WORK)
                .await
                .unwrap(),
        )
        .unwrap();
        assert_eq!(a, b, "the same case file, names and erasures included");
        assert_eq!(b["parties"][4]["name"], serde_json::Value::Null);
        assert!(
            to.log_in("ann", "a long enough password", "127.0.0.1")
                .await
                .is_ok(),
            "accounts move with their passwords"
        );
        // The notices move as they stood (sent stays sent), and so do imported bank holidays.
        let outbox = |o: &Office| {
            let o = o.clone();
            async move { admin(&o).await.outbox().await.unwrap() }
        };
        let (before, after) = (outbox(from).await, outbox(to).await);
        assert!(before.sent > 0 && before.due > 0, "{before:?}");
        assert_eq!(
            (before.due, before.later, before.sent, before.cancelled),
            (after.due, after.later, after.sent, after.cancelled)
        );
        let held = probity_store::holidays::calendar(&**to.book().db())
            .await
            .unwrap();
        assert_eq!(held.covers().1, jiff::civil::date(2029, 12, 31));
        let again = root.move_store(to, &|_| {}).await.unwrap_err();
        assert!(again.to_string().contains("not empty"), "{again}");
    }

    #[tokio::test]
    async fn a_store_moves_whole_to_sqlite() {
        let (from, _a) = filled().await;
        let (to, _b) = office().await;
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
        let to = Office::open_in_schema(&url, &schema).await.unwrap();
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

/// Case files are kept between reads; a change through this office, or through another one on
/// the same database (another process or server), is seen at the next read.
#[tokio::test]
async fn a_kept_case_file_never_outlives_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("p.db").display());
    let here = Office::open(&url).await.unwrap();
    let elsewhere = Office::open(&url).await.unwrap();
    drive_reference(&here).await;
    let r = reference();
    let reader = decision_maker(&here).await;
    // As the API sends it: the file's JSON, rendered once and kept with it.
    let read = || async {
        let file = reader
            .case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
            .await
            .unwrap();
        let sent: serde_json::Value = serde_json::from_slice(&file.json()).unwrap();
        assert_eq!(sent, serde_json::to_value(&*file).unwrap());
        sent
    };
    let first = read().await;
    assert_eq!(here.book().recent().len(), 1);
    assert_eq!(read().await, first, "a second read is served the same file");
    assert_eq!(first["parties"][1]["name"], "Daniel Morrow");
    // Through another office: this one learns of it from the version.
    decision_maker(&elsewhere)
        .await
        .run(&r, &erasure(2), None)
        .await
        .unwrap();
    let second = read().await;
    assert_eq!(second["version"], first["version"].as_u64().unwrap() + 1);
    assert_eq!(second["parties"][1]["name"], serde_json::Value::Null);
    // Through this one: the kept file is dropped at once, before any read.
    reader.run(&r, &erasure(1), None).await.unwrap();
    assert!(
        here.book().recent().is_empty(),
        "erased data does not linger"
    );
    let third = read().await;
    assert_eq!(third["parties"][0]["name"], serde_json::Value::Null);
    let (loaded, personal) = here.book().load_with_personal_data(&r).await.unwrap();
    assert_eq!(
        third,
        serde_json::to_value(crate::case_file::case_file_of(
            loaded,
            &personal,
            crate::desk::today()
        ))
        .unwrap()
    );
}

/// Every command's audit entry names the last event it wrote. A store written before entries
/// were tied verifies as it did; once entries are tied, events past the last tie were written
/// by no audited command, and verification says so.
#[tokio::test]
async fn events_no_audited_command_wrote_are_found() {
    let (office, _dir) = office().await;
    let db = office.book().db();
    // Written as an older version did: no tie.
    db.append(&[probity_store::conformance::sample_append(1, 0, 2)], &[])
        .await
        .unwrap();
    let auditor = console(&office, "auditor", StaffRole::Auditor).await;
    let legacy = office.book().verify_chains(&Default::default()).await;
    assert!(legacy.is_ok(), "{legacy:?}");
    drive_reference(&office).await;
    let (verified, _) = office
        .book()
        .verify_chains(&Default::default())
        .await
        .unwrap();
    let trail = trail(&office).await;
    assert!(trail.len() > 10);
    // A forger appends a well-linked event with no audit entry.
    db.append(&[probity_store::conformance::sample_append(1, 2, 1)], &[])
        .await
        .unwrap();
    match auditor.verify().await {
        Err(AppError::Broken(b)) => {
            assert_eq!((b.chain, b.position), ("event", verified.events + 1));
            assert!(
                b.reason.contains("no audit entry records a command"),
                "{}",
                b.reason
            );
        }
        other => panic!("an untied tail was not found: {other:?}"),
    }
}

/// A database written by the release before events carried the day they happened (4a368b3,
/// its demo with 40 synthetic cases and a few later commands) still verifies, reads and takes
/// new commands: the log is never rewritten, old event versions are upcast as they are read.
#[tokio::test]
async fn a_database_of_the_previous_release_still_reads() {
    use probity_domain::access::ReadPurpose;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/release-4a368b3.db"
        ),
        &path,
    )
    .unwrap();
    let office = Office::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let auditor = console(&office, "auditor", StaffRole::Auditor).await;
    let verified = auditor.verify().await.unwrap();
    assert_eq!((verified.events, verified.cases), (705, 41));
    // The due-date read model came after that release: opening filled it, once.
    let counts = auditor.counts().await.unwrap();
    assert!(counts.duties > 0, "{counts:?}");
    let rebuilds = |records: &[probity_store::AuditRecord]| {
        records
            .iter()
            .filter(|r| r.entry.action == probity_store::Action::ReadModelsRebuild)
            .count()
    };
    let trail = auditor.audit_trail(0, 1000, None).await.unwrap();
    let first = rebuilds(&trail);
    assert!(first >= 1);
    drop(office);
    let office = Office::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let auditor = console(&office, "auditor", StaffRole::Auditor).await;
    let trail = auditor.audit_trail(0, 1000, None).await.unwrap();
    assert_eq!(rebuilds(&trail), first, "a second opening rebuilds nothing");

    let dm = decision_maker(&office).await;
    let file = dm
        .case_file(&reference(), ReadPurpose::CASE_WORK)
        .await
        .unwrap();
    let json = serde_json::to_value(&*file).unwrap();
    let events = json["events"].as_array().unwrap();
    // Parties and allegations had no date: they take the day they were entered, which the
    // old demo set to the scripted day.
    let added: Vec<_> = events
        .iter()
        .filter(|e| e["kind"] == "party_added" || e["kind"] == "allegation_added")
        .map(|e| e["on"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(added.len(), 9);
    assert!(added.iter().all(|d| d == "2020-04-06"), "{added:?}");
    let erased = events
        .iter()
        .find(|e| e["kind"] == "personal_data_erased")
        .unwrap();
    assert_eq!(
        erased["on"], "2026-12-02",
        "erased at the console on that day"
    );

    // A forwarded application kept only its days; a recommendation's due date was derived.
    let review = Reference::parse("SYN/2022/00006").unwrap();
    let loaded = office.book().load(&review).await.unwrap();
    let applied = loaded.case.reviews.last().unwrap();
    assert_eq!(
        applied.forwarded.map(|f| f.first_received_on),
        Some(jiff::civil::date(2026, 11, 29))
    );
    assert_eq!(loaded.case.status, probity_domain::Status::UnderReview);
    let learning = Reference::parse("SYN/2022/00040").unwrap();
    let loaded = office.book().load(&learning).await.unwrap();
    let r = &loaded.case.recommendations[&probity_domain::RecommendationId(1)];
    assert_eq!(r.made_on, jiff::civil::date(2026, 12, 2));
    assert_eq!(r.extension_applied_on, Some(jiff::civil::date(2026, 12, 2)));
    assert_eq!(r.response_due, jiff::civil::date(2027, 3, 31));

    // New commands continue the old chain, and everything still verifies.
    dm.run(
        &reference(),
        &Command::AssignToTeam(AssignToTeam {
            user: "oversight.investigator".into(),
        }),
        Some(52),
    )
    .await
    .unwrap();
    let again = auditor.verify().await.unwrap();
    assert_eq!(again.events, 706);
}

/// The same officer (force and service number) in two cases: the final written warning of the
/// first is on their record in the second, so misconduct there goes to a hearing, without
/// anyone typing the warning in (PCR 2020 reg 23).
#[tokio::test]
async fn a_warning_in_one_case_is_on_the_officers_record_in_the_next() {
    use probity_domain::conduct::{Action, CaseToAnswer, Form, Proposal, ProvenFinding, Sanction};
    use probity_domain::force::Force;
    use probity_domain::matter::{AppropriateAuthority, Classification, MatterKind};
    use probity_domain::party::{ComplainantBasis, SubjectKind, SubjectProfile};
    let (office, _dir) = office().await;
    let psd = office
        .console(Console {
            actor: "psd.dm".into(),
            role: Some(StaffRole::DecisionMaker),
            body: Some(Body::AppropriateAuthority),
            force: Some(Force::parse("kent").unwrap()),
            ..Console::default()
        })
        .await
        .unwrap();
    let inv = office
        .console(Console {
            actor: "psd.investigator".into(),
            role: Some(StaffRole::Investigator),
            body: Some(Body::AppropriateAuthority),
            force: Some(Force::parse("kent").unwrap()),
            ..Console::default()
        })
        .await
        .unwrap();
    let desk = |c: &Command| {
        if matches!(c, Command::SubmitReport(_)) {
            &inv
        } else {
            &psd
        }
    };
    let officer = || SubjectProfile {
        kind: SubjectKind::Officer,
        rank: Some("Police Constable".into()),
        service_number: Some("KE4410".into()),
        force: Force::parse("kent").unwrap(),
        former: false,
        senior_officer: false,
        chief_officer: false,
        prior_sanctions: vec![],
    };
    let mut salt = salts();
    let mut sealed = |name: &str| {
        SealedPersonalData::new(
            PersonalData {
                name: name.into(),
                contact: None,
                date_of_birth: None,
                address: None,
                nicknames: Vec::new(),
                vehicle_registrations: Vec::new(),
            },
            salt(),
        )
    };
    let on = |d: &str| Some(d.parse::<jiff::civil::Date>().unwrap());
    // Case one: a misconduct meeting gives a final written warning, notified on 2 May 2025.
    let first = Reference::parse("PC/0001/25").unwrap();
    let steps: Vec<(&str, Command)> = vec![
        (
            "2025-01-06",
            Command::LogMatter(LogMatter {
                reference: first.clone(),
                kind: MatterKind::Complaint,
                force: Force::parse("kent").unwrap(),
                appropriate_authority: AppropriateAuthority::ChiefOfficer,
                received_on: "2025-01-06".parse().unwrap(),
                came_to_attention_on: None,
                incident_on: None,
                incident_location: None,
                summary: "A complaint.".into(),
                classification: Classification::OfficialSensitive,
                complainant_wants_recording: false,
                death_or_serious_injury: false,
            }),
        ),
        (
            "2025-01-06",
            Command::AddParty(AddParty {
                characteristics: Default::default(),
                role: PartyRole::Complainant {
                    basis: ComplainantBasis::DirectedAt,
                },
                vulnerabilities: vec![],
                personal_data: sealed("Pat Doe"),
            }),
        ),
        (
            "2025-01-06",
            Command::AddParty(AddParty {
                characteristics: Default::default(),
                role: PartyRole::Subject(officer()),
                vulnerabilities: vec![],
                personal_data: sealed("Officer One"),
            }),
        ),
        (
            "2025-01-06",
            Command::AddAllegation(AddAllegation {
                subjects: vec![PartyId(2)],
                category: probity_domain::category::CategoryCode::parse("H1").unwrap(),
                description: "Rude to the complainant.".into(),
                conduct_matter: None,
            }),
        ),
        (
            "2025-01-08",
            Command::RecordMatter(RecordMatter {
                assessment: Default::default(),
            }),
        ),
        (
            "2025-01-08",
            Command::StartLocalInvestigation(StartLocalInvestigation {}),
        ),
        (
            "2025-03-03",
            Command::SubmitReport(SubmitReport {
                summary: "Report.".into(),
            }),
        ),
        (
            "2025-03-10",
            Command::Determine(Determine {
                findings: vec![probity_domain::conduct::Finding {
                    subject: PartyId(2),
                    allegation: probity_domain::AllegationId(1),
                    case_to_answer: CaseToAnswer::Misconduct,
                    performance_unsatisfactory: false,
                    further_action: probity_domain::conduct::FurtherAction::None,
                    rationale: "proved".into(),
                }],
            }),
        ),
        (
            "2025-03-12",
            Command::ProposeAction(ProposeAction {
                proposals: vec![Proposal {
                    subject: PartyId(2),
                    action: Action::Proceedings(Form::Meeting),
                }],
                rationale: "A meeting.".into(),
            }),
        ),
        (
            "2025-03-20",
            Command::ArrangeProceedings(ArrangeProceedings {
                subject: PartyId(2),
                form: Form::Meeting,
                allegations: vec![probity_domain::AllegationId(1)],
                on: "2025-04-28".parse().unwrap(),
            }),
        ),
        (
            "2025-04-28",
            Command::ConcludeProceedings(ConcludeProceedings {
                proceedings: probity_domain::ProceedingsId(1),
                findings: vec![(probity_domain::AllegationId(1), ProvenFinding::Misconduct)],
                sanction: Some(Sanction::FinalWrittenWarning),
                unconnected_incidents: false,
            }),
        ),
        (
            "2025-05-02",
            Command::NotifySanction(NotifySanction {
                proceedings: probity_domain::ProceedingsId(1),
            }),
        ),
    ];
    for (day, command) in &steps {
        desk(command)
            .run_on(&first, command, None, on(day))
            .await
            .unwrap();
    }
    // Case two, a year later: the officer is added with no warning typed in.
    let second = Reference::parse("PC/0090/26").unwrap();
    let Command::LogMatter(mut log) = steps[0].1.clone() else {
        unreachable!()
    };
    log.reference = second.clone();
    log.received_on = "2026-03-02".parse().unwrap();
    psd.run_on(&second, &Command::LogMatter(log), None, on("2026-03-02"))
        .await
        .unwrap();
    for (day, command) in &steps[1..8] {
        let day = day
            .replace("2025-01", "2026-03")
            .replace("2025-03", "2026-05");
        desk(command)
            .run_on(&second, command, None, on(&day))
            .await
            .unwrap();
    }
    let loaded = office.book().load(&second).await.unwrap();
    let profile = loaded.case.parties[&PartyId(2)]
        .subject_profile()
        .unwrap()
        .clone();
    assert_eq!(profile.prior_sanctions.len(), 1, "{profile:?}");
    assert_eq!(
        profile.prior_sanctions[0].effective_on,
        "2025-05-02".parse::<jiff::civil::Date>().unwrap()
    );
    assert_eq!(
        profile.prior_sanctions[0].expires_on,
        "2027-05-02".parse::<jiff::civil::Date>().unwrap()
    );
    let meeting = Command::ProposeAction(ProposeAction {
        proposals: vec![Proposal {
            subject: PartyId(2),
            action: Action::Proceedings(Form::Meeting),
        }],
        rationale: "A meeting.".into(),
    });
    let refused = psd
        .run_on(&second, &meeting, None, on("2026-05-12"))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, AppError::Refused(r) if r.rule == Rule::ProceedingsForm),
        "{refused}"
    );
    let hearing = Command::ProposeAction(ProposeAction {
        proposals: vec![Proposal {
            subject: PartyId(2),
            action: Action::Proceedings(Form::Hearing),
        }],
        rationale: "A hearing: a final written warning is live.".into(),
    });
    psd.run_on(&second, &hearing, None, on("2026-05-12"))
        .await
        .unwrap();
}

/// A work queue reads its parts in due order and counts only up to its cap: pages of it are
/// slices of the whole, the body's duties and the caseworker's cases are both there once, and
/// a count that reaches the cap says there are more.
#[tokio::test]
async fn work_queues_page_in_due_order_and_count_up_to_their_cap() {
    use probity_store::{WorkQuery, WorkScope};
    let (office, _dir) = office().await;
    admin(&office).await.load_demo(40).await.unwrap();
    let query = |scope, offset, limit, count_cap| WorkQuery {
        scope,
        body: Body::OversightBody,
        clock: None,
        force: None,
        overdue_only: false,
        today: jiff::civil::Date::MIN,
        offset,
        limit,
        count_cap,
    };
    // The demo's caseworker is on every synthetic case's team: all their duties are theirs,
    // the oversight body's and the authorities' alike.
    let worker = console(
        &office,
        crate::demo::DEMO_CASEWORKER,
        StaffRole::Investigator,
    )
    .await;
    let (_, mine) = worker
        .work(&query(WorkScope::Mine, 0, 500, 10_000))
        .await
        .unwrap();
    let (_, all) = worker
        .work(&query(WorkScope::All, 0, 500, 10_000))
        .await
        .unwrap();
    let (_, team) = worker
        .work(&query(WorkScope::Team, 0, 500, 10_000))
        .await
        .unwrap();
    assert!(mine.total > 20, "{}", mine.total);
    assert!(
        team.total > 0 && team.total < mine.total,
        "{} {}",
        team.total,
        mine.total
    );
    assert_eq!(
        all.total, mine.total,
        "every body-owned duty here is on a case of theirs"
    );
    assert_eq!(all.items.len() as i64, all.total);
    let mut sorted = all.items.clone();
    sorted.sort_by_key(|w| (w.due.is_some(), w.due));
    assert_eq!(
        all.items.iter().map(|w| w.due).collect::<Vec<_>>(),
        sorted.iter().map(|w| w.due).collect::<Vec<_>>(),
        "next due first"
    );
    assert!(all.items.iter().all(|w| w.mine));
    // Pages are slices of the whole.
    for (offset, limit) in [(0, 5), (3, 7), (all.total - 2, 10)] {
        let (_, page) = worker
            .work(&query(WorkScope::All, offset, limit, 10_000))
            .await
            .unwrap();
        let want = &all.items[offset as usize..((offset + limit) as usize).min(all.items.len())];
        assert_eq!(page.items, want, "offset {offset}, limit {limit}");
    }
    // A count that reaches the cap says so, and stops there.
    let (_, capped) = worker.work(&query(WorkScope::All, 0, 5, 3)).await.unwrap();
    assert_eq!((capped.total, capped.total_more), (3, true));
    assert!(!all.total_more);
    // Someone on no team sees the body's duties only.
    let (_, dm) = decision_maker(&office)
        .await
        .work(&query(WorkScope::All, 0, 500, 10_000))
        .await
        .unwrap();
    assert_eq!(dm.total, team.total);
    assert!(
        dm.items
            .iter()
            .all(|w| !w.mine && w.owner == Body::OversightBody)
    );
}
