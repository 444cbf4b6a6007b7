//! The public portal in a real browser: every kind of page checked with axe-core, searched and
//! filtered with the keyboard alone, and reflowed at 320 CSS pixels.

use crate::driver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_searches_filters_and_reads_with_the_keyboard_alone() {
    let Some(b) = driver::start().await else {
        return;
    };
    b.visit_public("/", "portal-home").await;
    assert_eq!(
        b.title().await,
        "Published investigations and learning - Probity public portal"
    );
    // Tab from the top: the skip link first, then the service name.
    b.press(fantoccini::key::Key::Tab).await;
    assert!(
        b.focused().await.contains("Skip to main content"),
        "{}",
        b.focused().await
    );
    // Search with the keyboard: type in the box, press Enter.
    b.client
        .find(fantoccini::Locator::Css("#q"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.type_here("informant").await;
    b.press(fantoccini::key::Key::Enter).await;
    b.wait_for_title("Search published investigations and learning - Probity public portal")
        .await;
    b.check_accessibility("portal search").await;
    b.screenshot("portal-search").await;
    let main = b.text("main").await;
    assert!(main.contains("1 result for informant"), "{main}");
    assert!(
        b.client
            .find(fantoccini::Locator::Css("mark"))
            .await
            .is_ok(),
        "the word is marked"
    );
    // A facet narrows the results and says it is selected.
    b.click(".portal-facets a[href*='force=gloucestershire']")
        .await;
    b.wait_for_path("/search?q=informant&force=gloucestershire")
        .await;
    assert!(
        b.text("main")
            .await
            .contains("Force: Gloucestershire Constabulary")
    );
    b.check_accessibility("portal search, filtered").await;
    b.click("a[href='/investigations/2020-134541']").await;
    b.wait_for_path("/investigations/2020-134541").await;
    b.check_accessibility("portal item").await;
    b.screenshot("portal-item").await;
    b.visit_public("/recommendations", "portal-register").await;
    b.visit_public("/data", "portal-data").await;
    b.visit_public("/search?page=0", "portal-bad-page").await;
    assert!(b.text("main").await.contains("not a page number"));
    b.visit_public("/investigations/1999-000001", "portal-not-found")
        .await;
    assert_eq!(b.title().await, "Page not found - Probity public portal");

    b.client.set_window_size(320, 900).await.unwrap();
    let mut wide = Vec::new();
    for path in [
        "/",
        "/search?q=informant",
        "/investigations/2020-134541",
        "/recommendations",
        "/data",
    ] {
        b.visit_public(
            path,
            &format!("portal-reflow{}", path.replace(['/', '?', '='], "-")),
        )
        .await;
        let overflow = b
            .client
            .execute(
                "const d = document.documentElement; return d.scrollWidth - d.clientWidth;",
                vec![],
            )
            .await
            .unwrap();
        if overflow.as_i64() != Some(0) {
            wide.push(format!("{path}: {overflow}"));
        }
    }
    assert!(wide.is_empty(), "wider than the window at 320px: {wide:?}");
    b.close().await;
}
