//! The conduct track of one subject: severity, opinions and determinations, proceedings and
//! the sanctions each form allows (PCMR 2020 regs 16-22; PCR 2020 regs 23, 42; Sch3 paras 22-27).

use serde::{Deserialize, Serialize};

use crate::ids::{AllegationId, PartyId};
use crate::rule::Rule;

/// The severity assessment (PCMR reg 16): what the conduct would amount to if proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    Misconduct,
    GrossMisconduct,
}

/// The form of misconduct proceedings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Form {
    Meeting,
    Hearing,
    AcceleratedHearing,
}

/// Case to answer, per subject per allegation (PCR reg 23(1)(a); Sch3 para 23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CaseToAnswer {
    Misconduct,
    GrossMisconduct,
    NoCaseToAnswer,
}

impl CaseToAnswer {
    pub fn is_case_to_answer(self) -> bool {
        self != CaseToAnswer::NoCaseToAnswer
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Misconduct => "case to answer for misconduct",
            Self::GrossMisconduct => "case to answer for gross misconduct",
            Self::NoCaseToAnswer => "no case to answer",
        }
    }
}

/// A route other than disciplinary proceedings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FurtherAction {
    #[default]
    None,
    ReflectivePractice,
    UnsatisfactoryPerformance,
}

/// What an investigator recommends, or a decision maker determines, for one subject on one
/// allegation. The investigator's opinion and the decision maker's determination are kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub subject: PartyId,
    pub allegation: AllegationId,
    pub case_to_answer: CaseToAnswer,
    /// Whether performance was unsatisfactory (Sch3 para 27(3A)).
    #[serde(default)]
    pub performance_unsatisfactory: bool,
    #[serde(default)]
    pub further_action: FurtherAction,
    #[serde(default)]
    pub rationale: String,
}

/// What the appropriate authority proposes, or the oversight body settles, for one subject
/// (Sch3 para 27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "snake_case",
    tag = "action",
    content = "form",
    deny_unknown_fields
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Action {
    Proceedings(Form),
    ReflectivePractice,
    UnsatisfactoryPerformance,
    NoAction,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Proceedings(Form::Meeting) => "misconduct meeting",
            Action::Proceedings(Form::Hearing) => "misconduct hearing",
            Action::Proceedings(Form::AcceleratedHearing) => "accelerated misconduct hearing",
            Action::ReflectivePractice => "reflective practice review process",
            Action::UnsatisfactoryPerformance => "unsatisfactory performance procedures",
            Action::NoAction => "no action",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub subject: PartyId,
    pub action: Action,
}

/// The oversight body's answer to the appropriate authority's proposals (Sch3 para 27(3)-(4)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "snake_case",
    tag = "response",
    content = "proposals",
    deny_unknown_fields
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProposalResponse {
    Agree,
    Recommend(Vec<Proposal>),
    Direct(Vec<Proposal>),
}

/// The finding of misconduct proceedings on one allegation (PCR reg 42).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProvenFinding {
    NotProven,
    Misconduct,
    GrossMisconduct,
    /// Neither misconduct nor gross misconduct: referred to reflective practice.
    NeitherReflectivePractice,
}

/// Disciplinary action (PCR reg 42).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sanction {
    WrittenWarning,
    FinalWrittenWarning,
    ReductionInRank,
    DismissalWithoutNotice,
    /// For a former officer: a finding that they would have been dismissed (PCR Sch 1).
    WouldHaveBeenDismissed,
}

impl Sanction {
    pub fn label(self) -> &'static str {
        match self {
            Self::WrittenWarning => "written warning",
            Self::FinalWrittenWarning => "final written warning",
            Self::ReductionInRank => "reduction in rank",
            Self::DismissalWithoutNotice => "dismissal without notice",
            Self::WouldHaveBeenDismissed => "would have been dismissed",
        }
    }

    /// Leads to the police barred list.
    pub fn is_dismissal(self) -> bool {
        matches!(
            self,
            Self::DismissalWithoutNotice | Self::WouldHaveBeenDismissed
        )
    }
}

/// The last day a warning is live, counted from the day it took effect (its notification,
/// PCR 2020 reg 42(4)): 18 months for a written warning, 2 years for a final written warning
/// (shared/domain.md §7; the exact regulation UNVERIFIED, and a hearing may set a longer final
/// written warning). Other sanctions have no live period.
pub fn live_until(sanction: Sanction, effective: jiff::civil::Date) -> Option<jiff::civil::Date> {
    let months = match sanction {
        Sanction::WrittenWarning => 18,
        Sanction::FinalWrittenWarning => 24,
        _ => return None,
    };
    effective.checked_add(jiff::Span::new().months(months)).ok()
}

/// The facts about a subject that decide which sanctions are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SanctionContext {
    pub form: Form,
    /// A final written warning was live at the date of the severity assessment.
    pub live_final_written_warning: bool,
    /// The misconduct arises from more than one incident not closely connected.
    pub unconnected_incidents: bool,
    pub former_officer: bool,
}

