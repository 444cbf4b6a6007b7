//! Scripted cases: the reference scenario (the published case 2020/134541, told with invented
//! names) and a deterministic generator of synthetic cases at every stage. Used by tests, the
//! demo database and benchmarks. Pure: salts for personal data come from the caller.

use jiff::Timestamp;
use jiff::civil::{Date, date};

use crate::category::CategoryCode;
use crate::command::Command;
use crate::conduct::{
    Action, CaseToAnswer, Finding, Form, FurtherAction, Proposal, ProposalResponse, ProvenFinding,
    ReflectiveStage, Sanction, Severity,
};
use crate::force::Force;
use crate::ids::{AllegationId, PartyId, ProceedingsId, Reference};
use crate::matter::{AppropriateAuthority, Classification, MatterKind, OutsideOutcome, UpdateKind};
use crate::party::{
    ComplainantBasis, PersonalData, Role, SealedPersonalData, SubjectKind, SubjectProfile,
    Vulnerability,
};
use crate::referral::{
    HandlingAssessment, InvestigationMode, MandatoryCriterion, ReferralBasis, ReferralDecision,
};
use crate::rule::Rule;
use crate::{Actor, Body, Context, london};

/// One scripted command, and whether it must be refused.
#[derive(Debug, Clone)]
pub struct Step {
    pub context: Context,
    pub command: Command,
    /// `Some(rule)`: the step is a mistake the rules must refuse with that rule.
    pub refused_by: Option<Rule>,
}

/// Ten in the morning, London time, on `day`.
pub fn morning(day: Date) -> Timestamp {
    london()
        .to_timestamp(day.at(10, 0, 0, 0))
        .expect("a valid London time")
}

struct Script<'a> {
    steps: Vec<Step>,
    salt: &'a mut dyn FnMut() -> [u8; 16],
}

impl Script<'_> {
    fn ok(&mut self, on: Date, actor: &Actor, command: Command) {
        self.push(on, actor, command, None);
    }

    fn refused(&mut self, on: Date, actor: &Actor, command: Command, rule: Rule) {
        self.push(on, actor, command, Some(rule));
    }

    fn push(&mut self, on: Date, actor: &Actor, command: Command, refused_by: Option<Rule>) {
        self.steps.push(Step {
            context: Context {
                at: morning(on),
                actor: actor.clone(),
            },
            command,
            refused_by,
        });
    }

    fn party(
        &mut self,
        on: Date,
        actor: &Actor,
        role: Role,
        name: &str,
        vulnerabilities: Vec<Vulnerability>,
    ) {
        let sealed = SealedPersonalData::new(
            PersonalData {
                name: name.to_string(),
                contact: None,
                date_of_birth: None,
                address: None,
            },
            (self.salt)(),
        );
        self.ok(
            on,
            actor,
            Command::AddParty {
                role,
                vulnerabilities,
                personal_data: sealed,
            },
        );
    }
}

fn actor(id: &str, body: Body) -> Actor {
    Actor {
        id: id.to_string(),
        body,
    }
}

fn officer(force: Force, rank: &str, number: &str) -> Role {
    Role::Subject(SubjectProfile {
        kind: SubjectKind::Officer,
        rank: Some(rank.to_string()),
        service_number: Some(number.to_string()),
        force,
        former: false,
        senior_officer: false,
        prior_sanctions: Vec::new(),
    })
}

fn code(c: &str) -> CategoryCode {
    CategoryCode::parse(c).expect("a code from the table")
}

fn finding(subject: u32, allegation: u32, cta: CaseToAnswer, rationale: &str) -> Finding {
    Finding {
        subject: PartyId(subject),
        allegation: AllegationId(allegation),
        case_to_answer: cta,
        performance_unsatisfactory: false,
        further_action: FurtherAction::None,
        rationale: rationale.to_string(),
    }
}

pub const REFERENCE_CASE: &str = "2020/134541";
pub const REFERENCE_TITLE: &str = "Allegations that officers abused their position for sexual purpose and to obtain intelligence - Gloucestershire Constabulary, April 2020";

