//! The dashboard in a real browser: headless Chromium, driven over the DevTools protocol,
//! goes through the whole flow a learner follows — fill the form, start, watch the statistics
//! table fill and a chart draw, edit the user count, stop, read the explanation, download the
//! HTML report — and leaves screenshots in `target/` for people to look at.
//!
//! Chromium comes from `LOADLAB_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH.
//! Without one the test says so loudly and passes, unless `LOADLAB_REQUIRE_CHROMIUM=1` (CI),
//! where a missing browser fails it (see `web_support/browser.rs`).

use crate::browser;
use crate::web_support;

use std::time::Duration;

use browser::{Browser, Page};
use serde_json::json;
use web_support::PATIENCE;

/// The page's form filled as a learner would, then Start pressed.
const FILL_AND_START: &str = r#"(() => {
  const set = (id, value) => { const input = document.getElementById(id);
    input.value = value; input.dispatchEvent(new Event('input', { bubbles: true })); };
  set('f-users', '4'); set('f-spawn', '4'); set('f-host', ''); set('f-time', '');
  for (const box of document.querySelectorAll('#f-classes input[data-class]')) box.checked = box.value === 'TodoUser';
  document.getElementById('btn-start').click();
  return true;
})()"#;

/// Pixels of the RPS line's colour on the RPS chart: the line is really drawn.
const RPS_PIXELS: &str = r#"(() => {
  const canvas = document.getElementById('chart-rps');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let hits = 0;
  for (let i = 0; i < data.length; i += 4)
    if (Math.abs(data[i] - 31) < 30 && Math.abs(data[i + 1] - 157) < 30 && Math.abs(data[i + 2] - 107) < 30 && data[i + 3] > 200) hits++;
  return hits;
})()"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_learner_runs_a_test_from_the_dashboard_in_chromium() {
    let Some(chromium) = browser::chromium_or_skip() else { return };
    let server = web_support::dashboard().await;
    let browser = Browser::launch(&chromium);
    let mut page = Page::open(&browser).await;
    let downloads = tempfile::tempdir().unwrap();
    page.call("Page.enable", json!({})).await;
    page.call(
        "Page.setDownloadBehavior",
        json!({ "behavior": "allow", "downloadPath": downloads.path().to_string_lossy() }),
    )
    .await;
    page.call("Page.navigate", json!({ "url": server.url() })).await;
    page.wait_for("the form with the classes", "document.querySelectorAll('#f-classes input[data-class]').length > 0 && !document.getElementById('start').hidden").await;
    page.screenshot("web-dashboard-form.png").await;

    // A bad value first: the page says what is wrong, in Korean, and nothing starts.
    page.eval(
        "document.getElementById('f-users').value = '-3'; document.getElementById('btn-start').click(); true",
    )
    .await;
    page.wait_for(
        "the form's error",
        "document.getElementById('form-error').textContent.includes('사용자 수')",
    )
    .await;
    assert_eq!(server.dashboard().phase(), loadlab::web::Phase::Idle);

    page.eval(FILL_AND_START).await;
    page.wait_for("running", "document.body.dataset.phase === 'running'").await;
    page.wait_for("the statistics table fills", "document.querySelectorAll('#stats-table tbody tr').length >= 3 && document.querySelector('#stats-table tfoot td') !== null").await;
    let aggregated = page.eval("document.querySelector('#stats-table tfoot').textContent").await;
    assert!(aggregated.as_str().unwrap().contains("전체"), "{aggregated}");
    page.screenshot("web-dashboard-stats.png").await;

    // Sorting by request count puts the busiest name first.
    page.eval("document.querySelector('#stats-table th[data-key=num_requests]').click(); true").await;
    let counts = page
        .eval("[...document.querySelectorAll('#stats-table tbody tr td:nth-child(3)')].map(td => Number(td.textContent.replace(/,/g, '')))")
        .await;
    let counts: Vec<f64> = serde_json::from_value(counts).unwrap();
    assert!(counts.windows(2).all(|pair| pair[0] >= pair[1]), "sorted by request count: {counts:?}");

    page.eval("document.querySelector('#tabs button[data-tab=charts]').click(); true").await;
    page.wait_for("a chart with points", "Number(document.getElementById('chart-rps').dataset.points) >= 6")
        .await;
    let pixels = page.eval(RPS_PIXELS).await.as_u64().unwrap();
    assert!(pixels > 20, "the RPS line is drawn: {pixels} pixels of its colour");

    page.eval("document.getElementById('btn-edit').click(); document.getElementById('e-users').value = '6'; document.getElementById('e-spawn').value = '50'; document.querySelector('#edit-form button[type=submit]').click(); true").await;
    page.wait_for("six users", "document.getElementById('top-users').textContent === '6명'").await;
    page.screenshot("web-dashboard-charts.png").await;

    page.eval("document.querySelector('#tabs button[data-tab=lab]').click(); true").await;
    page.wait_for("the lab switches", "document.querySelectorAll('#lab-switches input').length === 8").await;
    page.eval("document.querySelector('#lab-switches input[data-lab=\"slow-endpoint\"]').click(); true")
        .await;
    page.wait_for("slow-endpoint on", "document.querySelector('#lab-switches input[data-lab=\"slow-endpoint\"]').closest('.switch').classList.contains('on')").await;
    page.screenshot("web-dashboard-lab.png").await;

    page.eval("document.getElementById('btn-stop').click(); true").await;
    page.wait_for("the explanation", "document.body.dataset.phase === 'finished' && document.querySelector('#explain .verdict') !== null && !document.getElementById('tab-explain').hidden").await;
    let verdict = page.eval("document.querySelector('#explain .verdict').textContent").await;
    assert!(verdict.as_str().unwrap().chars().any(|c| ('가'..='힣').contains(&c)), "{verdict}");
    page.screenshot("web-dashboard-explain.png").await;

    page.eval("document.querySelector('#tabs button[data-tab=downloads]').click(); document.querySelector('#downloads a[download=\"report.html\"]').click(); true").await;
    let report = downloads.path().join("report.html");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let html = loop {
        if let Ok(text) = std::fs::read_to_string(&report)
            && text.contains("</html>")
        {
            break text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the HTML report never arrived in {}",
            downloads.path().display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(html.contains("<html"), "a whole HTML report");
    drop(page);
    drop(browser);
    server.shutdown().await;
}
