//! Who may see and do what: roles with least privilege, force scoping and need-to-know.
//! The matrix below is the one place this is decided; the server asks it for every request.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Body;
use crate::case::Case;
use crate::command::CommandKind;
use crate::force::Force;
use crate::publication::pending_proceedings;

/// Staff roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Manages user accounts; sees no case content.
    Administrator,
    /// Intake, recording and referral.
    Assessor,
    Investigator,
    DecisionMaker,
    /// A force's contact with the oversight body: its own force's cases, as disclosed to it.
    ForceLiaison,
    /// Publication drafts and published items only.
    PublicationsOfficer,
    /// Statistics and pseudonymised records: no names, no narratives.
    Analyst,
    /// The audit trail, read-only.
    Auditor,
}

impl StaffRole {
    pub const ALL: [StaffRole; 8] = [
        StaffRole::Administrator,
        StaffRole::Assessor,
        StaffRole::Investigator,
        StaffRole::DecisionMaker,
        StaffRole::ForceLiaison,
        StaffRole::PublicationsOfficer,
        StaffRole::Analyst,
        StaffRole::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Administrator => "administrator",
            StaffRole::Assessor => "assessor",
            StaffRole::Investigator => "investigator",
            StaffRole::DecisionMaker => "decision_maker",
            StaffRole::ForceLiaison => "force_liaison",
            StaffRole::PublicationsOfficer => "publications_officer",
            StaffRole::Analyst => "analyst",
            StaffRole::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<StaffRole> {
        let s = s.trim().replace('-', "_").to_ascii_lowercase();
        StaffRole::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// A signed-in user, as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub username: String,
    pub role: StaffRole,
    pub body: Body,
    /// The force of a force's or a local policing body's staff; `None` for the oversight body.
    pub force: Option<Force>,
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read the full case file, names included.
    ViewCaseFile,
    /// See the case in lists and searches.
    ListCase,
    /// Run a command on the case.
    Command(CommandKind),
    /// Read the audit trail.
    ViewAudit,
    ManageUsers,
    /// Recompute the hash chains (reads no case content).
    VerifyChains,
    /// Load cases in bulk with their own dates and actors: the demo, importers.
    ImportCases,
    /// Rebuild read models, move the store, count what it holds.
    Maintain,
    /// Read counts and pseudonymised rows.
    ViewStatistics,
}

/// The facts about a case that decide access to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseAccess {
    pub force: Option<Force>,
    pub restricted: bool,
    pub team: Vec<String>,
    /// Time-limited grants: user and the last day of access.
    pub grants: Vec<(String, Date)>,
    /// Nothing holds publication back, or it is published.
    pub publishable: bool,
}

impl CaseAccess {
    pub fn of(case: &Case) -> CaseAccess {
        CaseAccess {
            force: case.matter().map(|m| m.force),
            restricted: case.restriction.is_some(),
            team: case.team.clone(),
            grants: case
                .grants
                .iter()
                .map(|g| (g.user.clone(), g.until))
                .collect(),
            publishable: case.publication.is_some()
                || (case.matter().is_some() && pending_proceedings(case).is_empty()),
        }
    }

    /// On the team, or holding a grant that runs through `today`.
    pub fn is_insider(&self, username: &str, today: Date) -> bool {
        self.team.iter().any(|t| t == username)
            || self
                .grants
                .iter()
                .any(|(u, until)| u == username && today <= *until)
    }
}

/// Why an account cannot be made as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountProblem {
    #[error("staff of a force or a local policing body need a force (--force)")]
    ForceStaffNeedAForce,
    #[error("a force liaison account needs a force (--force)")]
    LiaisonNeedsAForce,
}

/// The standing rules for accounts: who works for a force must say which, since force scoping
/// decides what they see.
pub fn check_account(
    role: StaffRole,
    body: Body,
    force: Option<Force>,
) -> Result<(), AccountProblem> {
    if body != Body::OversightBody && force.is_none() {
        return Err(AccountProblem::ForceStaffNeedAForce);
    }
    if role == StaffRole::ForceLiaison && force.is_none() {
        return Err(AccountProblem::LiaisonNeedsAForce);
    }
    Ok(())
}

/// The body a member of staff acts for when none is named: a force's staff act for its
/// appropriate authority, everyone else for the oversight body.
pub fn default_body(force: Option<Force>) -> Body {
    if force.is_some() {
        Body::AppropriateAuthority
    } else {
        Body::OversightBody
    }
}

