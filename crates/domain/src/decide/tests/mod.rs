//! The rules, proved: the reference scenario, each transition of shared/domain.md §14.3
//! allowed and refused, and properties over random command sequences. One file per stage, like
//! the rules; this one holds the harness they share.

mod aftercare;
mod fidelity;
mod imported;
mod intake;
mod investigation;
mod letters;
mod need_to_know;
mod outcome;
mod properties;
mod scenario;

use jiff::civil::{Date, date};

use crate::case::{Case, ProposalStage, Status};
use crate::category::CategoryCode;
use crate::command::*;
use crate::conduct::*;
use crate::event::*;
use crate::force::Force;
use crate::ids::*;
use crate::matter::*;
use crate::party::*;
use crate::referral::*;
use crate::review::{ReviewBody, ReviewKind};
use crate::rule::Rule;
use crate::scenario::morning;
use crate::{Body, Context, decide};

pub(crate) fn salts() -> impl FnMut() -> [u8; 16] {
    let mut n = 0u8;
    move || {
        n = n.wrapping_add(1);
        [n; 16]
    }
}

/// A case driven step by step, keeping its log.
pub(crate) struct Given {
    pub(crate) case: Case,
    pub(crate) log: Vec<Event>,
    /// Today, for the commands that follow.
    pub(crate) day: Date,
    /// The day the next acts happened, when not today.
    pub(crate) on: Option<Date>,
    pub(crate) salt: u8,
}

pub(crate) const AA: Body = Body::AppropriateAuthority;
pub(crate) const IOPC: Body = Body::OversightBody;
pub(crate) const LPB: Body = Body::LocalPolicingBody;
/// A second publications officer of the oversight body.
pub(crate) const SECOND: &str = "second.publications-officer";

pub(crate) fn draft(title: &str, summary: &str) -> Command {
    Command::DraftPublication(DraftPublication {
        item: crate::publication::ItemKind::InvestigationSummary,
        title: title.into(),
        summary: summary.into(),
        themes: vec![],
        incident_month: None,
        justifications: vec![],
        correction_note: None,
    })
}

pub(crate) fn approve(version: u32) -> Command {
    Command::ApprovePublication(ApprovePublication {
        version,
        publish_on: None,
    })
}

impl Given {
    pub(crate) fn new() -> Self {
        Given {
            case: Case::default(),
            log: Vec::new(),
            day: date(2023, 3, 1),
            on: None,
            salt: 0,
        }
    }

    pub(crate) fn ctx(&self, body: Body) -> Context {
        Context::new(morning(self.day), format!("{body:?}"), body).dated(self.on)
    }

    pub(crate) fn try_(
        &mut self,
        body: Body,
        command: Command,
    ) -> Result<Vec<Event>, crate::Refusal> {
        self.try_as(&format!("{body:?}"), body, command)
    }

    /// As a named person of the body: where who it is matters (a second pair of eyes).
    pub(crate) fn try_as(
        &mut self,
        actor: &str,
        body: Body,
        command: Command,
    ) -> Result<Vec<Event>, crate::Refusal> {
        let ctx = Context::new(morning(self.day), actor, body).dated(self.on);
        let d = decide(&self.case, &command, &ctx)?;
        for e in &d.events {
            self.case.apply(e);
            self.log.push(e.clone());
        }
        Ok(d.events)
    }

    #[track_caller]
    pub(crate) fn ok_as(&mut self, actor: &str, body: Body, command: Command) -> &mut Self {
        if let Err(r) = self.try_as(actor, body, command.clone()) {
            panic!("{command:?} by {actor} was refused: {r}");
        }
        self
    }

    #[track_caller]
    pub(crate) fn refused_as(
        &mut self,
        actor: &str,
        body: Body,
        command: Command,
        rule: Rule,
    ) -> &mut Self {
        let before = self.case.clone();
        match self.try_as(actor, body, command.clone()) {
            Ok(_) => panic!("{command:?} by {actor} was accepted; expected {rule:?}"),
            Err(r) => assert_eq!(r.rule, rule, "{command:?}: {r}"),
        }
        assert_eq!(self.case, before, "a refusal must change nothing");
        self
    }

