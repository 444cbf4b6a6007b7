//! The reference scenario: case 2020/134541 as published on 4 April 2022, told with invented
//! names, stage by stage, including the mistakes the rules must refuse along the way.

use jiff::civil::date;

use super::{Script, Step, actor, code, finding, officer};
use crate::command::*;
use crate::conduct::{Action, CaseToAnswer, Finding, Form, Proposal, ProposalResponse, Severity};
use crate::force::Force;
use crate::ids::{PartyId, Reference};
use crate::matter::{AppropriateAuthority, Classification, MatterKind, UpdateKind};
use crate::party::{ComplainantBasis, PartyRole, Vulnerability};
use crate::publication::ItemKind;
use crate::referral::{
    HandlingAssessment, InvestigationMode, MandatoryCriterion, ReferralBasis, ReferralDecision,
};
use crate::rule::Rule;
use crate::{Actor, Body};

pub const REFERENCE_CASE: &str = "2020/134541";
pub const REFERENCE_TITLE: &str = "Allegations that officers abused their position for sexual purpose and to obtain intelligence - Gloucestershire Constabulary, April 2020";

/// Who acts in the reference case.
struct Cast {
    force: Force,
    psd: Actor,
    psd_dm: Actor,
    iopc_assess: Actor,
    iopc_inv: Actor,
    iopc_dm: Actor,
    iopc_pub: Actor,
    /// The second publications officer, who approves what the first drafts.
    iopc_approver: Actor,
}

/// The reference scenario: case 2020/134541 as published on 4 April 2022, with invented names,
/// including the mistakes the rules must refuse along the way.
pub fn reference_case(salt: &mut dyn FnMut() -> [u8; 16]) -> Vec<Step> {
    let c = Cast {
        force: Force::parse("gloucestershire").expect("in the table"),
        psd: actor("psd.assessor", Body::AppropriateAuthority),
        psd_dm: actor("psd.decision-maker", Body::AppropriateAuthority),
        iopc_assess: actor("oversight.assessor", Body::OversightBody),
        iopc_inv: actor("oversight.investigator", Body::OversightBody),
        iopc_dm: actor("oversight.decision-maker", Body::OversightBody),
        iopc_pub: actor("oversight.publications", Body::OversightBody),
        iopc_approver: actor("oversight.publications-approver", Body::OversightBody),
    };
    let mut s = Script::new(salt);
    // The complainant is kept informed at least every four weeks from the start of handling
    // until the outcome (PCMR 2020 reg 34); the seed is silent on the letters, so these are
    // plausible: the oversight body writes, as it investigates.
    let mut day = date(2020, 5, 4);
    while day < date(2022, 3, 1) {
        s.schedule(
            day,
            &c.iopc_inv,
            Command::UpdateParty(UpdateParty {
                party: PartyId(1),
                kind: UpdateKind::Progress,
            }),
        );
        day = day
            .checked_add(jiff::Span::new().days(28))
            .expect("in range");
    }
    intake(&mut s, &c);
    let opinions = investigation(&mut s, &c);
    determination(&mut s, &c, opinions);
    aftercare(&mut s, &c);
    s.finish()
}