/// Why a request was refused. `Hidden` means the user must not learn the case exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    #[error("your role ({0}) does not allow this")]
    Role(&'static str),
    #[error("this case belongs to another force")]
    OtherForce,
    #[error("no such case")]
    Hidden,
}

/// Who may list cases at all; which ones each sees is [`scope`] plus need-to-know.
pub fn may_list_cases(who: &Principal) -> bool {
    use StaffRole::*;
    match who.role {
        Assessor | Investigator | DecisionMaker | PublicationsOfficer | Analyst => true,
        ForceLiaison => who.force.is_some(),
        Administrator | Auditor => false,
    }
}

/// Who may read the history across cases of a person serving with `force`: case-working roles,
/// and force staff only for their own force's people.
pub fn authorize_subject_history(who: &Principal, force: Force) -> Result<(), Denial> {
    authorize_subject_search(who)?;
    match who.force {
        Some(own) if own != force => Err(Denial::OtherForce),
        _ => Ok(()),
    }
}

/// Why a case file is read: the purposes a reader may give, each recorded in the audit trail
/// as its code. A fixed list, never free text: the trail cannot be erased, so nothing typed
/// into it may carry personal data.
pub const READ_PURPOSES: &[(&str, &str)] = &[
    (
        "case work",
        "assessing, investigating or deciding the matter",
    ),
    ("review", "a review, appeal or re-investigation"),
    ("correspondence", "an update or letter to a party"),
    ("publication", "preparing a publication"),
    (
        "disclosure",
        "disclosure to a court, inquest, prosecutor or tribunal",
    ),
    ("oversight", "oversight or quality assurance"),
    ("audit", "audit or integrity checking"),
];

/// A purpose from [`READ_PURPOSES`]: the only kind a case-file read can be given, so no
/// door can put free text in the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadPurpose(&'static str);

impl ReadPurpose {
    pub const CASE_WORK: ReadPurpose = ReadPurpose("case work");

    /// The purpose named by `text` (its code, any case), or why it is not one.
    pub fn parse(text: &str) -> Result<ReadPurpose, String> {
        let wanted = text.trim().to_ascii_lowercase();
        READ_PURPOSES
            .iter()
            .find(|(code, _)| *code == wanted)
            .map(|(code, _)| ReadPurpose(code))
            .ok_or_else(|| {
                let codes: Vec<&str> = READ_PURPOSES.iter().map(|(c, _)| *c).collect();
                format!("the purpose of a read is one of: {}", codes.join(", "))
            })
    }

    pub const fn code(self) -> &'static str {
        self.0
    }
}

/// Whether a principal may look a person up by their service number at all, in a history or
/// in a search of the case list: the roles that make severity and case-to-answer decisions.
pub fn authorize_subject_search(who: &Principal) -> Result<(), Denial> {
    if matches!(
        who.role,
        StaffRole::Assessor | StaffRole::Investigator | StaffRole::DecisionMaker
    ) {
        Ok(())
    } else {
        Err(Denial::Role(who.role.code()))
    }
}

/// Whether the principal's role could ever be allowed `what` on some case: checked before a
/// case is looked up, so that a role with no access to case files is refused alike whether
/// or not the case exists (a 403 for one and a 404 for the other would tell them which).
pub fn authorize_role(who: &Principal, what: Access, today: Date) -> Result<(), Denial> {
    let most_open = CaseAccess {
        force: who.force,
        publishable: true,
        ..CaseAccess::default()
    };
    authorize(who, what, Some(&most_open), today)
}

/// What a principal may see in lists, counts, searches and histories: the same decision as
/// [`authorize`] makes for [`Access::ListCase`], in a form a query can carry. `None` for a
/// principal whose role lists no cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    pub username: String,
    /// Only this force's cases (force and local policing body staff).
    pub force: Option<Force>,
    /// Only cases whose publication nothing holds back (publications officers).
    pub publishable_only: bool,
    /// The day grants are judged on.
    pub today: Date,
}

pub fn visibility(who: &Principal, today: Date) -> Option<Visibility> {
    may_list_cases(who).then(|| Visibility {
        username: who.username.clone(),
        force: who.force,
        publishable_only: who.role == StaffRole::PublicationsOfficer,
        today,
    })
}

impl Visibility {
    /// Whether a case with these facts is in view.
    pub fn admits(&self, case: &CaseAccess) -> bool {
        (!case.restricted || case.is_insider(&self.username, self.today))
            && self.force.is_none_or(|f| case.force == Some(f))
            && (!self.publishable_only || case.publishable)
    }
}

