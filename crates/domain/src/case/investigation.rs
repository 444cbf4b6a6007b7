//! What the investigation events do: its form, terms of reference, the decision log, severity
//! and notices, interviews, evidence and custody, accounts, suspension and the report.

use super::{
    Case, CustodyEntry, Exhibit, Interview, LoggedDecision, SeverityRecord, Status, words,
};
use crate::event::{
    CustodyTransferred, DecisionLogged, EvidenceExhibited, Fact, InterviewRecorded,
    InvestigationModeChanged, InvestigationResumed, InvestigationSuspended, NoticeServed,
    OfficerSuspended, OfficerSuspensionLifted, ReportSubmitted, SeverityAssessed,
    TermsOfReferenceSet, TimelinessReportSent, WitnessAccountTaken,
};

impl Fact for InvestigationModeChanged {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.mode = self.to;
        }
    }

    fn describe(&self) -> String {
        format!(
            "form of investigation changed from {} to {}",
            words(&self.from),
            words(&self.to)
        )
    }
}

impl Fact for TermsOfReferenceSet {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.terms_of_reference
                .push((self.version, self.text.clone(), self.on));
        }
    }

    fn describe(&self) -> String {
        format!("terms of reference v{}", self.version)
    }
}

impl Fact for DecisionLogged {
    fn apply(&self, case: &mut Case) {
        case.decisions.push(LoggedDecision {
            decision: self.decision.clone(),
            rationale: self.rationale.clone(),
            acted: self.acted,
            on: self.on,
        });
    }

    fn describe(&self) -> String {
        format!(
            "decision{}: {}",
            if self.acted { "" } else { " not to act" },
            self.decision
        )
    }
}

impl Fact for SeverityAssessed {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            let revisions = i.severity.get(&self.subject).map_or(0, |r| r.revisions + 1);
            i.severity.insert(
                self.subject,
                SeverityRecord {
                    severity: self.severity,
                    likely_form: self.likely_form,
                    live_final_written_warning: self.live_final_written_warning,
                    assessed_on: self.on,
                    revisions,
                },
            );
        }
    }

    fn describe(&self) -> String {
        format!(
            "severity {}for {}: {}, likely {}",
            if self.revision {
                "revised "
            } else {
                "assessed "
            },
            self.subject,
            words(&self.severity),
            words(&self.likely_form)
        )
    }
}

impl Fact for NoticeServed {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.notices.insert(self.subject, self.on);
        }
    }

    fn describe(&self) -> String {
        format!("written notice served on {}", self.subject)
    }
}

impl Fact for InterviewRecorded {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.interviews.push(Interview {
                party: self.party,
                under_caution: self.under_caution,
                summary: self.summary.clone(),
                on: self.on,
            });
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} interviewed{}",
            self.party,
            if self.under_caution {
                " under caution"
            } else {
                ""
            }
        )
    }
}

impl Fact for EvidenceExhibited {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.exhibits.insert(
                self.exhibit.clone(),
                Exhibit {
                    reference: self.exhibit.clone(),
                    description: self.description.clone(),
                    sha256: self.sha256.clone(),
                    custodian: self.custodian.clone(),
                    custody: Vec::new(),
                },
            );
        }
    }

    fn describe(&self) -> String {
        format!("exhibit {} recorded", self.exhibit)
    }
}

impl Fact for CustodyTransferred {
    fn apply(&self, case: &mut Case) {
        if let Some(x) = case
            .investigation
            .as_mut()
            .and_then(|i| i.exhibits.get_mut(&self.exhibit))
        {
            x.custodian = self.to.clone();
            x.custody.push(CustodyEntry {
                from: self.from.clone(),
                to: self.to.clone(),
                purpose: self.purpose.clone(),
                on: self.on,
            });
        }
    }

    fn describe(&self) -> String {
        format!("custody of {} transferred", self.exhibit)
    }
}

impl Fact for WitnessAccountTaken {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.accounts.push((self.party, self.on));
        }
    }

    fn describe(&self) -> String {
        format!("account taken from {}", self.party)
    }
}

impl Fact for InvestigationSuspended {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.suspensions.push(super::Pause {
                from: self.on,
                until: None,
                reason: self.reason.clone(),
            });
        }
        case.status = Status::Suspended;
    }

    fn describe(&self) -> String {
        "investigation suspended".into()
    }
}

impl Fact for InvestigationResumed {
    fn apply(&self, case: &mut Case) {
        if let Some(last) = case
            .investigation
            .as_mut()
            .and_then(|i| i.suspensions.last_mut())
        {
            last.until = Some(self.on);
        }
        case.status = Status::UnderInvestigation;
    }

    fn describe(&self) -> String {
        "investigation resumed".into()
    }
}

impl Fact for ReportSubmitted {
    fn apply(&self, case: &mut Case) {
        if let Some(i) = case.investigation.as_mut() {
            i.report_on = Some(self.on);
            i.report_summary = Some(self.summary.clone());
        }
        case.status = Status::ReportSubmitted;
    }

    fn describe(&self) -> String {
        "investigation report submitted".into()
    }
}

impl Fact for OfficerSuspended {
    fn apply(&self, case: &mut Case) {
        case.officer_suspensions
            .entry(self.subject)
            .or_default()
            .push(super::OfficerSuspension {
                ground: self.ground,
                from: self.on,
                until: None,
            });
    }

    fn describe(&self) -> String {
        format!("{} suspended ({})", self.subject, words(&self.ground))
    }
}

impl Fact for OfficerSuspensionLifted {
    fn apply(&self, case: &mut Case) {
        if let Some(s) = case
            .officer_suspensions
            .get_mut(&self.subject)
            .and_then(|v| v.last_mut())
        {
            s.until = Some(self.on);
        }
    }

    fn describe(&self) -> String {
        format!("suspension of {} lifted", self.subject)
    }
}

impl Fact for TimelinessReportSent {
    fn apply(&self, case: &mut Case) {
        case.timeliness_reports.push(super::TimelinessReport {
            period_ending: self.period_ending,
            recipients: self.recipients.clone(),
            copied_to: self.copied_to.clone(),
            withheld: self.withheld.clone(),
            sent_on: self.on,
        });
    }

    fn describe(&self) -> String {
        let to: Vec<_> = self.recipients.iter().map(words).collect();
        format!(
            "timeliness report for the period ending {} sent to the {}",
            self.period_ending,
            to.join(" and the ")
        )
    }
}
