"""`versions log`: the revisions of a version, from git, or two of them compared."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .. import terminal
from ..errors import problem
from ..history import (
    HistoryError,
    compare_document_commits,
    compare_revisions,
    document_history,
    get_revisions,
    revisions_language,
)
from .common import (
    corpus_option,
    encoding_option,
    fail,
    use_color,
)


@click.command(name="log")
@click.argument("target", metavar="DOC[/VERSION]")
@corpus_option
@encoding_option
@click.option("--compare", "compared", nargs=2, metavar="REV1 REV2", default=None,
              help="Compare two revisions of VERSION (numbers, -1 for the latest, commits, latest or uncommitted): "
                   "the paragraphs and front-matter fields REV2 changed since REV1, with word diffs. Of a whole "
                   "DOC: two commits (any name git knows), and each version and own file that changed between.")
@click.option("--json", "as_json", is_flag=True, help="Print the revisions (or the comparison) as JSON.")
def log_command(target: str, corpus: Path, encoding: str | None, compared: tuple[str, str] | None,
                as_json: bool) -> None:
    """List the revisions of a version (or of every version of a document), newest first, with the number of
    paragraphs each changed. Revisions come from git; uncommitted changes are the newest revision. With --compare,
    show what changed between any two revisions of one version, or in a whole document between two commits.

    Example: versions log telegram-23256/ru-rendering --compare 1 latest
    """
    document_id, _, version_id = target.partition("/")
    if compared is not None:
        _compare(corpus, document_id, version_id, compared, encoding, as_json)
        return
    try:
        histories = document_history(corpus, document_id, version_id or None, encoding)
    except HistoryError as error:
        fail([problem(corpus / document_id, 1, str(error))])
    if as_json:
        click.echo(json.dumps([history.to_json() for history in histories], ensure_ascii=False, indent=1))
        return
    for index, history in enumerate(histories):
        if index:
            click.echo()
        click.echo(terminal.history_text(history))


def _compare(corpus: Path, document_id: str, version_id: str, revs: tuple[str, str], encoding: str | None,
             as_json: bool) -> None:
    if not version_id:
        _compare_commits(corpus, document_id, revs, encoding, as_json)
        return
    try:
        old, new = get_revisions(corpus, document_id, version_id, revs, encoding)
    except HistoryError as error:
        fail([problem(corpus / document_id, 1, str(error))])
    unreadable = next((revision for revision in (old, new) if not revision.readable), None)
    if unreadable is not None:
        fail([problem(corpus / document_id, 1, f"{unreadable.key} cannot be read: {unreadable.note}")])
    diff = compare_revisions(old, new, revisions_language([old, new]))
    if as_json:
        click.echo(json.dumps(diff.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(terminal.revision_comparison_text(diff, use_color()))



def _compare_commits(corpus: Path, document_id: str, commits: tuple[str, str], encoding: str | None,
                     as_json: bool) -> None:
    try:
        points = compare_document_commits(corpus, document_id, *commits, encoding)
    except HistoryError as error:
        fail([problem(corpus / document_id, 1, str(error))])
    if as_json:
        click.echo(json.dumps(points.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(terminal.document_points_text(points, use_color()))
