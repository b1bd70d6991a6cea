"""Standalone HTML reports (``versions diff --format html``), rendered with Jinja and autoescaping."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from .collate import Comparison
from .diff import render_html

_environment = Environment(
    loader=PackageLoader("versions", "templates"), autoescape=select_autoescape(default=True, default_for_string=True)
)


def diff_page(title: str, label_a: str, label_b: str, rows: list[tuple[str, Comparison]]) -> str:
    """A page of compared groups: ``rows`` holds a heading (e.g. the bead) and the comparison of each group."""
    template = _environment.get_template("diff.html")
    return template.render(title=title, label_a=label_a, label_b=label_b, rows=rows, render_html=render_html)
