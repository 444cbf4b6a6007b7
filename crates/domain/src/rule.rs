//! The rules a command can break, each with its statutory basis. A refusal names one.

use std::fmt;

use serde::Serialize;

macro_rules! rules {
    ($( $variant:ident => $code:literal, $basis:literal, $summary:literal; )*) => {
        /// A rule of the statutory process, as enforced by [`crate::decide`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(into = "&'static str")]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// A stable identifier, used in API problem documents.
            pub fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code, )* }
            }

            /// Where the rule comes from.
            pub fn basis(self) -> &'static str {
                match self { $( Rule::$variant => $basis, )* }
            }

            /// The rule in one sentence.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }
        }
    };
}

rules! {
    CaseAlreadyOpen => "case-already-open", "one case file per reference",
        "a case with this reference is already open";
    NotImportable => "not-importable", "the record made here is the record",
        "an import never writes over a case recorded here, nor one source's item over another's";
    CaseNotOpen => "case-not-open", "one case file per reference",
        "the case has not been opened: log the matter first";
    WrongStage => "wrong-stage", "Sch3 process order (shared/domain.md §14.3)",
        "this step does not belong to the stage the case is at";
    WrongBody => "wrong-body", "Sch3 paras 15, 23, 24, 27; PCMR 2020 reg 32",
        "this step belongs to another body";
    MissingText => "missing-text", "Statutory Guidance 2020 ch.3 (audit trail of decisions and reasons)",
        "a required statement or reason is empty";
    DateOutOfRange => "date-out-of-range", "the record must be true to the facts",
        "the date is impossible for this case";
    UnknownParty => "unknown-party", "the case file", "no such party on this case";
    UnknownAllegation => "unknown-allegation", "the case file", "no such allegation on this case";
    NotASubject => "not-a-subject", "PCR 2020 reg 2 (allegation against a person serving with the police)",
        "the party is not a subject of this case";
    SubjectNotOnAllegation => "subject-not-on-allegation", "Sch3 para 22; PCR 2020 reg 21",
        "the subject is not named on that allegation";
    AllegationsFixed => "allegations-fixed", "Sch3 para 22 (the report covers the matters investigated)",
        "allegations cannot be added once the investigation report is submitted";
    PersonalDataInvalid => "personal-data-invalid", "UK GDPR art. 5(1)(d) (accuracy)",
        "the personal data is incomplete or badly sealed";
    PersonalDataErased => "personal-data-erased", "UK GDPR art. 17",
        "the personal data of this party has already been erased";
    Schedule3Required => "schedule-3-required", "Sch3 para 2(6A)-(6B)",
        "the complaint must be recorded and handled under Schedule 3";
    OnlyComplaints => "only-complaints", "Sch3 para 2(6C); PRA s.12",
        "only a complaint can take this step";
    MandatoryReferral => "mandatory-referral", "Sch3 para 4(1); PCMR 2020 reg 4",
        "the matter meets a mandatory referral criterion and must be referred first";
    CriterionNotMet => "criterion-not-met", "Sch3 para 4(1); PCMR 2020 reg 4",
        "the matter does not meet that mandatory referral criterion: refer it voluntarily, or record the assessment that meets it";
    ChiefOfficerAuthority => "chief-officer-authority", "PRA 2002 s.29(1) (appropriate authority); PCMR 2020 reg 10",
        "a complaint or matter about a chief officer is for the local policing body, and a DSI matter involving one is never investigated locally";
    NotAComplainant => "not-a-complainant", "Sch3 para 2(6)",
        "the party is not the complainant";
    ConductMatterUnknown => "conduct-matter-unknown", "Sch3 paras 10-11 (recording of conduct matters)",
        "no such conduct matter on this case";
    TimelinessRecipients => "timeliness-recipients", "PCMR 2020 reg 13; PCR 2020 reg 19",
        "a timeliness report goes to the bodies the regulations name for this form of investigation";
    SuspensionConditions => "suspension-conditions", "PCR 2020 reg 11 (wording UNVERIFIED)",
        "an officer is suspended only after temporary redeployment was considered, and once at a time";
    SanctionNotNotified => "sanction-not-notified", "PCR 2020 reg 42(4)",
        "only a sanction imposed and not yet notified can be notified";
    LateApplication => "late-application", "PCMR 2020 reg 29 (acceptance of a late application: UNVERIFIED)",
        "there is no late review application awaiting the relevant review body's decision";
    SameMode => "same-mode", "PCMR 2020 reg 15", "the investigation already has that form";
    SeverityForm => "severity-form", "PCMR 2020 reg 16; PCR 2020 reg 23",
        "gross misconduct, or misconduct with a live final written warning, goes to a hearing";
    NoticeNeedsAssessment => "notice-needs-assessment", "PCMR 2020 regs 16-17",
        "a written notice needs a severity assessment of that subject first";
    InterviewBeforeNotice => "interview-before-notice", "PCMR 2020 regs 17, 21",
        "a subject is interviewed only after the written notice is served";
    DuplicateExhibit => "duplicate-exhibit", "chain of custody", "an exhibit with this reference is already recorded";
    UnknownExhibit => "unknown-exhibit", "chain of custody", "no exhibit with this reference";
    CustodyBroken => "custody-broken", "chain of custody",
        "custody can only pass from the person who holds the exhibit";
    BadDigest => "bad-digest", "chain of custody (digital exhibits)",
        "a digital exhibit needs the SHA-256 of its content, as 64 hex digits";
    ReportNeedsAllegations => "report-needs-allegations", "Sch3 para 22",
        "a report needs at least one allegation investigated";
    OpinionBeforeReport => "opinion-before-report", "Sch3 para 22; PCR 2020 reg 21",
        "an opinion needs a submitted report";
    DeterminationIncomplete => "determination-incomplete", "Sch3 paras 23-24; PCR 2020 reg 23",
        "a determination must give a finding for every subject on every allegation, once";
    ProposalIncomplete => "proposal-incomplete", "Sch3 paras 24(6), 27",
        "proposals must cover, once, each subject with a case to answer";
    GrossMisconductToHearing => "gross-misconduct-to-hearing", "PCR 2020 reg 23 (as its 2008-2015 predecessors: a case to answer for gross misconduct is referred to a misconduct hearing); Part 6 (reflective practice is for practice requiring improvement)",
        "a case to answer for gross misconduct goes to a misconduct hearing or an accelerated hearing";
    AcceleratedHearingSanction => "accelerated-hearing-sanction", "PCR 2020 Part 5 (outcomes of an accelerated misconduct hearing; shared/domain.md §7)",
        "an accelerated misconduct hearing imposes a final written warning, reduction in rank or dismissal, never a written warning";
    ProceedingsWithoutCaseToAnswer => "proceedings-without-case-to-answer", "PCR 2020 reg 23",
        "misconduct proceedings need a case to answer";
    ProceedingsForm => "proceedings-form", "PCR 2020 reg 23(2); PCR 2020 Part 5",
        "the form of proceedings does not match the case to answer";
    NothingToAnswer => "nothing-to-answer", "Sch3 para 27",
        "there is no proposal or recommendation waiting for this answer";
    ProceedingsNotSettled => "proceedings-not-settled", "Sch3 para 27(2)",
        "proceedings follow only an agreed, recommended and accepted, or directed action";
    ProceedingsConcluded => "proceedings-concluded", "PCR 2020 reg 43",
        "these proceedings have already concluded";
    UnknownProceedings => "unknown-proceedings", "the case file", "no such proceedings on this case";
    FindingsIncomplete => "findings-incomplete", "PCR 2020 reg 42",
        "the proceedings must make one finding on each allegation before them";
    MeetingCannotFindGrossMisconduct => "meeting-cannot-find-gross-misconduct", "PCR 2020 reg 42",
        "a misconduct meeting cannot find gross misconduct";
    SanctionWithoutFinding => "sanction-without-finding", "PCR 2020 reg 42",
        "disciplinary action needs a finding of misconduct or gross misconduct";
    SanctionBeyondMeeting => "sanction-beyond-meeting", "PCR 2020 reg 42",
        "a misconduct meeting can impose only a written or final written warning";
    WrittenWarningForGrossMisconduct => "written-warning-for-gross-misconduct", "PCR 2020 reg 42",
        "gross misconduct cannot be met with a written warning";
    SevereSanctionForMisconduct => "severe-sanction-for-misconduct", "PCR 2020 reg 42",
        "reduction in rank or dismissal for misconduct needs a live final written warning or several unconnected incidents";
    FormerOfficerSanction => "former-officer-sanction", "PCR 2020 Sch 1",
        "a former officer can only be found to have been liable to dismissal";
    AppealNotOpen => "appeal-not-open", "PCR 2020 regs 45-47; Police Appeals Tribunals Rules 2020",
        "there is no appeal to lodge or determine here";
    BarredListNeedsDismissal => "barred-list-needs-dismissal", "Police Act 1996 s.88C",
        "only a dismissal, or a finding that a former officer would have been dismissed, goes to the barred list";
    ReflectivePracticeNotReferred => "reflective-practice-not-referred", "PCR 2020 Part 6",
        "the subject has not been referred to the reflective practice review process";
    ReflectiveStageOrder => "reflective-stage-order", "PCR 2020 Part 6",
        "reflective practice moves forward one stage at a time";
    ReflectiveReportIncomplete => "reflective-report-incomplete", "PCR 2020 reg 70",
        "the reflective review development report lacks a required part";
    ProsecutionNotReferred => "prosecution-not-referred", "Sch3 para 23(2A)",
        "the subject was not referred to prosecutors";
    RecommendationTooEarly => "recommendation-too-early", "Sch3 para 28A",
        "learning recommendations follow a report or a review determination";
    UnknownRecommendation => "unknown-recommendation", "Sch3 para 28B", "no such recommendation on this case";
    RecommendationAnswered => "recommendation-answered", "Sch3 para 28B",
        "the recommendation already has a response";
    ResponseNotReceived => "response-not-received", "Sch3 para 28B(4)",
        "a response is published only once it has been received, and once";
    TeamChange => "team-change", "need-to-know (OFFICIAL-SENSITIVE handling)",
        "the team or restriction change does not apply to this case as it stands";
    AlreadyFormer => "already-former", "PCR 2020 Sch 1", "the subject has already left the service";
    NotEntitledToUpdates => "not-entitled-to-updates", "PRA ss.20-21; PCMR 2020 reg 34",
        "only a complainant or an interested person is kept informed";
    OutcomeNotReady => "outcome-not-ready", "PCMR 2020 reg 34; Sch3 para 27(2)",
        "the outcome cannot be notified before the actions to follow are settled";
    ReviewApplicantNotComplainant => "review-applicant-not-complainant", "Sch3 paras 6A, 25",
        "only the complainant may apply for a review";
    NoReviewRight => "no-review-right", "Sch3 paras 6A, 25",
        "this case gives no right of review";
    ReviewOutOfTime => "review-out-of-time", "PCMR 2020 reg 29(2)",
        "a review application is due within 28 days of the day after the review rights were given";
    ReinvestigationNotOpen => "reinvestigation-not-open", "PRA s.13B",
        "re-investigation follows a directed or independent investigation report";
    ReviewWindowOpen => "review-window-open", "PCMR 2020 reg 29",
        "the case cannot close while the complainant may still apply for a review";
    ProceedingsOpen => "proceedings-open", "oversight body publication policy (shared/domain.md §12)",
        "a summary is published only when all associated proceedings are complete";
    LetterChanged => "letter-changed", "PCMR 2020 regs 13, 34 (the letter sent is the letter previewed)",
        "the case or the day changed since the letter was previewed: preview it again and send that";
    AlreadyPublished => "already-published", "oversight body publication policy",
        "the summary has already been published";
    SecondPersonRequired => "second-person-required", "oversight body publication policy (shared/domain.md §12)",
        "a draft is approved by a second person, never its author";
    CorrectionNoteRequired => "correction-note-required", "oversight body publication policy (shared/domain.md §12)",
        "a correction says publicly what it changed";
    UnknownDraft => "unknown-draft", "oversight body publication policy (shared/domain.md §12)",
        "there is no such draft: approve the latest";
    NotPublished => "not-published", "oversight body publication policy (shared/domain.md §12)",
        "nothing is published to withdraw";
    AnonymisationFinding => "anonymisation-finding", "oversight body publication policy and APP media guidance (shared/domain.md §12)",
        "the text would identify someone: remove what the check found";
}

