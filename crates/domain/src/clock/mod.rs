//! The statutory clocks of a case (shared/domain.md §14.4), derived from its state alone: for
//! each, when it started, when it is due, where it stands today and what satisfied it. Pure:
//! the day and the working-day calendar are arguments, so the same case gives the same clocks
//! on any machine.
//!
//! Counting conventions, stated once and used by every clock:
//! - **Calendar periods "beginning with" a day** (learning responses, their publication) count
//!   that day: 56 days beginning with 1 March end on 25 April.
//! - **Periods "within n days/weeks of" a day, and "beginning with the day after"** (progress
//!   updates, the review window, referral) do not count the start day: 28 days from 1 March end
//!   on 29 March.
//! - **Working days** ([`Calendar`]): the n-th working day after the start day, which is itself
//!   never counted; Saturdays, Sundays and bank holidays in England and Wales are skipped.
//! - **Months** end on the same day of the month (the last day where the month is shorter).
//! - A calendar-day period whose last day is not a working day is **not** moved: none of the
//!   provisions counted here says so.
//!
//! An investigation's suspension (PCMR 2020 reg 41) pauses none of these clocks: the 12-month
//! period of reg 13 has no exception for it, and the duty to keep the complainant informed goes
//! on (reg 35 lets information be withheld, which is not a pause). Criminal proceedings pending
//! against an officer pause the misconduct proceedings against that officer (PCR 2020 reg 9):
//! the clocks for holding them stop for the days they are pending.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::Body;
use crate::calendar::{Calendar, CalendarError};
use crate::case::{Case, Investigation, Status};
use crate::conduct::{Form, ReflectiveStage, Sanction};
use crate::event::EventKind;
use crate::ids::{PartyId, ProceedingsId, RecommendationId};
use crate::matter::{MatterKind, UpdateKind};
use crate::party::PartyRole;
use crate::referral::{InvestigationMode, ReferralBasis};

#[cfg(test)]
mod tests;

macro_rules! clock_names {
    ($( $(#[$meta:meta])* $variant:ident = $code:literal, )*) => {
        /// Every clock Probity counts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ClockName { $( $(#[$meta])* $variant, )* }

        impl ClockName {
            pub const ALL: &'static [ClockName] = &[ $( ClockName::$variant, )* ];

            pub fn code(self) -> &'static str {
                match self { $( ClockName::$variant => $code, )* }
            }

            pub fn parse(code: &str) -> Option<ClockName> {
                match code { $( $code => Some(ClockName::$variant), )* _ => None }
            }
        }
    };
}

clock_names! {
    MandatoryReferral = "mandatory_referral",
    ProgressUpdate = "progress_update",
    OutcomeNotification = "outcome_notification",
    ReviewWindow = "review_window",
    InvestigationTimeliness = "investigation_timeliness",
    CaseToAnswerDecision = "case_to_answer_decision",
    ReflectiveAccount = "reflective_account",
    ReflectiveReview = "reflective_review",
    LearningResponse = "learning_response",
    LearningResponsePublication = "learning_response_publication",
    MisconductProceedingsHeld = "misconduct_proceedings_held",
    AcceleratedHearing = "accelerated_hearing",
    MisconductOutcomeNotice = "misconduct_outcome_notice",
    WrittenWarningLive = "written_warning_live",
    FinalWrittenWarningLive = "final_written_warning_live",
    BarredListReview = "barred_list_review",
    AdvisoryListReview = "advisory_list_review",
}

/// What kind of time a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// Someone must act by the due day; it can be missed, and appears in work queues.
    Duty,
    /// A right that can be exercised until the due day; unexercised, it expires.
    Window,
    /// A period that runs out by itself: a live warning, the wait before a review of a list.
    Period,
}

/// What the API and the case file say about a clock.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ClockInfo {
    pub name: ClockName,
    pub title: &'static str,
    pub nature: Nature,
    /// The provision the clock comes from.
    pub basis: &'static str,
    /// How it is counted: whether the start day counts, what a non-working last day does.
    pub counting: &'static str,
    /// Set where shared/domain.md marks the figure unverified.
    pub unverified: Option<&'static str>,
}

