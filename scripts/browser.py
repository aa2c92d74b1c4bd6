"""Headless Chromium with the network off, for the checks of the built book (`make check-pages`, `make pdf`).

The browser is the system's Chromium (Debian's `chromium` package, or the program named by ``$CHROMIUM``),
driven by Playwright; Playwright's own browser download is never used. Every page opens from disk; any
request that would leave the machine is refused and recorded, so a page that needs the network fails.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.sync_api import sync_playwright

#: Chromium's own background traffic (updates, sync, QUIC probes) would count as the page's requests.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

#: How long a page may take to load, or a screenshot to be taken, before the check gives up (Playwright's
#: default is 30 s). The single page of the whole book (about 10 MB of HTML) takes about 20 s to load on an
#: idle two-core machine and has taken over 30 s beside the platform check; this limit is a guard against a
#: hang, not a measure of speed.
TIMEOUT_S = 300

#: The page is ready when MathJax has typeset it, its fonts are in, and every itables table is drawn.
READY = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  const start = Date.now();
  while (document.querySelector('table.display:not(.dataTable)') && Date.now() - start < 10000)
    await new Promise(r => setTimeout(r, 50));
}"""


def chromium() -> str:
    """The Chromium program: ``$CHROMIUM``, else the first of chromium, chromium-browser, google-chrome on PATH."""
    found = os.environ.get("CHROMIUM") or next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if not found:
        raise SystemExit("Chromium is needed: install it (Debian: apt-get install chromium) or set CHROMIUM")
    return found


@contextmanager
def launch():
    """A headless Chromium (each launch has a fresh profile)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Problems:
    """What went wrong while a page loaded: console errors, script errors, failed and external requests."""

    console: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console] + [f"script error: {m}" for m in self.scripts]
                + [f"request failed: {m}" for m in self.failed] + [f"needs the network: {m}" for m in self.external])


def offline_page(browser, **context_options):
    """A new page in its own offline context, and the :class:`Problems` it records as it loads pages."""
    context = browser.new_context(offline=True, **context_options)
    context.set_default_timeout(TIMEOUT_S * 1000)
    problems = Problems()

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            problems.external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.console.append(m.text[:300]))
    page.on("pageerror", lambda e: problems.scripts.append(str(e)[:300]))
    page.on("requestfailed", lambda r: r.url.startswith("file:") and problems.failed.append(
        f"{r.url} ({r.failure})"))
    return page, problems


def open_ready(page, url: str) -> None:
    """Open ``url`` and wait until the page is ready (see :data:`READY`)."""
    page.goto(url, wait_until="load")
    page.evaluate(READY)
