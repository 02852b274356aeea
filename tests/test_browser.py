"""The built site in headless Chromium: formulas typeset, figures loaded, no console errors.

Uses Debian's chromium and chromedriver (installed here with apt-get when missing and
possible; otherwise the test is skipped and says why). Screenshots of every page are
kept in test-artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from scalinglaws import laws

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _ensure_chromium() -> str | None:
    """None when Chromium and its driver are there (installing them if we can), else why not."""
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return None
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "Chromium is not installed and apt-get (as root) is not available to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"]):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
        if result.returncode != 0:
            return f"could not install Chromium: {' '.join(command)} said {result.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _ensure_chromium()
    if reason:
        print(f"SKIPPED browser test: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,2200"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def served(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _wait(driver, script: str, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.25)
    return driver.execute_script(script)


def _typeset(driver) -> None:
    """Wait until MathJax has loaded and typeset the page (pages without formulas too)."""
    assert _wait(driver, "return !!(window.MathJax && window.MathJax.startup && window.MathJax.startup.promise)")
    driver.set_script_timeout(60)
    driver.execute_async_script("const done = arguments[0]; MathJax.startup.promise.then(() => done(true));")


def _pages() -> list[tuple[str, str, int]]:
    """(name, path, how many figures the page must at least show): every page of the site."""
    pages = [("home", "/index.html", 0), ("results", "/laws/index.html", 1)]
    pages += [(m, f"/laws/{m}.html", 3) for m in laws.available()]
    pages += [(name, f"/{name}.html", 0) for name in ("usage", "method", "adding", "citing", "api")]
    return pages


PAGES = _pages()
WIDTHS = (1280, 390)

# Every table wider than its box must be scrollable (or inside a box that scrolls), never clipped.
CLIPPED_TABLES = """
const content = document.querySelector('.md-content').getBoundingClientRect();
const clipped = [];
for (const table of document.querySelectorAll('.md-content table')) {
  if (table.getBoundingClientRect().right <= content.right + 2) continue;  // it fits
  let node = table, scrolls = false;
  while (node && !node.classList.contains('md-content')) {
    if (['auto', 'scroll'].includes(getComputedStyle(node).overflowX)) { scrolls = true; break; }
    node = node.parentElement;
  }
  if (!scrolls) clipped.push(table.outerHTML.slice(0, 80));
}
return clipped;
"""

# Formulas at the size of the text around them, and drawn (not collapsed to nothing).
SMALL_FORMULAS = """
const small = [];
for (const math of document.querySelectorAll('.md-content mjx-container')) {
  const size = parseFloat(getComputedStyle(math).fontSize);
  const around = parseFloat(getComputedStyle(math.parentElement).fontSize);
  const drawn = math.querySelector('svg');
  if (size < 0.9 * around || (drawn && drawn.getBoundingClientRect().width < 2)) small.push(math.outerHTML.slice(0, 60));
}
return small;
"""

# Figures shown at their own size at a laptop width (their smallest text is 9 pt there).
SHRUNK_FIGURES = """
return Array.from(document.querySelectorAll('.jp-RenderedImage img, .jupyter-wrapper img'))
  .filter(i => i.naturalWidth > 0 && i.getBoundingClientRect().width < 0.95 * i.naturalWidth)
  .map(i => [i.naturalWidth, Math.round(i.getBoundingClientRect().width)]);
"""

# A formula or code block wider than its box says that it scrolls: it scrolls (overflow-x auto
# or scroll, on it or a box around it) and draws the shadow of extra.css on the hidden side.
SILENT_SCROLLS = """
const boxes = document.querySelectorAll(
  '.md-content div.arithmatex, .md-content mjx-container[display="true"], .md-content pre > code, ' +
  '.md-content .jupyter-wrapper .highlight pre, ' +
  '.md-content .jp-OutputArea-output pre, .md-content .law-card__scroll, .md-content .md-typeset__scrollwrap');
