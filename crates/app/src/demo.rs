//! The demo database: the reference case and a spread of synthetic cases at every stage,
//! loaded by an administrator's desk like any import, and one demo account per role.

use probity_domain::access::StaffRole;
use probity_domain::command::{AssignToTeam, LogMatter};
use probity_domain::force::Force;
use probity_domain::scenario::{self, Step};
use probity_domain::{Command, Reference};

use crate::accounts::NewUser;
use crate::casebook::{AppError, fresh_salt};
use crate::desk::Desk;

/// How many synthetic cases `probity demo` adds beside the reference case.
pub const SYNTHETIC_CASES: u32 = 300;

/// The demo account on the team of every synthetic case: its work queue and its mailbox
/// show the duties the demo left overdue.
pub const DEMO_CASEWORKER: &str = "oversight.investigator";

/// Cases written per transaction while loading.
const CASES_PER_BATCH: usize = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub cases: usize,
    pub events: i64,
}

fn reference_of(steps: &[Step]) -> Reference {
    match &steps[0].command {
        Command::LogMatter(LogMatter { reference, .. }) => reference.clone(),
        _ => unreachable!("every script starts by logging its matter"),
    }
}

impl Desk {
    /// Fills an empty database with the demo cases. Refuses one that holds anything, rather
    /// than mixing data.
    pub async fn load_demo(&self, synthetic: u32) -> Result<DemoSummary, AppError> {
        let counts = self.counts().await?;
        if counts.events > 0 {
            return Err(AppError::BadInput(format!(
                "the database already holds {} events in {} cases; the demo needs an empty database (choose another with --database)",
                counts.events, counts.cases
            )));
        }
        let mut salt = fresh_salt;
        // The reference case is as published; each synthetic one gets a team.
        let mut scripts = vec![(scenario::reference_case(&mut salt), false)];
        scripts.extend((1..=synthetic).map(|n| (scenario::synthetic_case(n, &mut salt), true)));
        let cases = scripts.len();
        for chunk in scripts.chunks(CASES_PER_BATCH) {
            let items: Vec<_> = chunk
                .iter()
                .flat_map(|(steps, with_team)| {
                    let reference = reference_of(steps);
                    let last = steps.last().expect("a script has steps").context.clone();
                    let team = with_team.then(|| {
                        let assign = Command::AssignToTeam(AssignToTeam {
                            user: DEMO_CASEWORKER.into(),
                        });
                        (reference.clone(), assign, last)
                    });
                    steps
                        .iter()
                        // The scripted mistakes belong to the tests, not to the record.
                        .filter(|s| s.refused_by.is_none())
                        .map(move |s| (reference.clone(), s.command.clone(), s.context.clone()))
                        .chain(team)
                })
                .collect();
            self.import(&items).await?;
        }
        Ok(DemoSummary {
            cases,
            events: self.counts().await?.events,
        })
    }

    /// One demo account per role: user name, role, and a password made for this database.
    pub async fn add_demo_users(&self) -> Result<Vec<(String, StaffRole, String)>, AppError> {
        let force = Force::parse("gloucestershire").expect("in the table");
        let accounts = [
            ("oversight.admin", StaffRole::Administrator, None),
            ("oversight.assessor", StaffRole::Assessor, None),
            (DEMO_CASEWORKER, StaffRole::Investigator, None),
            ("oversight.decision-maker", StaffRole::DecisionMaker, None),
            ("glos.liaison", StaffRole::ForceLiaison, Some(force)),
            (
                "oversight.publications",
                StaffRole::PublicationsOfficer,
                None,
            ),
            // A draft is approved by a second person, never its author.
            (
                "oversight.publications-approver",
                StaffRole::PublicationsOfficer,
                None,
            ),
            ("oversight.analyst", StaffRole::Analyst, None),
            ("oversight.auditor", StaffRole::Auditor, None),
        ];
        let mut out = Vec::new();
        for (username, role, force) in accounts {
            let password = readable_password();
            self.add_user(NewUser {
                username: username.to_string(),
                role,
                body: probity_domain::access::default_body(force),
                force,
                password: password.clone(),
            })
            .await?;
            out.push((username.to_string(), role, password));
        }
        Ok(out)
    }
}

/// 20 characters from an alphabet without look-alikes.
fn readable_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}