/// Whether proceedings of this form, having made these findings, may impose this sanction.
/// `worst` is the most serious finding proven across the allegations.
pub fn check_sanction(
    ctx: SanctionContext,
    worst: ProvenFinding,
    sanction: Option<Sanction>,
) -> Result<(), Rule> {
    use ProvenFinding as P;
    use Sanction as S;
    if ctx.form == Form::Meeting && worst == P::GrossMisconduct {
        return Err(Rule::MeetingCannotFindGrossMisconduct);
    }
    let Some(sanction) = sanction else {
        return Ok(());
    };
    match worst {
        P::NotProven | P::NeitherReflectivePractice => return Err(Rule::SanctionWithoutFinding),
        P::Misconduct | P::GrossMisconduct => {}
    }
    if ctx.former_officer != (sanction == S::WouldHaveBeenDismissed) {
        return Err(Rule::FormerOfficerSanction);
    }
    match (ctx.form, worst, sanction) {
        // The outcomes of an accelerated hearing are those for gross misconduct (Part 5).
        (Form::AcceleratedHearing, _, S::WrittenWarning) => Err(Rule::AcceleratedHearingSanction),
        (Form::AcceleratedHearing, _, _) => Ok(()),
        (Form::Meeting, _, S::WrittenWarning | S::FinalWrittenWarning) => Ok(()),
        (Form::Meeting, _, _) => Err(Rule::SanctionBeyondMeeting),
        (_, P::GrossMisconduct, S::WrittenWarning) => Err(Rule::WrittenWarningForGrossMisconduct),
        (_, P::GrossMisconduct, _) => Ok(()),
        (_, _, S::WrittenWarning | S::FinalWrittenWarning) => Ok(()),
        (_, _, S::ReductionInRank | S::DismissalWithoutNotice | S::WouldHaveBeenDismissed) => {
            if ctx.live_final_written_warning || ctx.unconnected_incidents {
                Ok(())
            } else {
                Err(Rule::SevereSanctionForMisconduct)
            }
        }
    }
}

/// The form misconduct proceedings must take (PCR reg 23; a live final written warning at the
/// severity assessment sends misconduct to a hearing).
pub fn required_form(
    case_to_answer: CaseToAnswer,
    live_final_written_warning: bool,
) -> Option<Form> {
    match case_to_answer {
        CaseToAnswer::NoCaseToAnswer => None,
        CaseToAnswer::GrossMisconduct => Some(Form::Hearing),
        CaseToAnswer::Misconduct if live_final_written_warning => Some(Form::Hearing),
        CaseToAnswer::Misconduct => Some(Form::Meeting),
    }
}

/// The outcome of an appeal against the outcome of proceedings (PCR regs 45-47).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "snake_case",
    tag = "outcome",
    content = "sanction",
    deny_unknown_fields
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AppealOutcome {
    Confirmed,
    Substituted(Option<Sanction>),
    Reversed,
}

/// Why an officer is suspended (PCR 2020 reg 11(2), wording UNVERIFIED): once temporary
/// redeployment has been considered, the investigation may be prejudiced, or the public
/// interest requires it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SuspensionGround {
    InvestigationPrejudiced,
    PublicInterest,
}

/// Outcome of a referral to prosecutors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CriminalOutcome {
    NoFurtherAction,
    Convicted,
    Acquitted,
    Discontinued,
}

/// Stages of the reflective practice review process (PCR 2020 Part 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReflectiveStage {
    Referred,
    /// The officer was told in writing why the matter was referred.
    Notified,
    /// The officer gave an account within the 5 working days.
    AccountGiven,
    /// The officer gave no account: the process goes on without one.
    NoAccountGiven,
    FactFinding,
    Discussion,
    ReportAgreed,
    /// The reviewer sent the report to the appropriate authority (PCR reg 70).
    SentToAppropriateAuthority,
    /// The report and its actions were discussed at the officer's performance and development
    /// review, within 12 months of the report being agreed.
    ReviewedAtDevelopmentReview,
    Closed,
    EscalatedToFormal,
}

/// The reflective review development report (PCR reg 70): each part is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReflectiveReport {
    pub issue_summary: String,
    pub discussion_summary: String,
    pub actions: Vec<ReflectiveAction>,
    pub lessons_for_officer: String,
    pub lessons_for_organisation: String,
    /// Months within which the report and its actions are reviewed (at most 12).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
    pub review_period_months: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReflectiveAction {
    pub action: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub by: jiff::civil::Date,
}