    /// Drafts a summary and has a second person approve it.
    pub(crate) fn publish(&mut self) -> &mut Self {
        self.ok(IOPC, draft("t", "s"));
        let version = self.case.drafts.len() as u32;
        self.ok_as(SECOND, IOPC, approve(version))
    }

    #[track_caller]
    pub(crate) fn ok(&mut self, body: Body, command: Command) -> &mut Self {
        if let Err(r) = self.try_(body, command.clone()) {
            panic!("{command:?} by {body:?} was refused: {r}");
        }
        self
    }

    /// Asserts the refusal names `rule` and that nothing changed.
    #[track_caller]
    pub(crate) fn refused(&mut self, body: Body, command: Command, rule: Rule) -> &mut Self {
        let before = self.case.clone();
        match self.try_(body, command.clone()) {
            Ok(_) => panic!("{command:?} by {body:?} was accepted; expected {rule:?}"),
            Err(r) => assert_eq!(r.rule, rule, "{command:?}: {r}"),
        }
        assert_eq!(self.case, before, "a refusal must change nothing");
        self
    }

    pub(crate) fn after(&mut self, days: i64) -> &mut Self {
        self.day = self.day.checked_add(jiff::Span::new().days(days)).unwrap();
        self
    }

    pub(crate) fn status(&self) -> Status {
        self.case.status
    }

    pub(crate) fn sealed(&mut self, name: &str) -> SealedPersonalData {
        self.salt += 1;
        SealedPersonalData::new(
            PersonalData {
                name: name.into(),
                contact: None,
                date_of_birth: None,
                address: None,
                nicknames: Vec::new(),
                vehicle_registrations: Vec::new(),
            },
            [self.salt; 16],
        )
    }

    pub(crate) fn log_complaint(&mut self, kind: MatterKind) -> &mut Self {
        let day = self.day;
        self.ok(AA, log_matter(kind, day))
    }

    pub(crate) fn add_complainant(&mut self) -> &mut Self {
        let personal_data = self.sealed("Pat Doe");
        self.ok(
            AA,
            Command::AddParty(AddParty {
                characteristics: Default::default(),
                role: PartyRole::Complainant {
                    basis: ComplainantBasis::DirectedAt,
                },
                vulnerabilities: vec![],
                personal_data,
            }),
        )
    }

    pub(crate) fn add_officer(&mut self, profile: SubjectProfile) -> &mut Self {
        let personal_data = self.sealed("Officer Name");
        self.ok(
            AA,
            Command::AddParty(AddParty {
                characteristics: Default::default(),
                role: PartyRole::Subject(profile),
                vulnerabilities: vec![],
                personal_data,
            }),
        )
    }

    pub(crate) fn allege(&mut self, subjects: &[u32], code: &str) -> &mut Self {
        self.ok(
            AA,
            Command::AddAllegation(AddAllegation {
                subjects: subjects.iter().map(|s| PartyId(*s)).collect(),
                category: CategoryCode::parse(code).unwrap(),
                description: format!("allegation {code}"),
                conduct_matter: None,
            }),
        )
    }

    /// Records the matter as it stands and starts a local investigation.
    pub(crate) fn record_and_investigate_locally(&mut self) -> &mut Self {
        self.ok(
            AA,
            Command::RecordMatter(RecordMatter {
                assessment: Default::default(),
            }),
        )
        .ok(
            AA,
            Command::StartLocalInvestigation(StartLocalInvestigation {}),
        )
    }

    /// Complaint, complainant P1, officer P2 with one allegation A1 of `code`, recorded at the
    /// complainant's wish: the authority is satisfied it would not justify proceedings, so the
    /// local policing body reviews unless something else makes it the oversight body.
    pub(crate) fn recorded(code: &str) -> Given {
        Given::recorded_with(code, HandlingAssessment::default())
    }