/// The commands each case-working role may run. Every command but the import is listed at
/// least once.
pub fn roles_for_command(command: CommandKind) -> &'static [StaffRole] {
    use CommandKind as C;
    use StaffRole::*;
    match command {
        C::LogMatter
        | C::HandleOutsideSchedule3
        | C::FinaliseOutsideSchedule3
        | C::RecordMatter
        | C::Refer
        | C::Withdraw => &[Assessor, DecisionMaker],
        C::AddParty | C::AddAllegation | C::UpdateParty | C::LogDecision => {
            &[Assessor, Investigator, DecisionMaker]
        }
        C::ErasePersonalData => &[DecisionMaker],
        C::StartHandling | C::ContactComplainant => &[Assessor, DecisionMaker],
        C::RecordConductMatter => &[Investigator, DecisionMaker],
        C::SuspendOfficer | C::LiftOfficerSuspension | C::NotifySanction => &[DecisionMaker],
        C::SendTimelinessReport => &[Investigator, DecisionMaker],
        // A letter does what update_party, notify_outcome or send_timeliness_report does: those
        // who may run all three.
        C::SendLetter => &[Investigator, DecisionMaker],
        C::DecideOutcome | C::DecideLateReview | C::CloseRecommendation => &[DecisionMaker],
        C::RecordAssociatedProceedings | C::ConcludeAssociatedProceedings => {
            &[DecisionMaker, PublicationsOfficer]
        }
        C::DecideReferral
        | C::ChangeMode
        | C::StartLocalInvestigation
        | C::HandleOtherwiseThanByInvestigation => &[Assessor, DecisionMaker],
        C::SetTermsOfReference
        | C::RecordInterview
        | C::ExhibitEvidence
        | C::TransferCustody
        | C::TakeWitnessAccount
        | C::ServeNotice
        | C::Suspend
        | C::Resume
        | C::SubmitReport
        | C::GiveOpinion => &[Investigator],
        C::AssessSeverity => &[Investigator, DecisionMaker],
        C::Determine
        | C::ReferToProsecutors
        | C::ConcludeCriminalProceedings
        | C::ProposeAction
        | C::AnswerProposal
        | C::AnswerRecommendation
        | C::ArrangeProceedings
        | C::ConcludeProceedings
        | C::LodgeAppeal
        | C::DetermineAppeal
        | C::ReferToBarredList
        | C::ProgressReflectivePractice
        | C::AgreeReflectiveReport
        | C::RecordLeavingService
        | C::MakeLearningRecommendation
        | C::ExtendResponsePeriod
        | C::RecordNoLearning
        | C::DecideReview
        | C::OrderReinvestigation
        | C::Close
        | C::RestrictCase
        | C::LiftRestriction
        | C::AssignToTeam
        | C::RemoveFromTeam
        | C::GrantAccess => &[DecisionMaker],
        C::RecordLearningResponse => &[DecisionMaker, ForceLiaison],
        C::NotifyOutcome => &[Investigator, DecisionMaker],
        C::ApplyForReview => &[Assessor, DecisionMaker],
        C::DraftPublication
        | C::ApprovePublication
        | C::WithdrawPublication
        | C::PublishLearningResponse => &[PublicationsOfficer],
        // Only through the import door (an administrator at the console, `Access::ImportCases`):
        // no one runs it on a case, since it bypasses the draft and the second approval.
        C::ImportPublication | C::ImportRecord => &[],
    }
}