impl ClockName {
    pub fn info(self) -> ClockInfo {
        use ClockName::*;
        let (title, nature, basis, counting, unverified) = match self {
            MandatoryReferral => (
                "Refer to the oversight body",
                Nature::Duty,
                "Sch3 para 4(1), (4); PCMR 2020 reg 4",
                "by the end of the day after the day it became clear the matter meets a criterion (calendar days; the recording day when it was recorded, else the day it came to attention)",
                Some(
                    "the 2020 time limit was not retrieved (domain.md 13b item 1): Probity uses the end of the next day, the limit of the 2012 regulations",
                ),
            ),
            ProgressUpdate => (
                "Update the complainant on progress",
                Nature::Duty,
                "PRA 2002 ss.20-21; PCMR 2020 reg 34",
                "within 4 weeks (28 calendar days, the start day not counted) of the start of handling, then of the last update to that person; ends when the outcome is notified",
                None,
            ),
            OutcomeNotification => (
                "Notify the outcome",
                Nature::Duty,
                "PRA 2002 s.20; PCMR 2020 reg 34",
                "5 working days after the outcome is reached: the determination or the decided outcome, and the conclusion of any proceedings that follow",
                None,
            ),
            ReviewWindow => (
                "Apply for a review",
                Nature::Window,
                "Sch3 paras 6A, 25; PCMR 2020 reg 29",
                "28 calendar days beginning with the day after the review rights were given; an application first sent to the wrong body counts from the day that body received it, so the days spent forwarding it do not count",
                Some(
                    "whether a relevant review body may accept a late application (domain.md 13b item 4): Probity lets it decide (decide_late_review)",
                ),
            ),
            InvestigationTimeliness => (
                "Report on the time the investigation is taking",
                Nature::Duty,
                "PCMR 2020 reg 13 (Sch3 investigations); PCR 2020 reg 19 (internal conduct investigations)",
                "a period ends 12 months after the complaint was made or the matter came to attention, then every 6 months while the investigation is not complete; the report is due 'as soon as practicable': Probity's service standard is 10 working days after the period ends, not a statutory figure",
                None,
            ),
            CaseToAnswerDecision => (
                "Decide whether there is a case to answer",
                Nature::Duty,
                "Sch3 para 24; PCR 2020 reg 23",
                "15 working days after the investigation report is received",
                Some(
                    "15 working days is the figure of the draft regulations (domain.md 13b item 6)",
                ),
            ),
            ReflectiveAccount => (
                "Officer's account for reflective practice",
                Nature::Window,
                "PCR 2020 Part 6",
                "5 working days after the officer was notified of the referral; without an account the process goes on",
                Some("the Part 6 regulation numbers (domain.md 13b item 13)"),
            ),
            ReflectiveReview => (
                "Review the reflective report at the development review",
                Nature::Duty,
                "PCR 2020 Part 6 (reg 70)",
                "the months set in the report (at most 12) after it was agreed, to the same day of the month",
                Some("the Part 6 regulation numbers (domain.md 13b item 13)"),
            ),
            LearningResponse => (
                "Respond to a learning recommendation",
                Nature::Duty,
                "Sch3 para 28B(2)-(3); PCMR 2020 regs 30-31",
                "56 days beginning with the day it was made (that day counts: made 21 April, due 15 June), or the extended day; the oversight body's published due dates fall one day later, counting from the day after",
                None,
            ),
            LearningResponsePublication => (
                "Publish the response to a learning recommendation",
                Nature::Duty,
                "Sch3 para 28B(5)",
                "21 days beginning with the day the response was received (that day counts)",
                None,
            ),
            MisconductProceedingsHeld => (
                "Hold the misconduct meeting or hearing",
                Nature::Duty,
                "PCR 2020 regs 30-34; reg 9 (delay for criminal proceedings)",
                "from the notice of referral: a meeting within 20 working days of it, a hearing within 100, judged on the day it is held; paused while criminal proceedings against the officer are pending",
                Some(
                    "the scheduling limits (domain.md 13b item 6); the 15-working-day supply of documents to the chair has no event of its own",
                ),
            ),
            AcceleratedHearing => (
                "Hold the accelerated misconduct hearing",
                Nature::Duty,
                "PCR 2020 reg 52(1); reg 9",
                "held not less than 10 and not more than 15 working days after the notice of it; paused while criminal proceedings against the officer are pending",
                None,
            ),
            MisconductOutcomeNotice => (
                "Give the officer written notice of the outcome",
                Nature::Duty,
                "PCR 2020 regs 42-43, 55",
                "5 working days after the proceedings concluded; satisfied by the notice of the sanction (notify_sanction)",
                Some(
                    "shared/domain.md gives 5 working days for the outcome report to the appropriate authority, which has no event of its own",
                ),
            ),
            WrittenWarningLive => (
                "Written warning live",
                Nature::Period,
                "PCR 2020 reg 42(3)",
                "18 months from the day the officer was notified of it (or the proceedings concluded), to the same day of the month",
                Some("the regulation numbers for warning periods (domain.md 13b item 8)"),
            ),
            FinalWrittenWarningLive => (
                "Final written warning live",
                Nature::Period,
                "PCR 2020 reg 42(4)",
                "2 years from the day the officer was notified of it (or the proceedings concluded), to the same day",
                Some(
                    "a hearing may set a longer period (domain.md 13b item 8); Probity counts 2 years",
                ),
            ),
            BarredListReview => (
                "Eligible to apply for removal from the barred list",
                Nature::Period,
                "Police Act 1996 Part 4A; SI 2017/1135",
                "5 years from the referral after dismissal for gross misconduct, to the same day",
                None,
            ),
            AdvisoryListReview => (
                "Advisory list entry reviewable",
                Nature::Period,
                "Police Act 1996 s.88H; SI 2017/1135",
                "5 years from the entry, to the same day",
                None,
            ),
        };
        ClockInfo {
            name: self,
            title,
            nature,
            basis,
            counting,
            unverified,
        }
    }
}

/// Where a clock stands on the day asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Started, not yet due, not satisfied.
    Running,
    /// Stopped for now; the days it is stopped are added to its due day.
    Paused,
    Met,
    MetLate,
    /// Due and not satisfied.
    Missed,
    /// A window or period that ran out.
    Expired,
    /// The case has nothing for this clock to count: it does not apply, or has not started.
    NotApplicable,
    /// The due day falls outside the bank-holiday data: it cannot be counted until newer data
    /// is imported.
    Uncounted,
}

impl ClockState {
    pub fn code(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::MetLate => "met_late",
            ClockState::Missed => "missed",
            ClockState::Expired => "expired",
            ClockState::NotApplicable => "not_applicable",
            ClockState::Uncounted => "uncounted",
        }
    }

    /// Nothing more will change it.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            ClockState::Met | ClockState::MetLate | ClockState::Expired | ClockState::NotApplicable
        )
    }
}

