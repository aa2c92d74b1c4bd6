"""The book's HTML pages: buttons that lead somewhere, and the PDF of the whole book linked from each page.

- Binder, Colab and repository buttons appear only when ``repository.url`` is set in ``_config.yml``
  (the theme would otherwise fail on them, or point at a repository that is not there).
- One search box (the sidebar's).
- Each inline script once: Sphinx 7.4 adds those registered while reading twice (once as ``None``, once
  as ``""``), and a second ``const`` (sphinx-thebe's) is a script error in every page.
- The single-page build (for the PDF) draws every node the HTML build draws: Sphinx uses a builder's own
  node handlers *instead of* the HTML ones once any extension registers one for it (sphinx-exercise
  does, for singlehtml), and then fails on myst-nb's hidden cells.
  Its page loads a search index that only the HTML build writes: it gets an empty one.
- Once ``make pdf`` has written ``_build/pdf/book.pdf``, the HTML build copies it beside the pages and
  links it from every page's footer.
"""
from __future__ import annotations

import shutil
from pathlib import Path


def _pdf(app) -> Path:
    """Where ``make pdf`` writes the PDF: ``_build/pdf/book.pdf``, beside ``_build/html``."""
    return Path(app.outdir).parent / "pdf" / "book.pdf"


def _configure(app, config) -> None:
    options = config.html_theme_options
    # sphinx-book-theme keeps search in the sidebar; pydata-sphinx-theme 0.17 would add a second search box
    # in a header bar of its own unless this is set
    options.setdefault("navbar_persistent", [])
    if options.get("repository_url"):
        options["use_repository_button"] = True
    else:
        options.pop("launch_buttons", None)
    # a config value, so that pages are written again when a PDF appears or goes
    config.book_pdf = _pdf(app).is_file()


def _single_page_handlers(app) -> None:
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        for node, visitors in handlers.get("html", {}).items():
            handlers.setdefault("singlehtml", {}).setdefault(node, visitors)


def _page(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = list({(js.filename or "", js.attributes.get("body")): js
                                        for js in context["script_files"]}.values())
    if app.builder.name == "html" and app.config.book_pdf:
        link = f'<p class="book-pdf"><a href="{context["pathto"]("book.pdf", 1)}">The whole book as a PDF</a></p>'
        context["theme_extra_footer"] = context.get("theme_extra_footer", "") + link


def _finish(app, exception) -> None:
    if exception is not None:
        return
    if app.builder.name == "html" and app.config.book_pdf:
        shutil.copyfile(_pdf(app), Path(app.outdir) / "book.pdf")
    if app.builder.name == "singlehtml":  # the theme loads a search index on every page; this page has none
        (Path(app.outdir) / "searchindex.js").write_text("// The single-page book is printed, not searched.\n")


def setup(app):
    app.add_config_value("book_pdf", False, "html")
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _single_page_handlers)
    app.connect("html-page-context", _page)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
