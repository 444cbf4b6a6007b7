//! Synthetic cases: a deterministic generator of valid cases at every stage, for the demo
//! database, tests and benchmarks.

use jiff::civil::{Date, date};

use super::{Script, Step, actor, code, finding, officer};
use crate::Body;
use crate::command::*;
use crate::conduct::{
    Action, CaseToAnswer, Form, Proposal, ProposalResponse, ProvenFinding, ReflectiveStage,
    Sanction, Severity,
};
use crate::force::Force;
use crate::ids::{AllegationId, PartyId, ProceedingsId, Reference};
use crate::matter::{AppropriateAuthority, Classification, MatterKind, OutsideOutcome, UpdateKind};
use crate::party::{ComplainantBasis, PartyRole};
use crate::referral::{
    HandlingAssessment, InvestigationMode, MandatoryCriterion, ReferralBasis, ReferralDecision,
};

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

/// A small deterministic generator (SplitMix64), so demo data is the same on every machine;
/// the synthetic national caseload (`probity import synthetic`) draws from it too.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One of `choices` by weight.
    pub fn weighted<T: Copy>(&mut self, choices: &[(T, u32)]) -> T {
        let total: u32 = choices.iter().map(|(_, w)| w).sum();
        let mut at = self.below(total as usize) as u32;
        for (c, w) in choices {
            if at < *w {
                return *c;
            }
            at -= w;
        }
        choices[choices.len() - 1].0
    }
}

/// Characteristics for party `party` of synthetic case `n`, drawn apart from the case's own
/// draws (so adding them changed no case): ethnicity roughly as England and Wales's population,
/// complainants half women, officers seven in ten men, ages over the working years.
fn characteristics(n: u32, party: u32, officer: bool) -> crate::imported::Characteristics {
    use crate::imported::{AgeBand, Characteristics, Ethnicity, Sex};
    let mut rng = Rng(0xC0DE_0000 ^ (u64::from(n) << 8) ^ u64::from(party));
    let ethnicity = match rng.below(100) {
        0..=80 => Some(Ethnicity::White),
        81..=89 => Some(Ethnicity::Asian),
        90..=93 => Some(Ethnicity::Black),
        94..=96 => Some(Ethnicity::Mixed),
        97..=98 => Some(Ethnicity::Other),
        _ => None,
    };
    let sex = match (officer, rng.below(10)) {
        (true, 0..=6) | (false, 0..=4) => Some(Sex::Male),
        (_, 9) if !officer => None,
        _ => Some(Sex::Female),
    };
    let age = if officer {
        22 + rng.below(35)
    } else {
        16 + rng.below(60)
    };
    Characteristics {
        ethnicity,
        source_ethnicity: None,
        sex,
        age_band: AgeBand::of(age as i64),
    }
}

/// Who takes a step in a synthetic case: the force's caseworker, the oversight body's, or
/// whichever runs that part of the investigation in its mode.
#[derive(Clone, Copy)]
enum Who {
    Force,
    Oversight,
    /// A second person at the oversight body: who approves what another drafted.
    Approver,
    Investigator,
    Assessor,
    Decider,
}

/// A synthetic case being written, stage by stage. The draws from `rng` come in a fixed order,
/// so case `n` is the same on every machine.
struct Synthetic<'a> {
    n: u32,
    s: Script<'a>,
    rng: Rng,
    force: Force,
    depth: Depth,
    serious: bool,
    /// The category of the first allegation, which decides the referral.
    first_category: &'static str,
    day: Date,
    psd: crate::Actor,
    oversight: crate::Actor,
    approver: crate::Actor,
    subjects: Vec<PartyId>,
    allegations: u32,
    mode: InvestigationMode,
    case_to_answer: bool,
    meeting: bool,
}