/// What a clock counts for: the case, or one party, recommendation, proceedings or conduct
/// matter of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum About {
    Case,
    Party(PartyId),
    Recommendation(RecommendationId),
    Proceedings(ProceedingsId),
    ConductMatter(u32),
}

impl std::fmt::Display for About {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            About::Case => f.write_str("case"),
            About::Party(p) => write!(f, "{p}"),
            About::Recommendation(r) => write!(f, "{r}"),
            About::Proceedings(p) => write!(f, "{p}"),
            About::ConductMatter(m) => write!(f, "CM{m}"),
        }
    }
}

/// The event that satisfied a clock, by name and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Satisfaction {
    pub event: &'static str,
    pub on: Date,
}

impl Satisfaction {
    fn new(kind: EventKind, on: Date) -> Self {
        Satisfaction {
            event: kind.name(),
            on,
        }
    }
}

/// One clock of one case: a deadline (or a period) and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    pub name: ClockName,
    pub about: About,
    /// Which period of a repeating clock (progress updates, timeliness reports), from 1.
    pub period: u32,
    pub start: Option<Date>,
    /// The earliest day the duty may be done (an accelerated hearing's notice period).
    pub not_before: Option<Date>,
    pub due: Option<Date>,
    pub state: ClockState,
    pub satisfied_by: Option<Satisfaction>,
    /// Who must act: `None` for windows and periods, and duties of someone outside the case.
    pub owner: Option<Body>,
    /// Days the clock stood paused (added to its due day).
    pub paused_days: u32,
    /// Why it does not apply, why it cannot be counted, or what happened; never personal data.
    pub note: Option<String>,
    /// The calendar's refusal, when the clock is uncounted.
    #[serde(skip)]
    uncounted: Option<CalendarError>,
}

impl Clock {
    pub fn info(&self) -> ClockInfo {
        self.name.info()
    }

    /// A duty still to be done (running, paused, missed or uncounted): what a work queue lists.
    pub fn is_open_duty(&self) -> bool {
        self.name.info().nature == Nature::Duty
            && matches!(
                self.state,
                ClockState::Running
                    | ClockState::Paused
                    | ClockState::Missed
                    | ClockState::Uncounted
            )
    }
}

/// Why a clock could not be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the {name} clock does not apply to this case: {reason}")]
    NotApplicable { name: &'static str, reason: String },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Every clock of the case on `today`, in the order of [`ClockName::ALL`]; a clock with nothing
/// to count appears once as not applicable, with the reason.
pub fn clocks(case: &Case, today: Date, calendar: &Calendar) -> Vec<Clock> {
    let mut out = Vec::new();
    for name in ClockName::ALL {
        match derive(*name, case, today, calendar) {
            Ok(found) => out.extend(found),
            Err(reason) => out.push(Clock {
                note: Some(reason),
                ..Clock::blank(*name, About::Case, ClockState::NotApplicable)
            }),
        }
    }
    out
}

/// The duties of the case still to be done, read on the case's own latest day
/// ([`Case::latest_on`]), so the same events always give the same list: what the due-date read
/// model holds. Whether one is overdue is its due day against the day asked, which needs no
/// clock to be counted again. Of a repeating duty (a timeliness report each 6 months) only
/// the earliest period not done is listed: the next appears when it is done.
pub fn open_duties(case: &Case, calendar: &Calendar) -> Vec<Clock> {
    let Some(day) = case.latest_on else {
        return Vec::new();
    };
    let mut seen = std::collections::BTreeSet::new();
    clocks(case, day, calendar)
        .into_iter()
        .filter(Clock::is_open_duty)
        .filter(|c| seen.insert((c.name, c.about)))
        .collect()
}

/// One clock of the case: an error when it does not apply, or when its due day cannot be
/// counted with the calendar's data.
pub fn clock(
    case: &Case,
    name: ClockName,
    today: Date,
    calendar: &Calendar,
) -> Result<Vec<Clock>, ClockError> {
    let found =
        derive(name, case, today, calendar).map_err(|reason| ClockError::NotApplicable {
            name: name.code(),
            reason,
        })?;
    if let Some(e) = found.iter().find_map(|c| c.uncounted.clone()) {
        return Err(e.into());
    }
    Ok(found)
}

/// The clocks of one name, or why it does not apply.
fn derive(name: ClockName, case: &Case, today: Date, cal: &Calendar) -> Result<Vec<Clock>, String> {
    let cx = Cx { case, today, cal };
    if case.matter().is_none() {
        return Err("nothing has been logged".into());
    }
    let found = match name {
        ClockName::MandatoryReferral => cx.mandatory_referral()?,
        ClockName::ProgressUpdate => cx.progress_updates()?,
        ClockName::OutcomeNotification => cx.outcome_notification()?,
        ClockName::ReviewWindow => cx.review_window()?,
        ClockName::InvestigationTimeliness => cx.timeliness()?,
        ClockName::CaseToAnswerDecision => cx.case_to_answer()?,
        ClockName::ReflectiveAccount => cx.reflective_account()?,
        ClockName::ReflectiveReview => cx.reflective_review()?,
        ClockName::LearningResponse => cx.learning_response()?,
        ClockName::LearningResponsePublication => cx.learning_publication()?,
        ClockName::MisconductProceedingsHeld => cx.proceedings_held(false)?,
        ClockName::AcceleratedHearing => cx.proceedings_held(true)?,
        ClockName::MisconductOutcomeNotice => cx.outcome_notice()?,
        ClockName::WrittenWarningLive => cx.warning(Sanction::WrittenWarning)?,
        ClockName::FinalWrittenWarningLive => cx.warning(Sanction::FinalWrittenWarning)?,
        ClockName::BarredListReview => cx.list_review(true)?,
        ClockName::AdvisoryListReview => cx.list_review(false)?,
    };
    if found.is_empty() {
        return Err(format!(
            "the case has nothing for the {} clock",
            name.code()
        ));
    }
    Ok(found)
}

impl Clock {
    fn blank(name: ClockName, about: About, state: ClockState) -> Clock {
        Clock {
            name,
            about,
            period: 1,
            start: None,
            not_before: None,
            due: None,
            state,
            satisfied_by: None,
            owner: None,
            paused_days: 0,
            note: None,
            uncounted: None,
        }
    }
}

/// The unit a clock counts in.
#[derive(Clone, Copy)]
enum Unit {
    Days(i64),
    WorkingDays(u32),
    Months(i64),
}

/// A pause: from one day (not itself paused) until another (paused through), or still open.
type PauseSpan = (Date, Option<Date>);

/// The facts one clock instance is judged on.
struct Reading {
    name: ClockName,
    about: About,
    period: u32,
    start: Date,
    length: Unit,
    /// The earliest day, as a count from the start (an accelerated hearing's 10 working days).
    not_before: Option<u32>,
    satisfied: Option<Satisfaction>,
    owner: Option<Body>,
    pauses: Vec<PauseSpan>,
    note: Option<String>,
}

impl Reading {
    fn new(name: ClockName, about: About, start: Date, length: Unit) -> Self {
        Reading {
            name,
            about,
            period: 1,
            start,
            length,
            not_before: None,
            satisfied: None,
            owner: None,
            pauses: Vec::new(),
            note: None,
        }
    }

    fn owner(mut self, owner: Body) -> Self {
        self.owner = Some(owner);
        self
    }

    fn satisfied(mut self, s: Option<Satisfaction>) -> Self {
        self.satisfied = s;
        self
    }
}

struct Cx<'a> {
    case: &'a Case,
    today: Date,
    cal: &'a Calendar,
}

