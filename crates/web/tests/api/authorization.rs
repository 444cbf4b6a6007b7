//! The access matrix of ARCHITECTURE.md, written out again here as the test's own table, checked
//! over every endpoint x every role x own/other force x restricted/unrestricted case.

use std::collections::BTreeSet;

use probity_domain::access::StaffRole;
use probity_domain::command::*;
use probity_domain::matter::{MatterKind, RestrictionReason};
use probity_domain::scenario::{self, REFERENCE_CASE};
use probity_domain::{Body, Command, Context, Reference};
use serde_json::json;

use crate::{TestApp, seg};

/// What each role may do where need-to-know and force allow it (ARCHITECTURE.md, "Access").
#[derive(Clone, Copy)]
struct Allowed {
    view: bool,
    list: bool,
    log_decision: bool,
    determine: bool,
    publish: bool,
    history: bool,
    audit: bool,
    /// Make and send letters (send_letter: investigators and decision makers).
    letters: bool,
    /// Count statistics (codes and counts, never names).
    statistics: bool,
}

fn matrix(role: StaffRole) -> Allowed {
    let none = Allowed {
        view: false,
        list: false,
        log_decision: false,
        determine: false,
        publish: false,
        history: false,
        audit: false,
        letters: false,
        statistics: false,
    };
    match role {
        StaffRole::Administrator => none,
        StaffRole::Assessor => Allowed {
            view: true,
            list: true,
            log_decision: true,
            history: true,
            ..none
        },
        StaffRole::Investigator => Allowed {
            view: true,
            list: true,
            log_decision: true,
            history: true,
            letters: true,
            ..none
        },
        StaffRole::DecisionMaker => Allowed {
            view: true,
            list: true,
            log_decision: true,
            determine: true,
            history: true,
            letters: true,
            statistics: true,
            ..none
        },
        StaffRole::ForceLiaison => Allowed {
            view: true,
            list: true,
            ..none
        },
        StaffRole::PublicationsOfficer => Allowed {
            view: true,
            list: true,
            publish: true,
            ..none
        },
        StaffRole::Analyst => Allowed {
            list: true,
            statistics: true,
            ..none
        },
        StaffRole::Auditor => Allowed {
            audit: true,
            ..none
        },
    }
}

struct Case {
    reference: &'static str,
    force: &'static str,
    restricted: bool,
    publishable: bool,
}

const CASES: [Case; 4] = [
    Case {
        reference: REFERENCE_CASE,
        force: "gloucestershire",
        restricted: false,
        publishable: true,
    },
    Case {
        reference: "KE/0001/24",
        force: "kent",
        restricted: false,
        publishable: false,
    },
    Case {
        reference: "KE/0002/24",
        force: "kent",
        restricted: true,
        publishable: false,
    },
    Case {
        reference: "ES/0001/24",
        force: "essex",
        restricted: false,
        publishable: false,
    },
];

struct Who {
    name: String,
    role: StaffRole,
    force: Option<&'static str>,
    token: String,
}

/// The status a request should get: `ok` when allowed; 404 when the case is hidden from this
/// user (need-to-know, another force's case, or not publishable for publications); 403 when
/// the role does not allow it.
fn expected(who: &Who, case: &Case, permitted: bool, is_view: bool, ok: u16) -> u16 {
    // A role that may never do this is refused before the case is looked up, so the answer
    // is the same whether or not the case exists.
    if !permitted {
        return 403;
    }
    let insider = who.name == "teamster";
    if case.restricted && !insider {
        return 404;
    }
    if let Some(f) = who.force
        && f != case.force
    {
        return 404;
    }
    if who.role == StaffRole::PublicationsOfficer && is_view && !case.publishable {
        return 404;
    }
    ok
}