/// The complaint as received, its parties and allegations, recording and the mandatory referral (April 2020).
fn intake(s: &mut Script<'_>, c: &Cast) {
    let d0 = date(2020, 4, 6);

    s.ok(d0, &c.psd, Command::LogMatter(LogMatter {
        reference: Reference::parse(REFERENCE_CASE).expect("valid"),
        kind: MatterKind::Complaint,
        force: c.force,
        appropriate_authority: AppropriateAuthority::ChiefOfficer,
        received_on: d0,
        came_to_attention_on: None,
        incident_on: Some(d0),
        incident_location: Some("Gloucestershire".into()),
        summary: "A vulnerable woman reported threats from a man suspected of using her home as a base for drug dealing ('cuckooing'). On a call-back the same day she complained about the conduct of the officers who attended.".into(),
        classification: Classification::OfficialSensitive,
        complainant_wants_recording: false,
        death_or_serious_injury: false,
    }));
    s.party(
        d0,
        &c.psd,
        PartyRole::Complainant {
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
        &c.psd,
        officer(c.force, "Police Constable", "GL1042"),
        "Daniel Morrow",
        vec![],
    );
    s.party(
        d0,
        &c.psd,
        officer(c.force, "Police Constable", "GL2217"),
        "Ellis Tanner",
        vec![],
    );
    s.party(d0, &c.psd, PartyRole::Witness, "Jordan Pike", vec![]);
    // The call-back the same day: the complainant was contacted and her views sought, and
    // handling began (Sch3 para 2(6)).
    s.ok(
        d0,
        &c.psd,
        Command::ContactComplainant(ContactComplainant {
            party: PartyId(1),
            views_sought: true,
        }),
    );
    let both = vec![PartyId(2), PartyId(3)];
    s.ok(d0, &c.psd, Command::AddAllegation(AddAllegation { subjects: both.clone(), category: code("G2"), description: "The officers abused their positions for a sexual purpose in their dealings with the complainant.".into(), conduct_matter: None }));
    s.ok(d0, &c.psd, Command::AddAllegation(AddAllegation { subjects: both.clone(), category: code("G4"), description: "The officers used the complainant as an unofficial informant to obtain intelligence, taking advantage of her vulnerabilities and placing her at risk.".into(), conduct_matter: None }));
    s.ok(
        d0,
        &c.psd,
        Command::AddAllegation(AddAllegation {
            subjects: both.clone(),
            category: code("G5"),
            description:
                "The officers asked the complainant to destroy evidence of their contact with her."
                    .into(),
            conduct_matter: None,
        }),
    );
    // Mistake: abuse of position for a sexual purpose cannot be handled informally.
    s.refused(
        d0,
        &c.psd,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: HandlingAssessment::default(),
            rationale: "Resolve with the complainant directly.".into(),
        }),
        Rule::Schedule3Required,
    );
    let d1 = date(2020, 4, 7);
    s.ok(
        d1,
        &c.psd,
        Command::RecordMatter(RecordMatter {
            assessment: HandlingAssessment {
                might_justify_proceedings: true,
                article_2_or_3: false,
                ..HandlingAssessment::default()
            },
        }),
    );
    // Mistake: a local investigation without the mandatory referral.
    s.refused(
        d1,
        &c.psd,
        Command::StartLocalInvestigation(StartLocalInvestigation {}),
        Rule::MandatoryReferral,
    );
    s.ok(
        d1,
        &c.psd,
        Command::Refer(Refer {
            basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
        }),
    );
    s.ok(
        d1,
        &c.psd,
        Command::UpdateParty(UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Progress,
        }),
    );
    let d2 = date(2020, 4, 9);
    // Mistake: the force cannot decide the mode of investigation of its own referral.
    s.refused(
        d2,
        &c.psd_dm,
        Command::DecideReferral(DecideReferral {
            decision: ReferralDecision::Investigate(InvestigationMode::Local),
            rationale: "We can investigate this ourselves.".into(),
        }),
        Rule::WrongBody,
    );
    s.ok(d2, &c.iopc_assess, Command::DecideReferral(DecideReferral { decision: ReferralDecision::Investigate(InvestigationMode::Independent), rationale: "Alleged abuse of position for a sexual purpose against a vulnerable victim of crime: the seriousness and the public interest require an independent investigation.".into() }));
}

