"""The book's own package: published figures, teaching-data generators and reusable analyses."""
from .methods.trends import change_table, period_summary

__all__ = ["change_table", "period_summary"]