fn plus_days(d: Date, n: i64) -> Date {
    d.checked_add(n.days())
        .expect("dates of this process are far from the calendar's end")
}

/// The day an investigation's 12 months run from (PCMR 2020 reg 13): for the first, the day
/// the complaint was received or the matter came to attention; for a re-investigation, its
/// own start. The clock and the timeliness report count from here.
pub(crate) fn timeliness_from(case: &Case, inv: &Investigation, first: bool) -> Date {
    match case.matter() {
        Some(matter) if first => match matter.kind {
            MatterKind::Complaint => matter.received_on,
            _ => matter.came_to_attention_on,
        },
        _ => inv.started_on,
    }
}

/// The day the report on the period ending `period_end` was sent: a report whose period ends
/// on that day or within the 6 months after covers it.
pub(crate) fn timeliness_reported(case: &Case, period_end: Date) -> Option<Date> {
    let next_end = plus_months(period_end, 6);
    case.timeliness_reports
        .iter()
        .filter(|t| t.period_ending >= period_end && t.period_ending < next_end)
        .map(|t| t.sent_on)
        .min()
}

fn plus_months(d: Date, n: i64) -> Date {
    d.checked_add(n.months())
        .expect("dates of this process are far from the calendar's end")
}

/// Whether `day` lies in a pause: after its first day, up to and including its last.
fn paused_on(pauses: &[PauseSpan], day: Date) -> bool {
    pauses
        .iter()
        .any(|(from, until)| day > *from && until.is_none_or(|u| day <= u))
}