/// Whether `who` may do `what` to a case with `case` facts (`None` for requests about no case).
/// Order matters: need-to-know first, so that a refused outsider learns nothing about the case.
pub fn authorize(
    who: &Principal,
    what: Access,
    case: Option<&CaseAccess>,
    today: Date,
) -> Result<(), Denial> {
    use StaffRole::*;
    let role = who.role;
    let denied = || Err(Denial::Role(role.code()));
    match what {
        Access::ManageUsers => {
            return if role == Administrator {
                Ok(())
            } else {
                denied()
            };
        }
        Access::ViewAudit => return if role == Auditor { Ok(()) } else { denied() },
        Access::VerifyChains => {
            return if matches!(role, Administrator | Auditor) {
                Ok(())
            } else {
                denied()
            };
        }
        Access::ImportCases | Access::Maintain => {
            return if role == Administrator {
                Ok(())
            } else {
                denied()
            };
        }
        Access::ViewStatistics => {
            return if matches!(role, Analyst | DecisionMaker) {
                Ok(())
            } else {
                denied()
            };
        }
        _ => {}
    }
    let Some(case) = case else { return denied() };
    if case.restricted && !case.is_insider(&who.username, today) {
        return Err(Denial::Hidden);
    }
    // Staff bound to a force see only that force's cases; to them another force's case does
    // not exist (saying whose it is would tell them it does).
    if let Some(force) = who.force
        && case.force != Some(force)
    {
        return Err(Denial::Hidden);
    }
    match (role, what) {
        (Administrator | Auditor, _) => denied(),
        (Analyst, Access::ListCase) => Ok(()),
        (Analyst, _) => denied(),
        (PublicationsOfficer, Access::ListCase | Access::ViewCaseFile) if case.publishable => {
            Ok(())
        }
        (PublicationsOfficer, Access::ListCase | Access::ViewCaseFile) => Err(Denial::Hidden),
        (ForceLiaison, Access::ListCase | Access::ViewCaseFile) if who.force.is_some() => Ok(()),
        (ForceLiaison, Access::ListCase | Access::ViewCaseFile) => denied(),
        (Assessor | Investigator | DecisionMaker, Access::ListCase | Access::ViewCaseFile) => {
            Ok(())
        }
        (_, Access::Command(c)) => {
            if roles_for_command(c).contains(&role) {
                Ok(())
            } else {
                denied()
            }
        }
        _ => denied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: StaffRole, force: Option<&str>) -> Principal {
        let force = force.map(|f| Force::parse(f).unwrap());
        Principal {
            username: "u".into(),
            role,
            body: default_body(force),
            force,
        }
    }

    fn case(force: &str) -> CaseAccess {
        CaseAccess {
            force: Some(Force::parse(force).unwrap()),
            ..CaseAccess::default()
        }
    }

    const TODAY: Date = jiff::civil::date(2024, 1, 10);

    #[test]
    fn restricted_cases_are_hidden_from_everyone_off_the_team() {
        let mut c = case("kent");
        c.restricted = true;
        for role in StaffRole::ALL {
            let r = authorize(&who(role, None), Access::ViewCaseFile, Some(&c), TODAY);
            assert!(r.is_err(), "{role:?}");
        }
        assert_eq!(
            authorize(
                &who(StaffRole::DecisionMaker, None),
                Access::ListCase,
                Some(&c),
                TODAY
            ),
            Err(Denial::Hidden)
        );
        c.team.push("u".into());
        assert!(
            authorize(
                &who(StaffRole::DecisionMaker, None),
                Access::ViewCaseFile,
                Some(&c),
                TODAY
            )
            .is_ok()
        );
    }

    #[test]
    fn grants_expire() {
        let mut c = case("kent");
        c.restricted = true;
        c.grants.push(("u".into(), jiff::civil::date(2024, 1, 10)));
        assert!(
            authorize(
                &who(StaffRole::Investigator, None),
                Access::ViewCaseFile,
                Some(&c),
                TODAY
            )
            .is_ok()
        );
        let tomorrow = jiff::civil::date(2024, 1, 11);
        assert_eq!(
            authorize(
                &who(StaffRole::Investigator, None),
                Access::ViewCaseFile,
                Some(&c),
                tomorrow
            ),
            Err(Denial::Hidden)
        );
    }

    #[test]
    fn force_staff_see_their_own_force_only() {
        let liaison = who(StaffRole::ForceLiaison, Some("kent"));
        assert!(authorize(&liaison, Access::ViewCaseFile, Some(&case("kent")), TODAY).is_ok());
        assert_eq!(
            authorize(&liaison, Access::ViewCaseFile, Some(&case("essex")), TODAY),
            Err(Denial::Hidden)
        );
        let oversight_liaison = who(StaffRole::ForceLiaison, None);
        assert!(
            authorize(
                &oversight_liaison,
                Access::ViewCaseFile,
                Some(&case("kent")),
                TODAY
            )
            .is_err()
        );
    }

    #[test]
    fn administrators_and_auditors_see_no_case_content() {
        for role in [
            StaffRole::Administrator,
            StaffRole::Auditor,
            StaffRole::Analyst,
        ] {
            assert!(
                authorize(
                    &who(role, None),
                    Access::ViewCaseFile,
                    Some(&case("kent")),
                    TODAY
                )
                .is_err(),
                "{role:?}"
            );
        }
        assert!(
            authorize(
                &who(StaffRole::Administrator, None),
                Access::ManageUsers,
                None,
                TODAY
            )
            .is_ok()
        );
        assert!(
            authorize(
                &who(StaffRole::Auditor, None),
                Access::ViewAudit,
                None,
                TODAY
            )
            .is_ok()
        );
        assert!(
            authorize(
                &who(StaffRole::DecisionMaker, None),
                Access::ViewAudit,
                None,
                TODAY
            )
            .is_err()
        );
    }

    #[test]
    fn publications_officers_see_only_what_may_be_published() {
        let mut c = case("kent");
        let p = who(StaffRole::PublicationsOfficer, None);
        assert_eq!(
            authorize(&p, Access::ViewCaseFile, Some(&c), TODAY),
            Err(Denial::Hidden)
        );
        c.publishable = true;
        assert!(authorize(&p, Access::ViewCaseFile, Some(&c), TODAY).is_ok());
    }

    #[test]
    fn subject_histories_stay_within_role_and_force() {
        let kent = Force::parse("kent").unwrap();
        let essex = Force::parse("essex").unwrap();
        assert!(authorize_subject_history(&who(StaffRole::Investigator, None), essex).is_ok());
        assert!(
            authorize_subject_history(&who(StaffRole::Investigator, Some("kent")), kent).is_ok()
        );
        assert_eq!(
            authorize_subject_history(&who(StaffRole::Investigator, Some("kent")), essex),
            Err(Denial::OtherForce)
        );
        assert_eq!(
            authorize_subject_history(&who(StaffRole::Analyst, None), kent),
            Err(Denial::Role("analyst"))
        );
    }

    #[test]
    fn maintenance_is_for_administrators_and_verification_for_auditors_too() {
        for role in StaffRole::ALL {
            let w = who(role, None);
            let verify = authorize(&w, Access::VerifyChains, None, TODAY).is_ok();
            assert_eq!(
                verify,
                matches!(role, StaffRole::Administrator | StaffRole::Auditor)
            );
            for what in [Access::ImportCases, Access::Maintain, Access::ManageUsers] {
                assert_eq!(
                    authorize(&w, what, None, TODAY).is_ok(),
                    role == StaffRole::Administrator,
                    "{role:?} {what:?}"
                );
            }
        }
    }

    #[test]
    fn force_staff_accounts_name_their_force() {
        let kent = Some(Force::parse("kent").unwrap());
        assert_eq!(
            check_account(StaffRole::Investigator, Body::AppropriateAuthority, None),
            Err(AccountProblem::ForceStaffNeedAForce)
        );
        assert_eq!(
            check_account(StaffRole::ForceLiaison, Body::OversightBody, None),
            Err(AccountProblem::LiaisonNeedsAForce)
        );
        assert!(check_account(StaffRole::Investigator, Body::AppropriateAuthority, kent).is_ok());
        assert!(check_account(StaffRole::Investigator, Body::OversightBody, None).is_ok());
        // The body taken when none is named always makes a valid account with the same force.
        for role in StaffRole::ALL {
            assert_eq!(default_body(kent), Body::AppropriateAuthority);
            assert!(check_account(role, default_body(kent), kent).is_ok());
            if role != StaffRole::ForceLiaison {
                assert!(check_account(role, default_body(None), None).is_ok());
            }
        }
    }

    /// The visibility a query carries admits exactly the cases `authorize` lets a principal
    /// list, for every role, force, restriction, team, grant and day.
    #[test]
    fn visibility_agrees_with_authorize_for_every_combination() {
        let day = |d| jiff::civil::date(2024, 1, d);
        let forces = [None, Some("kent"), Some("essex")];
        for role in StaffRole::ALL {
            for force in forces {
                for (username, today) in [
                    ("u", day(9)),
                    ("u", day(10)),
                    ("u", day(11)),
                    ("x", day(10)),
                ] {
                    let mut w = who(role, force);
                    w.username = username.into();
                    for case_force in [Some("kent"), Some("essex")] {
                        for restricted in [false, true] {
                            for insider in 0..3 {
                                for publishable in [false, true] {
                                    let mut c = case(case_force.unwrap());
                                    c.restricted = restricted;
                                    c.publishable = publishable;
                                    match insider {
                                        1 => c.team.push("u".into()),
                                        2 => c.grants.push(("u".into(), day(10))),
                                        _ => {}
                                    }
                                    let listed =
                                        authorize(&w, Access::ListCase, Some(&c), today).is_ok();
                                    let seen = visibility(&w, today).is_some_and(|v| v.admits(&c));
                                    assert_eq!(
                                        listed, seen,
                                        "{role:?} {force:?} {username} {today} {c:?}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn roles_parse_from_their_codes() {
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::parse(r.code()), Some(r));
        }
        assert_eq!(
            StaffRole::parse("decision-maker"),
            Some(StaffRole::DecisionMaker)
        );
        assert_eq!(StaffRole::parse("root"), None);
    }
}