    pub(crate) fn recorded_with(code: &str, assessment: HandlingAssessment) -> Given {
        let mut g = Given::new();
        g.log_complaint(MatterKind::Complaint)
            .add_complainant()
            .add_officer(profile())
            .allege(&[2], code);
        g.ok(AA, Command::RecordMatter(RecordMatter { assessment }));
        g
    }

    /// A local investigation into P2 on A1 with severity and notice done.
    pub(crate) fn investigating_locally() -> Given {
        let mut g = Given::recorded("B6");
        g.ok(
            AA,
            Command::StartLocalInvestigation(StartLocalInvestigation {}),
        );
        g.ok(AA, severity(2, Severity::Misconduct, Form::Meeting))
            .ok(
                AA,
                Command::ServeNotice(ServeNotice {
                    subject: PartyId(2),
                }),
            );
        g
    }

    /// An independent investigation into P2 on A1 (G2: mandatory referral).
    pub(crate) fn investigating_independently() -> Given {
        let mut g = Given::recorded("G2");
        g.ok(
            AA,
            Command::Refer(Refer {
                basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
            }),
        );
        g.ok(
            IOPC,
            Command::DecideReferral(DecideReferral {
                decision: ReferralDecision::Investigate(InvestigationMode::Independent),
                rationale: "serious".into(),
            }),
        );
        g.ok(IOPC, severity(2, Severity::Misconduct, Form::Meeting))
            .ok(
                IOPC,
                Command::ServeNotice(ServeNotice {
                    subject: PartyId(2),
                }),
            );
        g
    }

    pub(crate) fn reported(mut self, body: Body) -> Given {
        self.after(30).ok(
            body,
            Command::SubmitReport(SubmitReport {
                summary: "report".into(),
            }),
        );
        self
    }

    pub(crate) fn determined(mut self, body: Body, cta: CaseToAnswer) -> Given {
        self.ok(
            body,
            Command::Determine(Determine {
                findings: vec![finding(2, 1, cta)],
            }),
        );
        self
    }
}

pub(crate) fn profile() -> SubjectProfile {
    SubjectProfile {
        kind: SubjectKind::Officer,
        rank: Some("Police Constable".into()),
        service_number: Some("KE1234".into()),
        force: Force::parse("kent").unwrap(),
        former: false,
        senior_officer: false,
        chief_officer: false,
        prior_sanctions: vec![],
    }
}

pub(crate) fn log_matter(kind: MatterKind, day: Date) -> Command {
    Command::LogMatter(LogMatter {
        reference: Reference::parse("PC/0001/23").unwrap(),
        kind,
        force: Force::parse("kent").unwrap(),
        appropriate_authority: AppropriateAuthority::ChiefOfficer,
        received_on: day,
        came_to_attention_on: None,
        incident_on: None,
        incident_location: None,
        summary: "A complaint.".into(),
        classification: Classification::OfficialSensitive,
        complainant_wants_recording: false,
        death_or_serious_injury: false,
    })
}

pub(crate) fn severity(subject: u32, severity: Severity, likely_form: Form) -> Command {
    Command::AssessSeverity(AssessSeverity {
        subject: PartyId(subject),
        severity,
        likely_form,
        rationale: "assessed".into(),
    })
}

pub(crate) fn finding(subject: u32, allegation: u32, cta: CaseToAnswer) -> Finding {
    crate::scenario::finding(subject, allegation, cta, "because")
}

pub(crate) fn propose(subject: u32, action: Action) -> Command {
    Command::ProposeAction(ProposeAction {
        proposals: vec![Proposal {
            subject: PartyId(subject),
            action,
        }],
        rationale: "proposed".into(),
    })
}

#[test]
fn no_command_may_be_dated_before_the_matter() {
    let mut g = Given::investigating_locally();
    g.day = date(2020, 1, 1);
    g.refused(
        AA,
        Command::SubmitReport(SubmitReport {
            summary: "s".into(),
        }),
        Rule::DateOutOfRange,
    );
}
