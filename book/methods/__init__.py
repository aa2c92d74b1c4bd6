"""The reader-facing methods: each takes a reader's own tidy table and the names of its columns.

Import what you need from here (``from book.methods import count_trend``) or from its module
(``from book.methods.count_trends import count_trend``). A module is loaded only when one of its names
is first used, so a chapter that needs one method does not pay for importing them all.

Every function validates its input (``book.methods.validation``) and refuses bad input with a
``ValueError`` or ``KeyError`` naming the argument, column, value or row at fault; rows it leaves out are
counted in its result. A method never imports a chapter's module or a generator.
"""
from __future__ import annotations

import importlib

#: Public name -> the module of ``book.methods`` that defines it.
PUBLIC = {
    # paired change tables of units x periods x items (survey trends)
    "change_table": "trends", "period_summary": "trends", "trend_change": "trends", "stars": "trends",
    # reading significance markers backwards (survey trends)
    "implied_correlation": "markers", "correlation_range": "markers", "marker_correlation_table": "markers",
    "p_value_at": "markers", "sd_for_marker": "markers", "n_for_marker": "markers", "r13_range": "markers",
    "trend_change_at": "markers",
    # the paper's printed cells against recomputed ones
    "survey_table_comparison": "replication",
    # trust-level outcome models (engagement and outcomes)
    "fit_trust_model": "outcomes", "high_vs_medium": "outcomes", "correlation_table": "outcomes",
    "fit_multilevel": "outcomes", "icc_interval": "outcomes", "fit_ordinal": "outcomes", "fit_counts": "outcomes",
    "panel_models": "outcomes", "tidy_panel": "outcomes", "growth_model_spec": "outcomes", "fit_growth": "outcomes",
    "tidy_growth": "outcomes", "fit_problem": "outcomes", "growth_problem": "outcomes",
    # aggregating members' answers to teams (clinical teams)
    "scale_scores": "aggregation", "team_means": "aggregation", "rwg_j": "aggregation",
    "membership_agreement": "aggregation",
    # reliability: intraclass correlations
    "icc_anova": "reliability", "icc_absolute_agreement": "reliability",
    # agreement between coders and raters
    "cohen_kappa_by_code": "agreement", "krippendorff_alpha": "agreement", "weighted_kappa": "agreement",
    "fleiss_kappa": "agreement",
    # relative importance of correlated predictors
    "dominance_analysis": "relative_importance", "conditional_dominance": "relative_importance",
    "relative_weights": "relative_importance", "bootstrap_relative_weights": "relative_importance",
    "bootstrap_dominance": "relative_importance",
    # counts with exposure (trust boards)
    "count_trend": "count_trends", "exact_rate_ratio": "count_trends", "control_chart": "count_trends",
    "within_unit_rate_ratios": "count_trends", "period_rates": "count_trends", "check_counts": "count_trends",
    # qualitative analysis
    "code_frequencies": "qualitative", "code_cooccurrence": "qualitative", "saturation_curve": "qualitative",
    "stopping_by_order": "qualitative", "stopping_point": "qualitative", "likert_summary": "qualitative",
    "framework_matrix": "qualitative",
    # triangulating findings across kinds of evidence (synthesis)
    "evidence_kinds": "synthesis", "evidence_matrix": "synthesis", "evidence_counts": "synthesis",
    "convergence_summary": "synthesis", "recode": "synthesis", "convergence_coding": "synthesis",
}

__all__ = sorted(PUBLIC)


def __getattr__(name: str):
    if name in PUBLIC:
        return getattr(importlib.import_module(f"{__name__}.{PUBLIC[name]}"), name)
    try:
        return importlib.import_module(f"{__name__}.{name}")  # a module: book.methods.trends
    except ModuleNotFoundError:
        raise AttributeError(f"book.methods has no {name!r}") from None


def __dir__():
    return __all__