impl Cx<'_> {
    /// Judges one reading: its due day (pauses added), then its state on `today`.
    fn judge(&self, r: Reading) -> Clock {
        let nature = r.name.info().nature;
        let mut clock = Clock {
            period: r.period,
            start: Some(r.start),
            satisfied_by: r.satisfied,
            owner: r.owner,
            note: r.note.clone(),
            ..Clock::blank(r.name, r.about, ClockState::Running)
        };
        let counted = self.count(&r);
        let (due, not_before, paused_days) = match counted {
            Ok(v) => v,
            Err(e) => {
                clock.state = ClockState::Uncounted;
                clock.note = Some(e.to_string());
                clock.uncounted = Some(e);
                return clock;
            }
        };
        clock.due = Some(due);
        clock.not_before = not_before;
        clock.paused_days = paused_days;
        clock.state = match (nature, r.satisfied) {
            (_, Some(s)) if not_before.is_some_and(|nb| s.on < nb) => {
                clock.note = Some("held before the notice period ended".into());
                ClockState::Missed
            }
            (_, Some(s)) if s.on <= due => ClockState::Met,
            (_, Some(_)) => ClockState::MetLate,
            (Nature::Period, None) if self.today < due => ClockState::Running,
            (Nature::Period, None) => ClockState::Expired,
            (_, None) if paused_on(&r.pauses, self.today) => ClockState::Paused,
            (_, None) if self.today <= due => ClockState::Running,
            (Nature::Window, None) => ClockState::Expired,
            (Nature::Duty, None) => ClockState::Missed,
        };
        clock
    }

    /// The due day and earliest day, and the days paused, counting over the pauses: a paused
    /// day is not counted, so each one moves the due day on.
    fn count(&self, r: &Reading) -> Result<(Date, Option<Date>, u32), CalendarError> {
        // Days already past or still paused up to today count; a pause still open runs to today.
        let paused = |d: Date| paused_on(&r.pauses, d) && d <= self.today;
        match r.length {
            Unit::WorkingDays(n) => {
                let mut day = r.start;
                let mut counted = 0;
                let mut paused_days = 0;
                let mut not_before = None;
                self.cal.is_working_day(day)?;
                while counted < n {
                    day = plus_days(day, 1);
                    if paused(day) {
                        paused_days += 1;
                        continue;
                    }
                    if self.cal.is_working_day(day)? {
                        counted += 1;
                        if Some(counted) == r.not_before {
                            not_before = Some(day);
                        }
                    }
                }
                Ok((day, not_before, paused_days))
            }
            Unit::Days(n) | Unit::Months(n) => {
                let end = match r.length {
                    Unit::Days(_) => plus_days(r.start, n),
                    _ => plus_months(r.start, n),
                };
                // Calendar periods move by the days paused within them.
                let mut day = r.start;
                let mut paused_days = 0u32;
                let mut due = end;
                while day < due {
                    day = plus_days(day, 1);
                    if paused(day) {
                        paused_days += 1;
                        due = plus_days(due, 1);
                    }
                }
                Ok((due, None, paused_days))
            }
        }
    }

    /// Who carries out the case's investigation duties: the oversight body for independent
    /// and directed investigations, else the appropriate authority.
    fn investigating_body(&self) -> Body {
        match self.case.investigation.as_ref().map(|i| i.mode) {
            Some(InvestigationMode::Independent | InvestigationMode::Directed) => {
                Body::OversightBody
            }
            _ => Body::AppropriateAuthority,
        }
    }

    fn mandatory_referral(&self) -> Result<Vec<Clock>, String> {
        let case = self.case;
        let matter = case.matter().expect("checked by derive");
        let must = !case.mandatory_referral_criteria().is_empty()
            || matches!(case.referral, Some((ReferralBasis::Mandatory(_), _)));
        if !must {
            return Err("it meets no mandatory referral criterion".into());
        }
        let start = match case.recorded {
            Some((_, on)) => on,
            None if matter.kind == MatterKind::DsiMatter || matter.death_or_serious_injury => {
                matter.came_to_attention_on
            }
            None => return Err("it has not been recorded yet".into()),
        };
        let mut r = Reading::new(
            ClockName::MandatoryReferral,
            About::Case,
            start,
            Unit::Days(1),
        )
        .owner(Body::AppropriateAuthority);
        match case.referral {
            Some((ReferralBasis::TreatedAsReferred | ReferralBasis::CalledIn, on)) => {
                // The authority never referred it: the oversight body acted instead.
                let mut c = self.judge(r);
                c.state = ClockState::Missed;
                c.satisfied_by = None;
                c.note = Some(format!(
                    "the oversight body called it in or treated it as referred on {on}"
                ));
                return Ok(vec![c]);
            }
            Some((_, on)) => {
                r = r.satisfied(Some(Satisfaction::new(EventKind::Referred, on.max(start))));
                if on < start {
                    r.note = Some(format!("referred on {on}, before it was recorded"));
                }
            }
            None => {}
        }
        Ok(vec![self.judge(r)])
    }

    /// The day the duty to keep people informed ends: the outcome notified, or the case
    /// closed or withdrawn.
    fn informing_ends(&self) -> Option<(EventKind, Date)> {
        let c = self.case;
        if let Some(on) = c.outcome_notified_on {
            return Some((EventKind::OutcomeNotified, on));
        }
        if let Some(on) = c.withdrawn_on {
            return Some((EventKind::MatterWithdrawn, on));
        }
        if let Some(on) = c.closed_on {
            return Some((EventKind::CaseClosed, on));
        }
        if c.status == Status::FinalisedOutsideSchedule3 {
            return c
                .outside_schedule3_on
                .map(|on| (EventKind::FinalisedOutsideSchedule3, on));
        }
        None
    }

    /// The people the case must keep informed: complainants and interested persons.
    fn informed(&self) -> Vec<PartyId> {
        self.case
            .parties
            .values()
            .filter(|p| {
                !p.erased
                    && matches!(
                        p.role,
                        PartyRole::Complainant { .. } | PartyRole::InterestedPerson
                    )
            })
            .map(|p| p.id)
            .collect()
    }

    fn progress_updates(&self) -> Result<Vec<Clock>, String> {
        let case = self.case;
        let Some(start) = case.handling_started_on.or(case.recorded.map(|(_, on)| on)) else {
            return Err("handling has not started".into());
        };
        if case.status == Status::HandledOutsideSchedule3
            || case.status == Status::FinalisedOutsideSchedule3 && case.recorded.is_none()
        {
            return Err("it is handled outside Schedule 3".into());
        }
        let informed = self.informed();
        if informed.is_empty() {
            return Err("it has no complainant or interested person".into());
        }
        let ends = self.informing_ends();
        let owner = self.investigating_body();
        let mut out = Vec::new();
        for party in informed {
            let mut updates: Vec<Date> = case
                .updates
                .iter()
                .filter(|(p, kind, _)| *p == party && *kind != UpdateKind::ReviewRights)
                .map(|(_, _, on)| *on)
                .collect();
            updates.sort();
            let mut from = start;
            let mut period = 1;
            let mut next = updates.iter().copied().filter(|d| *d >= start).peekable();
            loop {
                if ends.is_some_and(|(_, end)| from >= end) {
                    break;
                }
                let update = next.next();
                let within = |d: Date| ends.is_none_or(|(_, end)| d <= end);
                let satisfied = match update {
                    Some(d) if within(d) => Some(Satisfaction::new(EventKind::PartyUpdated, d)),
                    _ => ends.map(|(kind, on)| Satisfaction::new(kind, on)),
                };
                let mut r = Reading::new(
                    ClockName::ProgressUpdate,
                    About::Party(party),
                    from,
                    Unit::Days(28),
                )
                .owner(owner)
                .satisfied(satisfied);
                r.period = period;
                out.push(self.judge(r));
                match satisfied {
                    Some(s) if s.event == EventKind::PartyUpdated.name() => {
                        from = s.on;
                        period += 1;
                        // Several updates on one day are one update.
                        while next.peek().is_some_and(|d| *d <= from) {
                            next.next();
                        }
                    }
                    _ => break,
                }
            }
        }
        Ok(out)
    }

    /// The day the outcome was reached, or why it has not been.
    fn outcome_reached(&self) -> Result<Date, String> {
        let case = self.case;
        if let Some((_, on)) = case.handling_outcome {
            return Ok(on);
        }
        let Some(inv) = case.investigation.as_ref() else {
            return Err("the outcome has not been reached".into());
        };
        let Some((_, determined)) = inv.determined else {
            return Err("the case-to-answer determinations have not been made".into());
        };
        let needs_action = inv
            .determinations
            .values()
            .any(|f| f.case_to_answer.is_case_to_answer());
        let mut reached = determined;
        if needs_action {
            let Some(settled) = inv.settled_on else {
                return Err("the action to follow has not been settled".into());
            };
            reached = reached.max(settled);
        }
        let open = crate::publication::misconduct_proceedings_open(case);
        if !open.is_empty() {
            return Err(open.join("; "));
        }
        for p in case.proceedings.values() {
            if let Some(on) = p.concluded_on {
                reached = reached.max(on);
            }
        }
        Ok(reached)
    }

    fn outcome_notification(&self) -> Result<Vec<Clock>, String> {
        if self.informed().is_empty() {
            return Err("it has no complainant or interested person".into());
        }
        let start = self.outcome_reached()?;
        let satisfied = self
            .case
            .outcome_notified_on
            .map(|on| Satisfaction::new(EventKind::OutcomeNotified, on));
        let r = Reading::new(
            ClockName::OutcomeNotification,
            About::Case,
            start,
            Unit::WorkingDays(5),
        )
        .owner(self.investigating_body())
        .satisfied(satisfied);
        Ok(vec![self.judge(r)])
    }

    fn review_window(&self) -> Result<Vec<Clock>, String> {
        let Some(right) = self.case.review_right else {
            return Err("the outcome gave no right of review".into());
        };
        let application = self
            .case
            .reviews
            .iter()
            .find(|r| r.applied_on >= right.information_given_on)
            .map(|r| {
                let on = r.forwarded.map_or(r.applied_on, |f| f.first_received_on);
                Satisfaction::new(EventKind::ReviewApplied, on)
            });
        let mut r = Reading::new(
            ClockName::ReviewWindow,
            About::Case,
            right.information_given_on,
            Unit::Days(
                (right.deadline - right.information_given_on)
                    .get_days()
                    .into(),
            ),
        )
        .satisfied(application);
        if let Some(rev) = self.case.reviews.last()
            && let Some(f) = rev.forwarded
        {
            r.note = Some(format!(
                "first received on {}, forwarded; received by the review body on {}",
                f.first_received_on, rev.applied_on
            ));
        }
        Ok(vec![self.judge(r)])
    }

    fn timeliness(&self) -> Result<Vec<Clock>, String> {
        let case = self.case;
        let mut investigations: Vec<&Investigation> = case.earlier_investigations.iter().collect();
        investigations.extend(case.investigation.as_ref());
        if investigations.is_empty() {
            return Err("there has been no investigation".into());
        }
        let mut out = Vec::new();
        // The matter's own period runs from the complaint or the day it came to attention;
        // a re-investigation's from its own start.
        for (i, inv) in investigations.iter().enumerate() {
            let from = timeliness_from(case, inv, i == 0);
            out.extend(self.timeliness_periods(inv, About::Case, from, i > 0)?);
        }
        // Conduct matters found during the investigation have their own periods.
        if let Some(inv) = case.investigation.as_ref() {
            for (n, cm) in &case.conduct_matters {
                out.extend(self.timeliness_periods(
                    inv,
                    About::ConductMatter(*n),
                    cm.came_to_attention_on,
                    false,
                )?);
            }
        }
        Ok(out)
    }

    fn timeliness_periods(
        &self,
        inv: &Investigation,
        about: About,
        from: Date,
        reinvestigation: bool,
    ) -> Result<Vec<Clock>, String> {
        let owner = match inv.mode {
            InvestigationMode::Local => Body::AppropriateAuthority,
            _ => Body::OversightBody,
        };
        let completed = inv.report_on;
        let mut out = Vec::new();
        let mut period_start = from;
        let mut period_end = plus_months(from, 12);
        let mut period = 1;
        // Each period that ends before the investigation is complete needs a report; the
        // period running today is listed too, due after it ends.
        while completed.is_none_or(|c| c > period_end) {
            let next_end = plus_months(period_end, 6);
            let report = timeliness_reported(self.case, period_end)
                .map(|on| Satisfaction::new(EventKind::TimelinessReportSent, on));
            let mut r = Reading::new(
                ClockName::InvestigationTimeliness,
                about,
                period_end,
                Unit::WorkingDays(10),
            )
            .owner(owner)
            .satisfied(report);
            r.period = period;
            r.note = Some(if reinvestigation {
                format!("a period of the re-investigation, which started on {from}")
            } else {
                format!("{} months after {from}", 12 + 6 * (period - 1))
            });
            let mut c = self.judge(r);
            c.start = Some(period_start);
            c.not_before = Some(period_end);
            out.push(c);
            if period_end >= self.today {
                break;
            }
            period_start = period_end;
            period_end = next_end;
            period += 1;
        }
        if out.is_empty() {
            // Completed within the first 12 months: no report was ever due.
            let c = completed.expect("the loop runs at least once unless completed");
            out.push(Clock {
                start: Some(from),
                due: Some(plus_months(from, 12)),
                owner: Some(owner),
                satisfied_by: Some(Satisfaction::new(EventKind::ReportSubmitted, c)),
                note: Some("completed within 12 months: no report was due".into()),
                ..Clock::blank(ClockName::InvestigationTimeliness, about, ClockState::Met)
            });
        }
        Ok(out)
    }

    fn case_to_answer(&self) -> Result<Vec<Clock>, String> {
        let case = self.case;
        let Some(inv) = case.investigation.as_ref() else {
            return Err("there has been no investigation".into());
        };
        if case.pairs().is_empty() {
            return Err("no allegation names a subject".into());
        }
        let Some(report_on) = inv.report_on else {
            return Err("the investigation report has not been submitted".into());
        };
        let owner = match inv.mode {
            InvestigationMode::Independent => Body::OversightBody,
            _ => Body::AppropriateAuthority,
        };
        let r = Reading::new(
            ClockName::CaseToAnswerDecision,
            About::Case,
            report_on,
            Unit::WorkingDays(15),
        )
        .owner(owner)
        .satisfied(
            inv.determined
                .map(|(_, on)| Satisfaction::new(EventKind::CaseDetermined, on)),
        );
        Ok(vec![self.judge(r)])
    }

    fn reflective_account(&self) -> Result<Vec<Clock>, String> {
        let mut out = Vec::new();
        for (subject, rp) in &self.case.reflective_practice {
            let on = |stage: ReflectiveStage| {
                rp.history
                    .iter()
                    .find(|(s, _)| *s == stage)
                    .map(|(_, d)| *d)
            };
            let Some(notified) = on(ReflectiveStage::Notified) else {
                continue;
            };
            let mut r = Reading::new(
                ClockName::ReflectiveAccount,
                About::Party(*subject),
                notified,
                Unit::WorkingDays(5),
            );
            if let Some(d) = on(ReflectiveStage::AccountGiven) {
                r = r.satisfied(Some(Satisfaction::new(
                    EventKind::ReflectivePracticeProgressed,
                    d,
                )));
            }
            let mut c = self.judge(r);
            if let Some(d) = on(ReflectiveStage::NoAccountGiven)
                && c.satisfied_by.is_none()
            {
                c.state = ClockState::Expired;
                c.note = Some(format!("no account was given; recorded on {d}"));
            }
            out.push(c);
        }
        if out.is_empty() {
            return Err("no officer has been notified of a referral to reflective practice".into());
        }
        Ok(out)
    }

    fn reflective_review(&self) -> Result<Vec<Clock>, String> {
        let mut out = Vec::new();
        for (subject, rp) in &self.case.reflective_practice {
            let Some(agreed) = rp
                .history
                .iter()
                .find(|(s, _)| *s == ReflectiveStage::ReportAgreed)
                .map(|(_, d)| *d)
            else {
                continue;
            };
            let months = rp
                .report
                .as_ref()
                .map_or(12, |r| i64::from(r.review_period_months.clamp(1, 12)));
            let reviewed = rp
                .history
                .iter()
                .find(|(s, _)| *s == ReflectiveStage::ReviewedAtDevelopmentReview)
                .map(|(_, d)| Satisfaction::new(EventKind::ReflectivePracticeProgressed, *d));
            let r = Reading::new(
                ClockName::ReflectiveReview,
                About::Party(*subject),
                agreed,
                Unit::Months(months),
            )
            .owner(Body::AppropriateAuthority)
            .satisfied(reviewed);
            out.push(self.judge(r));
        }
        if out.is_empty() {
            return Err("no reflective review report has been agreed".into());
        }
        Ok(out)
    }

    fn learning_response(&self) -> Result<Vec<Clock>, String> {
        let mut out = Vec::new();
        for rec in self.case.recommendations.values() {
            // The due day is the one the event recorded (extended, where it was): 55 days
            // after the day made is the last of the 56 beginning with it.
            let length = (rec.response_due - rec.made_on).get_days();
            let mut r = Reading::new(
                ClockName::LearningResponse,
                About::Recommendation(rec.id),
                rec.made_on,
                Unit::Days(i64::from(length)),
            )
            .owner(Body::AppropriateAuthority)
            .satisfied(
                rec.response
                    .as_ref()
                    .map(|(_, _, on)| Satisfaction::new(EventKind::LearningResponseReceived, *on)),
            );
            if rec.extended {
                r.note = Some(format!("the period was extended to {}", rec.response_due));
            }
            out.push(self.judge(r));
        }
        if out.is_empty() {
            return Err("no learning recommendation has been made".into());
        }
        Ok(out)
    }

    fn learning_publication(&self) -> Result<Vec<Clock>, String> {
        let mut out = Vec::new();
        for rec in self.case.recommendations.values() {
            let Some((_, _, received)) = rec.response.as_ref() else {
                continue;
            };
            let r = Reading::new(
                ClockName::LearningResponsePublication,
                About::Recommendation(rec.id),
                *received,
                Unit::Days(20),
            )
            .owner(Body::OversightBody)
            .satisfied(
                rec.response_published_on
                    .map(|on| Satisfaction::new(EventKind::LearningResponsePublished, on)),
            );
            out.push(self.judge(r));
        }
        if out.is_empty() {
            return Err("no response to a learning recommendation has been received".into());
        }
        Ok(out)
    }

    /// Criminal proceedings pending against a subject: from the referral to prosecutors until
    /// their conclusion.
    fn criminal_pauses(&self, subject: PartyId) -> Vec<PauseSpan> {
        self.case
            .criminal
            .get(&subject)
            .map(|c| vec![(c.referred_on, c.outcome.map(|(_, on)| on))])
            .unwrap_or_default()
    }

    fn proceedings_held(&self, accelerated: bool) -> Result<Vec<Clock>, String> {
        let mut out = Vec::new();
        for p in self.case.proceedings.values() {
            let (name, days, not_before) = match (p.form, accelerated) {
                (Form::AcceleratedHearing, true) => (ClockName::AcceleratedHearing, 15, Some(10)),
                (Form::Meeting, false) => (ClockName::MisconductProceedingsHeld, 20, None),
                (Form::Hearing, false) => (ClockName::MisconductProceedingsHeld, 100, None),
                _ => continue,
            };
            // Held on the day arranged, once it has concluded.
            let held = p
                .concluded_on
                .map(|_| Satisfaction::new(EventKind::ProceedingsArranged, p.arranged_for));
            let mut r = Reading::new(
                name,
                About::Proceedings(p.id),
                p.notice_on,
                Unit::WorkingDays(days),
            )
            .owner(Body::AppropriateAuthority)
            .satisfied(held);
            r.note = Some(match p.concluded_on {
                Some(c) => format!("held on {}, concluded on {c}", p.arranged_for),
                None => format!("arranged for {}", p.arranged_for),
            });
            r.not_before = not_before;
            r.pauses = self.criminal_pauses(p.subject);
            out.push(self.judge(r));
        }
        if out.is_empty() {
            return Err(if accelerated {
                "no accelerated hearing has been arranged".into()
            } else {
                "no misconduct meeting or hearing has been arranged".into()
            });
        }
        Ok(out)
    }

    fn outcome_notice(&self) -> Result<Vec<Clock>, String> {
        let mut out = Vec::new();
        for p in self.case.proceedings.values() {
            let (Some(concluded), Some(_)) = (p.concluded_on, p.sanction) else {
                continue;
            };
            let r = Reading::new(
                ClockName::MisconductOutcomeNotice,
                About::Proceedings(p.id),
                concluded,
                Unit::WorkingDays(5),
            )
            .owner(Body::AppropriateAuthority)
            .satisfied(
                p.sanction_notified_on
                    .map(|on| Satisfaction::new(EventKind::SanctionNotified, on)),
            );
            out.push(self.judge(r));
        }
        if out.is_empty() {
            return Err("no proceedings have concluded with a sanction".into());
        }
        Ok(out)
    }

    fn warning(&self, sanction: Sanction) -> Result<Vec<Clock>, String> {
        let name = match sanction {
            Sanction::WrittenWarning => ClockName::WrittenWarningLive,
            _ => ClockName::FinalWrittenWarningLive,
        };
        let months = if sanction == Sanction::WrittenWarning {
            18
        } else {
            24
        };
        let mut out = Vec::new();
        for p in self.case.proceedings.values() {
            if p.final_sanction() != Some(sanction) {
                continue;
            }
            let Some(effective) = p.sanction_notified_on.or(p.concluded_on) else {
                continue;
            };
            let mut r = Reading::new(
                name,
                About::Proceedings(p.id),
                effective,
                Unit::Months(months),
            );
            if p.sanction_notified_on.is_none() {
                r.note = Some("not yet notified: counted from the conclusion".into());
            }
            out.push(self.judge(r));
        }
        if out.is_empty() {
            return Err(format!(
                "no {} is on the record of this case",
                sanction.label()
            ));
        }
        Ok(out)
    }

    fn list_review(&self, barred: bool) -> Result<Vec<Clock>, String> {
        let (list, name) = if barred {
            (&self.case.barred_list, ClockName::BarredListReview)
        } else {
            (&self.case.advisory_list, ClockName::AdvisoryListReview)
        };
        let out: Vec<Clock> = list
            .iter()
            .map(|(subject, on)| {
                self.judge(Reading::new(
                    name,
                    About::Party(*subject),
                    *on,
                    Unit::Months(60),
                ))
            })
            .collect();
        if out.is_empty() {
            return Err(if barred {
                "no subject was referred to the barred list".into()
            } else {
                "no subject is on the advisory list".into()
            });
        }
        Ok(out)
    }
}