/// The independent investigation: terms of reference, severity, notices, evidence, interviews, the report and the investigator's opinions (April 2020 to March 2021). Returns the opinions, which the decision maker adopts.
fn investigation(s: &mut Script<'_>, c: &Cast) -> Vec<Finding> {
    let d3 = date(2020, 4, 14);
    s.ok(d3, &c.iopc_inv, Command::SetTermsOfReference(SetTermsOfReference { text: "To investigate the officers' contact with the complainant between March and April 2020; whether they abused their positions for a sexual purpose or to obtain intelligence; and whether they asked for evidence to be destroyed.".into() }));
    s.ok(d3, &c.iopc_inv, Command::LogDecision(LogDecision { decision: "Not to seek the suspension of either officer".into(), rationale: "Both officers were moved to roles without contact with the public; the force's risk assessment was reviewed and found adequate.".into(), acted: false }));
    let d4 = date(2020, 4, 20);
    for subject in [2, 3] {
        s.ok(d4, &c.iopc_dm, Command::AssessSeverity(AssessSeverity { subject: PartyId(subject), severity: Severity::GrossMisconduct, likely_form: Form::Hearing, rationale: "Alleged abuse of position for a sexual purpose would, if proved, justify dismissal.".into() }));
        s.ok(
            d4,
            &c.iopc_inv,
            Command::ServeNotice(ServeNotice {
                subject: PartyId(subject),
            }),
        );
    }
    // Mistake: an opinion before there is a report.
    s.refused(
        d4,
        &c.iopc_inv,
        Command::GiveOpinion(GiveOpinion {
            finding: finding(2, 1, CaseToAnswer::NoCaseToAnswer, "early view"),
        }),
        Rule::OpinionBeforeReport,
    );
    let d5 = date(2020, 5, 4);
    s.ok(
        d5,
        &c.iopc_inv,
        Command::ExhibitEvidence(ExhibitEvidence {
            exhibit: "DM/1".into(),
            description: "Download of the first officer's work mobile phone".into(),
            sha256: Some("9f2c4e1a6b7d8c0e3f5a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e".into()),
            custodian: "oversight.investigator".into(),
        }),
    );
    s.ok(
        d5,
        &c.iopc_inv,
        Command::ExhibitEvidence(ExhibitEvidence {
            exhibit: "ET/1".into(),
            description: "Download of the second officer's work mobile phone".into(),
            sha256: Some("1b3d5f7a9c2e4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c".into()),
            custodian: "oversight.investigator".into(),
        }),
    );
    s.ok(
        d5,
        &c.iopc_inv,
        Command::TransferCustody(TransferCustody {
            exhibit: "DM/1".into(),
            from: "oversight.investigator".into(),
            to: "digital forensics unit".into(),
            purpose: "examination of messages and call records".into(),
        }),
    );
    s.ok(
        d5,
        &c.iopc_inv,
        Command::TakeWitnessAccount(TakeWitnessAccount {
            party: PartyId(1),
            summary: "Account of the injured party about the officers' visits and messages.".into(),
        }),
    );
    // The first officer's phone showed that he had also used a second woman as an informant:
    // a conduct matter of its own, which came to attention that day (Sch3 paras 10-11).
    let d5a = date(2020, 5, 11);
    s.ok(
        d5a,
        &c.iopc_inv,
        Command::RecordConductMatter(RecordConductMatter {
            summary: "The examination of the first officer's phone indicated that he had used a second woman as an unofficial informant.".into(),
        }),
    );
    s.party(
        d5a,
        &c.iopc_inv,
        PartyRole::AffectedPerson,
        "Casey Fenwick",
        vec![Vulnerability::VictimOfCrime],
    );
    s.ok(
        d5a,
        &c.iopc_inv,
        Command::AddAllegation(AddAllegation {
            subjects: vec![PartyId(2)],
            category: code("G4"),
            description: "The officer used a second woman as an unofficial informant.".into(),
            conduct_matter: Some(1),
        }),
    );
    s.ok(
        d5a,
        &c.iopc_inv,
        Command::SetTermsOfReference(SetTermsOfReference {
            text: "To investigate, in addition, the first officer's contact with a second woman, and whether he used her as an unofficial informant.".into(),
        }),
    );
    s.ok(
        date(2020, 5, 12),
        &c.iopc_inv,
        Command::TakeWitnessAccount(TakeWitnessAccount {
            party: PartyId(5),
            summary: "Account of the second woman about being asked for information.".into(),
        }),
    );
    s.ok(
        date(2020, 5, 12),
        &c.iopc_inv,
        Command::TakeWitnessAccount(TakeWitnessAccount {
            party: PartyId(4),
            summary: "Account of a neighbour who saw the officers' visits.".into(),
        }),
    );
    s.ok(date(2020, 7, 2), &c.iopc_inv, Command::RecordInterview(RecordInterview { party: PartyId(2), under_caution: false, summary: "Misconduct interview; the officer gave a prepared statement and answered questions.".into() }));
    s.ok(
        date(2020, 7, 3),
        &c.iopc_inv,
        Command::RecordInterview(RecordInterview {
            party: PartyId(3),
            under_caution: false,
            summary: "Misconduct interview; the officer answered questions.".into(),
        }),
    );
    s.ok(
        date(2020, 9, 21),
        &c.iopc_inv,
        Command::TransferCustody(TransferCustody {
            exhibit: "DM/1".into(),
            from: "digital forensics unit".into(),
            to: "oversight.investigator".into(),
            purpose: "return after examination".into(),
        }),
    );
    let d6 = date(2021, 1, 18);
    for subject in [2, 3] {
        s.ok(d6, &c.iopc_dm, Command::AssessSeverity(AssessSeverity { subject: PartyId(subject), severity: Severity::Misconduct, likely_form: Form::Meeting, rationale: "The phone examinations found no evidence of a sexual purpose; the informant allegations remain at the level of misconduct.".into() }));
        s.ok(
            d6,
            &c.iopc_inv,
            Command::ServeNotice(ServeNotice {
                subject: PartyId(subject),
            }),
        );
    }
    let d7 = date(2021, 3, 15);
    s.ok(d7, &c.iopc_inv, Command::SubmitReport(SubmitReport { summary: "The evidence indicates that both officers potentially abused their positions in their dealings with a vulnerable victim of crime by using her as an unofficial informant; one did so with a second woman. There is insufficient evidence of a sexual purpose or of a request to destroy evidence.".into() }));
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
        s.ok(
            d7,
            &c.iopc_inv,
            Command::GiveOpinion(GiveOpinion { finding: f.clone() }),
        );
    }
    findings
}