/// The reference scenario: case 2020/134541 as published on 4 April 2022, with invented names,
/// including the mistakes the rules must refuse along the way.
pub fn reference_case(salt: &mut dyn FnMut() -> [u8; 16]) -> Vec<Step> {
    let force = Force::parse("gloucestershire").expect("in the table");
    let psd = actor("psd.assessor", Body::AppropriateAuthority);
    let psd_dm = actor("psd.decision-maker", Body::AppropriateAuthority);
    let iopc_assess = actor("oversight.assessor", Body::OversightBody);
    let iopc_inv = actor("oversight.investigator", Body::OversightBody);
    let iopc_dm = actor("oversight.decision-maker", Body::OversightBody);
    let iopc_pub = actor("oversight.publications", Body::OversightBody);
    let mut s = Script {
        steps: Vec::new(),
        salt,
    };
    let d0 = date(2020, 4, 6);

    s.ok(d0, &psd, Command::LogMatter {
        reference: Reference::parse(REFERENCE_CASE).expect("valid"),
        kind: MatterKind::Complaint,
        force,
        appropriate_authority: AppropriateAuthority::ChiefOfficer,
        received_on: d0,
        came_to_attention_on: None,
        incident_on: Some(d0),
        incident_location: Some("Gloucestershire".into()),
        summary: "A vulnerable woman reported threats from a man suspected of using her home as a base for drug dealing ('cuckooing'). On a call-back the same day she complained about the conduct of the officers who attended.".into(),
        classification: Classification::OfficialSensitive,
        complainant_wants_recording: false,
        death_or_serious_injury: false,
    });
    s.party(
        d0,
        &psd,
        Role::Complainant {
            basis: ComplainantBasis::DirectedAt,
        },
        "Rowan Ashby",
        vec![
            Vulnerability::VictimOfCrime,
            Vulnerability::SexualExploitation,
        ],
    );
    s.party(
        d0,
        &psd,
        officer(force, "Police Constable", "GL1042"),
        "Daniel Morrow",
        vec![],
    );
    s.party(
        d0,
        &psd,
        officer(force, "Police Constable", "GL2217"),
        "Ellis Tanner",
        vec![],
    );
    s.party(
        d0,
        &psd,
        Role::AffectedPerson,
        "Casey Fenwick",
        vec![Vulnerability::VictimOfCrime],
    );
    s.party(d0, &psd, Role::Witness, "Jordan Pike", vec![]);
    let both = vec![PartyId(2), PartyId(3)];
    s.ok(d0, &psd, Command::AddAllegation { subjects: both.clone(), category: code("G2"), description: "The officers abused their positions for a sexual purpose in their dealings with the complainant.".into() });
    s.ok(d0, &psd, Command::AddAllegation { subjects: both.clone(), category: code("G4"), description: "The officers used the complainant as an unofficial informant to obtain intelligence, taking advantage of her vulnerabilities and placing her at risk.".into() });
    s.ok(
        d0,
        &psd,
        Command::AddAllegation {
            subjects: both.clone(),
            category: code("G5"),
            description:
                "The officers asked the complainant to destroy evidence of their contact with her."
                    .into(),
        },
    );
    s.ok(
        d0,
        &psd,
        Command::AddAllegation {
            subjects: vec![PartyId(2)],
            category: code("G4"),
            description: "The officer used a second woman as an unofficial informant.".into(),
        },
    );

    // Mistake: abuse of position for a sexual purpose cannot be handled informally.
    s.refused(
        d0,
        &psd,
        Command::HandleOutsideSchedule3 {
            assessment: HandlingAssessment::default(),
            rationale: "Resolve with the complainant directly.".into(),
        },
        Rule::Schedule3Required,
    );
    let d1 = date(2020, 4, 7);
    s.ok(
        d1,
        &psd,
        Command::RecordMatter {
            assessment: HandlingAssessment {
                might_justify_proceedings: true,
                article_2_or_3: false,
            },
        },
    );
    // Mistake: a local investigation without the mandatory referral.
    s.refused(
        d1,
        &psd,
        Command::StartLocalInvestigation,
        Rule::MandatoryReferral,
    );
    s.ok(
        d1,
        &psd,
        Command::Refer {
            basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
        },
    );
    s.ok(
        d1,
        &psd,
        Command::UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Progress,
        },
    );
    let d2 = date(2020, 4, 9);
    // Mistake: the force cannot decide the mode of investigation of its own referral.
    s.refused(
        d2,
        &psd_dm,
        Command::DecideReferral {
            decision: ReferralDecision::Investigate(InvestigationMode::Local),
            rationale: "We can investigate this ourselves.".into(),
        },
        Rule::WrongBody,
    );
    s.ok(d2, &iopc_assess, Command::DecideReferral { decision: ReferralDecision::Investigate(InvestigationMode::Independent), rationale: "Alleged abuse of position for a sexual purpose against a vulnerable victim of crime: the seriousness and the public interest require an independent investigation.".into() });
    let d3 = date(2020, 4, 14);
    s.ok(d3, &iopc_inv, Command::SetTermsOfReference { text: "To investigate the officers' contact with the complainant and a second woman between March and April 2020; whether they abused their positions for a sexual purpose or to obtain intelligence; and whether they asked for evidence to be destroyed.".into() });
    s.ok(d3, &iopc_inv, Command::LogDecision { decision: "Not to seek the suspension of either officer".into(), rationale: "Both officers were moved to roles without contact with the public; the force's risk assessment was reviewed and found adequate.".into(), acted: false });
    let d4 = date(2020, 4, 20);
    for subject in [2, 3] {
        s.ok(d4, &iopc_dm, Command::AssessSeverity { subject: PartyId(subject), severity: Severity::GrossMisconduct, likely_form: Form::Hearing, rationale: "Alleged abuse of position for a sexual purpose would, if proved, justify dismissal.".into() });
        s.ok(
            d4,
            &iopc_inv,
            Command::ServeNotice {
                subject: PartyId(subject),
            },
        );
    }
    // Mistake: an opinion before there is a report.
    s.refused(
        d4,
        &iopc_inv,
        Command::GiveOpinion {
            finding: finding(2, 1, CaseToAnswer::NoCaseToAnswer, "early view"),
        },
        Rule::OpinionBeforeReport,
    );
    let d5 = date(2020, 5, 4);
    s.ok(
        d5,
        &iopc_inv,
        Command::ExhibitEvidence {
            exhibit: "DM/1".into(),
            description: "Download of the first officer's work mobile phone".into(),
            sha256: Some("9f2c4e1a6b7d8c0e3f5a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e".into()),
            custodian: "oversight.investigator".into(),
        },
    );
    s.ok(
        d5,
        &iopc_inv,
        Command::ExhibitEvidence {
            exhibit: "ET/1".into(),
            description: "Download of the second officer's work mobile phone".into(),
            sha256: Some("1b3d5f7a9c2e4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c".into()),
            custodian: "oversight.investigator".into(),
        },
    );
    s.ok(
        d5,
        &iopc_inv,
        Command::TransferCustody {
            exhibit: "DM/1".into(),
            from: "oversight.investigator".into(),
            to: "digital forensics unit".into(),
            purpose: "examination of messages and call records".into(),
        },
    );
    s.ok(
        d5,
        &iopc_inv,
        Command::TakeWitnessAccount {
            party: PartyId(1),
            summary: "Account of the injured party about the officers' visits and messages.".into(),
        },
    );
    s.ok(
        d5,
        &psd,
        Command::UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Progress,
        },
    );
    s.ok(
        date(2020, 5, 12),
        &iopc_inv,
        Command::TakeWitnessAccount {
            party: PartyId(4),
            summary: "Account of the second woman about being asked for information.".into(),
        },
    );
    s.ok(
        date(2020, 5, 12),
        &iopc_inv,
        Command::TakeWitnessAccount {
            party: PartyId(5),
            summary: "Account of a neighbour who saw the officers' visits.".into(),
        },
    );
    s.ok(
        date(2020, 6, 1),
        &iopc_inv,
        Command::UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Progress,
        },
    );
    s.ok(date(2020, 7, 2), &iopc_inv, Command::RecordInterview { party: PartyId(2), under_caution: false, summary: "Misconduct interview; the officer gave a prepared statement and answered questions.".into() });
    s.ok(
        date(2020, 7, 3),
        &iopc_inv,
        Command::RecordInterview {
            party: PartyId(3),
            under_caution: false,
            summary: "Misconduct interview; the officer answered questions.".into(),
        },
    );
    s.ok(
        date(2020, 9, 21),
        &iopc_inv,
        Command::TransferCustody {
            exhibit: "DM/1".into(),
            from: "digital forensics unit".into(),
            to: "oversight.investigator".into(),
            purpose: "return after examination".into(),
        },
    );
    let d6 = date(2021, 1, 18);
    for subject in [2, 3] {
        s.ok(d6, &iopc_dm, Command::AssessSeverity { subject: PartyId(subject), severity: Severity::Misconduct, likely_form: Form::Meeting, rationale: "The phone examinations found no evidence of a sexual purpose; the informant allegations remain at the level of misconduct.".into() });
        s.ok(
            d6,
            &iopc_inv,
            Command::ServeNotice {
                subject: PartyId(subject),
            },
        );
    }
    let d7 = date(2021, 3, 15);
    s.ok(d7, &iopc_inv, Command::SubmitReport { summary: "The evidence indicates that both officers potentially abused their positions in their dealings with a vulnerable victim of crime by using her as an unofficial informant; one did so with a second woman. There is insufficient evidence of a sexual purpose or of a request to destroy evidence.".into() });
    let cta = CaseToAnswer::Misconduct;
    let ncta = CaseToAnswer::NoCaseToAnswer;
    let findings = vec![
        finding(2, 1, ncta, "No evidence of a sexual purpose."),
        finding(
            2,
            2,
            cta,
            "Used the complainant as an unofficial informant, taking advantage of her vulnerabilities and placing her at risk.",
        ),
        finding(
            2,
            3,
            ncta,
            "No evidence that destruction of evidence was requested.",
        ),
        finding(2, 4, cta, "Used a second woman as an unofficial informant."),
        finding(3, 1, ncta, "No evidence of a sexual purpose."),
        finding(
            3,
            2,
            cta,
            "Used the complainant as an unofficial informant, taking advantage of her vulnerabilities and placing her at risk.",
        ),
        finding(
            3,
            3,
            ncta,
            "No evidence that destruction of evidence was requested.",
        ),
    ];
    for f in &findings {
        s.ok(d7, &iopc_inv, Command::GiveOpinion { finding: f.clone() });
    }
    let d8 = date(2021, 3, 26);
    // Mistakes: a determination that leaves a pair without a finding; a determination by the force.
    s.refused(
        d8,
        &iopc_dm,
        Command::Determine {
            findings: findings[..6].to_vec(),
        },
        Rule::DeterminationIncomplete,
    );
    s.refused(
        d8,
        &psd_dm,
        Command::Determine {
            findings: findings.clone(),
        },
        Rule::WrongBody,
    );
    s.ok(d8, &iopc_dm, Command::Determine { findings });
    s.ok(
        d8,
        &iopc_dm,
        Command::RecordNoLearning {
            rationale: "The investigation identified no learning for the force or for policing."
                .into(),
        },
    );
    // Mistake: publication while the action to follow is unsettled.
    s.refused(
        d8,
        &iopc_pub,
        Command::Publish {
            title: REFERENCE_TITLE.into(),
            summary: "draft".into(),
            tags: vec![],
        },
        Rule::ProceedingsOpen,
    );
    let d9 = date(2022, 2, 10);
    // Mistake: proposals must cover both officers with a case to answer.
    s.refused(
        d9,
        &psd_dm,
        Command::ProposeAction {
            proposals: vec![Proposal {
                subject: PartyId(2),
                action: Action::ReflectivePractice,
            }],
            rationale: "Reflective practice.".into(),
        },
        Rule::ProposalIncomplete,
    );
    s.ok(d9, &psd_dm, Command::ProposeAction {
        proposals: vec![
            Proposal { subject: PartyId(2), action: Action::ReflectivePractice },
            Proposal { subject: PartyId(3), action: Action::ReflectivePractice },
        ],
        rationale: "Disciplinary proceedings should not be brought: the most constructive outcome, in the public interest and in the interests of the officers, is for the misconduct to be addressed through the reflective practice review process.".into(),
    });
    s.ok(date(2022, 2, 24), &iopc_dm, Command::AnswerProposal { response: ProposalResponse::Agree, rationale: "Engagement with reflective practice will benefit both officers, the force and the public interest.".into() });
    let d10 = date(2022, 3, 1);
    s.ok(d10, &iopc_inv, Command::NotifyOutcome);
    s.ok(
        d10,
        &iopc_inv,
        Command::UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Outcome,
        },
    );
    // Mistakes: a review by a witness; a review of an independent investigation.
    s.refused(
        d10,
        &iopc_assess,
        Command::ApplyForReview {
            applicant: PartyId(5),
            late_reason: None,
            forwarding_days: 0,
        },
        Rule::ReviewApplicantNotComplainant,
    );
    s.refused(
        d10,
        &iopc_assess,
        Command::ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarding_days: 0,
        },
        Rule::NoReviewRight,
    );
    s.ok(d10, &iopc_dm, Command::Close);
    s.ok(date(2022, 4, 4), &iopc_pub, Command::Publish {
        title: REFERENCE_TITLE.into(),
        summary: "On 6 April 2020 a vulnerable woman complained about the conduct of officers who attended her home. We investigated allegations that two officers abused their positions for a sexual purpose and to obtain intelligence from her as an unofficial informant, and that they asked her to destroy evidence. We interviewed the officers, examined their mobile phones and obtained accounts from several witnesses. Our investigation concluded in March 2021; we waited for all associated proceedings to be complete before publishing. Both officers had a case to answer for misconduct for using the complainant as an unofficial informant, and one also for using a second woman as an unofficial informant; there was no case to answer on the other allegations. The force proposed that the misconduct be addressed through the reflective practice review process and we agreed. The investigation identified no learning.".into(),
        tags: vec!["Corruption and abuse of power".into()],
    });
    s.steps
}

