//! The caseworkers' pages in a real browser: Debian's headless Chromium driven through
//! chromedriver, with axe-core run on every page visited (no serious or critical violation
//! passes). Without Chromium, chromedriver or axe-core these tests say so and pass, unless
//! `PROBITY_BROWSER_TESTS=1` (set by `.ci/run`) demands them.
//!
//! Screenshots of the pages visited are written to `target/tmp/screenshots/`.

mod driver;
mod portal;
mod reference;
mod walk;
