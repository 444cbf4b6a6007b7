//! What the events after the report do: opinions and determinations, proposals and the
//! oversight body's answer, proceedings, appeals, the barred list, reflective practice,
//! prosecutors and leaving the service.

use super::{Case, CriminalReferral, Proceedings, ProposalStage, Status, merge, words};
use crate::conduct::{
    Action, AppealOutcome, FurtherAction, ProposalResponse, ProvenFinding, ReflectiveStage,
};
use crate::event::{
    ActionProposed, AppealDetermined, AppealLodged, BarredListReferred, CaseDetermined,
    CriminalProceedingsConcluded, Fact, OpinionGiven, ProceedingsArranged, ProceedingsConcluded,
    ProposalAnswered, RecommendationOnProceedingsAnswered, ReferredToProsecutors,
    ReflectivePracticeProgressed, ReflectiveReportAgreed, SanctionNotified, SubjectLeftService,
};
use crate::party::PartyRole;

impl Fact for OpinionGiven {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.opinions.insert(
                (self.finding.subject, self.finding.allegation),
                self.finding.clone(),
            );
        }
    }

    fn describe(&self) -> String {
        format!(
            "investigator's opinion on {} / {}: {}",
            self.finding.subject,
            self.finding.allegation,
            self.finding.case_to_answer.label()
        )
    }
}

impl Fact for CaseDetermined {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.determined = Some((self.by, self.on));
            for f in &self.findings {
                i.determinations
                    .insert((f.subject, f.allegation), f.clone());
            }
        }
        // No case to answer with a route to follow (PCR reg 23): the route starts here.
        for f in &self.findings {
            if f.case_to_answer.is_case_to_answer() {
                continue;
            }
            match f.further_action {
                FurtherAction::ReflectivePractice => {
                    case.refer_to_reflective_practice(f.subject, self.on)
                }
                FurtherAction::UnsatisfactoryPerformance => {
                    case.performance.entry(f.subject).or_insert(self.on);
                }
                FurtherAction::None => {}
            }
        }
        case.status = Status::Determined;
    }

    fn describe(&self) -> String {
        format!(
            "{} findings determined by the {}",
            self.findings.len(),
            self.by.label()
        )
    }
}

impl Fact for ReferredToProsecutors {
    fn apply(&self, case: &mut Case) {
        case.criminal.insert(
            self.subject,
            CriminalReferral {
                referred_on: self.on,
                outcome: None,
            },
        );
    }

    fn describe(&self) -> String {
        format!("{} referred to prosecutors", self.subject)
    }
}

impl Fact for CriminalProceedingsConcluded {
    fn apply(&self, case: &mut Case) {
        if let Some(c) = case.criminal.get_mut(&self.subject) {
            c.outcome = Some((self.outcome, self.on));
        }
    }

    fn describe(&self) -> String {
        format!(
            "criminal proceedings for {}: {}",
            self.subject,
            words(&self.outcome)
        )
    }
}

impl Fact for ActionProposed {
    fn apply(&self, case: &mut Case) {
        if self.settled {
            case.settle(&self.proposals, self.on);
        } else if let Some(i) = case.investigation.as_mut() {
            i.proposal = ProposalStage::Proposed(self.proposals.clone());
        }
    }