/// How far a synthetic case is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    Logged,
    OutsideSchedule3,
    Recorded,
    Referred,
    Investigating,
    Reported,
    Determined,
    InProceedings,
    Concluded,
    Closed,
    Published,
}

const DEPTHS: [Depth; 11] = [
    Depth::Logged,
    Depth::OutsideSchedule3,
    Depth::Recorded,
    Depth::Referred,
    Depth::Investigating,
    Depth::Reported,
    Depth::Determined,
    Depth::InProceedings,
    Depth::Concluded,
    Depth::Closed,
    Depth::Published,
];

const FIRST: [&str; 16] = [
    "Alex", "Sam", "Jamie", "Morgan", "Taylor", "Jordan", "Casey", "Riley", "Avery", "Quinn",
    "Rowan", "Harper", "Elliot", "Robin", "Skyler", "Frankie",
];
const LAST: [&str; 16] = [
    "Smith", "Jones", "Patel", "Williams", "Brown", "Khan", "Evans", "Thomas", "Roberts", "Walker",
    "Wright", "Hughes", "Edwards", "Green", "Hall", "Wood",
];
const RANKS: [&str; 4] = [
    "Police Constable",
    "Police Constable",
    "Sergeant",
    "Inspector",
];
/// Everyday categories weighted like national figures (A and B dominate).
const COMMON: [&str; 16] = [
    "A1", "A1", "A2", "A3", "A3", "A4", "B1", "B3", "B4", "B6", "B6", "B2", "D2", "H1", "H4", "F6",
];
const SERIOUS: [&str; 5] = ["G2", "G3", "J1", "G1", "G5"];

