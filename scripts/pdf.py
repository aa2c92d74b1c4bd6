"""The whole book as one PDF, printed by headless Chromium from the single-page build: `make pdf`.

Opens ``_build/singlehtml`` with the network off, shows what a reader would open by hand (every row of
every searchable table, every collapsed block), checks that nothing is wider than the printed page,
prints A4 with the book's print styles (``_static/book.css``), then checks the PDF: a bookmark for every
chapter, whose page's text (extracted, as a reader's software would) has the chapter's title. Writes ``_build/pdf/book.pdf``; the next HTML
build links it from every page (``_ext/book_pages.py``).

Usage: python scripts/pdf.py [--single _build/singlehtml] [--out _build/pdf/book.pdf]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from pathlib import Path

from pypdf import PdfReader

from browser import launch, offline_page, open_ready

ROOT = Path(__file__).resolve().parent.parent
#: A4 with 15 mm margins: the printed width, in CSS pixels (96 per inch), that every element must fit.
MARGIN_MM = 15
PAGE_WIDTH_PX = round((210 - 2 * MARGIN_MM) / 25.4 * 96)

#: Everything a reader would open by hand (every row of an itables table, every collapsed block); then
#: what the page does before it is printed: sphinx-togglebutton opens the exercise solutions, and
#: _static/book.js scales each table too wide for the page to fit it.
OPEN_ALL = """async () => {
  const key = Object.keys(window).find(k => k.startsWith('_itables_'));
  if (key) {
    const { jQuery: $ } = await window[key];
    $('table.dataTable').each((i, t) => $(t).DataTable().page.len(-1).draw());
  }
  document.querySelectorAll('details').forEach(d => d.open = true);
  window.dispatchEvent(new Event('beforeprint'));
}"""

#: What the printer would cut (the widest first): an element running off the paper, or content cut at the
#: edge of a box that does not show it all (on paper a scroll bar cuts too). MathJax's copy of each formula
#: for screen readers is invisible and may be wider than the formula; it is not what the printer shows.
TOO_WIDE = """(limit) => {
  const out = [];
  for (const el of (document.querySelector('article.bd-article') || document.body).querySelectorAll('*')) {
    if (!el.getClientRects().length || el.closest('mjx-assistive-mml')) continue;
    const right = el.getBoundingClientRect().right;
    const cut = getComputedStyle(el).overflowX !== 'visible' && el.clientWidth > 0
      && el.scrollWidth > el.clientWidth + 1 && !el.querySelector('mjx-assistive-mml');
    if (right > window.innerWidth + 1 || cut) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '');
      out.push([Math.round(cut ? el.scrollWidth : right), name, el.textContent.trim().slice(0, 50)]);
    }
  }
  out.sort((x, y) => y[0] - x[0]);
  return out.slice(0, limit);
}"""

#: Tables that book.js had to scale below 60% to fit the page: complete, but small print.
SHRUNK = """() => [...document.querySelectorAll('.bd-article table')].filter(t => t.style.zoom && +t.style.zoom < 0.6)
  .map(t => {
    const chapter = [...document.querySelectorAll('span[id^="document-"]')].filter(s =>
      s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
    const head = [...t.querySelectorAll('caption, .gt_title, th')].map(h => h.textContent.trim()).filter(Boolean);
    return [Math.round(100 * t.style.zoom), chapter ? chapter.id.replace('document-', '') : 'intro',
            head.slice(0, 3).join(' | ').slice(0, 60)];
  })"""

#: The book's title and each chapter's (the single page puts a chapter's title one level down, in an h2).
TITLES = """() => [...document.querySelectorAll('article > section > h1, span[id^="document-"] + section > h2')]
  .map(h => h.textContent.replace(/#$/, '').trim())"""

FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def _words(text: str) -> str:
    """Text as one run of lower-case letters and digits, so that the PDF's line breaks, hyphens and
    ligatures (ﬀ) do not matter."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def _bookmarks(reader) -> dict[str, int]:
    """The PDF's bookmarks (Chromium makes one for each heading): text (as :func:`_words`) -> page index."""
    found = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.setdefault(_words(item.title), reader.get_destination_page_number(item))

    walk(reader.outline)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single", type=Path, default=ROOT / "_build" / "singlehtml")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "book.pdf")
    args = parser.parse_args()
    written = args.single / "chapters" / "intro.html"
    if not written.is_file():
        raise SystemExit(f"{written} is missing: build the single page first "
                         "(jupyter-book build . --builder singlehtml)")
    # Sphinx names the single page after the root document (chapters/intro) but writes its links relative
    # to the build's root, so it is opened from there.
    source = args.single / "book.html"
    source.write_bytes(written.read_bytes())
    start = time.perf_counter()
    problems = []
    with launch() as browser:
        page, log = offline_page(browser, viewport={"width": PAGE_WIDTH_PX, "height": 1100})
        page.emulate_media(media="print")
        open_ready(page, source.resolve().as_uri())
        page.evaluate(OPEN_ALL)
        titles = page.evaluate(TITLES)
        problems += log.lines()
        problems += [f"cut at the edge of the page or of its box ({width} px): {name} {text!r}"
                     for width, name, text in page.evaluate(TOO_WIDE, 10)]
        shrunk = page.evaluate(SHRUNK)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(args.out), format="A4", print_background=True, outline=True, tagged=True,
                 margin={side: f"{MARGIN_MM}mm" for side in ("top", "bottom", "left", "right")},
                 display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)
    reader = PdfReader(args.out)
    bookmarks = _bookmarks(reader)
    for title in titles:
        page = bookmarks.get(_words(title))
        if page is None:
            problems.append(f"no bookmark in the PDF for the chapter {title!r}")
        elif _words(title) not in _words(reader.pages[page].extract_text() or ""):
            problems.append(f"the chapter title {title!r} is not in the text of page {page + 1}, its bookmark's")
    if len(reader.pages) <= len(titles):
        problems.append(f"only {len(reader.pages)} pages for {len(titles)} chapters")
    size = args.out.stat().st_size / 2**20
    print(f"{args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: {len(reader.pages)} "
          f"pages, {size:.1f} MB, {len(titles)} chapters, "
          f"{time.perf_counter() - start:.0f} s")
    for zoom, chapter, head in shrunk:
        print(f"  note: a table in {chapter} is printed at {zoom}% to fit the page: {head!r}")
    for line in problems:
        print(f"  {line}")
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
