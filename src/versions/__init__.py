"""versions: every archival copy and translation of a historical document, aligned, diffed and published."""

__version__ = "0.1.0"
