//! The reference case (IOPC 2020/134541, `shared/seed/`) walked through the pages from intake
//! to the point of publication, each step taken by the role and body that takes it in life:
//! the force's assessor logs, records and refers (a local investigation refused first, by its
//! rule); the IOPC's assessor decides an independent investigation; its investigator and
//! decision maker run it and determine each subject on each allegation; the force's decision
//! maker proposes reflective practice; the IOPC agrees; the outcome is notified; a
//! publications officer drafts the summary (a name in it found by the check) and a second one
//! approves it.

use crate::driver::{self, Session};

const CASE: &str = "/cases/GL%2F1345%2F26";
const PASSWORD: &str = "a long enough password";

impl Session {
    /// Opens a step from the case file's own link (so the step is offered), checked with
    /// axe-core.
    async fn step(&self, slug: &str) {
        self.goto(CASE).await;
        self.click(&format!("a[href='{CASE}/steps/{slug}']")).await;
        self.wait_for_path(&format!("{CASE}/steps/{slug}")).await;
        self.check_accessibility(slug).await;
    }

    /// Sends the form on the page.
    async fn send(&self) {
        self.click("main form[method='post'] button[type='submit']")
            .await;
    }

    /// Sends the form, checks the answers on the check page, and confirms.
    async fn send_and_confirm(&self, title: &str, shows: &str) {
        self.send().await;
        self.wait_for_title(&format!("Check your answers: {title} - Probity"))
            .await;
        let answers = self.text("main").await;
        assert!(answers.contains(shows), "{title}: {answers}");
        self.check_accessibility(&format!("check: {title}")).await;
        self.click("button[value='record']").await;
        self.back_on_case().await;
    }

