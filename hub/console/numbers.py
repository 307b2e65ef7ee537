"""Counts, shares and days as staff read them in their language: "1.500" and "33,3%" in
Indonesian, "1,500" and "33.3%" in English. The figures keep their numbers (JSON, CSV); only the
page writes them out, through babel, as dates are (hub.console.dates)."""

from babel.numbers import format_decimal, format_percent
from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def number(context: Context, value: float | None) -> str:
    """`{{ count|number }}`; a median of none (no report reached that step) as a dash."""
    return "—" if value is None else format_decimal(value, "#,##0.#", locale=context["language"])


@pass_context
def percent(context: Context, value: float) -> str:
    """`{{ share|percent }}` for a share already in percent, one decimal, as the figures give it."""
    return format_percent(value / 100, "#,##0.0%", locale=context["language"])


FILTERS = {"number": number, "percent": percent}