/// The determinations, no learning, and the agreed proposal of reflective practice (March 2021 to February 2022).
fn determination(s: &mut Script<'_>, c: &Cast, findings: Vec<Finding>) {
    let d8 = date(2021, 3, 26);
    // Mistakes: a determination that leaves a pair without a finding; a determination by the force.
    s.refused(
        d8,
        &c.iopc_dm,
        Command::Determine(Determine {
            findings: findings[..6].to_vec(),
        }),
        Rule::DeterminationIncomplete,
    );
    s.refused(
        d8,
        &c.psd_dm,
        Command::Determine(Determine {
            findings: findings.clone(),
        }),
        Rule::WrongBody,
    );
    s.ok(d8, &c.iopc_dm, Command::Determine(Determine { findings }));
    s.ok(
        d8,
        &c.iopc_dm,
        Command::RecordNoLearning(RecordNoLearning {
            rationale: "The investigation identified no learning for the force or for policing."
                .into(),
        }),
    );
    // A first draft while the action to follow is unsettled; its approval is refused.
    s.ok(
        d8,
        &c.iopc_pub,
        Command::DraftPublication(DraftPublication {
            item: ItemKind::InvestigationSummary,
            title: REFERENCE_TITLE.into(),
            summary: "Draft: to be completed when the proceedings end.".into(),
            themes: vec![],
            incident_month: Some("2020-04".into()),
            justifications: vec![],
            correction_note: None,
        }),
    );
    // Mistake: approval while the action to follow is unsettled.
    s.refused(
        d8,
        &c.iopc_approver,
        Command::ApprovePublication(ApprovePublication {
            version: 1,
            publish_on: None,
        }),
        Rule::ProceedingsOpen,
    );
    let d9 = date(2022, 2, 10);
    // Mistake: proposals must cover both officers with a case to answer.
    s.refused(
        d9,
        &c.psd_dm,
        Command::ProposeAction(ProposeAction {
            proposals: vec![Proposal {
                subject: PartyId(2),
                action: Action::ReflectivePractice,
            }],
            rationale: "Reflective practice.".into(),
        }),
        Rule::ProposalIncomplete,
    );
    s.ok(d9, &c.psd_dm, Command::ProposeAction(ProposeAction {
        proposals: vec![
            Proposal { subject: PartyId(2), action: Action::ReflectivePractice },
            Proposal { subject: PartyId(3), action: Action::ReflectivePractice },
        ],
        rationale: "Disciplinary proceedings should not be brought: the most constructive outcome, in the public interest and in the interests of the officers, is for the misconduct to be addressed through the reflective practice review process.".into(),
    }));
    s.ok(date(2022, 2, 24), &c.iopc_dm, Command::AnswerProposal(AnswerProposal { response: ProposalResponse::Agree, rationale: "Engagement with reflective practice will benefit both officers, the force and the public interest.".into() }));
}

