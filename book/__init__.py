"""The book's own package: published figures, teaching-data generators and reusable analyses."""
__all__ = ["change_table", "period_summary"]


def __getattr__(name):
    # loaded on first use, so that importing one part of the package does not import the analyses
    if name in __all__:
        from .methods import trends

        return getattr(trends, name)
    raise AttributeError(f"module 'book' has no attribute {name!r}")