async fn setup(app: &TestApp) -> Vec<Who> {
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    let mut n = 0u8;
    let mut salt = move || {
        n += 1;
        [n; 16]
    };
    for step in scenario::reference_case(&mut salt)
        .into_iter()
        .filter(|s| s.refused_by.is_none())
    {
        app.import(&[(reference.clone(), step.command, step.context)])
            .await;
    }
    let now = jiff::Timestamp::now();
    for case in &CASES[1..] {
        let r = Reference::parse(case.reference).unwrap();
        let ctx = Context::new(now, "teamster", Body::OversightBody);
        let log = Command::LogMatter(LogMatter {
            reference: r.clone(),
            kind: MatterKind::Complaint,
            force: probity_domain::force::Force::parse(case.force).unwrap(),
            appropriate_authority: Default::default(),
            received_on: jiff::civil::date(2024, 3, 1),
            came_to_attention_on: None,
            incident_on: None,
            incident_location: None,
            summary: "A complaint.".into(),
            classification: Default::default(),
            complainant_wants_recording: false,
            death_or_serious_injury: false,
        });
        app.import(&[(r.clone(), log, ctx.clone())]).await;
        if case.restricted {
            let restrict = Command::RestrictCase(RestrictCase {
                reason: RestrictionReason::InformantInvolvement,
                explanation: "informant".into(),
            });
            app.import(&[(r.clone(), restrict, ctx.clone())]).await;
        }
    }
    let mut people = Vec::new();
    for role in StaffRole::ALL {
        for force in [None, Some("kent")] {
            if role == StaffRole::ForceLiaison && force.is_none() {
                continue; // a liaison always belongs to a force
            }
            let name = format!("{}.{}", force.unwrap_or("oversight"), role.code());
            let token = app.user(&name, role, force).await;
            people.push(Who {
                name,
                role,
                force,
                token,
            });
        }
    }
    let token = app.user("teamster", StaffRole::DecisionMaker, None).await;
    people.push(Who {
        name: "teamster".into(),
        role: StaffRole::DecisionMaker,
        force: None,
        token,
    });
    people
}

async fn version(app: &TestApp, reference: &str) -> u64 {
    let reader = app.console(StaffRole::DecisionMaker).await;
    let r = Reference::parse(reference).unwrap();
    match reader
        .case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
        .await
    {
        Ok(file) => file.version,
        // Restricted cases are for their team only, at the console too.
        Err(_) => {
            let teamster = app
                .office
                .console(probity_app::Console {
                    actor: "teamster".into(),
                    role: Some(StaffRole::DecisionMaker),
                    ..Default::default()
                })
                .await
                .unwrap();
            teamster
                .case_file(&r, probity_domain::access::ReadPurpose::CASE_WORK)
                .await
                .unwrap()
                .version
        }
    }
}

#[tokio::test]
async fn every_endpoint_role_force_and_restriction_matches_the_matrix() {
    for app in TestApp::on_every_backend().await {
        matrix_holds(app.without_limits()).await;
    }
}