const silent = [];
for (const box of boxes) {
  const style = getComputedStyle(box);
  if (box.scrollWidth <= box.clientWidth + 1 || style.overflowX === 'visible') continue;  // fits, or a box around it scrolls
  const scrolls = ['auto', 'scroll'].includes(style.overflowX);
  const shadow = style.backgroundImage.includes('radial-gradient');
  if (!scrolls || !shadow) silent.push(box.outerHTML.slice(0, 80));
}
return silent;
"""

CARD_BEFORE_CODE = """
const card = document.getElementById('law-card');
const code = document.querySelector('.jp-CodeCell .jp-InputArea, .jp-Cell .highlight');
if (!card) return 'no card';
if (code && !(card.compareDocumentPosition(code) & Node.DOCUMENT_POSITION_FOLLOWING)) return 'code before the card';
return 'ok';
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name, path, min_figures", PAGES, ids=[p[0] for p in PAGES])
def test_page_renders(browser, served, name, path, min_figures, width):
    browser.set_window_size(width, 2200)
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(served + path)
    assert _wait(browser, "return document.readyState === 'complete'")
    _typeset(browser)
    typeset = browser.execute_script("return document.querySelectorAll('mjx-container').length")
    _wait(browser, "return Array.from(document.images).every(i => i.complete)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}-{width}.png"))
    if name not in ("adding", "citing", "usage"):
        assert typeset, f"{name}: no formula was typeset by MathJax"
    assert not browser.execute_script("return document.querySelectorAll('mjx-merror').length"), "a formula failed"
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.currentSrc.slice(0, 60), i.complete && i.naturalWidth > 0])"
    )
    broken = [src for src, ok in images if not ok]
    assert not broken, f"{name}: figures that did not load: {broken}"
    assert len(images) >= min_figures, f"{name}: expected {min_figures}+ figures, found {len(images)}"
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"{name}: console errors: {errors}"
    assert not browser.execute_script(CLIPPED_TABLES), f"{name} at {width} px: a table is clipped"
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} at {width} px: the page scrolls sideways by {overflow} px"
    assert not browser.execute_script(SMALL_FORMULAS), f"{name}: formulas smaller than the text"
    silent = browser.execute_script(SILENT_SCROLLS)
    assert not silent, f"{name} at {width} px: boxes that scroll without a sign of it: {silent}"
    if width == 1280:
        assert not browser.execute_script(SHRUNK_FIGURES), f"{name}: figures shrunk below their size"
    if name in laws.available():
        assert browser.execute_script(CARD_BEFORE_CODE) == "ok", f"{name}: the summary card must come before any code"


def test_the_site_works_opened_from_disk(browser, built_site):
    browser.set_window_size(1280, 1200)
    browser.get((built_site / "index.html").as_uri())
    link = browser.execute_script(
        "return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))"
        ".find(h => h && h.startsWith('laws/') && h.endsWith('.html') && h !== 'laws/index.html'"
        " && h !== 'laws/validation.html')"
    )
    assert link, "the home page links to the law pages as files"
    browser.get((built_site / link).as_uri())
    assert _wait(browser, "return document.getElementById('law-card') !== null")


SEARCH_BOX = "return Array.from(document.querySelectorAll('.md-search__input')).some(e => e.offsetWidth > 0)"


@pytest.mark.parametrize("page", ["index.html", "laws/moe.html"])
def test_search_works_opened_from_disk(browser, built_site, page):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 1200)
    browser.get_log("browser")
    browser.get((built_site / page).as_uri())
    assert _wait(browser, "return document.readyState === 'complete'")
    assert _wait(browser, SEARCH_BOX), f"{page}: no search box at 1280 px opened from disk"
    browser.find_element(By.CSS_SELECTOR, ".md-search__input").send_keys("chinchilla")
    found = _wait(browser, "return document.querySelectorAll('.md-search-result__item').length", seconds=20)
    assert found, f"{page}: search from disk found nothing for 'chinchilla'"
    first = browser.execute_script("return document.querySelector('.md-search-result__item a').getAttribute('href')")
    assert first and not first.startswith("/"), first
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"{page}: console errors opened from disk: {errors}"


def test_the_404_page_is_styled_opened_from_disk(browser, built_site):
    browser.set_window_size(1280, 900)
    browser.get((built_site / "404.html").as_uri())
    assert _wait(browser, "return document.readyState === 'complete'")
    header = browser.execute_script(
        "const h = document.querySelector('.md-header'); return h ? [getComputedStyle(h).position, h.offsetHeight] : null")
    assert header and header[0] in ("sticky", "fixed") and header[1] > 20, header
    link = browser.execute_script("return document.querySelector('.md-nav__link[href$=\"index.html\"]').href")
    assert link.startswith((built_site).as_uri()), link