    async fn back_on_case(&self) {
        for _ in 0..50 {
            if self.path().await == CASE {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("not back on the case file: {}", self.text("main").await);
    }

    async fn as_user(&self, username: &str) {
        if self
            .client
            .find(fantoccini::Locator::Css("form[action='/sign-out']"))
            .await
            .is_ok()
        {
            self.sign_out().await;
        }
        if username.starts_with("glos.") {
            self.sign_in_with(username, PASSWORD).await;
        } else {
            self.sign_in(username).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_case_is_walked_from_intake_to_publication_by_its_roles() {
    use probity_domain::access::{StaffRole, default_body};
    let Some(b) = driver::start().await else {
        return;
    };
    let admin = b.console("browser-test", StaffRole::Administrator).await;
    let glos = probity_domain::force::Force::parse("gloucestershire").unwrap();
    for (username, role) in [
        ("glos.assessor", StaffRole::Assessor),
        ("glos.decision-maker", StaffRole::DecisionMaker),
    ] {
        admin
            .add_user(probity_app::NewUser {
                username: username.into(),
                role,
                body: default_body(Some(glos)),
                force: Some(glos),
                password: PASSWORD.into(),
            })
            .await
            .unwrap();
    }

    // The force's professional standards department logs the complaint.
    b.as_user("glos.assessor").await;
    b.goto("/cases/new").await;
    b.click("#kind-complaint").await;
    b.fill("#reference", "GL/1345/26").await;
    b.click("#force option[value='gloucestershire']").await;
    b.fill("#received_on-day", "6").await;
    b.fill("#received_on-month", "4").await;
    b.fill("#received_on-year", "2026").await;
    b.fill(
        "#summary",
        "A vulnerable woman reported threats from a man using her home for drug dealing; she complained about the conduct of the officers who attended.",
    )
    .await;
    b.click("form[action='/cases/new'] button").await;
    b.back_on_case().await;

    // The people: the complainant with her vulnerabilities, and the two officers.
    b.step("add-party").await;
    b.click("#role-complainant").await;
    b.fill("#name", "Rowan Ashby").await;
    b.click("#vulnerabilities-victim_of_crime").await;
    b.click("#vulnerabilities-sexual_exploitation").await;
    b.click("#ethnicity option[value='white']").await;
    b.click("#sex option[value='female']").await;
    b.send().await;
    // Without the basis of her complaint the rules cannot record her: said on the question.
    b.wait_for_title("Error: Add a person - Probity").await;
    assert!(b.text(".govuk-error-summary").await.contains("basis"));
    b.check_accessibility("add a person, refused").await;
    b.screenshot("step-refused-on-field").await;
    b.click("#basis-directed_at").await;
    b.send().await;
    b.back_on_case().await;
    for (name, number) in [("Daniel Morrow", "GL1042"), ("Ellis Tanner", "GL2217")] {
        b.step("add-party").await;
        b.click("#role-subject").await;
        b.fill("#name", name).await;
        b.click("#subject_kind-officer").await;
        b.fill("#rank", "Police Constable").await;
        b.fill("#service_number", number).await;
        b.send().await;
        b.back_on_case().await;
    }
    for (category, what) in [
        (
            "G2",
            "The officers abused their positions for a sexual purpose in their dealings with the complainant.",
        ),
        (
            "G4",
            "The officers used the complainant as an unofficial informant, taking advantage of her vulnerabilities.",
        ),
    ] {
        b.step("add-allegation").await;
        b.click("#subjects-P2").await;
        b.click("#subjects-P3").await;
        b.click(&format!("#category option[value='{category}']"))
            .await;
        b.fill("#description", what).await;
        b.send().await;
        b.back_on_case().await;
    }
    let file = b.text("main").await;
    assert!(
        file.contains("Daniel Morrow") && file.contains("Victim of crime"),
        "{file}"
    );

    // Recorded; a local investigation is refused by the mandatory referral rule; referred.
    b.click(&format!("a[href='{CASE}/record']")).await;
    b.click("#might_justify_proceedings").await;
    b.click("form[method='get'] button").await;
    b.wait_for_path(&format!(
        "{CASE}/record?check=true&might_justify_proceedings=true"
    ))
    .await;
    b.click("form[method='post'][action$='/record'] button")
        .await;
    b.back_on_case().await;
    b.step("start-local-investigation").await;
    b.send().await;
    b.wait_for_title("Error: Start a local investigation - Probity")
        .await;
    let refusal = b.text(".govuk-error-summary").await;
    assert!(refusal.to_lowercase().contains("refer"), "{refusal}");
    b.screenshot("step-refused-by-rule").await;
    b.step("refer").await;
    let chosen: bool = b
        .client
        .find(fantoccini::Locator::Css(
            "#basis-mandatory\\:serious_corruption",
        ))
        .await
        .unwrap()
        .is_selected()
        .await
        .unwrap();
    assert!(chosen, "the criterion the allegations bring in is chosen");
    b.send_and_confirm("Refer the matter to the IOPC", "Serious corruption")
        .await;

    // The IOPC decides the mode; the force's assessor is not offered the decision.
    assert!(
        !b.text("main")
            .await
            .contains("Decide how the referral is handled")
    );
    b.as_user("oversight.assessor").await;
    b.step("decide-referral").await;
    b.click("#decision-independent").await;
    b.fill("#rationale", "Alleged abuse of position for a sexual purpose against a vulnerable victim of crime: the seriousness and the public interest require an independent investigation.").await;
    b.screenshot("step-decide-referral").await;
    b.send_and_confirm(
        "Decide how the referral is handled",
        "An independent investigation",
    )
    .await;

    // The investigation.
    b.as_user("oversight.investigator").await;
    b.step("terms-of-reference").await;
    b.fill("#text", "Whether the officers abused their positions for a sexual purpose or to obtain intelligence.").await;
    b.send().await;
    b.back_on_case().await;
    b.as_user("oversight.decision-maker").await;
    for subject in ["P2", "P3"] {
        b.goto(CASE).await;
        b.click(&format!("a[href='{CASE}/severity/{subject}']"))
            .await;
        b.click("#severity-gross_misconduct").await;
        b.click("#likely_form-hearing").await;
        b.fill(
            "#rationale",
            "Abuse of position for a sexual purpose would, if proved, justify dismissal.",
        )
        .await;
        b.click(&format!("form[action$='/severity/{subject}'] button"))
            .await;
        b.back_on_case().await;
    }
    let grid = b.text("#allegations ~ .probity-scroll table").await;
    assert!(
        grid.contains("Gross misconduct; likely a hearing"),
        "{grid}"
    );
    b.as_user("oversight.investigator").await;
    for subject in ["P2", "P3"] {
        b.step("serve-notice").await;
        b.click(&format!("#subject-{subject}")).await;
        b.send().await;
        b.back_on_case().await;
    }
    let file = b.text("#investigation ~ .probity-scroll table").await;
    assert!(
        file.contains("Daniel Morrow") && file.contains("Ellis Tanner"),
        "the notices: {file}"
    );
    b.step("submit-report").await;
    b.fill("#summary", "The evidence indicates that both officers potentially abused their positions by using a vulnerable victim of crime as an unofficial informant; there is insufficient evidence of a sexual purpose.").await;
    b.send_and_confirm("Submit the investigation report", "unofficial informant")
        .await;
    // One opinion per subject per allegation: the form starts at the next one without.
    for (n, opinion) in [
        "no_case_to_answer",
        "misconduct",
        "no_case_to_answer",
        "misconduct",
    ]
    .into_iter()
    .enumerate()
    {
        b.step("give-opinion").await;
        b.click(&format!("#cta-{opinion}")).await;
        b.fill("#reasons", "As the report sets out.").await;
        if n == 0 {
            b.screenshot("step-give-opinion").await;
        }
        b.send().await;
        b.back_on_case().await;
    }

    // The decision maker determines every pair, starting from the opinions.
    b.as_user("oversight.decision-maker").await;
    b.step("determine").await;
    // Beside the decision, what other cases hold about both officers: the demo's reference
    // case names them by the same collar numbers.
    b.screenshot("step-determine-history").await;
    let panel = b.text(".probity-history").await;
    assert!(
        panel.contains("Daniel Morrow")
            && panel.contains("Ellis Tanner")
            && panel.contains("2020/134541"),
        "{panel}"
    );
    for pair in ["P2-A1", "P2-A2", "P3-A1", "P3-A2"] {
        b.fill(
            &format!("#reasons-{pair}"),
            "The evidence as the report sets it out.",
        )
        .await;
    }
    b.click("#further-P2-A2-reflective_practice").await;
    b.click("#further-P3-A2-reflective_practice").await;
    b.screenshot("step-determine").await;
    b.send_and_confirm(
        "Determine case to answer",
        "A case to answer for misconduct",
    )
    .await;

    // The force proposes; the IOPC agrees.
    b.as_user("glos.decision-maker").await;
    b.step("propose-action").await;
    b.click("#action-P2-reflective_practice").await;
    b.click("#action-P3-reflective_practice").await;
    b.fill("#rationale", "Both officers have accepted that their dealings with the complainant fell short; reflective practice will address it.").await;
    b.send_and_confirm(
        "Propose the action to follow",
        "The reflective practice review process",
    )
    .await;
    b.as_user("oversight.decision-maker").await;
    b.step("answer-proposal").await;
    b.click("#response-agree").await;
    b.fill("#rationale", "Engagement with reflective practice will benefit both officers, the force and the public interest.").await;
    b.send_and_confirm("Answer the force's proposals", "Agree with the proposals")
        .await;
    b.goto(CASE).await;
    b.screenshot("case-file-decision-maker").await;
    b.goto(&format!("{CASE}#investigation")).await;
    b.screenshot("case-file-investigation").await;
    b.step("no-learning").await;
    b.fill("#rationale", "The force's own review of its handling of vulnerable victims covers what this case showed.").await;
    b.send().await;
    b.back_on_case().await;

    // The outcome is notified: the case stands where publication takes over.
    b.as_user("oversight.investigator").await;
    b.step("notify-outcome").await;
    b.send_and_confirm("Record that the outcome was notified", "")
        .await;
    let file = b.text("main").await;
    assert!(file.contains("Outcome notified"), "{file}");

    // Publication: the draft names an officer, so its approval is refused saying what and
    // where; redrafted without the name, a second person approves it.
    let title = "Allegations that officers abused their position for sexual purpose and to obtain intelligence - Gloucestershire Constabulary, April 2026";
    let summary = "A vulnerable woman complained about the conduct of officers who attended her home. We investigated allegations that two officers abused their positions for a sexual purpose and to obtain intelligence from her as an unofficial informant. Both officers had a case to answer for misconduct for using her as an informant; the force proposed reflective practice and we agreed.";
    b.as_user("oversight.publications").await;
    b.step("draft-publication").await;
    b.fill("#title", title).await;
    b.fill(
        "#summary",
        &format!("{summary} Daniel Morrow accepted this."),
    )
    .await;
    b.fill("#themes", "Corruption and abuse of power").await;
    b.fill("#incident_month", "2026-04").await;
    b.send().await;
    b.back_on_case().await;
    assert!(
        b.text("main")
            .await
            .contains("1 anonymisation findings to resolve"),
        "the finding is on the case file"
    );
    b.as_user("oversight.publications-approver").await;
    b.step("approve-publication").await;
    b.screenshot("step-approve-publication").await;
    b.send().await;
    b.wait_for_title("Check your answers: Approve the publication - Probity")
        .await;
    b.click("button[value='record']").await;
    b.wait_for_title("Error: Approve the publication - Probity")
        .await;
    let refusal = b.text(".govuk-error-summary").await;
    assert!(refusal.contains("a name in the summary"), "{refusal}");
    b.visit_public("/investigations/GL-1345-26", "portal-before-approval")
        .await;
    assert_eq!(
        b.title().await,
        "Page not found - Probity public portal",
        "nothing is public before a second person approves"
    );
    assert!(
        !refusal.contains("Morrow"),
        "the refusal does not repeat the name"
    );
    b.as_user("oversight.publications").await;
    b.step("draft-publication").await;
    b.fill("#summary", summary).await;
    b.send().await;
    b.back_on_case().await;
    b.as_user("oversight.publications-approver").await;
    b.step("approve-publication").await;
    b.send_and_confirm("Approve the publication", "each justified")
        .await;
    assert!(
        b.text("main").await.contains("Published from"),
        "{}",
        b.text("main").await
    );
    b.visit(CASE, "reference-case-walked").await;
    // Now on the portal, found by what it says.
    b.visit_public("/search?q=informant", "portal-after-approval")
        .await;
    b.click("a[href='/investigations/GL-1345-26']").await;
    b.wait_for_title(&format!("{title} - Probity public portal"))
        .await;
    b.check_accessibility("portal item").await;
    assert!(b.text("main").await.contains("unofficial informant"));
    // The audit trail proves the decision maker saw the histories beside the determination.
    b.as_user("oversight.auditor").await;
    b.goto("/audit?actor=oversight.decision-maker&action=subject.history")
        .await;
    let trail = b.text("main").await;
    assert!(
        trail.contains("shown beside determine on GL/1345/26"),
        "{trail}"
    );
    b.close().await;
}
