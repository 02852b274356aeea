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


# (name, path, how many figures the page must at least show)
PAGES = [("home", "/", 0), ("results", "/laws/", 1)] + [(m, f"/laws/{m}/", 3) for m in laws.available()]


@pytest.mark.parametrize("name, path, min_figures", PAGES, ids=[p[0] for p in PAGES])
def test_page_renders(browser, served, name, path, min_figures):
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(served + path)
    assert _wait(browser, "return document.readyState === 'complete'")
    typeset = _wait(browser, "return document.querySelectorAll('mjx-container').length")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
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