    fn describe(&self) -> String {
        format!(
            "proposed: {}",
            self.proposals
                .iter()
                .map(|p| format!("{} {}", p.subject, p.action.label()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl Fact for ProposalAnswered {
    fn apply(&self, case: &mut Case) {
        let proposed = match case.investigation.as_ref().map(|i| &i.proposal) {
            Some(ProposalStage::Proposed(p)) => p.clone(),
            _ => Vec::new(),
        };
        match &self.response {
            ProposalResponse::Agree => case.settle(&proposed, self.on),
            ProposalResponse::Direct(directed) => case.settle(&merge(&proposed, directed), self.on),
            ProposalResponse::Recommend(recommended) => {
                if let Some(i) = case.investigation.as_mut() {
                    i.proposal = ProposalStage::Recommended(merge(&proposed, recommended));
                }
            }
        }
    }

    fn describe(&self) -> String {
        match self.response {
            ProposalResponse::Agree => "oversight body agreed the proposals".into(),
            ProposalResponse::Recommend(_) => "oversight body recommended other action".into(),
            ProposalResponse::Direct(_) => "oversight body directed proceedings".into(),
        }
    }
}

impl Fact for RecommendationOnProceedingsAnswered {
    fn apply(&self, case: &mut Case) {
        let recommended = match case.investigation.as_ref().map(|i| &i.proposal) {
            Some(ProposalStage::Recommended(p)) => p.clone(),
            _ => Vec::new(),
        };
        if self.accepted {
            case.settle(&recommended, self.on);
        } else if let Some(i) = case.investigation.as_mut() {
            // Back to the oversight body, which may now direct (para 27(4)).
            i.proposal = ProposalStage::Proposed(recommended);
        }
    }

    fn describe(&self) -> String {
        format!(
            "recommendation {}",
            if self.accepted {
                "accepted"
            } else {
                "not accepted"
            }
        )
    }
}

impl Fact for ProceedingsArranged {
    fn apply(&self, case: &mut Case) {
        case.proceedings.insert(
            self.proceedings,
            Proceedings {
                id: self.proceedings,
                subject: self.subject,
                form: self.form,
                allegations: self.allegations.clone(),
                notice_on: self.notice_on,
                arranged_for: self.on,
                findings: Vec::new(),
                sanction: None,
                concluded_on: None,
                sanction_notified_on: None,
                appeal_lodged_on: None,
                appeal: None,
            },
        );
    }

    fn describe(&self) -> String {
        format!(
            "{}: {} arranged for {}",
            self.proceedings,
            Action::Proceedings(self.form).label(),
            self.subject
        )
    }
}

impl Fact for ProceedingsConcluded {
    fn apply(&self, case: &mut Case) {
        let mut to_rprp = None;
        if let Some(p) = case.proceedings.get_mut(&self.proceedings) {
            p.findings = self.findings.clone();
            p.sanction = self.sanction;
            p.concluded_on = Some(self.on);
            if self
                .findings
                .iter()
                .any(|(_, f)| *f == ProvenFinding::NeitherReflectivePractice)
            {
                to_rprp = Some(p.subject);
            }
        }
        if let Some(subject) = to_rprp {
            case.refer_to_reflective_practice(subject, self.on);
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} concluded: {}",
            self.proceedings,
            self.sanction
                .map(|s| s.label())
                .unwrap_or("no disciplinary action")
        )
    }
}

impl Fact for AppealLodged {
    fn apply(&self, case: &mut Case) {
        if let Some(p) = case.proceedings.get_mut(&self.proceedings) {
            p.appeal_lodged_on = Some(self.on);
        }
    }

    fn describe(&self) -> String {
        format!("appeal lodged against {}", self.proceedings)
    }
}

impl Fact for AppealDetermined {
    fn apply(&self, case: &mut Case) {
        if let Some(p) = case.proceedings.get_mut(&self.proceedings) {
            p.appeal = Some((self.outcome, self.on));
        }
    }

    fn describe(&self) -> String {
        let outcome = match self.outcome {
            AppealOutcome::Confirmed => "confirmed".to_string(),
            AppealOutcome::Reversed => "reversed".to_string(),
            AppealOutcome::Substituted(s) => format!(
                "substituted: {}",
                s.map(|s| s.label()).unwrap_or("no disciplinary action")
            ),
        };
        format!("appeal on {}: {outcome}", self.proceedings)
    }
}

impl Fact for BarredListReferred {
    fn apply(&self, case: &mut Case) {
        case.barred_list.entry(self.subject).or_insert(self.on);
    }

    fn describe(&self) -> String {
        format!("{} referred to the barred list", self.subject)
    }
}

impl Fact for ReflectivePracticeProgressed {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.reflective_practice.get_mut(&self.subject) {
            r.stage = self.stage;
            r.history.push((self.stage, self.on));
        }
    }

    fn describe(&self) -> String {
        format!(
            "reflective practice for {}: {}",
            self.subject,
            words(&self.stage)
        )
    }
}

impl Fact for ReflectiveReportAgreed {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.reflective_practice.get_mut(&self.subject) {
            r.stage = ReflectiveStage::ReportAgreed;
            r.history.push((ReflectiveStage::ReportAgreed, self.on));
            r.report = Some(self.report.clone());
        }
    }

    fn describe(&self) -> String {
        format!("reflective review report agreed for {}", self.subject)
    }
}

impl Fact for SubjectLeftService {
    fn apply(&self, case: &mut Case) {
        if let Some(PartyRole::Subject(profile)) =
            case.parties.get_mut(&self.subject).map(|p| &mut p.role)
        {
            profile.former = true;
        }
        if self.advisory_list {
            case.advisory_list.entry(self.subject).or_insert(self.on);
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} left the service{}",
            self.subject,
            if self.advisory_list {
                "; advisory list"
            } else {
                ""
            }
        )
    }
}

impl Fact for SanctionNotified {
    fn apply(&self, case: &mut Case) {
        if let Some(p) = case.proceedings.get_mut(&self.proceedings) {
            p.sanction_notified_on = Some(self.on);
        }
    }

    fn describe(&self) -> String {
        format!(
            "the sanction of {} notified to the officer",
            self.proceedings
        )
    }
}
