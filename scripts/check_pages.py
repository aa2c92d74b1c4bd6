"""Every page of the built HTML book, opened in headless Chromium with the network off: `make check-pages`.

A page passes when it loads with no console error, no script error and no failed request, needs nothing
from the network, has its mathematics typeset by MathJax (no raw TeX left), every image loaded, no table
wider than its container unless that container scrolls (at a desktop and a phone width), every link
within the book leading to a file that exists, and launch and repository buttons exactly when
``repository.url`` is set in ``_config.yml``. Screenshots of each page are saved in ``_build/screenshots/``
for a person to look at: ``NAME.png`` (the first screen) and ``NAME-full.jpeg`` (the whole page).

Prints one line per page and closes with "N passed, N failed"; exit status 1 on any failure.

Usage: python scripts/check_pages.py [--html _build/html] [--shots _build/screenshots]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from browser import launch, offline_page, open_ready

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {"desktop": 1280, "phone": 412}

#: What the page shows, measured in the browser. Tables are checked where the theme lays them out
#: (the article); a table in a collapsed block is not laid out and is skipped until it is opened.
INSPECT = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const texts = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {acceptNode: n =>
    n.parentElement.closest('pre, code, script, style, mjx-container, .highlight, textarea')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  while (walker.nextNode()) texts.push(walker.currentNode.nodeValue);
  const text = texts.join(' ');
  const math = [...document.querySelectorAll('.math')];
  return {
    math: math.length,
    untypeset: math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60)),
    mathErrors: [...document.querySelectorAll('mjx-merror')].map(m => m.textContent.slice(0, 60)),
    rawTex: (text.match(/\\\\[(\\[]|\\\\begin\\{|\\$\\$/g) || []).length,
    images: document.images.length,
    brokenImages: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
      .map(i => i.getAttribute('src')),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    buttons: [...document.querySelectorAll('.article-header-buttons a[href^="http"]')].map(a => a.href),
  };
}"""

OVERFLOW = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const out = [];
  for (const table of article.querySelectorAll('table')) {
    if (!table.getClientRects().length) continue;
    const width = table.getBoundingClientRect().width;
    let verdict = null;
    for (let el = table.parentElement; el; el = el.parentElement) {
      const ox = getComputedStyle(el).overflowX;
      if (el.clientWidth + 1 < width) {
        if (ox === 'auto' || ox === 'scroll') { verdict = 'scrolls'; break; }
        if (ox === 'hidden' || ox === 'clip') { verdict = 'cut'; break; }
      }
      if (el === article) { verdict = el.clientWidth + 1 < width ? 'runs off the page' : 'fits'; break; }
    }
    if (verdict === 'cut' || verdict === 'runs off the page') {
      const name = table.id || (table.querySelector('caption, .gt_title') || {}).textContent || 'a table';
      out.push(`${name.trim().slice(0, 60)}: ${Math.round(width)} px, ${verdict}`);
    }
  }
  return {tables: article.querySelectorAll('table').length, overflow: out};
}"""


def repository() -> str:
    """``repository.url`` from ``_config.yml`` (empty when the book has no public repository)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return ((config.get("repository") or {}).get("url") or "").rstrip("/")


def _missing_links(links: list[str], html: Path) -> list[str]:
    missing = set()
    for link in links:
        parts = urlsplit(link)
        if parts.scheme == "file" and not Path(unquote(parts.path)).exists():
            missing.add(str(Path(unquote(parts.path)).relative_to(html.resolve())))
    return sorted(missing)


def _button_problems(buttons: list[str], repo: str, notebook: bool) -> list[str]:
    if not repo:
        return [f"a button leads to {b}, but no repository is set" for b in buttons]
    slug = urlsplit(repo).path.strip("/")
    wrong = [f"a button leads to {b}, not to the repository {repo}" for b in buttons if slug not in b]
    kinds = {"binder": "mybinder", "Colab": "colab"} if notebook else {}
    absent = [f"no {k} button" for k, host in kinds.items() if not any(host in b for b in buttons)]
    return wrong + absent + ([] if repo in buttons else ["no repository button"])


def check(page, problems, path: Path, html: Path, shots: Path, repo: str) -> tuple[list[str], str]:
    """The problems of one page (an empty list when it passes) and a summary; its screenshot saved."""
    redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', path.read_text())
    if redirect:  # Jupyter Book's index.html: nothing to render but the page it sends the reader to
        target = path.parent / redirect.group(1)
        return ([] if target.is_file() else [f"redirects to a missing page: {redirect.group(1)}"]), "redirect"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    open_ready(page, path.resolve().as_uri())
    seen = page.evaluate(INSPECT)
    out = problems.lines()
    out += [f"mathematics not typeset: {m!r}" for m in seen["untypeset"]]
    out += [f"MathJax error: {m!r}" for m in seen["mathErrors"]]
    out += [f"raw TeX in the text ({seen['rawTex']} places)"] if seen["rawTex"] else []
    out += [f"image not loaded: {src}" for src in seen["brokenImages"]]
    out += [f"link to a missing file: {m}" for m in _missing_links(seen["links"], html)]
    notebook = (html / "_sources" / path.relative_to(html).with_suffix(".ipynb")).exists()
    out += _button_problems(seen["buttons"], repo, notebook)
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        out += [f"{name} width: {t}" for t in page.evaluate(OVERFLOW)["overflow"]]
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    shot = shots / path.relative_to(html).with_suffix("")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{shot}.png")  # the first screen, as a reader sees it
    page.screenshot(path=f"{shot}-full.jpeg", full_page=True, quality=80)  # JPEG: a long page as PNG is slow
    summary = f"{seen['math']} maths, {seen['images']} images"
    return out, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--shots", type=Path, default=ROOT / "_build" / "screenshots")
    args = parser.parse_args()
    pages = sorted(p for p in args.html.rglob("*.html") if not p.relative_to(args.html).parts[0].startswith("_"))
    if not pages:
        raise SystemExit(f"no pages in {args.html}: build the book first (make book)")
    repo = repository()
    failed = 0
    start = time.perf_counter()
    with launch() as browser:
        for path in pages:
            page, problems = offline_page(browser)
            found, summary = check(page, problems, path, args.html, args.shots, repo)
            page.context.close()
            failed += bool(found)
            print(f"{'FAIL' if found else 'ok':<5}{path.relative_to(args.html)} ({summary})")
            for line in found:
                print(f"       {line}")
            sys.stdout.flush()
    print(f"screenshots in {args.shots}; {time.perf_counter() - start:.0f} s")
    print(f"{len(pages) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