impl ReflectiveReport {
    pub fn missing_parts(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        let blank = |s: &str| s.trim().is_empty();
        if blank(&self.issue_summary) {
            missing.push("summary of the issue");
        }
        if blank(&self.discussion_summary) {
            missing.push("summary of the discussion");
        }
        if self.actions.is_empty() || self.actions.iter().any(|a| blank(&a.action)) {
            missing.push("key actions with their time period");
        }
        if blank(&self.lessons_for_officer) {
            missing.push("lessons for the officer");
        }
        if blank(&self.lessons_for_organisation) {
            missing.push("lessons for line management or the force");
        }
        if !(1..=12).contains(&self.review_period_months) {
            missing.push("a review period of 1 to 12 months");
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProvenFinding as P;
    use Sanction as S;

    fn ctx(form: Form, fww: bool, unconnected: bool) -> SanctionContext {
        SanctionContext {
            form,
            live_final_written_warning: fww,
            unconnected_incidents: unconnected,
            former_officer: false,
        }
    }

    #[test]
    fn meeting_allows_only_warnings() {
        let m = ctx(Form::Meeting, false, false);
        assert!(check_sanction(m, P::Misconduct, Some(S::WrittenWarning)).is_ok());
        assert!(check_sanction(m, P::Misconduct, Some(S::FinalWrittenWarning)).is_ok());
        assert_eq!(
            check_sanction(m, P::Misconduct, Some(S::DismissalWithoutNotice)),
            Err(Rule::SanctionBeyondMeeting)
        );
        assert_eq!(
            check_sanction(m, P::GrossMisconduct, None),
            Err(Rule::MeetingCannotFindGrossMisconduct)
        );
    }

    #[test]
    fn reduction_in_rank_for_misconduct_needs_live_fww_or_unconnected_incidents() {
        let plain = ctx(Form::Hearing, false, false);
        assert_eq!(
            check_sanction(plain, P::Misconduct, Some(S::ReductionInRank)),
            Err(Rule::SevereSanctionForMisconduct)
        );
        assert!(
            check_sanction(
                ctx(Form::Hearing, true, false),
                P::Misconduct,
                Some(S::ReductionInRank)
            )
            .is_ok()
        );
        assert!(
            check_sanction(
                ctx(Form::Hearing, false, true),
                P::Misconduct,
                Some(S::ReductionInRank)
            )
            .is_ok()
        );
        assert!(check_sanction(plain, P::GrossMisconduct, Some(S::ReductionInRank)).is_ok());
    }

    #[test]
    fn gross_misconduct_cannot_get_a_written_warning_and_nothing_follows_no_finding() {
        let h = ctx(Form::Hearing, false, false);
        assert_eq!(
            check_sanction(h, P::GrossMisconduct, Some(S::WrittenWarning)),
            Err(Rule::WrittenWarningForGrossMisconduct)
        );
        assert_eq!(
            check_sanction(h, P::NotProven, Some(S::FinalWrittenWarning)),
            Err(Rule::SanctionWithoutFinding)
        );
        assert!(check_sanction(h, P::NotProven, None).is_ok());
    }

    #[test]
    fn former_officers_get_only_would_have_been_dismissed() {
        let mut former = ctx(Form::Hearing, false, false);
        former.former_officer = true;
        assert!(
            check_sanction(former, P::GrossMisconduct, Some(S::WouldHaveBeenDismissed)).is_ok()
        );
        assert_eq!(
            check_sanction(former, P::GrossMisconduct, Some(S::DismissalWithoutNotice)),
            Err(Rule::FormerOfficerSanction)
        );
        assert_eq!(
            check_sanction(
                ctx(Form::Hearing, false, false),
                P::GrossMisconduct,
                Some(S::WouldHaveBeenDismissed)
            ),
            Err(Rule::FormerOfficerSanction)
        );
    }

    #[test]
    fn required_form_follows_case_to_answer_and_warnings() {
        assert_eq!(
            required_form(CaseToAnswer::Misconduct, false),
            Some(Form::Meeting)
        );
        assert_eq!(
            required_form(CaseToAnswer::Misconduct, true),
            Some(Form::Hearing)
        );
        assert_eq!(
            required_form(CaseToAnswer::GrossMisconduct, false),
            Some(Form::Hearing)
        );
        assert_eq!(required_form(CaseToAnswer::NoCaseToAnswer, true), None);
    }

    #[test]
    fn reflective_report_lists_each_missing_part() {
        let mut r = ReflectiveReport {
            issue_summary: "x".into(),
            discussion_summary: "y".into(),
            actions: vec![ReflectiveAction {
                action: "training".into(),
                by: jiff::civil::date(2022, 6, 1),
            }],
            lessons_for_officer: "a".into(),
            lessons_for_organisation: "b".into(),
            review_period_months: 12,
        };
        assert!(r.missing_parts().is_empty());
        r.actions.clear();
        r.review_period_months = 13;
        assert_eq!(
            r.missing_parts(),
            [
                "key actions with their time period",
                "a review period of 1 to 12 months"
            ]
        );
    }
}