/// A small deterministic generator (SplitMix64), so demo data is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The commands of synthetic case number `n`: a force, categories and a stage spread
/// deterministically, every step valid. References are `SYN/<year>/<n>`.
pub fn synthetic_case(n: u32, salt: &mut dyn FnMut() -> [u8; 16]) -> Vec<Step> {
    let mut rng = Rng(0x5EED_0000 ^ u64::from(n).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let forces: Vec<Force> = Force::all().collect();
    let force = *rng.pick(&forces);
    let depth = DEPTHS[rng.below(DEPTHS.len())];
    let serious = rng.below(10) < 3;
    let mut day = date(2021, 1, 4)
        .checked_add(jiff::Span::new().days(rng.below(1400) as i64))
        .expect("in range");
    let reference = Reference::parse(&format!("SYN/{}/{:05}", day.year(), n)).expect("valid");
    let psd = actor("psd.caseworker", Body::AppropriateAuthority);
    let oversight = actor("oversight.caseworker", Body::OversightBody);
    let mut s = Script {
        steps: Vec::new(),
        salt,
    };
    let name = |rng: &mut Rng| format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST));

    s.ok(
        day,
        &psd,
        Command::LogMatter {
            reference,
            kind: MatterKind::Complaint,
            force,
            appropriate_authority: AppropriateAuthority::ChiefOfficer,
            received_on: day,
            came_to_attention_on: None,
            incident_on: Some(day.yesterday().expect("in range")),
            incident_location: None,
            summary: format!(
                "Synthetic complaint number {n} about officers of {}.",
                force.name()
            ),
            classification: Classification::OfficialSensitive,
            complainant_wants_recording: false,
            death_or_serious_injury: false,
        },
    );
    let complainant_name = name(&mut rng);
    s.party(
        day,
        &psd,
        Role::Complainant {
            basis: ComplainantBasis::DirectedAt,
        },
        &complainant_name,
        vec![],
    );
    let officers = 1 + rng.below(2) as u32;
    for i in 0..officers {
        let rank = *rng.pick(&RANKS);
        let officer_name = name(&mut rng);
        let number = format!(
            "{}{:04}",
            &force.code()[..2].to_ascii_uppercase(),
            rng.below(9000) + 1000 + i as usize
        );
        s.party(
            day,
            &psd,
            officer(force, rank, &number),
            &officer_name,
            vec![],
        );
    }
    let subjects: Vec<PartyId> = (2..2 + officers).map(PartyId).collect();
    let allegations = 1 + rng.below(3) as u32;
    for i in 0..allegations {
        let c = if serious && i == 0 {
            *rng.pick(&SERIOUS)
        } else {
            *rng.pick(&COMMON)
        };
        s.ok(
            day,
            &psd,
            Command::AddAllegation {
                subjects: subjects.clone(),
                category: code(c),
                description: format!("Allegation {} of synthetic case {n} ({c}).", i + 1),
            },
        );
    }
    let step = |day: &mut Date, rng: &mut Rng, max: usize| {
        *day = day
            .checked_add(jiff::Span::new().days(1 + rng.below(max) as i64))
            .expect("in range");
    };
    if depth == Depth::Logged {
        return s.steps;
    }
    if depth == Depth::OutsideSchedule3 && !serious {
        step(&mut day, &mut rng, 10);
        s.ok(
            day,
            &psd,
            Command::HandleOutsideSchedule3 {
                assessment: HandlingAssessment::default(),
                rationale: "Service complaint suited to early resolution.".into(),
            },
        );
        step(&mut day, &mut rng, 20);
        s.ok(
            day,
            &psd,
            Command::FinaliseOutsideSchedule3 {
                outcome: OutsideOutcome::ResolvedToComplainantsSatisfaction,
            },
        );
        return s.steps;
    }
    step(&mut day, &mut rng, 10);
    s.ok(
        day,
        &psd,
        Command::RecordMatter {
            assessment: HandlingAssessment {
                might_justify_proceedings: true,
                article_2_or_3: false,
            },
        },
    );
    if depth == Depth::Recorded || depth == Depth::OutsideSchedule3 {
        return s.steps;
    }
    let mode = if serious {
        s.ok(
            day,
            &psd,
            Command::Refer {
                basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
            },
        );
        if depth == Depth::Referred {
            return s.steps;
        }
        step(&mut day, &mut rng, 14);
        let mode = if rng.below(2) == 0 {
            InvestigationMode::Independent
        } else {
            InvestigationMode::Directed
        };
        s.ok(
            day,
            &oversight,
            Command::DecideReferral {
                decision: ReferralDecision::Investigate(mode),
                rationale: "Serious allegation; the public interest requires oversight.".into(),
            },
        );
        mode
    } else {
        s.ok(day, &psd, Command::StartLocalInvestigation);
        InvestigationMode::Local
    };
    let investigator = if mode == InvestigationMode::Independent {
        &oversight
    } else {
        &psd
    };
    let assessor = if mode == InvestigationMode::Local {
        &psd
    } else {
        &oversight
    };
    let decider = if mode == InvestigationMode::Local {
        &psd
    } else {
        &oversight
    };
    s.ok(
        day,
        investigator,
        Command::SetTermsOfReference {
            text: "Investigate the allegations recorded.".into(),
        },
    );
    for sub in &subjects {
        s.ok(
            day,
            assessor,
            Command::AssessSeverity {
                subject: *sub,
                severity: Severity::Misconduct,
                likely_form: Form::Meeting,
                rationale: "Would amount to misconduct if proved.".into(),
            },
        );
        s.ok(day, investigator, Command::ServeNotice { subject: *sub });
    }
    step(&mut day, &mut rng, 60);
    s.ok(
        day,
        investigator,
        Command::TakeWitnessAccount {
            party: PartyId(1),
            summary: "Complainant's account.".into(),
        },
    );
    for sub in &subjects {
        s.ok(
            day,
            investigator,
            Command::RecordInterview {
                party: *sub,
                under_caution: false,
                summary: "Misconduct interview.".into(),
            },
        );
    }
    if depth == Depth::Investigating || depth == Depth::Referred {
        return s.steps;
    }
    step(&mut day, &mut rng, 90);
    s.ok(
        day,
        investigator,
        Command::SubmitReport {
            summary: "Investigation report.".into(),
        },
    );
    let case_to_answer = rng.below(3) == 0;
    let mut findings = Vec::new();
    for sub in &subjects {
        for a in 1..=allegations {
            let cta = if case_to_answer && a == 1 {
                CaseToAnswer::Misconduct
            } else {
                CaseToAnswer::NoCaseToAnswer
            };
            findings.push(finding(sub.0, a, cta, "Assessment of the evidence."));
        }
    }
    for f in &findings {
        s.ok(
            day,
            investigator,
            Command::GiveOpinion { finding: f.clone() },
        );
    }
    if depth == Depth::Reported {
        return s.steps;
    }
    step(&mut day, &mut rng, 15);
    s.ok(day, decider, Command::Determine { findings });
    if depth == Depth::Determined {
        return s.steps;
    }
    let meeting = case_to_answer && rng.below(2) == 0;
    if case_to_answer {
        let action = if meeting {
            Action::Proceedings(Form::Meeting)
        } else {
            Action::ReflectivePractice
        };
        let proposals = subjects
            .iter()
            .map(|sub| Proposal {
                subject: *sub,
                action,
            })
            .collect();
        step(&mut day, &mut rng, 20);
        s.ok(
            day,
            &psd,
            Command::ProposeAction {
                proposals,
                rationale: "Proportionate action.".into(),
            },
        );
        if mode != InvestigationMode::Local {
            step(&mut day, &mut rng, 10);
            s.ok(
                day,
                &oversight,
                Command::AnswerProposal {
                    response: ProposalResponse::Agree,
                    rationale: "Agreed.".into(),
                },
            );
        }
        if meeting {
            for sub in &subjects {
                step(&mut day, &mut rng, 30);
                s.ok(
                    day,
                    &psd,
                    Command::ArrangeProceedings {
                        subject: *sub,
                        form: Form::Meeting,
                        allegations: vec![AllegationId(1)],
                        on: day,
                    },
                );
            }
        } else {
            for sub in &subjects {
                s.ok(
                    day,
                    &psd,
                    Command::ProgressReflectivePractice {
                        subject: *sub,
                        stage: ReflectiveStage::Notified,
                    },
                );
            }
        }
    }
    if depth == Depth::InProceedings {
        return s.steps;
    }
    if meeting {
        for (i, _) in subjects.iter().enumerate() {
            step(&mut day, &mut rng, 30);
            let proven = rng.below(3) != 0;
            s.ok(
                day,
                &psd,
                Command::ConcludeProceedings {
                    proceedings: ProceedingsId(i as u32 + 1),
                    findings: vec![(
                        AllegationId(1),
                        if proven {
                            ProvenFinding::Misconduct
                        } else {
                            ProvenFinding::NotProven
                        },
                    )],
                    sanction: proven.then_some(Sanction::WrittenWarning),
                    unconnected_incidents: false,
                },
            );
        }
    }
    step(&mut day, &mut rng, 5);
    s.ok(day, decider, Command::NotifyOutcome);
    s.ok(
        day,
        decider,
        Command::UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Outcome,
        },
    );
    if depth == Depth::Concluded {
        return s.steps;
    }
    // Past any review window.
    day = day
        .checked_add(jiff::Span::new().days(30))
        .expect("in range");
    s.ok(day, decider, Command::Close);
    if depth == Depth::Closed || mode == InvestigationMode::Local {
        return s.steps;
    }
    step(&mut day, &mut rng, 60);
    s.ok(
        day,
        &oversight,
        Command::Publish {
            title: format!(
                "Investigation into the conduct of officers - {}, {}",
                force.name(),
                day.strftime("%B %Y")
            ),
            summary: "An anonymised summary of the investigation and its outcome.".into(),
            tags: vec!["Corruption and abuse of power".into()],
        },
    );
    s.steps
}