impl From<Rule> for &'static str {
    fn from(r: Rule) -> &'static str {
        r.code()
    }
}

/// A command refused by a rule, with what went wrong in this case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct Refusal {
    pub rule: Rule,
    pub detail: String,
    /// The field of the command the refusal concerns, when it is one (`received_on`,
    /// `summary`): where a form shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl Refusal {
    pub fn new(rule: Rule, detail: impl Into<String>) -> Self {
        Refusal {
            rule,
            detail: detail.into(),
            field: None,
        }
    }

    /// The same refusal, about `field`.
    pub fn on(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused: {} [{}; {}]",
            self.rule.summary(),
            self.rule.code(),
            self.rule.basis()
        )?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// Shorthand for a refusal.
pub fn refuse<T>(rule: Rule, detail: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::new(rule, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_each_rule_has_a_basis() {
        let mut codes = std::collections::HashSet::new();
        for r in Rule::ALL {
            assert!(codes.insert(r.code()), "duplicate {}", r.code());
            assert!(!r.basis().is_empty() && !r.summary().is_empty());
        }
    }

    #[test]
    fn refusal_names_rule_and_basis() {
        let text = Refusal::new(Rule::OpinionBeforeReport, "case 2020/1").to_string();
        assert!(text.contains("an opinion needs a submitted report"));
        assert!(text.contains("Sch3 para 22"));
        assert!(text.contains("opinion-before-report"));
    }
}
