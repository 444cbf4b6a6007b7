//! Walks through the pages as their users would.

use crate::driver;

/// Sign in (a wrong password first), My work, the case list, the reference case's file, sign
/// out: each page checked with axe-core and photographed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_signs_in_finds_their_work_and_reads_the_reference_case() {
    let Some(b) = driver::start().await else {
        return;
    };
    b.goto("/").await;
    assert_eq!(
        b.path().await,
        "/sign-in",
        "the front door asks who you are"
    );
    assert_eq!(b.title().await, "Sign in - Probity");
    b.check_accessibility("sign-in").await;

    b.fill("#username", "oversight.investigator").await;
    b.fill("#password", "not the password").await;
    b.click("form[action='/sign-in'] button").await;
    b.wait_for_title("Error: Sign in - Probity").await;
    assert!(
        b.text(".govuk-error-summary")
            .await
            .contains("Enter a correct user name and password")
    );
    let kept: String = b
        .client
        .find(fantoccini::Locator::Css("#username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept, "oversight.investigator", "what was typed is kept");
    b.check_accessibility("sign-in, refused").await;
    b.screenshot("sign-in-refused").await;

    b.sign_in("oversight.investigator").await;
    assert_eq!(b.path().await, "/work");
    assert_eq!(b.title().await, "My work - Probity");
    b.check_accessibility("my work").await;
    b.screenshot("my-work").await;
    let table = b.text("table").await;
    assert!(
        table.contains("SYN/"),
        "the demo's cases are on the list: {table}"
    );

    b.visit("/cases", "cases").await;
    assert!(b.text("main").await.contains("2020/134541"));
    // With JavaScript, a filter updates the list in place (the page is not loaded again); a
    // bad one comes back as a whole page with its error.
    b.client
        .execute("window.probityMarker = 'kept'", vec![])
        .await
        .unwrap();
    b.fill("#reference", "2020/13").await;
    b.press(fantoccini::key::Key::Tab).await;
    b.wait_for_path(
        "/cases?reference=2020%2F13&force=&status=&received_from=&received_to=&category=&mode=&restricted=",
    )
    .await;
    let kept = b
        .client
        .execute("return window.probityMarker || 'reloaded'", vec![])
        .await
        .unwrap();
    assert_eq!(kept, "kept", "the list was updated in place");
    assert!(
        b.text("#results")
            .await
            .contains("1 case you may see matches")
    );
    b.fill("#received_from", "31/02/2020").await;
    b.press(fantoccini::key::Key::Tab).await;
    b.wait_for_title("Error: Cases - Probity").await;
    assert!(
        b.text(".govuk-error-summary")
            .await
            .contains("must be a real date")
    );
    b.goto("/cases").await;
    b.click("a[href='/cases/2020%2F134541']").await;
    b.wait_for_path("/cases/2020%2F134541").await;
    assert_eq!(
        b.title().await,
        "Case file - Probity",
        "no personal data in the title"
    );
    let main = b.text("main").await;
    for part in [
        "Summary",
        "Allegations and findings",
        "Deadlines",
        "Timeline",
    ] {
        assert!(main.contains(part), "{part} missing from the case file");
    }
    b.check_accessibility("case file").await;
    b.screenshot("case-file").await;

    // A decision on one of my open cases, while someone else records one on it: the form says
    // what changed and keeps what was typed; sent again, it is recorded.
    b.goto("/work").await;
    let first = b
        .client
        .find(fantoccini::Locator::Css("table a[href^='/cases/']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    b.goto(&first).await;
    b.click("a[href$='/decisions/new']").await;
    b.wait_for_title("Record a decision - Probity").await;
    b.check_accessibility("record a decision").await;
    b.fill("#decision", "Ask the force for the call recording")
        .await;
    b.fill("#rationale", "It shows what the officers were told.")
        .await;
    let elsewhere = b
        .console(
            "another.investigator",
            probity_domain::access::StaffRole::Investigator,
        )
        .await;
    let reference =
        probity_domain::Reference::parse(&first.trim_start_matches("/cases/").replace("%2F", "/"))
            .unwrap();
    let meanwhile = probity_domain::Command::LogDecision(probity_domain::command::LogDecision {
        decision: "Interview the call handler".into(),
        rationale: "First account of the call.".into(),
        acted: true,
    });
    elsewhere
        .run_on(&reference, &meanwhile, None, None)
        .await
        .unwrap();
    b.click("form[action$='/decisions'] button").await;
    b.wait_for_title("Record a decision - Probity").await;
    let banner = b.text(".govuk-notification-banner").await;
    assert!(
        banner.contains("The case changed after you opened this form"),
        "{banner}"
    );
    assert!(banner.contains("Interview the call handler"), "{banner}");
    b.check_accessibility("record a decision, stale").await;
    b.screenshot("decision-stale").await;
    b.click("form[action$='/decisions'] button").await;
    b.wait_for_path(&first).await;
    assert!(
        b.text("#timeline ~ .moj-timeline")
            .await
            .contains("Ask the force for the call recording")
    );

    // The progress update due on that case: previewed in the page, then sent.
    b.click("a[href*='/letters/new?kind=progress_update']")
        .await;
    b.wait_for_title("Letter - Probity").await;
    b.check_accessibility("letter").await;
    b.screenshot("letter").await;
    b.click("button[value='send']").await;
    b.wait_for_path(&first).await;

    b.click("form[action='/sign-out'] button").await;
    b.wait_for_path("/sign-in?ended=true").await;
    b.goto("/work").await;
    assert_eq!(b.path().await, "/sign-in", "signed out means signed out");

    // The auditor finds those reads in the audit trail, newest first.
    b.sign_in("oversight.auditor").await;
    b.visit(
        "/audit?actor=oversight.investigator&action=case.read",
        "audit",
    )
    .await;
    let rows = b.text("table").await;
    assert!(rows.contains("case.read on 2020/134541"), "{rows}");
    b.sign_out().await;

    // The analyst counts: the figures, each chart drawn in the page with its table.
    b.sign_in("oversight.analyst").await;
    b.visit("/statistics", "statistics").await;
    let page = b.text("main").await;
    assert!(
        page.contains("Allegations by finding: the figures")
            && page.contains("Download this chart as SVG"),
        "{page}"
    );
    b.close().await;
}

/// Sign in with the keyboard alone: the skip link comes first, the fields and the button follow
/// in order, and Enter sends the form. And the checker itself can fail: a picture without a
/// text alternative is a critical violation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_works_from_the_keyboard_alone_and_axe_catches_what_it_should() {
    use fantoccini::key::Key;
    let Some(b) = driver::start().await else {
        return;
    };
    b.goto("/sign-in").await;
    b.press(Key::Tab).await;
    assert_eq!(b.focused().await, "a Skip to main content");
    let mut order = Vec::new();
    for _ in 0..4 {
        b.press(Key::Tab).await;
        order.push(b.focused().await);
    }
    assert_eq!(
        order,
        ["a Probity", "#username", "#password", "button Sign in"]
    );
    // Back to the user name, type, and send with Enter.
    b.client
        .find(fantoccini::Locator::Css("#username"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.type_here("oversight.assessor").await;
    b.press(Key::Tab).await;
    b.type_here(b.accounts.password("oversight.assessor")).await;
    b.press(Key::Enter).await;
    b.wait_for_path("/work").await;
    assert_eq!(b.title().await, "My work - Probity");

    // Intake: a day in the future is refused by its rule, on its field, and nothing typed is
    // lost; corrected, the matter is logged and its case file opens.
    b.visit("/cases/new", "intake").await;
    b.click("#kind-complaint").await;
    b.fill("#reference", "GL/0042/26").await;
    b.client
        .find(fantoccini::Locator::Css(
            "#force option[value='gloucestershire']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.fill("#received_on-day", "6").await;
    b.fill("#received_on-month", "4").await;
    b.fill("#received_on-year", "2999").await;
    b.fill("#summary", "A complaint about how a call was handled.")
        .await;
    b.click("form[action='/cases/new'] button").await;
    b.wait_for_title("Error: Log a new matter - Probity").await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(
        summary.contains("The date is impossible for this case"),
        "{summary}"
    );
    assert!(
        summary.contains("the record must be true to the facts"),
        "{summary}"
    );
    b.check_accessibility("intake, refused").await;
    b.screenshot("intake-refused").await;
    b.click(".govuk-error-summary a").await;
    assert_eq!(
        b.focused().await,
        "#received_on-day",
        "the summary's link leads to the field"
    );
    b.fill("#received_on-year", "2026").await;
    b.click("form[action='/cases/new'] button").await;
    b.wait_for_path("/cases/GL%2F0042%2F26").await;
    assert!(
        b.text("main")
            .await
            .contains("A complaint about how a call was handled.")
    );

    // The force records it: the recording questions, the criteria they bring in and why.
    let admin = b
        .console(
            "browser-test",
            probity_domain::access::StaffRole::Administrator,
        )
        .await;
    let glos = probity_domain::force::Force::parse("gloucestershire").unwrap();
    admin
        .add_user(probity_app::NewUser {
            username: "glos.assessor".into(),
            role: probity_domain::access::StaffRole::Assessor,
            body: probity_domain::access::default_body(Some(glos)),
            force: Some(glos),
            password: "a long enough password".into(),
        })
        .await
        .unwrap();
    b.sign_out().await;
    b.goto("/sign-in").await;
    b.fill("#username", "glos.assessor").await;
    b.fill("#password", "a long enough password").await;
    b.click("form[action='/sign-in'] button").await;
    b.wait_for_path("/work").await;
    b.goto("/cases/GL%2F0042%2F26").await;
    b.click("a[href='/cases/GL%2F0042%2F26/record']").await;
    b.wait_for_title("Record the matter - Probity").await;
    b.click("#serious_assault").await;
    b.click("form[method='get'] button").await;
    b.wait_for_path("/cases/GL%2F0042%2F26/record?check=true&serious_assault=true")
        .await;
    assert!(b.text("#criteria ~ dl").await.contains("Serious assault"));
    b.check_accessibility("record the matter").await;
    b.screenshot("record").await;
    b.click("form[method='post'][action$='/record'] button")
        .await;
    b.wait_for_path("/cases/GL%2F0042%2F26").await;

    b.client
        .execute(
            "document.querySelector('main').appendChild(document.createElement('img'))",
            vec![],
        )
        .await
        .unwrap();
    let found = b.violations().await;
    assert!(
        found.iter().any(|v| v.contains("image-alt")),
        "axe-core finds the picture without alt text: {found:?}"
    );
    b.close().await;
}

/// The decision maker assesses severity with the subject's other cases beside the form; the
/// page passes axe-core, and a choice the rules refuse is shown on its field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_maker_assesses_severity_with_the_subjects_history_beside_it() {
    use probity_domain::{Command, Reference, scenario};
    let Some(b) = driver::start().await else {
        return;
    };
    // The demo holds the reference case; a second case names the same officers.
    let mut n = 0u8;
    let mut salt = move || {
        n = n.wrapping_add(1);
        [n; 16]
    };
    let admin = b
        .console(
            "browser-test",
            probity_domain::access::StaffRole::Administrator,
        )
        .await;
    let now = Reference::parse("2021/000001").unwrap();
    for s in scenario::reference_case(&mut salt)
        .into_iter()
        .filter(|s| s.refused_by.is_none())
        .take_while(|s| !matches!(s.command, Command::AssessSeverity(_)))
    {
        let mut command = s.command;
        if let Command::LogMatter(log) = &mut command {
            log.reference = now.clone();
        }
        admin
            .import(&[(now.clone(), command, s.context)])
            .await
            .unwrap();
    }
    b.sign_in("oversight.decision-maker").await;
    b.goto("/cases/2021%2F000001").await;
    b.click("a[href='/cases/2021%2F000001/severity/P2']").await;
    b.wait_for_title("Assess severity - Probity").await;
    let panel = b.text(".probity-history").await;
    assert!(panel.contains("2020/134541"), "{panel}");
    b.check_accessibility("assess severity").await;
    b.screenshot("assess-severity").await;
    b.click("#severity-misconduct").await;
    b.click("#likely_form-hearing").await;
    b.fill(
        "#rationale",
        "Inappropriate messages to a vulnerable person.",
    )
    .await;
    b.click("form[action$='/severity/P2'] button").await;
    b.wait_for_title("Error: Assess severity - Probity").await;
    assert!(b.text(".govuk-error-summary").await.contains("PCR 2020"));
    b.check_accessibility("assess severity, refused").await;
    b.visit("/account/password", "change-password").await;

    // The administrator's pages.
    b.sign_out().await;
    b.sign_in("oversight.admin").await;
    assert_eq!(b.path().await, "/users");
    b.visit("/users", "users").await;
    assert!(b.text("table").await.contains("oversight.auditor"));
    // Disabling asks first, and keeping the account changes nothing.
    b.click("form[action='/users/disable']:has(input[value='oversight.analyst']) button")
        .await;
    b.wait_for_title("Disable an account - Probity").await;
    b.check_accessibility("disable an account").await;
    b.click("main a[href='/users']:not(.govuk-back-link)").await;
    b.wait_for_path("/users").await;
    assert!(!b.text("main").await.contains("is disabled"));
    b.close().await;
}

/// At 320 CSS pixels wide (a 1280-pixel window at 400% zoom, WCAG 2.2 1.4.10) nothing needs
/// scrolling sideways but a wide table, inside its own scrollable region.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_reflow_at_400_per_cent_zoom() {
    let Some(b) = driver::start().await else {
        return;
    };
    b.client.set_window_size(320, 900).await.unwrap();
    let mut wide = Vec::new();
    for (user, paths) in [
        (
            "oversight.decision-maker",
            &[
                "/work",
                "/cases",
                "/cases/2020%2F134541",
                "/cases/new",
                "/cases/2020%2F134541/decisions/new",
                "/cases/2020%2F134541/steps/restrict",
                "/account/password",
            ][..],
        ),
        ("oversight.auditor", &["/audit"][..]),
        ("oversight.analyst", &["/statistics"][..]),
        ("oversight.admin", &["/users"][..]),
    ] {
        b.sign_in(user).await;
        for path in paths {
            b.goto(path).await;
            let overflow = b
                .client
                .execute(
                    "const d = document.documentElement;
                     const out = [];
                     for (const e of document.querySelectorAll('body *')) {
                       if (e.closest('.probity-scroll')) continue;
                       const r = e.getBoundingClientRect();
                       if (r.right > d.clientWidth + 1 && r.width > 0)
                         out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className);
                     }
                     return [d.scrollWidth - d.clientWidth, out.slice(0, 5)];",
                    vec![],
                )
                .await
                .unwrap();
            if overflow[0].as_i64() != Some(0) {
                wide.push(format!("{path}: {overflow}"));
            }
            b.check_accessibility(&format!("{path} at 320px")).await;
            b.screenshot(&format!("reflow{}", path.replace(['/', '%'], "-")))
                .await;
        }
        b.sign_out().await;
    }
    assert!(
        wide.is_empty(),
        "wider than the window at 320px:\n{}",
        wide.join("\n")
    );
    b.close().await;
}