/// The commands of synthetic case number `n`: a force, categories and a stage spread
/// deterministically, every step valid. References are `SYN/<year>/<n>`.
pub fn synthetic_case(n: u32, salt: &mut dyn FnMut() -> [u8; 16]) -> Vec<Step> {
    let mut rng = Rng(0x5EED_0000 ^ u64::from(n).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let forces: Vec<Force> = Force::all().collect();
    let force = *rng.pick(&forces);
    let depth = DEPTHS[rng.below(DEPTHS.len())];
    let serious = rng.below(10) < 3;
    let day = date(2021, 1, 4)
        .checked_add(jiff::Span::new().days(rng.below(1400) as i64))
        .expect("in range");
    let mut g = Synthetic {
        n,
        s: Script::new(salt),
        rng,
        force,
        depth,
        serious,
        first_category: "",
        day,
        psd: actor("psd.caseworker", Body::AppropriateAuthority),
        oversight: actor("oversight.caseworker", Body::OversightBody),
        approver: actor("oversight.approver", Body::OversightBody),
        subjects: Vec::new(),
        allegations: 0,
        mode: InvestigationMode::Local,
        case_to_answer: false,
        meeting: false,
    };
    let _ = g.script();
    g.s.finish()
}

impl Synthetic<'_> {
    /// Every stage in turn; each stops the script (`None`) once the case is as deep as drawn.
    fn script(&mut self) -> Option<()> {
        self.intake();
        self.handling()?;
        self.investigation()?;
        self.outcome()?;
        self.aftercare()
    }

    fn act(&mut self, who: Who, command: Command) {
        let actor = match (who, self.mode) {
            (Who::Force, _) => &self.psd,
            (Who::Oversight, _) => &self.oversight,
            (Who::Approver, _) => &self.approver,
            (Who::Investigator, InvestigationMode::Independent) => &self.oversight,
            (Who::Investigator, _) => &self.psd,
            (Who::Assessor | Who::Decider, InvestigationMode::Local) => &self.psd,
            (Who::Assessor | Who::Decider, _) => &self.oversight,
        };
        self.s.ok(self.day, actor, command);
    }

    /// Moves the day on by 1 to `max` days.
    fn wait(&mut self, max: usize) {
        self.day = self
            .day
            .checked_add(jiff::Span::new().days(1 + self.rng.below(max) as i64))
            .expect("in range");
    }

    fn name(&mut self) -> String {
        format!("{} {}", self.rng.pick(&FIRST), self.rng.pick(&LAST))
    }

    /// The complaint as logged: the complainant, one or two officers, one to three allegations.
    fn intake(&mut self) {
        let (n, day, force) = (self.n, self.day, self.force);
        let reference = Reference::parse(&format!("SYN/{}/{:05}", day.year(), n)).expect("valid");
        self.act(
            Who::Force,
            Command::LogMatter(LogMatter {
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
            }),
        );
        let complainant_name = self.name();
        self.s.party_described(
            day,
            &self.psd,
            PartyRole::Complainant {
                basis: ComplainantBasis::DirectedAt,
            },
            &complainant_name,
            vec![],
            characteristics(n, 1, false),
        );
        let officers = 1 + self.rng.below(2) as u32;
        for i in 0..officers {
            let rank = *self.rng.pick(&RANKS);
            let officer_name = self.name();
            let number = format!(
                "{}{:04}",
                &force.code()[..2].to_ascii_uppercase(),
                self.rng.below(9000) + 1000 + i as usize
            );
            self.s.party_described(
                day,
                &self.psd,
                officer(force, rank, &number),
                &officer_name,
                vec![],
                characteristics(n, 2 + i, true),
            );
        }
        self.subjects = (2..2 + officers).map(PartyId).collect();
        self.allegations = 1 + self.rng.below(3) as u32;
        for i in 0..self.allegations {
            let c = if self.serious && i == 0 {
                *self.rng.pick(&SERIOUS)
            } else {
                *self.rng.pick(&COMMON)
            };
            if i == 0 {
                self.first_category = c;
            }
            self.act(
                Who::Force,
                Command::AddAllegation(AddAllegation {
                    subjects: self.subjects.clone(),
                    category: code(c),
                    description: format!("Allegation {} of synthetic case {n} ({c}).", i + 1),
                    conduct_matter: None,
                }),
            );
        }
    }

    /// Handling outside Schedule 3, or recording, and the referral of a serious matter.
    fn handling(&mut self) -> Option<()> {
        let depth = self.depth;
        if depth == Depth::Logged {
            return None;
        }
        // The complainant is contacted and their views sought: handling starts (Sch3 para 2(6)).
        self.wait(3);
        self.act(
            Who::Force,
            Command::ContactComplainant(ContactComplainant {
                party: PartyId(1),
                views_sought: true,
            }),
        );
        if depth == Depth::OutsideSchedule3 && !self.serious {
            self.wait(10);
            self.act(
                Who::Force,
                Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
                    assessment: HandlingAssessment::default(),
                    rationale: "Service complaint suited to early resolution.".into(),
                }),
            );
            self.wait(20);
            self.act(
                Who::Force,
                Command::FinaliseOutsideSchedule3(FinaliseOutsideSchedule3 {
                    outcome: OutsideOutcome::ResolvedToComplainantsSatisfaction,
                }),
            );
            return None;
        }
        self.wait(10);
        self.act(
            Who::Force,
            Command::RecordMatter(RecordMatter {
                // Serious matters might justify proceedings; the others were recorded at the
                // complainant's wish (and so the local policing body reviews them).
                assessment: HandlingAssessment {
                    might_justify_proceedings: self.serious,
                    ..HandlingAssessment::default()
                },
            }),
        );
        if depth == Depth::Recorded || depth == Depth::OutsideSchedule3 {
            return None;
        }
        if !self.serious {
            self.act(
                Who::Force,
                Command::StartLocalInvestigation(StartLocalInvestigation {}),
            );
            self.mode = InvestigationMode::Local;
            return Some(());
        }
        self.act(
            Who::Force,
            Command::Refer(Refer {
                basis: match self.first_category {
                    "G2" | "G3" => ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
                    "J1" => ReferralBasis::Mandatory(MandatoryCriterion::SeriousSexualOffence),
                    _ => ReferralBasis::Voluntary,
                },
            }),
        );
        if depth == Depth::Referred {
            return None;
        }
        self.wait(14);
        let mode = if self.rng.below(2) == 0 {
            InvestigationMode::Independent
        } else {
            InvestigationMode::Directed
        };
        self.act(
            Who::Oversight,
            Command::DecideReferral(DecideReferral {
                decision: ReferralDecision::Investigate(mode),
                rationale: "Serious allegation; the public interest requires oversight.".into(),
            }),
        );
        self.mode = mode;
        Some(())
    }

    /// Terms of reference, severity and notices, accounts, interviews, the report and opinions.
    fn investigation(&mut self) -> Option<()> {
        self.act(
            Who::Investigator,
            Command::SetTermsOfReference(SetTermsOfReference {
                text: "Investigate the allegations recorded.".into(),
            }),
        );
        for sub in self.subjects.clone() {
            self.act(
                Who::Assessor,
                Command::AssessSeverity(AssessSeverity {
                    subject: sub,
                    severity: Severity::Misconduct,
                    likely_form: Form::Meeting,
                    rationale: "Would amount to misconduct if proved.".into(),
                }),
            );
            self.act(
                Who::Investigator,
                Command::ServeNotice(ServeNotice { subject: sub }),
            );
        }
        self.wait(25);
        self.act(
            Who::Force,
            Command::UpdateParty(UpdateParty {
                party: PartyId(1),
                kind: UpdateKind::Progress,
            }),
        );
        self.wait(25);
        self.act(
            Who::Investigator,
            Command::TakeWitnessAccount(TakeWitnessAccount {
                party: PartyId(1),
                summary: "Complainant's account.".into(),
            }),
        );
        for sub in self.subjects.clone() {
            self.act(
                Who::Investigator,
                Command::RecordInterview(RecordInterview {
                    party: sub,
                    under_caution: false,
                    summary: "Misconduct interview.".into(),
                }),
            );
        }
        if self.depth == Depth::Investigating || self.depth == Depth::Referred {
            return None;
        }
        self.wait(90);
        self.act(
            Who::Investigator,
            Command::SubmitReport(SubmitReport {
                summary: "Investigation report.".into(),
            }),
        );
        self.case_to_answer = self.rng.below(3) == 0;
        for f in self.findings() {
            self.act(
                Who::Investigator,
                Command::GiveOpinion(GiveOpinion { finding: f }),
            );
        }
        (self.depth != Depth::Reported).then_some(())
    }

    /// A finding for every subject on every allegation: a case to answer on the first, when drawn.
    fn findings(&self) -> Vec<crate::conduct::Finding> {
        let mut findings = Vec::new();
        for sub in &self.subjects {
            for a in 1..=self.allegations {
                let cta = if self.case_to_answer && a == 1 {
                    CaseToAnswer::Misconduct
                } else {
                    CaseToAnswer::NoCaseToAnswer
                };
                findings.push(finding(sub.0, a, cta, "Assessment of the evidence."));
            }
        }
        findings
    }

    /// The determinations, the action settled, and meetings or reflective practice.
    fn outcome(&mut self) -> Option<()> {
        self.wait(15);
        let findings = self.findings();
        self.act(Who::Decider, Command::Determine(Determine { findings }));
        if self.depth == Depth::Determined {
            return None;
        }
        self.meeting = self.case_to_answer && self.rng.below(2) == 0;
        if self.case_to_answer {
            let action = if self.meeting {
                Action::Proceedings(Form::Meeting)
            } else {
                Action::ReflectivePractice
            };
            let proposals = self
                .subjects
                .iter()
                .map(|sub| Proposal {
                    subject: *sub,
                    action,
                })
                .collect();
            self.wait(20);
            self.act(
                Who::Force,
                Command::ProposeAction(ProposeAction {
                    proposals,
                    rationale: "Proportionate action.".into(),
                }),
            );
            if self.mode != InvestigationMode::Local {
                self.wait(10);
                self.act(
                    Who::Oversight,
                    Command::AnswerProposal(AnswerProposal {
                        response: ProposalResponse::Agree,
                        rationale: "Agreed.".into(),
                    }),
                );
            }
            for sub in self.subjects.clone() {
                if self.meeting {
                    self.wait(30);
                    let day = self.day;
                    self.act(
                        Who::Force,
                        Command::ArrangeProceedings(ArrangeProceedings {
                            subject: sub,
                            form: Form::Meeting,
                            allegations: vec![AllegationId(1)],
                            on: day,
                        }),
                    );
                } else {
                    self.act(
                        Who::Force,
                        Command::ProgressReflectivePractice(ProgressReflectivePractice {
                            subject: sub,
                            stage: ReflectiveStage::Notified,
                        }),
                    );
                }
            }
        }
        (self.depth != Depth::InProceedings).then_some(())
    }

    /// The meetings concluded, the outcome notified, closure and publication.
    fn aftercare(&mut self) -> Option<()> {
        if self.meeting {
            for i in 0..self.subjects.len() {
                self.wait(30);
                let proven = self.rng.below(3) != 0;
                self.act(
                    Who::Force,
                    Command::ConcludeProceedings(ConcludeProceedings {
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
                    }),
                );
                if proven {
                    self.wait(3);
                    self.act(
                        Who::Force,
                        Command::NotifySanction(NotifySanction {
                            proceedings: ProceedingsId(i as u32 + 1),
                        }),
                    );
                }
            }
        }
        self.wait(5);
        self.act(Who::Decider, Command::NotifyOutcome(NotifyOutcome {}));
        self.act(
            Who::Decider,
            Command::UpdateParty(UpdateParty {
                party: PartyId(1),
                kind: UpdateKind::Outcome,
            }),
        );
        if self.depth == Depth::Concluded {
            return None;
        }
        // Past any review window.
        self.day = self
            .day
            .checked_add(jiff::Span::new().days(30))
            .expect("in range");
        self.act(Who::Decider, Command::Close(Close {}));
        if self.depth == Depth::Closed || self.mode == InvestigationMode::Local {
            return None;
        }
        self.wait(60);
        // Learning for the force, answered and published: the register has something to show.
        self.act(
            Who::Decider,
            Command::MakeLearningRecommendation(MakeLearningRecommendation {
                recipient: self.force.name().to_string(),
                text: "Review how supervisors check that officers record their contact with vulnerable people, and brief every response team on the results.".into(),
            }),
        );
        self.wait(40);
        self.act(
            Who::Force,
            Command::RecordLearningResponse(RecordLearningResponse {
                recommendation: crate::ids::RecommendationId(1),
                accepted: crate::matter::Acceptance::Accepted,
                narrative: "Supervisors now review recorded contact with vulnerable people each month; every response team has been briefed.".into(),
            }),
        );
        self.wait(7);
        self.act(
            Who::Oversight,
            Command::PublishLearningResponse(PublishLearningResponse {
                recommendation: crate::ids::RecommendationId(1),
            }),
        );
        let title = format!(
            "Investigation into the conduct of officers - {}, {}",
            self.force.name(),
            self.day.strftime("%B %Y")
        );
        self.act(
            Who::Oversight,
            Command::DraftPublication(DraftPublication {
                item: crate::publication::ItemKind::InvestigationSummary,
                title,
                summary: "An anonymised summary of the investigation and its outcome.".into(),
                themes: vec!["Corruption and abuse of power".into()],
                incident_month: None,
                justifications: Vec::new(),
                correction_note: None,
            }),
        );
        self.act(
            Who::Approver,
            Command::ApprovePublication(ApprovePublication {
                version: 1,
                publish_on: None,
            }),
        );
        Some(())
    }
}