async fn matrix_holds(app: TestApp) {
    let people = setup(&app).await;
    let mut checked = 0;
    for who in &people {
        let allowed = matrix(who.role);
        for case in &CASES {
            let file = format!("/api/v1/cases/{}", seg(case.reference));
            let got = app.get(&file, &who.token).await.status.as_u16();
            assert_eq!(
                got,
                expected(who, case, allowed.view, true, 200),
                "{} reads {}",
                who.name,
                case.reference
            );
            // The case file's page answers as the API does, and shows nothing when it refuses.
            let page = app
                .get(&format!("/cases/{}", seg(case.reference)), &who.token)
                .await;
            assert_eq!(
                page.status.as_u16(),
                got,
                "{} opens the page of {}",
                who.name,
                case.reference
            );
            assert_eq!(page.content_type, "text/html; charset=utf-8");
            if got != 200 {
                assert!(
                    !page.text.contains(case.reference) && !page.text.contains("A complaint."),
                    "{}: a refused page tells nothing of {}",
                    who.name,
                    case.reference
                );
            }

            // Each step's form: refused to a role that may not run its command; for a case the
            // user may not read, the same answer as the case file, telling nothing of it.
            for (slug, kind) in [
                ("steps/add-party", CommandKind::AddParty),
                ("steps/give-opinion", CommandKind::GiveOpinion),
                ("steps/determine", CommandKind::Determine),
                ("steps/notify-outcome", CommandKind::NotifyOutcome),
                ("steps/restrict", CommandKind::RestrictCase),
                ("decisions/new", CommandKind::LogDecision),
                ("record", CommandKind::RecordMatter),
                ("severity/P2", CommandKind::AssessSeverity),
                (
                    "letters/new?kind=progress_update&to=P1",
                    CommandKind::SendLetter,
                ),
            ] {
                let step = app
                    .get(
                        &format!("/cases/{}/{slug}", seg(case.reference)),
                        &who.token,
                    )
                    .await;
                let runs = probity_domain::access::roles_for_command(kind).contains(&who.role);
                let status = step.status.as_u16();
                if !runs {
                    assert_eq!(
                        status, 403,
                        "{} opens {slug} on {}",
                        who.name, case.reference
                    );
                } else if got != 200 {
                    assert_eq!(
                        status, got,
                        "{} opens {slug} on {}",
                        who.name, case.reference
                    );
                } else {
                    // Open to them, or refused by the case's stage or its contents.
                    assert!(
                        matches!(status, 200 | 404 | 409 | 422),
                        "{} opens {slug} on {}: {status}",
                        who.name,
                        case.reference
                    );
                }
                if !runs || got != 200 {
                    assert!(
                        !step.text.contains(case.reference) && !step.text.contains("A complaint."),
                        "{}: a refused {slug} tells nothing of {}",
                        who.name,
                        case.reference
                    );
                }
                checked += 1;
            }

            let commands = format!("/api/v1/cases/{}/commands", seg(case.reference));
            let open = case.reference != REFERENCE_CASE;
            for (command, permitted, ok) in [
                (
                    json!({"command": "log_decision", "decision": "note", "rationale": "r", "acted": false}),
                    allowed.log_decision,
                    if open { 200 } else { 422 },
                ),
                (
                    json!({"command": "determine", "findings": []}),
                    allowed.determine,
                    422,
                ),
                (
                    json!({"command": "approve_publication", "version": 1}),
                    allowed.publish,
                    422,
                ),
            ] {
                let before = app.events().await;
                let v = version(&app, case.reference).await;
                let reply = app
                    .post(
                        &commands,
                        &who.token,
                        &json!({"expected_version": v, "command": command}),
                    )
                    .await;
                let want = expected(who, case, permitted, false, ok);
                assert_eq!(
                    reply.status.as_u16(),
                    want,
                    "{} runs {} on {}: {}",
                    who.name,
                    command["command"],
                    case.reference,
                    reply.body
                );
                assert_eq!(
                    app.events().await,
                    before + i64::from(want == 200),
                    "only an accepted command writes"
                );
                checked += 1;
            }

            // The outcome letter to the complainant: the reference case has one; the others
            // have no party P1, a refusal by the rules once access is granted.
            let letter = app
                .get(
                    &format!("{file}/letters/print?kind=outcome&to=1"),
                    &who.token,
                )
                .await;
            let ok = if open { 422 } else { 200 };
            assert_eq!(
                letter.status.as_u16(),
                expected(who, case, allowed.letters, false, ok),
                "{} makes a letter of {}: {}",
                who.name,
                case.reference,
                letter.text
            );
            checked += 1;

            let audit = app
                .get(&format!("{file}/audit"), &who.token)
                .await
                .status
                .as_u16();
            assert_eq!(
                audit,
                if allowed.audit { 200 } else { 403 },
                "{} reads the audit of {}",
                who.name,
                case.reference
            );
            checked += 2;
        }

        // A case that does not exist answers as one they may not see: whether it exists is
        // not theirs to learn from the status.
        let missing = app.get("/api/v1/cases/KE%2F0999%2F24", &who.token).await;
        assert_eq!(
            missing.status.as_u16(),
            if allowed.view { 404 } else { 403 },
            "{} reads a case that does not exist",
            who.name
        );
        // Searching the list by service number is a subject history by another name.
        let search = app
            .get("/api/v1/cases?service_number=GL1042", &who.token)
            .await;
        assert_eq!(
            search.status.as_u16(),
            if allowed.history { 200 } else { 403 },
            "{} searches by service number",
            who.name
        );

        let stats = app.get("/api/v1/statistics", &who.token).await;
        assert_eq!(
            stats.status.as_u16(),
            if allowed.statistics { 200 } else { 403 },
            "{} counts statistics",
            who.name
        );
        if allowed.statistics {
            assert!(
                stats.body["allegations"].as_u64().is_some(),
                "{}",
                stats.text
            );
        }
        let chart = app
            .get("/api/v1/statistics/charts/findings.svg", &who.token)
            .await;
        assert_eq!(
            chart.status.as_u16(),
            if allowed.statistics { 200 } else { 403 },
            "{} draws a chart",
            who.name
        );
        if allowed.statistics {
            assert!(
                chart.text.starts_with("<svg") && chart.text.contains("Allegations by finding"),
                "{}",
                chart.text
            );
            let unknown = app.get("/api/v1/statistics/charts/pie", &who.token).await;
            assert_eq!(unknown.status, 404, "{}", unknown.text);
        }

        // Lists and counts show exactly the cases the matrix lets this user list.
        let listed = app.get("/api/v1/cases?per_page=200", &who.token).await;
        let work = app.get("/api/v1/work?per_page=200", &who.token).await;
        let overdue = app.get("/api/v1/reports/overdue", &who.token).await;
        let list_page = app.get("/cases", &who.token).await;
        let work_page = app.get("/work", &who.token).await;
        if !allowed.list {
            assert_eq!(list_page.status, 403, "{} opens the case list", who.name);
            assert_eq!(work_page.status, 403, "{} opens My work", who.name);
            assert_eq!(listed.status, 403, "{} lists", who.name);
            assert_eq!(work.status, 403, "{} reads a work queue", who.name);
            assert_eq!(overdue.status, 403, "{} reads the overdue report", who.name);
        } else {
            let seen: BTreeSet<String> = listed.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["reference"].as_str().unwrap().to_string())
                .collect();
            let want: BTreeSet<String> = CASES
                .iter()
                .filter(|c| {
                    expected(who, c, true, true, 200) == 200
                        || (who.role != StaffRole::PublicationsOfficer
                            && expected(who, c, true, false, 200) == 200)
                })
                .map(|c| c.reference.to_string())
                .collect();
            assert_eq!(seen, want, "{} lists", who.name);
            assert_eq!(list_page.status, 200, "{} opens the case list", who.name);
            assert_eq!(
                linked_cases(&list_page.text),
                want,
                "{}: the case list page shows what the API lists",
                who.name
            );
            assert_eq!(work_page.status, 200, "{} opens My work", who.name);
            assert!(
                linked_cases(&work_page.text).is_subset(&want),
                "{}: My work shows only cases the user may list",
                who.name
            );
            assert_eq!(
                listed.body["total"].as_i64().unwrap(),
                want.len() as i64,
                "{}: the count leaks nothing",
                who.name
            );
            let restricted_only = app.get("/api/v1/cases?restricted=true", &who.token).await;
            let count = restricted_only.body["total"].as_i64().unwrap();
            assert_eq!(
                count,
                i64::from(who.name == "teamster"),
                "{} counts restricted cases",
                who.name
            );
            // A work queue and the overdue report hold only cases the user may list.
            assert_eq!(work.status, 200, "{} reads a work queue", who.name);
            for item in work.body["items"].as_array().unwrap() {
                let r = item["reference"].as_str().unwrap();
                assert!(want.contains(r), "{} sees a duty of {r}", who.name);
            }
            assert_eq!(overdue.status, 200, "{} reads the overdue report", who.name);
            if let Some(force) = who.force {
                for line in overdue.body["lines"].as_array().unwrap() {
                    assert_eq!(line["force"], force, "{}: another force's duties", who.name);
                }
            }
        }

        let history = app
            .get(
                "/api/v1/subjects/gloucestershire/GL1042/history",
                &who.token,
            )
            .await;
        let want = if !allowed.history || who.force.is_some_and(|f| f != "gloucestershire") {
            403
        } else {
            200
        };
        assert_eq!(
            history.status.as_u16(),
            want,
            "{} reads a subject's history",
            who.name
        );
        if want == 200 {
            assert_eq!(
                history.body.as_array().unwrap().len(),
                4,
                "GL1042 faced four allegations"
            );
        }
        let trail = app.get("/api/v1/audit", &who.token).await.status.as_u16();
        assert_eq!(
            trail,
            if allowed.audit { 200 } else { 403 },
            "{} reads the audit trail",
            who.name
        );
        let checkpoints = app
            .get("/api/v1/checkpoints", &who.token)
            .await
            .status
            .as_u16();
        assert_eq!(
            checkpoints,
            if matches!(who.role, StaffRole::Auditor | StaffRole::Administrator) {
                200
            } else {
                403
            },
            "{} reads the signed checkpoints",
            who.name
        );
        checked += 4;
    }
    assert!(checked > 250, "{checked} checks");

    // Every refusal was recorded.
    let auditor = &people
        .iter()
        .find(|p| p.role == StaffRole::Auditor)
        .unwrap()
        .token;
    let trail = app
        .get("/api/v1/audit?after=0&limit=1000", auditor)
        .await
        .body;
    let denied = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "denied")
        .count();
    assert!(denied > 50, "only {denied} denials were recorded");
}

/// The references of the cases a page links to (not the intake form's `/cases/new`).
fn linked_cases(html: &str) -> BTreeSet<String> {
    html.split("href=\"/cases/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|r| *r != "new")
        .map(|r| r.replace("%2F", "/"))
        .collect()
}
