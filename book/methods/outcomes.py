"""The trust-level outcome models under their earlier module name.

They now live in :mod:`~book.methods.cross_section` (the main trust model, slopes by group, correlations,
the high-versus-medium contrast), :mod:`~book.methods.multilevel`, :mod:`~book.methods.ordinal`,
:mod:`~book.methods.counts`, :mod:`~book.methods.panel` and :mod:`~book.methods.growth`, with the shared
checks in :mod:`~book.methods.fits`; this module only names them, so that imports of
``book.methods.outcomes`` keep working.
"""
from __future__ import annotations

from .counts import fit_counts  # noqa: F401
from .cross_section import correlation_table, fit_trust_model, group_slopes, high_vs_medium  # noqa: F401
from .fits import fit_problem, tidy  # noqa: F401
from .growth import fit_growth, growth_fit_indices, growth_model_spec, growth_problem, tidy_growth  # noqa: F401
from .multilevel import contextual_test, fit_multilevel, icc, icc_interval  # noqa: F401
from .ordinal import fit_ordinal, proportional_odds_check  # noqa: F401
from .panel import mundlak_test, panel_models, tidy_panel  # noqa: F401