/// The outcome, the review the complainant cannot have, closure and publication (March and April 2022).
fn aftercare(s: &mut Script<'_>, c: &Cast) {
    let d10 = date(2022, 3, 1);
    s.ok(d10, &c.iopc_inv, Command::NotifyOutcome(NotifyOutcome {}));
    s.ok(
        d10,
        &c.iopc_inv,
        Command::UpdateParty(UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Outcome,
        }),
    );
    // Mistakes: a review by a witness; a review of an independent investigation.
    s.refused(
        d10,
        &c.iopc_assess,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(4),
            late_reason: None,
            forwarded: None,
        }),
        Rule::ReviewApplicantNotComplainant,
    );
    s.refused(
        d10,
        &c.iopc_assess,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: None,
        }),
        Rule::NoReviewRight,
    );
    s.ok(d10, &c.iopc_dm, Command::Close(Close {}));
    let published_on = date(2022, 4, 4);
    s.ok(published_on, &c.iopc_pub, Command::DraftPublication(DraftPublication {
        item: ItemKind::InvestigationSummary,
        title: REFERENCE_TITLE.into(),
        summary: "On 6 April 2020 a vulnerable woman complained about the conduct of officers who attended her home. We investigated allegations that two officers abused their positions for a sexual purpose and to obtain intelligence from her as an unofficial informant, and that they asked her to destroy evidence. We interviewed the officers, examined their mobile phones and obtained accounts from several witnesses. Our investigation concluded in March 2021; we waited for all associated proceedings to be complete before publishing. Both officers had a case to answer for misconduct for using the complainant as an unofficial informant, and one also for using a second woman as an unofficial informant; there was no case to answer on the other allegations. The force proposed that the misconduct be addressed through the reflective practice review process and we agreed. The investigation identified no learning.".into(),
        themes: vec!["Corruption and abuse of power".into()],
        incident_month: Some("2020-04".into()),
        justifications: vec![],
        correction_note: None,
    }));
    // Mistake: the author cannot approve their own draft.
    s.refused(
        published_on,
        &c.iopc_pub,
        Command::ApprovePublication(ApprovePublication {
            version: 2,
            publish_on: None,
        }),
        Rule::SecondPersonRequired,
    );
    s.ok(
        published_on,
        &c.iopc_approver,
        Command::ApprovePublication(ApprovePublication {
            version: 2,
            publish_on: None,
        }),
    );
}
